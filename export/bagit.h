/* bagit.h - BagIt bags (RFC 8493, version 1.0) with SHA-256 manifests.
 *
 * A bag is a directory holding bagit.txt, bag-info.txt, manifest-sha256.txt,
 * tagmanifest-sha256.txt and the payload under data/. Manifest lines are
 * "HEX  PATH" (two spaces), which is also the format `sha256sum -c` checks
 * from the bag root. Paths are written as given: callers use fixed ASCII names
 * without spaces, CR, LF or '%', so no percent-encoding is ever needed.
 */
#ifndef RINGSCAN_BAGIT_H
#define RINGSCAN_BAGIT_H

#include "base/util.h"

#include <stddef.h>
#include <stdint.h>

/* One bag-info.txt line "Label: value". */
typedef struct {
    const char *label;
    const char *value;
} bagit_tag;

/* Writes NAME (e.g. "manifest-sha256.txt") in dir listing the SHA-256 of each
 * of the n files paths[i] (relative to dir) in the order given. *bytes and
 * *count (when non-NULL) get the total size and number of files listed.
 * Returns RS_OK or RS_E_IO. O(total bytes). */
int bagit_write_manifest(const char *dir, const char *name, const char *const *paths, size_t n,
                         uint64_t *bytes, rs_error *err);

/* Completes the bag in dir whose payload files (paths relative to dir, all
 * under data/) already exist: writes bagit.txt, manifest-sha256.txt,
 * bag-info.txt (the tags in order, then Payload-Oxum) and
 * tagmanifest-sha256.txt. CR and LF in tag values become spaces. Returns
 * RS_OK or RS_E_IO with err set. */
int bagit_complete(const char *dir, const char *const *payload, size_t npayload,
                   const bagit_tag *tags, size_t ntags, rs_error *err);

#endif

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

#include "base/error.h"

#include <stddef.h>
#include <stdint.h>

/* One bag-info.txt line "Label: value". */
typedef struct {
    const char *label;
    const char *value;
} bagit_tag;

/* A file's SHA-256 and size that the caller has already computed by reading
 * the file back from disk after closing it; hex "" when it has not. */
typedef struct {
    char hex[65];
    uint64_t bytes;
} bagit_digest;

/* Writes NAME (e.g. "manifest-sha256.txt") in dir listing the SHA-256 of each
 * of the n files paths[i] (relative to dir) in the order given: known[i] when
 * known is non-NULL and known[i].hex is set, else read from the file. *bytes
 * (when non-NULL) gets the total size of the files listed. Returns RS_OK or
 * RS_E_IO. O(bytes of the files hashed here). */
int bagit_write_manifest(const char *dir, const char *name, const char *const *paths,
                         const bagit_digest *known, size_t n, uint64_t *bytes, rs_error *err);

/* Completes the bag in dir whose payload files (paths relative to dir, all
 * under data/) already exist: writes bagit.txt, manifest-sha256.txt,
 * bag-info.txt (the tags in order, then Payload-Oxum) and
 * tagmanifest-sha256.txt. known (NULL, or one entry per payload file) gives
 * the digests the caller already read back, so no file is hashed twice. CR
 * and LF in tag values become spaces. Returns RS_OK or RS_E_IO with err set. */
int bagit_complete(const char *dir, const char *const *payload, const bagit_digest *known,
                   size_t npayload, const bagit_tag *tags, size_t ntags, rs_error *err);

#endif

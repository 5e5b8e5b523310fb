/* sha256.h - SHA-256 digests as lower-case hex, over OpenSSL's libcrypto.
 *
 * Every digest ringscan records (input files in run.json and bag-info.txt,
 * GeoIP databases, BagIt manifests, the effective configuration) goes through
 * here, so there is one way to hash and one hex form. libcrypto does the
 * hashing; this module only owns the context and the formatting.
 *
 * A context that libcrypto cannot create is treated like failed allocation
 * (the process aborts with a message): it happens only when memory is gone.
 */
#ifndef RINGSCAN_SHA256_H
#define RINGSCAN_SHA256_H

#include "base/error.h"

#include <stddef.h>
#include <stdint.h>

#define SHA256_HEX_LEN 65 /* 64 hex digits and a NUL */

typedef struct sha256_ctx sha256_ctx;

/* Returns a new digest context (never NULL). Free with sha256_free. */
sha256_ctx *sha256_new(void);
/* Adds data[0..n) to the digest. */
void sha256_update(sha256_ctx *h, const void *data, size_t n);
/* Finishes the digest into hex (64 lower-case digits plus NUL) and resets h
 * for a new digest. */
void sha256_final_hex(sha256_ctx *h, char hex[SHA256_HEX_LEN]);
/* Frees h. Accepts NULL. */
void sha256_free(sha256_ctx *h);

/* The digest of data[0..n) as hex. */
void sha256_mem_hex(const void *data, size_t n, char hex[SHA256_HEX_LEN]);

/* The digest of the file at path (its bytes as stored: a .gz file is hashed
 * compressed) as hex; *bytes (when non-NULL) gets its size. Returns RS_OK, or
 * RS_E_IO with err set and hex empty. O(size), 64 KiB of buffer. */
int sha256_file_hex(const char *path, char hex[SHA256_HEX_LEN], uint64_t *bytes, rs_error *err);

#endif

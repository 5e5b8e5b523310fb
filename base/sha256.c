/* sha256.c - SHA-256 contexts and hex digests; see sha256.h. */
#include "base/sha256.h"

#include "base/alloc.h"
#include "base/error.h"

#include <errno.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct sha256_ctx {
    EVP_MD_CTX *md;
};

static void sha256_fatal(void)
{
    fprintf(stderr, "ringscan: cannot initialise SHA-256 (libcrypto)\n");
    abort();
}

static void hex_of(const unsigned char *d, unsigned dl, char hex[SHA256_HEX_LEN])
{
    static const char digits[] = "0123456789abcdef";
    unsigned i;
    for (i = 0; i < dl && i < 32; i++) {
        hex[2 * i] = digits[d[i] >> 4];
        hex[2 * i + 1] = digits[d[i] & 15];
    }
    hex[2 * i] = '\0';
}

sha256_ctx *sha256_new(void)
{
    sha256_ctx *h = xcalloc(1, sizeof *h);
    h->md = EVP_MD_CTX_new();
    if (!h->md || EVP_DigestInit_ex(h->md, EVP_sha256(), NULL) != 1)
        sha256_fatal();
    return h;
}

void sha256_update(sha256_ctx *h, const void *data, size_t n)
{
    if (n)
        EVP_DigestUpdate(h->md, data, n);
}

void sha256_final_hex(sha256_ctx *h, char hex[SHA256_HEX_LEN])
{
    unsigned char d[EVP_MAX_MD_SIZE];
    unsigned dl = 0;
    if (EVP_DigestFinal_ex(h->md, d, &dl) != 1 || EVP_DigestInit_ex(h->md, EVP_sha256(), NULL) != 1)
        sha256_fatal();
    hex_of(d, dl, hex);
}

void sha256_free(sha256_ctx *h)
{
    if (!h)
        return;
    EVP_MD_CTX_free(h->md);
    free(h);
}

void sha256_mem_hex(const void *data, size_t n, char hex[SHA256_HEX_LEN])
{
    unsigned char d[EVP_MAX_MD_SIZE];
    unsigned dl = 0;
    if (EVP_Digest(data, n, d, &dl, EVP_sha256(), NULL) != 1)
        sha256_fatal();
    hex_of(d, dl, hex);
}

int sha256_file_hex(const char *path, char hex[SHA256_HEX_LEN], uint64_t *bytes, rs_error *err)
{
    int rc = RS_OK;
    unsigned char *buf = NULL;
    sha256_ctx *h = NULL;
    uint64_t total = 0;
    FILE *f = fopen(path, "rb");
    hex[0] = '\0';
    if (!f) {
        rc = rs_error_set(err, RS_E_IO, path, 0, 0, "cannot open: %s", strerror(errno));
        goto cleanup;
    }
    h = sha256_new();
    buf = xmalloc(1 << 16);
    size_t n;
    while ((n = fread(buf, 1, 1 << 16, f)) > 0) {
        sha256_update(h, buf, n);
        total += n;
    }
    if (ferror(f)) {
        rc = rs_error_set(err, RS_E_IO, path, 0, 0, "read error: %s", strerror(errno));
        goto cleanup;
    }
    sha256_final_hex(h, hex);
    if (bytes)
        *bytes = total;
cleanup:
    free(buf);
    sha256_free(h);
    if (f)
        fclose(f);
    return rc;
}

/* bagit.c - BagIt bag completion; see bagit.h.
 *
 * Every file is hashed by reading it back after it was written and closed, so
 * the manifest states what is on disk, not what a writer meant to write.
 */
#include "export/bagit.h"

#include <errno.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char *path_join(const char *a, const char *b)
{
    size_t l = strlen(a) + strlen(b) + 2;
    char *p = xmalloc(l);
    snprintf(p, l, "%s/%s", a, b);
    return p;
}

int bagit_sha256_file(const char *path, char hex[65], uint64_t *bytes, rs_error *err)
{
    int rc = RS_OK;
    unsigned char *buf = NULL;
    EVP_MD_CTX *md = NULL;
    uint64_t total = 0;
    FILE *f = fopen(path, "rb");
    hex[0] = '\0';
    if (!f) {
        rc = rs_error_set(err, RS_E_IO, path, 0, 0, "cannot open: %s", strerror(errno));
        goto cleanup;
    }
    md = EVP_MD_CTX_new();
    if (!md || EVP_DigestInit_ex(md, EVP_sha256(), NULL) != 1) {
        rc = rs_error_set(err, RS_E_IO, path, 0, 0, "SHA-256 unavailable");
        goto cleanup;
    }
    buf = xmalloc(1 << 16);
    size_t n;
    while ((n = fread(buf, 1, 1 << 16, f)) > 0) {
        EVP_DigestUpdate(md, buf, n);
        total += n;
    }
    if (ferror(f)) {
        rc = rs_error_set(err, RS_E_IO, path, 0, 0, "read error: %s", strerror(errno));
        goto cleanup;
    }
    unsigned char d[EVP_MAX_MD_SIZE];
    unsigned dl = 0;
    EVP_DigestFinal_ex(md, d, &dl);
    for (unsigned i = 0; i < dl && i < 32; i++)
        snprintf(hex + 2 * i, 3, "%02x", d[i]);
    if (bytes)
        *bytes = total;
cleanup:
    free(buf);
    EVP_MD_CTX_free(md);
    if (f)
        fclose(f);
    return rc;
}

void bagit_sha256_mem(const void *data, size_t n, char hex[65])
{
    unsigned char d[EVP_MAX_MD_SIZE];
    unsigned dl = 0;
    hex[0] = '\0';
    if (EVP_Digest(data, n, d, &dl, EVP_sha256(), NULL) != 1)
        return;
    for (unsigned i = 0; i < dl && i < 32; i++)
        snprintf(hex + 2 * i, 3, "%02x", d[i]);
}

/* Writes text to dir/name; RS_OK or RS_E_IO. */
static int write_text(const char *dir, const char *name, const char *text, size_t n, rs_error *err)
{
    char *p = path_join(dir, name);
    int rc = RS_OK;
    FILE *f = fopen(p, "wb");
    if (!f) {
        rc = rs_error_set(err, RS_E_IO, p, 0, 0, "cannot create: %s", strerror(errno));
    } else {
        int bad = n && fwrite(text, 1, n, f) != n;
        if (fclose(f) != 0 || bad)
            rc = rs_error_set(err, RS_E_IO, p, 0, 0, "write error: %s", strerror(errno));
    }
    free(p);
    return rc;
}

int bagit_write_manifest(const char *dir, const char *name, const char *const *paths, size_t n,
                         uint64_t *bytes, rs_error *err)
{
    rs_buf b = {0};
    uint64_t total = 0;
    int rc = RS_OK;
    for (size_t i = 0; i < n && rc == RS_OK; i++) {
        char hex[65];
        uint64_t sz = 0;
        char *p = path_join(dir, paths[i]);
        rc = bagit_sha256_file(p, hex, &sz, err);
        free(p);
        if (rc == RS_OK) {
            buf_printf(&b, "%s  %s\n", hex, paths[i]);
            total += sz;
        }
    }
    if (rc == RS_OK)
        rc = write_text(dir, name, b.data ? b.data : "", b.len, err);
    if (rc == RS_OK && bytes)
        *bytes = total;
    buf_free(&b);
    return rc;
}

int bagit_complete(const char *dir, const char *const *payload, size_t npayload,
                   const bagit_tag *tags, size_t ntags, rs_error *err)
{
    static const char decl[] = "BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n";
    static const char *const tagfiles[] = {"bagit.txt", "bag-info.txt", "manifest-sha256.txt"};
    rs_buf info = {0};
    uint64_t bytes = 0;
    int rc = write_text(dir, "bagit.txt", decl, sizeof decl - 1, err);
    if (rc == RS_OK)
        rc = bagit_write_manifest(dir, "manifest-sha256.txt", payload, npayload, &bytes, err);
    if (rc == RS_OK) {
        for (size_t i = 0; i < ntags; i++) {
            buf_puts(&info, tags[i].label);
            buf_puts(&info, ": ");
            for (const char *v = tags[i].value; v && *v; v++)
                buf_putc(&info, *v == '\n' || *v == '\r' ? ' ' : *v);
            buf_putc(&info, '\n');
        }
        buf_printf(&info, "Payload-Oxum: %llu.%zu\n", (unsigned long long)bytes, npayload);
        rc = write_text(dir, "bag-info.txt", info.data, info.len, err);
    }
    if (rc == RS_OK)
        rc = bagit_write_manifest(dir, "tagmanifest-sha256.txt", tagfiles,
                                  sizeof tagfiles / sizeof *tagfiles, NULL, err);
    buf_free(&info);
    return rc;
}

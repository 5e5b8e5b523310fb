/* bagit.c - BagIt bag completion; see bagit.h.
 *
 * Every file is hashed by reading it back after it was written and closed, so
 * the manifest states what is on disk, not what a writer meant to write; a
 * digest the caller passes in was taken the same way (evidence.c hashes the
 * payload for the report first), so each file is read back once.
 */
#include "export/bagit.h"

#include "base/files.h"
#include "base/sha256.h"
#include "export/escape.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int bagit_write_manifest(const char *dir, const char *name, const char *const *paths,
                         const bagit_digest *known, size_t n, uint64_t *bytes, rs_error *err)
{
    rs_buf b = {0};
    uint64_t total = 0;
    int rc = RS_OK;
    for (size_t i = 0; i < n && rc == RS_OK; i++) {
        char hex[65];
        uint64_t sz = 0;
        if (known && known[i].hex[0]) {
            memcpy(hex, known[i].hex, sizeof hex);
            sz = known[i].bytes;
        } else {
            char *p = files_join(dir, paths[i]);
            rc = sha256_file_hex(p, hex, &sz, err);
            free(p);
        }
        if (rc == RS_OK) {
            buf_printf(&b, "%s  %s\n", hex, paths[i]);
            total += sz;
        }
    }
    if (rc == RS_OK) {
        char *p = files_join(dir, name);
        rc = files_write_text(p, b.data ? b.data : "", b.len, err);
        free(p);
    }
    if (rc == RS_OK && bytes)
        *bytes = total;
    buf_free(&b);
    return rc;
}

int bagit_complete(const char *dir, const char *const *payload, const bagit_digest *known,
                   size_t npayload, const bagit_tag *tags, size_t ntags, rs_error *err)
{
    static const char decl[] = "BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n";
    static const char *const tagfiles[] = {"bagit.txt", "bag-info.txt", "manifest-sha256.txt"};
    rs_buf info = {0};
    uint64_t bytes = 0;
    char *decl_path = files_join(dir, "bagit.txt"), *info_path = files_join(dir, "bag-info.txt");
    int rc = files_write_text(decl_path, decl, sizeof decl - 1, err);
    if (rc == RS_OK)
        rc =
            bagit_write_manifest(dir, "manifest-sha256.txt", payload, known, npayload, &bytes, err);
    if (rc == RS_OK) {
        for (size_t i = 0; i < ntags; i++) {
            const char *v = tags[i].value ? tags[i].value : "";
            buf_puts(&info, tags[i].label);
            buf_puts(&info, ": ");
            escape_plain(&info, v, strlen(v)); /* one line, no controls */
            buf_putc(&info, '\n');
        }
        buf_printf(&info, "Payload-Oxum: %llu.%zu\n", (unsigned long long)bytes, npayload);
        rc = files_write_text(info_path, info.data, info.len, err);
    }
    if (rc == RS_OK)
        rc = bagit_write_manifest(dir, "tagmanifest-sha256.txt", tagfiles, NULL,
                                  sizeof tagfiles / sizeof *tagfiles, NULL, err);
    buf_free(&info);
    free(decl_path);
    free(info_path);
    return rc;
}

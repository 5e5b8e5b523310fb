/* files.c - paths and whole files; see files.h. */
#include "base/files.h"

#include "base/alloc.h"
#include "base/error.h"

#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

char *files_join(const char *a, const char *b)
{
    size_t l = strlen(a) + strlen(b) + 2;
    char *p = xmalloc(l);
    snprintf(p, l, "%s/%s", a, b);
    return p;
}

int files_write(const char *path, files_write_fn fn, const void *ctx, rs_error *err)
{
    FILE *f = fopen(path, "wb");
    if (!f)
        return rs_error_set(err, RS_E_IO, path, 0, 0, "cannot create: %s", strerror(errno));
    setvbuf(f, NULL, _IOFBF, 1 << 20);
    errno = 0;
    int wrc = fn(f, ctx);
    int bad = ferror(f);
    int saved = errno;
    int crc = fclose(f);
    if (crc != 0)
        saved = errno;
    if (wrc || bad || crc)
        return saved ? rs_error_set(err, RS_E_IO, path, 0, 0, "write error: %s", strerror(saved))
                     : rs_error_set(err, RS_E_IO, path, 0, 0, "write error");
    return RS_OK;
}

typedef struct {
    const char *text;
    size_t n;
} text_ctx;

static int put_text(FILE *f, const void *vctx)
{
    const text_ctx *t = vctx;
    return t->n && fwrite(t->text, 1, t->n, f) != t->n ? -1 : 0;
}

int files_write_text(const char *path, const char *text, size_t n, rs_error *err)
{
    text_ctx t = {text, n};
    return files_write(path, put_text, &t, err);
}

int files_mkdir_p(const char *dir)
{
    char *p = xstrdup(dir);
    int rc = 0;
    for (char *s = p + 1; *s && rc == 0; s++) {
        if (*s != '/')
            continue;
        *s = '\0';
        if (mkdir(p, 0777) != 0 && errno != EEXIST)
            rc = -1;
        *s = '/';
    }
    if (rc == 0 && mkdir(p, 0777) != 0 && errno != EEXIST)
        rc = -1;
    free(p);
    return rc;
}

int files_rmtree(const char *path)
{
    struct stat sb;
    if (lstat(path, &sb) != 0)
        return errno == ENOENT ? 0 : -1;
    if (!S_ISDIR(sb.st_mode))
        return unlink(path) == 0 ? 0 : -1;
    int rc = 0;
    DIR *d = opendir(path);
    if (d) {
        const struct dirent *de;
        while ((de = readdir(d)) != NULL) {
            if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
                continue;
            char *c = files_join(path, de->d_name);
            if (files_rmtree(c) != 0)
                rc = -1;
            free(c);
        }
        closedir(d);
    }
    if (rmdir(path) != 0)
        rc = -1;
    return rc;
}

/* Copies one regular file (when a hard link is not possible). */
static int copy_file(const char *src, const char *dst)
{
    FILE *in = fopen(src, "rb");
    if (!in)
        return -1;
    FILE *out = fopen(dst, "wb");
    if (!out) {
        fclose(in);
        return -1;
    }
    char buf[1 << 16];
    size_t n;
    int rc = 0;
    while ((n = fread(buf, 1, sizeof buf, in)) > 0)
        if (fwrite(buf, 1, n, out) != n) {
            rc = -1;
            break;
        }
    if (ferror(in))
        rc = -1;
    fclose(in);
    if (fclose(out) != 0)
        rc = -1;
    return rc;
}

int files_link_tree(const char *src, const char *dst)
{
    struct stat sb;
    if (lstat(src, &sb) != 0)
        return -1;
    if (S_ISREG(sb.st_mode))
        return link(src, dst) == 0 ? 0 : copy_file(src, dst);
    if (!S_ISDIR(sb.st_mode))
        return 0; /* links and specials are not part of a bag */
    if (mkdir(dst, 0777) != 0 && errno != EEXIST)
        return -1;
    DIR *d = opendir(src);
    if (!d)
        return -1;
    int rc = 0;
    const struct dirent *de;
    while ((de = readdir(d)) != NULL) {
        if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
            continue;
        char *a = files_join(src, de->d_name), *b = files_join(dst, de->d_name);
        if (files_link_tree(a, b) != 0)
            rc = -1;
        free(a);
        free(b);
    }
    closedir(d);
    return rc;
}

/* fuzzutil.c - temporary directories, failure reports and the checks of the
 * table reader's promises shared by the fuzz harnesses; see fuzzutil.h. */
#include "tests/fuzz/fuzzutil.h"

#include "base/ipaddr.h"
#include "base/ts.h"
#include "base/utf8.h"
#include "base/alloc.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* The sanitizers' report channel, present when one is linked in: libFuzzer's
 * -close_fd_mask closes stderr but keeps this one. */
extern void __sanitizer_report_error_summary(const char *summary) __attribute__((weak));

void fuzzutil_fail(const char *fmt, ...)
{
    char msg[2048];
    va_list ap;
    va_start(ap, fmt);
    int n = snprintf(msg, sizeof msg, "fuzz: invariant broken: ");
    vsnprintf(msg + n, sizeof msg - (size_t)n, fmt, ap);
    va_end(ap);
    fprintf(stderr, "%s\n", msg);
    if (__sanitizer_report_error_summary)
        __sanitizer_report_error_summary(msg);
    abort();
}

char *fuzzutil_tmpdir(void)
{
    const char *base = getenv("TMPDIR");
    if (!base || !*base)
        base = "/tmp";
    size_t n = strlen(base) + sizeof "/rs-fuzz-XXXXXX";
    char *dir = xmalloc(n);
    snprintf(dir, n, "%s/rs-fuzz-XXXXXX", base);
    if (!mkdtemp(dir)) {
        fprintf(stderr, "fuzz: mkdtemp %s: %s\n", dir, strerror(errno));
        abort();
    }
    return dir;
}

char *fuzzutil_write(const char *dir, const char *name, const void *data, size_t n)
{
    size_t pl = strlen(dir) + strlen(name) + 2;
    char *path = xmalloc(pl);
    snprintf(path, pl, "%s/%s", dir, name);
    FILE *f = fopen(path, "wbx");
    if (!f || (n && fwrite(data, 1, n, f) != n) || fclose(f) != 0) {
        fprintf(stderr, "fuzz: cannot write %s: %s\n", path, strerror(errno));
        abort();
    }
    return path;
}

/* Removes name (in the directory open as parent) and, when it is a directory,
 * everything below it. Entry names are read before any is removed, since
 * readdir's behaviour while its directory changes is unspecified. */
static int rmtree_at(int parent, const char *name)
{
    int fd = openat(parent, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0)
        return unlinkat(parent, name, 0);
    DIR *d = fdopendir(fd);
    if (!d) {
        close(fd);
        return -1;
    }
    char **names = NULL;
    size_t n = 0, cap = 0;
    struct dirent *de;
    while ((de = readdir(d)) != NULL) {
        if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
            continue;
        ALLOC_GROW(names, cap, n + 1);
        names[n++] = xstrdup(de->d_name);
    }
    int rc = 0;
    for (size_t i = 0; i < n; i++) {
        if (rmtree_at(dirfd(d), names[i]) != 0)
            rc = -1;
        free(names[i]);
    }
    free(names);
    closedir(d);
    if (unlinkat(parent, name, AT_REMOVEDIR) != 0)
        rc = -1;
    return rc;
}

void fuzzutil_rmtree(char *dir)
{
    if (!dir)
        return;
    if (rmtree_at(AT_FDCWD, dir) != 0)
        fuzzutil_fail("cannot remove temporary directory %s: %s", dir, strerror(errno));
    free(dir);
}

void fuzzutil_check_value(const col_def *cd, const tvalue *v)
{
    if (!v->s || v->n == 0 || v->s[v->n] != '\0' || strlen(v->s) != v->n)
        fuzzutil_fail("column %s: value not a NUL-terminated string of length %zu", cd->name, v->n);
    size_t bad;
    if (utf8_check(v->s, v->n, &bad) != UTF8_OK)
        fuzzutil_fail("column %s: invalid UTF-8 at byte %zu", cd->name, bad);
    char buf[TS_FMT_LEN > IPADDR_STRLEN ? TS_FMT_LEN : IPADDR_STRLEN];
    switch (cd->type) {
    case COL_ID:
        if (v->n > SCHEMA_MAX_ID)
            fuzzutil_fail("column %s: id of %zu bytes", cd->name, v->n);
        break;
    case COL_TEXT:
        if (v->n > SCHEMA_MAX_TEXT)
            fuzzutil_fail("column %s: text of %zu bytes", cd->name, v->n);
        break;
    case COL_IGNORED:
        break;
    case COL_TS:
        if (v->v.ts < 0)
            fuzzutil_fail("column %s: timestamp %lld before 1970", cd->name, (long long)v->v.ts);
        ts_format(v->v.ts, buf);
        break;
    case COL_IP:
        if (v->v.ip.len != 4 && v->v.ip.len != 16)
            fuzzutil_fail("column %s: address of length %u", cd->name, v->v.ip.len);
        ipaddr_format(&v->v.ip, buf);
        break;
    case COL_UINT:
        if (v->v.u > UINT32_MAX || (!strcmp(cd->name, "port") && (v->v.u < 1 || v->v.u > 65535)))
            fuzzutil_fail("column %s: integer %llu out of range", cd->name,
                          (unsigned long long)v->v.u);
        break;
    case COL_AMOUNT:
        if (!isfinite(v->v.d) || v->v.d < 0)
            fuzzutil_fail("column %s: amount %g", cd->name, v->v.d);
        break;
    case COL_STARS:
        if (!(v->v.d >= 0 && v->v.d <= 5))
            fuzzutil_fail("column %s: stars %g", cd->name, v->v.d);
        break;
    case COL_BOOL:
    case COL_AGENT:
        if (v->v.b != 0 && v->v.b != 1)
            fuzzutil_fail("column %s: boolean %d", cd->name, v->v.b);
        break;
    case COL_COUNTRY:
        if (v->v.cc[0] < 'A' || v->v.cc[0] > 'Z' || v->v.cc[1] < 'A' || v->v.cc[1] > 'Z' ||
            v->v.cc[2] != '\0')
            fuzzutil_fail("column %s: country code not two upper-case letters", cd->name);
        break;
    case COL_ROLE:
        if (v->v.role != ROLE_FREELANCER && v->v.role != ROLE_CLIENT)
            fuzzutil_fail("column %s: role %d", cd->name, v->v.role);
        break;
    }
}

void fuzzutil_check_message(const char *what, const char *s, size_t n)
{
    for (size_t i = 0; i < n;) {
        size_t l = utf8_seq_len((const unsigned char *)s + i, n - i);
        if (l == 0)
            fuzzutil_fail("%s: invalid UTF-8 at byte %zu: %.*s", what, i, (int)n, s);
        const unsigned char *u = (const unsigned char *)s + i;
        int cp = l == 1 && (u[0] < 0x20 || u[0] == 0x7f) ? u[0]
                 : l == 2 && u[0] == 0xc2 && u[1] < 0xa0 ? u[1]
                                                         : -1;
        if (cp >= 0 && cp != '\t')
            fuzzutil_fail("%s: control character 0x%02x at byte %zu: %.*s", what, (unsigned)cp, i,
                          (int)n, s);
        i += l;
    }
}

/* test_source.c - line reader: plain and gzip (multi-member, truncated), line
 * ends, lines longer than a buffer, SHA-256 of the raw bytes, the size and
 * ratio limits, non-regular files; each line's offset, and reading only
 * given ranges with their line numbers. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <zlib.h>

#include "base/sha256.h"
#include "base/buf.h"
#include "base/error.h"
#include "ingest/source.h"

static char dir[64];

static int setup(void **state)
{
    (void)state;
    snprintf(dir, sizeof dir, "/tmp/rs-test-source-XXXXXX");
    return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    return system(cmd);
}

static const char *path_of(const char *name)
{
    static char p[256];
    snprintf(p, sizeof p, "%s/%s", dir, name);
    return p;
}

static void write_raw(const char *name, const void *data, size_t n)
{
    FILE *f = fopen(path_of(name), "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(data, 1, n, f), n);
    fclose(f);
}

/* Reads every line of name, concatenated with '|' after each. */
static int read_all(const char *name, rs_buf *out, rs_error *err)
{
    source *s = NULL;
    int rc = source_open(&s, path_of(name), name, err);
    if (rc)
        return rc;
    const char *line;
    size_t len;
    while ((rc = source_next_line(s, &line, &len, err)) > 0) {
        buf_append(out, line, len);
        buf_putc(out, '|');
    }
    source_close(s);
    return rc;
}

static void test_source__line_ends(void **state)
{
    (void)state;
    rs_buf b = {0};
    rs_error err = {0};
    write_raw("lf", "a\nb\n\nc", 6);
    assert_int_equal(read_all("lf", &b, &err), 0);
    assert_string_equal(b.data, "a\n|b\n|\n|c|");
    buf_clear(&b);
    write_raw("crlf", "a\r\nb\r\n", 6);
    assert_int_equal(read_all("crlf", &b, &err), 0);
    assert_string_equal(b.data, "a\r\n|b\r\n|");
    buf_clear(&b);
    write_raw("cr", "a\rb\rc", 5);
    assert_int_equal(read_all("cr", &b, &err), 0);
    assert_string_equal(b.data, "a\r|b\r|c|");
    buf_free(&b);
}

static void test_source__long_line_across_buffers(void **state)
{
    (void)state;
    size_t n = (3u << 20) + 17;
    char *big = malloc(n + 3);
    memset(big, 'x', n);
    big[n] = '\n';
    big[n + 1] = 'y';
    big[n + 2] = '\n';
    write_raw("big", big, n + 3);
    source *s = NULL;
    rs_error err = {0};
    assert_int_equal(source_open(&s, path_of("big"), "big", &err), 0);
    const char *line;
    size_t len;
    assert_int_equal(source_next_line(s, &line, &len, &err), 1);
    assert_int_equal(len, n + 1);
    assert_memory_equal(line, big, n + 1);
    assert_int_equal(source_next_line(s, &line, &len, &err), 1);
    assert_int_equal(len, 2);
    assert_int_equal(source_line(s), 2);
    assert_int_equal(source_next_line(s, &line, &len, &err), 0);
    char hex[65];
    assert_int_equal(source_sha256(s, hex, &err), 0);
    assert_int_equal(strlen(hex), 64);
    source_close(s);
    free(big);
}

static void gz_member(FILE *f, const char *text)
{
    /* One complete gzip member per call, appended to f. */
    char tmp[256];
    snprintf(tmp, sizeof tmp, "%s/member.gz", dir);
    gzFile gz = gzopen(tmp, "wb");
    gzputs(gz, text);
    gzclose(gz);
    FILE *m = fopen(tmp, "rb");
    char buf[4096];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, m)) > 0)
        fwrite(buf, 1, n, f);
    fclose(m);
}

static void test_source__gzip_members_and_truncation(void **state)
{
    (void)state;
    FILE *f = fopen(path_of("multi.gz"), "wb");
    gz_member(f, "one\ntwo");
    gz_member(f, "\nthree\n");
    fclose(f);
    rs_buf b = {0};
    rs_error err = {0};
    assert_int_equal(read_all("multi.gz", &b, &err), 0);
    assert_string_equal(b.data, "one\n|two\n|three\n|");
    /* The digest is of the compressed bytes, as sha256sum would compute. */
    source *s = NULL;
    char hex[65], hex2[65];
    assert_int_equal(source_open(&s, path_of("multi.gz"), "m", &err), 0);
    assert_true(source_is_gzip(s));
    assert_int_equal(source_sha256(s, hex, &err), 0);
    source_close(s);
    assert_int_equal(sha256_file_hex(path_of("multi.gz"), hex2, NULL, &err), 0);
    assert_string_equal(hex, hex2);
    /* Cut the file short. */
    FILE *in = fopen(path_of("multi.gz"), "rb");
    char raw[4096];
    size_t n = fread(raw, 1, sizeof raw, in);
    fclose(in);
    write_raw("cut.gz", raw, n - 6);
    buf_clear(&b);
    assert_int_equal(read_all("cut.gz", &b, &err), RS_E_FORMAT);
    assert_non_null(strstr(err.msg, "truncated gzip"));
    buf_free(&b);
}

static void test_source__known_digest_and_missing_file(void **state)
{
    (void)state;
    write_raw("abc", "abc", 3);
    char hex[65];
    rs_error err = {0};
    assert_int_equal(sha256_file_hex(path_of("abc"), hex, NULL, &err), 0);
    assert_string_equal(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    source *s = NULL;
    assert_int_equal(source_open(&s, path_of("nope"), "nope", &err), RS_E_IO);
    assert_null(s);
    assert_non_null(strstr(err.msg, "nope: cannot open"));
}

/* Reads name to the end with lim; returns the final code. */
static int drain(const char *name, const source_limits *lim, rs_error *err)
{
    source *s = NULL;
    int rc = source_open(&s, path_of(name), name, err);
    if (rc)
        return rc;
    source_set_limits(s, lim);
    const char *line;
    size_t len;
    while ((rc = source_next_line(s, &line, &len, err)) > 0)
        ;
    source_close(s);
    return rc;
}

/* The decompressed-size bound on plain and gzip files; the gzip ratio bound
 * only past the grace size, so that a small repetitive file passes; a FIFO
 * refused without blocking. */
static void test_source__limits_and_fifo(void **state)
{
    (void)state;
    size_t n = 3u << 20;
    char *text = malloc(n);
    assert_non_null(text);
    for (size_t i = 0; i < n; i++)
        text[i] = (i % 64 == 63) ? '\n' : 'x';
    write_raw("plain.csv", text, n);
    rs_error err = {0};
    source_limits lim = {2u << 20, 0, 0};
    assert_int_equal(drain("plain.csv", &lim, &err), RS_E_LIMIT);
    assert_non_null(strstr(err.msg, "plain.csv:"));
    assert_non_null(strstr(err.msg, "input larger than the limit of 2097152 bytes"));
    lim.max_bytes = 4u << 20;
    assert_int_equal(drain("plain.csv", &lim, &err), 0);
    /* 3 MiB of x compresses over a thousand-fold: under the grace size it passes
     * any ratio bound. */
    gzFile gz = gzopen(path_of("small.gz"), "wb9");
    assert_int_equal(gzwrite(gz, text, (unsigned)n), (int)n);
    gzclose(gz);
    source_limits ratio = {0, 0, 10};
    assert_int_equal(drain("small.gz", &ratio, &err), 0);
    /* Past the grace size it stops, naming the ratio. */
    gz = gzopen(path_of("bomb.gz"), "wb9");
    for (size_t k = 0; k < SOURCE_RATIO_GRACE / n + 2; k++)
        assert_int_equal(gzwrite(gz, text, (unsigned)n), (int)n);
    gzclose(gz);
    assert_int_equal(drain("bomb.gz", &ratio, &err), RS_E_LIMIT);
    assert_non_null(strstr(err.msg, "gzip data expands more than 10:1"));
    ratio.max_ratio = 0; /* no bound */
    assert_int_equal(drain("bomb.gz", &ratio, &err), 0);
    free(text);
    assert_int_equal(mkfifo(path_of("fifo.csv"), 0600), 0);
    assert_int_equal(drain("fifo.csv", &lim, &err), RS_E_IO);
    assert_non_null(strstr(err.msg, "fifo.csv: not a regular file (a FIFO): refused"));
    assert_int_equal(drain("", &lim, &err), RS_E_IO); /* the directory itself */
    assert_non_null(strstr(err.msg, "a directory"));
}

/* Offsets of lines, also across a refill (a line longer than a buffer), then
 * the same lines read back through ranges, numbered from each range. */
static void test_source__line_offsets_and_ranges(void **state)
{
    (void)state;
    size_t big = (1u << 20) + 100;
    char *text = malloc(big + 64);
    assert_non_null(text);
    strcpy(text, "h1,h2\nab\n");
    size_t at_long = strlen(text);
    memset(text + at_long, 'x', big);
    text[at_long + big - 1] = '\n';
    strcpy(text + at_long + big, "last\n");
    size_t total = at_long + big + 5;
    write_raw("off.csv", text, total);
    rs_error err = {0};
    source *s = NULL;
    assert_int_equal(source_open(&s, path_of("off.csv"), "off.csv", &err), RS_OK);
    const char *line;
    size_t len;
    uint64_t want[] = {0, 6, at_long, at_long + big};
    for (int i = 0; i < 4; i++) {
        assert_int_equal(source_next_line(s, &line, &len, &err), 1);
        assert_int_equal(source_line_offset(s), want[i]);
    }
    source_close(s);

    source_range rg[] = {{0, 6, 1}, {at_long + big, 5, 4}, {6, 3, 2}};
    assert_int_equal(source_open_ranges(&s, path_of("off.csv"), "off.csv", rg, 3, &err), RS_OK);
    const char *exp[] = {"h1,h2\n", "last\n", "ab\n"};
    long lines[] = {1, 4, 2};
    for (int i = 0; i < 3; i++) {
        assert_int_equal(source_next_line(s, &line, &len, &err), 1);
        assert_int_equal(len, strlen(exp[i]));
        assert_memory_equal(line, exp[i], len);
        assert_int_equal(source_line(s), lines[i]);
        assert_int_equal(source_line_offset(s), rg[i].off);
    }
    assert_int_equal(source_next_line(s, &line, &len, &err), 0);
    char hex[65];
    assert_int_equal(source_sha256(s, hex, &err), RS_OK);
    assert_string_equal(hex, ""); /* nothing hashed */
    source_close(s);

    /* A range past the end: the file changed. */
    source_range past[] = {{0, 6, 1}, {total - 2, 10, 9}};
    assert_int_equal(source_open_ranges(&s, path_of("off.csv"), "off.csv", past, 2, &err), RS_OK);
    assert_int_equal(source_next_line(s, &line, &len, &err), 1);
    int rc;
    while ((rc = source_next_line(s, &line, &len, &err)) > 0)
        ;
    assert_int_equal(rc, RS_E_IO);
    assert_non_null(strstr(err.msg, "changed"));
    source_close(s);
    free(text);

    /* Bare-CR lines: the terminator comes from the first range. */
    write_raw("cr.csv", "a,b\r1,2\r3,4\r", 12);
    source_range cr[] = {{0, 4, 1}, {8, 4, 3}};
    assert_int_equal(source_open_ranges(&s, path_of("cr.csv"), "cr.csv", cr, 2, &err), RS_OK);
    assert_int_equal(source_next_line(s, &line, &len, &err), 1);
    assert_int_equal(len, 4);
    assert_int_equal(source_next_line(s, &line, &len, &err), 1);
    assert_memory_equal(line, "3,4\r", 4);
    assert_int_equal(source_line(s), 3);
    source_close(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_source__line_ends),
        cmocka_unit_test(test_source__long_line_across_buffers),
        cmocka_unit_test(test_source__gzip_members_and_truncation),
        cmocka_unit_test(test_source__known_digest_and_missing_file),
        cmocka_unit_test(test_source__limits_and_fifo),
        cmocka_unit_test(test_source__line_offsets_and_ranges),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}

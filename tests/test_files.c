/* test_files.c - path joining, create-and-write with its error paths (a
 * missing directory, a writer that fails, a full device), mkdir -p and rm -r
 * that never follows a symbolic link, and the block writer. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/files.h"
#include "base/buf.h"
#include "base/error.h"

static char dir[64];

static int setup(void **state)
{
    (void)state;
    snprintf(dir, sizeof dir, "/tmp/test_files.XXXXXX");
    return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    return files_rmtree(dir);
}

static char *slurp(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    static char buf[4096];
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    buf[n] = '\0';
    fclose(f);
    return buf;
}

static int write_hello(FILE *f, const void *ctx)
{
    return fprintf(f, "hello %s\n", (const char *)ctx) < 0 ? -1 : 0;
}

static int write_fails(FILE *f, const void *ctx)
{
    (void)ctx;
    fputs("partial", f);
    return -1;
}

static void test_files__join_and_write(void **state)
{
    (void)state;
    char *p = files_join(dir, "a.txt");
    assert_int_equal(strlen(p), strlen(dir) + 6);
    rs_error err = {0};
    assert_int_equal(files_write(p, write_hello, "world", &err), RS_OK);
    assert_string_equal(slurp(p), "hello world\n");
    assert_int_equal(files_write_text(p, "x", 1, &err), RS_OK);
    assert_string_equal(slurp(p), "x");
    assert_int_equal(files_write_text(p, "", 0, &err), RS_OK);
    assert_string_equal(slurp(p), "");
    free(p);
}

static void test_files__write_errors(void **state)
{
    (void)state;
    rs_error err = {0};
    char *p = files_join(dir, "missing/a.txt");
    assert_int_equal(files_write(p, write_hello, "x", &err), RS_E_IO);
    assert_non_null(strstr(err.msg, "missing/a.txt: cannot create: "));
    free(p);
    p = files_join(dir, "b.txt");
    assert_int_equal(files_write(p, write_fails, NULL, &err), RS_E_IO);
    assert_non_null(strstr(err.msg, "b.txt: write error"));
    free(p);
    /* A full device: every write fails at the latest when stdio flushes. */
    if (access("/dev/full", W_OK) == 0) {
        assert_int_equal(files_write("/dev/full", write_hello, "x", &err), RS_E_IO);
        assert_non_null(strstr(err.msg, "/dev/full: write error: "));
    }
}

static void test_files__mkdir_p_and_rmtree(void **state)
{
    (void)state;
    char *deep = files_join(dir, "x/y/z");
    assert_int_equal(files_mkdir_p(deep), 0);
    assert_int_equal(files_mkdir_p(deep), 0); /* existing: fine */
    struct stat sb;
    assert_int_equal(stat(deep, &sb), 0);
    assert_true(S_ISDIR(sb.st_mode));
    /* A link inside the tree to a directory outside it: rmtree removes the
     * link and leaves the target alone. */
    char outside[64];
    snprintf(outside, sizeof outside, "/tmp/test_files_out.XXXXXX");
    assert_non_null(mkdtemp(outside));
    char *keep = files_join(outside, "keep.txt");
    rs_error err = {0};
    assert_int_equal(files_write_text(keep, "k", 1, &err), RS_OK);
    char *link = files_join(deep, "link");
    assert_int_equal(symlink(outside, link), 0);
    char *top = files_join(dir, "x");
    assert_int_equal(files_rmtree(top), 0);
    assert_int_equal(lstat(top, &sb), -1);
    assert_int_equal(stat(keep, &sb), 0);
    assert_int_equal(files_rmtree(top), 0); /* already gone: fine */
    assert_int_equal(files_rmtree(outside), 0);
    free(deep);
    free(keep);
    free(link);
    free(top);
}

static void test_files__block_writer(void **state)
{
    (void)state;
    char *p = files_join(dir, "block.bin");
    FILE *f = fopen(p, "wb");
    assert_non_null(f);
    rs_buf b = {0};
    int rc = 0;
    size_t total = 0;
    for (int i = 0; i < 300000; i++) {
        buf_puts(&b, "0123456789");
        total += 10;
        buf_spill(&b, f, &rc);
        assert_true(b.len <= BUF_BLOCK + 10); /* memory stays bounded */
    }
    assert_int_equal(buf_flush(&b, f), 0);
    assert_int_equal(b.len, 0);
    assert_int_equal(rc, 0);
    assert_int_equal(fclose(f), 0);
    struct stat sb;
    assert_int_equal(stat(p, &sb), 0);
    assert_int_equal((size_t)sb.st_size, total);
    buf_free(&b);
    free(p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_files__join_and_write),
        cmocka_unit_test(test_files__write_errors),
        cmocka_unit_test(test_files__mkdir_p_and_rmtree),
        cmocka_unit_test(test_files__block_writer),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}

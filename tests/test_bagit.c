/* test_bagit.c - BagIt bag completion (manifests in sha256sum format, tag
 * files, Payload-Oxum) and its error path. (outdir: test_outdir.c.) */
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
#include "base/sha256.h"
#include "export/bagit.h"

/* sha256("hello\n") and sha256("") */
#define H_HELLO "5891b5b522d5df086d0ff0b110fbd9d21bb4fc7163af34d08286a2e846f6be03"
#define H_EMPTY "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"

static void put(const char *dir, const char *name, const char *text)
{
    char p[512];
    snprintf(p, sizeof p, "%s/%s", dir, name);
    FILE *f = fopen(p, "wb");
    assert_non_null(f);
    fputs(text, f);
    assert_int_equal(fclose(f), 0);
}

static char *slurp(const char *dir, const char *name)
{
    char p[512];
    snprintf(p, sizeof p, "%s/%s", dir, name);
    FILE *f = fopen(p, "rb");
    assert_non_null(f);
    char *buf = calloc(1, 1 << 16);
    assert_non_null(buf);
    size_t n = fread(buf, 1, (1 << 16) - 1, f);
    buf[n] = '\0';
    fclose(f);
    return buf;
}

static char *make_bag_dir(void)
{
    char *dir = strdup("/tmp/test_bagit.XXXXXX");
    assert_non_null(dir);
    assert_non_null(mkdtemp(dir));
    char p[512];
    snprintf(p, sizeof p, "%s/data", dir);
    assert_int_equal(mkdir(p, 0777), 0);
    return dir;
}

static void test_bagit__complete(void **state)
{
    (void)state;
    char *dir = make_bag_dir();
    put(dir, "data/a.txt", "hello\n");
    put(dir, "data/b.txt", "");
    const char *payload[] = {"data/a.txt", "data/b.txt"};
    bagit_tag tags[] = {{"Bag-Software-Agent", "ringscan test"}, {"Note", "two\nlines"}};
    rs_error err = {0};
    assert_int_equal(bagit_complete(dir, payload, NULL, 2, tags, 2, &err), RS_OK);

    char *s = slurp(dir, "bagit.txt");
    assert_string_equal(s, "BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n");
    free(s);
    s = slurp(dir, "manifest-sha256.txt");
    assert_string_equal(s, H_HELLO "  data/a.txt\n" H_EMPTY "  data/b.txt\n");
    free(s);
    s = slurp(dir, "bag-info.txt");
    assert_string_equal(s, "Bag-Software-Agent: ringscan test\nNote: two lines\n"
                           "Payload-Oxum: 6.2\n");
    free(s);
    s = slurp(dir, "tagmanifest-sha256.txt");
    char want[65], path[512];
    snprintf(path, sizeof path, "%s/manifest-sha256.txt", dir);
    uint64_t bytes = 0;
    assert_int_equal(sha256_file_hex(path, want, &bytes, &err), RS_OK);
    assert_int_equal(bytes, 2 * (64 + 2 + 10 + 1));
    assert_non_null(strstr(s, want));
    assert_non_null(strstr(s, "  bagit.txt\n"));
    assert_non_null(strstr(s, "  bag-info.txt\n"));
    assert_null(strstr(s, "data/"));
    free(s);
    files_rmtree(dir);
    free(dir);
}

/* A digest the caller already took is written as given, with its size in
 * Payload-Oxum, and the file is not read again; the others are hashed. */
static void test_bagit__known_digests_are_not_recomputed(void **state)
{
    (void)state;
    char *dir = make_bag_dir();
    put(dir, "data/a.txt", "hello\n");
    put(dir, "data/b.txt", "hello\n");
    const char *payload[] = {"data/a.txt", "data/b.txt"};
    bagit_digest known[2] = {{H_EMPTY, 40}, {"", 0}};
    rs_error err = {0};
    assert_int_equal(bagit_complete(dir, payload, known, 2, NULL, 0, &err), RS_OK);
    char *s = slurp(dir, "manifest-sha256.txt");
    assert_string_equal(s, H_EMPTY "  data/a.txt\n" H_HELLO "  data/b.txt\n");
    free(s);
    s = slurp(dir, "bag-info.txt");
    assert_string_equal(s, "Payload-Oxum: 46.2\n");
    free(s);
    files_rmtree(dir);
    free(dir);
}

static void test_bagit__missing_payload_fails(void **state)
{
    (void)state;
    char *dir = make_bag_dir();
    const char *payload[] = {"data/absent.txt"};
    rs_error err = {0};
    assert_int_equal(bagit_complete(dir, payload, NULL, 1, NULL, 0, &err), RS_E_IO);
    assert_non_null(strstr(err.msg, "absent.txt"));
    files_rmtree(dir);
    free(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_bagit__complete),
        cmocka_unit_test(test_bagit__known_digests_are_not_recomputed),
        cmocka_unit_test(test_bagit__missing_payload_fails),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

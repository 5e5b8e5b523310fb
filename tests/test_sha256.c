/* test_sha256.c - SHA-256 hex digests: known vectors, streaming in pieces
 * equals one shot, a context resets after final, files and their errors. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/sha256.h"

/* FIPS 180-2 vectors and sha256("hello\n"). */
#define H_EMPTY "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
#define H_ABC "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
#define H_HELLO "5891b5b522d5df086d0ff0b110fbd9d21bb4fc7163af34d08286a2e846f6be03"
#define H_MILLION_A "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0"

static void test_sha256__known_vectors(void **state)
{
    (void)state;
    char hex[SHA256_HEX_LEN];
    sha256_mem_hex("", 0, hex);
    assert_string_equal(hex, H_EMPTY);
    sha256_mem_hex("abc", 3, hex);
    assert_string_equal(hex, H_ABC);
    sha256_mem_hex("hello\n", 6, hex);
    assert_string_equal(hex, H_HELLO);
}

static void test_sha256__streaming_and_reset(void **state)
{
    (void)state;
    char *a = malloc(1000000);
    assert_non_null(a);
    memset(a, 'a', 1000000);
    sha256_ctx *h = sha256_new();
    /* Uneven pieces, an empty one among them. */
    size_t off = 0, step = 1;
    while (off < 1000000) {
        size_t n = 1000000 - off < step ? 1000000 - off : step;
        sha256_update(h, a + off, n);
        sha256_update(h, a, 0);
        off += n;
        step = step * 3 + 1;
    }
    char hex[SHA256_HEX_LEN];
    sha256_final_hex(h, hex);
    assert_string_equal(hex, H_MILLION_A);
    /* final resets: the same context digests a new message. */
    sha256_update(h, "abc", 3);
    sha256_final_hex(h, hex);
    assert_string_equal(hex, H_ABC);
    sha256_free(h);
    sha256_free(NULL);
    free(a);
}

static void test_sha256__file(void **state)
{
    (void)state;
    char path[] = "/tmp/test_sha256.XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, "hello\n", 6), 6);
    close(fd);
    char hex[SHA256_HEX_LEN];
    uint64_t bytes = 0;
    rs_error err = {0};
    assert_int_equal(sha256_file_hex(path, hex, &bytes, &err), RS_OK);
    assert_string_equal(hex, H_HELLO);
    assert_int_equal(bytes, 6);
    unlink(path);
    assert_int_equal(sha256_file_hex(path, hex, &bytes, &err), RS_E_IO);
    assert_string_equal(hex, "");
    assert_non_null(strstr(err.msg, "cannot open"));
    assert_non_null(strstr(err.msg, path));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sha256__known_vectors),
        cmocka_unit_test(test_sha256__streaming_and_reset),
        cmocka_unit_test(test_sha256__file),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

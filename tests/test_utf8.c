/* test_utf8.c - UTF-8 validation, control classification and pictures, the
 * terminal rendering of diagnostics and the process-wide control counter. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <pthread.h>
#include <string.h>

#include "base/utf8.h"

#define S(x) x, sizeof(x) - 1

/* Pictures and U+FFFD, as UTF-8. */
#define NUL_P "\xE2\x90\x80"
#define BEL_P "\xE2\x90\x87"
#define TAB_P "\xE2\x90\x89"
#define LF_P "\xE2\x90\x8A"
#define CR_P "\xE2\x90\x8D"
#define ESC_P "\xE2\x90\x9B"
#define US_P "\xE2\x90\x9F"
#define DEL_P "\xE2\x90\xA1"
#define REPL "\xEF\xBF\xBD"

static void test_utf8__check(void **state)
{
    (void)state;
    size_t bad = 99;
    assert_int_equal(utf8_check(S("plain ascii text, longer than a word"), &bad), UTF8_OK);
    assert_int_equal(utf8_check(S("Jos\xC3\xA9 \xE5\x8C\x97 \xF0\x9F\x98\x80"), &bad), UTF8_OK);
    /* Controls are valid UTF-8: rejecting them is not the validator's job. */
    assert_int_equal(utf8_check(S("\x1b[31m\x07\x7f\xC2\x9B"), &bad), UTF8_OK);
    assert_int_equal(utf8_check(S("abc\xC0\xAF"), &bad), UTF8_INVALID);
    assert_int_equal(bad, 3);
    assert_int_equal(utf8_check("ab\0c", 4, &bad), UTF8_NUL);
    assert_int_equal(bad, 2);
}

static int ctl(const char *s, size_t n)
{
    size_t l = utf8_seq_len((const unsigned char *)s, n);
    assert_true(l > 0);
    return utf8_control((const unsigned char *)s, l);
}

static void test_utf8__control_classes(void **state)
{
    (void)state;
    assert_int_equal(ctl("\0", 1), 0);
    assert_int_equal(ctl(S("\x1b")), 0x1B);
    assert_int_equal(ctl(S("\t")), '\t');
    assert_int_equal(ctl(S("\x1f")), 0x1F);
    assert_int_equal(ctl(S("\x7f")), 0x7F);
    assert_int_equal(ctl(S("\xC2\x80")), 0x80);
    assert_int_equal(ctl(S("\xC2\x9B")), 0x9B); /* CSI */
    assert_int_equal(ctl(S("\xC2\x9F")), 0x9F);
    assert_int_equal(ctl(S(" ")), -1);
    assert_int_equal(ctl(S("~")), -1);
    assert_int_equal(ctl(S("\xC2\xA0")), -1); /* NBSP */
    assert_int_equal(ctl(S("\xC3\xA9")), -1);
    assert_int_equal(ctl(S("\xE2\x90\x9B")), -1); /* a picture is not a control */
}

static void picture(int cp, const char *want)
{
    char out[UTF8_PICTURE_LEN];
    utf8_control_picture(cp, out);
    assert_memory_equal(out, want, UTF8_PICTURE_LEN);
}

static void test_utf8__pictures(void **state)
{
    (void)state;
    picture(0x00, NUL_P);
    picture(0x07, BEL_P);
    picture(0x1B, ESC_P);
    picture(0x1F, US_P);
    picture(0x7F, DEL_P);
    picture(0x80, REPL);
    picture(0x9B, REPL);
    picture(0x9F, REPL);
}

/* Renders s for the terminal with a roomy buffer; checks the result, that
 * all of s was consumed and how many controls were counted. */
static void term(const char *s, size_t n, const char *want, uint64_t controls)
{
    char dst[256];
    uint64_t before = utf8_controls_replaced();
    size_t used = utf8_sanitize_terminal(dst, sizeof dst, s, n);
    assert_int_equal(used, n);
    if (strcmp(dst, want) != 0)
        fail_msg("got '%s' want '%s'", dst, want);
    assert_int_equal(utf8_controls_replaced() - before, controls);

    rs_buf b = {0};
    before = utf8_controls_replaced();
    utf8_sanitize_terminal_buf(&b, s, n);
    assert_non_null(b.data);
    assert_string_equal(b.data, want);
    assert_int_equal(utf8_controls_replaced() - before, controls);
    buf_free(&b);
}

static void test_utf8__terminal(void **state)
{
    (void)state;
    term(S("plain"), "plain", 0);
    term(S(""), "", 0);
    term(S("\x1b[2J\x1b]0;pwned\x07"), ESC_P "[2J" ESC_P "]0;pwned" BEL_P, 3);
    term(S("del\x7f"), "del" DEL_P, 1);
    term(S("\xC2\x9B"
           "31m"),
         REPL "31m", 1);
    term(S("a\tb\nc\rd"), "a" TAB_P "b" LF_P "c" CR_P "d", 3);
    term("x\0y", 3, "x" NUL_P "y", 1);
    term(S("\x01\x1f"), "\xE2\x90\x81" US_P, 2);
    /* Multibyte text stays; invalid bytes become U+FFFD and are not controls. */
    term(S("Jos\xC3\xA9\x1b\xE5\x8C\x97\xff\xC2"), "Jos\xC3\xA9" ESC_P "\xE5\x8C\x97" REPL REPL, 1);
    term(S("\xC2\xA0nbsp\xC2\x80"), "\xC2\xA0nbsp" REPL, 1);
}

static void test_utf8__terminal_truncates_whole_chars(void **state)
{
    (void)state;
    char dst[8];
    /* "ab" + ESC picture (3) fits in 7 bytes + NUL, the next picture does not. */
    size_t used = utf8_sanitize_terminal(dst, sizeof dst, S("ab\x1b\x1b"));
    assert_int_equal(used, 3);
    assert_string_equal(dst, "ab" ESC_P);
    /* A picture never ends up half written. */
    used = utf8_sanitize_terminal(dst, 3, S("\x1b"));
    assert_int_equal(used, 0);
    assert_string_equal(dst, "");
    used = utf8_sanitize_terminal(dst, 5, S("\xE5\x8C\x97z"));
    assert_int_equal(used, 4);
    assert_string_equal(dst, "\xE5\x8C\x97z");
    memset(dst, 'q', sizeof dst);
    assert_int_equal(utf8_sanitize_terminal(dst, 0, S("abc")), 0);
    assert_int_equal(dst[0], 'q');
    assert_int_equal(utf8_sanitize_terminal(dst, 1, S("abc")), 0);
    assert_int_equal(dst[0], '\0');
}

#define ADDS 100000

static void *adder(void *arg)
{
    (void)arg;
    for (int i = 0; i < ADDS; i++)
        utf8_controls_add(1);
    return NULL;
}

static void test_utf8__counter_is_thread_safe(void **state)
{
    (void)state;
    uint64_t before = utf8_controls_replaced();
    pthread_t t1, t2;
    assert_int_equal(pthread_create(&t1, NULL, adder, NULL), 0);
    assert_int_equal(pthread_create(&t2, NULL, adder, NULL), 0);
    pthread_join(t1, NULL);
    pthread_join(t2, NULL);
    assert_int_equal(utf8_controls_replaced() - before, 2 * ADDS);
    utf8_controls_add(0);
    assert_int_equal(utf8_controls_replaced() - before, 2 * ADDS);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_utf8__check),
        cmocka_unit_test(test_utf8__control_classes),
        cmocka_unit_test(test_utf8__pictures),
        cmocka_unit_test(test_utf8__terminal),
        cmocka_unit_test(test_utf8__terminal_truncates_whole_chars),
        cmocka_unit_test(test_utf8__counter_is_thread_safe),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

/* test_text.c - output escaping: XML, CSV (formula injection), UTF-8 repair. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "export/text.h"

typedef void (*esc_fn)(rs_buf *, const char *, size_t);

static void check(esc_fn f, const char *in, size_t n, const char *want)
{
    rs_buf b = {0};
    f(&b, in, n);
    buf_putc(&b, '\0');
    if (strcmp(b.data, want) != 0)
        fail_msg("got '%s' want '%s'", b.data, want);
    buf_free(&b);
}

#define S(x) x, sizeof(x) - 1

static void test_text__xml(void **state)
{
    (void)state;
    check(text_xml_escape, S("<script>alert(1)</script>"), "&lt;script&gt;alert(1)&lt;/script&gt;");
    check(text_xml_escape, S("a&b\"c'd"), "a&amp;b&quot;c&apos;d");
    check(text_xml_escape, S("l1\nl2\tx\r"), "l1&#10;l2&#9;x&#13;");
    check(text_xml_escape, S("bell\x07"), "bell\xEF\xBF\xBD");
    check(text_xml_escape, S("bad\xff\xfe"), "bad\xEF\xBF\xBD\xEF\xBF\xBD");
    check(text_xml_escape, S("nonchar\xEF\xBF\xBF"), "nonchar\xEF\xBF\xBD");
    check(text_xml_escape, S("Jos\xC3\xA9 \xE5\x8C\x97"), "Jos\xC3\xA9 \xE5\x8C\x97");
    check(text_xml_escape, S("overlong\xC0\xAF"), "overlong\xEF\xBF\xBD\xEF\xBF\xBD");
    check(text_xml_escape, S("surrogate\xED\xA0\x80"),
          "surrogate\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD");
}

static void test_text__csv_formula_injection(void **state)
{
    (void)state;
    check(text_csv_field, S("=HYPERLINK(\"http://x\")"), "\"'=HYPERLINK(\"\"http://x\"\")\"");
    check(text_csv_field, S("+1"), "'+1");
    check(text_csv_field, S("-2"), "'-2");
    check(text_csv_field, S("@SUM(A1)"), "'@SUM(A1)");
    check(text_csv_field, S("plain"), "plain");
    check(text_csv_field, S("a,b"), "\"a,b\"");
    check(text_csv_field, S("two\nlines"), "\"two lines\"");
    check(text_csv_field, S("\"; DROP"), "\"\"\"; DROP\"");
    check(text_csv_field, S(""), "");
}

static void test_text__utf8_sanitize(void **state)
{
    (void)state;
    check(text_utf8_sanitize, S("ok"), "ok");
    check(text_utf8_sanitize, "a\0b", 3,
          "a\xEF\xBF\xBD"
          "b");
    check(text_utf8_sanitize, S("\xE5\x8C"), "\xEF\xBF\xBD\xEF\xBF\xBD");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_text__xml),
        cmocka_unit_test(test_text__csv_formula_injection),
        cmocka_unit_test(test_text__utf8_sanitize),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

/* test_escape.c - output escaping: XML, HTML, CSV (formula injection), plain
 * text, JSON serialisation, UTF-8 repair, and the control-character policy
 * of escape.h for each (ESC, BEL, DEL, other C0, C1, TAB/LF/CR, mixed with
 * multibyte and invalid UTF-8), with the count of controls replaced. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/utf8.h"
#include "base/buf.h"
#include "export/jsonout.h"
#include "export/escape.h"

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

/* check, and that exactly `controls` controls were counted. */
static void check_n(esc_fn f, const char *in, size_t n, const char *want, uint64_t controls)
{
    uint64_t before = utf8_controls_replaced();
    check(f, in, n, want);
    assert_int_equal(utf8_controls_replaced() - before, controls);
}

#define S(x) x, sizeof(x) - 1

/* Control pictures and U+FFFD, as UTF-8. */
#define SOH_P "\xE2\x90\x81"
#define BEL_P "\xE2\x90\x87"
#define BS_P "\xE2\x90\x88"
#define VT_P "\xE2\x90\x8B"
#define FF_P "\xE2\x90\x8C"
#define ESC_P "\xE2\x90\x9B"
#define US_P "\xE2\x90\x9F"
#define DEL_P "\xE2\x90\xA1"
#define REPL "\xEF\xBF\xBD"

static void test_escape__xml(void **state)
{
    (void)state;
    check(escape_xml, S("<script>alert(1)</script>"), "&lt;script&gt;alert(1)&lt;/script&gt;");
    check(escape_xml, S("a&b\"c'd"), "a&amp;b&quot;c&apos;d");
    check(escape_xml, S("l1\nl2\tx\r"), "l1&#10;l2&#9;x&#13;");
    check(escape_xml, S("bad\xff\xfe"), "bad\xEF\xBF\xBD\xEF\xBF\xBD");
    check(escape_xml, S("nonchar\xEF\xBF\xBF"), "nonchar\xEF\xBF\xBD");
    check(escape_xml, S("Jos\xC3\xA9 \xE5\x8C\x97"), "Jos\xC3\xA9 \xE5\x8C\x97");
    check(escape_xml, S("overlong\xC0\xAF"), "overlong\xEF\xBF\xBD\xEF\xBF\xBD");
    check(escape_xml, S("surrogate\xED\xA0\x80"), "surrogate\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD");
}

static void test_escape__xml_controls(void **state)
{
    (void)state;
    check_n(escape_xml, S("bell\x07"), "bell" BEL_P, 1);
    check_n(escape_xml, S("\x1b[31mred"), ESC_P "[31mred", 1);
    check_n(escape_xml, S("del\x7f"), "del" DEL_P, 1);
    check_n(escape_xml, S("\x01\x08\x0b\x0c\x1f"), SOH_P BS_P VT_P FF_P US_P, 5);
    check_n(escape_xml,
            S("csi\xC2\x9B"
              "1m"),
            "csi" REPL "1m", 1);
    check_n(escape_xml, S("\xC2\x80\xC2\x9F\xC2\xA0"), REPL REPL "\xC2\xA0", 2);
    /* TAB/LF/CR keep their character references and are not counted. */
    check_n(escape_xml, S("\t\n\r"), "&#9;&#10;&#13;", 0);
    /* Mixed with multibyte text, entities and invalid bytes. */
    check_n(escape_xml, S("\xE5\x8C\x97\x1b<\x7f\xff\xC3\xA9\xC2\x9B&"),
            "\xE5\x8C\x97" ESC_P "&lt;" DEL_P REPL "\xC3\xA9" REPL "&amp;", 3);
}

static void test_escape__html_controls(void **state)
{
    (void)state;
    check_n(escape_html, S("<b>\x1b]0;x\x07</b>"), "&lt;b&gt;" ESC_P "]0;x" BEL_P "&lt;/b&gt;", 2);
    check_n(escape_html, S("\"\x7f\xC2\x9B'"), "&quot;" DEL_P REPL "&apos;", 2);
}

static void test_escape__csv_formula_injection(void **state)
{
    (void)state;
    check(escape_csv_field, S("=HYPERLINK(\"http://x\")"), "\"'=HYPERLINK(\"\"http://x\"\")\"");
    check(escape_csv_field, S("+1"), "'+1");
    check(escape_csv_field, S("-2"), "'-2");
    check(escape_csv_field, S("@SUM(A1)"), "'@SUM(A1)");
    check(escape_csv_field, S("plain"), "plain");
    check(escape_csv_field, S("a,b"), "\"a,b\"");
    check(escape_csv_field, S("two\nlines"), "\"two lines\"");
    check(escape_csv_field, S("\"; DROP"), "\"\"\"; DROP\"");
    check(escape_csv_field, S(""), "");
}

static void test_escape__csv_controls(void **state)
{
    (void)state;
    check_n(escape_csv_field, S("u\x1b[31m"), "u" ESC_P "[31m", 1);
    check_n(escape_csv_field, S("bell\x07"), "bell" BEL_P, 1);
    check_n(escape_csv_field, S("del\x7f"), "del" DEL_P, 1);
    check_n(escape_csv_field, S("\x01\x08\x0b\x0c\x1f"), SOH_P BS_P VT_P FF_P US_P, 5);
    check_n(escape_csv_field,
            S("csi\xC2\x9B"
              "2J"),
            "csi" REPL "2J", 1);
    /* TAB stays, LF/CR become spaces (quoted), none counted. */
    check_n(escape_csv_field, S("a\tb"), "a\tb", 0);
    check_n(escape_csv_field, S("a\r\nb"), "\"a  b\"", 0);
    /* Quoting and quote doubling around replaced controls. */
    check_n(escape_csv_field, S("x,\x1b\"y"), "\"x," ESC_P "\"\"y\"", 1);
    /* Multibyte text kept, invalid bytes and C1 to U+FFFD. */
    check_n(escape_csv_field, S("Jos\xC3\xA9\x07\xE5\x8C\x97\xff\xC2\x85"),
            "Jos\xC3\xA9" BEL_P "\xE5\x8C\x97" REPL REPL, 2);
}

static void test_escape__csv_controls_and_formulas(void **state)
{
    (void)state;
    /* A value starting with a control starts with its picture: no formula. */
    check_n(escape_csv_field, S("\x1b=cmd|' /C calc'!A0"), ESC_P "=cmd|' /C calc'!A0", 1);
    check_n(escape_csv_field, S("\x7f+1"), DEL_P "+1", 1);
    check_n(escape_csv_field, S("\xC2\x9B-1"), REPL "-1", 1);
    check_n(escape_csv_field, "\0=1", 3, "\xE2\x90\x80=1", 1);
    /* A formula with controls after the first character is still guarded. */
    check_n(escape_csv_field,
            S("=\x1b"
              "1"),
            "'=" ESC_P "1", 1);
    check_n(escape_csv_field, S("@\x07"), "'@" BEL_P, 1);
    /* Leading TAB and CR are guarded as before. */
    check_n(escape_csv_field, S("\t=1"), "'\t=1", 0);
    check_n(escape_csv_field, S("\r=1"), "\"' =1\"", 0);
}

static void test_escape__plain(void **state)
{
    (void)state;
    check_n(escape_plain, S("ring R0001 \"x\""), "ring R0001 \"x\"", 0);
    check_n(escape_plain, S("a\nb\rc\td"), "a b c\td", 0);
    check_n(escape_plain, S("\x1b\x07\x7f\xC2\x9B\xff\xC3\xA9"),
            ESC_P BEL_P DEL_P REPL REPL "\xC3\xA9", 4);
}

static void test_escape__utf8_sanitize(void **state)
{
    (void)state;
    check(escape_utf8, S("ok"), "ok");
    check(escape_utf8, "a\0b", 3,
          "a\xEF\xBF\xBD"
          "b");
    check(escape_utf8, S("\xE5\x8C"), "\xEF\xBF\xBD\xEF\xBF\xBD");
    /* Other controls are kept for the format's own escaping (JSON). */
    check_n(escape_utf8, S("\x1b\x7f\xC2\x9B"), "\x1b\x7f\xC2\x9B", 0);
}

/* --- JSON ------------------------------------------------------------------- */

/* jout_dumps of {"k": s[0..n)} in compact form. */
static void check_json(const char *s, size_t n, const char *want, uint64_t controls)
{
    json_t *o = json_object();
    json_object_set_new(o, "k", jout_stringn(s, n));
    uint64_t before = utf8_controls_replaced();
    char *got = jout_dumps(o, JSON_COMPACT | JSON_SORT_KEYS);
    assert_non_null(got);
    if (strcmp(got, want) != 0)
        fail_msg("got '%s' want '%s'", got, want);
    assert_int_equal(utf8_controls_replaced() - before, controls);
    /* The escapes are lossless: jansson reads the original string back. */
    json_t *back = json_loads(got, 0, NULL);
    assert_non_null(back);
    json_t *kv = json_object_get(back, "k");
    json_t *orig = json_object_get(o, "k");
    assert_int_equal(json_string_length(kv), json_string_length(orig));
    assert_memory_equal(json_string_value(kv), json_string_value(orig), json_string_length(kv));
    json_decref(back);
    json_decref(o);
    free(got);
}

static void test_escape__json_controls(void **state)
{
    (void)state;
    check_json(S("plain \xC3\xA9"), "{\"k\":\"plain \xC3\xA9\"}", 0);
    check_json(S("\x1b[31m\x07"), "{\"k\":\"\\u001b[31m\\u0007\"}", 2);
    check_json(S("del\x7f"), "{\"k\":\"del\\u007f\"}", 1);
    check_json(S("\xC2\x80\xC2\x9B\xC2\x9F\xC2\xA0"), "{\"k\":\"\\u0080\\u009b\\u009f\xC2\xA0\"}",
               3);
    check_json(S("\x01\x08\x0c\x1f"), "{\"k\":\"\\u0001\\u0008\\u000c\\u001f\"}", 4);
    /* TAB, LF, CR keep JSON's short escapes and are not counted. */
    check_json(S("\t\n\r"), "{\"k\":\"\\t\\n\\r\"}", 0);
    /* Escaped backslashes and quotes are not mistaken for escapes. */
    check_json(S("\\b\\u001B\"\\"), "{\"k\":\"\\\\b\\\\u001B\\\"\\\\\"}", 0);
    /* Mixed with multibyte text and invalid bytes (U+FFFD). */
    check_json(S("\xE5\x8C\x97\x1b\xff\xC2\x9B\x7f/"),
               "{\"k\":\"\xE5\x8C\x97\\u001b\xEF\xBF\xBD\\u009b\\u007f/\"}", 3);
}

static void test_escape__json_keys_and_write(void **state)
{
    (void)state;
    json_t *o = json_object();
    json_object_set_new(o, "\x1b\x7f", json_integer(1));
    json_object_set_new(o, "id", jout_string("a\xC2\x9B"));
    FILE *f = tmpfile();
    assert_non_null(f);
    uint64_t before = utf8_controls_replaced();
    assert_int_equal(jout_write(f, o), 0);
    assert_int_equal(utf8_controls_replaced() - before, 3);
    rewind(f);
    char got[256] = {0};
    size_t n = fread(got, 1, sizeof got - 1, f);
    fclose(f);
    const char want[] = "{\n  \"\\u001b\\u007f\": 1,\n  \"id\": \"a\\u009b\"\n}\n";
    assert_int_equal(n, sizeof want - 1);
    assert_string_equal(got, want);
    json_decref(o);
}

/* buf_put_int writes what "%lld" writes, at the ends of the range too. */
static void test_escape__put_int(void **state)
{
    (void)state;
    const long long v[] = {0, 7, -1, 10, 4294967295LL, -4294967296LL, LLONG_MAX, LLONG_MIN};
    rs_buf b = {0};
    char want[32];
    for (size_t i = 0; i < sizeof v / sizeof *v; i++) {
        buf_clear(&b);
        buf_puts(&b, "x");
        buf_put_int(&b, v[i]);
        snprintf(want, sizeof want, "x%lld", v[i]);
        assert_string_equal(b.data, want);
        assert_int_equal(b.len, strlen(want));
    }
    buf_free(&b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_escape__xml),
        cmocka_unit_test(test_escape__xml_controls),
        cmocka_unit_test(test_escape__html_controls),
        cmocka_unit_test(test_escape__csv_formula_injection),
        cmocka_unit_test(test_escape__csv_controls),
        cmocka_unit_test(test_escape__csv_controls_and_formulas),
        cmocka_unit_test(test_escape__plain),
        cmocka_unit_test(test_escape__utf8_sanitize),
        cmocka_unit_test(test_escape__json_controls),
        cmocka_unit_test(test_escape__json_keys_and_write),
        cmocka_unit_test(test_escape__put_int),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

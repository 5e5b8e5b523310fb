/* test_amount.c - money amounts as exports write them: currency symbols and
 * codes, grouping and decimal separators, and the refusals (ambiguous,
 * negative, malformed), each with its message. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "ingest/amount.h"

static double ok(const char *s)
{
    double d = -1;
    rs_error why = {0};
    int rc = amount_parse(s, strlen(s), &d, &why);
    if (rc != 0)
        fail_msg("'%s' refused: %s", s, why.msg);
    return d;
}

static const char *refused(const char *s)
{
    double d = -1;
    static rs_error why;
    if (amount_parse(s, strlen(s), &d, &why) == 0)
        fail_msg("'%s' accepted as %g", s, d);
    return why.msg;
}

static void test_amount__plain_and_currency(void **state)
{
    (void)state;
    assert_float_equal(ok("850"), 850, 0);
    assert_float_equal(ok("850.00"), 850, 0);
    assert_float_equal(ok("0.125"), 0.125, 1e-12);
    assert_float_equal(ok("1234.567"), 1234.567, 1e-9);
    assert_float_equal(ok("1e3"), 1000, 0);
    assert_float_equal(ok("$850.00"), 850, 0);
    assert_float_equal(ok("850.00 USD"), 850, 0);
    assert_float_equal(ok("USD 850"), 850, 0);
    assert_float_equal(ok("USD850"), 850, 0);
    assert_float_equal(ok("\xE2\x82\xAC 12"), 12, 0); /* € 12 */
    assert_float_equal(ok("12\xE2\x82\xAC"), 12, 0);  /* 12€ */
    assert_float_equal(ok("\xC2\xA3"
                          "99.99"),
                       99.99, 1e-9); /* £99.99 */
    assert_float_equal(ok("US$5"), 5, 0);
    assert_float_equal(ok(" +7 "), 7, 0);
}

static void test_amount__grouping_and_decimal_comma(void **state)
{
    (void)state;
    assert_float_equal(ok("1,250.00"), 1250, 0);
    assert_float_equal(ok("$1,250.00"), 1250, 0);
    assert_float_equal(ok("1.250,00 EUR"), 1250, 0);
    assert_float_equal(ok("1,250,000"), 1250000, 0);
    assert_float_equal(ok("1.250.000"), 1250000, 0);
    assert_float_equal(ok("12,5"), 12.5, 0);
    assert_float_equal(ok("1250,00"), 1250, 0);
    assert_float_equal(ok("1 250,00"), 1250, 0);
    assert_float_equal(ok("1\xC2\xA0"
                          "250,00"),
                       1250, 0); /* no-break space */
    assert_float_equal(ok("1'250.00"), 1250, 0);
    assert_float_equal(ok("0,125"), 0.125, 1e-12); /* a leading 0 is no thousands group */
}

static void test_amount__refusals(void **state)
{
    (void)state;
    assert_non_null(strstr(refused("1,250"), "ambiguous"));
    assert_non_null(strstr(refused("12.500"), "ambiguous"));
    assert_non_null(strstr(refused("123.456"), "ambiguous"));
    assert_string_equal(refused("-5.00"), "negative amount");
    assert_string_equal(refused("(5.00)"), "negative amount");
    assert_string_equal(refused("-$5"), "negative amount");
    assert_non_null(strstr(refused("1,25,0.00"), "group digits by three"));
    assert_non_null(strstr(refused("12,34,56"), "group digits by three"));
    assert_string_equal(refused("twelve"), "not a number");
    assert_string_equal(refused("12abc"), "not a number"); /* lower-case is no currency code */
    assert_string_equal(refused("EUR"), "not a number");
    assert_string_equal(refused(""), "not a number");
    assert_string_equal(refused("1e999"), "not a number");
    assert_string_equal(refused("1.2.3,4,5"),
                        "not a number (thousands separators must group digits by three)");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_amount__plain_and_currency),
        cmocka_unit_test(test_amount__grouping_and_decimal_comma),
        cmocka_unit_test(test_amount__refusals),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

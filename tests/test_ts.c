/* test_ts.c - timestamp parsing and formatting. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "base/ts.h"

static int64_t parse_ok(const char *s)
{
    int64_t v = 0;
    rs_error why = {0};
    int rc = ts_parse(s, strlen(s), &v, &why);
    if (rc != 0)
        fail_msg("'%s' rejected: %s", s, why.msg);
    return v;
}

static void parse_bad(const char *s)
{
    int64_t v;
    rs_error why = {0};
    if (ts_parse(s, strlen(s), &v, &why) == 0)
        fail_msg("'%s' accepted as %lld", s, (long long)v);
    assert_int_equal(why.code, RS_E_VALUE);
    assert_true(why.msg[0] != '\0');
}

static void test_ts__rfc3339(void **state)
{
    (void)state;
    assert_int_equal(parse_ok("1970-01-01T00:00:00Z"), 0);
    assert_int_equal(parse_ok("2026-03-01T12:34:56Z"), 1772368496000LL);
    assert_int_equal(parse_ok("2026-03-01t12:34:56z"), 1772368496000LL);
    assert_int_equal(parse_ok("2026-03-01T12:34:56.789Z"), 1772368496789LL);
    assert_int_equal(parse_ok("2026-03-01T12:34:56.7891234Z"), 1772368496789LL);
    assert_int_equal(parse_ok("2026-03-01T21:34:56+09:00"), 1772368496000LL);
    assert_int_equal(parse_ok("2026-03-01T07:04:56-05:30"), 1772368496000LL);
    assert_int_equal(parse_ok("2024-02-29T00:00:00Z"), 1709164800000LL);
}

static void test_ts__sql_and_epoch(void **state)
{
    (void)state;
    assert_int_equal(parse_ok("2026-03-01 12:34:56"), 1772368496000LL);
    assert_int_equal(parse_ok("1772368496"), 1772368496000LL);
    assert_int_equal(parse_ok("1772368496.25"), 1772368496250LL);
    assert_int_equal(parse_ok("0"), 0);
}

static void test_ts__rejects(void **state)
{
    (void)state;
    const char *bad[] = {"",
                         "bad",
                         "2026-13-01T00:00:00Z",
                         "2026-02-30T00:00:00Z",
                         "2023-02-29T00:00:00Z",
                         "2026-03-01",
                         "2026-03-01T24:00:00Z",
                         "2026-03-01T12:34Z",
                         "2026-03-01T12:34:56+0900",
                         "2026-03-01T12:34:56Zjunk",
                         "2026-03-01T12:34:56.Z",
                         "1969-12-31T23:59:59Z",
                         "-5",
                         "12ab",
                         "1e9",
                         "99999999999999999999",
                         " 2026-03-01T12:34:56Z",
                         "1772368496."};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
        parse_bad(bad[i]);
}

static void test_ts__format_roundtrip(void **state)
{
    (void)state;
    char buf[TS_FMT_LEN];
    assert_string_equal(ts_format(1772368496000LL, buf), "2026-03-01T12:34:56Z");
    assert_string_equal(ts_format(1772368496789LL, buf), "2026-03-01T12:34:56.789Z");
    assert_string_equal(ts_format(0, buf), "1970-01-01T00:00:00Z");
    /* Every day across several leap cycles round-trips. */
    for (int64_t d = 0; d < 366 * 12; d += 7) {
        int64_t ms = d * 86400000LL + 3723000;
        ts_format(ms, buf);
        assert_int_equal(parse_ok(buf), ms);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ts__rfc3339),
        cmocka_unit_test(test_ts__sql_and_epoch),
        cmocka_unit_test(test_ts__rejects),
        cmocka_unit_test(test_ts__format_roundtrip),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

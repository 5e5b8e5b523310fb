/* test_ts.c - timestamp parsing and formatting. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
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
                         "2026-03-01T12:34:56+9",
                         "2026-03-01T12:34:56+090",
                         "2026-03-01T12:34:56+09:0",
                         "2026-03-01T12:34:56+0960",
                         "2026-03-01T12:34:56+24",
                         "26-03-01 12:34:56",
                         "0026-03-01T12:34:56Z",
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

/* The offsets PostgreSQL writes (+00, -05, +05:30) and ISO 8601's basic
 * +HHMM, after a space or a 'T', with or without a fraction. */
static void test_ts__postgres_offsets(void **state)
{
    (void)state;
    assert_int_equal(parse_ok("2026-03-01 12:34:56+00"), 1772368496000LL);
    assert_int_equal(parse_ok("2026-03-01 07:34:56.123-05"), 1772368496123LL);
    assert_int_equal(parse_ok("2026-03-01 18:04:56+0530"), 1772368496000LL);
    assert_int_equal(parse_ok("2026-03-01 18:04:56+05:30"), 1772368496000LL);
    assert_int_equal(parse_ok("2026-03-01T21:34:56+0900"), 1772368496000LL);
    assert_int_equal(parse_ok("2026-03-01T12:34:56-00"), 1772368496000LL);
}

/* The reason ts_parse or ts_check_range gives for s, latest as the bound. */
static const char *range_reason(const char *s, int64_t latest, char *buf, size_t n)
{
    int64_t v = 0;
    rs_error why = {0};
    if (ts_parse(s, strlen(s), &v, &why) == 0 && ts_check_range(s, strlen(s), v, latest, &why) == 0)
        fail_msg("'%s' accepted as %lld", s, (long long)v);
    assert_int_equal(why.code, RS_E_VALUE);
    snprintf(buf, n, "%s", why.msg);
    return buf;
}

/* Rows before 2000 or after the bound are refused with their likely cause:
 * an Excel serial or a day count read as seconds, a placeholder date, a
 * two-digit year, a wrong unit. */
static void test_ts__range_reasons(void **state)
{
    (void)state;
    const int64_t latest = 1772409600000LL; /* 2026-03-02 */
    char b[1024];
    int64_t v = 0;
    assert_int_equal(ts_parse("2026-03-01T12:34:56Z", 20, &v, NULL), 0);
    assert_int_equal(ts_check_range("2026-03-01T12:34:56Z", 20, v, latest, NULL), 0);
    assert_int_equal(ts_check_range("x", 1, TS_EARLIEST, TS_NONE, NULL), 0);
    assert_int_equal(ts_check_range("x", 1, TS_EARLIEST - 1, TS_NONE, NULL), -1);
    assert_non_null(strstr(range_reason("46082.5", latest, b, sizeof b), "Excel serial date"));
    assert_non_null(strstr(range_reason("46082", latest, b, sizeof b), "Excel serial date"));
    assert_non_null(strstr(range_reason("20513", latest, b, sizeof b), "days since 1970"));
    assert_non_null(strstr(range_reason("0", latest, b, sizeof b), "wrong unit"));
    assert_non_null(strstr(range_reason("86400", latest, b, sizeof b), "wrong unit"));
    assert_non_null(
        strstr(range_reason("1970-01-01 00:00:00", latest, b, sizeof b), "placeholder"));
    assert_non_null(strstr(range_reason("1999-12-31T23:59:59Z", latest, b, sizeof b), "19YY"));
    assert_non_null(
        strstr(range_reason("26-03-01 12:34:56", latest, b, sizeof b), "two-digit year"));
    assert_non_null(strstr(range_reason("0026-03-01T12:34:56Z", latest, b, sizeof b), "two-digit"));
    assert_non_null(strstr(range_reason("2099-01-01T00:00:00Z", latest, b, sizeof b), "clock"));
    assert_non_null(strstr(range_reason("17723684960", latest, b, sizeof b), "wrong unit"));
    assert_non_null(
        strstr(range_reason("17723684960000000000", latest, b, sizeof b), "out of range"));
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
        cmocka_unit_test(test_ts__rfc3339),       cmocka_unit_test(test_ts__sql_and_epoch),
        cmocka_unit_test(test_ts__rejects),       cmocka_unit_test(test_ts__postgres_offsets),
        cmocka_unit_test(test_ts__range_reasons), cmocka_unit_test(test_ts__format_roundtrip),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

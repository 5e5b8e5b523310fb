/* test_rowcodec.c - a row's values come back as encoded, within the bound;
 * the byte layout stays the one summaries on disk hold; the check accepts
 * a whole row and refuses every truncation, an unknown column and a string
 * without its NUL. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include "ingest/rowcodec.h"

/* A login with every column: ts, account, ip, device, session, agent,
 * country, asn, asn_org. */
static void login_row(tvalue *v)
{
    memset(v, 0, SCHEMA_MAX_COLS * sizeof *v);
    for (int c = 0; c < COLUMN_LOGINS_COUNT; c++)
        v[c].present = 1;
    v[COLUMN_LOGINS_TS].v.ts = INT64_C(1767225600000);
    v[COLUMN_LOGINS_ACCOUNT_ID].s = "acct-1";
    v[COLUMN_LOGINS_ACCOUNT_ID].n = 6;
    v[COLUMN_LOGINS_IP].v.ip = (ipaddr){.len = 4, .b = {192, 0, 2, 9}};
    v[COLUMN_LOGINS_DEVICE_ID].s = "";
    v[COLUMN_LOGINS_DEVICE_ID].n = 0;
    v[COLUMN_LOGINS_SESSION_SECONDS].v.u = 3600;
    v[COLUMN_LOGINS_USER_AGENT].v.b = 1;
    memcpy(v[COLUMN_LOGINS_IP_COUNTRY].v.cc, "DE", 3);
    v[COLUMN_LOGINS_ASN].v.u = 64500;
    v[COLUMN_LOGINS_ASN_ORG].s = "Example Net";
    v[COLUMN_LOGINS_ASN_ORG].n = 11;
}

static void test_rowcodec__round_trip_within_bound(void **state)
{
    (void)state;
    tvalue in[SCHEMA_MAX_COLS], out[SCHEMA_MAX_COLS];
    unsigned char buf[512];
    login_row(in);
    in[COLUMN_LOGINS_DEVICE_ID].present = 0; /* an absent column stays absent */
    size_t bound = rowcodec_bound(TABLE_LOGINS, in);
    assert_true(bound <= sizeof buf);
    const unsigned char *end = rowcodec_encode(buf, TABLE_LOGINS, in);
    assert_true((size_t)(end - buf) <= bound);
    memset(out, 0xA5, sizeof out);
    assert_ptr_equal(rowcodec_decode(buf, TABLE_LOGINS, out), end);
    for (int c = 0; c < COLUMN_LOGINS_COUNT; c++)
        assert_int_equal(out[c].present, c != COLUMN_LOGINS_DEVICE_ID);
    assert_true(out[COLUMN_LOGINS_TS].v.ts == in[COLUMN_LOGINS_TS].v.ts);
    assert_int_equal(out[COLUMN_LOGINS_ACCOUNT_ID].n, 6);
    assert_string_equal(out[COLUMN_LOGINS_ACCOUNT_ID].s, "acct-1"); /* NUL-ended */
    assert_memory_equal(&out[COLUMN_LOGINS_IP].v.ip, &in[COLUMN_LOGINS_IP].v.ip, sizeof(ipaddr));
    assert_true(out[COLUMN_LOGINS_SESSION_SECONDS].v.u == 3600);
    assert_int_equal(out[COLUMN_LOGINS_USER_AGENT].v.b, 1);
    assert_string_equal(out[COLUMN_LOGINS_IP_COUNTRY].v.cc, "DE");
    assert_true(out[COLUMN_LOGINS_ASN].v.u == 64500);
    assert_string_equal(out[COLUMN_LOGINS_ASN_ORG].s, "Example Net");
}

/* Summaries written by earlier runs hold this layout: a change to it must
 * come with a new SUMMARY_FORMAT. */
static void test_rowcodec__layout(void **state)
{
    (void)state;
    tvalue in[SCHEMA_MAX_COLS];
    unsigned char buf[512], want[64];
    memset(in, 0, sizeof in);
    in[COLUMN_LOGINS_TS] = (tvalue){.present = 1, .v.ts = 0x0102030405060708};
    in[COLUMN_LOGINS_ACCOUNT_ID] = (tvalue){.present = 1, .s = "ab", .n = 2};
    in[COLUMN_LOGINS_IP_COUNTRY] = (tvalue){.present = 1};
    memcpy(in[COLUMN_LOGINS_IP_COUNTRY].v.cc, "FR", 3);
    size_t n = 0;
    int64_t ts = 0x0102030405060708;
    uint32_t len = 2;
    want[n++] = COLUMN_LOGINS_TS + 1;
    memcpy(want + n, &ts, sizeof ts);
    n += sizeof ts;
    want[n++] = COLUMN_LOGINS_ACCOUNT_ID + 1;
    memcpy(want + n, &len, sizeof len);
    n += sizeof len;
    memcpy(want + n, "ab", 3); /* with its NUL */
    n += 3;
    want[n++] = COLUMN_LOGINS_IP_COUNTRY + 1;
    memcpy(want + n, "FR", 3);
    n += 3;
    want[n++] = 0;
    const unsigned char *end = rowcodec_encode(buf, TABLE_LOGINS, in);
    assert_int_equal(end - buf, n);
    assert_memory_equal(buf, want, n);
}

static void test_rowcodec__check_refuses_damage(void **state)
{
    (void)state;
    tvalue in[SCHEMA_MAX_COLS];
    unsigned char buf[512];
    login_row(in);
    const unsigned char *end = rowcodec_encode(buf, TABLE_LOGINS, in);
    size_t len = (size_t)(end - buf);
    assert_ptr_equal(rowcodec_check(buf, end, TABLE_LOGINS), end);
    for (size_t cut = 0; cut < len; cut++)
        assert_null(rowcodec_check(buf, buf + cut, TABLE_LOGINS));
    /* Followed by another row: the first ends where it ends. */
    memcpy(buf + len, buf, len);
    assert_ptr_equal(rowcodec_check(buf, buf + 2 * len, TABLE_LOGINS), end);
    unsigned char bad[16] = {COLUMN_LOGINS_COUNT + 1, 0};
    assert_null(rowcodec_check(bad, bad + 2, TABLE_LOGINS)); /* no such column */
    /* account "ab" without its NUL */
    unsigned char nonul[] = {COLUMN_LOGINS_ACCOUNT_ID + 1, 2, 0, 0, 0, 'a', 'b', 'c', 0};
    assert_null(rowcodec_check(nonul, nonul + sizeof nonul, TABLE_LOGINS));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rowcodec__round_trip_within_bound),
        cmocka_unit_test(test_rowcodec__layout),
        cmocka_unit_test(test_rowcodec__check_refuses_damage),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

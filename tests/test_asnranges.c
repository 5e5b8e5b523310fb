/* test_asnranges.c - IP-range ASN tables: text and numeric rows, IPv4 and IPv6,
 * range edges, overlapping rows made disjoint, malformed rows. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ingest/asnranges.h"

static char dir[64];

static int setup(void **state)
{
    (void)state;
    snprintf(dir, sizeof dir, "/tmp/rs-test-asnranges-XXXXXX");
    return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    return system(cmd);
}

static const char *write_file(const char *name, const char *text)
{
    static char path[4][128];
    static int next;
    char *p = path[next++ % 4];
    snprintf(p, sizeof path[0], "%s/%s", dir, name);
    FILE *f = fopen(p, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
    return p;
}

/* ASN holding s, or 0; the organisation into org (NUL-terminated). */
static uint32_t look(const asn_ranges *r, const char *s, char *org, size_t cap)
{
    ipaddr ip;
    rs_error why;
    assert_int_equal(ipaddr_parse(s, strlen(s), &ip, &why), 0);
    uint32_t asn = 0;
    const char *o;
    size_t n;
    if (!asn_ranges_lookup(r, &ip, &asn, &o, &n))
        return 0;
    if (org) {
        snprintf(org, cap, "%.*s", (int)n, o);
    }
    return asn;
}

static void test_asnranges__text_rows_and_edges(void **state)
{
    (void)state;
    const char *v4 = write_file("asn-ipv4.csv", "1.0.0.0,1.0.0.255,13335,\"Cloudflare, Inc.\"\n"
                                                "1.0.4.0,1.0.7.255,38803,Gtelecom Pty Ltd\n"
                                                "9.255.255.0,10.0.0.255,64500,\"Edge \"\"Co\"\"\"\n"
                                                "255.255.255.255,255.255.255.255,64501,Top\n");
    const char *v6 = write_file(
        "asn-ipv6.csv", "2001:200::,2001:200:1b9:ffff:ffff:ffff:ffff:ffff,2500,WIDE Project\n"
                        "2001:4:112::,2001:4:112:ffff:ffff:ffff:ffff:ffff,112,\n");
    asn_ranges *r = asn_ranges_new();
    rs_error err = {0};
    char sha[65];
    assert_int_equal(asn_ranges_add_file(r, v4, sha, &err), RS_OK);
    assert_int_equal(strlen(sha), 64);
    assert_int_equal(asn_ranges_add_file(r, v6, NULL, &err), RS_OK);
    assert_int_equal(asn_ranges_finish(r), 0);
    assert_int_equal(asn_ranges_count(r, 4), 4);
    assert_int_equal(asn_ranges_count(r, 16), 2);
    char org[64];
    assert_int_equal(look(r, "1.0.0.0", org, sizeof org), 13335);
    assert_string_equal(org, "Cloudflare, Inc.");
    assert_int_equal(look(r, "1.0.0.255", NULL, 0), 13335);
    assert_int_equal(look(r, "1.0.1.0", NULL, 0), 0); /* the gap */
    assert_int_equal(look(r, "1.0.3.255", NULL, 0), 0);
    assert_int_equal(look(r, "1.0.4.0", NULL, 0), 38803);
    assert_int_equal(look(r, "1.0.7.255", NULL, 0), 38803);
    assert_int_equal(look(r, "0.255.255.255", NULL, 0), 0); /* before the first */
    /* A range that crosses a /16 boundary (the index's bucket edge). */
    assert_int_equal(look(r, "9.255.255.7", org, sizeof org), 64500);
    assert_string_equal(org, "Edge \"Co\"");
    assert_int_equal(look(r, "10.0.0.1", NULL, 0), 64500);
    assert_int_equal(look(r, "10.0.1.0", NULL, 0), 0);
    assert_int_equal(look(r, "255.255.255.255", NULL, 0), 64501);
    assert_int_equal(look(r, "::ffff:1.0.4.9", NULL, 0), 38803); /* IPv4-mapped */
    assert_int_equal(look(r, "2001:200::1", NULL, 0), 2500);
    assert_int_equal(look(r, "2001:200:1b9:ffff:ffff:ffff:ffff:ffff", NULL, 0), 2500);
    assert_int_equal(look(r, "2001:200:1ba::", NULL, 0), 0);
    assert_int_equal(look(r, "2001:4:112::9", org, sizeof org), 112);
    assert_string_equal(org, "");
    assert_int_equal(look(r, "::1", NULL, 0), 0);
    asn_ranges_free(r);
}

static void test_asnranges__numeric_rows_and_header(void **state)
{
    (void)state;
    /* 16777216 = 1.0.0.0; 42540528726795050063891204319802818560 = 2001:200:: */
    const char *p =
        write_file("asn-num.csv", "ip_range_start,ip_range_end,autonomous_system_number,org\n"
                                  "16777216,16777471,13335,Cloudflare\n"
                                  "42540528726795050063891204319802818560,"
                                  "42540528806023212578155541913346768895,2500,WIDE\n");
    asn_ranges *r = asn_ranges_new();
    rs_error err = {0};
    assert_int_equal(asn_ranges_add_file(r, p, NULL, &err), RS_OK);
    asn_ranges_finish(r);
    assert_int_equal(look(r, "1.0.0.77", NULL, 0), 13335);
    assert_int_equal(look(r, "2001:200:ffff::1", NULL, 0), 2500);
    assert_int_equal(look(r, "2001:201::", NULL, 0), 0);
    asn_ranges_free(r);
}

static void test_asnranges__overlaps_made_disjoint(void **state)
{
    (void)state;
    const char *p = write_file("ov.csv",
                               /* partial: the later-starting range wins from its start */
                               "10.0.0.0,10.0.0.200,1,A\n"
                               "10.0.0.100,10.0.1.50,2,B\n"
                               /* nested: the inner wins, the outer keeps both sides */
                               "20.0.0.0,20.0.255.255,3,Outer\n"
                               "20.0.7.0,20.0.7.255,4,Inner\n"
                               /* same start: the narrower wins */
                               "30.0.0.0,30.0.0.255,5,Wide\n"
                               "30.0.0.0,30.0.0.15,6,Narrow\n"
                               "2001:db8::,2001:db8::ffff,7,Outer6\n"
                               "2001:db8::100,2001:db8::1ff,8,Inner6\n");
    asn_ranges *r = asn_ranges_new();
    rs_error err = {0};
    assert_int_equal(asn_ranges_add_file(r, p, NULL, &err), RS_OK);
    assert_int_equal(asn_ranges_finish(r), 4);
    assert_int_equal(look(r, "10.0.0.99", NULL, 0), 1);
    assert_int_equal(look(r, "10.0.0.100", NULL, 0), 2);
    assert_int_equal(look(r, "10.0.1.50", NULL, 0), 2);
    assert_int_equal(look(r, "20.0.6.255", NULL, 0), 3);
    assert_int_equal(look(r, "20.0.7.0", NULL, 0), 4);
    assert_int_equal(look(r, "20.0.7.255", NULL, 0), 4);
    assert_int_equal(look(r, "20.0.8.0", NULL, 0), 3);
    assert_int_equal(look(r, "20.0.255.255", NULL, 0), 3);
    assert_int_equal(look(r, "30.0.0.15", NULL, 0), 6);
    assert_int_equal(look(r, "30.0.0.16", NULL, 0), 5);
    assert_int_equal(look(r, "2001:db8::ff", NULL, 0), 7);
    assert_int_equal(look(r, "2001:db8::100", NULL, 0), 8);
    assert_int_equal(look(r, "2001:db8::200", NULL, 0), 7);
    asn_ranges_free(r);
}

static void expect_error(const char *text, long line, long col, const char *what)
{
    const char *p = write_file("bad.csv", text);
    asn_ranges *r = asn_ranges_new();
    rs_error err = {0};
    assert_int_equal(asn_ranges_add_file(r, p, NULL, &err), RS_E_FORMAT);
    char where[160];
    snprintf(where, sizeof where, "%s:%ld:%ld: ", p, line, col);
    if (strncmp(err.msg, where, strlen(where)))
        fail_msg("message '%s' does not start with '%s'", err.msg, where);
    if (!strstr(err.msg, what))
        fail_msg("message '%s' lacks '%s'", err.msg, what);
    asn_ranges_free(r);
}

static void test_asnranges__malformed_rows(void **state)
{
    (void)state;
    expect_error("1.0.0.0,1.0.0.255,13335,A\n1.0.1.0,1.0.1.x,1,B\n", 2, 2, "last address");
    expect_error("1.0.0.0,1.0.0.255,AS13335,A\n", 1, 3, "asn is not a number");
    expect_error("1.0.0.9,1.0.0.1,1,A\n", 1, 2, "before first");
    expect_error("1.0.0.0,2001:db8::,1,A\n", 1, 2, "different families");
    expect_error("1.0.0.0,1.0.0.255\n", 1, 1, "expected first,last,asn");
    expect_error("1.0.0.0,1.0.0.255,1,\"unclosed\n", 1, 1, "");
    expect_error("1.0.0.0,1.0.0.255,99999999999,A\n", 1, 3, "asn is not a number");
    expect_error("1,999999999999999999999999999999999999999999,1,A\n", 1, 2, "out of range");
}

static void test_asnranges__csv_names(void **state)
{
    (void)state;
    assert_true(asn_ranges_is_csv_name("/x/asn-ipv4.csv"));
    assert_true(asn_ranges_is_csv_name("asn-ipv4.csv.gz"));
    assert_false(asn_ranges_is_csv_name("GeoLite2-ASN.mmdb"));
    assert_false(asn_ranges_is_csv_name("csv"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_asnranges__text_rows_and_edges),
        cmocka_unit_test(test_asnranges__numeric_rows_and_header),
        cmocka_unit_test(test_asnranges__overlaps_made_disjoint),
        cmocka_unit_test(test_asnranges__malformed_rows),
        cmocka_unit_test(test_asnranges__csv_names),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}

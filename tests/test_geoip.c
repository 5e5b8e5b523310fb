/* test_geoip.c - enrichment from fixture databases written at test time by
 * tests/data/mkmmdb.pl (MaxMind's Perl writer). Skips when the writer is not
 * installed, so a checkout without it still passes. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "graph/graph.h"
#include "ingest/geoip.h"
#include "model/country_tz.h"

static char dir[64];
static char paths[GEOIP_KINDS][128];
static int have_writer;

static int setup(void **state)
{
    (void)state;
    snprintf(dir, sizeof dir, "/tmp/rs-test-geoip-XXXXXX");
    if (!mkdtemp(dir))
        return -1;
    have_writer = system("perl -MMaxMind::DB::Writer::Tree -e 1 2>/dev/null") == 0;
    if (!have_writer)
        return 0;
    static const char *const kinds[GEOIP_KINDS] = {"city", "asn", "anon"};
    for (int k = 0; k < GEOIP_KINDS; k++) {
        char cmd[512];
        snprintf(paths[k], sizeof paths[k], "%s/%s.mmdb", dir, kinds[k]);
        snprintf(cmd, sizeof cmd, "perl tests/data/mkmmdb.pl %s %s", kinds[k], paths[k]);
        if (system(cmd) != 0)
            return -1;
    }
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    return system(cmd);
}

static uint32_t add_ip(rs_graph *g, const char *s)
{
    ipaddr ip;
    rs_error why;
    assert_int_equal(ipaddr_parse(s, strlen(s), &ip, &why), 0);
    return graph_ip(g, &ip);
}

static void test_geoip__enriches_each_ip(void **state)
{
    (void)state;
    if (!have_writer) {
        skip();
        return;
    }
    rs_graph *g = graph_new();
    uint32_t jp = add_ip(g, "192.0.2.10");
    uint32_t vpn = add_ip(g, "192.0.2.200");
    uint32_t br = add_ip(g, "::ffff:198.51.100.7");
    uint32_t fr = add_ip(g, "2001:db8::5");
    uint32_t none = add_ip(g, "203.0.113.1");
    uint32_t data = add_ip(g, "192.0.2.11");
    uint32_t de = add_ip(g, "192.0.2.130");
    /* Values from the input take precedence over the database. */
    memcpy(g->ip[data].country, "NZ", 3);
    g->ip[data].country_src = SRC_DATA;

    geoip *gi = NULL;
    rs_error err = {0};
    const char *p[GEOIP_KINDS] = {paths[0], paths[1], paths[2]};
    assert_int_equal(geoip_open(&gi, p, 0, &err), RS_OK);
    assert_string_equal(geoip_info(gi, GEOIP_CITY)->type, "GeoIP2-City");
    assert_string_equal(geoip_info(gi, GEOIP_ASN)->type, "GeoLite2-ASN");
    assert_int_equal(strlen(geoip_info(gi, GEOIP_ANON)->sha256), 64);
    geoip_stats st;
    geoip_enrich(gi, g, &st);

    assert_string_equal(g->ip[jp].country, "JP");
    assert_true(g->ip[jp].has_loc);
    assert_true(g->ip[jp].lat > 35.6 && g->ip[jp].lat < 35.7);
    assert_int_equal(g->ip[jp].asn, 64500);
    size_t len;
    assert_string_equal(intern_str(g->strings, g->ip[jp].asn_org, &len),
                        "Example Transit & Co <AS64500>");
    assert_int_equal(g->ip[jp].anon, 0);
    assert_int_equal(g->ip[vpn].anon, ANON_ANY | ANON_VPN);
    assert_string_equal(g->ip[br].country, "BR");
    assert_false(g->ip[br].has_loc);
    assert_int_equal(g->ip[br].anon, ANON_ANY | ANON_TOR);
    assert_string_equal(g->ip[fr].country, "FR");
    assert_int_equal(g->ip[fr].asn, 64502);
    assert_string_equal(g->ip[none].country, "");
    assert_int_equal(g->ip[none].asn, 0);
    assert_string_equal(g->ip[data].country, "NZ");
    /* The record's time zone, as its ordinal among its country's zones; none for a
     * record without one (FR), a name tzdata does not know (DE's fixture record) or a
     * zone of another country than the input's ip_country (NZ over a Tokyo record). */
    char cc[3];
    assert_int_equal(g->ip[jp].tz, country_tz_zone_find("Asia/Tokyo", cc));
    assert_int_equal(country_tz_zone(g->ip[jp].country, g->ip[jp].tz)->lo_min, 540);
    assert_int_equal(g->ip[br].tz, country_tz_zone_find("America/Sao_Paulo", cc));
    assert_int_equal(country_tz_zone("BR", g->ip[br].tz)->lo_min, -180);
    assert_int_equal(g->ip[fr].tz, 0);
    assert_int_equal(g->ip[de].tz, 0);
    assert_int_equal(g->ip[data].tz, 0);
    assert_int_equal(st.ips, 7);
    assert_int_equal(st.country, 6);
    assert_int_equal(st.anon, 2);
    geoip_close(gi);
    graph_free(g);
}

/* The ip-location-db city layout names its zone in the flat `timezone` key. */
static void test_geoip__flat_time_zone(void **state)
{
    (void)state;
    if (!have_writer) {
        skip();
        return;
    }
    char city4[160], cmd[512];
    snprintf(city4, sizeof city4, "%s/city4.mmdb", dir);
    snprintf(cmd, sizeof cmd, "perl tests/data/mkmmdb.pl city4 %s", city4);
    assert_int_equal(system(cmd), 0);
    rs_graph *g = graph_new();
    uint32_t ke = add_ip(g, "192.0.2.9"), cl = add_ip(g, "198.51.100.9");
    geoip *gi = NULL;
    rs_error err = {0};
    const char *p[GEOIP_KINDS] = {city4, NULL, NULL};
    assert_int_equal(geoip_open(&gi, p, 0, &err), RS_OK);
    geoip_stats st;
    geoip_enrich(gi, g, &st);
    char cc[3];
    assert_string_equal(g->ip[ke].country, "KE");
    assert_int_equal(g->ip[ke].tz, country_tz_zone_find("Africa/Nairobi", cc));
    assert_int_equal(country_tz_zone("KE", g->ip[ke].tz)->lo_min, 180);
    assert_string_equal(g->ip[cl].country, "CL");
    assert_int_equal(g->ip[cl].tz, 0);
    geoip_close(gi);
    graph_free(g);
}

static void test_geoip__missing_and_broken_files(void **state)
{
    (void)state;
    geoip *gi = NULL;
    rs_error err = {0};
    const char *p[GEOIP_KINDS] = {"/nonexistent/City.mmdb", NULL, NULL};
    assert_int_equal(geoip_open(&gi, p, 0, &err), RS_E_IO);
    assert_non_null(strstr(err.msg, "/nonexistent/City.mmdb"));
    geoip_close(gi);
    /* A file that is not a database. */
    char bad[128];
    snprintf(bad, sizeof bad, "%s/bad.mmdb", dir);
    FILE *f = fopen(bad, "w");
    assert_non_null(f);
    fputs("not a maxmind db\n", f);
    fclose(f);
    const char *q[GEOIP_KINDS] = {NULL, bad, NULL};
    assert_int_equal(geoip_open(&gi, q, 0, &err), RS_E_IO);
    assert_non_null(strstr(err.msg, "cannot open asn database"));
    geoip_close(gi);
    /* A database of another kind. */
    if (have_writer) {
        const char *w[GEOIP_KINDS] = {NULL, paths[GEOIP_CITY], NULL};
        assert_int_equal(geoip_open(&gi, w, 0, &err), RS_E_IO);
        assert_non_null(strstr(err.msg, "database type 'GeoIP2-City' is not an ASN database"));
        geoip_close(gi);
    }
    /* No paths and no search: nothing open, not an error. */
    assert_int_equal(geoip_open(&gi, NULL, 0, &err), RS_OK);
    for (int k = 0; k < GEOIP_KINDS; k++)
        assert_false(geoip_info(gi, k)->open);
    geoip_close(gi);
}

static void test_geoip__search_order(void **state)
{
    (void)state;
    char buf[4096];
    unsetenv("RINGSCAN_GEOIP_DIR");
    setenv("XDG_DATA_HOME", "/xdg", 1);
    assert_string_equal(geoip_search_dir(0, buf, sizeof buf), "/xdg/ringscan/geoip");
    unsetenv("XDG_DATA_HOME");
    setenv("HOME", "/home/analyst", 1);
    assert_string_equal(geoip_search_dir(0, buf, sizeof buf),
                        "/home/analyst/.local/share/ringscan/geoip");
    assert_string_equal(geoip_search_dir(1, buf, sizeof buf), "/usr/local/share/ringscan/geoip");
    size_t n = 0;
    while (geoip_search_dir(n, buf, sizeof buf))
        n++;
    assert_int_equal(n, 6);
    assert_string_equal(geoip_search_dir(n - 1, buf, sizeof buf), "datasets/geoip");
    /* The environment variable replaces every other place. */
    setenv("RINGSCAN_GEOIP_DIR", "/opt/ipdata", 1);
    assert_string_equal(geoip_search_dir(0, buf, sizeof buf), "/opt/ipdata");
    assert_null(geoip_search_dir(1, buf, sizeof buf));
    unsetenv("RINGSCAN_GEOIP_DIR");
}

static void test_geoip__asn_ranges_with_sibling(void **state)
{
    (void)state;
    char p4[128], p6[128];
    snprintf(p4, sizeof p4, "%s/asn-ipv4.csv", dir);
    snprintf(p6, sizeof p6, "%s/asn-ipv6.csv", dir);
    FILE *f = fopen(p4, "w");
    assert_non_null(f);
    fputs("192.0.2.0,192.0.2.255,64496,Doc Net\n", f);
    fclose(f);
    f = fopen(p6, "w");
    assert_non_null(f);
    fputs("2001:db8::,2001:db8:ffff:ffff:ffff:ffff:ffff:ffff,64497,Doc Six\n", f);
    fclose(f);
    rs_graph *g = graph_new();
    uint32_t a = add_ip(g, "192.0.2.9"), b = add_ip(g, "2001:db8::1"), c = add_ip(g, "203.0.113.1");
    geoip *gi = NULL;
    rs_error err = {0};
    const char *p[GEOIP_KINDS] = {NULL, p4, NULL};
    assert_int_equal(geoip_open(&gi, p, 0, &err), RS_OK);
    const geoip_db_info *in = geoip_info(gi, GEOIP_ASN);
    assert_int_equal(in->nfiles, 2);
    assert_string_equal(in->files[1], p6);
    assert_int_equal(in->build_epoch, 0); /* no ringscan-geoip.json: unknown */
    geoip_stats st;
    geoip_enrich(gi, g, &st);
    assert_int_equal(g->ip[a].asn, 64496);
    assert_int_equal(g->ip[b].asn, 64497);
    assert_int_equal(g->ip[c].asn, 0);
    assert_int_equal(st.asn, 2);
    assert_null(geoip_credits(gi));
    geoip_close(gi);
    graph_free(g);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_geoip__enriches_each_ip),
        cmocka_unit_test(test_geoip__flat_time_zone),
        cmocka_unit_test(test_geoip__missing_and_broken_files),
        cmocka_unit_test(test_geoip__search_order),
        cmocka_unit_test(test_geoip__asn_ranges_with_sibling),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}

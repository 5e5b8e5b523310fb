/* test_detect_params.c - the table of tunable parameters: every default lies
 * in its documented range, names are unique, each flag but RING_MEMBER has
 * its weight_<FLAG>, and docs/config.md lists every parameter (so the
 * reference cannot fall behind the code). The hosting/VPN ASN list: the
 * default comes from the generated table (datasets/hosting-asns.csv) sorted,
 * a config file's list replaces it, a too-long one is refused, and the
 * binary-search membership test of rules_anon_ip holds on both. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "algorithms/detect_params.h"
#include "algorithms/hosting_asns.h"
#include "algorithms/rules.h"
#include "src/config.h"

#include <unistd.h>

static double value_of(const detect_params *p, const detect_param_desc *d)
{
    double v;
    memcpy(&v, (const char *)p + d->offset, sizeof v);
    return v;
}

static void test_detect_params__defaults_in_range_and_unique(void **state)
{
    (void)state;
    size_t n;
    const detect_param_desc *t = detect_param_table(&n);
    detect_params p;
    detect_params_init(&p);
    assert_true(n > 50);
    for (size_t i = 0; i < n; i++) {
        double v = value_of(&p, &t[i]);
        if (v < t[i].min || v > t[i].max)
            fail_msg("%s default %g outside [%g, %g]", t[i].name, v, t[i].min, t[i].max);
        assert_true(t[i].offset + sizeof(double) <= sizeof p);
        assert_non_null(t[i].doc);
        for (size_t j = 0; j < i; j++)
            if (!strcmp(t[i].name, t[j].name) || t[i].offset == t[j].offset)
                fail_msg("%s and %s collide", t[i].name, t[j].name);
    }
    assert_true(p.n_remote_ports > 0 && p.n_remote_ports <= DETECT_MAX_LIST);
    assert_true(p.n_anon_asns > 0 && p.n_anon_asns <= DETECT_MAX_LIST);
    assert_true(p.n_high_risk > 0 && p.n_high_risk <= DETECT_MAX_LIST);
}

static void test_detect_params__flag_weights(void **state)
{
    (void)state;
    size_t n;
    const detect_param_desc *t = detect_param_table(&n);
    for (int f = 0; f < FLAG_COUNT; f++) {
        if (f == FLAG_RING_MEMBER)
            continue;
        char want[64];
        snprintf(want, sizeof want, "weight_%s", flags_name((flag_code)f));
        size_t i = 0;
        while (i < n && strcmp(t[i].name, want) != 0)
            i++;
        if (i == n)
            fail_msg("no %s in the parameter table", want);
        assert_int_equal(t[i].offset, offsetof(detect_params, fw) + (size_t)f * sizeof(double));
    }
}

static void test_detect_params__documented(void **state)
{
    (void)state;
    FILE *f = fopen("docs/config.md", "rb");
    if (!f) {
        printf("SKIP docs/config.md not found (run from the repository root)\n");
        return;
    }
    static char doc[1 << 16];
    size_t len = fread(doc, 1, sizeof doc - 1, f);
    doc[len] = '\0';
    fclose(f);
    size_t n;
    const detect_param_desc *t = detect_param_table(&n);
    for (size_t i = 0; i < n; i++) {
        char key[80];
        snprintf(key, sizeof key, "| `%s` |", t[i].name);
        if (!strstr(doc, key))
            fail_msg("docs/config.md does not document %s", t[i].name);
    }
    assert_non_null(strstr(doc, "`remote_ports`"));
    assert_non_null(strstr(doc, "`anon_asns`"));
    assert_non_null(strstr(doc, "`high_risk_countries`"));
}

/* Whether rules_anon_ip calls an IP in asn (not marked by a database) anonymising. */
static int anon_asn(const detect_params *p, uint32_t asn)
{
    ip_attr ia;
    memset(&ia, 0, sizeof ia);
    ia.asn = asn;
    return rules_anon_ip(p, &ia);
}

static void test_detect_params__default_asns(void **state)
{
    (void)state;
    detect_params p;
    detect_params_init(&p);
    size_t n;
    const uint32_t *t = hosting_asns_table(&n);
    assert_true(n >= 24 && n <= DETECT_MAX_LIST);
    assert_int_equal(p.n_anon_asns, n);
    assert_memory_equal(p.anon_asns, t, n * sizeof *t);
    for (size_t i = 1; i < n; i++)
        if (t[i - 1] >= t[i])
            fail_msg("hosting table not strictly ascending at %zu: %u, %u", i, t[i - 1], t[i]);
    assert_true(t[0] > 0);
    assert_true(anon_asn(&p, 14061)); /* DigitalOcean */
    assert_true(anon_asn(&p, 16276)); /* OVH */
    /* Every network of the list the table replaced is still in it. */
    static const uint32_t before[] = {14061, 16509, 14618,  63949,  24940, 16276,  60781,  16265,
                                      45102, 37963, 132203, 45090,  49505, 396982, 8075,   20473,
                                      9009,  60068, 212238, 136787, 51167, 62240,  200651, 42473};
    for (size_t i = 0; i < sizeof before / sizeof *before; i++)
        if (!anon_asn(&p, before[i]))
            fail_msg("AS%u dropped from the default list", before[i]);
    /* CDNs and big consumer services are not anonymisers (Cloudflare, Google, Akamai CDN). */
    assert_false(anon_asn(&p, 13335));
    assert_false(anon_asn(&p, 15169));
    assert_false(anon_asn(&p, 20940));
    assert_false(anon_asn(&p, 0)); /* unknown */
    assert_false(anon_asn(&p, 1));
    assert_false(anon_asn(&p, UINT32_MAX));
    /* Sorting the default list changes nothing. */
    detect_params q = p;
    detect_params_sort_asns(&q);
    assert_int_equal(q.n_anon_asns, p.n_anon_asns);
    assert_memory_equal(q.anon_asns, p.anon_asns, n * sizeof *t);
}

/* Writes text to a new file in dir and loads it as a config into c. */
static int load_config(rs_config *c, const char *dir, const char *text, rs_error *err)
{
    char path[256];
    snprintf(path, sizeof path, "%s/config.json", dir);
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fputs(text, f) >= 0, 1);
    assert_int_equal(fclose(f), 0);
    config_init(c);
    int rc = config_load(c, path, err);
    unlink(path);
    return rc;
}

static void test_detect_params__config_asns(void **state)
{
    (void)state;
    char dir[] = "/tmp/test_detect_params.XXXXXX";
    assert_non_null(mkdtemp(dir));
    rs_config c;
    rs_error err = {0};
    /* A config list replaces the default, kept in the file's order until sorted. */
    int rc = load_config(&c, dir, "{\"detect\": {\"anon_asns\": [64500, 7, 4294967295, 7]}}", &err);
    if (rc != RS_OK)
        fail_msg("config_load: %s", err.msg);
    assert_int_equal(c.detect.n_anon_asns, 4);
    assert_int_equal(c.detect.anon_asns[0], 64500);
    assert_int_equal(c.detect.anon_asns[2], 4294967295u);
    detect_params_sort_asns(&c.detect);
    assert_int_equal(c.detect.n_anon_asns, 3);
    assert_int_equal(c.detect.anon_asns[0], 7);
    assert_int_equal(c.detect.anon_asns[1], 64500);
    assert_int_equal(c.detect.anon_asns[2], 4294967295u);
    assert_true(anon_asn(&c.detect, 7));
    assert_true(anon_asn(&c.detect, 64500));
    assert_true(anon_asn(&c.detect, UINT32_MAX));
    assert_false(anon_asn(&c.detect, 14061)); /* replaced, not added to */
    assert_false(anon_asn(&c.detect, 8));
    config_free(&c);

    /* An empty list turns the ASN test off. */
    rc = load_config(&c, dir, "{\"detect\": {\"anon_asns\": []}}", &err);
    assert_int_equal(rc, RS_OK);
    assert_int_equal(c.detect.n_anon_asns, 0);
    detect_params_sort_asns(&c.detect);
    assert_false(anon_asn(&c.detect, 14061));
    config_free(&c);

    /* DETECT_MAX_LIST entries load; one more is refused with a message. */
    for (int extra = 0; extra <= 1; extra++) {
        size_t n = DETECT_MAX_LIST + (size_t)extra, cap = 64 + 12 * n, len = 0;
        char *text = malloc(cap);
        assert_non_null(text);
        len += (size_t)snprintf(text + len, cap - len, "{\"detect\": {\"anon_asns\": [");
        for (size_t i = 0; i < n; i++)
            len += (size_t)snprintf(text + len, cap - len, "%s%zu", i ? "," : "", n - i);
        snprintf(text + len, cap - len, "]}}");
        err.msg[0] = '\0';
        rc = load_config(&c, dir, text, &err);
        free(text);
        if (!extra) {
            if (rc != RS_OK)
                fail_msg("config_load of %zu ASNs: %s", n, err.msg);
            assert_int_equal(c.detect.n_anon_asns, n);
            detect_params_sort_asns(&c.detect);
            assert_int_equal(c.detect.anon_asns[0], 1);
            assert_true(anon_asn(&c.detect, (uint32_t)n));
            assert_false(anon_asn(&c.detect, (uint32_t)n + 1));
        } else {
            assert_int_equal(rc, RS_E_CONFIG);
            assert_non_null(strstr(err.msg, "anon_asns"));
            assert_non_null(strstr(err.msg, "at most"));
        }
        config_free(&c);
    }
    assert_int_equal(rmdir(dir), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_detect_params__defaults_in_range_and_unique),
        cmocka_unit_test(test_detect_params__flag_weights),
        cmocka_unit_test(test_detect_params__documented),
        cmocka_unit_test(test_detect_params__default_asns),
        cmocka_unit_test(test_detect_params__config_asns),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

/* test_detect_params.c - the table of tunable parameters: every default lies
 * in its documented range, names are unique, each flag but RING_MEMBER has
 * its weight_<FLAG>, and docs/config.md lists every parameter (so the
 * reference cannot fall behind the code). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "algorithms/detect_params.h"

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
    for (int f = 0; f < FLAG_RING_MEMBER; f++) {
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

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_detect_params__defaults_in_range_and_unique),
        cmocka_unit_test(test_detect_params__flag_weights),
        cmocka_unit_test(test_detect_params__documented),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

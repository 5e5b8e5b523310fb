/* test_explain.c - the sentence naming a ring's kind says what decided it: a
 * rating ring names the rating-collusion flags its accounts carry, not a fixed
 * list of bursts and lockstep blocks; every corroborating flag's meaning is
 * quoted whole. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "export/explain.h"

/* The kind sentence of rg (caller frees b). */
static const char *kind_text(rs_buf *b, const ring *rg)
{
    explain_kind(b, rg);
    return b->data ? b->data : "";
}

/* A slow shill ring is bound by concentrated ratings alone: no burst, no block. */
static void test_explain__rating_ring_names_what_bound_it(void **state)
{
    (void)state;
    ring rg;
    memset(&rg, 0, sizeof rg);
    rg.kind = RING_KIND_RATING;
    rg.severity = SEVERITY_MEDIUM;
    rg.colluding = 27;
    rg.bound = 27;
    rg.flag_counts[FLAG_RATING_CONCENTRATION] = 27;
    rg.flag_counts[FLAG_SHARED_PAYOUT] = 20; /* not collusion: not named */
    rs_buf b = {0};
    const char *s = kind_text(&b, &rg);
    assert_non_null(strstr(s, "27 accounts, raters and rated, carry firm rating-collusion "
                              "flags (RATING_CONCENTRATION); only 0 of the 27"));
    assert_null(strstr(s, "burst"));
    assert_null(strstr(s, "lockstep"));
    assert_null(strstr(s, "SHARED_PAYOUT"));
    buf_free(&b);

    /* A shill ring of the older kind: bursts and a lockstep block, both named. */
    memset(rg.flag_counts, 0, sizeof rg.flag_counts);
    rg.flag_counts[FLAG_RATING_BURST] = 5;
    rg.flag_counts[FLAG_RATING_LOCKSTEP] = 4;
    rs_buf c = {0};
    s = kind_text(&c, &rg);
    assert_non_null(strstr(s, "(RATING_BURST and RATING_LOCKSTEP)"));
    buf_free(&c);
}

/* Every meaning reaches the explanation whole, the longest ones too (a fixed buffer
 * per flag once cut them short). */
static void test_explain__corroborating_flags_are_whole(void **state)
{
    (void)state;
    ring rg;
    memset(&rg, 0, sizeof rg);
    memcpy(rg.id, "R0001", 6);
    rg.kind = RING_KIND_PROXY;
    rg.nmembers = 123456;
    for (int k = 0; k < FLAG_COUNT; k++)
        rg.flag_counts[k] = 123456;
    findings f;
    memset(&f, 0, sizeof f);
    f.rings = &rg;
    f.nrings = 1;
    char *s = explain_ring(NULL, &f, 0);
    for (int k = 0; k < FLAG_COUNT; k++) {
        if (flags_info((flag_code)k)->props & FLAG_P_DERIVED)
            continue;
        char want[512];
        snprintf(want, sizeof want, "123456 of 123456 %s", flags_meaning((flag_code)k));
        assert_non_null(strstr(s, want));
    }
    free(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_explain__rating_ring_names_what_bound_it),
        cmocka_unit_test(test_explain__corroborating_flags_are_whole),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

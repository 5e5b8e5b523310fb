/* test_explain.c - the sentence naming a ring's kind says what decided it: a
 * rating ring names the rating-collusion flags its accounts carry, not a fixed
 * list of bursts and lockstep blocks. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
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

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_explain__rating_ring_names_what_bound_it),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

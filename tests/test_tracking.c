/* test_tracking.c - ring continuity across runs: every status of the rule
 * in algorithms/tracking.h, the tie-breaks, and continuation through
 * infrastructure when every account was replaced. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "algorithms/tracking.h"

/* A ring from space-separated sorted labels. */
typedef struct {
    const char *acc[16], *inf[8];
    track_ring r;
} tring;

static void mk(tring *t, const char *accts, const char *infra, const char *pid, int64_t first)
{
    static char store[64][32];
    static int used;
    memset(t, 0, sizeof *t);
    size_t na = 0, ni = 0;
    for (int pass = 0; pass < 2; pass++) {
        const char *s = pass ? infra : accts;
        while (s && *s) {
            const char *e = strchr(s, ' ');
            size_t len = e ? (size_t)(e - s) : strlen(s);
            char *d = store[used++ % 64];
            memcpy(d, s, len);
            d[len] = '\0';
            if (pass)
                t->inf[ni++] = d;
            else
                t->acc[na++] = d;
            s = e ? e + 1 : NULL;
        }
    }
    t->r = (track_ring){t->acc, na, t->inf, ni, first, pid};
}

static void run(const tring *prev, size_t np, const tring *cur, size_t nc, track_result *out)
{
    track_ring p[8], c[8];
    for (size_t i = 0; i < np; i++)
        p[i] = prev[i].r;
    for (size_t i = 0; i < nc; i++)
        c[i] = cur[i].r;
    tracking_match(p, np, c, nc, out);
}

static void test_tracking__statuses(void **state)
{
    (void)state;
    tring p[4], c[4];
    mk(&p[0], "a b c d", "device:x", "RS-000001", 1);
    mk(&p[1], "e f g", "destination:y", "RS-000002", 1);
    mk(&p[2], "h i j", "", "RS-000003", 1);
    mk(&p[3], "k l m n", "", "RS-000004", 1);
    mk(&c[0], "a b c d", "device:x", NULL, 0);      /* unchanged */
    mk(&c[1], "e f g z", "destination:y", NULL, 0); /* grown */
    mk(&c[2], "h i", "", NULL, 0);                  /* shrunk */
    mk(&c[3], "q r s", "", NULL, 0);                /* new; RS-000004 gone */
    track_result r;
    run(p, 4, c, 4, &r);
    assert_int_equal(r.cur[0].status, TRACK_UNCHANGED);
    assert_int_equal(r.cur[0].prev, 0);
    assert_int_equal(r.cur[1].status, TRACK_GROWN);
    assert_int_equal(r.cur[1].added, 1);
    assert_int_equal(r.cur[2].status, TRACK_SHRUNK);
    assert_int_equal(r.cur[2].removed, 1);
    assert_int_equal(r.cur[3].status, TRACK_NEW);
    assert_int_equal(r.cur[3].prev, -1);
    assert_int_equal(r.prev_into[3], -1);
    assert_int_equal(r.prev_merged[3], 0);
    tracking_result_free(&r);
}

static void test_tracking__merge_keeps_the_larger_share(void **state)
{
    (void)state;
    tring p[2], c[1];
    mk(&p[0], "a b", "", "RS-000007", 5);
    mk(&p[1], "c d e", "", "RS-000009", 9);
    mk(&c[0], "a b c d e", "", NULL, 0);
    track_result r;
    run(p, 2, c, 1, &r);
    assert_int_equal(r.cur[0].prev, 1); /* three accounts in common beat two */
    assert_int_equal(r.cur[0].status, TRACK_GROWN);
    assert_int_equal(r.prev_into[0], 0);
    assert_int_equal(r.prev_merged[0], 1);
    assert_int_equal(r.prev_merged[1], 0);
    tracking_result_free(&r);
    /* Equal shares: the ring first seen earlier keeps its id. */
    mk(&p[0], "a b", "", "RS-000007", 5);
    mk(&p[1], "c d", "", "RS-000003", 9);
    mk(&c[0], "a b c d", "", NULL, 0);
    run(p, 2, c, 1, &r);
    assert_int_equal(r.cur[0].prev, 0);
    assert_int_equal(r.prev_merged[1], 1);
    tracking_result_free(&r);
}

static void test_tracking__split(void **state)
{
    (void)state;
    tring p[1], c[2];
    mk(&p[0], "a b c d e f", "", "RS-000001", 1);
    mk(&c[0], "d e f", "", NULL, 0);
    mk(&c[1], "a b c x", "", NULL, 0);
    track_result r;
    run(p, 1, c, 2, &r);
    /* Both share three accounts; the higher overlap (3 of 3) continues it. */
    assert_int_equal(r.cur[0].status, TRACK_SHRUNK);
    assert_int_equal(r.cur[0].prev, 0);
    assert_int_equal(r.cur[1].status, TRACK_SPLIT);
    assert_int_equal(r.cur[1].prev, 0);
    assert_int_equal(r.prev_into[0], 0);
    assert_int_equal(r.prev_merged[0], 0);
    tracking_result_free(&r);
}

static void test_tracking__infrastructure_carries_a_ring(void **state)
{
    (void)state;
    tring p[1], c[1];
    /* Every account banned and replaced; the laptops and bank account stay. */
    mk(&p[0], "a b c", "destination:bank device:lap1 device:lap2", "RS-000001", 1);
    mk(&c[0], "x y z", "destination:bank device:lap1 device:lap2", NULL, 0);
    track_result r;
    run(p, 1, c, 1, &r);
    assert_int_equal(r.cur[0].prev, 0);
    assert_int_equal(r.cur[0].status, TRACK_GROWN);
    assert_int_equal(r.cur[0].added, 3);
    assert_int_equal(r.cur[0].removed, 3);
    tracking_result_free(&r);
    /* One account of ten in common and no infrastructure: unrelated. */
    mk(&p[0], "a b c d e f g h i j", "", "RS-000001", 1);
    mk(&c[0], "j k l m n o p q r s", "", NULL, 0);
    run(p, 1, c, 1, &r);
    assert_int_equal(r.cur[0].status, TRACK_NEW);
    assert_int_equal(r.prev_into[0], -1);
    tracking_result_free(&r);
}

static void test_tracking__empty_runs(void **state)
{
    (void)state;
    track_result r;
    tracking_match(NULL, 0, NULL, 0, &r);
    tracking_result_free(&r);
    tring p[1];
    mk(&p[0], "a b", "", "RS-000001", 1);
    run(p, 1, NULL, 0, &r);
    assert_int_equal(r.prev_into[0], -1);
    tracking_result_free(&r);
    const char *a[] = {"a", "b", "c"}, *b[] = {"b", "c", "d"};
    assert_int_equal(tracking_common(a, 3, b, 3), 2);
    assert_int_equal(tracking_common(a, 0, b, 3), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_tracking__statuses),
        cmocka_unit_test(test_tracking__merge_keeps_the_larger_share),
        cmocka_unit_test(test_tracking__split),
        cmocka_unit_test(test_tracking__infrastructure_carries_a_ring),
        cmocka_unit_test(test_tracking__empty_runs),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

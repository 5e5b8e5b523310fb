/* test_burst.c - Kleinberg burst detection on synthetic streams with known bursts.
 *
 * Streams are built from a seeded splitmix64 generator so every run sees the same
 * timestamps: a Poisson baseline (exponential gaps) with dense bursts planted at
 * known times, steady high-volume streams that must not be bursty relative to
 * themselves, and the degenerate inputs (0, 1, 2 events, all identical, NaN).
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "algorithms/burst.h"

#define HOUR 3600.0
#define DAY 86400.0

/* --- deterministic generator ------------------------------------------------ */

typedef struct rng {
    uint64_t s;
} rng;

static uint64_t rng_next(rng *r)
{
    uint64_t z = (r->s += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

/* Uniform in (0, 1). */
static double rng_unit(rng *r)
{
    return ((double)(rng_next(r) >> 11) + 0.5) / 9007199254740992.0;
}

static double rng_exp(rng *r, double rate)
{
    return -log(rng_unit(r)) / rate;
}

/* --- stream builders -------------------------------------------------------- */

typedef struct stream {
    double *ts;
    size_t n, cap;
} stream;

static void stream_push(stream *s, double t)
{
    if (s->n == s->cap) {
        s->cap = s->cap ? 2 * s->cap : 256;
        s->ts = realloc(s->ts, s->cap * sizeof *s->ts);
        assert_non_null(s->ts);
    }
    s->ts[s->n++] = t;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static void stream_sort(stream *s)
{
    qsort(s->ts, s->n, sizeof *s->ts, cmp_double);
}

/* Poisson process of the given rate on [t0, t1), timestamps rounded to seconds. */
static void add_poisson(stream *s, rng *r, double rate, double t0, double t1)
{
    double t = t0 + rng_exp(r, rate);
    while (t < t1) {
        stream_push(s, floor(t));
        t += rng_exp(r, rate);
    }
}

/* count events uniformly at random inside [t0, t1), rounded to seconds. */
static void add_uniform_random(stream *s, rng *r, size_t count, double t0, double t1)
{
    size_t i;
    for (i = 0; i < count; i++)
        stream_push(s, floor(t0 + (t1 - t0) * rng_unit(r)));
}

/* Number of bursts of exactly this level. */
static size_t count_level(const burst_list *l, unsigned level)
{
    size_t i, c = 0;
    for (i = 0; i < l->count; i++)
        c += l->items[i].level == level;
    return c;
}

/* The burst of this level overlapping [t0, t1], or NULL; fails if there are two. */
static const burst_interval *find_overlapping(const burst_list *l, unsigned level, double t0,
                                              double t1)
{
    const burst_interval *hit = NULL;
    size_t i;
    for (i = 0; i < l->count; i++) {
        const burst_interval *b = &l->items[i];
        if (b->level == level && b->end >= t0 && b->start <= t1) {
            assert_null(hit);
            hit = b;
        }
    }
    return hit;
}

/* Structural invariants every result must satisfy. */
static void check_invariants(const burst_list *l, const double *ts, size_t n, const burst_params *p)
{
    size_t i, j;
    for (i = 0; i < l->count; i++) {
        const burst_interval *b = &l->items[i];
        int contained = b->level == 1;
        assert_true(b->level >= 1 && b->level < l->states);
        assert_true(b->first < b->last && b->last < n);
        assert_true(b->last - b->first + 1 >= p->min_events);
        assert_true(b->start == ts[b->first] && b->end == ts[b->last]);
        assert_true(isfinite(b->intensity) && b->intensity > 0.0);
        assert_true(isfinite(b->weight));
        if (i > 0) { /* sorted by first event, then level */
            const burst_interval *a = &l->items[i - 1];
            assert_true(a->first < b->first || (a->first == b->first && a->level < b->level));
        }
        for (j = 0; j < l->count && !contained; j++) {
            const burst_interval *o = &l->items[j];
            contained = o->level + 1 == b->level && o->first <= b->first && b->last <= o->last;
        }
        assert_true(contained); /* hierarchy: every level-l burst sits in a level-(l-1) one */
    }
}

/* --- tests ------------------------------------------------------------------ */

/* Checks a planted burst of `planted` events in [b0, b1]. Some burst of level
 * >= 2 (rate >= 4x baseline) has the planted boundaries within tol; the level-1
 * envelope contains it and may take in a few neighbouring baseline events,
 * because the automaton pays for climbing once and may climb a little early
 * or stay up a little late when baseline events happen to be close. Over 200
 * seeds of the planted test, 196 meet a 15-minute tolerance. Returns the
 * level-1 burst. */
static const burst_interval *check_planted(const burst_list *out, double b0, double b1,
                                           size_t planted, double tol)
{
    const burst_interval *env = find_overlapping(out, 1, b0, b1);
    const burst_interval *core;
    size_t i;

    assert_non_null(env);
    for (i = 0; i < out->count; i++) {
        const burst_interval *b = &out->items[i];
        if (b->level >= 2 && fabs(b->start - b0) <= tol && fabs(b->end - b1) <= tol)
            break;
    }
    assert_true(i < out->count);
    core = &out->items[i];
    assert_true(core->last - core->first + 1 >= planted * 9 / 10);
    assert_true(env->first <= core->first && core->last <= env->last);
    assert_true(env->last - env->first + 1 <= planted + 25);
    assert_true(env->weight > 0.0 && core->weight > 0.0);
    assert_true(core->intensity >= 4.0);
    return env;
}

/* One event an hour for 30 days, plus 40 ratings planted in two hours on day 15. */
static void test_burst__planted_burst_found(void **state)
{
    rng r = {42};
    stream s = {0};
    burst_params p = BURST_PARAMS_INIT;
    burst_list out;
    const burst_interval *b;
    const double b0 = 15 * DAY, b1 = 15 * DAY + 2 * HOUR;
    size_t i;
    (void)state;

    add_poisson(&s, &r, 1.0 / HOUR, 0.0, 30 * DAY);
    add_uniform_random(&s, &r, 40, b0, b1);
    stream_sort(&s);

    assert_int_equal(burst_detect(&out, s.ts, s.n, &p), 0);
    check_invariants(&out, s.ts, s.n, &p);
    assert_true(out.states >= 2);
    b = check_planted(&out, b0, b1, 40, 0.25 * HOUR);
    /* ~20 events/hour against a baseline of ~1/hour */
    assert_true(find_overlapping(&out, 2, b0, b1)->intensity > 15.0);
    assert_true(b->weight > 20.0);
    /* The planted burst is the heaviest level-1 burst in the stream. */
    for (i = 0; i < out.count; i++)
        if (out.items[i].level == 1)
            assert_true(out.items[i].weight <= b->weight);
    burst_list_free(&out);
    free(s.ts);
}

/* An enterprise client rating every ten minutes (with jitter) for a quarter:
 * high volume, but steady relative to itself. */
static void test_burst__steady_high_volume_no_burst(void **state)
{
    rng r = {7};
    stream s = {0};
    burst_params p = BURST_PARAMS_INIT;
    burst_list out;
    size_t i;
    (void)state;

    for (i = 0; i < 13000; i++)
        stream_push(&s, floor(600.0 * (double)i + 300.0 * rng_unit(&r)));
    stream_sort(&s);
    assert_int_equal(burst_detect(&out, s.ts, s.n, &p), 0);
    assert_int_equal(out.count, 0);
    assert_true(fabs(out.baseline_rate - 1.0 / 600.0) < 1e-5);
    burst_list_free(&out);
    free(s.ts);
}

/* Plain Poisson streams of the same volume. Random clumping in a long stream
 * can reach level 1 (over 200 seeds: 27 such bursts, intensity <= 3.9, weight
 * <= 14.3), but never level 2; planted bursts reach level 3 or more with
 * weight above 20. */
static void test_burst__poisson_baseline_quiet(void **state)
{
    uint64_t seed;
    (void)state;

    for (seed = 1; seed <= 6; seed++) {
        rng r = {seed};
        stream s = {0};
        burst_params p = BURST_PARAMS_INIT;
        burst_list out;
        size_t i;

        add_poisson(&s, &r, 1.0 / 600.0, 0.0, 90 * DAY);
        assert_int_equal(burst_detect(&out, s.ts, s.n, &p), 0);
        check_invariants(&out, s.ts, s.n, &p);
        for (i = 0; i < out.count; i++) {
            assert_int_equal(out.items[i].level, 1);
            assert_true(out.items[i].intensity < 4.0);
            assert_true(out.items[i].weight < 20.0);
        }
        burst_list_free(&out);
        free(s.ts);
    }
}

static void test_burst__two_bursts_found_as_two(void **state)
{
    rng r = {99};
    stream s = {0};
    burst_params p = BURST_PARAMS_INIT;
    burst_list out;
    const burst_interval *a, *b;
    (void)state;

    add_poisson(&s, &r, 1.0 / (2 * HOUR), 0.0, 60 * DAY);
    add_uniform_random(&s, &r, 30, 10 * DAY, 10 * DAY + HOUR);
    add_uniform_random(&s, &r, 25, 40 * DAY, 40 * DAY + 3 * HOUR);
    stream_sort(&s);

    assert_int_equal(burst_detect(&out, s.ts, s.n, &p), 0);
    check_invariants(&out, s.ts, s.n, &p);
    a = check_planted(&out, 10 * DAY, 10 * DAY + HOUR, 30, 0.25 * HOUR);
    b = check_planted(&out, 40 * DAY, 40 * DAY + 3 * HOUR, 25, 0.5 * HOUR);
    assert_true(a != b);
    /* Nothing else comparable: every other level-1 burst is much lighter. */
    {
        size_t i;
        double lighter = a->weight < b->weight ? a->weight : b->weight;
        for (i = 0; i < out.count; i++) {
            const burst_interval *o = &out.items[i];
            if (o->level == 1 && o != a && o != b)
                assert_true(o->weight < 0.5 * lighter);
        }
    }
    burst_list_free(&out);
    free(s.ts);
}

/* A dense core inside a moderately dense burst shows up one level higher,
 * nested inside the outer burst. */
static void test_burst__nested_levels(void **state)
{
    rng r = {5};
    stream s = {0};
    burst_params p = BURST_PARAMS_INIT;
    burst_list out;
    const burst_interval *outer;
    size_t i, inner = 0;
    (void)state;

    add_poisson(&s, &r, 1.0 / (4 * HOUR), 0.0, 40 * DAY);
    add_uniform_random(&s, &r, 40, 20 * DAY, 21 * DAY);                       /* ~10x */
    add_uniform_random(&s, &r, 40, 20 * DAY + 6 * HOUR, 20 * DAY + 7 * HOUR); /* ~160x */
    stream_sort(&s);
    assert_int_equal(burst_detect(&out, s.ts, s.n, &p), 0);
    check_invariants(&out, s.ts, s.n, &p);
    outer = find_overlapping(&out, 1, 20 * DAY, 21 * DAY);
    assert_non_null(outer);
    for (i = 0; i < out.count; i++) {
        const burst_interval *b = &out.items[i];
        if (b->level > 2 && b->first >= outer->first && b->last <= outer->last &&
            b->start >= 20 * DAY + 5 * HOUR && b->end <= 20 * DAY + 8 * HOUR)
            inner++;
    }
    assert_true(inner >= 1);
    assert_true(count_level(&out, 2) >= 1);
    burst_list_free(&out);
    free(s.ts);
}

/* A new client rates 15 freelancers in two days. Relative to itself that is
 * steady; against a baseline of one rating a week it is one burst. */
static void test_burst__baseline_override(void **state)
{
    rng r = {11};
    stream s = {0};
    burst_params p = BURST_PARAMS_INIT;
    burst_list out;
    (void)state;

    add_uniform_random(&s, &r, 15, 100 * DAY, 102 * DAY);
    stream_sort(&s);

    assert_int_equal(burst_detect(&out, s.ts, s.n, &p), 0);
    assert_int_equal(out.count, 0);
    burst_list_free(&out);

    p.baseline_rate = 1.0 / (7 * DAY);
    assert_int_equal(burst_detect(&out, s.ts, s.n, &p), 0);
    check_invariants(&out, s.ts, s.n, &p);
    assert_true(out.count >= 1);
    assert_int_equal(out.items[0].level, 1);
    assert_int_equal(out.items[0].first, 0);
    assert_int_equal(out.items[0].last, 14);
    assert_true(out.items[0].intensity > 20.0);
    assert_true(out.baseline_rate == p.baseline_rate);
    burst_list_free(&out);
    free(s.ts);
}

/* Duplicate timestamps inside a burst (a batch of ratings in one second). */
static void test_burst__duplicates_in_burst(void **state)
{
    rng r = {3};
    stream s = {0};
    burst_params p = BURST_PARAMS_INIT;
    burst_list out;
    const burst_interval *b;
    size_t i;
    (void)state;

    add_poisson(&s, &r, 1.0 / HOUR, 0.0, 20 * DAY);
    for (i = 0; i < 20; i++)
        stream_push(&s, 10 * DAY);
    stream_sort(&s);
    assert_int_equal(burst_detect(&out, s.ts, s.n, &p), 0);
    check_invariants(&out, s.ts, s.n, &p);
    b = find_overlapping(&out, 2, 10 * DAY, 10 * DAY);
    assert_non_null(b);
    /* the core is exactly the 20 duplicates (plus any baseline event that
     * happens to share the second) */
    assert_true(b->start == 10 * DAY && b->end == 10 * DAY);
    assert_true(b->last - b->first + 1 >= 20);
    /* zero gaps count as min_gap: a finite, very high rate */
    assert_true(isfinite(b->intensity) && b->intensity > 1000.0);
    burst_list_free(&out);
    free(s.ts);
}

static void test_burst__deterministic(void **state)
{
    rng r = {1234};
    stream s = {0};
    burst_params p = BURST_PARAMS_INIT;
    burst_list a, b;
    (void)state;

    add_poisson(&s, &r, 1.0 / HOUR, 0.0, 30 * DAY);
    add_uniform_random(&s, &r, 30, 5 * DAY, 5 * DAY + HOUR);
    add_uniform_random(&s, &r, 30, 25 * DAY, 25 * DAY + 4 * HOUR);
    stream_sort(&s);
    assert_int_equal(burst_detect(&a, s.ts, s.n, &p), 0);
    assert_int_equal(burst_detect(&b, s.ts, s.n, &p), 0);
    assert_true(a.count >= 2);
    assert_int_equal(a.count, b.count);
    assert_int_equal(a.states, b.states);
    assert_memory_equal(a.items, b.items, a.count * sizeof *a.items);
    burst_list_free(&a);
    burst_list_free(&b);
    free(s.ts);
}

static void test_burst__tiny_inputs(void **state)
{
    const double one[1] = {5.0};
    const double two[2] = {5.0, 6.0};
    const double same2[2] = {5.0, 5.0};
    burst_list out;
    (void)state;

    assert_int_equal(burst_detect(&out, NULL, 0, NULL), 0);
    assert_int_equal(out.count, 0);
    assert_null(out.items);
    burst_list_free(&out);

    assert_int_equal(burst_detect(&out, one, 1, NULL), 0);
    assert_int_equal(out.count, 0);
    burst_list_free(&out);

    assert_int_equal(burst_detect(&out, two, 2, NULL), 0);
    assert_int_equal(out.count, 0);
    assert_true(out.states >= 2);
    burst_list_free(&out);

    assert_int_equal(burst_detect(&out, same2, 2, NULL), 0);
    assert_int_equal(out.count, 0);
    burst_list_free(&out);
}

/* All events at one instant: no extent, so nothing is bursty relative to itself;
 * against an outside baseline the whole stream is one burst. */
static void test_burst__all_identical(void **state)
{
    double ts[500];
    burst_params p = BURST_PARAMS_INIT;
    burst_list out;
    size_t i;
    (void)state;

    for (i = 0; i < 500; i++)
        ts[i] = 1.7e9;
    assert_int_equal(burst_detect(&out, ts, 500, &p), 0);
    assert_int_equal(out.count, 0);
    assert_true(fabs(out.baseline_rate - 1.0) < 1e-12); /* one per min_gap */
    burst_list_free(&out);

    p.baseline_rate = 1.0 / DAY;
    assert_int_equal(burst_detect(&out, ts, 500, &p), 0);
    check_invariants(&out, ts, 500, &p);
    assert_true(out.count >= 1);
    assert_int_equal(out.items[0].first, 0);
    assert_int_equal(out.items[0].last, 499);
    assert_true(isfinite(out.items[0].intensity));
    burst_list_free(&out);
}

static void test_burst__min_events_filter(void **state)
{
    rng r = {77};
    stream s = {0};
    burst_params p = BURST_PARAMS_INIT;
    burst_list out;
    (void)state;

    add_poisson(&s, &r, 1.0 / HOUR, 0.0, 30 * DAY);
    add_uniform_random(&s, &r, 12, 15 * DAY, 15 * DAY + 600);
    stream_sort(&s);
    assert_int_equal(burst_detect(&out, s.ts, s.n, &p), 0);
    assert_non_null(find_overlapping(&out, 1, 15 * DAY, 15 * DAY + 600));
    burst_list_free(&out);

    p.min_events = 100;
    assert_int_equal(burst_detect(&out, s.ts, s.n, &p), 0);
    assert_int_equal(out.count, 0);
    assert_null(out.items);
    burst_list_free(&out);
    free(s.ts);
}

static void test_burst__state_cap(void **state)
{
    rng r = {8};
    stream s = {0};
    burst_params p = BURST_PARAMS_INIT;
    burst_list out;
    size_t i;
    (void)state;

    add_poisson(&s, &r, 1.0 / DAY, 0.0, 365 * DAY);
    for (i = 0; i < 50; i++)
        stream_push(&s, 200 * DAY + (double)i);
    stream_sort(&s);
    p.max_states = 2;
    assert_int_equal(burst_detect(&out, s.ts, s.n, &p), 0);
    check_invariants(&out, s.ts, s.n, &p);
    assert_int_equal(out.states, 2);
    assert_int_equal(count_level(&out, 1), out.count);
    assert_non_null(find_overlapping(&out, 1, 200 * DAY, 200 * DAY + 49));
    burst_list_free(&out);
    free(s.ts);
}

/* A million events (a busy IP over a year) with one planted burst: linear
 * work, finite numbers, burst still found. */
static void test_burst__huge_stream(void **state)
{
    rng r = {31337};
    stream s = {0};
    burst_params p = BURST_PARAMS_INIT;
    burst_list out;
    const double t0 = 1.7e9; /* epoch seconds: large absolute values */
    const burst_interval *b;
    size_t i;
    (void)state;

    s.cap = 1000200;
    s.ts = malloc(s.cap * sizeof *s.ts);
    assert_non_null(s.ts);
    add_poisson(&s, &r, 1.0 / 30.0, t0, t0 + 30.0 * 1000000.0);
    add_uniform_random(&s, &r, 200, t0 + 1e7, t0 + 1e7 + 60.0);
    stream_sort(&s);
    assert_true(s.n > 900000);

    assert_int_equal(burst_detect(&out, s.ts, s.n, &p), 0);
    assert_true(isfinite(out.baseline_rate) && out.baseline_rate > 0.0);
    b = find_overlapping(&out, 1, t0 + 1e7, t0 + 1e7 + 60.0);
    assert_non_null(b);
    assert_true(b->last - b->first + 1 >= 200);
    for (i = 0; i < out.count; i++)
        assert_true(isfinite(out.items[i].weight) && isfinite(out.items[i].intensity));
    burst_list_free(&out);
    free(s.ts);
}

static void test_burst__bad_input(void **state)
{
    const double nan_ts[3] = {1.0, NAN, 3.0};
    const double inf_ts[3] = {1.0, 2.0, INFINITY};
    const double unsorted[3] = {1.0, 3.0, 2.0};
    const double wide[2] = {-1.5e308, 1.5e308};
    const double ok[3] = {1.0, 2.0, 3.0};
    burst_params p = BURST_PARAMS_INIT;
    burst_list out;
    (void)state;

    assert_int_equal(burst_detect(NULL, ok, 3, NULL), BURST_EINVAL);
    assert_int_equal(burst_detect(&out, NULL, 3, NULL), BURST_EINVAL);
    assert_int_equal(burst_detect(&out, nan_ts, 3, NULL), BURST_EDATA);
    assert_int_equal(out.count, 0);
    assert_null(out.items);
    assert_int_equal(burst_detect(&out, inf_ts, 3, NULL), BURST_EDATA);
    assert_int_equal(burst_detect(&out, unsorted, 3, NULL), BURST_EDATA);
    assert_int_equal(burst_detect(&out, wide, 2, NULL), BURST_EDATA);

    p.s = 1.0;
    assert_int_equal(burst_detect(&out, ok, 3, &p), BURST_EINVAL);
    p.s = NAN;
    assert_int_equal(burst_detect(&out, ok, 3, &p), BURST_EINVAL);
    p = (burst_params)BURST_PARAMS_INIT;
    p.gamma = -1.0;
    assert_int_equal(burst_detect(&out, ok, 3, &p), BURST_EINVAL);
    p = (burst_params)BURST_PARAMS_INIT;
    p.max_states = 1;
    assert_int_equal(burst_detect(&out, ok, 3, &p), BURST_EINVAL);
    p.max_states = BURST_MAX_STATES + 1;
    assert_int_equal(burst_detect(&out, ok, 3, &p), BURST_EINVAL);
    p = (burst_params)BURST_PARAMS_INIT;
    p.min_gap = 0.0;
    assert_int_equal(burst_detect(&out, ok, 3, &p), BURST_EINVAL);
    p = (burst_params)BURST_PARAMS_INIT;
    p.baseline_rate = INFINITY;
    assert_int_equal(burst_detect(&out, ok, 3, &p), BURST_EINVAL);
    p = (burst_params)BURST_PARAMS_INIT;
    p.min_events = 1;
    assert_int_equal(burst_detect(&out, ok, 3, &p), BURST_EINVAL);

    /* A baseline so high that rate x gap overflows is refused, not turned into Inf. */
    p = (burst_params)BURST_PARAMS_INIT;
    p.baseline_rate = 1e307;
    {
        const double far[3] = {0.0, 1e3, 2e3};
        assert_int_equal(burst_detect(&out, far, 3, &p), BURST_EDATA);
    }

    assert_string_equal(burst_strerror(BURST_EDATA),
                        "timestamps not finite, not sorted, or span too large");
    assert_non_null(burst_strerror(-99));
    burst_list_free(NULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_burst__planted_burst_found),
        cmocka_unit_test(test_burst__steady_high_volume_no_burst),
        cmocka_unit_test(test_burst__poisson_baseline_quiet),
        cmocka_unit_test(test_burst__two_bursts_found_as_two),
        cmocka_unit_test(test_burst__nested_levels),
        cmocka_unit_test(test_burst__baseline_override),
        cmocka_unit_test(test_burst__duplicates_in_burst),
        cmocka_unit_test(test_burst__deterministic),
        cmocka_unit_test(test_burst__tiny_inputs),
        cmocka_unit_test(test_burst__all_identical),
        cmocka_unit_test(test_burst__min_events_filter),
        cmocka_unit_test(test_burst__state_cap),
        cmocka_unit_test(test_burst__huge_stream),
        cmocka_unit_test(test_burst__bad_input),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

/* test_fraudar.c - FRAUDAR dense-block detection on planted and random graphs.
 *
 * Graphs come from a seeded splitmix64 generator: honest clients rating a few
 * freelancers chosen with a popularity skew, shill blocks (a few clients rating
 * the same freelancers) planted on known ids, and camouflage (the shills also
 * rate popular freelancers). The complexity test counts heap operations on
 * growing graphs instead of timing them.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "algorithms/fraudar.h"

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

static double rng_unit(rng *r)
{
    return ((double)(rng_next(r) >> 11) + 0.5) / 9007199254740992.0;
}

static uint32_t rng_below(rng *r, uint32_t n)
{
    return (uint32_t)(rng_unit(r) * (double)n);
}

/* --- graph builder ----------------------------------------------------------- */

typedef struct edges {
    uint32_t *u, *v;
    double *w;
    size_t n, cap;
} edges;

static void edges_add(edges *g, uint32_t u, uint32_t v)
{
    if (g->n == g->cap) {
        g->cap = g->cap ? 2 * g->cap : 1024;
        g->u = realloc(g->u, g->cap * sizeof *g->u);
        g->v = realloc(g->v, g->cap * sizeof *g->v);
        assert_non_null(g->u);
        assert_non_null(g->v);
    }
    g->u[g->n] = u;
    g->v[g->n] = v;
    g->n++;
}

static void edges_free(edges *g)
{
    free(g->u);
    free(g->v);
    free(g->w);
}

/* An object id skewed towards 0 (density 1 / (2 sqrt(x / n))): low ids are the
 * popular freelancers. */
static uint32_t skewed_object(rng *r, uint32_t n_objects)
{
    double x = rng_unit(r);
    return (uint32_t)(x * x * (double)n_objects);
}

/* Adds `deg` edges from user u to distinct skewed objects. */
static void add_distinct_skewed(edges *g, rng *r, uint32_t u, uint32_t deg, uint32_t n_objects)
{
    size_t first = g->n, i;
    uint32_t k = 0;
    while (k < deg) {
        uint32_t v = skewed_object(r, n_objects);
        int dup = 0;
        for (i = first; i < g->n; i++)
            dup |= g->v[i] == v;
        if (!dup) {
            edges_add(g, u, v);
            k++;
        }
    }
}

/* Honest activity: each user rates 1..max_deg distinct objects, popular ones
 * more often. */
static void add_honest(edges *g, rng *r, uint32_t n_users, uint32_t n_objects, uint32_t max_deg)
{
    uint32_t u;
    for (u = 0; u < n_users; u++)
        add_distinct_skewed(g, r, u, 1 + rng_below(r, max_deg), n_objects);
}

static void add_block(edges *g, const uint32_t *users, size_t nu, const uint32_t *objs, size_t no)
{
    size_t i, j;
    for (i = 0; i < nu; i++)
        for (j = 0; j < no; j++)
            edges_add(g, users[i], objs[j]);
}

/* Camouflage (the paper's "biased camouflage"): every block user also rates
 * `count` distinct objects drawn with the honest popularity skew, so the
 * shills look like ordinary clients of well-known freelancers. */
static void add_camouflage(edges *g, rng *r, const uint32_t *users, size_t nu, uint32_t n_objects,
                           uint32_t count)
{
    size_t i;
    for (i = 0; i < nu; i++)
        add_distinct_skewed(g, r, users[i], count, n_objects);
}

static fraudar_graph as_graph(const edges *g, size_t n_users, size_t n_objects)
{
    fraudar_graph fg;
    fg.n_users = n_users;
    fg.n_objects = n_objects;
    fg.n_edges = g->n;
    fg.edge_user = g->u;
    fg.edge_object = g->v;
    fg.edge_weight = g->w;
    return fg;
}

static size_t count_common(const uint32_t *a, size_t na, const uint32_t *b, size_t nb)
{
    size_t i, j, c = 0;
    for (i = 0; i < na; i++)
        for (j = 0; j < nb; j++)
            c += a[i] == b[j];
    return c;
}

static void check_sorted(const uint32_t *a, size_t n)
{
    size_t i;
    for (i = 1; i < n; i++)
        assert_true(a[i - 1] < a[i]);
}

/* 5 shill users x 20 freelancers. Users spread over the id space; freelancers
 * from the unpopular (high-id) range. */
static const uint32_t SHILLS[5] = {17, 123, 250, 371, 444};
static const uint32_t TARGETS[20] = {402, 407, 415, 421, 428, 433, 440, 446, 452, 459,
                                     463, 468, 471, 477, 480, 484, 488, 491, 495, 499};

/* --- tests ------------------------------------------------------------------- */

/* K(3,4) plus a pendant edge: the block is the K(3,4) and its density follows
 * the paper's formula exactly. */
static void test_fraudar__small_exact(void **state)
{
    edges g = {0};
    uint32_t u, v;
    fraudar_options o = FRAUDAR_OPTIONS_INIT;
    fraudar_graph fg;
    fraudar_result res;
    const uint32_t want_u[3] = {0, 1, 2}, want_v[4] = {0, 1, 2, 3};
    (void)state;

    for (u = 0; u < 3; u++)
        for (v = 0; v < 4; v++)
            edges_add(&g, u, v);
    edges_add(&g, 3, 4);
    fg = as_graph(&g, 4, 5);

    assert_int_equal(fraudar_detect(&res, &fg, &o, NULL), 0);
    assert_int_equal(res.count, 1);
    assert_int_equal(res.blocks[0].n_users, 3);
    assert_int_equal(res.blocks[0].n_objects, 4);
    assert_memory_equal(res.blocks[0].users, want_u, sizeof want_u);
    assert_memory_equal(res.blocks[0].objects, want_v, sizeof want_v);
    assert_int_equal(res.blocks[0].n_edges, 12);
    /* every object has degree 3: weight 1/ln(3 + 5) */
    assert_true(fabs(res.blocks[0].mass - 12.0 / log(8.0)) < 1e-12);
    assert_true(fabs(res.blocks[0].density - 12.0 / log(8.0) / 7.0) < 1e-12);
    fraudar_result_free(&res);

    o.column_weighting = 0;
    assert_int_equal(fraudar_detect(&res, &fg, &o, NULL), 0);
    assert_int_equal(res.count, 1);
    assert_true(fabs(res.blocks[0].density - 12.0 / 7.0) < 1e-12);
    fraudar_result_free(&res);
    edges_free(&g);
}

/* The scenario: a 5 x 20 shill block hidden among 500 honest clients and
 * 500 freelancers, the shills also rating 30 popular freelancers each. */
static void test_fraudar__planted_block_under_camouflage(void **state)
{
    rng r = {2016};
    edges g = {0};
    fraudar_options o = FRAUDAR_OPTIONS_INIT;
    fraudar_graph fg;
    fraudar_result res;
    fraudar_stats st;
    const fraudar_block *b;
    (void)state;

    add_honest(&g, &r, 500, 500, 6);
    add_block(&g, SHILLS, 5, TARGETS, 20);
    add_camouflage(&g, &r, SHILLS, 5, 500, 30);
    fg = as_graph(&g, 500, 500);

    assert_int_equal(fraudar_detect(&res, &fg, &o, &st), 0);
    assert_int_equal(res.count, 1);
    b = &res.blocks[0];
    check_sorted(b->users, b->n_users);
    check_sorted(b->objects, b->n_objects);
    /* All shills and nothing else on the user side. */
    assert_int_equal(b->n_users, 5);
    assert_memory_equal(b->users, SHILLS, sizeof SHILLS);
    /* All 20 targets; at most a couple of extra freelancers. */
    assert_int_equal(count_common(b->objects, b->n_objects, TARGETS, 20), 20);
    assert_true(b->n_objects <= 22);
    assert_true(b->n_edges >= 100);
    assert_true(b->density > 1.0);
    assert_int_equal(st.rounds, 1);
    assert_true(st.heap_pops <= 1000);
    fraudar_result_free(&res);
    edges_free(&g);
}

/* The point of the 1/log(d + c) weights: the shills' camouflage edges to the
 * most popular freelancers pull those freelancers into the block when edges
 * weigh 1 (plain densest subgraph), and not when weighted. */
static void test_fraudar__column_weights_resist_camouflage(void **state)
{
    rng r = {77};
    edges g = {0};
    fraudar_options o = FRAUDAR_OPTIONS_INIT;
    fraudar_graph fg;
    fraudar_result res;
    (void)state;

    add_honest(&g, &r, 500, 500, 6);
    add_block(&g, SHILLS, 5, TARGETS, 20);
    add_camouflage(&g, &r, SHILLS, 5, 500, 30);
    fg = as_graph(&g, 500, 500);

    assert_int_equal(fraudar_detect(&res, &fg, &o, NULL), 0);
    assert_int_equal(res.count, 1);
    assert_int_equal(res.blocks[0].n_users, 5);
    assert_memory_equal(res.blocks[0].users, SHILLS, sizeof SHILLS);
    assert_int_equal(res.blocks[0].n_objects, 20);
    assert_memory_equal(res.blocks[0].objects, TARGETS, sizeof TARGETS);
    fraudar_result_free(&res);

    o.column_weighting = 0;
    assert_int_equal(fraudar_detect(&res, &fg, &o, NULL), 0);
    assert_int_equal(res.count, 1);
    assert_int_equal(count_common(res.blocks[0].objects, res.blocks[0].n_objects, TARGETS, 20), 20);
    assert_true(res.blocks[0].n_objects > 20); /* popular freelancers came along */
    assert_true(res.blocks[0].objects[0] < 10);
    fraudar_result_free(&res);
    edges_free(&g);
}

/* Honest activity only: the densest block found is far sparser than a shill
 * block in a graph of the same size. */
static void test_fraudar__no_dense_block_low_density(void **state)
{
    rng r1 = {5}, r2 = {5};
    edges honest = {0}, planted = {0};
    fraudar_options o = FRAUDAR_OPTIONS_INIT;
    fraudar_graph fg;
    fraudar_result res;
    double d_honest, d_planted;
    (void)state;

    add_honest(&honest, &r1, 500, 500, 6);
    fg = as_graph(&honest, 500, 500);
    assert_int_equal(fraudar_detect(&res, &fg, &o, NULL), 0);
    assert_int_equal(res.count, 1);
    d_honest = res.blocks[0].density;
    fraudar_result_free(&res);

    add_honest(&planted, &r2, 500, 500, 6);
    add_block(&planted, SHILLS, 5, TARGETS, 20);
    fg = as_graph(&planted, 500, 500);
    assert_int_equal(fraudar_detect(&res, &fg, &o, NULL), 0);
    d_planted = res.blocks[0].density;
    fraudar_result_free(&res);

    /* The honest optimum is the popular core, about half the graph. */
    assert_true(d_honest < 1.0);
    assert_true(d_honest < 0.6 * d_planted);

    /* A density threshold between the two reports nothing for the honest graph. */
    o.min_density = 1.2;
    fg = as_graph(&honest, 500, 500);
    assert_int_equal(fraudar_detect(&res, &fg, &o, NULL), 0);
    assert_int_equal(res.count, 0);
    assert_null(res.blocks);
    fraudar_result_free(&res);
    edges_free(&honest);
    edges_free(&planted);
}

/* Two disjoint shill rings; asking for up to five blocks above a density
 * threshold returns exactly the two, denser first. */
static void test_fraudar__multiple_blocks(void **state)
{
    static const uint32_t ring2_users[8] = {60, 61, 200, 201, 300, 301, 480, 481};
    static const uint32_t ring2_objs[12] = {300, 305, 310, 315, 320, 325,
                                            330, 335, 340, 345, 350, 355};
    rng r = {404};
    edges g = {0};
    fraudar_options o = FRAUDAR_OPTIONS_INIT;
    fraudar_graph fg;
    fraudar_result res;
    fraudar_stats st;
    size_t i;
    (void)state;

    add_honest(&g, &r, 500, 500, 5);
    add_block(&g, SHILLS, 5, TARGETS, 20);
    add_block(&g, ring2_users, 8, ring2_objs, 12);
    add_camouflage(&g, &r, SHILLS, 5, 500, 10);
    add_camouflage(&g, &r, ring2_users, 8, 500, 10);
    fg = as_graph(&g, 500, 500);

    o.max_blocks = 5;
    o.min_density = 1.0;
    o.min_users = 3;
    o.min_objects = 3;
    assert_int_equal(fraudar_detect(&res, &fg, &o, &st), 0);
    assert_int_equal(res.count, 2);
    assert_int_equal(st.rounds, 3); /* two blocks, then one that fell below the threshold */
    for (i = 0; i < res.count; i++) {
        const fraudar_block *b = &res.blocks[i];
        check_sorted(b->users, b->n_users);
        check_sorted(b->objects, b->n_objects);
        if (b->n_users == 5) {
            assert_memory_equal(b->users, SHILLS, sizeof SHILLS);
            assert_int_equal(count_common(b->objects, b->n_objects, TARGETS, 20), 20);
        } else {
            assert_int_equal(b->n_users, 8);
            assert_memory_equal(b->users, ring2_users, sizeof ring2_users);
            assert_int_equal(count_common(b->objects, b->n_objects, ring2_objs, 12), 12);
        }
        assert_true(b->n_objects <= (b->n_users == 5 ? 22u : 14u));
    }
    assert_true(res.blocks[0].n_users != res.blocks[1].n_users);
    assert_true(res.blocks[0].density >= res.blocks[1].density);

    /* max_blocks = 1 returns the denser one alone. */
    fraudar_result_free(&res);
    o.max_blocks = 1;
    assert_int_equal(fraudar_detect(&res, &fg, &o, NULL), 0);
    assert_int_equal(res.count, 1);
    fraudar_result_free(&res);
    edges_free(&g);
}

/* Edge weights scale the mass: doubling every weight doubles the density and
 * leaves the block unchanged. */
static void test_fraudar__edge_weights(void **state)
{
    rng r = {9};
    edges g = {0};
    fraudar_options o = FRAUDAR_OPTIONS_INIT;
    fraudar_graph fg;
    fraudar_result a, b;
    size_t i;
    (void)state;

    add_honest(&g, &r, 200, 200, 4);
    add_block(&g, SHILLS, 3, TARGETS + 10, 8); /* users 17, 123, 250; objects <= 499 */
    for (i = 0; i < g.n; i++)                  /* objects >= 200 do not exist here: fold them */
        g.v[i] %= 200;
    fg = as_graph(&g, 500, 200);
    assert_int_equal(fraudar_detect(&a, &fg, &o, NULL), 0);

    g.w = malloc(g.n * sizeof *g.w);
    assert_non_null(g.w);
    for (i = 0; i < g.n; i++)
        g.w[i] = 2.0;
    fg = as_graph(&g, 500, 200);
    assert_int_equal(fraudar_detect(&b, &fg, &o, NULL), 0);

    assert_int_equal(a.count, 1);
    assert_int_equal(b.count, 1);
    assert_int_equal(a.blocks[0].n_users, b.blocks[0].n_users);
    assert_int_equal(a.blocks[0].n_objects, b.blocks[0].n_objects);
    assert_memory_equal(a.blocks[0].users, b.blocks[0].users,
                        a.blocks[0].n_users * sizeof *a.blocks[0].users);
    assert_true(fabs(b.blocks[0].density - 2.0 * a.blocks[0].density) < 1e-9);
    fraudar_result_free(&a);
    fraudar_result_free(&b);
    edges_free(&g);
}

/* Heap work grows like (E + V) log V: on graphs 1x..64x larger the operation
 * count per (E + V) log2 V stays bounded by a small constant, and the largest
 * graph's count is nowhere near V^2. Counts, not timings. */
static void test_fraudar__heap_ops_scale_e_log_v(void **state)
{
    double per_unit[4];
    uint64_t ops[4];
    size_t step;
    (void)state;

    for (step = 0; step < 4; step++) {
        uint32_t n = 1000u << (2 * step); /* 1k, 4k, 16k, 64k users and as many objects */
        rng r = {100 + step};
        edges g = {0};
        fraudar_options o = FRAUDAR_OPTIONS_INIT;
        fraudar_graph fg;
        fraudar_result res;
        fraudar_stats st;
        double v = 2.0 * n, e, unit;

        add_honest(&g, &r, n, n, 8);
        add_block(&g, SHILLS, 5, TARGETS, 20);
        fg = as_graph(&g, n, n);
        e = (double)g.n;
        assert_int_equal(fraudar_detect(&res, &fg, &o, &st), 0);
        assert_int_equal(res.count, 1);
        assert_int_equal(st.rounds, 1);

        ops[step] = st.heap_pops + st.heap_decreases + st.heap_sift_steps;
        unit = (e + v) * log2(v);
        per_unit[step] = (double)ops[step] / unit;
        /* exact bounds from the structure of the algorithm */
        assert_true(st.heap_pops <= (uint64_t)v);
        assert_true(st.heap_decreases <= (uint64_t)e);
        assert_true(st.edge_visits <= 2 * (uint64_t)e);
        assert_true(per_unit[step] <= 2.0);
        assert_true((double)ops[step] < v * v / 50.0);
        fraudar_result_free(&res);
        edges_free(&g);
    }
    /* 64x more nodes: quadratic work would be 4096x; E log V is ~100x. */
    assert_true((double)ops[3] / (double)ops[0] < 64.0 * 2.0 * 1.5);
    assert_true(per_unit[3] < 1.5 * per_unit[0] + 0.1);
}

static void test_fraudar__empty_graphs(void **state)
{
    fraudar_graph fg = {0};
    fraudar_result res;
    fraudar_stats st;
    (void)state;

    assert_int_equal(fraudar_detect(&res, &fg, NULL, &st), 0);
    assert_int_equal(res.count, 0);
    assert_null(res.blocks);
    fraudar_result_free(&res);

    fg.n_users = 10; /* nodes but no edges */
    fg.n_objects = 7;
    assert_int_equal(fraudar_detect(&res, &fg, NULL, &st), 0);
    assert_int_equal(res.count, 0);
    assert_int_equal(st.heap_pops, 0);
    fraudar_result_free(&res);
}

/* Zero-weight edges carry no mass: nothing to report. */
static void test_fraudar__zero_weights(void **state)
{
    const uint32_t u[3] = {0, 1, 1}, v[3] = {0, 0, 1};
    const double w[3] = {0.0, 0.0, 0.0};
    fraudar_graph fg = {2, 2, 3, u, v, w};
    fraudar_result res;
    (void)state;

    assert_int_equal(fraudar_detect(&res, &fg, NULL, NULL), 0);
    assert_int_equal(res.count, 0);
    fraudar_result_free(&res);
}

static void test_fraudar__deterministic(void **state)
{
    rng r = {31};
    edges g = {0};
    fraudar_options o = FRAUDAR_OPTIONS_INIT;
    fraudar_graph fg;
    fraudar_result a, b;
    fraudar_stats sa, sb;
    size_t i;
    (void)state;

    /* Many exact ties: unweighted, regular-ish structure. */
    add_honest(&g, &r, 300, 300, 3);
    add_block(&g, SHILLS, 3, TARGETS, 6);
    for (i = 0; i < g.n; i++)
        g.v[i] %= 300;
    fg = as_graph(&g, 500, 300);
    o.max_blocks = 4;
    o.column_weighting = 0;
    assert_int_equal(fraudar_detect(&a, &fg, &o, &sa), 0);
    assert_int_equal(fraudar_detect(&b, &fg, &o, &sb), 0);
    assert_memory_equal(&sa, &sb, sizeof sa);
    assert_int_equal(a.count, b.count);
    assert_true(a.count >= 1);
    for (i = 0; i < a.count; i++) {
        assert_int_equal(a.blocks[i].n_users, b.blocks[i].n_users);
        assert_int_equal(a.blocks[i].n_objects, b.blocks[i].n_objects);
        assert_memory_equal(a.blocks[i].users, b.blocks[i].users,
                            a.blocks[i].n_users * sizeof *a.blocks[i].users);
        assert_memory_equal(a.blocks[i].objects, b.blocks[i].objects,
                            a.blocks[i].n_objects * sizeof *a.blocks[i].objects);
        assert_true(a.blocks[i].density == b.blocks[i].density);
    }
    fraudar_result_free(&a);
    fraudar_result_free(&b);
    edges_free(&g);
}

static void test_fraudar__bad_input(void **state)
{
    const uint32_t u[2] = {0, 1}, v[2] = {0, 1};
    const double w_neg[2] = {1.0, -1.0}, w_nan[2] = {NAN, 1.0}, w_inf[2] = {1.0, INFINITY};
    fraudar_graph fg = {2, 2, 2, u, v, NULL};
    fraudar_options o = FRAUDAR_OPTIONS_INIT;
    fraudar_result res;
    (void)state;

    assert_int_equal(fraudar_detect(NULL, &fg, NULL, NULL), FRAUDAR_EINVAL);
    assert_int_equal(fraudar_detect(&res, NULL, NULL, NULL), FRAUDAR_EINVAL);
    assert_int_equal(res.count, 0);

    fg.n_users = 1; /* user 1 out of range */
    assert_int_equal(fraudar_detect(&res, &fg, NULL, NULL), FRAUDAR_EDATA);
    fg.n_users = 2;
    fg.n_objects = 1; /* object 1 out of range */
    assert_int_equal(fraudar_detect(&res, &fg, NULL, NULL), FRAUDAR_EDATA);
    fg.n_objects = 2;
    fg.edge_weight = w_neg;
    assert_int_equal(fraudar_detect(&res, &fg, NULL, NULL), FRAUDAR_EDATA);
    fg.edge_weight = w_nan;
    assert_int_equal(fraudar_detect(&res, &fg, NULL, NULL), FRAUDAR_EDATA);
    fg.edge_weight = w_inf;
    assert_int_equal(fraudar_detect(&res, &fg, NULL, NULL), FRAUDAR_EDATA);
    fg.edge_weight = NULL;
    fg.edge_user = NULL;
    assert_int_equal(fraudar_detect(&res, &fg, NULL, NULL), FRAUDAR_EINVAL);
    fg.edge_user = u;
    fg.n_users = UINT32_MAX - 1; /* V would not fit the 32-bit node ids */
    assert_int_equal(fraudar_detect(&res, &fg, NULL, NULL), FRAUDAR_EINVAL);
    fg.n_users = 2;

    o.log_c = 0.0;
    assert_int_equal(fraudar_detect(&res, &fg, &o, NULL), FRAUDAR_EINVAL);
    o.log_c = NAN;
    assert_int_equal(fraudar_detect(&res, &fg, &o, NULL), FRAUDAR_EINVAL);
    o = (fraudar_options)FRAUDAR_OPTIONS_INIT;
    o.max_blocks = 0;
    assert_int_equal(fraudar_detect(&res, &fg, &o, NULL), FRAUDAR_EINVAL);
    o = (fraudar_options)FRAUDAR_OPTIONS_INIT;
    o.min_density = NAN;
    assert_int_equal(fraudar_detect(&res, &fg, &o, NULL), FRAUDAR_EINVAL);

    assert_int_equal(fraudar_detect(&res, &fg, NULL, NULL), 0);
    fraudar_result_free(&res);
    fraudar_result_free(NULL);
    assert_non_null(fraudar_strerror(FRAUDAR_EDATA));
    assert_non_null(fraudar_strerror(12345));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fraudar__small_exact),
        cmocka_unit_test(test_fraudar__planted_block_under_camouflage),
        cmocka_unit_test(test_fraudar__column_weights_resist_camouflage),
        cmocka_unit_test(test_fraudar__no_dense_block_low_density),
        cmocka_unit_test(test_fraudar__multiple_blocks),
        cmocka_unit_test(test_fraudar__edge_weights),
        cmocka_unit_test(test_fraudar__heap_ops_scale_e_log_v),
        cmocka_unit_test(test_fraudar__empty_graphs),
        cmocka_unit_test(test_fraudar__zero_weights),
        cmocka_unit_test(test_fraudar__deterministic),
        cmocka_unit_test(test_fraudar__bad_input),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

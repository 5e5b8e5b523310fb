/* test_cases.c - each ring's subgraph (its accounts, everything their edges
 * reach, every edge among those), the drawing (ring accounts first, then the
 * infrastructure they share, strongest first; coordinates in [0, 1]) and
 * the suspicious part of the graph that graph.graphml exports by default. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "algorithms/algo.h"
#include "algorithms/cases.h"

typedef struct {
    rs_graph *g;
    uint32_t r1, r2, c, y, ip1, ip2, ipy, dev, bank;
    findings f;
    ring rg;
    uint32_t members[2];
    ring_resource res[2];
} world;

static uint32_t ipn(rs_graph *g, unsigned n)
{
    ipaddr x = {.len = 4, .b = {10, 0, 0, (uint8_t)n}};
    return graph_ip(g, &x);
}

static void login(rs_graph *g, uint32_t a, uint32_t i, uint32_t d)
{
    login_ev e = {.ts = 1772323200000LL, .account = a, .ip = i, .device = d, .session_s = 60};
    graph_add_login(g, &e);
}

static void build(world *w)
{
    memset(w, 0, sizeof *w);
    rs_graph *g = w->g = graph_new();
    w->r1 = graph_account(g, "r1", 2, SEEN_AS_FREELANCER);
    w->r2 = graph_account(g, "r2", 2, SEEN_AS_FREELANCER);
    w->c = graph_account(g, "client", 6, SEEN_AS_CLIENT);
    w->y = graph_account(g, "y", 1, SEEN_AS_FREELANCER);
    w->ip1 = ipn(g, 1), w->ip2 = ipn(g, 2), w->ipy = ipn(g, 3);
    w->dev = graph_device(g, "laptop", 6);
    w->bank = graph_dest(g, "bank", 4, 1);
    login(g, w->r1, w->ip1, w->dev);
    login(g, w->r2, w->ip2, w->dev);
    login(g, w->y, w->ipy, GRAPH_NONE); /* unrelated */
    payout_ev p = {.ts = 1,
                   .amount = 1,
                   .account = w->r1,
                   .dest = w->bank,
                   .currency = GRAPH_NONE,
                   .method = GRAPH_NONE};
    graph_add_payout(g, &p);
    p.account = w->r2;
    graph_add_payout(g, &p);
    rating_ev r = {.ts = 1, .client = w->c, .freelancer = w->r1, .project = GRAPH_NONE, .stars = 5};
    graph_add_rating(g, &r);
    graph_finalize(g);

    uint32_t na = graph_count(g, NODE_ACCOUNT);
    w->f.ring_of = calloc(na, sizeof *w->f.ring_of);
    w->f.flagged = calloc(na, 1);
    w->f.risk = calloc(na, sizeof *w->f.risk);
    w->f.flags = calloc(na, sizeof *w->f.flags);
    for (uint32_t a = 0; a < na; a++)
        w->f.ring_of[a] = -1;
    w->f.ring_of[w->r1] = w->f.ring_of[w->r2] = 0;
    w->members[0] = w->r1, w->members[1] = w->r2;
    /* Shared: the laptop (strongest), then the bank account. */
    w->res[0] = (ring_resource){NODE_DEVICE, w->dev, 2, 2};
    w->res[1] = (ring_resource){NODE_DEST, w->bank, 2, 2};
    snprintf(w->rg.id, sizeof w->rg.id, "R0001");
    w->rg.members = w->members;
    w->rg.nmembers = 2;
    w->rg.res = w->res;
    w->rg.nres = 2;
    w->f.rings = &w->rg;
    w->f.nrings = 1;
}

static void destroy(world *w)
{
    free(w->f.ring_of);
    free(w->f.flagged);
    free(w->f.risk);
    free(w->f.flags);
    graph_free(w->g);
}

static int has_node(const uint32_t *v, size_t n, uint32_t gid)
{
    for (size_t i = 0; i < n; i++)
        if (v[i] == gid)
            return 1;
    return 0;
}

static void test_cases__subgraph_and_drawing(void **state)
{
    (void)state;
    world w;
    build(&w);
    const rs_graph *g = w.g;
    casefile *cs = cases_build(g, &w.f);
    const case_subgraph *s = &cs[0].sub;
    /* r1, r2, client, ip1, ip2, laptop, bank: not y or its IP. */
    assert_int_equal(s->nnodes, 7);
    for (size_t i = 1; i < s->nnodes; i++)
        assert_true(s->nodes[i - 1] < s->nodes[i]);
    assert_true(has_node(s->nodes, s->nnodes, graph_node_gid(g, NODE_ACCOUNT, w.c)));
    assert_false(has_node(s->nodes, s->nnodes, graph_node_gid(g, NODE_ACCOUNT, w.y)));
    assert_false(has_node(s->nodes, s->nnodes, graph_node_gid(g, NODE_IP, w.ipy)));
    /* 2 logins + 2 device uses + 2 payouts + 1 rating. */
    assert_int_equal(s->nedges, 7);
    for (size_t i = 1; i < s->nedges; i++)
        assert_true(s->edges[i - 1] < s->edges[i]);

    const case_drawing *d = &cs[0].draw;
    assert_int_equal(d->nshown, 7);
    assert_int_equal(d->gid[0], graph_node_gid(g, NODE_ACCOUNT, w.r1));
    assert_int_equal(d->gid[1], graph_node_gid(g, NODE_ACCOUNT, w.r2));
    assert_int_equal(d->role[0], 1);
    assert_int_equal(d->role[1], 1);
    assert_int_equal(d->gid[2], graph_node_gid(g, NODE_DEVICE, w.dev));
    assert_int_equal(d->gid[3], graph_node_gid(g, NODE_DEST, w.bank));
    assert_int_equal(d->gid[6], graph_node_gid(g, NODE_ACCOUNT, w.c)); /* counterparty last */
    assert_int_equal(d->role[6], 0);
    assert_int_equal(d->nedges, 7);
    for (size_t i = 0; i < d->nshown; i++) {
        assert_true(d->x[i] >= 0 && d->x[i] <= 1);
        assert_true(d->y[i] >= 0 && d->y[i] <= 1);
    }
    for (size_t k = 0; k < d->nedges; k++)
        assert_true(d->ea[k] < d->nshown && d->eb[k] < d->nshown);
    /* The same input gives the same drawing. */
    casefile *again = cases_build(g, &w.f);
    assert_memory_equal(again[0].draw.x, d->x, d->nshown * sizeof *d->x);
    assert_memory_equal(again[0].draw.y, d->y, d->nshown * sizeof *d->y);
    casefile_free_all(again, 1);
    casefile_free_all(cs, 1);
    destroy(&w);
}

static void test_cases__suspicious_part(void **state)
{
    (void)state;
    world w;
    build(&w);
    uint32_t *nodes;
    size_t nn, ne, *edges;
    cases_suspicious(w.g, &w.f, 1, &nodes, &nn, &edges, &ne);
    assert_int_equal(nn, 7);
    assert_false(has_node(nodes, nn, graph_node_gid(w.g, NODE_ACCOUNT, w.y)));
    assert_int_equal(ne, 7);
    free(nodes);
    free(edges);
    /* No ring: nothing. */
    w.f.ring_of[w.r1] = w.f.ring_of[w.r2] = -1;
    cases_suspicious(w.g, &w.f, 1, &nodes, &nn, &edges, &ne);
    assert_int_equal(nn, 0);
    assert_int_equal(ne, 0);
    free(nodes);
    free(edges);
    destroy(&w);
}

int main(void)
{
    algo_init(1);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_cases__subgraph_and_drawing),
        cmocka_unit_test(test_cases__suspicious_part),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

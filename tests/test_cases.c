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

#include "algorithms/igraphenv.h"
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

/* A deterministic pseudo-random sequence for the generated world. */
static uint32_t next_rand(uint32_t *x)
{
    *x = *x * 1103515245u + 12345u;
    return (*x >> 16) & 0x7fff;
}

static int in_set(const uint8_t *set, uint32_t gid)
{
    return set[gid] != 0;
}

/* Several rings over a generated graph, sharing clients, IPs and a shill:
 * every ring's subgraph is what the definition gives, worked out here the
 * slow way (its accounts, every node one of their edges reaches, every edge
 * whose two ends are such nodes). */
static void test_cases__rings_sharing_nodes(void **state)
{
    (void)state;
    enum { NF = 40, NC = 12, NIP = 15, NDEV = 6, NDEST = 5, NRING = 4 };
    rs_graph *g = graph_new();
    uint32_t fr[NF], cl[NC], ips[NIP], dev[NDEV], dest[NDEST], seed = 7;
    char id[16];
    for (int i = 0; i < NF; i++) {
        snprintf(id, sizeof id, "f%d", i);
        fr[i] = graph_account(g, id, strlen(id), SEEN_AS_FREELANCER);
    }
    for (int i = 0; i < NC; i++) {
        snprintf(id, sizeof id, "c%d", i);
        cl[i] = graph_account(g, id, strlen(id), SEEN_AS_CLIENT);
    }
    for (int i = 0; i < NIP; i++)
        ips[i] = ipn(g, (unsigned)i + 1);
    for (int i = 0; i < NDEV; i++) {
        snprintf(id, sizeof id, "d%d", i);
        dev[i] = graph_device(g, id, strlen(id));
    }
    for (int i = 0; i < NDEST; i++) {
        snprintf(id, sizeof id, "b%d", i);
        dest[i] = graph_dest(g, id, strlen(id), 1);
    }
    for (int k = 0; k < 300; k++) {
        uint32_t f = fr[next_rand(&seed) % NF], c = cl[next_rand(&seed) % NC];
        int64_t ts = 1772323200000LL + k;
        switch (next_rand(&seed) % 5) {
        case 0: {
            uint32_t who = next_rand(&seed) % 4 ? f : c; /* clients log in too */
            login(g, who, ips[next_rand(&seed) % NIP],
                  next_rand(&seed) % 2 ? dev[next_rand(&seed) % NDEV] : GRAPH_NONE);
            break;
        }
        case 1: {
            bid_ev b = {.ts = ts, .freelancer = f, .client = c, .project = GRAPH_NONE};
            graph_add_bid(g, &b);
            break;
        }
        case 2: {
            rating_ev r = {.ts = ts, .client = c, .freelancer = f, .project = GRAPH_NONE};
            r.stars = 5;
            graph_add_rating(g, &r);
            break;
        }
        case 3: {
            payout_ev p = {.ts = ts, .amount = 10, .account = f};
            p.dest = dest[next_rand(&seed) % NDEST];
            p.currency = p.method = GRAPH_NONE;
            graph_add_payout(g, &p);
            break;
        }
        default: {
            charge_ev ch = {.ts = ts, .amount = 5, .client = c, .freelancer = f};
            ch.instrument = ch.currency = GRAPH_NONE;
            graph_add_charge(g, &ch);
            break;
        }
        }
    }
    graph_finalize(g);

    uint32_t na = graph_count(g, NODE_ACCOUNT), nn = graph_node_total(g);
    findings f;
    memset(&f, 0, sizeof f);
    f.ring_of = calloc(na, sizeof *f.ring_of);
    for (uint32_t a = 0; a < na; a++)
        f.ring_of[a] = -1;
    ring rings[NRING];
    uint32_t members[NRING][3], shills[NRING][2];
    memset(rings, 0, sizeof rings);
    for (int r = 0; r < NRING; r++) {
        for (int k = 0; k < 3; k++) {
            members[r][k] = fr[r * 3 + k];
            f.ring_of[fr[r * 3 + k]] = r;
        }
        /* Shill c1 is in rings 0 and 1; ring 3 has none. */
        shills[r][0] = cl[r == 1 ? 1 : r + 1];
        shills[r][1] = cl[r + 5];
        snprintf(rings[r].id, sizeof rings[r].id, "R%04d", r + 1);
        rings[r].members = members[r];
        rings[r].nmembers = 3;
        rings[r].shills = shills[r];
        rings[r].nshills = r == 3 ? 0 : 2;
    }
    f.rings = rings;
    f.nrings = NRING;

    casefile *cs = cases_new(&f);
    cases_draw(cs, g, &f);
    uint8_t *set = calloc(nn, 1);
    size_t shared = 0;
    for (int r = 0; r < NRING; r++) {
        memset(set, 0, nn);
        for (size_t k = 0; k < rings[r].nmembers + rings[r].nshills; k++) {
            uint32_t a = findings_ring_account(&rings[r], k);
            set[graph_node_gid(g, NODE_ACCOUNT, a)] = 1;
            for (size_t i = 0; i < g->nedges; i++) {
                const rs_edge *e = &g->edges[i];
                int b_is = graph_edge_end_type((edge_kind)e->kind, 1) == NODE_ACCOUNT;
                if (e->a == a || (b_is && e->b == a)) {
                    set[graph_edge_src_gid(g, e)] = 1;
                    set[graph_edge_dst_gid(g, e)] = 1;
                }
            }
        }
        const case_subgraph *s = &cs[r].sub;
        size_t k = 0;
        for (uint32_t gid = 0; gid < nn; gid++)
            if (in_set(set, gid)) {
                assert_true(k < s->nnodes);
                assert_int_equal(s->nodes[k++], gid);
            }
        assert_int_equal(k, s->nnodes);
        k = 0;
        for (size_t i = 0; i < g->nedges; i++) {
            const rs_edge *e = &g->edges[i];
            if (in_set(set, graph_edge_src_gid(g, e)) && in_set(set, graph_edge_dst_gid(g, e))) {
                assert_true(k < s->nedges);
                assert_int_equal(s->edges[k++], i);
            }
        }
        assert_int_equal(k, s->nedges);
        assert_true(s->nedges > 0);
        /* Ring 0 and ring 1 share shill c1 and with it everything it reached. */
        if (r == 1)
            for (size_t i = 0; i < s->nnodes; i++)
                shared += has_node(cs[0].sub.nodes, cs[0].sub.nnodes, s->nodes[i]);
    }
    assert_true(shared > 1);
    free(set);
    casefile_free_all(cs, NRING);
    free(f.ring_of);
    graph_free(g);
}

int main(void)
{
    igraphenv_init(1);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_cases__subgraph_and_drawing),
        cmocka_unit_test(test_cases__suspicious_part),
        cmocka_unit_test(test_cases__rings_sharing_nodes),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

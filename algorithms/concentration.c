/* concentration.c - slow rating rings (RATING_CONCENTRATION); see concentration.h.
 *
 * Representation: client clusters are the components of a union-find over accounts,
 * joined by payment instruments (charges.instrument_id) and devices that two or more
 * clients use, up to cap_dest / cap_device clients (a platform's own wallet or a
 * shared kiosk binds nobody; allowlisted resources neither). Ratings are read per
 * client from the finalized timeline, each (client, freelancer) pair with a high
 * rating counted once: a shill rating the same freelancer twice is one voice.
 *
 * The test runs in two passes because the clusters and the freelancers define each
 * other: first the freelancers whose raters come mostly from any bound cluster
 * (candidates), then the clusters that give at least three quarters of their
 * high-rating pairs to candidates (devoted), then the freelancers whose raters come
 * mostly from devoted clusters (targets). A hiring team paying with its company card
 * and rating its favourite contractors gives most of its ratings to others, so it is
 * not devoted and its favourites are not targets; a family sharing a card is too
 * small to make its favourite one (rules.h).
 */
#include "algorithms/concentration.h"

#include "algorithms/evrule.h"
#include "algorithms/rules.h"
#include "base/alloc.h"

#include <stdlib.h>

static uint32_t uf_find(uint32_t *parent, uint32_t x)
{
    while (parent[x] != x) {
        parent[x] = parent[parent[x]];
        x = parent[x];
    }
    return x;
}

/* Joins the clusters of a and b; the smaller id is the root, so roots do not depend
 * on the order of the unions. */
static void uf_union(uint32_t *parent, uint32_t a, uint32_t b)
{
    a = uf_find(parent, a);
    b = uf_find(parent, b);
    if (a < b)
        parent[b] = a;
    else if (b < a)
        parent[a] = b;
}

/* Whether edge e is a client's use of a resource that can bind clients: a payment
 * instrument it pays with, or a device it uses. */
static int client_resource(const rs_graph *g, const rs_edge *e)
{
    if (e->kind == EDGE_PAYS_WITH)
        return 1;
    return e->kind == EDGE_USES_DEVICE && g->acct[e->a].role == ROLE_CLIENT;
}

/* The positions in g->edges of every client_resource edge, ascending, in *n: found in one
 * scan of the edges (logins and bids, most of them, are none) so that the two resource
 * types below read only these, in the order a scan of all edges would meet them. A new
 * array the caller frees. Positions fit 32 bits: the graph's edge hash holds an edge
 * index + 1 in 32 bits (graph.c). */
static uint32_t *client_resource_edges(const rs_graph *g, size_t *n)
{
    uint32_t *pos = NULL;
    size_t cap = 0;
    *n = 0;
    for (size_t i = 0; i < g->nedges; i++) {
        if (!client_resource(g, &g->edges[i]))
            continue;
        ALLOC_GROW(pos, cap, *n + 1);
        pos[(*n)++] = (uint32_t)i;
    }
    return pos;
}

/* Joins the clients sharing an instrument or a device (between two and the type's cap
 * of clients, not allowlisted) into clusters (parent), and marks in bound the clients
 * that share one with another client. */
static void bind_clients(const rs_graph *g, const detect_params *p, uint32_t *parent,
                         uint8_t *bound)
{
    static const node_type types[2] = {NODE_DEST, NODE_DEVICE};
    size_t npos = 0;
    uint32_t *pos = client_resource_edges(g, &npos);
    for (int k = 0; k < 2; k++) {
        node_type t = types[k];
        edge_kind kind = t == NODE_DEST ? EDGE_PAYS_WITH : EDGE_USES_DEVICE;
        uint32_t cap = (uint32_t)(t == NODE_DEST ? p->cap_dest : p->cap_device);
        uint32_t nres = graph_count(g, t);
        uint32_t *users = xcalloc((size_t)nres + 1, sizeof *users);
        uint32_t *first = xreallocarray(NULL, (size_t)nres + 1, sizeof *first);
        const uint8_t *allow = g->allowlisted[t];
        for (uint32_t r = 0; r < nres; r++)
            first[r] = GRAPH_NONE;
        for (size_t i = 0; i < npos; i++)
            if (g->edges[pos[i]].kind == kind)
                users[g->edges[pos[i]].b]++;
        for (size_t i = 0; i < npos; i++) {
            const rs_edge *e = &g->edges[pos[i]];
            if (e->kind != kind || users[e->b] < 2 || users[e->b] > cap || (allow && allow[e->b]))
                continue;
            if (first[e->b] == GRAPH_NONE) {
                first[e->b] = e->a;
                continue;
            }
            uf_union(parent, first[e->b], e->a);
            bound[first[e->b]] = bound[e->a] = 1;
        }
        free(users);
        free(first);
    }
    free(pos);
}

/* Calls fn(ctx, c, f) once per freelancer f that client c rated highly, in timeline
 * order; stamp (one per account) must hold no c + 1 on entry. */
typedef void (*pair_fn)(void *ctx, uint32_t c, uint32_t f);

static void high_pairs(const rs_graph *g, const detect_params *p, uint32_t c, uint32_t *stamp,
                       pair_fn fn, void *ctx)
{
    for (size_t i = g->rating_off[c]; i < g->rating_off[c + 1]; i++) {
        const rating_ev *e = &g->ratings.v[i];
        if (e->freelancer == GRAPH_NONE || !rules_high_rating(p, e->stars) ||
            stamp[e->freelancer] == c + 1)
            continue;
        stamp[e->freelancer] = c + 1;
        fn(ctx, c, e->freelancer);
    }
}

/* Everything the passes share; arrays are per account (roots index them too). */
typedef struct {
    const rs_graph *g;
    const detect_params *p;
    uint32_t *parent;
    const uint8_t *bound;
    uint32_t *raters;     /* distinct clients that rated the account highly */
    uint32_t *from;       /* of those, clients of the clusters the pass counts */
    uint8_t *target;      /* candidates (pass 1), then targets */
    uint8_t *devoted;     /* per root: the cluster concentrates */
    uint32_t *pairs;      /* per root: high-rating pairs of the cluster's clients */
    uint32_t *to_targets; /* per root: of those, pairs to candidates */
    int pass;             /* 0: raters, 1: clusters, 2: targets, 3: flags */
    acct_flags *fl;
    behav_link_fn link;
    void *lctx;
    rating_episodes *ep;
    uint32_t rated_targets; /* pass 3: targets the current client rated highly */
} conc_ctx;

static void on_pair(void *vctx, uint32_t c, uint32_t f)
{
    conc_ctx *x = vctx;
    uint32_t root = x->bound[c] ? uf_find(x->parent, c) : GRAPH_NONE;
    switch (x->pass) {
    case 0: /* every rater, and those of any bound cluster */
        x->raters[f]++;
        x->from[f] += x->bound[c];
        break;
    case 1:
        if (root != GRAPH_NONE) {
            x->pairs[root]++;
            x->to_targets[root] += x->target[f];
        }
        break;
    case 2:
        x->from[f] += root != GRAPH_NONE && x->devoted[root];
        break;
    default:
        if (root == GRAPH_NONE || !x->devoted[root] || !x->target[f])
            break;
        x->rated_targets++;
        /* A full lockstep weight per pair, not divided by the size of the group as in
         * a FRAUDAR block: a slow ring is sparse (each shill rates two to four of its
         * freelancers), and a divided weight would fall under min_link. Untied: the
         * boosted freelancer shares nothing with its shills; its own firm flag is what
         * attaches it to their ring (scoring.c). */
        if (x->p->w_lockstep > 0)
            x->link(x->lctx, c, f, x->p->w_lockstep, 0);
        if (x->ep) {
            ALLOC_GROW(x->ep->concentrated, x->ep->capconcentrated, x->ep->nconcentrated + 1);
            x->ep->concentrated[x->ep->nconcentrated++] = (uint64_t)c << 32 | f;
        }
        break;
    }
}

/* One pass over every client's distinct high-rating pairs. */
static void run_pass(conc_ctx *x, uint32_t na, uint32_t *stamp, int pass)
{
    x->pass = pass;
    for (uint32_t a = 0; a < na; a++)
        stamp[a] = 0;
    for (uint32_t c = 0; c < na; c++) {
        x->rated_targets = 0;
        high_pairs(x->g, x->p, c, stamp, on_pair, x);
        if (pass == 3 && x->rated_targets)
            flags_raise(&x->fl[c], FLAG_RATING_CONCENTRATION, x->rated_targets);
    }
}

uint32_t concentration_run(const rs_graph *g, const detect_params *p, acct_flags *fl,
                           behav_link_fn link, void *ctx, rating_episodes *ep)
{
    uint32_t na = graph_count(g, NODE_ACCOUNT), flagged = 0;
    size_t n = na ? na : 1;
    uint32_t *parent = xreallocarray(NULL, n, sizeof *parent);
    uint8_t *bound = xcalloc(n, 1);
    uint32_t *stamp = xcalloc(n, sizeof *stamp);
    conc_ctx x = {g,
                  p,
                  parent,
                  bound,
                  xcalloc(n, sizeof(uint32_t)),
                  xcalloc(n, sizeof(uint32_t)),
                  xcalloc(n, 1),
                  xcalloc(n, 1),
                  xcalloc(n, sizeof(uint32_t)),
                  xcalloc(n, sizeof(uint32_t)),
                  0,
                  fl,
                  link,
                  ctx,
                  ep,
                  0};
    for (uint32_t a = 0; a < na; a++)
        parent[a] = a;
    bind_clients(g, p, parent, bound);
    run_pass(&x, na, stamp, 0);
    for (uint32_t f = 0; f < na; f++)
        x.target[f] = (uint8_t)rules_concentrated(x.from[f], x.raters[f]);
    run_pass(&x, na, stamp, 1);
    for (uint32_t r = 0; r < na; r++)
        x.devoted[r] = (uint8_t)rules_cluster_devoted(x.to_targets[r], x.pairs[r]);
    for (uint32_t f = 0; f < na; f++)
        x.from[f] = 0;
    run_pass(&x, na, stamp, 2);
    for (uint32_t f = 0; f < na; f++) {
        x.target[f] = (uint8_t)rules_concentrated(x.from[f], x.raters[f]);
        if (x.target[f]) {
            flags_raise(&fl[f], FLAG_RATING_CONCENTRATION, x.from[f]);
            flagged++;
        }
    }
    if (flagged)
        run_pass(&x, na, stamp, 3);
    free(parent);
    free(bound);
    free(stamp);
    free(x.raters);
    free(x.from);
    free(x.target);
    free(x.devoted);
    free(x.pairs);
    free(x.to_targets);
    return flagged;
}

/* The evidence rule (evrule.h): a high rating from a concentrating cluster's client to
 * a freelancer it concentrates on. The freelancer's other ratings, and the cluster's
 * ratings of anyone else, are not shown: they are not what raised the flag. */
int concentration_shows_rating_concentration(const evsel_view *v, uint32_t a, const source_row *r)
{
    (void)a;
    const rating_ev *e = &r->ev.rating;
    return e->client != GRAPH_NONE && e->freelancer != GRAPH_NONE &&
           rules_high_rating(v->p, e->stars) &&
           rating_episodes_in_concentration(&v->f->episodes, e->client, e->freelancer);
}

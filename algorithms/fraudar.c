/* fraudar.c - FRAUDAR greedy peeling (Hooi et al., KDD 2016) on a bipartite graph.
 *
 * Lockstep detection asks which few clients all rated the same set of
 * freelancers; this module finds such dense users x objects blocks while
 * discounting edges into popular objects, so shill clients cannot hide by also
 * rating well-known freelancers. It knows nothing about accounts or ratings.
 *
 * Representation: nodes are numbered users first (0..n_users-1), then objects
 * (n_users..V-1). Edges keep their input index e; each has a column-weighted
 * weight w[e] and an alive flag (cleared once the edge belongs to a reported
 * block). A CSR adjacency (off/adj_node/adj_edge) lists every edge at both of
 * its ends. Peeling keeps, per node still in S, its priority = total weight of
 * alive edges to nodes still in S, in an indexed binary min-heap (pos[v] is v's
 * slot, or FRAUDAR_NOWHERE) with decrease-key.
 *
 * Invariants: V = n_users + n_objects < UINT32_MAX so node ids and heap slots fit
 * uint32_t and UINT32_MAX can mark "not in heap"; the heap orders by
 * (priority, node id), so equal priorities pop in id order and the whole
 * computation is deterministic; removing a node only lowers its neighbours'
 * priorities, so decrease-key (sift-up) is the only update needed.
 *
 * Workload: one call per scan over the rating graph (up to millions of edges),
 * usually asking for a handful of blocks. Each round is O((E + V) log V): V
 * pops and at most one decrease-key per alive edge, each O(log V).
 */
#include "algorithms/fraudar.h"

#include <assert.h>
#include <math.h>
#include "base/alloc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define FRAUDAR_NOWHERE UINT32_MAX

/* --- indexed binary min-heap keyed by (key[v], v) ------------------------- */

typedef struct fraudar_heap {
    uint32_t *node;    /* node[i] is the node in slot i, i < size */
    uint32_t *pos;     /* pos[v] is v's slot, or FRAUDAR_NOWHERE */
    const double *key; /* borrowed: the priorities, indexed by node */
    size_t size;
    fraudar_stats *st;
} fraudar_heap;

static int fraudar_heap_less(const fraudar_heap *h, uint32_t x, uint32_t y)
{
    double kx = h->key[x], ky = h->key[y];
    return kx < ky || (kx == ky && x < y);
}

static void fraudar_heap_swap(fraudar_heap *h, size_t i, size_t j)
{
    uint32_t a = h->node[i], b = h->node[j];
    h->node[i] = b;
    h->node[j] = a;
    h->pos[b] = (uint32_t)i;
    h->pos[a] = (uint32_t)j;
    h->st->heap_sift_steps++;
}

static void fraudar_heap_sift_up(fraudar_heap *h, size_t i)
{
    while (i > 0) {
        size_t parent = (i - 1) / 2;
        if (!fraudar_heap_less(h, h->node[i], h->node[parent]))
            break;
        fraudar_heap_swap(h, i, parent);
        i = parent;
    }
}

static void fraudar_heap_sift_down(fraudar_heap *h, size_t i)
{
    for (;;) {
        size_t l = 2 * i + 1, r = l + 1, m = i;
        if (l < h->size && fraudar_heap_less(h, h->node[l], h->node[m]))
            m = l;
        if (r < h->size && fraudar_heap_less(h, h->node[r], h->node[m]))
            m = r;
        if (m == i)
            break;
        fraudar_heap_swap(h, i, m);
        i = m;
    }
}

/* O(size): Floyd's bottom-up construction over node[0..size-1]. */
static void fraudar_heap_build(fraudar_heap *h)
{
    size_t i;

    for (i = 0; i < h->size; i++)
        h->pos[h->node[i]] = (uint32_t)i;
    for (i = h->size / 2; i-- > 0;)
        fraudar_heap_sift_down(h, i);
}

/* O(log size). The heap must not be empty. */
static uint32_t fraudar_heap_pop(fraudar_heap *h)
{
    uint32_t top = h->node[0];

    h->st->heap_pops++;
    h->size--;
    if (h->size > 0) {
        h->node[0] = h->node[h->size];
        h->pos[h->node[0]] = 0;
        fraudar_heap_sift_down(h, 0);
    }
    h->pos[top] = FRAUDAR_NOWHERE;
    return top;
}

/* Call after key[v] was lowered. O(log size). */
static void fraudar_heap_decreased(fraudar_heap *h, uint32_t v)
{
    h->st->heap_decreases++;
    fraudar_heap_sift_up(h, h->pos[v]);
}

/* --- peeling ---------------------------------------------------------------- */

/* Everything one call needs, allocated once and reused across rounds. */
typedef struct fraudar_work {
    size_t nu, v, e;
    size_t *off;        /* CSR offsets, v + 1 entries */
    uint32_t *adj_node; /* 2e entries: the other end */
    size_t *adj_edge;   /* 2e entries: the edge index */
    double *w;          /* e: column-weighted edge weight */
    unsigned char *alive;
    double *prio;            /* v: weighted degree inside S */
    unsigned char *in_s;     /* v: still in S this round */
    unsigned char *in_block; /* v: member of the block being reported */
    uint32_t *order;         /* v: removal order of this round */
    fraudar_heap heap;
} fraudar_work;

static int fraudar_options_valid(const fraudar_options *o)
{
    return isfinite(o->log_c) && o->log_c > 0.0 && o->max_blocks >= 1 && isfinite(o->min_density);
}

/* Checks the graph; returns 0, FRAUDAR_EINVAL or FRAUDAR_EDATA. O(E). */
static int fraudar_graph_check(const fraudar_graph *g)
{
    size_t i;

    if (g->n_users >= UINT32_MAX || g->n_objects >= UINT32_MAX - g->n_users ||
        g->n_edges > SIZE_MAX / 2)
        return FRAUDAR_EINVAL;
    if (g->n_edges > 0 && (g->edge_user == NULL || g->edge_object == NULL))
        return FRAUDAR_EINVAL;
    for (i = 0; i < g->n_edges; i++) {
        if (g->edge_user[i] >= g->n_users || g->edge_object[i] >= g->n_objects)
            return FRAUDAR_EDATA;
        if (g->edge_weight != NULL && !(isfinite(g->edge_weight[i]) && g->edge_weight[i] >= 0.0))
            return FRAUDAR_EDATA;
    }
    return FRAUDAR_OK;
}

/* Builds the CSR adjacency and the column-weighted edge weights. O(E + V). */
static void fraudar_work_build(fraudar_work *wk, const fraudar_graph *g, const fraudar_options *o)
{
    size_t *fill;
    size_t i;

    wk->nu = g->n_users;
    wk->v = g->n_users + g->n_objects;
    wk->e = g->n_edges;
    wk->off = xcalloc(wk->v + 1, sizeof *wk->off);
    wk->adj_node = xreallocarray(NULL, 2 * wk->e, sizeof *wk->adj_node);
    wk->adj_edge = xreallocarray(NULL, 2 * wk->e, sizeof *wk->adj_edge);
    wk->w = xreallocarray(NULL, wk->e, sizeof *wk->w);
    wk->alive = xreallocarray(NULL, wk->e, 1);
    wk->prio = xreallocarray(NULL, wk->v, sizeof *wk->prio);
    wk->in_s = xcalloc(wk->v, 1);
    wk->in_block = xcalloc(wk->v, 1);
    wk->order = xreallocarray(NULL, wk->v, sizeof *wk->order);
    wk->heap.node = xreallocarray(NULL, wk->v, sizeof *wk->heap.node);
    wk->heap.pos = xreallocarray(NULL, wk->v, sizeof *wk->heap.pos);
    wk->heap.key = wk->prio;

    /* Degrees: off[x + 1] counts x's edges, then a prefix sum. */
    for (i = 0; i < wk->e; i++) {
        wk->off[g->edge_user[i] + 1]++;
        wk->off[wk->nu + g->edge_object[i] + 1]++;
    }
    for (i = 0; i < wk->e; i++) {
        double base = g->edge_weight != NULL ? g->edge_weight[i] : 1.0;
        if (o->column_weighting) {
            size_t dj = wk->off[wk->nu + g->edge_object[i] + 1];
            base /= log((double)dj + o->log_c);
        }
        wk->w[i] = base;
        wk->alive[i] = 1;
    }
    for (i = 0; i < wk->v; i++)
        wk->off[i + 1] += wk->off[i];

    fill = xreallocarray(NULL, wk->v, sizeof *fill);
    memcpy(fill, wk->off, wk->v * sizeof *fill);
    for (i = 0; i < wk->e; i++) {
        size_t u = g->edge_user[i], j = wk->nu + g->edge_object[i];
        wk->adj_node[fill[u]] = (uint32_t)j;
        wk->adj_edge[fill[u]++] = i;
        wk->adj_node[fill[j]] = (uint32_t)u;
        wk->adj_edge[fill[j]++] = i;
    }
    free(fill);
    for (i = 0; i < wk->v; i++)
        wk->heap.pos[i] = FRAUDAR_NOWHERE;
}

static void fraudar_work_free(fraudar_work *wk)
{
    free(wk->off);
    free(wk->adj_node);
    free(wk->adj_edge);
    free(wk->w);
    free(wk->alive);
    free(wk->prio);
    free(wk->in_s);
    free(wk->in_block);
    free(wk->order);
    free(wk->heap.node);
    free(wk->heap.pos);
}

/* One peeling pass over the alive edges. Leaves the best node set marked in
 * in_block and returns its size (0 when no alive edge has positive weight).
 * Only nodes with an alive edge enter S: a node without one has priority 0 and
 * removing it first can only raise g, so it never belongs to the answer.
 * O((E + V) log V). */
static size_t fraudar_peel(fraudar_work *wk)
{
    fraudar_heap *h = &wk->heap;
    double f = 0.0, best_g;
    size_t active = 0, removed = 0, best_removed = 0, i;

    for (i = 0; i < wk->v; i++)
        wk->prio[i] = 0.0;
    for (i = 0; i < wk->nu; i++) {
        size_t a;
        for (a = wk->off[i]; a < wk->off[i + 1]; a++) {
            size_t e = wk->adj_edge[a];
            if (!wk->alive[e])
                continue;
            wk->prio[i] += wk->w[e];
            wk->prio[wk->adj_node[a]] += wk->w[e];
            f += wk->w[e];
            wk->in_s[i] = 1;
            wk->in_s[wk->adj_node[a]] = 1;
        }
    }
    if (!(f > 0.0)) {
        memset(wk->in_s, 0, wk->v);
        return 0;
    }
    h->size = 0;
    for (i = 0; i < wk->v; i++)
        if (wk->in_s[i])
            h->node[h->size++] = (uint32_t)i;
    active = h->size;
    fraudar_heap_build(h);

    best_g = f / (double)active;
    while (h->size > 0) {
        uint32_t x = fraudar_heap_pop(h);
        size_t a;

        wk->order[removed++] = x;
        wk->in_s[x] = 0;
        f -= wk->prio[x];
        for (a = wk->off[x]; a < wk->off[x + 1]; a++) {
            size_t e = wk->adj_edge[a];
            uint32_t y = wk->adj_node[a];
            h->st->edge_visits++;
            if (!wk->alive[e] || !wk->in_s[y])
                continue;
            wk->prio[y] -= wk->w[e];
            fraudar_heap_decreased(h, y);
        }
        /* Strictly greater: among equal densities keep the larger set. */
        if (h->size > 0 && f / (double)h->size > best_g) {
            best_g = f / (double)h->size;
            best_removed = removed;
        }
    }
    for (i = best_removed; i < active; i++)
        wk->in_block[wk->order[i]] = 1;
    return active - best_removed;
}

/* Measures the block marked in in_block exactly (not from the drifting
 * running sum of the peel): sizes, internal alive edges, mass and density.
 * Leaves ids NULL and in_block untouched. O(V + block degree). */
static void fraudar_measure_block(const fraudar_work *wk, fraudar_block *b)
{
    size_t i;

    memset(b, 0, sizeof *b);
    for (i = 0; i < wk->v; i++) {
        size_t a;
        if (!wk->in_block[i])
            continue;
        if (i >= wk->nu) {
            b->n_objects++;
            continue;
        }
        b->n_users++;
        for (a = wk->off[i]; a < wk->off[i + 1]; a++) {
            size_t e = wk->adj_edge[a];
            if (!wk->alive[e] || !wk->in_block[wk->adj_node[a]])
                continue;
            b->mass += wk->w[e];
            b->n_edges++;
        }
    }
    if (b->n_users + b->n_objects > 0)
        b->density = b->mass / (double)(b->n_users + b->n_objects);
}

/* Copies the ids of the marked block into b (already measured; new arrays
 * owned by the result), kills the block's internal edges so the next round
 * looks elsewhere, and clears in_block. O(V + block degree). */
static void fraudar_commit_block(fraudar_work *wk, fraudar_block *b)
{
    size_t i, nu = 0, no = 0;

    b->users = xreallocarray(NULL, b->n_users, sizeof *b->users);
    b->objects = xreallocarray(NULL, b->n_objects, sizeof *b->objects);
    for (i = 0; i < wk->v; i++) {
        size_t a;
        if (!wk->in_block[i])
            continue;
        if (i >= wk->nu) {
            b->objects[no++] = (uint32_t)(i - wk->nu);
            continue;
        }
        b->users[nu++] = (uint32_t)i;
        for (a = wk->off[i]; a < wk->off[i + 1]; a++)
            if (wk->in_block[wk->adj_node[a]])
                wk->alive[wk->adj_edge[a]] = 0;
    }
    assert(nu == b->n_users && no == b->n_objects);
    memset(wk->in_block, 0, wk->v);
}

int fraudar_detect(fraudar_result *out, const fraudar_graph *graph, const fraudar_options *opts,
                   fraudar_stats *stats)
{
    const fraudar_options defaults = FRAUDAR_OPTIONS_INIT;
    fraudar_stats scratch;
    fraudar_work wk;
    size_t cap = 0;
    int rc;

    if (stats == NULL)
        stats = &scratch;
    memset(stats, 0, sizeof *stats);
    if (out == NULL)
        return FRAUDAR_EINVAL;
    memset(out, 0, sizeof *out);
    if (opts == NULL)
        opts = &defaults;
    if (graph == NULL || !fraudar_options_valid(opts))
        return FRAUDAR_EINVAL;
    rc = fraudar_graph_check(graph);
    if (rc != FRAUDAR_OK)
        return rc;

    memset(&wk, 0, sizeof wk);
    wk.heap.st = stats;
    fraudar_work_build(&wk, graph, opts);

    while (out->count < opts->max_blocks) {
        fraudar_block cand;

        stats->rounds++;
        if (fraudar_peel(&wk) == 0)
            break;
        fraudar_measure_block(&wk, &cand);
        if (cand.density < opts->min_density || cand.n_users < opts->min_users ||
            cand.n_objects < opts->min_objects)
            break;
        if (out->count == cap) {
            cap = cap ? 2 * cap : 4;
            out->blocks = xreallocarray(out->blocks, cap, sizeof *out->blocks);
        }
        out->blocks[out->count] = cand;
        fraudar_commit_block(&wk, &out->blocks[out->count++]);
    }

    fraudar_work_free(&wk);
    return FRAUDAR_OK;
}

void fraudar_result_free(fraudar_result *result)
{
    size_t i;

    if (result == NULL)
        return;
    for (i = 0; i < result->count; i++) {
        free(result->blocks[i].users);
        free(result->blocks[i].objects);
    }
    free(result->blocks);
    memset(result, 0, sizeof *result);
}

const char *fraudar_strerror(int code)
{
    switch (code) {
    case FRAUDAR_OK:
        return "success";
    case FRAUDAR_EINVAL:
        return "invalid argument, option or graph size";
    case FRAUDAR_EDATA:
        return "edge endpoint out of range or weight negative or not finite";
    default:
        return "unknown error";
    }
}

/* behav.c - behavioural red flags; see behav.h and docs/detection.md. */
#include "algorithms/behav.h"

#include "algorithms/burst.h"
#include "algorithms/evrule.h"
#include "algorithms/fraudar.h"
#include "algorithms/rules.h"
#include "base/alloc.h"
#include "base/cmp.h"

#include <assert.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* --- the edges behaviour reads ------------------------------------------------- */

/* g->edges holds every kind interleaved, most of them logins and bids (at 1.3 M
 * freelancers, 46 % and 45 %). The detectors below read the other kinds (ratings,
 * charges, payouts, payment instruments, devices) over and over and each IP's number
 * of login edges twice; a scan of the whole array for each was most of behaviour's
 * time, and memory-bound, so slower per row the larger the world. One scan finds
 * them instead: the positions of the edges that are neither logins nor bids,
 * ascending, so that a detector visiting them meets its kinds' edges in the array's
 * order, as a scan would, and raises flags and reports links in the same order; and
 * each IP's login edges, that is, its accounts. Positions fit 32 bits: the graph's
 * edge hash holds an edge index + 1 in 32 bits (graph.c). */
typedef struct {
    uint32_t *pos; /* edges neither logins nor bids, ascending */
    size_t n, cap;
    uint32_t *ip_deg; /* per IP: its login edges */
} behav_edges;

static void edges_build(behav_edges *be, const rs_graph *g)
{
    uint32_t nip = graph_count(g, NODE_IP);
    be->ip_deg = xcalloc(nip ? nip : 1, sizeof *be->ip_deg);
    for (size_t i = 0; i < g->nedges; i++) {
        const rs_edge *e = &g->edges[i];
        if (e->kind == EDGE_LOGIN) {
            be->ip_deg[e->b]++;
        } else if (e->kind != EDGE_BID) {
            ALLOC_GROW(be->pos, be->cap, be->n + 1);
            be->pos[be->n++] = (uint32_t)i;
        }
    }
}

static void edges_free(behav_edges *be)
{
    free(be->pos);
    free(be->ip_deg);
}

/* --- bursts (Kleinberg) ------------------------------------------------------- */

/* A timeline: sorted event times (seconds) and who each event concerns. */
typedef struct {
    double *ts;
    uint32_t *who;
    size_t n, cap;
} timeline;

static void tl_push(timeline *t, double ts, uint32_t who)
{
    if (t->n + 1 > t->cap) {
        t->cap = t->cap ? 2 * t->cap : 64;
        t->ts = xreallocarray(t->ts, t->cap, sizeof *t->ts);
        t->who = xreallocarray(t->who, t->cap, sizeof *t->who);
    }
    t->ts[t->n] = ts;
    t->who[t->n++] = who;
}

static void tl_free(timeline *t)
{
    free(t->ts);
    free(t->who);
}

/* Called for each burst found: events [first, last] of t, with `distinct`
 * different `who`. */
typedef void (*burst_hit_fn)(void *ctx, const timeline *t, size_t first, size_t last,
                             uint32_t distinct);

typedef struct {
    uint32_t *seen; /* per who: stamp of the last burst that counted it */
    uint32_t stamp;
} distinct_counter;

/* Runs Kleinberg's automaton on t with the entity's own long-run rate (its
 * t->n events over window_s, the whole observation window) as baseline, and
 * calls hit for each level-1 burst at least burst_min_intensity times that
 * rate, no longer than max_s, with at least min_distinct distinct `who`.
 * Returns 0, or -1 with err set. O(n * states). */
static int scan_bursts(const timeline *t, double window_s, const detect_params *p, double max_s,
                       uint32_t min_distinct, distinct_counter *dc, burst_hit_fn hit, void *ctx,
                       rs_error *err)
{
    if (t->n < 3 || t->n < min_distinct)
        return 0;
    burst_params bp = BURST_PARAMS_INIT;
    bp.baseline_rate = (double)t->n / window_s;
    bp.min_events = min_distinct > 3 ? min_distinct : 3;
    burst_list bl = {0};
    int rc = burst_detect(&bl, t->ts, t->n, &bp);
    if (rc != 0) {
        rs_error_set(err, RS_E_ALGO, NULL, 0, 0, "burst detection failed: %s", burst_strerror(rc));
        return -1;
    }
    for (size_t b = 0; b < bl.count; b++) {
        const burst_interval *bi = &bl.items[b];
        if (bi->level != 1 || bi->intensity < p->burst_min_intensity || bi->end - bi->start > max_s)
            continue;
        dc->stamp++;
        uint32_t distinct = 0;
        for (size_t k = bi->first; k <= bi->last; k++)
            if (dc->seen[t->who[k]] != dc->stamp)
                dc->seen[t->who[k]] = dc->stamp, distinct++;
        if (distinct >= min_distinct)
            hit(ctx, t, bi->first, bi->last, distinct);
    }
    burst_list_free(&bl);
    return 0;
}

/* The observation window of events ts (ms), at least a day, in seconds. */
static double window_of(int64_t lo, int64_t hi)
{
    if (hi < lo) /* no events */
        return 86400;
    double w = ((double)hi - (double)lo) / 1000.0;
    return w < 86400 ? 86400 : w;
}

/* Accounts one actor rated (or hired) together, and which of them are tied:
 * by infrastructure to the actor, or to another account of the group. */
typedef struct {
    uint32_t *who;
    uint8_t *tied;
    size_t n, cap;
} subject_set;

/* Compares pairs only among the first this many of a group: a ring's members are tied to
 * several of each other, so a sample finds them, and the cost stays bounded. */
#define TIE_SAMPLE 256

static void subjects_push(subject_set *s, uint32_t who)
{
    if (s->n == s->cap) {
        s->cap = s->cap ? 2 * s->cap : 64;
        s->who = xreallocarray(s->who, s->cap, sizeof *s->who);
        s->tied = xreallocarray(s->tied, s->cap, 1);
    }
    s->who[s->n] = who;
    s->tied[s->n++] = 0;
}

/* Marks the tied subjects of actor (GRAPH_NONE: ties among subjects only). Returns how
 * many are tied. O(n + min(n, TIE_SAMPLE)^2) tie queries. */
static size_t subjects_tie(subject_set *s, uint32_t actor, behav_tie_fn tied, void *ctx)
{
    size_t m = s->n < TIE_SAMPLE ? s->n : TIE_SAMPLE, ntied = 0;
    for (size_t i = 0; i < s->n; i++)
        if (actor != GRAPH_NONE && tied(ctx, actor, s->who[i]))
            s->tied[i] = 1;
    for (size_t i = 0; i < m; i++)
        for (size_t j = i + 1; j < m; j++)
            if ((!s->tied[i] || !s->tied[j]) && tied(ctx, s->who[i], s->who[j]))
                s->tied[i] = s->tied[j] = 1;
    for (size_t i = 0; i < s->n; i++)
        ntied += s->tied[i];
    return ntied;
}

typedef struct {
    const detect_params *p;
    acct_flags *fl;
    behav_link_fn link;
    behav_tie_fn tied;
    void *ctx;
    behav_stats *st;
    distinct_counter *dc;
    subject_set subj;
    uint32_t owner;      /* the client (ratings, hires) */
    int kind;            /* BURST_* */
    rating_episodes *ep; /* or NULL */
} hit_ctx;

/* Flags and links for one burst, each distinct `who` once. */
static void on_burst(void *vctx, const timeline *t, size_t first, size_t last, uint32_t distinct)
{
    hit_ctx *h = vctx;
    h->dc->stamp++;
    h->subj.n = 0;
    for (size_t k = first; k <= last; k++) {
        uint32_t w = t->who[k];
        if (h->dc->seen[w] == h->dc->stamp)
            continue;
        h->dc->seen[w] = h->dc->stamp;
        subjects_push(&h->subj, w);
    }
    int client = h->kind == BURST_RATINGS || h->kind == BURST_HIRES;
    size_t ntied = client ? subjects_tie(&h->subj, h->owner, h->tied, h->ctx) : 0;
    /* Corroborated: two or more of the accounts it hit are tied - the burst fell on a
     * group, not on strangers. Then the rater is linked to every account it hit (a
     * ring member that shares nothing but the shills' attention is pulled in); the
     * flag is firm only on the tied ones. */
    int corroborated = ntied >= 2;
    switch (h->kind) {
    case BURST_RATINGS:
        h->st->rating_bursts++;
        if (h->ep) {
            ALLOC_GROW(h->ep->bursts, h->ep->capbursts, h->ep->nbursts + 1);
            /* The timeline holds whole milliseconds as seconds: round back. */
            h->ep->bursts[h->ep->nbursts++] =
                (rating_burst){h->owner, (int64_t)llround(t->ts[first] * 1000.0),
                               (int64_t)llround(t->ts[last] * 1000.0)};
        }
        if (corroborated)
            flags_raise(&h->fl[h->owner], FLAG_RATING_BURST, distinct);
        else
            flags_raise_weak(&h->fl[h->owner], FLAG_RATING_BURST, distinct);
        break;
    case BURST_HIRES:
        h->st->hire_bursts++;
        break;
    case BURST_CHARGES:
        h->st->charge_bursts++;
        break;
    case BURST_IP_ACCOUNTS:
        h->st->ip_onboarding_bursts++;
        break;
    }
    if (client)
        h->fl[h->owner].bursts[h->kind]++;
    for (size_t k = 0; k < h->subj.n; k++) {
        uint32_t w = h->subj.who[k];
        if (h->kind == BURST_RATINGS) {
            if (h->subj.tied[k])
                flags_raise(&h->fl[w], FLAG_RATING_BURST, 1);
            else
                flags_raise_weak(&h->fl[w], FLAG_RATING_BURST, 1);
        }
        if (client) {
            if (h->p->w_burst > 0 && (h->subj.tied[k] || corroborated))
                h->link(h->ctx, h->owner, w, h->p->w_burst / sqrt((double)distinct),
                        h->subj.tied[k]);
        } else {
            h->fl[w].bursts[h->kind]++;
        }
    }
}

/* RATING_BURST and hire bursts. For each client, the times of its high
 * ratings, and the times it first paid each freelancer (hires), go through
 * scan_bursts: an enterprise client's steady volume (and its quarter-end rush,
 * a few times its usual rate) is not a burst; a new client rating or hiring 15
 * freelancers in two days is. A rating burst flags the client and those it
 * rated; both kinds link the client to them. */
static int client_bursts(const rs_graph *g, const detect_params *p, acct_flags *fl,
                         behav_link_fn link, behav_tie_fn tied, void *ctx, behav_stats *st,
                         rating_episodes *ep, distinct_counter *dc, rs_error *err)
{
    uint32_t na = graph_count(g, NODE_ACCOUNT);
    int64_t rlo = INT64_MAX, rhi = INT64_MIN, clo = INT64_MAX, chi = INT64_MIN;
    for (size_t i = 0; i < g->ratings.n; i++) {
        rlo = g->ratings.v[i].ts < rlo ? g->ratings.v[i].ts : rlo;
        rhi = g->ratings.v[i].ts > rhi ? g->ratings.v[i].ts : rhi;
    }
    for (size_t i = 0; i < g->charges.n; i++) {
        clo = g->charges.v[i].ts < clo ? g->charges.v[i].ts : clo;
        chi = g->charges.v[i].ts > chi ? g->charges.v[i].ts : chi;
    }
    timeline t = {0};
    int rc = 0;
    hit_ctx h = {p, fl, link, tied, ctx, st, dc, {0}, 0, BURST_RATINGS, ep};
    double max_s = p->burst_max_days * 86400.0;
    uint32_t min_d = (uint32_t)p->burst_min_freelancers;
    for (uint32_t c = 0; c < na && rc == 0; c++) {
        h.owner = c;
        t.n = 0;
        for (size_t i = g->rating_off[c]; i < g->rating_off[c + 1]; i++)
            if (rules_high_rating(p, g->ratings.v[i].stars))
                tl_push(&t, (double)g->ratings.v[i].ts / 1000.0, g->ratings.v[i].freelancer);
        h.kind = BURST_RATINGS;
        rc = scan_bursts(&t, window_of(rlo, rhi), p, max_s, min_d, dc, on_burst, &h, err);
        if (rc)
            break;
        /* Hires: the first charge to each freelancer. */
        t.n = 0;
        dc->stamp++;
        for (size_t i = g->charge_off[c]; i < g->charge_off[c + 1]; i++) {
            uint32_t f = g->charges.v[i].freelancer;
            if (dc->seen[f] == dc->stamp)
                continue;
            dc->seen[f] = dc->stamp;
            tl_push(&t, (double)g->charges.v[i].ts / 1000.0, f);
        }
        h.kind = BURST_HIRES;
        rc = scan_bursts(&t, window_of(clo, chi), p, max_s, min_d, dc, on_burst, &h, err);
    }
    tl_free(&t);
    free(h.subj.who);
    free(h.subj.tied);
    return rc;
}

typedef struct {
    uint32_t key, who;
    int64_t ts;
} keyed_event;

static int keyed_cmp(const void *pa, const void *pb)
{
    const keyed_event *a = pa, *b = pb;
    if (a->key != b->key)
        return a->key < b->key ? -1 : 1;
    if (a->ts != b->ts)
        return a->ts < b->ts ? -1 : 1;
    return a->who < b->who ? -1 : a->who > b->who;
}

/* Runs scan_bursts over each key's events ev[lo, hi) (key ascending, each key's
 * events in (time, who) order), those with at least min_n events; the baseline is
 * each timeline's rate over the window of all of them. Returns 0, or -1 with err set. */
static int scan_keyed(const keyed_event *ev, size_t n, size_t min_n, uint32_t min_d, double max_s,
                      hit_ctx *h, rs_error *err)
{
    int64_t lo = INT64_MAX, hi = INT64_MIN;
    for (size_t i = 0; i < n; i++) {
        lo = ev[i].ts < lo ? ev[i].ts : lo;
        hi = ev[i].ts > hi ? ev[i].ts : hi;
    }
    timeline t = {0};
    int rc = 0;
    for (size_t i = 0; i < n && rc == 0;) {
        size_t j = i;
        t.n = 0;
        while (j < n && ev[j].key == ev[i].key) {
            tl_push(&t, (double)ev[j].ts / 1000.0, ev[j].who);
            j++;
        }
        if (t.n >= min_n)
            rc = scan_bursts(&t, window_of(lo, hi), h->p, max_s, min_d, h->dc, on_burst, h, err);
        i = j;
    }
    tl_free(&t);
    return rc;
}

/* Many charges on one payment instrument in a day (evidence for the clients paying
 * with it). Returns 0, or -1 with err set. */
static int instrument_bursts(const rs_graph *g, hit_ctx *h, rs_error *err)
{
    keyed_event *ev = NULL;
    size_t n = 0, cap = 0;
    for (size_t i = 0; i < g->charges.n; i++) {
        const charge_ev *e = &g->charges.v[i];
        if (e->instrument == GRAPH_NONE)
            continue;
        ALLOC_GROW(ev, cap, n + 1);
        ev[n++] = (keyed_event){e->instrument, e->client, e->ts};
    }
    if (n)
        qsort(ev, n, sizeof *ev, keyed_cmp);
    h->kind = BURST_CHARGES;
    int rc = scan_keyed(ev, n, (size_t)h->p->burst_min_freelancers, 1, 86400.0, h, err);
    free(ev);
    return rc;
}

/* Several accounts appearing on one IP for the first time within two days
 * (laptop-farm onboarding; evidence for those accounts): the first login of each
 * account on an IP of 3 to ip_pool_degree accounts. The events are placed by IP
 * (counted in be->ip_deg; IP ids are dense) and each IP's, at most ip_pool_degree,
 * sorted alone: the order keyed_cmp gives the whole list, without sorting it whole
 * (at 1.3 M freelancers, over 3 million events, growing faster than the rows as
 * shared IPs gain users). Offsets are 32-bit: the events are login edges. Returns 0,
 * or -1 with err set. */
static int ip_onboarding_bursts(const rs_graph *g, const behav_edges *be, hit_ctx *h,
                                rs_error *err)
{
    const detect_params *p = h->p;
    uint32_t nip = graph_count(g, NODE_IP);
    /* off[ip + 1]: the IP's next place while filling, then its end. */
    uint32_t *off = xcalloc((size_t)nip + 2, sizeof *off);
    for (uint32_t ip = 0; ip < nip; ip++) {
        uint32_t d = be->ip_deg[ip];
        off[ip + 2] = off[ip + 1] + (d >= 3 && d <= (uint32_t)p->ip_pool_degree ? d : 0);
    }
    size_t n = off[nip + 1];
    keyed_event *ev = xreallocarray(NULL, n ? n : 1, sizeof *ev);
    for (size_t i = 0; i < g->nedges && n; i++) {
        const rs_edge *e = &g->edges[i];
        if (e->kind != EDGE_LOGIN || be->ip_deg[e->b] < 3 ||
            be->ip_deg[e->b] > (uint32_t)p->ip_pool_degree)
            continue;
        ev[off[e->b + 1]++] = (keyed_event){e->b, e->a, e->first};
    }
    for (uint32_t ip = 0; ip < nip; ip++)
        if (off[ip + 1] - off[ip] > 1)
            qsort(ev + off[ip], off[ip + 1] - off[ip], sizeof *ev, keyed_cmp);
    free(off);
    h->kind = BURST_IP_ACCOUNTS;
    int rc = scan_keyed(ev, n, 3, 3, 2.0 * 86400.0, h, err);
    free(ev);
    return rc;
}

/* Bursts keyed by a resource: charges on one payment instrument and accounts
 * appearing on one IP for the first time. Returns 0, or -1 with err set. */
static int resource_bursts(const rs_graph *g, const behav_edges *be, const detect_params *p,
                           acct_flags *fl, behav_stats *st, distinct_counter *dc, rs_error *err)
{
    hit_ctx h = {p, fl, NULL, NULL, NULL, st, dc, {0}, 0, BURST_CHARGES, NULL};
    int rc = instrument_bursts(g, &h, err);
    if (rc == 0)
        rc = ip_onboarding_bursts(g, be, &h, err);
    free(h.subj.who);
    free(h.subj.tied);
    return rc;
}

/* --- RATING_LOCKSTEP ------------------------------------------------------------ */

/* FRAUDAR's users and objects: the clients and freelancers of the high-rating edges
 * eu, eo (ne of them, account ids), renumbered densely in account order in place;
 * out_users, out_objects (new arrays) map the new ids back, *nu and *no count them.
 * The order is kept, so the peeling, which breaks ties by node id, peels as it would
 * over every account as users and objects, and its rounds cost the rating graph, not
 * twice the accounts. O(ne + na). */
static void lockstep_compact(uint32_t na, uint32_t *eu, uint32_t *eo, size_t ne,
                             uint32_t **out_users, uint32_t *nu, uint32_t **out_objects,
                             uint32_t *no)
{
    uint32_t *uid = xreallocarray(NULL, na ? na : 1, sizeof *uid);
    uint32_t *oid = xreallocarray(NULL, na ? na : 1, sizeof *oid);
    for (uint32_t a = 0; a < na; a++)
        uid[a] = oid[a] = GRAPH_NONE;
    for (size_t i = 0; i < ne; i++)
        uid[eu[i]] = oid[eo[i]] = 0;
    *nu = *no = 0;
    for (uint32_t a = 0; a < na; a++) {
        if (uid[a] != GRAPH_NONE)
            uid[a] = (*nu)++;
        if (oid[a] != GRAPH_NONE)
            oid[a] = (*no)++;
    }
    *out_users = xreallocarray(NULL, *nu ? *nu : 1, sizeof **out_users);
    *out_objects = xreallocarray(NULL, *no ? *no : 1, sizeof **out_objects);
    for (uint32_t a = 0; a < na; a++) {
        if (uid[a] != GRAPH_NONE)
            (*out_users)[uid[a]] = a;
        if (oid[a] != GRAPH_NONE)
            (*out_objects)[oid[a]] = a;
    }
    for (size_t i = 0; i < ne; i++) {
        eu[i] = uid[eu[i]];
        eo[i] = oid[eo[i]];
    }
    free(uid);
    free(oid);
}

/* FRAUDAR on the client x freelancer graph of high ratings: blocks of at least
 * lockstep_min_clients clients and lockstep_min_freelancers freelancers whose
 * camouflage-resistant density reaches lockstep_min_density. */
static int lockstep(const rs_graph *g, const behav_edges *be, const detect_params *p,
                    acct_flags *fl, behav_link_fn link, behav_tie_fn tied, void *ctx,
                    behav_stats *st, rating_episodes *ep, rs_error *err)
{
    subject_set subj = {0};
    size_t ne = 0, cap = 0;
    uint32_t *eu = NULL, *eo = NULL, *users = NULL, *objects = NULL;
    for (size_t i = 0; i < be->n; i++) {
        const rs_edge *e = &g->edges[be->pos[i]];
        if (e->kind != EDGE_RATING || graph_edge_sum(g, e) < p->high_stars * e->count)
            continue;
        if (ne + 1 > cap) {
            cap = cap ? 2 * cap : 1024;
            eu = xreallocarray(eu, cap, sizeof *eu);
            eo = xreallocarray(eo, cap, sizeof *eo);
        }
        eu[ne] = e->a;
        eo[ne++] = e->b;
    }
    int rc = 0;
    if (ne == 0)
        goto cleanup;
    uint32_t nu = 0, no = 0;
    lockstep_compact(graph_count(g, NODE_ACCOUNT), eu, eo, ne, &users, &nu, &objects, &no);
    fraudar_graph fg = {nu, no, ne, eu, eo, NULL};
    fraudar_options fo = FRAUDAR_OPTIONS_INIT;
    fo.max_blocks = 32;
    fo.min_density = p->lockstep_min_density;
    fraudar_result fr = {0};
    int frc = fraudar_detect(&fr, &fg, &fo, NULL);
    if (frc != 0) {
        rs_error_set(err, RS_E_ALGO, NULL, 0, 0, "FRAUDAR failed: %s", fraudar_strerror(frc));
        rc = -1;
        goto cleanup;
    }
    for (size_t b = 0; b < fr.count; b++) {
        fraudar_block *bk = &fr.blocks[b];
        /* Back to account ids (ascending still). */
        for (size_t u = 0; u < bk->n_users; u++)
            bk->users[u] = users[bk->users[u]];
        for (size_t o = 0; o < bk->n_objects; o++)
            bk->objects[o] = objects[bk->objects[o]];
        if (bk->n_users < (size_t)p->lockstep_min_clients ||
            bk->n_objects < (size_t)p->lockstep_min_freelancers ||
            bk->density < p->lockstep_min_density)
            continue;
        st->lockstep_blocks++;
        for (size_t u = 0; ep && u < bk->n_users; u++)
            for (size_t o = 0; o < bk->n_objects; o++) {
                ALLOC_GROW(ep->lockstep, ep->caplockstep, ep->nlockstep + 1);
                ep->lockstep[ep->nlockstep++] = (uint64_t)bk->users[u] << 32 | bk->objects[o];
            }
        /* A rated freelancer is tied to the block by infrastructure shared with one of
         * its clients or with another of its freelancers. */
        subj.n = 0;
        for (size_t o = 0; o < bk->n_objects; o++)
            subjects_push(&subj, bk->objects[o]);
        size_t ntied = subjects_tie(&subj, GRAPH_NONE, tied, ctx);
        for (size_t o = 0; o < subj.n; o++)
            for (size_t u = 0; u < bk->n_users && !subj.tied[o]; u++)
                if (tied(ctx, bk->users[u], subj.who[o]))
                    subj.tied[o] = 1, ntied++;
        int corroborated = ntied >= 2; /* as for bursts */
        for (size_t u = 0; u < bk->n_users; u++) {
            if (corroborated)
                flags_raise(&fl[bk->users[u]], FLAG_RATING_LOCKSTEP, (uint32_t)bk->n_objects);
            else
                flags_raise_weak(&fl[bk->users[u]], FLAG_RATING_LOCKSTEP, (uint32_t)bk->n_objects);
        }
        for (size_t o = 0; o < subj.n; o++) {
            if (subj.tied[o])
                flags_raise(&fl[subj.who[o]], FLAG_RATING_LOCKSTEP, (uint32_t)bk->n_users);
            else
                flags_raise_weak(&fl[subj.who[o]], FLAG_RATING_LOCKSTEP, (uint32_t)bk->n_users);
        }
        if (p->w_lockstep > 0) {
            double w = p->w_lockstep / sqrt((double)(bk->n_users + bk->n_objects - 1));
            for (size_t u = 0; u < bk->n_users; u++)
                for (size_t o = 0; o < subj.n; o++)
                    if (bk->users[u] != subj.who[o] && (subj.tied[o] || corroborated))
                        link(ctx, bk->users[u], subj.who[o], w, subj.tied[o]);
        }
    }
    fraudar_result_free(&fr);
cleanup:
    free(eu);
    free(eo);
    free(users);
    free(objects);
    free(subj.who);
    free(subj.tied);
    return rc;
}

/* --- BID_SPAM ---------------------------------------------------------------- */

static int dbl_cmp(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

/* Heavy bidding with low acceptance, compared with peers of similar account
 * age: new freelancers bid a lot, an old account bidding far more than old
 * accounts do is not a new freelancer. Age groups: < 30 days, < 180 days,
 * older, unknown (at the end of the data). */
static void bid_spam(const rs_graph *g, const detect_params *p, acct_flags *fl)
{
    uint32_t na = graph_count(g, NODE_ACCOUNT);
    if (!g->bids.n)
        return;
    int64_t t_end = INT64_MIN;
    for (size_t i = 0; i < g->bids.n; i++)
        t_end = g->bids.v[i].ts > t_end ? g->bids.v[i].ts : t_end;
    double *per_group[4] = {NULL};
    size_t ng[4] = {0}, capg[4] = {0};
    uint8_t *group = xcalloc(na ? na : 1, 1);
    for (uint32_t a = 0; a < na; a++) {
        size_t nb = g->bid_off[a + 1] - g->bid_off[a];
        int64_t created = g->acct[a].created_at;
        double age_d = created == INT64_MIN ? -1 : (double)(t_end - created) / 86400e3;
        group[a] = age_d < 0 ? 3 : age_d < 30 ? 0 : age_d < 180 ? 1 : 2;
        if (!nb)
            continue;
        int k = group[a];
        ALLOC_GROW(per_group[k], capg[k], ng[k] + 1);
        per_group[k][ng[k]++] = (double)nb;
    }
    double p90[4];
    for (int k = 0; k < 4; k++) {
        p90[k] = 0;
        if (!ng[k])
            continue;
        qsort(per_group[k], ng[k], sizeof(double), dbl_cmp);
        p90[k] = per_group[k][(size_t)((double)(ng[k] - 1) * 0.9)];
    }
    for (uint32_t a = 0; a < na; a++) {
        size_t lo = g->bid_off[a], hi = g->bid_off[a + 1], nb = hi - lo, acc = 0;
        if ((double)nb < p->bid_min)
            continue;
        for (size_t i = lo; i < hi; i++)
            acc += g->bids.v[i].accepted == 1;
        size_t logins = g->login_off[a + 1] - g->login_off[a];
        if ((double)acc > p->bid_max_accept * (double)nb)
            continue;
        if ((double)nb < p->bid_per_login * (double)(logins ? logins : 1))
            continue;
        if ((double)nb < p->bid_peer_factor * p90[group[a]])
            continue;
        flags_raise(&fl[a], FLAG_BID_SPAM, (uint32_t)nb);
    }
    for (int k = 0; k < 4; k++)
        free(per_group[k]);
    free(group);
}

/* --- payouts ---------------------------------------------------------------- */

/* HIGH_RISK_PAYOUT: frequent payouts - at least hr_min_payouts, and at least
 * hr_min_share of the account's payouts - to destinations in high-risk countries other than the one
 * the account claims (a freelancer in China paid in China is not the advisory's red flag; an
 * "American" paid into a PRC bank is). SHARED_PAYOUT: a payout destination other accounts are paid
 * into too. */
static void payouts(const rs_graph *g, const behav_edges *be, const detect_params *p,
                    acct_flags *fl)
{
    uint32_t na = graph_count(g, NODE_ACCOUNT), nd = graph_count(g, NODE_DEST);
    uint32_t *users = xcalloc(nd ? nd : 1, sizeof *users);
    for (size_t i = 0; i < be->n; i++)
        if (g->edges[be->pos[i]].kind == EDGE_PAYOUT)
            users[g->edges[be->pos[i]].b]++;
    for (size_t i = 0; i < be->n; i++) {
        const rs_edge *e = &g->edges[be->pos[i]];
        if (e->kind == EDGE_PAYOUT && users[e->b] >= 2)
            flags_raise(&fl[e->a], FLAG_SHARED_PAYOUT, users[e->b] - 1);
    }
    for (uint32_t a = 0; a < na; a++) {
        uint32_t nrisky = 0;
        size_t npay = 0;
        /* After a handover only the operated period's payouts count (handover.c). */
        int64_t from = flags_has(&fl[a], FLAG_HANDOVER) ? fl[a].handover_at : INT64_MIN;
        for (size_t i = g->payout_off[a]; i < g->payout_off[a + 1]; i++) {
            const payout_ev *e = &g->payouts.v[i];
            if (e->ts < from)
                continue;
            npay++;
            const char *dc = g->dest[e->dest].country;
            /* Paid home is not the red flag; an account claiming elsewhere
             * and paid into a high-risk country is. */
            if (rules_high_risk_payout(p, dc, g->acct[a].country))
                nrisky++;
        }
        if (nrisky >= (uint32_t)p->hr_min_payouts &&
            (double)nrisky >= p->hr_min_share * (double)npay)
            flags_raise(&fl[a], FLAG_HIGH_RISK_PAYOUT, nrisky);
    }
    free(users);
}

/* --- SELF_DEALING --------------------------------------------------------------- */

/* One resource an account holds; the account is the bucket it is in. */
typedef struct {
    uint32_t type, res;
    int64_t first, last; /* of the account's use of the resource */
} holding;

static int holding_cmp(const void *pa, const void *pb)
{
    const holding *a = pa, *b = pb;
    if (a->type != b->type)
        return a->type < b->type ? -1 : 1;
    return a->res < b->res ? -1 : a->res > b->res;
}

/* Whether edge e is a holding self_dealing compares: a login on an IP of at
 * most self_ip_max_degree accounts, a device, a payout destination or a
 * payment instrument, of a dealer. */
static int is_holding(const rs_edge *e, const uint8_t *dealer, const uint32_t *ipdeg,
                      const detect_params *p)
{
    edge_kind k = (edge_kind)e->kind;
    if (k != EDGE_LOGIN && k != EDGE_USES_DEVICE && k != EDGE_PAYOUT && k != EDGE_PAYS_WITH)
        return 0;
    if (!(dealer[e->a / 8] >> (e->a % 8) & 1))
        return 0;
    return k != EDGE_LOGIN || ipdeg[e->b] <= (uint32_t)p->self_ip_max_degree;
}

/* A client and a freelancer it rated or paid that share a payment account, a
 * device, or an IP used by at most self_ip_max_degree accounts at overlapping
 * times ("paying themselves"). Only the holdings of accounts that rate, are
 * rated, pay or are paid are collected. */
/* The positions of the holdings (is_holding), ascending, in *n: the logins' from one
 * scan of every edge, the other kinds' from be, merged. A new array the caller frees. */
static uint32_t *holding_edges(const rs_graph *g, const behav_edges *be, const uint8_t *dealer,
                               const detect_params *p, size_t *n)
{
    uint32_t *pos = NULL;
    size_t cap = 0, nl = 0;
    for (size_t i = 0; i < g->nedges; i++) {
        const rs_edge *e = &g->edges[i];
        if (e->kind == EDGE_LOGIN && is_holding(e, dealer, be->ip_deg, p)) {
            ALLOC_GROW(pos, cap, nl + 1);
            pos[nl++] = (uint32_t)i;
        }
    }
    /* The others after the logins, then the two runs merged from the back. */
    size_t no = 0;
    for (size_t i = 0; i < be->n; i++)
        no += is_holding(&g->edges[be->pos[i]], dealer, be->ip_deg, p);
    ALLOC_GROW(pos, cap, nl + no + 1);
    size_t k = nl + no, x = nl, y = be->n;
    while (y > 0) {
        uint32_t q = be->pos[y - 1];
        if (!is_holding(&g->edges[q], dealer, be->ip_deg, p)) {
            y--;
            continue;
        }
        if (x > 0 && pos[x - 1] > q)
            pos[--k] = pos[--x];
        else
            pos[--k] = q, y--;
    }
    *n = nl + no;
    return pos;
}

/* A client and a freelancer it rated or paid that share a payment account, a
 * device, or an IP used by at most self_ip_max_degree accounts at overlapping
 * times ("paying themselves"). Only the holdings of accounts that rate, are
 * rated, pay or are paid are collected. */
static void self_dealing(const rs_graph *g, const behav_edges *be, const detect_params *p,
                         acct_flags *fl, behav_link_fn link, void *ctx, behav_stats *st)
{
    uint32_t na = graph_count(g, NODE_ACCOUNT);
    uint8_t *dealer = NULL; /* bit per account: an end of a rating or charge edge */
    for (size_t i = 0; i < be->n; i++) {
        const rs_edge *e = &g->edges[be->pos[i]];
        if (e->kind != EDGE_RATING && e->kind != EDGE_CHARGE)
            continue;
        if (!dealer)
            dealer = xcalloc((size_t)na / 8 + 1, 1);
        dealer[e->a / 8] |= (uint8_t)(1u << (e->a % 8));
        dealer[e->b / 8] |= (uint8_t)(1u << (e->b % 8));
    }
    if (!dealer)
        return;
    size_t nhp = 0;
    uint32_t *hp = holding_edges(g, be, dealer, p, &nhp);
    /* Holdings bucketed by account (counted, then placed in edge order: off[a + 1]
     * is a's next place while filling, then a's end), each bucket sorted by
     * (type, resource): no copy of the whole list to sort it. */
    size_t *off = xcalloc((size_t)na + 2, sizeof *off);
    for (size_t i = 0; i < nhp; i++)
        off[g->edges[hp[i]].a + 2]++;
    for (uint32_t a = 0; a < na; a++)
        off[a + 2] += off[a + 1];
    size_t nh = off[na + 1];
    holding *h = xreallocarray(NULL, nh ? nh : 1, sizeof *h);
    for (size_t i = 0; i < nhp; i++) {
        const rs_edge *e = &g->edges[hp[i]];
        h[off[e->a + 1]++] =
            (holding){(uint32_t)graph_edge_end_type((edge_kind)e->kind, 1), e->b, e->first, e->last};
    }
    free(hp);
    free(dealer);
    for (uint32_t a = 0; a < na; a++)
        if (off[a + 1] - off[a] > 1)
            qsort(h + off[a], off[a + 1] - off[a], sizeof *h, holding_cmp);
    for (size_t i = 0; i < be->n; i++) {
        const rs_edge *e = &g->edges[be->pos[i]];
        if (e->kind != EDGE_RATING && e->kind != EDGE_CHARGE)
            continue;
        /* Merge the two sorted holding lists. */
        size_t x = off[e->a], xe = off[e->a + 1], y = off[e->b], ye = off[e->b + 1];
        int shared = 0;
        assert(x == xe || h);
        while (x < xe && y < ye && !shared) {
            int c = (h[x].type != h[y].type) ? (h[x].type < h[y].type ? -1 : 1)
                                             : (h[x].res < h[y].res ? -1 : h[x].res > h[y].res);
            if (c == 0) {
                /* An IP counts only when both were on it in overlapping
                 * periods: addresses are reassigned. */
                int64_t slack = (int64_t)(p->overlap_window_h * 3600e3);
                shared = h[x].type != NODE_IP ||
                         (h[x].first <= h[y].last + slack && h[y].first <= h[x].last + slack);
                x++;
                y++;
            } else if (c < 0)
                x++;
            else
                y++;
        }
        if (!shared)
            continue;
        st->self_dealing_pairs++;
        flags_raise(&fl[e->a], FLAG_SELF_DEALING, 1);
        flags_raise(&fl[e->b], FLAG_SELF_DEALING, 1);
        if (p->w_self > 0)
            link(ctx, e->a, e->b, p->w_self, 1);
    }
    free(off);
    free(h);
}

/* --- STRUCTURED_CHARGES ---------------------------------------------------------- */

typedef struct {
    uint32_t freelancer, n;
    double total;
    int64_t first, last;
} pair_charges;

static int pc_cmp(const void *pa, const void *pb)
{
    const pair_charges *a = pa, *b = pb;
    return a->freelancer < b->freelancer ? -1 : a->freelancer > b->freelancer;
}

/* Many charges from one client to one freelancer adding up to a large sum
 * over weeks, judged against how that client pays its other freelancers (its
 * median number of charges per freelancer): a client paying everyone in
 * milestones is not structuring, one charge per hire and 30 to one freelancer
 * is. Flags the freelancer (the client is the victim). */
static void structuring(const rs_graph *g, const detect_params *p, acct_flags *fl,
                        behav_tie_fn tied, void *ctx, behav_stats *st)
{
    uint32_t na = graph_count(g, NODE_ACCOUNT);
    pair_charges *pc = NULL;
    uint32_t *counts = NULL;
    size_t cap = 0, ccap = 0;
    for (uint32_t c = 0; c < na; c++) {
        size_t lo = g->charge_off[c], hi = g->charge_off[c + 1];
        if (hi - lo < (size_t)p->struct_min_charges)
            continue;
        size_t n = 0;
        for (size_t i = lo; i < hi; i++) {
            const charge_ev *e = &g->charges.v[i];
            size_t k = 0;
            while (k < n && pc[k].freelancer != e->freelancer)
                k++;
            if (k == n) {
                ALLOC_GROW(pc, cap, n + 1);
                pc[n++] = (pair_charges){e->freelancer, 0, 0, e->ts, e->ts};
            }
            pc[k].n++;
            pc[k].total += e->amount;
            pc[k].first = e->ts < pc[k].first ? e->ts : pc[k].first;
            pc[k].last = e->ts > pc[k].last ? e->ts : pc[k].last;
        }
        assert(pc);
        qsort(pc, n, sizeof *pc, pc_cmp);
        for (size_t k = 0; k < n; k++) {
            if (pc[k].n < (uint32_t)p->struct_min_charges || pc[k].total < p->struct_min_total ||
                (double)(pc[k].last - pc[k].first) < p->struct_min_days * 86400e3)
                continue;
            /* The client's usual charges per freelancer, this one excluded. */
            size_t m = 0;
            ALLOC_GROW(counts, ccap, n);
            for (size_t j = 0; j < n; j++)
                if (j != k)
                    counts[m++] = pc[j].n;
            double usual = 1;
            if (m) {
                qsort(counts, m, sizeof *counts, cmp_u32);
                size_t mid = m / 2; /* the median */
                usual = (double)counts[mid];
            }
            if ((double)pc[k].n < p->struct_vs_client * usual)
                continue;
            st->structuring_pairs++;
            /* The charges are the client's doing: they weigh on the freelancer only when
             * the two are tied by infrastructure too. */
            if (tied(ctx, c, pc[k].freelancer))
                flags_raise(&fl[pc[k].freelancer], FLAG_STRUCTURED_CHARGES, pc[k].n);
            else
                flags_raise_weak(&fl[pc[k].freelancer], FLAG_STRUCTURED_CHARGES, pc[k].n);
        }
    }
    free(pc);
    free(counts);
}

int behav_run(const rs_graph *g, const detect_params *p, acct_flags *fl, behav_link_fn link,
              behav_tie_fn tied, void *ctx, behav_stats *st, rating_episodes *ep, rs_error *err)
{
    memset(st, 0, sizeof *st);
    uint32_t na = graph_count(g, NODE_ACCOUNT);
    behav_edges be = {0};
    edges_build(&be, g);
    distinct_counter dc = {xcalloc(na ? na : 1, sizeof(uint32_t)), 0};
    int rc = client_bursts(g, p, fl, link, tied, ctx, st, ep, &dc, err);
    if (rc == 0)
        rc = resource_bursts(g, &be, p, fl, st, &dc, err);
    free(dc.seen);
    if (rc == 0)
        rc = lockstep(g, &be, p, fl, link, tied, ctx, st, ep, err);
    if (rc == 0) {
        bid_spam(g, p, fl);
        payouts(g, &be, p, fl);
        self_dealing(g, &be, p, fl, link, ctx, st);
        structuring(g, p, fl, tied, ctx, st);
    }
    edges_free(&be);
    return rc == 0 ? 0 : -1;
}

/* The evidence rules of these flags (evrule.h). Of the ratings, only those the
 * flag was raised on: the burst client's high ratings inside its burst, the
 * block's ratings (not every high rating the member ever received, which
 * would implicate honest clients). */

/* A high rating between two known accounts. */
static int high_rating_row(const evsel_view *v, const rating_ev *e)
{
    return e->client != GRAPH_NONE && e->freelancer != GRAPH_NONE &&
           rules_high_rating(v->p, e->stars);
}

int behav_shows_rating_burst(const evsel_view *v, uint32_t a, const source_row *r)
{
    (void)a;
    const rating_ev *e = &r->ev.rating;
    return high_rating_row(v, e) && rating_episodes_in_burst(&v->f->episodes, e->client, r->ts);
}

int behav_shows_rating_lockstep(const evsel_view *v, uint32_t a, const source_row *r)
{
    (void)a;
    const rating_ev *e = &r->ev.rating;
    return high_rating_row(v, e) &&
           rating_episodes_in_lockstep(&v->f->episodes, e->client, e->freelancer);
}

/* A rating between two accounts both flagged for self-dealing. */
int behav_shows_self_dealing(const evsel_view *v, uint32_t a, const source_row *r)
{
    (void)a;
    const rating_ev *e = &r->ev.rating;
    return e->client != GRAPH_NONE && e->freelancer != GRAPH_NONE &&
           flags_has(&v->f->flags[e->client], FLAG_SELF_DEALING) &&
           flags_has(&v->f->flags[e->freelancer], FLAG_SELF_DEALING);
}

/* A bid not accepted. */
int behav_shows_bid_spam(const evsel_view *v, uint32_t a, const source_row *r)
{
    (void)v;
    (void)a;
    return r->ev.bid.accepted != 1;
}

int behav_shows_high_risk_payout(const evsel_view *v, uint32_t a, const source_row *r)
{
    uint32_t d = r->ev.payout.dest;
    return d != GRAPH_NONE &&
           rules_high_risk_payout(v->p, v->g->dest[d].country, v->g->acct[a].country);
}

/* A payout into a destination two or more accounts are paid into. */
int behav_shows_shared_payout(const evsel_view *v, uint32_t a, const source_row *r)
{
    (void)a;
    uint32_t d = r->ev.payout.dest;
    return d != GRAPH_NONE && v->dest_deg[d] >= 2;
}

/* The freelancer's charges from a client that charged it at least
 * struct_min_charges times. */
int behav_shows_structured_charges(const evsel_view *v, uint32_t a, const source_row *r)
{
    uint32_t c = r->ev.charge.client;
    uint64_t key = (uint64_t)c << 32 | a;
    return c != GRAPH_NONE && v->nstructured &&
           bsearch(&key, v->structured, v->nstructured, sizeof key, cmp_u64);
}

/* scoring.c - rings, scores and risk from communities; see scoring.h. */
#include "algorithms/scoring.h"

#include "base/util.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const rs_graph *sort_graph; /* for label comparisons in qsort */

static int acct_label_cmp(const void *pa, const void *pb)
{
    uint32_t a = *(const uint32_t *)pa, b = *(const uint32_t *)pb;
    size_t la, lb;
    const char *sa = intern_str(sort_graph->ids[NODE_ACCOUNT], a, &la);
    const char *sb = intern_str(sort_graph->ids[NODE_ACCOUNT], b, &lb);
    int c = memcmp(sa, sb, la < lb ? la : lb);
    if (c)
        return c;
    return la < lb ? -1 : la > lb;
}

static int ring_rank_cmp(const void *pa, const void *pb)
{
    const ring *a = pa, *b = pb;
    if (a->score != b->score)
        return a->score > b->score ? -1 : 1;
    size_t na = a->nmembers + a->nshills, nb = b->nmembers + b->nshills;
    if (na != nb)
        return na > nb ? -1 : 1;
    uint32_t x = a->nmembers ? a->members[0] : a->shills[0];
    uint32_t y = b->nmembers ? b->members[0] : b->shills[0];
    return acct_label_cmp(&x, &y);
}

static const ring *sort_rings;

static int ring_order_cmp(const void *pa, const void *pb)
{
    return ring_rank_cmp(&sort_rings[*(const uint32_t *)pa], &sort_rings[*(const uint32_t *)pb]);
}

static int res_cmp(const void *pa, const void *pb)
{
    const ring_resource *a = pa, *b = pb;
    if (a->members != b->members)
        return a->members > b->members ? -1 : 1;
    if (a->degree != b->degree)
        return a->degree < b->degree ? -1 : 1;
    if (a->type != b->type)
        return a->type < b->type ? -1 : 1;
    return a->id < b->id ? -1 : a->id > b->id;
}

/* Own-flag corroboration: the probability-style union of the account's flag
 * weights, 1 - prod(1 - fw[k]). */
static void corroborate(const detect_params *p, uint32_t na, findings *out)
{
    for (uint32_t a = 0; a < na; a++) {
        double keep = 1.0;
        for (int k = 0; k < FLAG_COUNT; k++)
            if (out->flags[a].bits & (1u << k))
                keep *= 1.0 - p->fw[k] * (out->flags[a].weak & (1u << k) ? p->weak_flag_factor : 1);
        if (out->flags[a].remote_device)
            keep *= 1.0 - p->remote_device_weight;
        out->corroboration[a] = 1.0 - keep;
    }
}

/* Per-community totals and per-account attachment from the links inside
 * communities. */
typedef struct {
    size_t nc;
    double *cw, *cwa, *csum; /* internal weight, its anonymising part, corroboration sum */
    uint32_t *csize;
    double *attach, *attach_ip; /* per account: internal link weight (non-IP, IP) */
    int32_t *ring_idx;          /* per community: ring index, or -1 */
} comm_totals;

static void totals_build(comm_totals *t, const proj_link *links, size_t nl, const int32_t *comm,
                         size_t ncomm, uint32_t na, const findings *out)
{
    size_t nc = ncomm ? ncomm : 1, nalloc = na ? na : 1;
    t->nc = ncomm;
    t->cw = xcalloc(nc, sizeof *t->cw);
    t->cwa = xcalloc(nc, sizeof *t->cwa);
    t->csum = xcalloc(nc, sizeof *t->csum);
    t->csize = xcalloc(nc, sizeof *t->csize);
    t->attach = xcalloc(nalloc, sizeof *t->attach);
    t->attach_ip = xcalloc(nalloc, sizeof *t->attach_ip);
    t->ring_idx = xreallocarray(NULL, nc, sizeof *t->ring_idx);
    for (size_t i = 0; i < nl; i++) {
        const proj_link *l = &links[i];
        if (comm[l->a] != comm[l->b] || comm[l->a] < 0)
            continue;
        t->cw[comm[l->a]] += l->w;
        t->cwa[comm[l->a]] += l->wa;
        t->attach[l->a] += l->w - l->wi;
        t->attach[l->b] += l->w - l->wi;
        t->attach_ip[l->a] += l->wi;
        t->attach_ip[l->b] += l->wi;
    }
    for (uint32_t a = 0; a < na; a++) {
        if (comm[a] < 0)
            continue;
        t->csize[comm[a]]++;
        t->csum[comm[a]] += out->corroboration[a];
    }
}

static void totals_free(comm_totals *t)
{
    free(t->cw);
    free(t->cwa);
    free(t->csum);
    free(t->csize);
    free(t->attach);
    free(t->attach_ip);
    free(t->ring_idx);
}

/* Scores every community of two or more accounts and keeps those reaching
 * ring_min_score as ring candidates (t->ring_idx). */
static void score_communities(const detect_params *p, comm_totals *t, findings *out)
{
    size_t rcap = 0;
    for (size_t c = 0; c < t->nc; c++) {
        t->ring_idx[c] = -1;
        uint32_t n = t->csize[c];
        if (n < 2)
            continue;
        /* Strength counts links through anonymising IPs only up to
         * anon_member_cap per member: strangers on one VPN provider share
         * many exits, and nothing else. */
        double anon_cap = p->anon_member_cap * n;
        double structural = t->cw[c] - t->cwa[c] + (t->cwa[c] < anon_cap ? t->cwa[c] : anon_cap);
        double strength = 1.0 - exp(-(structural / n) / p->ring_strength_scale);
        double prev = t->csum[c] / n;
        double span = p->ring_prevalence_full - p->ring_prevalence_zero;
        double credit =
            span > 0 ? (prev - p->ring_prevalence_zero) / span : prev >= p->ring_prevalence_full;
        credit = credit < 0 ? 0 : credit > 1 ? 1 : credit;
        double score = strength * credit;
        if (score < p->ring_min_score)
            continue;
        UTIL_GROW(out->rings, rcap, out->nrings + 1);
        ring *rg = &out->rings[out->nrings];
        memset(rg, 0, sizeof *rg);
        rg->score = score;
        rg->strength = strength;
        rg->prevalence = prev;
        rg->internal_weight = t->cw[c];
        rg->density = t->cw[c] / (0.5 * n * (n - 1.0));
        rg->first_seen = INT64_MAX;
        rg->last_seen = INT64_MIN;
        t->ring_idx[c] = (int32_t)out->nrings++;
    }
}

/* Risk: own flags, plus the community's ring score as far as the account is
 * attached to it; flagged = risk >= threshold. */
static void assign_risk(const detect_params *p, const int32_t *comm, uint32_t na,
                        const comm_totals *t, findings *out)
{
    for (uint32_t a = 0; a < na; a++) {
        int32_t r = comm[a] >= 0 ? t->ring_idx[comm[a]] : -1;
        double own = p->own_weight * out->corroboration[a];
        if (r >= 0) {
            /* A member inherits the ring score in proportion to how firmly
             * it is attached: an account pulled in by one weak link (an ISP
             * address reassigned months later) gets little of it, and shared
             * IPs attach it only as far as its own flags corroborate
             * (strangers on a VPN exit a ring also uses share nothing else). */
            double ipc = out->corroboration[a] / p->ip_attach_corroboration;
            double eff = t->attach[a] + t->attach_ip[a] * (ipc < 1 ? ipc : 1);
            double att = 1.0 - exp(-eff / p->attach_scale);
            out->risk[a] = 1.0 - (1.0 - own) * (1.0 - out->rings[r].score * att);
        } else {
            out->risk[a] = own;
        }
        out->flagged[a] = out->risk[a] >= p->threshold;
    }
}

/* A ring lists the community's flagged accounts; one with fewer than two is
 * not a ring. Renumbers the survivors and t->ring_idx. */
static void drop_thin_rings(const int32_t *comm, uint32_t na, comm_totals *t, findings *out)
{
    uint32_t *listed = xcalloc(out->nrings ? out->nrings : 1, sizeof *listed);
    for (uint32_t a = 0; a < na; a++)
        if (comm[a] >= 0 && t->ring_idx[comm[a]] >= 0 && out->flagged[a])
            listed[t->ring_idx[comm[a]]]++;
    size_t kept = 0;
    int32_t *renum = xreallocarray(NULL, out->nrings ? out->nrings : 1, sizeof *renum);
    for (size_t r = 0; r < out->nrings; r++) {
        renum[r] = listed[r] >= 2 ? (int32_t)kept : -1;
        if (listed[r] >= 2)
            out->rings[kept++] = out->rings[r];
    }
    for (size_t c = 0; c < t->nc; c++)
        if (t->ring_idx[c] >= 0)
            t->ring_idx[c] = renum[t->ring_idx[c]];
    out->nrings = kept;
    free(renum);
    free(listed);
}

/* ring_of, members and shill clients (sorted by label), first/last seen. */
static void collect_members(const rs_graph *g, const int32_t *comm, uint32_t na,
                            const comm_totals *t, findings *out)
{
    for (uint32_t a = 0; a < na; a++) {
        out->ring_of[a] = comm[a] >= 0 && out->flagged[a] ? t->ring_idx[comm[a]] : -1;
        if (out->ring_of[a] < 0)
            continue;
        ring *rg = &out->rings[out->ring_of[a]];
        if (g->acct[a].role == ROLE_CLIENT) {
            rg->shills = xreallocarray(rg->shills, rg->nshills + 1, sizeof *rg->shills);
            rg->shills[rg->nshills++] = a;
        } else {
            rg->members = xreallocarray(rg->members, rg->nmembers + 1, sizeof *rg->members);
            rg->members[rg->nmembers++] = a;
        }
        for (size_t i = g->login_off[a]; i < g->login_off[a + 1]; i++) {
            int64_t ts = g->logins.v[i].ts;
            if (ts < rg->first_seen)
                rg->first_seen = ts;
            if (ts > rg->last_seen)
                rg->last_seen = ts;
        }
        flags_raise(&out->flags[a], FLAG_RING_MEMBER, 1);
    }
    sort_graph = g;
    for (size_t r = 0; r < out->nrings; r++) {
        ring *rg = &out->rings[r];
        if (rg->nmembers)
            qsort(rg->members, rg->nmembers, sizeof *rg->members, acct_label_cmp);
        if (rg->nshills)
            qsort(rg->shills, rg->nshills, sizeof *rg->shills, acct_label_cmp);
    }
}

/* Ranks rings, names them R0001... and renumbers ring_of to the ranks. */
static void rank_rings(uint32_t na, findings *out)
{
    if (!out->nrings)
        return;
    uint32_t *order = xreallocarray(NULL, out->nrings, sizeof *order);
    for (size_t r = 0; r < out->nrings; r++)
        order[r] = (uint32_t)r;
    sort_rings = out->rings;
    qsort(order, out->nrings, sizeof *order, ring_order_cmp);
    ring *ranked = xreallocarray(NULL, out->nrings, sizeof *ranked);
    int32_t *new_of_old = xreallocarray(NULL, out->nrings, sizeof *new_of_old);
    for (size_t r = 0; r < out->nrings; r++) {
        ranked[r] = out->rings[order[r]];
        new_of_old[order[r]] = (int32_t)r;
        snprintf(ranked[r].id, sizeof ranked[r].id, "R%04u", (unsigned)(r + 1));
    }
    memcpy(out->rings, ranked, out->nrings * sizeof *ranked);
    for (uint32_t a = 0; a < na; a++)
        if (out->ring_of[a] >= 0)
            out->ring_of[a] = new_of_old[out->ring_of[a]];
    free(new_of_old);
    free(ranked);
    free(order);
}

static int i32_cmp(const void *pa, const void *pb)
{
    int32_t a = *(const int32_t *)pa, b = *(const int32_t *)pb;
    return a < b ? -1 : a > b;
}

/* Each ring's shared resources (used by >= 2 of its accounts, any degree):
 * one pass over every resource's users, counting users per ring. */
static void ring_resources(const res_index *ix, node_type t, findings *out, size_t *caps)
{
    int32_t *hit = NULL;
    size_t hcap = 0;
    for (uint32_t r = 0; r < ix->nres; r++) {
        size_t nh = 0;
        for (size_t k = ix->off[r]; k < ix->off[r + 1]; k++) {
            int32_t ri = out->ring_of[ix->m[k].acct];
            if (ri < 0)
                continue;
            UTIL_GROW(hit, hcap, nh + 1);
            hit[nh++] = ri;
        }
        if (nh < 2)
            continue;
        qsort(hit, nh, sizeof *hit, i32_cmp);
        for (size_t i = 0; i < nh;) {
            size_t j = i;
            while (j < nh && hit[j] == hit[i])
                j++;
            if (j - i >= 2) {
                ring *rg = &out->rings[hit[i]];
                UTIL_GROW(rg->res, caps[hit[i]], rg->nres + 1);
                rg->res[rg->nres++] =
                    (ring_resource){(uint32_t)t, r, (uint32_t)(j - i), resindex_degree(ix, r)};
            }
            i = j;
        }
    }
    free(hit);
}

/* Shared resources (strongest first), flag counts and client links. */
static void ring_facts(const rs_graph *g, const res_index ix[3], uint32_t na, findings *out)
{
    static const node_type types[3] = {NODE_IP, NODE_DEVICE, NODE_DEST};
    size_t *caps = xcalloc(out->nrings ? out->nrings : 1, sizeof *caps);
    for (int k = 0; k < 3; k++)
        ring_resources(&ix[k], types[k], out, caps);
    for (size_t r = 0; r < out->nrings; r++)
        if (out->rings[r].nres)
            qsort(out->rings[r].res, out->rings[r].nres, sizeof *out->rings[r].res, res_cmp);
    for (uint32_t a = 0; a < na; a++) {
        int32_t r = out->ring_of[a];
        if (r < 0)
            continue;
        for (int k = 0; k < FLAG_COUNT; k++)
            if (out->flags[a].bits & (1u << k))
                out->rings[r].flag_counts[k]++;
    }
    /* Ratings and charges between a ring's own accounts, in edge order. */
    memset(caps, 0, (out->nrings ? out->nrings : 1) * sizeof *caps);
    for (size_t i = 0; i < g->nedges; i++) {
        const rs_edge *e = &g->edges[i];
        if (e->kind != EDGE_RATING && e->kind != EDGE_CHARGE)
            continue;
        int32_t r = out->ring_of[e->a];
        if (r < 0 || out->ring_of[e->b] != r)
            continue;
        ring *rg = &out->rings[r];
        if (rg->nclient_links >= FINDINGS_MAX_CLIENT_LINKS)
            continue;
        UTIL_GROW(rg->client_links, caps[r], rg->nclient_links + 1);
        rg->client_links[rg->nclient_links++] = i;
    }
    free(caps);
}

void scoring_run(const rs_graph *g, const detect_params *p, const proj_link *links, size_t nl,
                 const int32_t *comm, size_t ncomm, const res_index ix[3], findings *out)
{
    uint32_t na = graph_count(g, NODE_ACCOUNT);
    comm_totals t;
    memset(&t, 0, sizeof t);
    out->threshold = p->threshold;
    out->ring_min_score = p->ring_min_score;
    corroborate(p, na, out);
    totals_build(&t, links, nl, comm, ncomm, na, out);
    score_communities(p, &t, out);
    assign_risk(p, comm, na, &t, out);
    drop_thin_rings(comm, na, &t, out);
    collect_members(g, comm, na, &t, out);
    rank_rings(na, out);
    ring_facts(g, ix, na, out);
    totals_free(&t);
}

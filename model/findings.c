/* findings.c - freeing the findings and naming node roles; see findings.h. */
#include "model/findings.h"

#include "base/alloc.h"
#include "base/cmp.h"

#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Frees what ring r and its tracking t (NULL without --state) hold. */
static void ring_free(ring *r, ring_track *t)
{
    free(r->members);
    free(r->shills);
    free(r->res);
    free(r->client_links);
    free(r->associates);
    free(r->ident);
    if (t) {
        free(t->related);
        free(t->dispo_note);
    }
}

void findings_free(findings *f)
{
    if (!f)
        return;
    for (size_t i = 0; i < f->nrings; i++)
        ring_free(&f->rings[i], f->hist.track ? &f->hist.track[i] : NULL);
    free(f->rings);
    free(f->flags);
    free(f->risk);
    free(f->corroboration);
    free(f->ring_of);
    free(f->flagged);
    free(f->credits);
    free(f->episodes.bursts);
    free(f->episodes.lockstep);
    free(f->episodes.concentrated);
    free(f->value_bits);
    free(f->reused_texts);
    free(f->ident.off);
    free(f->ident.acct);
    free(f->ident.kind);
    free(f->ident.linked);
    free(f->hist.track);
    free(f->hist.closed);
    free(f->hist.suppressed);
    free(f->hist.first_flagged);
    free(f->hist.dispo);
    free(f->hist.risk_before);
    free(f->hist.decisions_json);
    memset(f, 0, sizeof *f);
}

ring_role findings_node_role(const rs_graph *g, const findings *f, size_t ri, uint32_t gid)
{
    uint32_t id;
    if (graph_node_decode(g, gid, &id) != NODE_ACCOUNT)
        return ROLE_IN_RING_RESOURCE;
    if (f->ring_of[id] != (int32_t)ri)
        return ROLE_IN_RING_COUNTERPARTY;
    return graph_account_type(g, id) == NODE_CLIENT ? ROLE_IN_RING_SHILL : ROLE_IN_RING_MEMBER;
}

const char *findings_role_name(ring_role r)
{
    static const char *const names[] = {"", "member", "shill", "counterparty", "resource"};
    return (unsigned)r < sizeof names / sizeof *names ? names[r] : "";
}

const char *findings_kind_name(ring_kind k)
{
    static const char *const names[] = {"proxy_ring", "rating_ring", "shared_control"};
    return (unsigned)k < sizeof names / sizeof *names ? names[k] : "?";
}

const char *findings_severity_name(ring_severity s)
{
    static const char *const names[] = {"high", "medium", "low"};
    return (unsigned)s < sizeof names / sizeof *names ? names[s] : "?";
}

int findings_severity_parse(const char *name, ring_severity *out)
{
    static const ring_severity v[] = {SEVERITY_HIGH, SEVERITY_MEDIUM, SEVERITY_LOW};
    for (size_t i = 0; i < sizeof v / sizeof *v; i++)
        if (!strcmp(name, findings_severity_name(v[i]))) {
            *out = v[i];
            return 0;
        }
    return -1;
}

void findings_limit_packages(findings *f, ring_severity min)
{
    size_t n = 0;
    while (n < f->nrings && f->rings[f->nrings - 1 - n].severity > min)
        n++;
    /* rank_rings orders by severity first: no ring above it is below min */
    for (size_t i = 0; i + n < f->nrings; i++)
        assert(f->rings[i].severity <= min);
    f->nunpackaged = n;
}

static int burst_cmp(const void *pa, const void *pb)
{
    const rating_burst *a = pa, *b = pb;
    if (a->client != b->client)
        return a->client < b->client ? -1 : 1;
    return a->t0 < b->t0 ? -1 : a->t0 > b->t0;
}

/* Sorts v[0..*n) and drops duplicates. */
static void sort_unique_pairs(uint64_t *v, size_t *n)
{
    if (!*n)
        return;
    qsort(v, *n, sizeof *v, cmp_u64);
    size_t out = 1;
    for (size_t i = 1; i < *n; i++)
        if (v[i] != v[out - 1])
            v[out++] = v[i];
    *n = out;
}

/* Whether key is in v[0..n), sorted. O(log n). */
static int has_pair(const uint64_t *v, size_t n, uint64_t key)
{
    return n && bsearch(&key, v, n, sizeof *v, cmp_u64) != NULL;
}

void rating_episodes_finish(rating_episodes *e)
{
    if (e->nbursts)
        qsort(e->bursts, e->nbursts, sizeof *e->bursts, burst_cmp);
    sort_unique_pairs(e->lockstep, &e->nlockstep);
    sort_unique_pairs(e->concentrated, &e->nconcentrated);
}

int rating_episodes_in_burst(const rating_episodes *e, uint32_t client, int64_t ts)
{
    size_t lo = 0, hi = e->nbursts;
    while (lo < hi) { /* first burst of client */
        size_t mid = lo + (hi - lo) / 2;
        if (e->bursts[mid].client < client)
            lo = mid + 1;
        else
            hi = mid;
    }
    for (; lo < e->nbursts && e->bursts[lo].client == client && e->bursts[lo].t0 <= ts; lo++)
        if (ts <= e->bursts[lo].t1)
            return 1;
    return 0;
}

int rating_episodes_in_lockstep(const rating_episodes *e, uint32_t client, uint32_t freelancer)
{
    return has_pair(e->lockstep, e->nlockstep, (uint64_t)client << 32 | freelancer);
}

int rating_episodes_in_concentration(const rating_episodes *e, uint32_t client, uint32_t freelancer)
{
    return has_pair(e->concentrated, e->nconcentrated, (uint64_t)client << 32 | freelancer);
}

const char *findings_track_name(track_status s)
{
    static const char *const names[] = {"new",   "grown",  "shrunk", "unchanged",
                                        "split", "merged", "gone"};
    return (unsigned)s < sizeof names / sizeof *names ? names[s] : "";
}

const char *findings_disposition_name(disposition d)
{
    static const char *const names[] = {"", "escalated", "confirmed", "benign", "allowlisted"};
    return (unsigned)d < sizeof names / sizeof *names ? names[d] : "";
}

void findings_drop_suppressed(findings *f, uint32_t naccounts)
{
    if (!f->hist.track)
        return;
    int32_t *renum = xreallocarray(NULL, f->nrings ? f->nrings : 1, sizeof *renum);
    size_t w = 0;
    for (size_t i = 0; i < f->nrings; i++) {
        ring_track *t = &f->hist.track[i];
        if (!t->suppressed) {
            renum[i] = (int32_t)w;
            if (w != i) {
                f->rings[w] = f->rings[i];
                f->hist.track[w] = *t;
            }
            snprintf(f->rings[w].id, sizeof f->rings[w].id, "R%04u", (unsigned)(w + 1));
            w++;
            continue;
        }
        renum[i] = -1;
        ring_closed *c = xreallocarray(f->hist.suppressed, f->hist.nsuppressed + 1, sizeof *c);
        f->hist.suppressed = c;
        c += f->hist.nsuppressed++;
        memset(c, 0, sizeof *c);
        memcpy(c->pid, t->pid, sizeof c->pid);
        c->status = t->status;
        c->accounts = (uint32_t)(f->rings[i].nmembers + f->rings[i].nshills);
        ring_free(&f->rings[i], t);
    }
    f->nrings = w;
    for (uint32_t a = 0; a < naccounts; a++)
        if (f->ring_of[a] >= 0)
            f->ring_of[a] = renum[f->ring_of[a]];
    free(renum);
}

const char *findings_ident_label(const rs_graph *g, const findings_identity *fi, uint32_t r,
                                 char *buf, size_t *len)
{
    if (r < fi->nvalues)
        return graph_attr_value(g, r, len);
    int n = snprintf(buf, FINDINGS_IDENT_LABEL, "text cluster %u", r - fi->nvalues);
    *len = n > 0 ? (size_t)n : 0;
    return buf;
}

uint32_t findings_ident_members(const findings_identity *fi, const int32_t *ring_of, uint32_t r,
                                size_t ri)
{
    uint32_t n = 0;
    for (uint32_t j = fi->off[r]; j < fi->off[r + 1]; j++)
        n += ring_of[fi->acct[j]] == (int32_t)ri;
    return n;
}

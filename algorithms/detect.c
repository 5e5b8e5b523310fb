/* detect.c - proxy-account ring detection; see detect.h and
 * docs/detection.md.
 *
 * Pipeline and cost (V accounts, L logins, E aggregated edges, cap = the
 * largest resource degree that still makes pairs):
 *   1. flags          O(L)       login, device and port flags
 *   2. projection     O(L log L + E + sum over resources of
 *                     min(deg, cap)^2): at most E * cap pair updates, near-
 *                     linear in E because mass-shared resources (degree >
 *                     cap) generate no pairs (they stay in the graph and in
 *                     ring evidence); behavioural flags add client links.
 *                     Pairs are summed one account at a time, so memory
 *                     holds the links, not every pair
 *   3. communities    igraph Leiden on the weighted projection, seeded
 *   4. scoring        O(V + E log E)
 * Everything iterates in id order and sorts with total orders, so the result
 * depends only on the graph, the parameters and the seed.
 */
#include "algorithms/detect.h"

#include "algorithms/behav.h"
#include "algorithms/communities.h"
#include "algorithms/concentration.h"
#include "algorithms/handover.h"
#include "algorithms/identity.h"
#include "algorithms/loginflags.h"
#include "algorithms/projection.h"
#include "algorithms/resindex.h"
#include "algorithms/scoring.h"
#include "base/alloc.h"
#include "base/proc.h"

#include <stdlib.h>
#include <string.h>

/* Behavioural links are held back until behaviour is done, so that the ties it asks
 * about are infrastructure alone. */
typedef struct {
    projection *pm;
    const detect_params *p;
    proj_link *held;
    size_t n, cap;
} behav_ctx;

static void behav_link(void *ctx, uint32_t a, uint32_t b, double w, int tied)
{
    behav_ctx *bc = ctx;
    if (a == b)
        return;
    ALLOC_GROW(bc->held, bc->cap, bc->n + 1);
    /* An untied link is weak, like an ordinary IP's: it attaches only as far as the
     * account's own flags corroborate (scoring.c). */
    bc->held[bc->n++] = (proj_link){a, b, w, 0, tied ? 0 : w};
}

static int behav_tied(void *ctx, uint32_t a, uint32_t b)
{
    const behav_ctx *bc = ctx;
    return projection_tied(bc->pm, a, b);
}

typedef struct {
    detect_progress_fn fn;
    void *ctx;
} progress_to;

static void step(const progress_to *pt, int k, const char *what)
{
    if (pt->fn)
        pt->fn(pt->ctx, k, what);
}

/* Stage 2: the infrastructure projection and the behavioural flags and
 * links, then the links Leiden sees (w >= min_link). Returns 0 or -1. */
static int project(const rs_graph *g, const detect_params *p, const res_index ix[3],
                   const ident_index *id, findings *out, proj_link **links, size_t *nl,
                   const progress_to *pt, rs_error *err)
{
    findings_stats *st = &out->stats;
    projection *pm = projection_new();
    projection_ips(pm, g, p, &ix[0], out->flags, &st->capped_resources);
    projection_resources(pm, &ix[1], p->w_device, p->cap_device, p->degree_exponent,
                         &st->capped_resources);
    projection_resources(pm, &ix[2], p->w_dest, p->cap_dest, p->degree_exponent,
                         &st->capped_resources);
    identity_project(pm, id, p, &st->capped_resources);
    behav_stats bs;
    behav_ctx bc = {pm, p, NULL, 0, 0};
    step(pt, 2, "behaviour: rating bursts, lockstep, structuring");
    double tb = proc_now();
    int rc = behav_run(g, p, out->flags, behav_link, behav_tied, &bc, &bs, &out->episodes, err);
    if (rc == 0)
        concentration_run(g, p, out->flags, behav_link, &bc, &out->episodes);
    rating_episodes_finish(&out->episodes);
    st->seconds_behaviour = proc_now() - tb;
    for (size_t i = 0; i < bc.n; i++)
        projection_add(pm, bc.held[i].a, bc.held[i].b, bc.held[i].w, 0, bc.held[i].wi, 0);
    free(bc.held);
    if (rc == 0) {
        st->rating_bursts = bs.rating_bursts;
        st->lockstep_blocks = bs.lockstep_blocks;
        st->structuring_pairs = bs.structuring_pairs;
        st->self_dealing_pairs = bs.self_dealing_pairs;
        st->hire_bursts = bs.hire_bursts;
        st->charge_bursts = bs.charge_bursts;
        st->ip_onboarding_bursts = bs.ip_onboarding_bursts;
        *nl = projection_links_counted(pm, p, out->flags, p->min_link, links, &st->pairs);
        st->projection_edges = *nl;
    }
    projection_free(pm);
    return rc == 0 ? 0 : -1;
}

int detect_run(const rs_graph *g, const detect_params *p, uint64_t seed, findings *out,
               rs_error *err)
{
    return detect_run_progress(g, p, seed, 1, out, NULL, NULL, err);
}

int detect_run_progress(const rs_graph *g, const detect_params *p, uint64_t seed, int threads,
                        findings *out, detect_progress_fn progress, void *ctx, rs_error *err)
{
    progress_to pt = {progress, ctx};
    /* The rules binary-search anon_asns; a config file's list is in its own order. */
    detect_params sorted = *p;
    detect_params_sort_asns(&sorted);
    p = &sorted;
    memset(out, 0, sizeof *out);
    uint32_t na = graph_count(g, NODE_ACCOUNT);
    size_t nalloc = na ? na : 1;
    out->flags = xcalloc(nalloc, sizeof *out->flags);
    out->risk = xcalloc(nalloc, sizeof *out->risk);
    out->corroboration = xcalloc(nalloc, sizeof *out->corroboration);
    out->ring_of = xreallocarray(NULL, nalloc, sizeof *out->ring_of);
    out->flagged = xcalloc(nalloc, 1);
    int32_t *comm = xreallocarray(NULL, nalloc, sizeof *comm);
    res_index ix[3];
    ident_index id;
    proj_link *links = NULL;
    size_t nl = 0;
    findings_stats *st = &out->stats;

    double t0 = proc_now();
    step(&pt, 0, "login, device and port flags");
    /* First: the shared-resource indexes and the detectors that measure shares of an
     * account's rows read the date an account changed hands. */
    int64_t *since = handover_run(g, p, out->flags);
    resindex_build_since(&ix[0], g, NODE_IP, since);
    resindex_build_since(&ix[1], g, NODE_DEVICE, since);
    resindex_build_since(&ix[2], g, NODE_DEST, since);
    free(since);
    loginflags_run(g, p, &ix[1], out->flags);
    identity_build(&id, g, p, threads);
    identity_flags(&id, g, p, out->flags);
    identity_evidence(&id, out);
    st->identity_resources = id.nres;
    st->text_docs = id.ndocs;
    st->text_clusters = id.nres - id.nvalues;
    st->text_candidates = id.text_candidates;
    st->text_links = id.text_pairs_verified;
    st->seconds_text = id.seconds_text;
    st->seconds_flags = proc_now() - t0;

    t0 = proc_now();
    step(&pt, 1, "projection: shared IPs, devices, destinations");
    int rc = project(g, p, ix, &id, out, &links, &nl, &pt, err);
    st->seconds_projection = proc_now() - t0;
    if (rc)
        goto cleanup;

    t0 = proc_now();
    step(&pt, 3, "communities (Leiden)");
    rc = communities_leiden(links, nl, na, p, seed, comm, &st->communities, err);
    st->seconds_leiden = proc_now() - t0;
    if (rc)
        goto cleanup;

    t0 = proc_now();
    step(&pt, 4, "scoring rings");
    scoring_run(g, p, links, nl, comm, (size_t)st->communities, ix, &id, out);
    identity_publish(&id, out);
    st->seconds_scoring = proc_now() - t0;

cleanup:
    for (int k = 0; k < 3; k++)
        resindex_free(&ix[k]);
    identity_free(&id);
    free(links);
    free(comm);
    return rc;
}

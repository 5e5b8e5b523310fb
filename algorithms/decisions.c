/* decisions.c - allowlists and confirmed accounts; see decisions.h. */
#include "algorithms/decisions.h"

#include "algorithms/resindex.h"
#include "base/ipaddr.h"
#include "base/util.h"

#include <stdlib.h>
#include <string.h>

size_t decisions_allowlist(rs_graph *g, const decision_set *d)
{
    size_t found = 0;
    for (size_t i = 0; i < d->n; i++) {
        const decision *x = &d->v[i];
        if (x->decision != DISPO_ALLOWLISTED)
            continue;
        node_type t;
        uint32_t id = GRAPH_NONE;
        size_t len = strlen(x->id);
        if (x->type == SUBJECT_IP) {
            ipaddr ip;
            t = NODE_IP;
            if (ipaddr_parse(x->id, len, &ip, NULL) == 0)
                id = graph_find_ip(g, &ip);
        } else if (x->type == SUBJECT_DEVICE) {
            t = NODE_DEVICE;
            id = graph_find_device(g, x->id, len);
        } else if (x->type == SUBJECT_DESTINATION) {
            t = NODE_DEST;
            id = graph_find_dest(g, x->id, len);
        } else {
            continue;
        }
        if (id == GRAPH_NONE)
            continue;
        graph_allowlist(g, t, id);
        found++;
    }
    return found;
}

/* keep[a] *= (1 - w) for every account a sharing a resource of type t with
 * a confirmed account (confirmed accounts themselves excepted). */
static void resource_ties(const rs_graph *g, node_type t, double w, const uint8_t *conf,
                          double *keep)
{
    res_index ix;
    resindex_build(&ix, g, t);
    for (uint32_t r = 0; r < ix.nres; r++) {
        uint32_t k = resindex_degree(&ix, r);
        if (k < 2)
            continue;
        const uint32_t *u = ix.acct + ix.off[r];
        size_t nconf = 0;
        for (uint32_t j = 0; j < k; j++)
            nconf += conf[u[j]];
        if (!nconf)
            continue;
        double wr = w / (double)(k - 1);
        for (uint32_t j = 0; j < k; j++)
            if (!conf[u[j]])
                for (size_t c = 0; c < nconf; c++)
                    keep[u[j]] *= 1.0 - wr;
    }
    resindex_free(&ix);
}

size_t decisions_confirmed(const rs_graph *g, findings *f, const decision_set *d, double threshold)
{
    uint32_t na = graph_count(g, NODE_ACCOUNT);
    uint8_t *conf = xcalloc(na ? na : 1, 1);
    size_t nconf = 0;
    for (size_t i = 0; i < d->n; i++) {
        const decision *x = &d->v[i];
        if (x->type != SUBJECT_ACCOUNT || x->decision != DISPO_CONFIRMED)
            continue;
        uint32_t a = graph_find_account(g, x->id, strlen(x->id));
        if (a == GRAPH_NONE)
            continue;
        conf[a] = 1;
        nconf++;
    }
    size_t raised = 0;
    if (!f->hist.risk_before) {
        f->hist.risk_before = xreallocarray(NULL, na ? na : 1, sizeof *f->hist.risk_before);
        memcpy(f->hist.risk_before, f->risk, (size_t)na * sizeof *f->risk);
    }
    if (nconf) {
        double *keep = xreallocarray(NULL, na, sizeof *keep);
        for (uint32_t a = 0; a < na; a++)
            keep[a] = 1.0;
        resource_ties(g, NODE_DEVICE, 1.0, conf, keep);
        resource_ties(g, NODE_DEST, 1.0, conf, keep);
        resource_ties(g, NODE_IP, CONFIRMED_W_IP, conf, keep);
        for (size_t i = 0; i < g->nedges; i++) {
            const rs_edge *e = &g->edges[i];
            if (e->kind != EDGE_RATING && e->kind != EDGE_CHARGE)
                continue;
            if (conf[e->a] && !conf[e->b])
                keep[e->b] *= 1.0 - CONFIRMED_W_LINK;
            else if (conf[e->b] && !conf[e->a])
                keep[e->a] *= 1.0 - CONFIRMED_W_LINK;
        }
        for (uint32_t a = 0; a < na; a++) {
            if (conf[a]) {
                f->risk[a] = 1.0;
                f->flagged[a] = 1;
                continue;
            }
            if (keep[a] >= 1.0)
                continue;
            f->risk[a] += (1.0 - f->risk[a]) * CONFIRMED_GAIN * (1.0 - keep[a]);
            if (f->risk[a] >= threshold)
                f->flagged[a] = 1;
            raised++;
        }
        free(keep);
    }
    for (size_t r = 0; r < f->nrings && f->hist.track; r++) {
        const ring *rg = &f->rings[r];
        for (size_t k = 0; k < rg->nmembers + rg->nshills; k++)
            f->hist.track[r].confirmed += conf[findings_ring_account(rg, k)];
    }
    if (f->hist.dispo)
        for (uint32_t a = 0; a < na; a++)
            if (conf[a])
                f->hist.dispo[a] = DISPO_CONFIRMED;
    free(conf);
    return raised;
}

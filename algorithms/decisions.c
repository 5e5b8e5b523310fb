/* decisions.c - the rules and the wording of analysts' decisions; see
 * decisions.h. Decision sets are small (one row per analyst decision), so
 * subjects are found by binary search and baselines compared as text. */
#include "algorithms/decisions.h"

#include "algorithms/resindex.h"
#include "base/ipaddr.h"
#include "base/alloc.h"
#include "base/cmp.h"
#include "model/flags.h"

#include <assert.h>
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
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

/* An effect worded by printf into out. */
static void effect(decision_effects *out, const decision *d, int dated, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static void effect(decision_effects *out, const decision *d, int dated, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    va_list ap2;
    va_copy(ap2, ap);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    assert(n >= 0);
    char *text = xmalloc((size_t)n + 1);
    vsnprintf(text, (size_t)n + 1, fmt, ap2);
    va_end(ap2);
    decisions_effect_add(out, d, dated, text);
}

void decisions_apply_allowlist(rs_graph *g, const decision_set *d, decision_effects *out)
{
    if (!decisions_allowlist(g, d))
        return;
    for (size_t i = 0; i < d->n; i++) {
        const decision *x = &d->v[i];
        node_type t = x->type == SUBJECT_IP       ? NODE_IP
                      : x->type == SUBJECT_DEVICE ? NODE_DEVICE
                                                  : NODE_DEST;
        /* said of every allowlisted subject of a type that has any in the
         * graph, as run.json always has */
        if (x->decision != DISPO_ALLOWLISTED || x->type == SUBJECT_ACCOUNT ||
            x->type == SUBJECT_RING || !g->allowlisted[t])
            continue;
        effect(out, x, 0, "%s", "left out of shared infrastructure: links no accounts");
    }
}

void decisions_apply_confirmed(const rs_graph *g, findings *f, const decision_set *d,
                               double threshold, decision_effects *out)
{
    size_t raised = decisions_confirmed(g, f, d, threshold);
    for (size_t i = 0; i < d->n; i++) {
        const decision *x = &d->v[i];
        if (x->type != SUBJECT_ACCOUNT || x->decision != DISPO_CONFIRMED ||
            graph_find_account(g, x->id, strlen(x->id)) == GRAPH_NONE)
            continue;
        effect(out, x, 0,
               "known bad: flagged with risk 1; with the other confirmed accounts, raised the "
               "risk of %zu accounts tied to them",
               raised);
    }
}

/* --- benign and allowlisted subjects ------------------------------------------ */

/* Returns a new string of buffer b's text ("" when b never grew); b is
 * left empty. */
static char *buf_take(rs_buf *b)
{
    char *s = b->data ? b->data : xstrdup("");
    memset(b, 0, sizeof *b);
    return s;
}

void decisions_baseline_of(const rs_graph *g, const findings *f, const uint32_t *accts, size_t n,
                           decision_baseline *out)
{
    const char **labels = xreallocarray(NULL, n ? n : 1, sizeof *labels);
    uint32_t bits = 0;
    for (size_t i = 0; i < n; i++) {
        labels[i] = intern_str(g->ids[NODE_ACCOUNT], accts[i], NULL);
        bits |= f->flags[accts[i]].bits;
    }
    qsort(labels, n, sizeof *labels, cmp_str);
    rs_buf a = {0}, k = {0};
    for (size_t i = 0; i < n; i++) {
        buf_puts(&a, labels[i]);
        if (i + 1 < n)
            buf_putc(&a, '\n');
    }
    for (int c = 0; c < FLAG_COUNT; c++)
        if (bits >> c & 1) {
            if (k.len)
                buf_putc(&k, ',');
            buf_puts(&k, flags_name((flag_code)c));
        }
    free(labels);
    out->accounts = buf_take(&a);
    out->kinds = buf_take(&k);
}

void decisions_baseline_free(decision_baseline *b)
{
    if (!b)
        return;
    free(b->accounts);
    free(b->kinds);
    b->accounts = b->kinds = NULL;
}

/* 1 when the sep-separated list holds item[0..n). */
static int list_has(const char *list, const char *item, size_t n, char sep)
{
    for (const char *p = list; p && *p;) {
        const char *e = strchr(p, sep);
        size_t len = e ? (size_t)(e - p) : strlen(p);
        if (len == n && !memcmp(p, item, n))
            return 1;
        p = e ? e + 1 : NULL;
    }
    return 0;
}

void decisions_material_change(const decision_baseline *was, const decision_baseline *now,
                               rs_buf *why)
{
    size_t nnew = 0;
    rs_buf names = {0};
    for (const char *p = now->accounts; p && *p;) {
        const char *e = strchr(p, '\n');
        size_t len = e ? (size_t)(e - p) : strlen(p);
        if (!list_has(was->accounts, p, len, '\n')) {
            if (nnew < 5) {
                buf_puts(&names, nnew ? ", " : "");
                buf_append(&names, p, len);
            }
            nnew++;
        }
        p = e ? e + 1 : NULL;
    }
    if (nnew)
        buf_printf(why, "%zu new account%s (%.*s%s)", nnew, nnew == 1 ? "" : "s", (int)names.len,
                   names.data ? names.data : "", nnew > 5 ? ", ..." : "");
    buf_free(&names);
    size_t nk = 0;
    for (const char *p = now->kinds; p && *p;) {
        const char *e = strchr(p, ',');
        size_t len = e ? (size_t)(e - p) : strlen(p);
        if (!list_has(was->kinds, p, len, ',')) {
            buf_puts(why,
                     nk ? ", " : (why->len ? "; new red-flag kinds: " : "new red-flag kinds: "));
            buf_append(why, p, len);
            nk++;
        }
        p = e ? e + 1 : NULL;
    }
}

/* A benign or allowlisted decision d on the n accounts accts: 1 when it
 * still holds, 0 when the subject changed materially (why filled), -1 when
 * the baseline store failed. */
static int still_holds(const rs_graph *g, const findings *f, const decision *d,
                       const uint32_t *accts, size_t n, decisions_baseline_fn baseline, void *ctx,
                       rs_buf *why)
{
    decision_baseline now, was = {0};
    decisions_baseline_of(g, f, accts, n, &now);
    int rc = baseline(ctx, d, &now, &was);
    if (rc == 0) {
        decisions_material_change(&was, &now, why);
        rc = why->len == 0;
    }
    decisions_baseline_free(&was);
    decisions_baseline_free(&now);
    return rc;
}

/* Applies decision d on ring i. Returns 0 or -1 (baseline failed). */
static int ring_decision(const rs_graph *g, findings *f, size_t i, const decision *d,
                         decisions_baseline_fn baseline, void *ctx, decision_effects *out)
{
    ring_track *t = &f->hist.track[i];
    const ring *rg = &f->rings[i];
    t->dispo = d->decision;
    if (d->decision != DISPO_BENIGN && d->decision != DISPO_ALLOWLISTED)
        return 0;
    size_t n = rg->nmembers + rg->nshills;
    uint32_t *accts = xreallocarray(NULL, n ? n : 1, sizeof *accts);
    for (size_t k = 0; k < n; k++)
        accts[k] = findings_ring_account(rg, k);
    rs_buf why = {0};
    int holds = still_holds(g, f, d, accts, n, baseline, ctx, &why);
    free(accts);
    if (holds >= 0 && t->confirmed) { /* newer knowledge than the decision */
        buf_printf(&why, "%s%u account%s confirmed bad", why.len ? "; " : "", t->confirmed,
                   t->confirmed == 1 ? "" : "s");
        holds = 0;
    }
    if (holds < 0) {
        buf_free(&why);
        return -1;
    }
    const char *name = findings_disposition_name(d->decision);
    if (holds) {
        t->suppressed = 1;
        effect(out, d, 1, "ring %s (%zu accounts) not reported: marked %s and unchanged since",
               t->pid, n, name);
    } else {
        t->reopened = 1;
        effect(out, d, 1, "ring %s reported again although marked %s: %s", t->pid, name,
               why.data ? why.data : "");
    }
    t->dispo_note = xstrdup(out->v[out->n - 1].text);
    buf_free(&why);
    return 0;
}

/* Applies decision d on account a. Returns 0 or -1 (baseline failed). */
static int account_decision(const rs_graph *g, findings *f, uint32_t a, const decision *d,
                            decisions_baseline_fn baseline, void *ctx, decision_effects *out)
{
    if (f->hist.dispo[a] == DISPO_NONE || d->decision != DISPO_CONFIRMED)
        f->hist.dispo[a] = (uint8_t)d->decision;
    if (d->decision != DISPO_BENIGN && d->decision != DISPO_ALLOWLISTED)
        return 0;
    rs_buf why = {0};
    int holds = still_holds(g, f, d, &a, 1, baseline, ctx, &why);
    const char *name = findings_disposition_name(d->decision);
    if (holds > 0 && f->flagged[a]) {
        f->flagged[a] = 0;
        effect(out, d, 1, "account not flagged (risk %.3f): marked %s and no new red-flag kinds",
               f->risk[a], name);
    } else if (holds == 0) {
        effect(out, d, 1, "account assessed again although marked %s: %s", name,
               why.data ? why.data : "");
    }
    buf_free(&why);
    return holds < 0 ? -1 : 0;
}

int decisions_apply_benign(const rs_graph *g, findings *f, const decision_set *d,
                           decisions_baseline_fn baseline, void *ctx, decision_effects *out)
{
    uint32_t na = graph_count(g, NODE_ACCOUNT);
    if (!f->hist.dispo)
        f->hist.dispo = xcalloc(na ? na : 1, 1);
    for (size_t i = 0; i < f->nrings; i++) {
        const char *pid = f->hist.track[i].pid;
        const decision *x = decisions_find(d, SUBJECT_RING, pid, strlen(pid));
        if (x && ring_decision(g, f, i, x, baseline, ctx, out) != 0)
            return -1;
    }
    for (size_t i = 0; i < d->n; i++) {
        const decision *x = &d->v[i];
        if (x->type != SUBJECT_ACCOUNT)
            continue;
        uint32_t a = graph_find_account(g, x->id, strlen(x->id));
        if (a != GRAPH_NONE && account_decision(g, f, a, x, baseline, ctx, out) != 0)
            return -1;
    }
    /* Accounts of rings that are not reported are not flagged by them. */
    for (uint32_t a = 0; a < na; a++) {
        int32_t r = f->ring_of[a];
        if (r >= 0 && f->hist.track[r].suppressed && f->hist.dispo[a] != DISPO_CONFIRMED)
            f->flagged[a] = 0;
    }
    return 0;
}

/* --- checking a decisions file ---------------------------------------------------- */

void decisions_problems_free(decision_problems *p)
{
    if (!p)
        return;
    for (size_t i = 0; i < p->n; i++) {
        free(p->v[i].what);
        free(p->v[i].hint);
    }
    free(p->v);
    p->v = NULL;
    p->n = 0;
}

/* A new string printf'd from fmt. */
static char *strf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static char *strf(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    va_list ap2;
    va_copy(ap2, ap);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    assert(n >= 0);
    char *s = xmalloc((size_t)n + 1);
    vsnprintf(s, (size_t)n + 1, fmt, ap2);
    va_end(ap2);
    return s;
}

/* Appends a problem (what and hint stolen). */
static void problem(decision_problems *out, const decision *d, long col, char *what, char *hint)
{
    out->v = xreallocarray(out->v, out->n + 1, sizeof *out->v);
    out->v[out->n++] = (decision_problem){d, col, what, hint};
}

/* 1 when decision x may be made on subject type t (the table in decisions.h). */
static int fits(subject_type t, disposition x)
{
    switch (t) {
    case SUBJECT_ACCOUNT:
        return 1;
    case SUBJECT_RING:
        return x != DISPO_CONFIRMED;
    default: /* infrastructure is not flagged, so only unlinking it does anything */
        return x == DISPO_ALLOWLISTED || x == DISPO_ESCALATED;
    }
}

void decisions_check_rules(const decision_set *d, decision_problems *out)
{
    for (size_t i = 0; i < d->n; i++) {
        const decision *x = &d->v[i];
        const char *name = findings_disposition_name(x->decision);
        const char *type = decisions_subject_name(x->type);
        ipaddr ip;
        rs_error e = {0};
        if (!fits(x->type, x->decision))
            problem(out, x, d->decision_col,
                    strf("decision '%s' does not apply to a %s", name, type),
                    xstrdup(x->type == SUBJECT_RING
                                ? "rings are escalated, benign or allowlisted; confirm the "
                                  "ring's accounts instead"
                                : "an ip, device or destination is allowlisted (it then "
                                  "links nobody) or escalated"));
        else if (x->type == SUBJECT_IP && ipaddr_parse(x->id, strlen(x->id), &ip, &e) != 0)
            problem(out, x, d->id_col, strf("ip '%s' is not an IP address", x->id),
                    xstrdup("give one address, such as 203.0.113.7 or 2001:db8::1, without a "
                            "prefix length or port"));
    }
}

/* 1 when id is rank-style: R and digits only (R0001). */
static int is_rank(const char *id)
{
    if (id[0] != 'R' || !id[1])
        return 0;
    for (const char *p = id + 1; *p; p++)
        if (!isdigit((unsigned char)*p))
            return 0;
    return 1;
}

/* The checks of one ring decision x. Returns 0 or -1 (m failed). */
static int check_ring(const decision_set *d, const decision *x, const decisions_memory *m,
                      decision_problems *out)
{
    if (is_rank(x->id)) {
        char was[16] = "";
        int r = m->rank_was(m->ctx, x->id, was);
        if (r < 0)
            return -1;
        problem(
            out, x, d->id_col,
            strf("ring '%s' is a rank, which changes every run, not a ring id", x->id),
            r ? strf("in the last run %s was ring %s: use that id", x->id, was)
              : strf("the last run had no %s; use the ring's id (RS-...) from rings.json", x->id));
        return 0;
    }
    int r = m->ring_issued(m->ctx, x->id);
    if (r < 0)
        return -1;
    if (!r)
        problem(out, x, d->id_col, strf("ring '%s' was never issued by this state", x->id),
                xstrdup("ring ids look like RS-000123; copy the id from rings.json or the "
                        "case page"));
    return 0;
}

int decisions_check_subjects(const rs_graph *g, const decision_set *d, const decisions_memory *m,
                             decision_problems *out)
{
    for (size_t i = 0; i < d->n; i++) {
        const decision *x = &d->v[i];
        if (x->type == SUBJECT_RING && check_ring(d, x, m, out) != 0)
            return -1;
        if (x->type != SUBJECT_ACCOUNT || graph_find_account(g, x->id, strlen(x->id)) != GRAPH_NONE)
            continue;
        int r = m->account_seen(m->ctx, x->id);
        if (r < 0)
            return -1;
        if (!r)
            problem(
                out, x, d->id_col,
                strf("account '%s' is neither in this run's data nor known to the state", x->id),
                xstrdup("check the id against accounts.csv's account_id"));
    }
    return 0;
}

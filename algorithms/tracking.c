/* tracking.c - ring continuity across runs; see tracking.h. */
#include "algorithms/tracking.h"

#include "base/alloc.h"
#include "base/buf.h"
#include "base/cmp.h"

#include <stdlib.h>
#include <string.h>

size_t tracking_common(const char *const *a, size_t na, const char *const *b, size_t nb)
{
    size_t i = 0, j = 0, n = 0;
    while (i < na && j < nb) {
        int c = strcmp(a[i], b[j]);
        if (c == 0) {
            n++;
            i++;
            j++;
        } else if (c < 0) {
            i++;
        } else {
            j++;
        }
    }
    return n;
}

static int str_cmp(const void *pa, const void *pb)
{
    return strcmp(*(const char *const *)pa, *(const char *const *)pb);
}

/* Sorts v[0..n) and drops duplicates; returns the new count. */
static size_t sort_unique(const char **v, size_t n)
{
    if (n < 2)
        return n;
    qsort(v, n, sizeof *v, str_cmp);
    size_t k = 1;
    for (size_t i = 1; i < n; i++)
        if (strcmp(v[i], v[k - 1]) != 0)
            v[k++] = v[i];
    return k;
}

void tracking_ring_labels(const rs_graph *g, const findings *f, size_t i, track_ring *out,
                          void **block)
{
    const ring *rg = &f->rings[i];
    size_t na = rg->nmembers + rg->nshills;
    rs_buf text = {0};
    size_t *off = xreallocarray(NULL, na + rg->nres + 1, sizeof *off);
    size_t n = 0;
    for (size_t k = 0; k < na; k++) {
        size_t len;
        const char *s = intern_str(g->ids[NODE_ACCOUNT], findings_ring_account(rg, k), &len);
        off[n++] = text.len;
        buf_append(&text, s, len);
        buf_putc(&text, '\0');
    }
    size_t ni = 0;
    for (size_t k = 0; k < rg->nres; k++) {
        const ring_resource *x = &rg->res[k];
        if (x->type == NODE_IP && (uint64_t)x->members * 2 < x->degree)
            continue; /* mostly other accounts' address: binds nothing of the ring's */
        char lb[IPADDR_STRLEN];
        size_t len;
        const char *s = graph_label_n(g, (node_type)x->type, x->id, lb, &len);
        off[n + ni++] = text.len;
        buf_puts(&text, x->type == NODE_IP       ? "ip:"
                        : x->type == NODE_DEVICE ? "device:"
                                                 : "destination:");
        buf_append(&text, s, len);
        buf_putc(&text, '\0');
    }
    size_t total = n + ni;
    char *mem = xmalloc(total * sizeof(char *) + text.len + 1);
    const char **v = (const char **)(void *)mem;
    char *strs = mem + total * sizeof(char *);
    if (text.len)
        memcpy(strs, text.data, text.len);
    for (size_t k = 0; k < total; k++)
        v[k] = strs + off[k];
    out->accts = v;
    out->naccts = sort_unique(v, n);
    out->infra = v + n;
    out->ninfra = sort_unique(v + n, ni);
    out->first_run = 0;
    out->pid = NULL;
    free(off);
    buf_free(&text);
    *block = mem;
}

/* A label of a previous ring, for finding candidates. */
typedef struct {
    const char *label;
    uint32_t ring;
    uint8_t infra;
} plabel;

static int plabel_cmp(const void *pa, const void *pb)
{
    const plabel *a = pa, *b = pb;
    if (a->infra != b->infra)
        return a->infra < b->infra ? -1 : 1;
    int c = strcmp(a->label, b->label);
    if (c)
        return c;
    return a->ring < b->ring ? -1 : a->ring > b->ring;
}

/* First index of (infra, label) in the sorted labels. */
static size_t plabel_find(const plabel *v, size_t n, uint8_t infra, const char *label)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c =
            v[mid].infra != infra ? (v[mid].infra < infra ? -1 : 1) : strcmp(v[mid].label, label);
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

/* A related pair with its overlap. */
typedef struct {
    uint32_t prev, cur;
    uint32_t common; /* accounts in common */
    double overlap;
} tpair;

static double coeff(size_t common, size_t na, size_t nb)
{
    size_t m = na < nb ? na : nb;
    return m ? (double)common / (double)m : 0.0;
}

/* Candidate previous rings of current ring c: those sharing any label. */
static void candidates(const plabel *pl, size_t npl, const track_ring *c, uint32_t stamp,
                       uint32_t *seen, uint32_t **cand, size_t *ncand, size_t *cap)
{
    for (int infra = 0; infra < 2; infra++) {
        const char *const *labels = infra ? c->infra : c->accts;
        size_t n = infra ? c->ninfra : c->naccts;
        for (size_t k = 0; k < n; k++)
            for (size_t i = plabel_find(pl, npl, (uint8_t)infra, labels[k]);
                 i < npl && pl[i].infra == infra && !strcmp(pl[i].label, labels[k]); i++) {
                if (seen[pl[i].ring] == stamp)
                    continue;
                seen[pl[i].ring] = stamp;
                ALLOC_GROW(*cand, *cap, *ncand + 1);
                (*cand)[(*ncand)++] = pl[i].ring;
            }
    }
}

/* Every related (prev, cur) pair, in cur then prev order. */
static tpair *related_pairs(const track_ring *prev, size_t nprev, const track_ring *cur,
                            size_t ncur, size_t *npairs)
{
    size_t npl = 0;
    for (size_t p = 0; p < nprev; p++)
        npl += prev[p].naccts + prev[p].ninfra;
    plabel *pl = xreallocarray(NULL, npl ? npl : 1, sizeof *pl);
    npl = 0;
    for (size_t p = 0; p < nprev; p++) {
        for (size_t k = 0; k < prev[p].naccts; k++)
            pl[npl++] = (plabel){prev[p].accts[k], (uint32_t)p, 0};
        for (size_t k = 0; k < prev[p].ninfra; k++)
            pl[npl++] = (plabel){prev[p].infra[k], (uint32_t)p, 1};
    }
    if (npl)
        qsort(pl, npl, sizeof *pl, plabel_cmp);
    uint32_t *seen = xcalloc(nprev ? nprev : 1, sizeof *seen);
    uint32_t *cand = NULL;
    size_t ccap = 0, pcap = 0;
    tpair *pairs = NULL;
    *npairs = 0;
    for (size_t c = 0; c < ncur; c++) {
        size_t ncand = 0;
        candidates(pl, npl, &cur[c], (uint32_t)c + 1, seen, &cand, &ncand, &ccap);
        if (ncand)
            qsort(cand, ncand, sizeof *cand, cmp_u32);
        for (size_t k = 0; k < ncand; k++) {
            const track_ring *p = &prev[cand[k]];
            size_t ca = tracking_common(p->accts, p->naccts, cur[c].accts, cur[c].naccts);
            size_t ci = tracking_common(p->infra, p->ninfra, cur[c].infra, cur[c].ninfra);
            double oa = coeff(ca, p->naccts, cur[c].naccts);
            double oi = coeff(ci, p->ninfra, cur[c].ninfra);
            double ov = oa > oi ? oa : oi;
            if (ov < TRACK_OVERLAP)
                continue;
            ALLOC_GROW(pairs, pcap, *npairs + 1);
            pairs[(*npairs)++] = (tpair){cand[k], (uint32_t)c, (uint32_t)ca, ov};
        }
    }
    free(cand);
    free(seen);
    free(pl);
    return pairs;
}

/* 1 when pair a is the better claim than b (more accounts in common, then
 * higher overlap); ties are left to the caller's order. */
static int better(const tpair *a, const tpair *b)
{
    if (a->common != b->common)
        return a->common > b->common;
    return a->overlap > b->overlap;
}

/* 1 when previous ring a's id is kept over b's by the ring both continue. */
static int keeps_over(const track_ring *prev, const tpair *a, const tpair *b)
{
    if (a->common != b->common)
        return a->common > b->common;
    if (prev[a->prev].first_run != prev[b->prev].first_run)
        return prev[a->prev].first_run < prev[b->prev].first_run;
    return strcmp(prev[a->prev].pid ? prev[a->prev].pid : "",
                  prev[b->prev].pid ? prev[b->prev].pid : "") < 0;
}

void tracking_match(const track_ring *prev, size_t nprev, const track_ring *cur, size_t ncur,
                    track_result *out)
{
    out->cur = xcalloc(ncur ? ncur : 1, sizeof *out->cur);
    out->prev_into = xreallocarray(NULL, nprev ? nprev : 1, sizeof *out->prev_into);
    out->prev_merged = xcalloc(nprev ? nprev : 1, 1);
    size_t np;
    tpair *pairs = related_pairs(prev, nprev, cur, ncur, &np);
    /* Each previous ring's heir (pairs are in ascending cur order, so the
     * first best is the lowest index). */
    ptrdiff_t *heir = xreallocarray(NULL, nprev ? nprev : 1, sizeof *heir);
    for (size_t p = 0; p < nprev; p++) {
        heir[p] = -1;
        out->prev_into[p] = -1;
    }
    for (size_t k = 0; k < np; k++)
        if (heir[pairs[k].prev] < 0 || better(&pairs[k], &pairs[heir[pairs[k].prev]]))
            heir[pairs[k].prev] = (ptrdiff_t)k;
    /* Each current ring: the claim it keeps among those naming it heir, and
     * the best related ring for a split. */
    ptrdiff_t *keep = xreallocarray(NULL, ncur ? ncur : 1, sizeof *keep);
    ptrdiff_t *best = xreallocarray(NULL, ncur ? ncur : 1, sizeof *best);
    for (size_t c = 0; c < ncur; c++)
        keep[c] = best[c] = -1;
    for (size_t k = 0; k < np; k++) {
        uint32_t c = pairs[k].cur;
        if (best[c] < 0 || better(&pairs[k], &pairs[best[c]]))
            best[c] = (ptrdiff_t)k;
        if (heir[pairs[k].prev] != (ptrdiff_t)k)
            continue;
        out->prev_into[pairs[k].prev] = (int32_t)c;
        if (keep[c] < 0 || keeps_over(prev, &pairs[k], &pairs[keep[c]]))
            keep[c] = (ptrdiff_t)k;
    }
    for (size_t c = 0; c < ncur; c++) {
        track_cur_outcome *o = &out->cur[c];
        o->prev = -1;
        o->status = TRACK_NEW;
        if (keep[c] >= 0) {
            const tpair *kp = &pairs[keep[c]];
            const track_ring *p = &prev[kp->prev];
            o->prev = (int32_t)kp->prev;
            o->added = (uint32_t)(cur[c].naccts - kp->common);
            o->removed = (uint32_t)(p->naccts - kp->common);
            o->status = o->added ? TRACK_GROWN : o->removed ? TRACK_SHRUNK : TRACK_UNCHANGED;
        } else if (best[c] >= 0) {
            o->prev = (int32_t)pairs[best[c]].prev;
            o->status = TRACK_SPLIT;
        }
    }
    for (size_t p = 0; p < nprev; p++) {
        int32_t c = out->prev_into[p];
        if (c >= 0 && out->cur[c].prev != (int32_t)p)
            out->prev_merged[p] = 1;
    }
    free(keep);
    free(best);
    free(heir);
    free(pairs);
}

void tracking_result_free(track_result *r)
{
    if (!r)
        return;
    free(r->cur);
    free(r->prev_into);
    free(r->prev_merged);
    memset(r, 0, sizeof *r);
}

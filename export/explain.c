/* explain.c - the plain-English explanation of a ring; see explain.h. */
#include "export/explain.h"

#include "base/ts.h"
#include "base/alloc.h"
#include "base/buf.h"
#include "export/escape.h"

#include <stdio.h>
#include <string.h>

const char *explain_resource_type(uint32_t t)
{
    return t == NODE_IP ? "ip" : t == NODE_DEVICE ? "device" : "destination";
}

static void append_list(rs_buf *b, const char *const *items, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (i)
            buf_puts(b, i + 1 == n ? " and " : ", ");
        buf_puts(b, items[i]);
    }
}

/* "location, anonymity and high-risk payouts" */
static void append_families(rs_buf *b, uint32_t families)
{
    const char *names[DECEPTION_FAMILIES];
    size_t n = 0;
    for (uint32_t f = 1; f < (1u << DECEPTION_FAMILIES); f <<= 1)
        if (families & f)
            names[n++] = flags_deception_name(f);
    append_list(b, names, n);
}

/* " (RATING_CONCENTRATION)": the rating-collusion flags the ring's accounts carry,
 * what bound it as a rating ring - bursts, lockstep blocks, ratings concentrated in
 * clients sharing cards, or self-dealing. Nothing when none is counted. */
static void append_collusion(rs_buf *b, const ring *rg)
{
    const uint32_t collusion = flags_with(FLAG_P_COLLUSION);
    const char *names[FLAG_COUNT];
    size_t n = 0;
    for (int k = 0; k < FLAG_COUNT; k++)
        if ((collusion & (1u << k)) && rg->flag_counts[k])
            names[n++] = flags_info((flag_code)k)->name;
    if (!n)
        return;
    buf_puts(b, " (");
    append_list(b, names, n);
    buf_puts(b, ")");
}

void explain_kind(rs_buf *b, const ring *rg)
{
    buf_printf(b, "Kind %s, severity %s: ", findings_kind_name(rg->kind),
               findings_severity_name(rg->severity));
    switch (rg->kind) {
    case RING_KIND_PROXY:
        buf_printf(b,
                   "%u of the %u accounts bound by shared control or deceptive infrastructure "
                   "deceive on their own (",
                   rg->bound_deceptive, rg->bound);
        append_families(b, rg->families);
        buf_puts(b, "); a proxy ring needs at least two, and two thirds.");
        if (rg->severity == SEVERITY_HIGH)
            buf_puts(b, " Two or more kinds of deception make it high.");
        break;
    case RING_KIND_RATING:
        buf_printf(b, "%u accounts, raters and rated, carry firm rating-collusion flags",
                   rg->colluding);
        append_collusion(b, rg);
        buf_printf(b,
                   "; only %u of the %u bound accounts deceive on their own, too few for a "
                   "proxy ring.",
                   rg->bound_deceptive, rg->bound);
        break;
    case RING_KIND_SHARED_CONTROL:
        buf_printf(b,
                   "%u accounts share both a device and a payment destination, but only %u of "
                   "the %u bound accounts deceive on their own (a proxy ring needs two thirds) "
                   "and no tied rating collusion was seen: one person or agency running several "
                   "accounts, which platform rules may forbid, not a disguised proxy ring. Its "
                   "accounts are not flagged for it.",
                   rg->controlled, rg->bound_deceptive, rg->bound);
        break;
    }
}

/* Whether flag k corroborates ring rg in its explanation: a fact about the
 * accounts (not derived from the ring) that one of them carries. */
static int corroborating(const ring *rg, int k)
{
    return !(flags_info((flag_code)k)->props & FLAG_P_DERIVED) && rg->flag_counts[k];
}

char *explain_ring(const rs_graph *g, const findings *r, size_t i)
{
    const ring *rg = &r->rings[i];
    rs_buf b = {0};
    char t1[TS_FMT_LEN], t2[TS_FMT_LEN];
    buf_printf(&b, "%s groups %zu account%s", findings_ring_id(r, i), rg->nmembers,
               rg->nmembers == 1 ? "" : "s");
    if (rg->nshills)
        buf_printf(&b, " and %zu client account%s", rg->nshills, rg->nshills == 1 ? "" : "s");
    if (rg->first_seen != INT64_MAX)
        buf_printf(&b, " active from %.10s to %.10s", ts_format(rg->first_seen, t1),
                   ts_format(rg->last_seen, t2));
    buf_puts(&b, ". ");
    uint32_t nip = 0, ndev = 0, ndest = 0;
    for (size_t k = 0; k < rg->nres; k++) {
        nip += rg->res[k].type == NODE_IP;
        ndev += rg->res[k].type == NODE_DEVICE;
        ndest += rg->res[k].type == NODE_DEST;
    }
    const char *parts[3];
    char s0[64], s1[64], s2[64];
    size_t np = 0;
    if (ndev) {
        snprintf(s0, sizeof s0, "%u device%s", ndev, ndev == 1 ? "" : "s");
        parts[np++] = s0;
    }
    if (ndest) {
        snprintf(s1, sizeof s1, "%u payment destination%s", ndest, ndest == 1 ? "" : "s");
        parts[np++] = s1;
    }
    if (nip) {
        snprintf(s2, sizeof s2, "%u IP address%s", nip, nip == 1 ? "" : "es");
        parts[np++] = s2;
    }
    if (np) {
        buf_puts(&b, "Its members share ");
        append_list(&b, parts, np);
        if (rg->nres) {
            const ring_resource *top = &rg->res[0];
            char lb[IPADDR_STRLEN];
            const char *label = graph_label(g, (node_type)top->type, top->id, lb);
            buf_printf(&b, "; the most shared is %s ", explain_resource_type(top->type));
            rs_buf q = {0};
            escape_utf8(&q, label, strlen(label));
            buf_printf(&b, "'%s', used by %u members", q.data ? q.data : "", top->members);
            buf_free(&q);
            if (top->degree > top->members)
                buf_printf(&b, " and %u other account%s", top->degree - top->members,
                           top->degree - top->members == 1 ? "" : "s");
        }
        buf_puts(&b, ". ");
    }
    size_t total = rg->nmembers + rg->nshills;
    /* Written straight into b: a fixed buffer per flag cut the longer meanings short. */
    size_t nf = 0, k_done = 0;
    for (int k = 0; k < FLAG_COUNT; k++)
        nf += corroborating(rg, k);
    if (nf) {
        buf_puts(&b, "Corroborating red flags: ");
        for (int k = 0; k < FLAG_COUNT; k++) {
            if (!corroborating(rg, k))
                continue;
            if (k_done)
                buf_puts(&b, k_done + 1 == nf ? " and " : ", ");
            buf_printf(&b, "%u of %zu %s", rg->flag_counts[k], total, flags_meaning((flag_code)k));
            k_done++;
        }
        buf_puts(&b, ". ");
    }
    /* The score was computed over the community Leiden found, which may hold
     * accounts the ring does not list: say over how many. */
    if (rg->community_size && rg->community_size != total)
        buf_printf(&b,
                   "Score %.2f = link strength %.2f (internal link weight %.1f over the %u "
                   "accounts of its community, %zu of them listed here) x corroboration credit "
                   "from a mean own-flag score of %.2f over those %u. ",
                   rg->score, rg->strength, rg->internal_weight, rg->community_size, total,
                   rg->prevalence, rg->community_size);
    else
        buf_printf(&b,
                   "Score %.2f = link strength %.2f (internal link weight %.1f over %zu "
                   "accounts) x corroboration credit from a mean own-flag score of %.2f. ",
                   rg->score, rg->strength, rg->internal_weight, total, rg->prevalence);
    explain_kind(&b, rg);
    const ring_track *t = r->hist.track ? &r->hist.track[i] : NULL;
    if (t && t->dispo_note) /* the analysts' decision, and what it did */
        buf_printf(&b, " Decision: %s.", t->dispo_note);
    if (t && t->confirmed)
        buf_printf(&b, " %u of its accounts %s confirmed bad by an analyst.", t->confirmed,
                   t->confirmed == 1 ? "was" : "were");
    char *out = xstrdup(b.data ? b.data : "");
    buf_free(&b);
    return out;
}

/* scoring.c - rings, scores and risk from communities; see scoring.h.
 *
 * Orders that compare account labels or risks sort with qsort_r and take the
 * graph and findings as the comparison's context, not from file-level state.
 * Every such order ends on a unique key (a label, an account), so it does not
 * depend on the sort's stability.
 */
#define _GNU_SOURCE /* qsort_r (glibc) */
#include "algorithms/scoring.h"

#include "algorithms/loginflags.h"
#include "algorithms/rules.h"
#include "base/alloc.h"
#include "base/cmp.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* What the orders below compare by, handed to qsort_r: the graph (account
 * labels), the findings (risks) and the rings being ranked. Borrowed. */
typedef struct {
    const rs_graph *g;
    const findings *f;
    const ring *rings;
} sort_ctx;

/* Account ids by label (the intern string). */
static int label_order(const rs_graph *g, uint32_t a, uint32_t b)
{
    size_t la, lb;
    const char *sa = intern_str(g->ids[NODE_ACCOUNT], a, &la);
    const char *sb = intern_str(g->ids[NODE_ACCOUNT], b, &lb);
    int c = memcmp(sa, sb, la < lb ? la : lb);
    if (c)
        return c;
    return la < lb ? -1 : la > lb;
}

static int acct_label_cmp(const void *pa, const void *pb, void *ctx)
{
    return label_order(((const sort_ctx *)ctx)->g, *(const uint32_t *)pa, *(const uint32_t *)pb);
}

/* Sorts the account ids ids[0..n) by label. */
static void sort_by_label(const rs_graph *g, uint32_t *ids, size_t n)
{
    sort_ctx c = {g, NULL, NULL};
    if (n)
        qsort_r(ids, n, sizeof *ids, acct_label_cmp, &c);
}

static int ring_rank_cmp(const ring *a, const ring *b, const rs_graph *g)
{
    if (a->severity != b->severity)
        return a->severity < b->severity ? -1 : 1;
    /* Scores as shown (three decimals), then corroboration (the mean own-flag
     * score of the ring's accounts), then the internal link weight: scores
     * saturate near 1 for strong rings, and a ring whose accounts carry
     * stronger flags of their own comes first. */
    double sa = round(a->score * 1000.0), sb = round(b->score * 1000.0);
    if (sa != sb)
        return sa > sb ? -1 : 1;
    if (a->prevalence != b->prevalence)
        return a->prevalence > b->prevalence ? -1 : 1;
    if (a->internal_weight != b->internal_weight)
        return a->internal_weight > b->internal_weight ? -1 : 1;
    size_t na = a->nmembers + a->nshills, nb = b->nmembers + b->nshills;
    if (na != nb)
        return na > nb ? -1 : 1;
    uint32_t x = a->nmembers ? a->members[0] : a->shills[0];
    uint32_t y = b->nmembers ? b->members[0] : b->shills[0];
    return label_order(g, x, y);
}

/* Ring indices ranked by their rings (ctx: g and rings). */
static int ring_order_cmp(const void *pa, const void *pb, void *ctx)
{
    const sort_ctx *c = ctx;
    return ring_rank_cmp(&c->rings[*(const uint32_t *)pa], &c->rings[*(const uint32_t *)pb], c->g);
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

/* An account's own-flag score: the probability-style union of its flags' weights,
 * 1 - prod(1 - fw[k]); weak flags count weak_flag_factor of their weight, or nothing
 * when firm_only. */
static double own_score(const detect_params *p, const acct_flags *f, int firm_only)
{
    double keep = 1.0;
    for (int k = 0; k < FLAG_COUNT; k++) {
        if (!(f->bits & (1u << k)))
            continue;
        int weak = (f->weak >> k) & 1;
        if (weak && firm_only)
            continue;
        keep *= 1.0 - p->fw[k] * (weak ? p->weak_flag_factor : 1);
    }
    if (f->remote_device)
        keep *= 1.0 - p->remote_device_weight;
    return 1.0 - keep;
}

/* A ring's core: accounts showing deception, or firm rating collusion, of their own. */
static int is_core(const acct_flags *f)
{
    const uint32_t collusion = flags_with(FLAG_P_COLLUSION);
    return flags_deception(f) || (f->bits & ~f->weak & collusion);
}

static void corroborate(const detect_params *p, uint32_t na, findings *out)
{
    for (uint32_t a = 0; a < na; a++)
        out->corroboration[a] = own_score(p, &out->flags[a], 0);
}

/* Per-community totals and per-account attachment from the links inside
 * communities. */
/* How an account is bound inside its community (bits). */
enum { BIND_DEVICE = 1, BIND_DEST = 2, BIND_DECEPTIVE = 4, BIND_IDENTITY = 8 };

typedef struct {
    size_t nc;
    double *cw, *cwa, *csum; /* internal weight, its anonymising part, corroboration sum */
    uint32_t *csize;
    double *attach, *attach_ip; /* per account: internal link weight (non-IP, IP) */
    int32_t *ring_idx;          /* per community: ring index, or -1 */
    uint8_t *bind;              /* per account: BIND_* */
    /* per community: the facts ring kinds are decided on (see ring in findings.h) */
    uint32_t *bound, *bound_deceptive, *families, *colluding_clients, *colluding_freelancers,
        *controlled;
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
    t->bind = xcalloc(nalloc, 1);
    t->bound = xcalloc(nc, sizeof *t->bound);
    t->bound_deceptive = xcalloc(nc, sizeof *t->bound_deceptive);
    t->families = xcalloc(nc, sizeof *t->families);
    t->colluding_clients = xcalloc(nc, sizeof *t->colluding_clients);
    t->colluding_freelancers = xcalloc(nc, sizeof *t->colluding_freelancers);
    t->controlled = xcalloc(nc, sizeof *t->controlled);
    for (size_t i = 0; i < nl; i++) {
        const proj_link *l = &links[i];
        if (comm[l->a] != comm[l->b] || comm[l->a] < 0)
            continue;
        t->cw[comm[l->a]] += l->w;
        t->cwa[comm[l->a]] += l->wa;
        /* Attachment counts links to the ring's core only (accounts that deceive or
         * collude): an agency or a household Leiden put beside a ring is tied to its
         * own members, not to the ring. */
        if (is_core(&out->flags[l->b])) {
            t->attach[l->a] += l->w - l->wi;
            t->attach_ip[l->a] += l->wi;
        }
        if (is_core(&out->flags[l->a])) {
            t->attach[l->b] += l->w - l->wi;
            t->attach_ip[l->b] += l->wi;
        }
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
    free(t->bind);
    free(t->bound);
    free(t->bound_deceptive);
    free(t->families);
    free(t->colluding_clients);
    free(t->colluding_freelancers);
    free(t->controlled);
}

typedef struct {
    uint32_t comm, acct;
} comm_user;

static int comm_user_cmp(const void *pa, const void *pb)
{
    const comm_user *a = pa, *b = pb;
    if (a->comm != b->comm)
        return a->comm < b->comm ? -1 : 1;
    return a->acct < b->acct ? -1 : a->acct > b->acct;
}

/* The users acct[lo, hi) of one resource that belong to a community, sorted by
 * (community, account), into *u (grown as needed); 0 when fewer than two. */
static size_t users_by_community(const uint32_t *acct, size_t lo, size_t hi, const int32_t *comm,
                                 comm_user **u, size_t *ucap)
{
    size_t n = 0;
    for (size_t j = lo; j < hi; j++) {
        if (comm[acct[j]] < 0)
            continue;
        ALLOC_GROW(*u, *ucap, n + 1);
        (*u)[n++] = (comm_user){(uint32_t)comm[acct[j]], acct[j]};
    }
    if (n < 2)
        return 0;
    qsort(*u, n, sizeof **u, comm_user_cmp);
    return n;
}

/* Resources with remote access observed (per id of type t, or NULL when none): a
 * remote-desktop port on a device; on an IP, a port or a login through a
 * remote-desktop client (loginflags_remote_ips). */
static uint8_t *remote_resources(const rs_graph *g, const detect_params *p, node_type t)
{
    if (t == NODE_IP)
        return loginflags_remote_ips(g, p);
    uint8_t *rem = xcalloc((size_t)graph_count(g, t) + 1, 1);
    for (size_t i = 0; i < g->ports.n; i++) {
        const port_ev *e = &g->ports.v[i];
        uint32_t id = t == NODE_IP ? e->ip : e->device;
        if (id != GRAPH_NONE && rules_remote_port(p, e->port))
            rem[id] = 1;
    }
    return rem;
}

/* Whether resource r of type t, used by the n community members u[0..n), binds them
 * deceptively: a payout account in a high-risk country at least two of them do not
 * claim; an IP in a country at least two of them do not claim (an operator's line
 * abroad); a device, or an IP, with remote-desktop exposure where at least two, and
 * half, of them run remote-desktop software (a laptop farm, rules_farm_line); an IP
 * that at least two of them live on as a farm line (FARM_LINE). */
static int binds_deceptively(const rs_graph *g, const detect_params *p, node_type t, uint32_t r,
                             const comm_user *u, size_t n, const uint8_t *rem, const findings *out)
{
    uint32_t away = 0, remote = 0, lives = 0, users = (uint32_t)n;
    const char *cc = t == NODE_IP ? g->ip[r].country : t == NODE_DEST ? g->dest[r].country : "";
    for (size_t k = 0; k < n; k++) {
        const char *claim = g->acct[u[k].acct].country;
        if (t == NODE_DEST)
            away += rules_high_risk_payout(p, cc, claim);
        else if (t == NODE_IP)
            away += cc[0] && claim[0] && strcmp(cc, claim) != 0;
        remote += out->flags[u[k].acct].remote_device;
        lives += t == NODE_IP && out->flags[u[k].acct].farm_line == r + 1;
    }
    return away >= 2 || lives >= 2 || (rem && rem[r] && rules_farm_line(users, remote));
}

/* Marks, per account, how shared resources bind it inside its community (t->bind): one
 * pass over every resource's users grouped by community. Anonymising IPs bind nobody
 * (strangers share VPN exits). */
static void bind_accounts(const rs_graph *g, const detect_params *p, const res_index ix[3],
                          const int32_t *comm, const findings *out, comm_totals *t)
{
    static const node_type types[3] = {NODE_IP, NODE_DEVICE, NODE_DEST};
    comm_user *u = NULL;
    size_t ucap = 0;
    for (int k = 0; k < 3; k++) {
        uint8_t *rem = types[k] == NODE_DEST ? NULL : remote_resources(g, p, types[k]);
        for (uint32_t r = 0; r < ix[k].nres; r++) {
            if (types[k] == NODE_IP && rules_anon_ip(p, &g->ip[r]))
                continue;
            size_t n =
                users_by_community(ix[k].acct, ix[k].off[r], ix[k].off[r + 1], comm, &u, &ucap);
            for (size_t i = 0; i < n;) {
                size_t j = i;
                while (j < n && u[j].comm == u[i].comm)
                    j++;
                if (j - i >= 2) {
                    uint8_t bits = types[k] == NODE_DEVICE ? BIND_DEVICE
                                   : types[k] == NODE_DEST ? BIND_DEST
                                                           : 0;
                    if (binds_deceptively(g, p, types[k], r, u + i, j - i, rem, out))
                        bits |= BIND_DECEPTIVE;
                    for (size_t q = i; q < j; q++)
                        t->bind[u[q].acct] |= bits;
                }
                i = j;
            }
        }
        free(rem);
    }
    free(u);
}

/* The same for identity resources that tie (contact details, documents, photos,
 * forwarding points): two or more users in one community are bound by it, and
 * deceptively when it joins unrelated names or forwards equipment. */
static void bind_identity(const ident_index *id, const int32_t *comm, comm_totals *t)
{
    comm_user *u = NULL;
    size_t ucap = 0;
    for (uint32_t r = 0; id && r < id->nres; r++) {
        if (!(id->bits[r] & IDENT_TIES))
            continue;
        size_t n = users_by_community(id->acct, id->off[r], id->off[r + 1], comm, &u, &ucap);
        uint8_t bits = BIND_IDENTITY | (id->bits[r] & IDENT_DECEPTIVE ? BIND_DECEPTIVE : 0);
        for (size_t i = 0; i < n;) {
            size_t j = i;
            while (j < n && u[j].comm == u[i].comm)
                j++;
            for (size_t q = i; j - i >= 2 && q < j; q++)
                t->bind[u[q].acct] |= bits;
            i = j;
        }
    }
    free(u);
}

/* Per community: bound accounts, how many of them deceive and in which families,
 * accounts with firm rating collusion, accounts sharing both a device and a payment
 * destination. */
static void kind_facts(const rs_graph *g, const int32_t *comm, uint32_t na, const findings *out,
                       comm_totals *t)
{
    const uint32_t collusion = flags_with(FLAG_P_COLLUSION);
    for (uint32_t a = 0; a < na; a++) {
        int32_t c = comm[a];
        if (c < 0)
            continue;
        uint32_t dec = flags_deception(&out->flags[a]);
        if (t->bind[a]) {
            t->bound[c]++;
            if (dec) {
                t->bound_deceptive[c]++;
                t->families[c] |= dec;
            }
        }
        if ((t->bind[a] & (BIND_DEVICE | BIND_DEST)) == (BIND_DEVICE | BIND_DEST))
            t->controlled[c]++;
        if (out->flags[a].bits & ~out->flags[a].weak & collusion) {
            if (g->acct[a].role == ROLE_CLIENT)
                t->colluding_clients[c]++;
            else
                t->colluding_freelancers[c]++;
        }
    }
}

/* The kind of community c scoring `score` (docs/detection.md, "Ring kinds"), or -1
 * when it is not reported:
 *   proxy_ring      scores ring_min_score, and at least two, and at least two thirds, of
 *                   its accounts bound by control or deceptive infrastructure show
 *                   deception of their own;
 *   rating_ring     scores ring_min_score, and a client and two freelancers in it carry
 *                   firm rating-collusion flags (tied raters and rated);
 *   shared_control  otherwise, when at least two of its accounts share both a device and
 *                   a payment destination. */
static int community_kind(const detect_params *p, const comm_totals *t, size_t c, double score)
{
    uint32_t nb = t->bound[c], nbd = t->bound_deceptive[c];
    if (score >= p->ring_min_score && nbd >= 2 && 3 * nbd >= 2 * nb)
        return RING_KIND_PROXY;
    if (score >= p->ring_min_score && t->colluding_clients[c] >= 1 &&
        t->colluding_freelancers[c] >= 2)
        return RING_KIND_RATING;
    if (t->controlled[c] >= 2)
        return RING_KIND_SHARED_CONTROL;
    return -1;
}

/* Scores every community of two or more accounts and keeps those with a kind as ring
 * candidates (t->ring_idx). */
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
        int kind = community_kind(p, t, c, score);
        if (kind < 0)
            continue;
        ALLOC_GROW(out->rings, rcap, out->nrings + 1);
        ring *rg = &out->rings[out->nrings];
        memset(rg, 0, sizeof *rg);
        rg->kind = (ring_kind)kind;
        rg->bound = t->bound[c];
        rg->bound_deceptive = t->bound_deceptive[c];
        rg->families = t->families[c];
        rg->colluding = t->colluding_clients[c] + t->colluding_freelancers[c];
        rg->controlled = t->controlled[c];
        rg->score = score;
        rg->strength = strength;
        rg->prevalence = prev;
        rg->internal_weight = t->cw[c];
        rg->community_size = n;
        rg->density = t->cw[c] / (0.5 * n * (n - 1.0));
        rg->first_seen = INT64_MAX;
        rg->last_seen = INT64_MIN;
        t->ring_idx[c] = (int32_t)out->nrings++;
    }
}

/* Proxy and rating rings pass their score on to their members; a rating ring only to
 * members with a firm red flag of their own (own_firm > 0). A rating ring's evidence is
 * its ratings: an account tied to one of its shills by a shared email, that neither
 * gave nor received a rating the ring is accused of and shows nothing else, took no
 * part in it. A proxy ring's personas may show nothing but the devices and payout
 * accounts they share with it. */
static int inherits(const findings *out, int32_t r, double own_firm)
{
    if (r < 0 || out->rings[r].kind == RING_KIND_SHARED_CONTROL)
        return 0;
    return out->rings[r].kind != RING_KIND_RATING || own_firm > 0;
}

/* Risk: own flags, plus the community's ring score as far as the account is
 * attached to it; flagged = risk >= threshold. */
static void assign_risk(const detect_params *p, const int32_t *comm, uint32_t na,
                        const comm_totals *t, findings *out)
{
    for (uint32_t a = 0; a < na; a++) {
        int32_t r = comm[a] >= 0 ? t->ring_idx[comm[a]] : -1;
        double own = p->own_weight * out->corroboration[a];
        double own_firm = own_score(p, &out->flags[a], 1);
        if (inherits(out, r, own_firm)) {
            /* A member inherits the ring score in proportion to how firmly
             * it is attached: an account pulled in by one weak link (an ISP
             * address reassigned months later) gets little of it, and shared
             * IPs and behaviour it only received (a shill's rating) attach it
             * only as far as its own firm flags corroborate (strangers on a VPN
             * exit a ring also uses share nothing else; an honest freelancer a
             * shill hired for camouflage did nothing). */
            double ipc = own_firm / p->ip_attach_corroboration;
            double eff = t->attach[a] + t->attach_ip[a] * (ipc < 1 ? ipc : 1);
            double att = 1.0 - exp(-eff / p->attach_scale);
            out->risk[a] = 1.0 - (1.0 - own) * (1.0 - out->rings[r].score * att);
        } else {
            out->risk[a] = own;
        }
        out->flagged[a] = out->risk[a] >= p->threshold;
    }
}

/* Whether account a is listed in its community's ring r: a proxy or rating ring lists
 * the community's flagged accounts; a shared-control cluster the accounts sharing both a
 * device and a payment destination. */
static int listed_in(const findings *out, const comm_totals *t, int32_t r, uint32_t a)
{
    if (r < 0)
        return 0;
    if (out->rings[r].kind == RING_KIND_SHARED_CONTROL)
        return (t->bind[a] & (BIND_DEVICE | BIND_DEST)) == (BIND_DEVICE | BIND_DEST);
    return out->flagged[a];
}

/* A ring with fewer than two listed accounts is not one; a proxy or rating ring with
 * fewer than two flagged accounts may still be a shared-control cluster. Renumbers the
 * survivors and t->ring_idx. */
static void drop_thin_rings(const int32_t *comm, uint32_t na, comm_totals *t, findings *out)
{
    uint32_t *listed = xcalloc(out->nrings ? out->nrings : 1, sizeof *listed);
    for (uint32_t a = 0; a < na; a++)
        if (comm[a] >= 0 && listed_in(out, t, t->ring_idx[comm[a]], a))
            listed[t->ring_idx[comm[a]]]++;
    for (size_t r = 0; r < out->nrings; r++) {
        if (listed[r] >= 2 || out->rings[r].kind == RING_KIND_SHARED_CONTROL ||
            out->rings[r].controlled < 2)
            continue;
        out->rings[r].kind = RING_KIND_SHARED_CONTROL;
        listed[r] = out->rings[r].controlled;
    }
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
        int32_t r = comm[a] >= 0 ? t->ring_idx[comm[a]] : -1;
        out->ring_of[a] = listed_in(out, t, r, a) ? r : -1;
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
        if (rg->kind != RING_KIND_SHARED_CONTROL)
            flags_raise(&out->flags[a], FLAG_RING_MEMBER, 1);
        for (size_t i = g->payout_off[a]; i < g->payout_off[a + 1]; i++)
            if (g->payouts.v[i].dest != GRAPH_NONE && g->dest[g->payouts.v[i].dest].crypto) {
                rg->crypto_paid++; /* the case summary names crypto payouts */
                break;
            }
    }
    for (size_t r = 0; r < out->nrings; r++) {
        ring *rg = &out->rings[r];
        sort_by_label(g, rg->members, rg->nmembers);
        sort_by_label(g, rg->shills, rg->nshills);
    }
}

/* How many distinct freelancers client c paid without rating them highly; rated[0, n)
 * are those it did rate highly, sorted. *buf is scratch, grown as needed. */
static size_t paid_not_rated(const rs_graph *g, uint32_t c, const uint32_t *rated, size_t n,
                             uint32_t **buf, size_t *cap)
{
    size_t m = 0;
    for (size_t i = g->charge_off[c]; i < g->charge_off[c + 1]; i++) {
        uint32_t f = g->charges.v[i].freelancer;
        if (bsearch(&f, rated, n, sizeof *rated, cmp_u32))
            continue;
        ALLOC_GROW(*buf, *cap, m + 1);
        (*buf)[m++] = f;
    }
    if (m)
        qsort(*buf, m, sizeof **buf, cmp_u32);
    size_t distinct = 0;
    for (size_t i = 0; i < m; i++)
        distinct += !i || (*buf)[i] != (*buf)[i - 1];
    return distinct;
}

/* Shills by association: a client outside every ring whose high ratings went to at
 * least two accounts of one proxy or rating ring, and to that ring for at least two
 * thirds of the freelancers it rated highly, joins the ring as a shill client (a shill
 * that rated a few members, too few for a burst, has nothing else to show). A client
 * with no red flag of its own must have given the ring two thirds of all its business:
 * the freelancers it paid count too, rated or not. Hiring two of a ring's personas and
 * rating their work is what an honest customer of the ring does as well; one that also
 * hired others is a customer, not a shill. Its risk is the ring's score times that
 * share. O(R log R) over the ratings and charges. */
static void shills_by_association(const rs_graph *g, const detect_params *p, uint32_t na,
                                  findings *out)
{
    uint32_t *rated = NULL, *paid = NULL;
    size_t cap = 0, pcap = 0;
    for (uint32_t c = 0; c < na; c++) {
        if (g->acct[c].role != ROLE_CLIENT || out->ring_of[c] >= 0)
            continue;
        size_t n = 0;
        for (size_t i = g->rating_off[c]; i < g->rating_off[c + 1]; i++) {
            if (!rules_high_rating(p, g->ratings.v[i].stars))
                continue;
            ALLOC_GROW(rated, cap, n + 1);
            rated[n++] = g->ratings.v[i].freelancer;
        }
        if (n < 2)
            continue;
        qsort(rated, n, sizeof *rated, cmp_u32);
        size_t distinct = 0, in_best = 0;
        int32_t best = -1;
        for (size_t i = 0; i < n; i++) {
            if (i && rated[i] == rated[i - 1])
                continue;
            distinct++;
            int32_t r = out->ring_of[rated[i]];
            if (r < 0 || out->rings[r].kind == RING_KIND_SHARED_CONTROL)
                continue;
            /* count this ring's distinct members among the rated */
            size_t in = 0;
            for (size_t j = 0; j < n; j++)
                if ((!j || rated[j] != rated[j - 1]) && out->ring_of[rated[j]] == r)
                    in++;
            if (in > in_best)
                in_best = in, best = r;
        }
        if (!out->flags[c].bits)
            distinct += paid_not_rated(g, c, rated, n, &paid, &pcap);
        if (best < 0 || in_best < 2 || 3 * in_best < 2 * distinct)
            continue;
        double risk = out->rings[best].score * (double)in_best / (double)distinct;
        if (risk > out->risk[c])
            out->risk[c] = risk;
        out->flagged[c] = out->risk[c] >= p->threshold;
        if (!out->flagged[c])
            continue;
        ring *rg = &out->rings[best];
        out->ring_of[c] = best;
        rg->shills = xreallocarray(rg->shills, rg->nshills + 1, sizeof *rg->shills);
        rg->shills[rg->nshills++] = c;
        flags_raise(&out->flags[c], FLAG_RING_MEMBER, 1);
    }
    free(rated);
    free(paid);
    for (size_t r = 0; r < out->nrings; r++)
        sort_by_label(g, out->rings[r].shills, out->rings[r].nshills);
}

/* Members by association: a freelancer outside every ring that deceives on its own and
 * was rated highly by two or more of one proxy or rating ring's shill clients joins the
 * ring. A member whose only way in is a commercial VPN shares nothing else with its ring;
 * the shills' attention is what ties it. Its attachment is 1 - exp(-k / 2) for k such
 * shills. O(R log R) over the ratings. */
typedef struct {
    uint32_t f, ring, client;
} shill_rating;

static int shill_rating_cmp(const void *pa, const void *pb)
{
    const shill_rating *a = pa, *b = pb;
    if (a->f != b->f)
        return a->f < b->f ? -1 : 1;
    if (a->ring != b->ring)
        return a->ring < b->ring ? -1 : 1;
    return a->client < b->client ? -1 : a->client > b->client;
}

static void members_by_association(const rs_graph *g, const detect_params *p, uint32_t na,
                                   findings *out)
{
    shill_rating *v = NULL;
    size_t n = 0, cap = 0;
    for (uint32_t c = 0; c < na; c++) {
        int32_t r = out->ring_of[c];
        if (g->acct[c].role != ROLE_CLIENT || r < 0 ||
            out->rings[r].kind == RING_KIND_SHARED_CONTROL)
            continue;
        for (size_t i = g->rating_off[c]; i < g->rating_off[c + 1]; i++) {
            uint32_t f = g->ratings.v[i].freelancer;
            if (!rules_high_rating(p, g->ratings.v[i].stars) || out->ring_of[f] >= 0 ||
                g->acct[f].role == ROLE_CLIENT || !flags_deception(&out->flags[f]))
                continue;
            ALLOC_GROW(v, cap, n + 1);
            v[n++] = (shill_rating){f, (uint32_t)r, c};
        }
    }
    if (n)
        qsort(v, n, sizeof *v, shill_rating_cmp);
    for (size_t i = 0; i < n;) {
        uint32_t f = v[i].f, best_ring = 0, best_k = 0;
        size_t j = i;
        while (j < n && v[j].f == f) {
            uint32_t r = v[j].ring, k = 0;
            for (; j < n && v[j].f == f && v[j].ring == r; j++)
                k += !(j > i && v[j - 1].ring == r && v[j - 1].client == v[j].client);
            if (k > best_k)
                best_k = k, best_ring = r;
        }
        i = j;
        if (best_k < 2)
            continue;
        const ring *rg0 = &out->rings[best_ring];
        double own = p->own_weight * out->corroboration[f];
        double att = 1.0 - exp(-(double)best_k / 2.0);
        double risk = 1.0 - (1.0 - own) * (1.0 - rg0->score * att);
        if (risk > out->risk[f])
            out->risk[f] = risk;
        out->flagged[f] = out->risk[f] >= p->threshold;
        if (!out->flagged[f])
            continue;
        ring *rg = &out->rings[best_ring];
        out->ring_of[f] = (int32_t)best_ring;
        rg->members = xreallocarray(rg->members, rg->nmembers + 1, sizeof *rg->members);
        rg->members[rg->nmembers++] = f;
        flags_raise(&out->flags[f], FLAG_RING_MEMBER, 1);
    }
    free(v);
    for (size_t r = 0; r < out->nrings; r++)
        sort_by_label(g, out->rings[r].members, out->rings[r].nmembers);
}

/* Ranks rings, names them R0001... and renumbers ring_of to the ranks. */
static void rank_rings(const rs_graph *g, uint32_t na, findings *out)
{
    if (!out->nrings)
        return;
    uint32_t *order = xreallocarray(NULL, out->nrings, sizeof *order);
    for (size_t r = 0; r < out->nrings; r++)
        order[r] = (uint32_t)r;
    sort_ctx c = {g, out, out->rings};
    qsort_r(order, out->nrings, sizeof *order, ring_order_cmp, &c);
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

/* An account outside ring ring tied to it through resource r of type k. */
typedef struct {
    uint32_t ring, acct;
    int k;
} assoc_hit;

typedef struct {
    assoc_hit *v;
    size_t n, cap;
} assoc_list;

/* Whether r of type t binds like infrastructure: devices and payout
 * destinations always; an IP only when it is no anonymiser and few accounts use
 * it (anon_ip_small_degree: a household or office line, not a pool). */
static int binds(const rs_graph *g, const detect_params *p, node_type t, uint32_t r, uint32_t deg)
{
    if (t != NODE_IP)
        return 1;
    return deg <= (uint32_t)p->anon_ip_small_degree && !rules_anon_ip(p, &g->ip[r]);
}

/* Each ring's shared resources (used by >= 2 of its accounts, any degree):
 * one pass over every resource's users, counting users per ring; the other
 * users of a binding one become the ring's associates (al). */
static void ring_resources(const rs_graph *g, const detect_params *p, const res_index *ix,
                           node_type t, findings *out, size_t *caps, assoc_list *al)
{
    int32_t *hit = NULL;
    size_t hcap = 0;
    for (uint32_t r = 0; r < ix->nres; r++) {
        size_t nh = 0;
        for (size_t k = ix->off[r]; k < ix->off[r + 1]; k++) {
            int32_t ri = out->ring_of[ix->acct[k]];
            if (ri < 0)
                continue;
            ALLOC_GROW(hit, hcap, nh + 1);
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
                uint32_t deg = resindex_degree(ix, r);
                ALLOC_GROW(rg->res, caps[hit[i]], rg->nres + 1);
                rg->res[rg->nres++] = (ring_resource){(uint32_t)t, r, (uint32_t)(j - i), deg};
                if (binds(g, p, t, r, deg))
                    for (size_t k = ix->off[r]; k < ix->off[r + 1]; k++) {
                        uint32_t a = ix->acct[k];
                        if (out->ring_of[a] >= 0 || out->flagged[a])
                            continue;
                        ALLOC_GROW(al->v, al->cap, al->n + 1);
                        al->v[al->n++] = (assoc_hit){(uint32_t)hit[i], a,
                                                     t == NODE_IP       ? 0
                                                     : t == NODE_DEVICE ? 1
                                                                        : 2};
                    }
            }
            i = j;
        }
    }
    free(hit);
}

static int assoc_hit_cmp(const void *pa, const void *pb)
{
    const assoc_hit *a = pa, *b = pb;
    if (a->ring != b->ring)
        return a->ring < b->ring ? -1 : 1;
    return a->acct < b->acct ? -1 : a->acct > b->acct;
}

/* Associates by ties, then risk (ctx: g and f), then label. */
static int associate_cmp(const void *pa, const void *pb, void *ctx)
{
    const sort_ctx *c = ctx;
    const ring_associate *a = pa, *b = pb;
    int ta = a->ties[0] + a->ties[1] + a->ties[2], tb = b->ties[0] + b->ties[1] + b->ties[2];
    if (ta != tb)
        return ta > tb ? -1 : 1;
    double ra = c->f->risk[a->acct], rb = c->f->risk[b->acct];
    if (ra != rb)
        return ra > rb ? -1 : 1;
    return label_order(c->g, a->acct, b->acct);
}

/* Folds the hits into each ring's associates: ties counted per type, the
 * strongest FINDINGS_MAX_ASSOCIATES kept. */
static void collect_associates(const rs_graph *g, assoc_list *al, findings *out)
{
    if (al->n)
        qsort(al->v, al->n, sizeof *al->v, assoc_hit_cmp);
    for (size_t i = 0; i < al->n;) {
        ring *rg = &out->rings[al->v[i].ring];
        size_t cap = rg->nassociates;
        ring_associate as = {al->v[i].acct, {0, 0, 0}};
        size_t j = i;
        for (; j < al->n && al->v[j].ring == al->v[i].ring && al->v[j].acct == al->v[i].acct; j++)
            if (as.ties[al->v[j].k] < UINT16_MAX)
                as.ties[al->v[j].k]++;
        ALLOC_GROW(rg->associates, cap, rg->nassociates + 1);
        rg->associates[rg->nassociates++] = as;
        i = j;
    }
    sort_ctx c = {g, out, out->rings};
    for (size_t r = 0; r < out->nrings; r++) {
        ring *rg = &out->rings[r];
        rg->associates_total = rg->nassociates;
        if (rg->nassociates > 1)
            qsort_r(rg->associates, rg->nassociates, sizeof *rg->associates, associate_cmp, &c);
        if (rg->nassociates > FINDINGS_MAX_ASSOCIATES)
            rg->nassociates = FINDINGS_MAX_ASSOCIATES;
    }
    free(al->v);
}

/* Shared resources (strongest first), associates, flag counts and client links. */
static void ring_facts(const rs_graph *g, const detect_params *p, const res_index ix[3],
                       uint32_t na, findings *out)
{
    static const node_type types[3] = {NODE_IP, NODE_DEVICE, NODE_DEST};
    size_t *caps = xcalloc(out->nrings ? out->nrings : 1, sizeof *caps);
    assoc_list al = {0};
    for (int k = 0; k < 3; k++)
        ring_resources(g, p, &ix[k], types[k], out, caps, &al);
    collect_associates(g, &al, out);
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
        ALLOC_GROW(rg->client_links, caps[r], rg->nclient_links + 1);
        rg->client_links[rg->nclient_links++] = i;
    }
    free(caps);
}

/* Proxy rings showing two or more deception families are high; other proxy rings and
 * rating rings medium; shared-control clusters low. */
static void assign_severity(findings *out)
{
    for (size_t r = 0; r < out->nrings; r++) {
        ring *rg = &out->rings[r];
        uint32_t fam = 0;
        for (uint32_t f = rg->families; f; f &= f - 1)
            fam++;
        rg->severity = rg->kind == RING_KIND_SHARED_CONTROL      ? SEVERITY_LOW
                       : rg->kind == RING_KIND_PROXY && fam >= 2 ? SEVERITY_HIGH
                                                                 : SEVERITY_MEDIUM;
    }
}

void scoring_run(const rs_graph *g, const detect_params *p, const proj_link *links, size_t nl,
                 const int32_t *comm, size_t ncomm, const res_index ix[3], const ident_index *id,
                 findings *out)
{
    uint32_t na = graph_count(g, NODE_ACCOUNT);
    comm_totals t;
    memset(&t, 0, sizeof t);
    out->threshold = p->threshold;
    out->ring_min_score = p->ring_min_score;
    corroborate(p, na, out);
    totals_build(&t, links, nl, comm, ncomm, na, out);
    bind_accounts(g, p, ix, comm, out, &t);
    bind_identity(id, comm, &t);
    kind_facts(g, comm, na, out, &t);
    score_communities(p, &t, out);
    assign_risk(p, comm, na, &t, out);
    drop_thin_rings(comm, na, &t, out);
    assign_risk(p, comm, na, &t, out); /* shared-control clusters pass nothing on */
    collect_members(g, comm, na, &t, out);
    shills_by_association(g, p, na, out);
    members_by_association(g, p, na, out);
    assign_severity(out);
    rank_rings(g, na, out);
    ring_facts(g, p, ix, na, out);
    totals_free(&t);
}

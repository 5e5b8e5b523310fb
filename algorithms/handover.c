/* handover.c - HANDOVER: a change point in an account's own timeline; see
 * handover.h.
 *
 * Candidate dates come from devices: a split of the account's logins (sorted by
 * time) such that no device is used on both sides. They are found in one pass,
 * as in partitioning a string into labels: keep the furthest last use of any
 * device seen so far; where it ends at the current login, the logins so far and
 * those after share no device. Every other fact is then read at each candidate in
 * O(1) from prefix sums (hours on the 24-hour circle, anonymising logins) or from
 * pointers that only move forward (payouts, bids), so an account whose every
 * login names a new device costs linear time, not quadratic.
 *
 * Why devices first: a renter brings its own machines, and so does no other
 * change an honest owner makes together with a new bank account and new hours.
 * A nomad moves country, line and hours every few weeks on one laptop; a relocator
 * moves once on it; an owner buying a laptop or changing bank changes one thing.
 */
#include "algorithms/handover.h"

#include "algorithms/evrule.h"
#include "algorithms/rules.h"
#include "base/alloc.h"

#include <math.h>
#include <stdlib.h>

#define DAY_MS 86400000LL
/* Radians per hour on the 24-hour circle. */
#define RAD_PER_HOUR (3.14159265358979323846 / 12.0)

/* Scratch space reused across accounts. dev_last and dest_last hold, per device
 * and destination, the index of its last use in the current account's timeline:
 * entries are written for the account's own devices and destinations before they
 * are read, so they need no reset between accounts. The prefix arrays have one
 * entry more than the account's logins. */
typedef struct {
    int32_t *dev_last, *dest_last;
    double *cs, *sn;   /* sums of cos and sin of the login hour's angle */
    uint32_t *anon;    /* anonymising logins */
    uint32_t *withdev; /* logins naming a device */
    size_t cap;
} scratch;

static void scratch_init(scratch *s, const rs_graph *g)
{
    s->dev_last = xcalloc((size_t)graph_count(g, NODE_DEVICE) + 1, sizeof *s->dev_last);
    s->dest_last = xcalloc((size_t)graph_count(g, NODE_DEST) + 1, sizeof *s->dest_last);
    s->cs = s->sn = NULL;
    s->anon = s->withdev = NULL;
    s->cap = 0;
}

static void scratch_free(scratch *s)
{
    free(s->dev_last);
    free(s->dest_last);
    free(s->cs);
    free(s->sn);
    free(s->anon);
    free(s->withdev);
}

static void scratch_reserve(scratch *s, size_t n)
{
    if (n <= s->cap)
        return;
    s->cs = xreallocarray(s->cs, n, sizeof *s->cs);
    s->sn = xreallocarray(s->sn, n, sizeof *s->sn);
    s->anon = xreallocarray(s->anon, n, sizeof *s->anon);
    s->withdev = xreallocarray(s->withdev, n, sizeof *s->withdev);
    s->cap = n;
}

int handover_is_handover(const handover_change *c)
{
    return c->devices && c->payouts && (c->network || c->hours || c->bids);
}

/* The mean hour (UTC, [0, 24)) and the regularity (mean resultant length, [0, 1])
 * of m logins whose hour angles sum to (c, sn). */
static void mean_hour(double c, double sn, uint32_t m, double *hour, double *regular)
{
    *hour = atan2(sn, c) / RAD_PER_HOUR;
    if (*hour < 0)
        *hour += 24.0;
    *regular = m ? sqrt(c * c + sn * sn) / m : 0.0;
}

/* Whether the hours of the logins [0, k) and [k, n) (prefix sums in s) are both
 * regular and their means at least RULES_HANDOVER_MIN_SHIFT_H apart. */
static int hours_moved(const scratch *s, uint32_t k, uint32_t n)
{
    double hb, rb, ha, ra;
    mean_hour(s->cs[k], s->sn[k], k, &hb, &rb);
    mean_hour(s->cs[n] - s->cs[k], s->sn[n] - s->sn[k], n - k, &ha, &ra);
    if (rb < RULES_HANDOVER_MIN_REGULARITY || ra < RULES_HANDOVER_MIN_REGULARITY)
        return 0;
    double d = fabs(hb - ha);
    if (d > 12.0)
        d = 24.0 - d;
    return d >= RULES_HANDOVER_MIN_SHIFT_H;
}

/* Whether the bids after t are at least RULES_HANDOVER_BID_FACTOR times as many per
 * day as those before it; before bids in [first, t], after in (t, last]. */
static int bids_up(uint32_t before, uint32_t after, int64_t first, int64_t t, int64_t last)
{
    if (after < RULES_HANDOVER_MIN_SIDE)
        return 0;
    double db = (double)(t - first) / DAY_MS, da = (double)(last - t) / DAY_MS;
    double rb = before / (db > 1.0 ? db : 1.0), ra = after / (da > 1.0 ? da : 1.0);
    return ra >= RULES_HANDOVER_BID_FACTOR * rb;
}

/* Fills the prefix sums of account a's n logins starting at lo, and dev_last. */
static void prefix_logins(const rs_graph *g, const detect_params *p, scratch *s, size_t lo,
                          uint32_t n)
{
    s->cs[0] = s->sn[0] = 0.0;
    s->anon[0] = s->withdev[0] = 0;
    for (uint32_t i = 0; i < n; i++) {
        const login_ev *e = &g->logins.v[lo + i];
        int64_t in_day = ((e->ts % DAY_MS) + DAY_MS) % DAY_MS;
        double ang = RAD_PER_HOUR * 24.0 * (double)in_day / (double)DAY_MS;
        s->cs[i + 1] = s->cs[i] + cos(ang);
        s->sn[i + 1] = s->sn[i] + sin(ang);
        s->anon[i + 1] = s->anon[i] + (uint32_t)rules_anon_ip(p, &g->ip[e->ip]);
        s->withdev[i + 1] = s->withdev[i] + (e->device != GRAPH_NONE);
        if (e->device != GRAPH_NONE)
            s->dev_last[e->device] = (int32_t)i;
    }
}

/* Forward pointers over an account's payouts and bids, moved to each candidate's
 * date in turn. */
typedef struct {
    size_t pay, pay_hi, bid, bid_hi;
    int32_t pay_reach; /* the last index of any destination paid before pay, or -1 */
    size_t pay_lo, bid_lo;
} cursor;

/* The change facts at the candidate splitting account a's n logins (from lo) at k,
 * moving cur to its date. */
static void facts_at(const rs_graph *g, const scratch *s, size_t lo, uint32_t n, uint32_t k,
                     cursor *cur, handover_change *c)
{
    int64_t t = g->logins.v[lo + k].ts, tb = g->logins.v[lo + k - 1].ts;
    while (cur->pay < cur->pay_hi && g->payouts.v[cur->pay].ts <= tb) {
        int32_t last = s->dest_last[g->payouts.v[cur->pay].dest];
        if (last > cur->pay_reach)
            cur->pay_reach = last;
        cur->pay++;
    }
    /* Bids after the owner's last login are the operator's, as the payouts below. */
    while (cur->bid < cur->bid_hi && g->bids.v[cur->bid].ts <= tb)
        cur->bid++;
    /* Payouts between the owner's last login and the operator's first may belong to
     * either: the owner's last scheduled payout, or the renter's account, set up
     * before its first session. The payouts split where, in that gap, the two sides
     * share no destination, and the operated period starts at its first payout then. */
    size_t j = cur->pay;
    int32_t reach = cur->pay_reach;
    c->payouts = 0;
    c->at = t;
    for (;;) {
        size_t before = j - cur->pay_lo;
        if (before >= 1 && j < cur->pay_hi && reach < (int32_t)before) {
            c->payouts = 1;
            if (g->payouts.v[j].ts < t)
                c->at = g->payouts.v[j].ts;
            break;
        }
        if (j >= cur->pay_hi || g->payouts.v[j].ts >= t)
            break;
        if (s->dest_last[g->payouts.v[j].dest] > reach)
            reach = s->dest_last[g->payouts.v[j].dest];
        j++;
    }
    c->operated = n - k;
    c->devices = 1;
    c->network = rules_handover_anon_side(s->anon[k], k) !=
                 rules_handover_anon_side(s->anon[n] - s->anon[k], n - k);
    c->hours = hours_moved(s, k, n);
    c->bids = bids_up((uint32_t)(cur->bid - cur->bid_lo), (uint32_t)(cur->bid_hi - cur->bid),
                      g->logins.v[lo].ts, tb, g->logins.v[lo + n - 1].ts);
}

/* How strong a change is: a handover first, then the number of facts changed. */
static int strength(const handover_change *c)
{
    return 8 * handover_is_handover(c) + c->payouts + c->network + c->hours + c->bids;
}

static int find_with(const rs_graph *g, const detect_params *p, scratch *s, uint32_t a,
                     handover_change *out)
{
    size_t lo = g->login_off[a];
    uint32_t n = (uint32_t)(g->login_off[a + 1] - lo);
    if (n < 2 * RULES_HANDOVER_MIN_SIDE)
        return 0;
    scratch_reserve(s, (size_t)n + 1);
    prefix_logins(g, p, s, lo, n);
    cursor cur = {g->payout_off[a], g->payout_off[a + 1], g->bid_off[a], g->bid_off[a + 1], -1,
                  g->payout_off[a], g->bid_off[a]};
    for (size_t j = cur.pay_lo; j < cur.pay_hi; j++)
        s->dest_last[g->payouts.v[j].dest] = (int32_t)(j - cur.pay_lo);
    int found = 0, best = -1;
    int32_t reach = -1;
    for (uint32_t i = 0; i + 1 < n; i++) {
        uint32_t dev = g->logins.v[lo + i].device;
        if (dev != GRAPH_NONE && s->dev_last[dev] > reach)
            reach = s->dev_last[dev];
        uint32_t k = i + 1; /* the first login of the operated side */
        if (reach > (int32_t)i || k < RULES_HANDOVER_MIN_SIDE || n - k < RULES_HANDOVER_MIN_SIDE)
            continue;
        if (s->withdev[k] == 0 || s->withdev[n] == s->withdev[k] ||
            g->logins.v[lo + i].ts == g->logins.v[lo + k].ts)
            continue;
        handover_change c;
        facts_at(g, s, lo, n, k, &cur, &c);
        if (strength(&c) > best) {
            best = strength(&c);
            *out = c;
            found = 1;
        }
    }
    return found;
}

int handover_find(const rs_graph *g, const detect_params *p, uint32_t a, handover_change *out)
{
    scratch s;
    scratch_init(&s, g);
    int found = find_with(g, p, &s, a, out);
    scratch_free(&s);
    return found;
}

int64_t *handover_run(const rs_graph *g, const detect_params *p, acct_flags *fl)
{
    uint32_t na = graph_count(g, NODE_ACCOUNT);
    int64_t *since = NULL;
    /* Distinct devices and payout destinations per account: its edges of each kind. */
    uint32_t *devices = xcalloc((size_t)na + 1, sizeof *devices);
    uint32_t *dests = xcalloc((size_t)na + 1, sizeof *dests);
    for (size_t i = 0; i < g->nedges; i++) {
        const rs_edge *e = &g->edges[i];
        if (e->kind == EDGE_USES_DEVICE)
            devices[e->a]++;
        else if (e->kind == EDGE_PAYOUT)
            dests[e->a]++;
    }
    scratch s;
    scratch_init(&s, g);
    for (uint32_t a = 0; a < na; a++) {
        handover_change c;
        if (!handover_candidate(g->login_off[a + 1] - g->login_off[a], devices[a], dests[a]))
            continue;
        if (!find_with(g, p, &s, a, &c) || !handover_is_handover(&c))
            continue;
        flags_raise(&fl[a], FLAG_HANDOVER, c.operated);
        fl[a].handover_at = c.at;
        if (!since)
            since = xcalloc(na, sizeof *since);
        since[a] = c.at;
    }
    scratch_free(&s);
    free(devices);
    free(dests);
    return since;
}

/* The evidence rule (evrule.h): the logins of the operated period, from the date on.
 * The earlier rows are the owner's baseline and show nothing against it. */
int handover_shows_handover(const evsel_view *v, uint32_t a, const source_row *r)
{
    return flags_has(&v->f->flags[a], FLAG_HANDOVER) &&
           r->ev.login.ts >= v->f->flags[a].handover_at;
}

/* loginflags.c - red flags from logins, devices and port observations; see
 * loginflags.h. */
#include "algorithms/loginflags.h"

#include "algorithms/evrule.h"
#include "algorithms/loginfacts.h"
#include "algorithms/rules.h"
#include "base/alloc.h"
#include "model/country_tz.h"

#include <stdlib.h>
#include <string.h>

/* OFF_HOURS: accounts whose logins mostly start outside the working day both of
 * the country they claim and of the country each login comes from
 * (rules_login_in_hours, rules_off_hours). Someone working from abroad under a
 * claimed American or European identity keeps the hours of where he sits (a UTC+8
 * working day is an American evening and night, a European night and early
 * morning), behind addresses of the country he claims; an honest traveller,
 * relocator or nomad keeps the hours of where his logins come from. A night worker
 * keeps night hours on his own line too, and so does an Indian freelancer serving
 * American clients in his evenings: the flag is always weak (flags_raise_weak). It
 * corroborates weak_flag_factor of its weight, is no deception and never attaches
 * an account to a ring. Only accounts whose claimed country tzdata knows are
 * judged. Evidence: the logins starting off hours. O(quarters x log countries). */
static void off_hours(const rs_graph *g, const detect_params *p, const login_facts *f,
                      uint32_t a, uint32_t logins, acct_flags *fl)
{
    const char *claim = g->acct[a].country;
    if (!claim[0] || !country_tz_find(claim))
        return;
    uint32_t off = 0;
    for (size_t i = 0; i < f->nquarter; i++) {
        const login_quarter *q = &f->quarter[i];
        int64_t t = rules_quarter_start(q->quarter);
        off += q->n * (uint32_t)!rules_login_in_hours(p, t, claim, &g->ip[q->ip]);
    }
    if (rules_off_hours(off, logins))
        flags_raise_weak(&fl[a], FLAG_OFF_HOURS, off);
}

/* LONG_SESSION's chains: back-to-back sessions (spans in timeline order) chain
 * into one continuous presence; each chain of long_session_h counts once, unless
 * the session that completes it is long on its own (counted as such). */
static uint32_t chained_longs(const detect_params *p, const login_facts *f)
{
    const int64_t long_ms = rules_long_session_ms(p);
    const int64_t chain_ms = rules_chain_gap_ms(p);
    int64_t chain_start = 0, chain_end = INT64_MIN;
    uint32_t longs = 0;
    for (size_t i = 0; i < f->nspan; i++) {
        const login_span *e = &f->span[i];
        int64_t end = login_facts_end(e->ts, e->session_s);
        if (e->ts <= chain_end + chain_ms) {
            if (end > chain_end)
                chain_end = end;
            if (chain_end - chain_start >= long_ms && !rules_long_session(p, e->session_s)) {
                longs++;
                chain_start = chain_end; /* count each day-long chain once */
            }
        } else {
            chain_start = e->ts;
            chain_end = end;
        }
    }
    return longs;
}

void loginflags_own(const rs_graph *g, const detect_params *p, const login_facts *f, uint32_t a,
                    acct_flags *fl)
{
    uint32_t logins = 0, located = 0, away = 0, anon = 0, hops = 0, longs = 0, remote = 0;
    const char *claim = g->acct[a].country;
    for (size_t i = 0; i < f->nuse; i++) {
        const login_use *u = &f->use[i];
        const ip_attr *ia = &g->ip[u->ip];
        logins += u->n;
        /* An account that changed hands is judged on its operated period: the
         * owner's months at home would otherwise outvote the renter's logins. */
        if (ia->country[0]) {
            located += u->n_from;
            away += u->n_from * (uint32_t)rules_away_from_claim(ia, claim);
        }
        anon += u->n * (uint32_t)rules_anon_ip(p, ia);
        longs += u->n_long;
        remote += u->n_remote;
    }
    longs += chained_longs(p, f);
    for (size_t i = 0; i < f->nhop; i++) {
        const login_hop *h = &f->hop[i];
        hops += (uint32_t)rules_geo_hop(p, &g->ip[h->prev_ip], &g->ip[h->ip], h->gap_ms);
    }
    if (hops)
        flags_raise(&fl[a], FLAG_GEO_HOP, hops);
    if (longs)
        flags_raise(&fl[a], FLAG_LONG_SESSION, longs);
    if (anon)
        flags_raise(&fl[a], FLAG_ANON_NETWORK, anon);
    if (claim[0] && located >= p->mismatch_min_logins &&
        (double)away >= p->mismatch_share * (double)located)
        flags_raise(&fl[a], FLAG_COUNTRY_MISMATCH, away);
    /* REMOTE_ACCESS from the account's own logins made through a remote-desktop
     * client: the software runs on its side, as when it is seen on its device. */
    if (remote) {
        flags_raise(&fl[a], FLAG_REMOTE_ACCESS, remote);
        fl[a].remote_device = 1;
    }
    off_hours(g, p, f, a, logins, fl);
}

uint8_t *loginflags_remote_ips(const rs_graph *g, const detect_params *p)
{
    uint8_t *rem = NULL;
    for (size_t i = 0; i < g->ports.n; i++) {
        uint32_t ip = g->ports.v[i].ip;
        if (ip == GRAPH_NONE || !rules_remote_port(p, g->ports.v[i].port))
            continue;
        if (!rem)
            rem = xcalloc((size_t)graph_count(g, NODE_IP) + 1, 1);
        rem[ip] = 1;
    }
    for (size_t i = 0; i < g->logins.n; i++) {
        if (!rules_remote_login(&g->logins.v[i]))
            continue;
        if (!rem)
            rem = xcalloc((size_t)graph_count(g, NODE_IP) + 1, 1);
        rem[g->logins.v[i].ip] = 1;
    }
    return rem;
}

/* REMOTE_ACCESS: accounts on an IP or device seen with a remote-desktop port,
 * from the login and device edges (one per account and resource), so that
 * resources of one account count too. An IP where someone else logged in through
 * a remote-desktop client is not one: that is the other account's doing. */
static void remote_ports(const rs_graph *g, const detect_params *p, acct_flags *fl)
{
    uint8_t *ip_rem = NULL, *dev_rem = NULL;
    for (size_t i = 0; i < g->ports.n; i++) {
        const port_ev *e = &g->ports.v[i];
        if (!rules_remote_port(p, e->port))
            continue;
        if (!ip_rem) {
            ip_rem = xcalloc((size_t)graph_count(g, NODE_IP) + 1, 1);
            dev_rem = xcalloc((size_t)graph_count(g, NODE_DEVICE) + 1, 1);
        }
        if (e->ip != GRAPH_NONE)
            ip_rem[e->ip] = 1;
        if (e->device != GRAPH_NONE)
            dev_rem[e->device] = 1;
    }
    if (!ip_rem)
        return;
    for (size_t i = 0; i < g->nedges; i++) {
        const rs_edge *e = &g->edges[i];
        if (e->kind == EDGE_LOGIN && ip_rem[e->b]) {
            flags_raise(&fl[e->a], FLAG_REMOTE_ACCESS, 1);
        } else if (e->kind == EDGE_USES_DEVICE && dev_rem[e->b]) {
            flags_raise(&fl[e->a], FLAG_REMOTE_ACCESS, 1);
            fl[e->a].remote_device = 1;
        }
    }
    free(ip_rem);
    free(dev_rem);
}

/* A majority vote over the logins (weighted by each use's count: the same vote as
 * one login at a time, so an address holding most logins wins in any order), then
 * a count to confirm it. */
uint32_t loginflags_home_line(const rs_graph *g, const detect_params *p, const uint8_t *rem,
                              const login_facts *f, uint32_t *there)
{
    uint32_t cand = GRAPH_NONE, votes = 0, n = 0, logins = 0;
    for (size_t i = 0; i < f->nuse; i++) {
        const login_use *u = &f->use[i];
        logins += u->n;
        if (votes == 0) {
            cand = u->ip;
            votes = u->n;
        } else if (u->ip == cand) {
            votes += u->n;
        } else if (u->n <= votes) {
            votes -= u->n;
        } else {
            cand = u->ip;
            votes = u->n - votes;
        }
    }
    if (cand == GRAPH_NONE || !rem[cand] || rules_anon_ip(p, &g->ip[cand]))
        return GRAPH_NONE;
    for (size_t i = 0; i < f->nuse; i++)
        if (f->use[i].ip == cand)
            n += f->use[i].n;
    *there = n;
    return rules_lives_on(n, logins) ? cand : GRAPH_NONE;
}

/* FARM_LINE: the accounts living on one ordinary (not anonymising) line with
 * remote access observed on it (a remote-desktop port answering, or logins made
 * through a remote-desktop client: loginflags_remote_ips), when at least
 * RULES_FARM_LINE_MIN_ACCOUNTS live there. A laptop farm keeps each persona's
 * laptop on the facilitator's home line and reaches it remotely; a coworking
 * space's line carries many accounts but no remote access, an office's that
 * exposes it carries its staff only in office hours, an IT administrator's carries
 * one account, a carrier's addresses carry a passing share of many accounts'
 * logins. Evidence: the logins on the line. home[a] is the line account a lives on
 * (loginflags_home_line), there[a] its logins there. O(accounts + IPs). */
static void farm_lines(const rs_graph *g, const uint32_t *home, const uint32_t *there,
                       acct_flags *fl)
{
    uint32_t na = graph_count(g, NODE_ACCOUNT), nip = graph_count(g, NODE_IP);
    uint32_t *lives = xcalloc((size_t)nip + 1, sizeof *lives);
    for (uint32_t a = 0; a < na; a++)
        if (home[a] != GRAPH_NONE)
            lives[home[a]]++;
    for (uint32_t a = 0; a < na; a++) {
        if (home[a] == GRAPH_NONE || lives[home[a]] < RULES_FARM_LINE_MIN_ACCOUNTS)
            continue;
        flags_raise(&fl[a], FLAG_FARM_LINE, there[a]);
        fl[a].farm_line = home[a] + 1;
    }
    free(lives);
}

void loginflags_run(const rs_graph *g, const detect_params *p, const res_index *devs,
                    acct_flags *fl)
{
    uint32_t na = graph_count(g, NODE_ACCOUNT);
    uint8_t *rem = loginflags_remote_ips(g, p);
    uint32_t *home = NULL, *there = NULL;
    if (rem) {
        home = xcalloc((size_t)na + 1, sizeof *home);
        there = xcalloc((size_t)na + 1, sizeof *there);
    }
    login_facts f;
    login_facts_init(&f);
    for (uint32_t a = 0; a < na; a++) {
        int64_t from = flags_has(&fl[a], FLAG_HANDOVER) ? fl[a].handover_at : INT64_MIN;
        login_facts_build(&f, g, p, a, from);
        loginflags_own(g, p, &f, a, fl);
        if (rem)
            home[a] = loginflags_home_line(g, p, rem, &f, &there[a]);
    }
    login_facts_free(&f);
    remote_ports(g, p, fl);
    if (rem)
        farm_lines(g, home, there, fl);
    free(home);
    free(there);
    free(rem);
    /* SHARED_DEVICE: evidence = the device's other users. */
    for (uint32_t r = 0; r < devs->nres; r++) {
        uint32_t deg = resindex_degree(devs, r);
        if (deg >= 2)
            for (size_t k = devs->off[r]; k < devs->off[r + 1]; k++)
                flags_raise(&fl[devs->acct[k]], FLAG_SHARED_DEVICE, deg - 1);
    }
}

/* The evidence rules of these flags (evrule.h): the same tests, row by row. A
 * login row shows nothing without its IP. */

int loginflags_shows_geo_hop(const evsel_view *v, uint32_t a, const source_row *r)
{
    const login_ev *e = &r->ev.login;
    uint32_t prev = v->last_ip[a];
    if (e->ip == GRAPH_NONE || prev == GRAPH_NONE)
        return 0;
    return rules_geo_hop(v->p, &v->g->ip[prev], &v->g->ip[e->ip], e->ts - v->last_end[a]);
}

int loginflags_shows_long_session(const evsel_view *v, uint32_t a, const source_row *r)
{
    (void)a;
    return r->ev.login.ip != GRAPH_NONE && rules_long_session(v->p, r->ev.login.session_s);
}

int loginflags_shows_anon_network(const evsel_view *v, uint32_t a, const source_row *r)
{
    (void)a;
    uint32_t ip = r->ev.login.ip;
    return ip != GRAPH_NONE && rules_anon_ip(v->p, &v->g->ip[ip]);
}

int loginflags_shows_country_mismatch(const evsel_view *v, uint32_t a, const source_row *r)
{
    uint32_t ip = r->ev.login.ip;
    return ip != GRAPH_NONE && rules_away_from_claim(&v->g->ip[ip], v->g->acct[a].country);
}

/* A port observation shows the remote-desktop port whoever it names; a login
 * (evsel offers an account's logins to the port flags' rules too) shows the
 * remote-desktop client it was made through. */
int loginflags_shows_remote_access(const evsel_view *v, uint32_t a, const source_row *r)
{
    (void)a;
    if (r->table == TABLE_LOGINS)
        return r->ev.login.ip != GRAPH_NONE && rules_remote_login(&r->ev.login);
    return rules_remote_port(v->p, r->ev.port.port);
}

/* A login on the farm line the account lives on. */
int loginflags_shows_farm_line(const evsel_view *v, uint32_t a, const source_row *r)
{
    uint32_t line = v->f->flags[a].farm_line;
    return line != 0 && r->ev.login.ip == line - 1;
}

/* A login that starts outside the working day of the claimed country and of the
 * country it comes from. */
int loginflags_shows_off_hours(const evsel_view *v, uint32_t a, const source_row *r)
{
    const login_ev *e = &r->ev.login;
    return e->ip != GRAPH_NONE &&
           !rules_login_in_hours(v->p, e->ts, v->g->acct[a].country, &v->g->ip[e->ip]);
}

/* Any device two accounts of a ring logged in from, at any distance in time. */
int64_t loginflags_pairs_shared_device(const evsel_view *v, uint32_t res)
{
    (void)v;
    (void)res;
    return INT64_MAX;
}

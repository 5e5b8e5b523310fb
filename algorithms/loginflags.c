/* loginflags.c - red flags from logins, devices and port observations; see
 * loginflags.h. */
#include "algorithms/loginflags.h"

#include "algorithms/rules.h"
#include "base/alloc.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static double haversine_km(double lat1, double lon1, double lat2, double lon2)
{
    const double r = 6371.0, d2r = M_PI / 180.0;
    double dlat = (lat2 - lat1) * d2r, dlon = (lon2 - lon1) * d2r;
    double a = sin(dlat / 2) * sin(dlat / 2) +
               cos(lat1 * d2r) * cos(lat2 * d2r) * sin(dlon / 2) * sin(dlon / 2);
    return 2 * r * asin(sqrt(a < 1 ? a : 1));
}

/* Flags computed from each account's own login timeline. */
static void own_logins(const rs_graph *g, const detect_params *p, acct_flags *fl)
{
    uint32_t na = graph_count(g, NODE_ACCOUNT);
    const int64_t long_ms = (int64_t)(p->long_session_h * 3600e3);
    const int64_t chain_ms = (int64_t)(p->chain_gap_min * 60e3);
    for (uint32_t a = 0; a < na; a++) {
        size_t lo = g->login_off[a], hi = g->login_off[a + 1];
        uint32_t located = 0, away = 0, anon = 0, hops = 0, longs = 0;
        int64_t chain_start = 0, chain_end = INT64_MIN;
        const char *claim = g->acct[a].country;
        for (size_t i = lo; i < hi; i++) {
            const login_ev *e = &g->logins.v[i];
            const ip_attr *ia = &g->ip[e->ip];
            if (ia->country[0]) {
                located++;
                away += (uint32_t)rules_away_from_claim(ia, claim);
            }
            anon += (uint32_t)rules_anon_ip(p, ia);
            int64_t end = e->ts + (e->session_s > 0 ? (int64_t)e->session_s * 1000 : 0);
            if (rules_long_session(p, e->session_s))
                longs++;
            /* Back-to-back sessions chain into one continuous presence. */
            if (e->session_s >= 0 && e->ts <= chain_end + chain_ms) {
                if (end > chain_end)
                    chain_end = end;
                if (chain_end - chain_start >= long_ms && !rules_long_session(p, e->session_s)) {
                    longs++;
                    chain_start = chain_end; /* count each day-long chain once */
                }
            } else if (e->session_s >= 0) {
                chain_start = e->ts;
                chain_end = end;
            }
            if (i > lo) {
                const login_ev *pr = &g->logins.v[i - 1];
                const ip_attr *pa = &g->ip[pr->ip];
                int64_t prev_end = pr->ts + (pr->session_s > 0 ? (int64_t)pr->session_s * 1000 : 0);
                int64_t gap = e->ts - prev_end;
                if (gap < 0)
                    gap = 0;
                int hop = rules_country_hop(p, pa->country, ia->country, gap);
                int same_cc = pa->country[0] && ia->country[0] && !strcmp(pa->country, ia->country);
                /* Within one country, city-level geolocation of ISP and
                 * mobile addresses is too coarse for speeds. */
                if (!hop && !same_cc && pa->has_loc && ia->has_loc) {
                    /* Only the distance beyond both locations' accuracy radii
                     * counts: mobile and ISP addresses are located to a region. */
                    double km = haversine_km(pa->lat, pa->lon, ia->lat, ia->lon) - pa->radius_km -
                                ia->radius_km;
                    double hours = (double)gap / 3600e3;
                    if (km >= p->min_hop_km && km > p->airliner_kmh * hours)
                        hop = 1;
                }
                hops += (uint32_t)hop;
            }
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
    }
}

/* REMOTE_ACCESS: accounts on an IP or device seen with a remote-desktop port,
 * from the login and device edges (one per account and resource), so that
 * resources of one account count too. */
static void remote_flags(const rs_graph *g, const detect_params *p, acct_flags *fl)
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

void loginflags_run(const rs_graph *g, const detect_params *p, const res_index *devs,
                    acct_flags *fl)
{
    own_logins(g, p, fl);
    remote_flags(g, p, fl);
    /* SHARED_DEVICE: evidence = the device's other users. */
    for (uint32_t r = 0; r < devs->nres; r++) {
        uint32_t deg = resindex_degree(devs, r);
        if (deg >= 2)
            for (size_t k = devs->off[r]; k < devs->off[r + 1]; k++)
                flags_raise(&fl[devs->acct[k]], FLAG_SHARED_DEVICE, deg - 1);
    }
}

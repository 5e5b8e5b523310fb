/* loginfacts.c - an account's logins as the login flags read them; see
 * loginfacts.h. */
#include "algorithms/loginfacts.h"

#include "algorithms/rules.h"
#include "base/alloc.h"

#include <stdlib.h>
#include <string.h>

void login_facts_init(login_facts *f)
{
    memset(f, 0, sizeof *f);
}

void login_facts_free(login_facts *f)
{
    free(f->use);
    free(f->quarter);
    free(f->hop);
    free(f->span);
    login_facts_init(f);
}

/* Drops the island that starts at span first, running from ts to end, when it is
 * too short to hold a long chain. */
static void close_island(login_facts *f, size_t first, int64_t ts, int64_t end, int64_t long_ms)
{
    if (f->nspan > first && end - ts < long_ms)
        f->nspan = first;
}

void login_facts_build(login_facts *f, const rs_graph *g, const detect_params *p, uint32_t a,
                       int64_t from)
{
    size_t lo = g->login_off[a], hi = g->login_off[a + 1], n = hi - lo;
    const int64_t bound = rules_geo_hop_gap_bound_ms(p);
    const int64_t long_ms = rules_long_session_ms(p);
    const int64_t chain_ms = rules_chain_gap_ms(p);
    f->nuse = f->nquarter = f->nhop = f->nspan = 0;
    ALLOC_GROW(f->use, f->use_cap, n);
    ALLOC_GROW(f->quarter, f->quarter_cap, n);
    ALLOC_GROW(f->hop, f->hop_cap, n);
    ALLOC_GROW(f->span, f->span_cap, n);
    /* The island being read: its first span, first start and latest end (the same
     * test as the chain count in loginflags.c, so the islands are its islands). */
    size_t island = 0;
    int64_t island_ts = 0, island_end = INT64_MIN;
    for (size_t i = lo; i < hi; i++) {
        const login_ev *e = &g->logins.v[i];
        int64_t end = login_facts_end(e->ts, e->session_s);
        f->use[f->nuse++] = (login_use){
            .ip = e->ip,
            .n = 1,
            .n_from = e->ts >= from,
            .n_long = (uint32_t)rules_long_session(p, e->session_s),
            .n_remote = (uint32_t)rules_remote_login(e),
        };
        f->quarter[f->nquarter++] =
            (login_quarter){.ip = e->ip, .quarter = rules_quarter_of_day(e->ts), .n = 1};
        if (i > lo && g->logins.v[i - 1].ip != e->ip) {
            const login_ev *pr = &g->logins.v[i - 1];
            int64_t gap = e->ts - login_facts_end(pr->ts, pr->session_s);
            if (gap <= bound)
                f->hop[f->nhop++] = (login_hop){.prev_ip = pr->ip, .ip = e->ip, .gap_ms = gap};
        }
        if (e->session_s < 0)
            continue;
        if (e->ts <= island_end + chain_ms) {
            if (end > island_end)
                island_end = end;
        } else {
            close_island(f, island, island_ts, island_end, long_ms);
            island = f->nspan;
            island_ts = e->ts;
            island_end = end;
        }
        f->span[f->nspan++] = (login_span){.ts = e->ts, .session_s = e->session_s};
    }
    close_island(f, island, island_ts, island_end, long_ms);
}

/* evrule.h - the evidence rule of each red flag: which input row shows it.
 *
 * Evidence selection (evsel.c) files an input row as evidence of a flag when
 * the flag's rule says the row shows it. Each rule is a function beside the
 * detector that raises the flag (loginflags.c, projection.c, behav.c,
 * identity.c) and calls the same per-event test as the detector (rules.h), so
 * a row is shown because it passed the test that raised its flag, and adding
 * a flag touches its detector's file, not evsel.c. The registry row
 * (FLAG_LIST in model/flags.h) names the rule and says its kind; this header
 * declares every rule from those rows, and evsel.c builds its table of rules
 * from them too. A rule runs once per row and flag of a ring's case: it must
 * be O(1) or O(log n), read only what the view gives it, and change nothing.
 */
#ifndef RINGSCAN_EVRULE_H
#define RINGSCAN_EVRULE_H

#include "algorithms/detect_params.h"
#include "graph/graph.h"
#include "model/findings.h"
#include "model/flags.h"
#include "model/records.h"

#include <stddef.h>
#include <stdint.h>

/* What a rule may read: the pass's graph, findings and parameters, and what
 * evsel counted or remembers for it. Everything is borrowed from the selector
 * and valid during the rule's call. */
typedef struct {
    const rs_graph *g;
    const findings *f;
    const detect_params *p;     /* anon_asns sorted, as rules_anon_ip needs */
    const uint32_t *ip_deg;     /* accounts per IP */
    const uint32_t *dest_deg;   /* accounts per payout destination */
    const uint64_t *structured; /* client << 32 | freelancer, ascending: pairs with at
                                 * least struct_min_charges charges */
    size_t nstructured;
    const uint32_t *last_ip; /* per account: the IP of its previous login in input
                              * order, GRAPH_NONE before its first */
    const int64_t *last_end; /* per account: the end of that login */
} evsel_view;

/* A row rule (registry EV ROW): whether row r of the flag's table shows the
 * flag for account a, which carries it (a is 0 for rows naming no account:
 * port observations). */
typedef int (*evrule_row_fn)(const evsel_view *v, uint32_t a, const source_row *r);

/* A pair rule (EV PAIR_IP, PAIR_DEVICE): two logins by different accounts of a
 * ring on resource res show the flag when at most the returned gap (ms) apart;
 * a negative return means the resource proves nothing. */
typedef int64_t (*evrule_pair_fn)(const evsel_view *v, uint32_t res);

#define EVRULE_DECLARE_ROW(fn) int fn(const evsel_view *v, uint32_t a, const source_row *r);
#define EVRULE_DECLARE_PAIR_IP(fn) int64_t fn(const evsel_view *v, uint32_t res);
#define EVRULE_DECLARE_PAIR_DEVICE(fn) int64_t fn(const evsel_view *v, uint32_t res);
#define EVRULE_DECLARE_NONE(fn)
#define EVRULE_DECLARE(name, table, weight, slot, wdoc, family, props, step, ev, rule, meaning)    \
    EVRULE_DECLARE_##ev(rule)
FLAG_LIST(EVRULE_DECLARE)
#undef EVRULE_DECLARE

#endif

/* detect.h - proxy-account ring detection, end to end: per-account red
 * flags with evidence, a weighted account-account projection of shared
 * infrastructure and behaviour, Leiden communities, ring scores and
 * per-account risk, recorded as findings (model/findings.h).
 *
 * Stages and their modules: login and infrastructure flags (loginflags.c),
 * the projection and SHARED_IP (projection.c), behavioural flags and links
 * (behav.c on burst.c and fraudar.c), communities (communities.c), scores,
 * rings and risk (scoring.c). Every weight and threshold is a field of
 * detect_params (detect_params.h). Results are deterministic for a graph,
 * the parameters and a seed.
 */
#ifndef RINGSCAN_DETECT_H
#define RINGSCAN_DETECT_H

#include "base/error.h"
#include "algorithms/detect_params.h"
#include "graph/graph.h"
#include "model/findings.h"

#include <stddef.h>
#include <stdint.h>

/* Runs everything on a finalized, enriched graph into out (zeroed first).
 * p is borrowed for the call; its anon_asns may be in any order (a sorted
 * copy is used).
 * Returns 0, or -1 with err set (RS_E_ALGO and the message) when igraph fails. Free out with
 * findings_free. Cost: O(L log L + E log E) for L logins and E edges, plus
 * Leiden on the projection. */
int detect_run(const rs_graph *g, const detect_params *p, uint64_t seed, findings *out,
               rs_error *err);

/* Told as each of the DETECT_STEPS steps begins (step 0..DETECT_STEPS-1). */
#define DETECT_STEPS 5
typedef void (*detect_progress_fn)(void *ctx, int step, const char *what);

/* detect_run, calling progress (when not NULL) at each step, clustering texts
 * on `threads` threads (the findings do not depend on their number). */
int detect_run_progress(const rs_graph *g, const detect_params *p, uint64_t seed, int threads,
                        findings *out, detect_progress_fn progress, void *ctx, rs_error *err);

#endif

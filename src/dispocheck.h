/* dispocheck.h - what a run does with the decisions of --dispositions that
 * fail algorithms/decisions.h's checks: a fatal error naming file, line,
 * column and what to do, or under --dispositions-lenient a listed skip.
 *
 * The checks themselves are decisions_check_rules and _subjects; this
 * module only turns their problems into the run's error, its stderr lines
 * and run.json's dispositions_unmatched, so the wording of a problem is
 * written once.
 */
#ifndef RINGSCAN_DISPOCHECK_H
#define RINGSCAN_DISPOCHECK_H

#include "algorithms/decisions.h"
#include "base/error.h"
#include "model/decision_set.h"

#include <jansson.h>
#include <stdio.h>

/* Reports the problems p found in d. Without lenient: the one on the
 * earliest line is the error (RS_E_VALUE, "file:line:col: what; hint",
 * with how many more there are) and d is left alone. With lenient: each is
 * printed on diag as a warning (diag is stderr even under --quiet: a skipped
 * decision must be seen), appended to unmatched (a JSON array, borrowed) as
 * {line, column, subject_type, subject_id, decision, problem, hint}, and its
 * decision removed from d. p is freed either way. Returns RS_OK or
 * RS_E_VALUE. */
int dispocheck_report(decision_set *d, decision_problems *p, int lenient, FILE *diag,
                      json_t *unmatched, rs_error *err);

#endif

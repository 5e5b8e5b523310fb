/* statecheck.h - the checks that keep a --state directory and an output
 * directory from being mistaken for each other or falling out of step.
 *
 * The state remembers which ring ids and run numbers it has handed out;
 * the output directory publishes them. Two mistakes make the pair lie: a
 * state kept inside OUT_DIR (pruning of old runs deletes it, and later runs
 * fail), and a state older than what OUT_DIR has published (a backup
 * restored over it), which would hand out published ids and run numbers
 * again. Both are refused before any row is read.
 */
#ifndef RINGSCAN_STATECHECK_H
#define RINGSCAN_STATECHECK_H

#include "base/error.h"

#include <stdint.h>

/* Refuses a state directory equal to out_dir or below it, comparing real
 * paths (neither needs to exist yet: the deepest existing ancestor is
 * resolved and the rest appended). Returns RS_OK or RS_E_IO with err set. */
int statecheck_paths(const char *state_dir, const char *out_dir, rs_error *err);

/* Cross-checks the state against out_dir/current/run.json: when that run
 * was made with this database (db_path, compared by real path) and records
 * a state run above runs (the state's last run), the state is older than
 * the published output and is refused with what to do. A missing or
 * unreadable run.json, or one made with another database or without
 * --state, is not an error. Returns RS_OK or RS_E_IO with err set. */
int statecheck_published(const char *out_dir, const char *db_path, uint64_t runs, rs_error *err);

#endif

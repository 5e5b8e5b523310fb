/* eval.h - ringscan-eval: scores ringscan's output against the simulator's truth.
 *
 * Reads OUT_DIR/accounts.csv (account_id,role,flagged,risk_score,ring_id,flags), the
 * optional OUT_DIR/rings.json and TRUTH/truth.csv, and reports precision/recall/F1 of
 * `flagged` for ring freelancers and shill clients, ROC AUC and average precision of
 * `risk_score`, ring recovery (best-match Jaccard per true ring), the false-positive rate
 * of every benign population, and the recall of every planted behaviour. See
 * datasets/README.md.
 */
#ifndef EVAL_H
#define EVAL_H

#include "base/error.h"

#include <jansson.h>
#include <stdio.h>

/* Computes the report. out_dir holds ringscan's outputs; truth is a directory holding
 * truth.csv or the path of a truth.csv. On success *out is a new JSON object (caller
 * decrefs) and 0 is returned; on failure -1 with err set
 * (RS_E_IO, RS_E_FORMAT, RS_E_SCHEMA or RS_E_NOMEM and the message). */
int eval_compute(json_t **out, const char *out_dir, const char *truth, rs_error *err);

/* Prints the report as readable tables. Returns 0, or -1 on a write error. */
int eval_print(const json_t *report, FILE *f);

/* Command line: `argv[0] OUT_DIR TRUTH [--json FILE] [--quiet]`. Returns the exit status:
 * 0 ok, 1 data or I/O error, 2 usage error. */
int eval_cli(int argc, char **argv);

#endif

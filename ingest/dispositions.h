/* dispositions.h - reads the analysts' decisions file (--dispositions).
 *
 * CSV with a header naming at least subject_type, subject_id and decision,
 * and optionally analyst, decided_at (RFC 3339 or a date) and note, in any
 * order; other columns are ignored. subject_type is account, ring (a
 * persistent id such as RS-000123), ip, device or destination; decision is
 * confirmed, benign, allowlisted or escalated. A bad row is a fatal error
 * naming file, line and column (the field's position): decisions change
 * what is reported, so none is guessed.
 *
 * Reading only: what a decision does to a run, and the words that say so,
 * are algorithms/decisions.h's alone.
 */
#ifndef RINGSCAN_DISPOSITIONS_H
#define RINGSCAN_DISPOSITIONS_H

#include "base/error.h"
#include "model/decision_set.h"

/* Reads path into out (decisions_finish applied). Returns RS_OK, or RS_E_IO /
 * RS_E_FORMAT / RS_E_VALUE with err set; out is then empty. */
int dispositions_load(decision_set *out, const char *path, rs_error *err);

#endif

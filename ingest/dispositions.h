/* dispositions.h - reads the analysts' decisions file (--dispositions).
 *
 * CSV with a header naming at least subject_type, subject_id and decision,
 * and optionally analyst, decided_at (RFC 3339 or a date) and note, in any
 * order; other columns are ignored. subject_type is account, ring (a
 * persistent id such as RS-000123), ip, device or destination; decision is
 * confirmed, benign, allowlisted or escalated. A bad row is a fatal error
 * naming file, line and column (the field's position): decisions change
 * what is reported, so none is guessed. So is a duplicated column, an
 * undated row (no decided_at), a field that is not UTF-8, and a file that
 * is not a regular file (a FIFO or device could block or never end), is
 * UTF-16 (ingest/table.h's check) or passes the limits below. A UTF-8
 * byte-order mark is dropped.
 *
 * Whether a decision fits its subject, and whether the subject exists, are
 * algorithms/decisions.h's rules (decisions_check_rules, _subjects).
 *
 * Reading only: what a decision does to a run, and the words that say so,
 * are algorithms/decisions.h's alone.
 */
#ifndef RINGSCAN_DISPOSITIONS_H
#define RINGSCAN_DISPOSITIONS_H

#include "base/error.h"
#include "model/decision_set.h"

/* Limits: a decisions file holds one short row per analyst decision. */
#define DISPOSITIONS_MAX_BYTES (16u << 20) /* the whole file */
#define DISPOSITIONS_MAX_LINE (64u << 10)  /* one physical line */
#define DISPOSITIONS_MAX_NOTE 4096         /* the note field */
#define DISPOSITIONS_MAX_FIELD 512         /* every other field */

/* Reads path into out (new; decisions_finish applied). Returns RS_OK, or
 * RS_E_IO / RS_E_FORMAT / RS_E_VALUE / RS_E_SCHEMA / RS_E_LIMIT with err
 * set; out is then empty. Memory is bounded by the limits above. */
int dispositions_load(decision_set *out, const char *path, rs_error *err);

#endif

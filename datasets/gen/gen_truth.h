/* gen_truth.h - writes the simulator's ground truth: truth.csv and truth.json.
 *
 * truth.csv has one row per account (account_id,role,ring_id,population,behaviours),
 * sorted by account id; ring_id is empty for accounts outside rings and behaviours is a
 * ';'-separated list of what the account's events exhibit. truth.json describes every
 * planted ring: members, shill clients, operators, shared infrastructure, bursts and
 * structured-charge cases, plus the options, population counts and row counts.
 */
#ifndef GEN_TRUTH_H
#define GEN_TRUTH_H

#include <stddef.h>

#include "base/error.h"
#include "datasets/gen/gen_events.h"
#include "datasets/gen/gen_world.h"

/* Ring id of ring k ("T001"...), into buf of at least 12 bytes. */
void gen_truth_ring_id(char *buf, size_t len, unsigned k);

/* Writes DIR/truth.csv and DIR/truth.json (temp file + rename). Returns 0, or -1 with err
 * set (RS_E_IO and the message). */
int gen_truth_write(const gen_world *w, const gen_events_stats *st, const char *dir, rs_error *err);

#endif

/* vendor.h - the vendor sources ringscan recognises by content: Auth0 log
 * events, Okta System Log events, Stripe payouts and PayPal payout items.
 *
 * Each vendor source is a built-in mapping (ingest/mapping.h, written in the
 * mapping language so that its meaning is stated once and checked by the same
 * code as an operator's mapping) plus a recogniser: a test on a file's first
 * record that says the record has that vendor's shape. docs/loading.md,
 * "Vendor sources", lists which rows count and which fields are read.
 */
#ifndef RINGSCAN_VENDOR_H
#define RINGSCAN_VENDOR_H

#include "base/error.h"
#include "ingest/mapping.h"

#include <jansson.h>

/* Recognises a file by its first record (borrowed: a JSON object, or for a
 * CSV file an object of its header names each mapped to ""). On a match
 * compiles the vendor's mapping into *out (owned by the caller, one per file:
 * a mapping keeps per-file tallies) and returns 1; returns 0 when the record
 * has no known vendor shape, or a negative RS_E_* with err set. */
int vendor_recognise(const json_t *record, mapping **out, rs_error *err);

/* One line per vendor source for error messages: "Auth0 log events (...),
 * Okta System Log (...), ..." (static). */
const char *vendor_expected(void);

#endif

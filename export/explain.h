/* explain.h - the plain-English explanation of a ring, the same text in
 * rings.json, summary.json, index.html and the case page.
 *
 * Built only from the findings: who the ring groups and when, what its
 * members share (the most shared resource named), which red flags
 * corroborate it and how many accounts carry each, and how the score was
 * made. Input strings in it are made valid UTF-8; each writer escapes it for
 * its format.
 */
#ifndef RINGSCAN_EXPLAIN_H
#define RINGSCAN_EXPLAIN_H

#include "base/buf.h"
#include "graph/graph.h"
#include "model/findings.h"

#include <stddef.h>

/* The sentence saying which kind and severity ring rg is and the rule that decided it,
 * appended to b. */
void explain_kind(rs_buf *b, const ring *rg);

/* The explanation of ring i of f (new string, caller frees). */
char *explain_ring(const rs_graph *g, const findings *f, size_t i);

/* "ip", "device" or "destination": a shared resource's type as the
 * explanation and rings.json name it. Static. */
const char *explain_resource_type(uint32_t type);

#endif

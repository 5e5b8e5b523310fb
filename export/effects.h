/* effects.h - the JSON form of what analysts' decisions did to a run: the
 * entries of run.json's decisions_applied, which changes.json repeats.
 *
 * The one writer of an effect as JSON; the rules that decide an effect and
 * its wording are algorithms/decisions.h's, which hands them over as plain
 * decision_effects (model/decision_set.h), so neither the rules nor the
 * state database need to know jansson.
 */
#ifndef RINGSCAN_EFFECTS_H
#define RINGSCAN_EFFECTS_H

#include "model/decision_set.h"

#include <jansson.h>

/* A new JSON object for e: subject_type, subject_id, decision, analyst,
 * then decided_at (RFC 3339, only when e->dated) and effect, in that
 * order. jansson refuses a string that is not UTF-8 (the decisions file is
 * taken as it is): a dated effect then lacks that key, an undated one is
 * not written at all (NULL), as the run record has always had them. */
json_t *effects_json(const decision_effect *e);

/* Appends every effect of e to the JSON array arr, in order (none is
 * appended for an effect effects_json gives NULL). */
void effects_append(json_t *arr, const decision_effects *e);

#endif

/* decision_set.h - analysts' decisions (--dispositions, docs/state.md): what
 * was decided about which account, ring, IP, device or payment destination,
 * by whom and when.
 *
 * Read by ingest/dispositions.c, applied by algorithms/decisions.c. A
 * subject decided more than once keeps its latest decision (decided_at,
 * then the later line).
 */
#ifndef RINGSCAN_DECISIONS_H
#define RINGSCAN_DECISIONS_H

#include "model/findings.h"

#include <stddef.h>
#include <stdint.h>

typedef enum {
    SUBJECT_ACCOUNT,
    SUBJECT_RING,
    SUBJECT_IP,
    SUBJECT_DEVICE,
    SUBJECT_DESTINATION,
    SUBJECT_COUNT
} subject_type;

/* "account", "ring", "ip", "device", "destination". Static. */
const char *decisions_subject_name(subject_type t);

typedef struct {
    subject_type type;
    disposition decision;
    char *id, *analyst, *note; /* owned; analyst and note may be "" */
    int64_t decided_at;        /* UTC ms */
    long line;                 /* in the file, for messages */
} decision;

typedef struct {
    char *path;  /* owned */
    decision *v; /* sorted by type, id; one per subject */
    size_t n;
} decision_set;

/* The decision on a subject, or NULL. O(log n). */
const decision *decisions_find(const decision_set *s, subject_type t, const char *id, size_t len);
/* Sorts v, keeps each subject's latest decision. */
void decisions_finish(decision_set *s);
void decisions_free(decision_set *s);

#endif

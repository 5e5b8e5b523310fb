/* decision_set.h - the records of analysts' decisions (--dispositions,
 * docs/state.md): what was decided about which account, ring, IP, device or
 * payment destination, by whom and when, and what a decision did to a run.
 *
 * Records only: ingest/dispositions.c reads the file into a decision_set;
 * algorithms/decisions.c is the one place for the rules (allowlists,
 * confirmed accounts, baselines, material change) and for the wording of
 * every effect, which it hands on as decision_effects; export/effects.c is
 * the one writer of an effect as JSON; src/state.c stores baselines. A
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
    int id_col, decision_col; /* 1-based field positions of subject_id and
                                 decision in the file, for messages */
} decision_set;

/* Removes the decisions whose keep[i] is 0 (keep indexed as s->v), keeping
 * the order. Used to skip rows that match nothing (--dispositions-lenient). */
void decisions_keep(decision_set *s, const unsigned char *keep);

/* The decision on a subject, or NULL. O(log n). */
const decision *decisions_find(const decision_set *s, subject_type t, const char *id, size_t len);
/* Sorts v, keeps each subject's latest decision. */
void decisions_finish(decision_set *s);
void decisions_free(decision_set *s);

/* What one decision did to a run, worded for run.json's decisions_applied
 * and changes.json. */
typedef struct {
    const decision *d; /* borrowed from the decision set */
    int dated;         /* 1: its JSON gives decided_at. Benign and allowlisted
                          rings and accounts have it; allowlisted infrastructure
                          and confirmed accounts do not, as run.json always had */
    char *text;        /* owned */
} decision_effect;

/* Effects in the order they are listed. */
typedef struct {
    decision_effect *v;
    size_t n, cap;
} decision_effects;

/* Appends an effect of d (borrowed: d must outlive e) worded text (stolen:
 * a malloc'd string e frees). Aborts on OOM. */
void decisions_effect_add(decision_effects *e, const decision *d, int dated, char *text);
/* Frees every text and the array; e is left empty. Accepts NULL. */
void decisions_effects_free(decision_effects *e);

#endif

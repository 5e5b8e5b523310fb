/* tracking.h - which ring of this run continues which ring of the previous
 * run: the rule behind persistent ring ids (docs/state.md).
 *
 * A ring is two sorted sets of labels: its accounts (members and shill
 * clients) and its binding infrastructure (devices, payout destinations and
 * IPs at least half of whose users are the ring's, as "type:label"). Two
 * rings are related when at least half of the smaller one's accounts, or
 * half of the smaller one's infrastructure, are common to both
 * (TRACK_OVERLAP): banned accounts replaced by fresh ones on the same
 * devices still relate.
 *
 * From the relation:
 *   - each previous ring names an heir: the related current ring with the
 *     most accounts in common (then the higher overlap, then the lower
 *     index);
 *   - a current ring that is the heir of one or more previous rings takes
 *     the id of the one it shares most accounts with (then the earliest
 *     first seen, then the lowest id); the others are MERGED into it. Its
 *     status is GROWN when it has accounts that ring did not, else SHRUNK
 *     when it lost some, else UNCHANGED;
 *   - a current ring related to previous rings but heir of none SPLIT from
 *     the one it overlaps most, and gets a new id;
 *   - a current ring related to nothing is NEW; a previous ring with no heir
 *     is GONE.
 * Cost: O((A + I) log(A + I)) for A account and I infrastructure labels
 * over both runs, plus the related pairs.
 */
#ifndef RINGSCAN_TRACKING_H
#define RINGSCAN_TRACKING_H

#include "model/findings.h"

#include <stddef.h>
#include <stdint.h>

#define TRACK_OVERLAP 0.5

/* One ring as label sets (borrowed; each array sorted by strcmp, no
 * duplicates). */
typedef struct {
    const char *const *accts;
    size_t naccts;
    const char *const *infra;
    size_t ninfra;
    int64_t first_run; /* previous rings: when first seen (earlier wins ties) */
    const char *pid;   /* previous rings: persistent id */
} track_ring;

/* The outcome for one current ring. */
typedef struct {
    track_status status;     /* NEW, GROWN, SHRUNK, UNCHANGED or SPLIT */
    int32_t prev;            /* the previous ring whose id it takes, or (SPLIT) it split
                                from; -1 for NEW */
    uint32_t added, removed; /* against prev when it takes its id */
} track_cur_outcome;

typedef struct {
    track_cur_outcome *cur; /* per current ring */
    int32_t *prev_into;     /* per previous ring: the current ring that continues it
                               (its heir), or -1 when GONE */
    uint8_t *prev_merged;   /* per previous ring: 1 when MERGED into prev_into */
} track_result;

/* Matches cur against prev into out (arrays allocated; free with
 * tracking_result_free). */
void tracking_match(const track_ring *prev, size_t nprev, const track_ring *cur, size_t ncur,
                    track_result *out);
void tracking_result_free(track_result *r);

/* Ring i of f as label sets: accounts (members and shill clients) and
 * binding infrastructure ("device:ID", "destination:ID", and "ip:ADDR" for
 * IPs at least half of whose users are the ring's). The arrays and strings
 * are one allocation returned through *block (free it alone); both arrays
 * sorted, no duplicates. */
void tracking_ring_labels(const rs_graph *g, const findings *f, size_t i, track_ring *out,
                          void **block);

/* Number of labels common to two sorted label arrays. O(na + nb). */
size_t tracking_common(const char *const *a, size_t na, const char *const *b, size_t nb);

#endif

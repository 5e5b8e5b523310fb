/* burst.h - Kleinberg burst detection over one entity's event timeline.
 *
 * Reference: J. Kleinberg, "Bursty and Hierarchical Structure in Streams",
 * KDD 2002 (Data Mining and Knowledge Discovery 7(4), 2003), section 2: the
 * infinite-state automaton A*_{s,gamma} over inter-arrival gaps, solved with
 * Viterbi.
 *
 * Model. n timestamps give m = n - 1 gaps x_1..x_m. State i emits gaps from an
 * exponential density with rate alpha_i = alpha_0 * s^i, so the fit cost of a gap
 * x in state i is alpha_i * x - ln(alpha_i). Moving up from state i to j > i costs
 * gamma * (j - i) * ln(m); moving down is free. The automaton starts in state 0.
 * alpha_0 is the timeline's own mean rate m / (sum of gaps) unless the caller
 * gives a baseline rate (for example the entity's long-term rate), so a steady
 * high-volume stream is not bursty relative to itself. The cheapest state
 * sequence is a maximum-likelihood explanation of the stream; a burst of level l
 * is a maximal run of gaps whose state is >= l, so bursts nest (Kleinberg's
 * hierarchy).
 *
 * Reading the output: the deeper levels have crisp boundaries; the level-1
 * envelope can take in a few neighbouring baseline events, because the climb
 * is paid once and staying up through a short lull is cheaper than paying it
 * again. In a long stream with no real burst, random clumping can still reach
 * level 1 at an intensity around 2 (a Poisson stream of 13,000 events does so
 * in about one run in eight); a planted burst of 20x reaches level 4 or 5.
 * Detectors should therefore threshold on level (or intensity) and weight,
 * not on the mere presence of a burst.
 *
 * Complexity: O(m * k) time and O(m * k) bytes of memory (one byte of back
 * pointer per gap and state; k <= BURST_MAX_STATES), where k is the number of
 * states actually used (see burst_params.max_states). The transition minimum is
 * found in O(k) per gap, not O(k^2), because up-costs are linear in the
 * distance and down-moves are free.
 *
 * Pure module: plain arrays in, plain structs out, no global state, no I/O.
 */
#ifndef RINGSCAN_BURST_H
#define RINGSCAN_BURST_H

#include <stddef.h>

/* Hard upper bound on the number of automaton states (including state 0). */
#define BURST_MAX_STATES 64

/* Return codes: 0 on success, one of these on failure. */
#define BURST_OK 0
#define BURST_EINVAL (-1) /* NULL pointer or parameter out of range */
#define BURST_EDATA (-2)  /* a timestamp is NaN/Inf, out of order, or the span overflows */

/* Tuning knobs. Always start from BURST_PARAMS_INIT and change fields. */
typedef struct burst_params {
    /* Rate ratio between consecutive levels, > 1. Larger s means a burst must be
     * denser to reach level 1. Default 2 (Kleinberg). */
    double s;
    /* Cost of moving up one level, in units of ln(m), >= 0. Larger gamma means
     * fewer, longer-lived bursts. Default 1 (Kleinberg). */
    double gamma;
    /* Cap on the number of states including state 0, in 2..BURST_MAX_STATES.
     * Kleinberg's automaton needs about 1 + log_s(T / min gap) states; fewer
     * only merges the densest levels together. Default 16 (rates up to
     * 2^15 times the baseline). */
    unsigned max_states;
    /* Bursts with fewer events than this are not reported (>= 2). Default 3. */
    size_t min_events;
    /* Resolution of the timestamps, > 0: shorter gaps, including the zero gaps
     * of duplicate timestamps, are treated as this long. This keeps rates
     * finite and bounds the state count. Default 1.0 (one second). */
    double min_gap;
    /* Rate of state 0 in events per time unit. 0 (default) uses the timeline's
     * own mean rate; a positive value judges the timeline against an outside
     * baseline, e.g. the entity's longer-term history or a peer group. */
    double baseline_rate;
} burst_params;

#define BURST_PARAMS_INIT                                                                          \
    {                                                                                              \
        .s = 2.0, .gamma = 1.0, .max_states = 16, .min_events = 3, .min_gap = 1.0,                 \
        .baseline_rate = 0.0                                                                       \
    }

/* One burst: events first..last (inclusive indices into the input array). */
typedef struct burst_interval {
    double start;     /* timestamp of event `first` */
    double end;       /* timestamp of event `last` */
    size_t first;     /* index of the first event in the burst */
    size_t last;      /* index of the last event in the burst (> first) */
    unsigned level;   /* automaton level, >= 1; a level-l burst lies inside a level-(l-1) one */
    double intensity; /* event rate inside the burst / baseline rate alpha_0 */
    double weight;    /* cost saved by level l over level l-1, summed over the burst's
                       * gaps (Kleinberg's burst weight); larger means more confidently
                       * bursty */
} burst_interval;

/* Result of burst_detect. Plain struct; release with burst_list_free. */
typedef struct burst_list {
    burst_interval *items; /* owned; sorted by first event, then by level ascending */
    size_t count;
    double baseline_rate; /* alpha_0 actually used (0 when there were fewer than 2 events) */
    unsigned states;      /* k actually used (0 when there were fewer than 2 events) */
} burst_list;

/* Detect bursts in a non-decreasing array of n timestamps (time unit: seconds
 * unless min_gap and baseline_rate are expressed in another unit).
 *
 * out    - overwritten (not freed first) with a new list the caller owns and
 *          releases with burst_list_free; on failure it is left empty, so
 *          freeing it is still safe.
 * ts     - borrowed; may be NULL when n == 0. Duplicates are allowed.
 * n      - number of timestamps; n < 2 yields an empty list.
 * params - borrowed; NULL means BURST_PARAMS_INIT.
 *
 * Returns 0, BURST_EINVAL for a NULL out/ts or bad params, BURST_EDATA for a
 * non-finite or decreasing timestamp or a span that overflows a double.
 * Aborts with a message on out-of-memory (ringscan's allocation policy).
 * Time O(n * k), memory O(n * k) bytes plus O(n) for the output. Deterministic.
 */
int burst_detect(burst_list *out, const double *ts, size_t n, const burst_params *params);

/* Releases the list's items and empties it. Accepts NULL and empty lists. */
void burst_list_free(burst_list *list);

/* Static English text for a return code; never NULL. */
const char *burst_strerror(int code);

#endif /* RINGSCAN_BURST_H */

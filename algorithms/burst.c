/* burst.c - Kleinberg burst detection (KDD 2002) over one entity's timeline.
 *
 * Detectors ask "did this client rate many freelancers in a short time, compared
 * with how it normally behaves?"; this module answers it for any sorted list of
 * timestamps (ratings given, hires, charges on a payment account, accounts seen
 * on an IP) and knows nothing about where they came from.
 *
 * Representation: the m = n - 1 inter-arrival gaps, clamped below at min_gap, in
 * one double array; a byte matrix back[m][k] of Viterbi back pointers (the state
 * index fits a byte because k <= BURST_MAX_STATES = 64); then one byte of state
 * per gap after backtracking. Costs are kept relative to the cheapest state of
 * the previous gap, so they stay small however long the stream is.
 *
 * Invariants: timestamps are finite and non-decreasing (checked, data error
 * otherwise); every gap is >= min_gap > 0; alpha_i = alpha_0 * s^i and
 * alpha_{k-1} * (largest gap) are finite, which keeps every cost finite after
 * the first gap (k is lowered until that holds).
 *
 * Workload: called once per entity timeline; most timelines are short (tens of
 * events), a few are long (an enterprise client, a busy IP: up to ~1e6 events).
 * Work and memory are linear in n for a fixed state cap.
 */
#include "algorithms/burst.h"

#include "base/alloc.h"

#include <assert.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int burst_params_valid(const burst_params *p)
{
    return isfinite(p->s) && p->s > 1.0 && isfinite(p->gamma) && p->gamma >= 0.0 &&
           p->max_states >= 2 && p->max_states <= BURST_MAX_STATES && p->min_events >= 2 &&
           isfinite(p->min_gap) && p->min_gap > 0.0 && isfinite(p->baseline_rate) &&
           p->baseline_rate >= 0.0;
}

/* Number of states: enough for the fastest observed gap (Kleinberg's
 * k = 1 + ceil(log_s(1 / (min gap * alpha_0)))), at least 2, at most the cap. */
static unsigned burst_state_count(double alpha0, double min_seen_gap, const burst_params *p)
{
    double ratio = 1.0 / (min_seen_gap * alpha0);
    double levels;

    if (!(ratio > 1.0)) /* also catches NaN */
        return 2;
    levels = ceil(log(ratio) / log(p->s));
    if (!(levels + 1.0 < (double)p->max_states))
        return p->max_states;
    return levels + 1.0 < 2.0 ? 2u : (unsigned)levels + 1u;
}

/* Runs Viterbi over the gaps, writing the cheapest state of each gap to
 * state[0..m-1]. back is an m*k scratch matrix. The minimum over source states
 * is O(k) per gap: from below, best_up[j] = min(prev[j], best_up[j-1] + up)
 * because climbing costs `up` per level; from above, a suffix minimum because
 * descending is free. Ties prefer staying, then the lower state, so the
 * result is deterministic. */
static void burst_viterbi(unsigned char *state, unsigned char *back, const double *gap, size_t m,
                          unsigned k, const double *alpha, const double *lnalpha, double up)
{
    double prev[BURST_MAX_STATES], cur[BURST_MAX_STATES];
    double upv[BURST_MAX_STATES], dnv[BURST_MAX_STATES];
    unsigned char upa[BURST_MAX_STATES], dna[BURST_MAX_STATES];
    size_t t;
    unsigned j, best;

    prev[0] = 0.0; /* the automaton starts in state 0 */
    for (j = 1; j < k; j++)
        prev[j] = INFINITY;

    for (t = 0; t < m; t++) {
        unsigned char *bt = back + t * k;
        double lo;

        upv[0] = prev[0];
        upa[0] = 0;
        for (j = 1; j < k; j++) {
            if (prev[j] <= upv[j - 1] + up) {
                upv[j] = prev[j];
                upa[j] = (unsigned char)j;
            } else {
                upv[j] = upv[j - 1] + up;
                upa[j] = upa[j - 1];
            }
        }
        assert(k >= 1);
        dnv[k - 1] = prev[k - 1];
        dna[k - 1] = (unsigned char)(k - 1);
        for (j = k - 1; j-- > 0;) {
            if (prev[j] <= dnv[j + 1]) {
                dnv[j] = prev[j];
                dna[j] = (unsigned char)j;
            } else {
                dnv[j] = dnv[j + 1];
                dna[j] = dna[j + 1];
            }
        }
        lo = INFINITY;
        for (j = 0; j < k; j++) {
            double in;
            if (upv[j] <= dnv[j]) {
                in = upv[j];
                bt[j] = upa[j];
            } else {
                in = dnv[j];
                bt[j] = dna[j];
            }
            cur[j] = in + alpha[j] * gap[t] - lnalpha[j];
            if (cur[j] < lo)
                lo = cur[j];
        }
        /* Renormalise: only differences between states matter. */
        for (j = 0; j < k; j++)
            prev[j] = cur[j] - lo;
    }

    best = 0;
    for (j = 1; j < k; j++)
        if (prev[j] < prev[best])
            best = j;
    state[m - 1] = (unsigned char)best;
    for (t = m - 1; t > 0; t--)
        state[t - 1] = back[t * k + state[t]];
}

/* Cost saved over one gap x by level l instead of level l - 1. */
static double burst_saving(const double *alpha, const double *lnalpha, unsigned l, double x)
{
    return (alpha[l - 1] - alpha[l]) * x + (lnalpha[l] - lnalpha[l - 1]);
}

/* Turns the state sequence into nested burst intervals, in order of first
 * event then level, dropping those with fewer than min_events events. The
 * number of bursts is the total of the upward steps, so it is counted first
 * and the output allocated once. */
static void burst_extract(burst_list *out, const unsigned char *state, const double *gap, size_t m,
                          const double *ts, const double *alpha, const double *lnalpha,
                          size_t min_events)
{
    size_t open_at[BURST_MAX_STATES] = {0}; /* item index of the open burst per level */
    size_t start_gap[BURST_MAX_STATES] = {0};
    double dur[BURST_MAX_STATES] = {0}; /* clamped duration accumulated per level */
    size_t total = 0, used = 0, kept = 0, t, i;
    unsigned cur = 0, l;

    for (t = 0; t < m; t++) {
        if (state[t] > cur)
            total += (size_t)(state[t] - cur);
        cur = state[t];
    }
    if (total == 0)
        return;
    out->items = xreallocarray(NULL, total, sizeof *out->items);

    cur = 0;
    for (t = 0; t <= m; t++) {
        unsigned q = t < m ? state[t] : 0; /* a sentinel state 0 closes everything */

        for (l = cur; l > q; l--) { /* close levels q+1..cur, which ended at gap t-1 */
            burst_interval *b = &out->items[open_at[l]];
            size_t a = start_gap[l];
            b->first = a;
            b->last = t; /* gap t-1 ends at event t */
            b->start = ts[a];
            b->end = ts[t];
            b->intensity = ((double)(t - a) / dur[l]) / alpha[0];
        }
        for (l = cur + 1; l <= q; l++) { /* open levels cur+1..q at gap t */
            burst_interval *b = &out->items[used];
            memset(b, 0, sizeof *b);
            b->level = l;
            open_at[l] = used++;
            start_gap[l] = t;
            dur[l] = 0.0;
        }
        for (l = 1; l <= q; l++) {
            out->items[open_at[l]].weight += burst_saving(alpha, lnalpha, l, gap[t]);
            dur[l] += gap[t];
        }
        cur = q;
    }

    for (i = 0; i < used; i++) {
        if (out->items[i].last - out->items[i].first + 1 >= min_events)
            out->items[kept++] = out->items[i];
    }
    out->count = kept;
    if (kept == 0) {
        free(out->items);
        out->items = NULL;
    }
}

int burst_detect(burst_list *out, const double *ts, size_t n, const burst_params *params)
{
    const burst_params defaults = BURST_PARAMS_INIT;
    double alpha[BURST_MAX_STATES], lnalpha[BURST_MAX_STATES];
    double *gap = NULL;
    unsigned char *back = NULL, *state = NULL;
    double sum = 0.0, min_seen = INFINITY, max_seen = 0.0, alpha0, up;
    size_t m, i;
    unsigned k, j;
    int rc = BURST_OK;

    if (out == NULL)
        return BURST_EINVAL;
    memset(out, 0, sizeof *out);
    if (params == NULL)
        params = &defaults;
    if ((ts == NULL && n > 0) || !burst_params_valid(params))
        return BURST_EINVAL;
    for (i = 0; i < n; i++) {
        if (!isfinite(ts[i]) || (i > 0 && ts[i] < ts[i - 1]))
            return BURST_EDATA;
    }
    if (n < 2)
        return BURST_OK;

    m = n - 1;
    gap = xreallocarray(NULL, m, sizeof *gap);
    for (i = 0; i < m; i++) {
        double d = ts[i + 1] - ts[i];
        if (!isfinite(d)) { /* e.g. -1e308 .. 1e308 */
            rc = BURST_EDATA;
            goto cleanup;
        }
        if (d < params->min_gap)
            d = params->min_gap;
        gap[i] = d;
        sum += d;
        if (d < min_seen)
            min_seen = d;
        if (d > max_seen)
            max_seen = d;
    }
    if (!isfinite(sum)) {
        rc = BURST_EDATA;
        goto cleanup;
    }
    alpha0 = params->baseline_rate > 0.0 ? params->baseline_rate : (double)m / sum;
    if (!(alpha0 > 0.0) || !isfinite(alpha0 * max_seen)) {
        rc = BURST_EDATA;
        goto cleanup;
    }

    k = burst_state_count(alpha0, min_seen, params);
    alpha[0] = alpha0;
    lnalpha[0] = log(alpha0);
    for (j = 1; j < k; j++) {
        alpha[j] = alpha[j - 1] * params->s;
        if (!isfinite(alpha[j] * max_seen)) {
            k = j; /* higher states would give infinite costs */
            break;
        }
        lnalpha[j] = log(alpha[j]);
    }
    out->baseline_rate = alpha0;
    out->states = k;
    if (k < 2)
        goto cleanup;

    up = params->gamma * log((double)m);
    back = xreallocarray(NULL, m, k);
    state = xreallocarray(NULL, m, 1);
    burst_viterbi(state, back, gap, m, k, alpha, lnalpha, up);
    burst_extract(out, state, gap, m, ts, alpha, lnalpha, params->min_events);

cleanup:
    free(gap);
    free(back);
    free(state);
    if (rc != BURST_OK)
        burst_list_free(out);
    return rc;
}

void burst_list_free(burst_list *list)
{
    if (list == NULL)
        return;
    free(list->items);
    memset(list, 0, sizeof *list);
}

const char *burst_strerror(int code)
{
    switch (code) {
    case BURST_OK:
        return "success";
    case BURST_EINVAL:
        return "invalid argument or parameter";
    case BURST_EDATA:
        return "timestamps not finite, not sorted, or span too large";
    default:
        return "unknown error";
    }
}

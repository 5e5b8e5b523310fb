/* eval_metrics.h - detection-quality metrics used by ringscan-eval.
 *
 * Pure functions over plain arrays, so they can be checked against hand-computed cases.
 * Undefined values (a ratio with a zero denominator, an AUC with only one class) are
 * reported as NAN by the ranking metrics and as 0 by precision/recall/F1, matching the
 * usual conventions (scikit-learn's zero_division=0).
 */
#ifndef EVAL_METRICS_H
#define EVAL_METRICS_H

#include <stddef.h>

typedef struct eval_prf {
    size_t tp, fp, fn, tn;
    double precision, recall, f1;
} eval_prf;

/* Confusion counts and precision/recall/F1 of the binary prediction pred against label,
 * over the n entries whose mask is non-zero (mask NULL = all). O(n). */
void eval_metrics_prf(const int *label, const int *pred, const int *mask, size_t n, eval_prf *out);

/* ROC AUC of score for the binary label over the masked entries: the probability that a
 * random positive outscores a random negative, ties counting one half (Mann-Whitney U with
 * average ranks). NAN when either class is empty. O(n log n). */
double eval_metrics_auc(const double *score, const int *label, const int *mask, size_t n);

/* Average precision: sum over distinct score thresholds, from high to low, of
 * (recall gain) x (precision at that threshold), a tie group entering as a whole (the
 * step-wise definition of scikit-learn's average_precision_score). Constant scores give
 * the positive prevalence. NAN when there is no positive. O(n log n). */
double eval_metrics_ap(const double *score, const int *label, const int *mask, size_t n);

/* |A ∩ B| / |A ∪ B| from the intersection and the two sizes; 0 when both are empty. */
double eval_metrics_jaccard(size_t inter, size_t size_a, size_t size_b);

#endif

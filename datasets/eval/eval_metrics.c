/* eval_metrics.c - precision/recall/F1, ROC AUC, average precision, Jaccard; see
 * eval_metrics.h. The ranking metrics sort (score, label) pairs once; ties are handled as
 * groups so the result does not depend on the input order. */
#include "datasets/eval/eval_metrics.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

typedef struct metrics_pair {
    double score;
    int label;
} metrics_pair;

static double metrics_ratio(size_t a, size_t b)
{
    return b ? (double)a / (double)b : 0.0;
}

void eval_metrics_prf(const int *label, const int *pred, const int *mask, size_t n, eval_prf *out)
{
    eval_prf r = {0, 0, 0, 0, 0.0, 0.0, 0.0};
    for (size_t i = 0; i < n; i++) {
        if (mask && !mask[i])
            continue;
        if (label[i] && pred[i])
            r.tp++;
        else if (!label[i] && pred[i])
            r.fp++;
        else if (label[i])
            r.fn++;
        else
            r.tn++;
    }
    r.precision = metrics_ratio(r.tp, r.tp + r.fp);
    r.recall = metrics_ratio(r.tp, r.tp + r.fn);
    r.f1 =
        (r.precision + r.recall) > 0 ? 2 * r.precision * r.recall / (r.precision + r.recall) : 0.0;
    *out = r;
}

/* Descending by score; NaN scores sort last (treated as the lowest). */
static int metrics_cmp_desc(const void *a, const void *b)
{
    double x = ((const metrics_pair *)a)->score, y = ((const metrics_pair *)b)->score;
    int xn = isnan(x), yn = isnan(y);
    if (xn || yn)
        return xn - yn;
    return (x < y) - (x > y);
}

static metrics_pair *metrics_sorted(const double *score, const int *label, const int *mask,
                                    size_t n, size_t *m, size_t *pos)
{
    metrics_pair *p = malloc((n ? n : 1) * sizeof *p);
    if (!p) {
        fprintf(stderr, "ringscan-eval: out of memory (%zu pairs)\n", n);
        abort();
    }
    *m = 0;
    *pos = 0;
    for (size_t i = 0; i < n; i++) {
        if (mask && !mask[i])
            continue;
        p[*m].score = score[i];
        p[*m].label = label[i] != 0;
        *pos += p[*m].label;
        (*m)++;
    }
    qsort(p, *m, sizeof *p, metrics_cmp_desc);
    return p;
}

static int metrics_same(double a, double b)
{
    return a == b || (isnan(a) && isnan(b));
}

double eval_metrics_auc(const double *score, const int *label, const int *mask, size_t n)
{
    size_t m, pos;
    metrics_pair *p = metrics_sorted(score, label, mask, n, &m, &pos);
    size_t neg = m - pos;
    double result = NAN;
    if (pos && neg) {
        /* Walk tie groups from the top: each positive in a group beats every negative
         * below the group and ties with the group's negatives (half credit). */
        double wins = 0;
        size_t neg_above = 0;
        for (size_t i = 0; i < m;) {
            size_t j = i, gp = 0, gn = 0;
            while (j < m && metrics_same(p[j].score, p[i].score)) {
                if (p[j].label)
                    gp++;
                else
                    gn++;
                j++;
            }
            size_t neg_below = neg - neg_above - gn;
            wins += (double)gp * ((double)neg_below + 0.5 * (double)gn);
            neg_above += gn;
            i = j;
        }
        result = wins / ((double)pos * (double)neg);
    }
    free(p);
    return result;
}

double eval_metrics_ap(const double *score, const int *label, const int *mask, size_t n)
{
    size_t m, pos;
    metrics_pair *p = metrics_sorted(score, label, mask, n, &m, &pos);
    double ap = NAN;
    if (pos) {
        size_t tp = 0, seen = 0;
        double prev_recall = 0;
        ap = 0;
        for (size_t i = 0; i < m;) {
            size_t j = i;
            while (j < m && metrics_same(p[j].score, p[i].score)) {
                tp += (size_t)p[j].label;
                j++;
            }
            seen += j - i;
            double recall = (double)tp / (double)pos;
            double precision = (double)tp / (double)seen;
            ap += (recall - prev_recall) * precision;
            prev_recall = recall;
            i = j;
        }
    }
    free(p);
    return ap;
}

double eval_metrics_jaccard(size_t inter, size_t size_a, size_t size_b)
{
    size_t uni = size_a + size_b - inter;
    return uni ? (double)inter / (double)uni : 0.0;
}

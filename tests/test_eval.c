/* test_eval.c - ringscan-eval's metrics on hand-computed cases, and the whole report on
 * the fixtures in tests/data/eval/ (expected values worked out in case1/README). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <math.h>
#include <string.h>

#include "datasets/eval/eval.h"
#include "datasets/eval/eval_metrics.h"

#define EPS 1e-9

static void test_eval__prf_counts(void **state)
{
    (void)state;
    const int label[] = {1, 1, 0, 0, 1};
    const int pred[] = {1, 0, 1, 0, 1};
    eval_prf p;
    eval_metrics_prf(label, pred, NULL, 5, &p);
    assert_int_equal(p.tp, 2);
    assert_int_equal(p.fp, 1);
    assert_int_equal(p.fn, 1);
    assert_int_equal(p.tn, 1);
    assert_true(fabs(p.precision - 2.0 / 3) < EPS);
    assert_true(fabs(p.recall - 2.0 / 3) < EPS);
    assert_true(fabs(p.f1 - 2.0 / 3) < EPS);
}

static void test_eval__prf_mask_and_nothing_flagged(void **state)
{
    (void)state;
    const int label[] = {1, 0, 1, 0};
    const int pred[] = {0, 0, 0, 1};
    const int mask[] = {1, 1, 1, 0};
    eval_prf p;
    eval_metrics_prf(label, pred, mask, 4, &p);
    assert_int_equal(p.tp, 0);
    assert_int_equal(p.fp, 0);
    assert_int_equal(p.fn, 2);
    assert_int_equal(p.tn, 1);
    assert_true(p.precision == 0 && p.recall == 0 && p.f1 == 0);
}

static void test_eval__auc_simple(void **state)
{
    (void)state;
    const double s[] = {0.9, 0.8, 0.7, 0.6};
    const int l[] = {1, 0, 1, 0};
    assert_true(fabs(eval_metrics_auc(s, l, NULL, 4) - 0.75) < EPS);
}

static void test_eval__auc_ties_count_half(void **state)
{
    (void)state;
    const double s[] = {0.5, 0.5, 0.2, 0.5};
    const int l[] = {1, 0, 0, 1};
    assert_true(fabs(eval_metrics_auc(s, l, NULL, 4) - 0.75) < EPS);
    const double c[] = {0.3, 0.3, 0.3, 0.3, 0.3};
    const int l2[] = {1, 0, 0, 1, 0};
    assert_true(fabs(eval_metrics_auc(c, l2, NULL, 5) - 0.5) < EPS);
    /* Order of the input must not matter. */
    const double s3[] = {0.5, 0.2, 0.5, 0.5};
    const int l3[] = {1, 0, 1, 0};
    assert_true(fabs(eval_metrics_auc(s3, l3, NULL, 4) - 0.75) < EPS);
}

static void test_eval__auc_one_class_is_undefined(void **state)
{
    (void)state;
    const double s[] = {0.1, 0.2};
    const int l[] = {0, 0};
    assert_true(isnan(eval_metrics_auc(s, l, NULL, 2)));
    assert_true(isnan(eval_metrics_ap(s, l, NULL, 2)));
}

static void test_eval__ap_steps_and_ties(void **state)
{
    (void)state;
    const double s[] = {0.9, 0.8, 0.7, 0.6};
    const int l[] = {1, 0, 1, 0};
    assert_true(fabs(eval_metrics_ap(s, l, NULL, 4) - (0.5 + 0.5 * 2.0 / 3)) < EPS);
    const double t[] = {0.5, 0.5, 0.2, 0.5};
    const int lt[] = {1, 0, 0, 1};
    assert_true(fabs(eval_metrics_ap(t, lt, NULL, 4) - 2.0 / 3) < EPS);
    const double c[] = {0, 0, 0, 0};
    assert_true(fabs(eval_metrics_ap(c, lt, NULL, 4) - 0.5) < EPS); /* prevalence */
}

static void test_eval__jaccard(void **state)
{
    (void)state;
    assert_true(fabs(eval_metrics_jaccard(2, 3, 4) - 0.4) < EPS);
    assert_true(eval_metrics_jaccard(0, 0, 0) == 0);
    assert_true(fabs(eval_metrics_jaccard(3, 3, 3) - 1.0) < EPS);
}

static double num(const json_t *r, const char *a, const char *b, const char *c)
{
    const json_t *x = json_object_get(r, a);
    if (b)
        x = json_object_get(x, b);
    if (c)
        x = json_object_get(x, c);
    return json_is_number(x) ? json_number_value(x) : NAN;
}

static void test_eval__report_on_fixture(void **state)
{
    (void)state;
    json_t *r = NULL;
    rs_error err = {0};
    assert_int_equal(eval_compute(&r, "tests/data/eval/case1/out", "tests/data/eval/case1", &err),
                     0);
    assert_true(num(r, "accounts", "missing_from_output", NULL) == 1);
    assert_true(num(r, "accounts", "unknown_in_output", NULL) == 1);
    assert_true(num(r, "ring_freelancers", "tp", NULL) == 3);
    assert_true(num(r, "ring_freelancers", "fp", NULL) == 1);
    assert_true(num(r, "ring_freelancers", "fn", NULL) == 2);
    assert_true(fabs(num(r, "ring_freelancers", "precision", NULL) - 0.75) < EPS);
    assert_true(fabs(num(r, "ring_freelancers", "recall", NULL) - 0.6) < EPS);
    assert_true(fabs(num(r, "ring_freelancers", "f1", NULL) - 2.0 / 3) < EPS);
    assert_true(fabs(num(r, "shill_clients", "f1", NULL) - 1.0) < EPS);
    assert_true(fabs(num(r, "risk_score", "freelancers", "roc_auc") - 0.85) < EPS);
    assert_true(fabs(num(r, "risk_score", "freelancers", "average_precision") -
                     (0.2 + 0.2 + 0.15 + 0.16 + 5.0 / 35)) < EPS);
    assert_true(fabs(num(r, "ring_recovery", "mean_best_jaccard", NULL) - (0.75 + 1.0 / 3) / 2) <
                EPS);
    assert_true(num(r, "ring_recovery", "recovered_jaccard_0_5", NULL) == 1);
    assert_true(num(r, "ring_recovery", "reported_rings", NULL) == 2);
    const json_t *per = json_object_get(json_object_get(r, "ring_recovery"), "per_ring");
    assert_string_equal(json_string_value(json_object_get(json_array_get(per, 0), "best_match")),
                        "R0001");
    assert_true(fabs(num(r, "benign_fpr", "office", "fpr") - 0.5) < EPS);
    assert_true(num(r, "benign_fpr", "household", "fpr") == 0);
    assert_true(num(r, "benign_fpr", "enterprise_client", "accounts") == 1);
    assert_true(fabs(num(r, "behaviour_recall", "laptop_farm", "flag_recall") - 1.0) < EPS);
    assert_true(fabs(num(r, "behaviour_recall", "geo_hop", "recall") - 0.5) < EPS);
    assert_true(num(r, "behaviour_recall", "geo_hop", "flag_recall") == 0);
    assert_true(num(r, "behaviour_recall", "bid_spam", "recall") == 0);
    assert_true(fabs(num(r, "behaviour_recall", "shill_rating", "flag_recall") - 1.0) < EPS);
    json_decref(r);
}

static void test_eval__nothing_flagged_no_rings(void **state)
{
    (void)state;
    json_t *r = NULL;
    rs_error err = {0};
    assert_int_equal(
        eval_compute(&r, "tests/data/eval/none", "tests/data/eval/case1/truth.csv", &err), 0);
    assert_true(num(r, "ring_freelancers", "precision", NULL) == 0);
    assert_true(num(r, "ring_freelancers", "recall", NULL) == 0);
    assert_true(num(r, "shill_clients", "f1", NULL) == 0);
    assert_true(fabs(num(r, "risk_score", "all", "roc_auc") - 0.5) < EPS);
    assert_true(fabs(num(r, "risk_score", "all", "average_precision") - 6.0 / 12) < EPS);
    assert_true(num(r, "ring_recovery", "mean_best_jaccard", NULL) == 0);
    assert_true(num(r, "ring_recovery", "reported_rings", NULL) == 0);
    assert_true(
        json_is_false(json_object_get(json_object_get(r, "ring_recovery"), "rings_json_present")));
    assert_true(num(r, "benign_fpr", "office", "fpr") == 0);
    json_decref(r);
}

/* Recall per ring population (one per --schemes 2025 scheme) and FPR per look-alike;
 * accounts missing from the output count as not flagged. */
static void test_eval__per_population_figures(void **state)
{
    (void)state;
    json_t *r = NULL;
    rs_error err = {0};
    assert_int_equal(
        eval_compute(&r, "tests/data/eval/schemes/out", "tests/data/eval/schemes", &err), 0);
    assert_true(num(r, "ring_population_recall", "laptop_farm", "accounts") == 4);
    assert_true(num(r, "ring_population_recall", "laptop_farm", "flagged") == 1);
    assert_true(fabs(num(r, "ring_population_recall", "laptop_farm", "recall") - 0.25) < EPS);
    assert_true(fabs(num(r, "ring_population_recall", "rented", "recall") - 1.0) < EPS);
    assert_true(fabs(num(r, "ring_population_recall", "ring_freelancer", "recall") - 1.0) < EPS);
    assert_null(json_object_get(json_object_get(r, "ring_population_recall"), "coworking"));
    assert_true(num(r, "benign_fpr", "coworking", "accounts") == 4);
    assert_true(fabs(num(r, "benign_fpr", "coworking", "fpr") - 0.25) < EPS);
    assert_true(num(r, "benign_fpr", "night_worker", "fpr") == 0);
    assert_null(json_object_get(json_object_get(r, "benign_fpr"), "laptop_farm"));
    assert_true(fabs(num(r, "ring_freelancers", "recall", NULL) - 4.0 / 7) < EPS);
    json_decref(r);
}

static void test_eval__missing_files_are_errors(void **state)
{
    (void)state;
    json_t *r = NULL;
    rs_error err = {0};
    assert_int_equal(eval_compute(&r, "tests/data/eval/nope", "tests/data/eval/case1", &err), -1);
    assert_non_null(strstr(err.msg, "accounts.csv"));
    assert_null(r);
    assert_int_equal(eval_compute(&r, "tests/data/eval/none", "tests/data/eval/nope", &err), -1);
    assert_null(r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_eval__prf_counts),
        cmocka_unit_test(test_eval__prf_mask_and_nothing_flagged),
        cmocka_unit_test(test_eval__auc_simple),
        cmocka_unit_test(test_eval__auc_ties_count_half),
        cmocka_unit_test(test_eval__auc_one_class_is_undefined),
        cmocka_unit_test(test_eval__ap_steps_and_ties),
        cmocka_unit_test(test_eval__jaccard),
        cmocka_unit_test(test_eval__report_on_fixture),
        cmocka_unit_test(test_eval__nothing_flagged_no_rings),
        cmocka_unit_test(test_eval__per_population_figures),
        cmocka_unit_test(test_eval__missing_files_are_errors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

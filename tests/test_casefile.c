/* test_casefile.c - the per-day histogram grows both ways and stops at
 * CASE_MAX_DAYS without losing what it holds; samples are copies (the row's
 * buffers may go) and capped per flag; free of a partial casefile. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/casefile.h"

static void test_casefile__day_histogram(void **state)
{
    (void)state;
    casefile c;
    memset(&c, 0, sizeof c);
    case_evidence *ev = &c.ev;
    casefile_count_day(ev, 100, TABLE_LOGINS);
    casefile_count_day(ev, 100, TABLE_BIDS);
    casefile_count_day(ev, 97, TABLE_LOGINS); /* earlier: grows at the front */
    casefile_count_day(ev, 103, TABLE_RATINGS);
    assert_int_equal(ev->day0, 97);
    assert_int_equal(ev->ndays, 7);
    assert_int_equal(ev->per_day[0][TABLE_LOGINS], 1);
    assert_int_equal(ev->per_day[3][TABLE_LOGINS], 1);
    assert_int_equal(ev->per_day[3][TABLE_BIDS], 1);
    assert_int_equal(ev->per_day[6][TABLE_RATINGS], 1);
    /* Beyond the span either way: not drawn, nothing lost. */
    casefile_count_day(ev, 97 + CASE_MAX_DAYS, TABLE_LOGINS);
    casefile_count_day(ev, 103 - CASE_MAX_DAYS, TABLE_LOGINS);
    assert_int_equal(ev->ndays, 7);
    assert_int_equal(ev->per_day[0][TABLE_LOGINS], 1);
    casefile_free(&c);
    assert_null(c.ev.per_day);
    casefile_free(NULL);
}

static void test_casefile__samples_are_copies_and_capped(void **state)
{
    (void)state;
    casefile *all = calloc(2, sizeof *all);
    char value[16], file[16];
    snprintf(value, sizeof value, "u1");
    snprintf(file, sizeof file, "logins.csv");
    source_row r;
    memset(&r, 0, sizeof r);
    r.table = TABLE_LOGINS;
    r.file = file;
    r.line = 7;
    r.ts = 42;
    r.cols[0] = (record_col){"account_id", value, 2, 0};
    r.ncols = 1;
    for (int k = 0; k < CASE_MAX_SAMPLES + 5; k++)
        casefile_add_sample(&all[1].ev, FLAG_GEO_HOP, &r);
    value[0] = 'X'; /* the row's buffers change after the call */
    file[0] = 'X';
    const case_evidence *ev = &all[1].ev;
    assert_int_equal(ev->nsamples[FLAG_GEO_HOP], CASE_MAX_SAMPLES);
    assert_int_equal(ev->nsamples[FLAG_SHARED_IP], 0);
    assert_string_equal(ev->samples[FLAG_GEO_HOP][0].value[0], "u1");
    assert_string_equal(ev->samples[FLAG_GEO_HOP][0].file, "logins.csv");
    assert_string_equal(ev->samples[FLAG_GEO_HOP][0].name[0], "account_id");
    assert_int_equal(ev->samples[FLAG_GEO_HOP][9].line, 7);
    casefile_free_all(all, 2);
    casefile_free_all(NULL, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_casefile__day_histogram),
        cmocka_unit_test(test_casefile__samples_are_copies_and_capped),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

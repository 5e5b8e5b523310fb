/* test_dispositions.c - the decisions file: columns by name, dates, the
 * latest decision per subject, and a one-line error naming line and column
 * for each kind of bad row. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ingest/dispositions.h"

static char path[64];

static int load_text(const char *text, decision_set *out, rs_error *err)
{
    snprintf(path, sizeof path, "/tmp/ringscan-test-dispo.%ld.csv", (long)getpid());
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
    int rc = dispositions_load(out, path, err);
    unlink(path);
    return rc;
}

static void test_dispositions__read(void **state)
{
    (void)state;
    decision_set d;
    rs_error err = {0};
    assert_int_equal(load_text("note,decision,subject_id,subject_type,decided_at,extra\n"
                               "\"agency, verified\",benign,RS-000004,ring,2026-03-03,x\n"
                               "first,escalated,u1,account,2026-03-01T10:00:00Z,\n"
                               "later,confirmed,u1,account,2026-03-02T10:00:00Z,\n"
                               "\n"
                               ",allowlisted,203.0.113.7,ip,2026-03-01,\n",
                               &d, &err),
                     RS_OK);
    assert_int_equal(d.n, 3);
    const decision *r = decisions_find(&d, SUBJECT_RING, "RS-000004", 9);
    assert_non_null(r);
    assert_int_equal(r->decision, DISPO_BENIGN);
    assert_string_equal(r->note, "agency, verified");
    assert_int_equal(r->decided_at, 1772496000000LL); /* 2026-03-03T00:00:00Z */
    const decision *a = decisions_find(&d, SUBJECT_ACCOUNT, "u1", 2);
    assert_non_null(a);
    assert_int_equal(a->decision, DISPO_CONFIRMED); /* the latest wins */
    assert_non_null(decisions_find(&d, SUBJECT_IP, "203.0.113.7", 11));
    assert_null(decisions_find(&d, SUBJECT_DEVICE, "203.0.113.7", 11));
    decisions_free(&d);
}

static void test_dispositions__errors(void **state)
{
    (void)state;
    static const struct {
        const char *text, *want;
    } cases[] = {
        {"subject_type,subject_id\n", ".csv:1: header lacks the column 'decision'"},
        {"", ".csv: empty file"},
        {"subject_type,subject_id,decision\nring,RS-1,forgotten\n",
         ":2:3: decision 'forgotten' is not"},
        {"subject_type,subject_id,decision\nperson,x,benign\n", ":2:1: subject_type 'person'"},
        {"subject_type,subject_id,decision\naccount,,benign\n", ":2:2: subject_id is empty"},
        {"subject_type,subject_id,decision,decided_at\naccount,u,benign,yesterday\n",
         ":2:4: decided_at 'yesterday'"},
        {"subject_type,subject_id,decision\naccount,\"u,benign\n", "malformed CSV"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        decision_set d;
        rs_error err = {0};
        assert_int_not_equal(load_text(cases[i].text, &d, &err), RS_OK);
        if (!strstr(err.msg, cases[i].want))
            fail_msg("case %zu: '%s' lacks '%s'", i, err.msg, cases[i].want);
        assert_int_equal(d.n, 0);
    }
    decision_set d;
    rs_error err = {0};
    assert_int_equal(dispositions_load(&d, "/nonexistent/dir/d.csv", &err), RS_E_IO);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_dispositions__read),
        cmocka_unit_test(test_dispositions__errors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

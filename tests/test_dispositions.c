/* test_dispositions.c - the decisions file: columns by name, dates, the
 * latest decision per subject, a one-line error naming line and column
 * for each kind of bad row, what is refused before a byte is read, and the
 * checks of algorithms/decisions.h that run on what was read. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "algorithms/decisions.h"
#include "graph/graph.h"
#include "ingest/dispositions.h"

#include <sys/stat.h>

static char path[64];

static int load_bytes(const char *text, size_t n, decision_set *out, rs_error *err)
{
    snprintf(path, sizeof path, "/tmp/ringscan-test-dispo.%ld.csv", (long)getpid());
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(text, 1, n, f), n);
    fclose(f);
    int rc = dispositions_load(out, path, err);
    unlink(path);
    return rc;
}

static int load_text(const char *text, decision_set *out, rs_error *err)
{
    return load_bytes(text, strlen(text), out, err);
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

static void test_dispositions__refused(void **state)
{
    (void)state;
    static const char H[] = "subject_type,subject_id,decision,analyst,decided_at,note\n";
    char big[DISPOSITIONS_MAX_NOTE + 200], line[DISPOSITIONS_MAX_LINE + 200];
    snprintf(big, sizeof big, "%saccount,u,benign,ana,2026-03-01,%0*d\n", H,
             DISPOSITIONS_MAX_NOTE + 1, 0);
    snprintf(line, sizeof line, "%saccount,u,benign,ana,2026-03-01,%0*d\n", H,
             DISPOSITIONS_MAX_LINE, 0);
    static const char u16[] = "\xff\xfes\0u\0b\0j\0e\0c\0t\0";
    static const struct {
        const char *text, *want;
    } cases[] = {
        {"subject_type,subject_id,decision,decision\nring,RS-000001,benign,benign\n",
         ":1:4: the column 'decision' appears twice (fields 3 and 4)"},
        {"subject_type,subject_id,decision\nring,RS-000001,benign\n",
         ":2: no decided_at column: every decision needs its date"},
        {"subject_type,subject_id,decision,decided_at\nring,RS-000001,benign,\n",
         ":2:4: decided_at is empty: every decision needs its date"},
        {"subject_type,subject_id,decision,analyst,decided_at\nring,RS-000001,benign,a\xff,"
         "2026-03-01\n",
         ":2:4: analyst is not UTF-8 (byte 0xff at offset 1)"},
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
    assert_int_equal(load_text(big, &d, &err), RS_E_LIMIT);
    assert_non_null(strstr(err.msg, ":2:6: note is 4097 bytes, more than the limit of 4096"));
    assert_int_equal(load_text(line, &d, &err), RS_E_LIMIT);
    assert_non_null(strstr(err.msg, ":2: line of 65569 bytes, more than the limit of 65536"));
    assert_int_equal(load_bytes(u16, sizeof u16 - 1, &d, &err), RS_E_FORMAT);
    assert_non_null(strstr(err.msg, ":1:1: the file is UTF-16LE (byte-order mark), not UTF-8"));
    assert_int_equal(dispositions_load(&d, "/dev/zero", &err), RS_E_IO);
    assert_non_null(strstr(err.msg, "/dev/zero: not a regular file (a device or socket)"));
    snprintf(path, sizeof path, "/tmp/ringscan-test-dispo.%ld.fifo", (long)getpid());
    assert_int_equal(mkfifo(path, 0600), 0);
    assert_int_equal(dispositions_load(&d, path, &err), RS_E_IO); /* and does not block */
    unlink(path);
    assert_non_null(strstr(err.msg, "not a regular file (a FIFO): refused"));
    /* A UTF-8 byte-order mark is dropped. */
    assert_int_equal(load_text("\xef\xbb\xbfsubject_type,subject_id,decision,decided_at\n"
                               "ring,RS-000001,benign,2026-03-01\n",
                               &d, &err),
                     RS_OK);
    assert_int_equal(d.n, 1);
    assert_int_equal(d.id_col, 2);
    assert_int_equal(d.decision_col, 3);
    decisions_free(&d);
}

/* 1 when p holds a problem about line. */
static int has_problem(const decision_problems *p, long line)
{
    for (size_t i = 0; i < p->n; i++)
        if (p->v[i].d->line == line)
            return 1;
    return 0;
}

/* The problem about line; fails the test when there is none. */
static const decision_problem *problem_on(const decision_problems *p, long line)
{
    for (size_t i = 0; i < p->n; i++)
        if (p->v[i].d->line == line)
            return &p->v[i];
    fail_msg("no problem on line %ld", line);
    abort();
}

static void test_dispositions__check_rules(void **state)
{
    (void)state;
    decision_set d;
    rs_error err = {0};
    assert_int_equal(load_text("subject_type,subject_id,decision,decided_at\n"
                               "ring,RS-000001,confirmed,2026-03-01\n"
                               "ip,10.0.0.0/8,allowlisted,2026-03-01\n"
                               "ip,203.0.113.7:443,allowlisted,2026-03-01\n"
                               "device,d1,benign,2026-03-01\n"
                               "device,d2,escalated,2026-03-01\n"
                               "ip,203.0.113.8,allowlisted,2026-03-01\n"
                               "account,u1,confirmed,2026-03-01\n"
                               "ring,RS-000002,benign,2026-03-01\n",
                               &d, &err),
                     RS_OK);
    decision_problems p = {0};
    decisions_check_rules(&d, &p);
    assert_int_equal(p.n, 4);
    const decision_problem *x = problem_on(&p, 2);
    assert_int_equal(x->col, 3);
    assert_string_equal(x->what, "decision 'confirmed' does not apply to a ring");
    assert_string_equal(x->hint, "rings are escalated, benign or allowlisted; confirm the ring's "
                                 "accounts instead");
    x = problem_on(&p, 3);
    assert_int_equal(x->col, 2);
    assert_string_equal(x->what, "ip '10.0.0.0/8' is not an IP address");
    assert_true(has_problem(&p, 4));
    assert_string_equal(problem_on(&p, 5)->what, "decision 'benign' does not apply to a device");
    decisions_problems_free(&p);
    assert_int_equal(p.n, 0);
    /* Allowlisting with the addresses that do not parse must not crash. */
    rs_graph *g = graph_new();
    graph_finalize(g);
    assert_int_equal(decisions_allowlist(g, &d), 0);
    graph_free(g);
    decisions_free(&d);
}

static int stub_ring(void *ctx, const char *id)
{
    (void)ctx;
    return !strcmp(id, "RS-000001") || !strcmp(id, "RS-000007");
}

static int stub_rank(void *ctx, const char *rank, char out[16])
{
    (void)ctx;
    if (strcmp(rank, "R0002"))
        return 0;
    snprintf(out, 16, "RS-000007");
    return 1;
}

static int stub_account(void *ctx, const char *id)
{
    (void)ctx;
    return !strcmp(id, "gone-but-remembered");
}

static void test_dispositions__check_subjects(void **state)
{
    (void)state;
    decision_set d;
    rs_error err = {0};
    assert_int_equal(load_text("subject_type,subject_id,decision,decided_at\n"
                               "ring,RS-000001,benign,2026-03-01\n"
                               "ring,RS-00003,benign,2026-03-01\n"
                               "ring,R0002,benign,2026-03-01\n"
                               "ring,R0009,benign,2026-03-01\n"
                               "account,here,benign,2026-03-01\n"
                               "account,gone-but-remembered,benign,2026-03-01\n"
                               "account,never,benign,2026-03-01\n",
                               &d, &err),
                     RS_OK);
    rs_graph *g = graph_new();
    (void)graph_account(g, "here", 4, SEEN_AS_FREELANCER);
    graph_finalize(g);
    decisions_memory m = {NULL, stub_ring, stub_rank, stub_account};
    decision_problems p = {0};
    assert_int_equal(decisions_check_subjects(g, &d, &m, &p), 0);
    assert_int_equal(p.n, 4);
    assert_false(has_problem(&p, 2));
    assert_string_equal(problem_on(&p, 3)->what, "ring 'RS-00003' was never issued by this state");
    assert_int_equal(problem_on(&p, 3)->col, 2);
    assert_string_equal(problem_on(&p, 4)->what,
                        "ring 'R0002' is a rank, which changes every run, not a ring id");
    assert_string_equal(problem_on(&p, 4)->hint,
                        "in the last run R0002 was ring RS-000007: use that id");
    assert_string_equal(problem_on(&p, 5)->hint,
                        "the last run had no R0009; use the ring's id (RS-...) from rings.json");
    assert_false(has_problem(&p, 6));
    assert_false(has_problem(&p, 7));
    assert_string_equal(problem_on(&p, 8)->what,
                        "account 'never' is neither in this run's data nor known to the state");
    decisions_problems_free(&p);
    graph_free(g);
    decisions_free(&d);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_dispositions__read),
        cmocka_unit_test(test_dispositions__errors),
        cmocka_unit_test(test_dispositions__refused),
        cmocka_unit_test(test_dispositions__check_rules),
        cmocka_unit_test(test_dispositions__check_subjects),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

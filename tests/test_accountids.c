/* test_accountids.c - the account_ids map: translation of every account
 * column, the conflicts it refuses, the per-file tally of ids nobody knows,
 * the second-id-space rule at its edges, and the loader failing a file that
 * maps one external id to two accounts. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/files.h"
#include "ingest/accountids.h"
#include "ingest/load.h"

static tvalue str(const char *s)
{
    tvalue v;
    memset(&v, 0, sizeof v);
    v.s = s;
    v.n = strlen(s);
    v.present = 1;
    return v;
}

static void map(accountids *m, const char *account, const char *external, long line)
{
    decode_account_id e = {{account, strlen(account)}, {external, strlen(external)}, {NULL, 0}};
    rs_error err = {0};
    assert_int_equal(accountids_add(m, &e, "account_ids.csv", line, &err), RS_OK);
}

static void list_account(accountids *m, const char *id)
{
    tvalue row[SCHEMA_MAX_COLS], buf[SCHEMA_MAX_COLS];
    memset(row, 0, sizeof row);
    row[COLUMN_ACCOUNTS_ACCOUNT_ID] = str(id);
    (void)accountids_load_row(m, 0, TABLE_ACCOUNTS, row, buf);
}

/* A ratings row names two accounts: both are translated, other columns are
 * left alone, and an unmapped id passes through as written. */
static void test_accountids__translates_every_account_column(void **state)
{
    (void)state;
    accountids *m = accountids_new(1);
    map(m, "u1", "auth0|a1", 2);
    map(m, "u2", "00u2", 3);
    tvalue row[SCHEMA_MAX_COLS], buf[SCHEMA_MAX_COLS];
    memset(row, 0, sizeof row);
    row[COLUMN_RATINGS_CLIENT_ID] = str("auth0|a1");
    row[COLUMN_RATINGS_FREELANCER_ID] = str("00u2");
    row[COLUMN_RATINGS_PROJECT_ID] = str("auth0|a1"); /* not an account column */
    const tvalue *v = accountids_translate(m, TABLE_RATINGS, row, buf);
    assert_ptr_equal(v, buf);
    assert_string_equal(v[COLUMN_RATINGS_CLIENT_ID].s, "u1");
    assert_int_equal(v[COLUMN_RATINGS_CLIENT_ID].n, 2);
    assert_string_equal(v[COLUMN_RATINGS_FREELANCER_ID].s, "u2");
    assert_string_equal(v[COLUMN_RATINGS_PROJECT_ID].s, "auth0|a1");
    /* the caller's row is not changed */
    assert_string_equal(row[COLUMN_RATINGS_CLIENT_ID].s, "auth0|a1");

    row[COLUMN_RATINGS_CLIENT_ID] = str("u9");
    row[COLUMN_RATINGS_FREELANCER_ID] = str("u8");
    assert_ptr_equal(accountids_translate(m, TABLE_RATINGS, row, buf), row);
    /* no map, nothing to translate */
    assert_ptr_equal(accountids_translate(NULL, TABLE_RATINGS, row, buf), row);
    accountids_free(m);
}

/* The same pair twice and an identity row are fine; one external id for two
 * accounts is refused with both lines. */
static void test_accountids__conflict_names_both_lines(void **state)
{
    (void)state;
    accountids *m = accountids_new(1);
    map(m, "u1", "acct_1", 2);
    map(m, "u1", "acct_1", 7);
    map(m, "u3", "u3", 8);
    assert_int_equal(accountids_count(m), 2);
    tvalue row[SCHEMA_MAX_COLS], buf[SCHEMA_MAX_COLS];
    memset(row, 0, sizeof row);
    row[COLUMN_PAYOUTS_ACCOUNT_ID] = str("u3");
    assert_ptr_equal(accountids_translate(m, TABLE_PAYOUTS, row, buf), row);

    decode_account_id e = {{"u2", 2}, {"acct_1", 6}, {NULL, 0}};
    rs_error err = {0};
    assert_int_equal(accountids_add(m, &e, "account_ids.csv", 9, &err), RS_E_SCHEMA);
    assert_non_null(strstr(err.msg, "account_ids.csv:9:"));
    assert_non_null(strstr(err.msg, "'acct_1'"));
    assert_non_null(strstr(err.msg, "'u1' (account_ids.csv:2)"));
    assert_non_null(strstr(err.msg, "'u2' (line 9)"));
    accountids_free(m);
}

/* Ids neither mapped nor listed are counted per file: values, distinct ids
 * (once per file), the first three as examples; mapped values apart. */
static void test_accountids__tally_per_file(void **state)
{
    (void)state;
    accountids *m = accountids_new(3);
    map(m, "u1", "okta1", 2);
    map(m, "u7", "okta7", 3); /* u7 is not in accounts */
    list_account(m, "u1");
    list_account(m, "u2");
    const char *ids[] = {"x1", "x2", "x1", "u2", "okta1", "x3", "x4", "x2"};
    tvalue row[SCHEMA_MAX_COLS], buf[SCHEMA_MAX_COLS];
    memset(row, 0, sizeof row);
    for (size_t i = 0; i < sizeof ids / sizeof *ids; i++) {
        row[COLUMN_LOGINS_ACCOUNT_ID] = str(ids[i]);
        (void)accountids_load_row(m, 1, TABLE_LOGINS, row, buf);
    }
    row[COLUMN_LOGINS_ACCOUNT_ID] = str("x2");
    (void)accountids_load_row(m, 2, TABLE_LOGINS, row, buf);
    accountids_flush(m);

    const accountids_file *f = accountids_file_stats(m, 1);
    assert_int_equal(f->mapped, 1);
    assert_int_equal(f->unknown, 6);
    assert_int_equal(f->unknown_ids, 4);
    assert_int_equal(f->nexamples, 3);
    assert_string_equal(f->examples[0], "x1");
    assert_string_equal(f->examples[2], "x3");
    f = accountids_file_stats(m, 2);
    assert_int_equal(f->unknown_ids, 1); /* x2 again, but a new file */
    assert_null(accountids_file_stats(m, 3));

    accountids_summary sum;
    accountids_summarise(m, &sum);
    assert_int_equal(sum.mappings, 2);
    assert_int_equal(sum.listed, 2);
    assert_int_equal(sum.unlisted, 1);
    assert_string_equal(sum.unlisted_examples[0], "u7");
    assert_int_equal(sum.unknown_ids, 4);
    assert_false(sum.second_space); /* fewer than ACCOUNTIDS_SECOND_MIN */
    accountids_free(m);
}

/* The tally looks values up some rows late: the same counts and examples,
 * in order, as looking each up at once, also across long ids (counted at
 * once) and an accounts row listing an id after it was seen. */
static void test_accountids__late_tally_keeps_order(void **state)
{
    (void)state;
    accountids *m = accountids_new(2);
    list_account(m, "u0");
    tvalue row[SCHEMA_MAX_COLS], buf[SCHEMA_MAX_COLS];
    memset(row, 0, sizeof row);
    char id[128];
    for (unsigned i = 0; i < 500; i++) {
        if (i % 97 == 5)
            snprintf(id, sizeof id, "long-%0100u", i); /* longer than the queue keeps */
        else
            snprintf(id, sizeof id, "%s%u", i % 3 ? "u" : "x", i % 50);
        row[COLUMN_LOGINS_ACCOUNT_ID] = str(id);
        (void)accountids_load_row(m, i < 250 ? 0 : 1, TABLE_LOGINS, row, buf);
    }
    /* x9 seen, then listed, then seen again: the first one still waits in
     * the queue when the accounts row comes, and is unknown all the same. */
    row[COLUMN_LOGINS_ACCOUNT_ID] = str("x9");
    (void)accountids_load_row(m, 1, TABLE_LOGINS, row, buf);
    list_account(m, "x9");
    (void)accountids_load_row(m, 1, TABLE_LOGINS, row, buf);
    accountids_flush(m);
    const accountids_file *f = accountids_file_stats(m, 0);
    /* File 0, rows 0-249: every id but u0 (i = 50, 100, 200) is unknown,
     * the long ones at i = 5, 102 and 199 too. */
    assert_int_equal(f->unknown, 247);
    assert_int_equal(f->nexamples, 3);
    assert_string_equal(f->examples[0], "x0");
    assert_string_equal(f->examples[1], "u1");
    assert_string_equal(f->examples[2], "u2");
    f = accountids_file_stats(m, 1);
    /* u0 at i = 250, 350 and 400; then the first x9. */
    assert_int_equal(f->unknown, 248);
    accountids_free(m);
}

/* Without an accounts table there is no list to be absent from. */
static void test_accountids__nothing_unknown_without_accounts(void **state)
{
    (void)state;
    accountids *m = accountids_new(1);
    tvalue row[SCHEMA_MAX_COLS], buf[SCHEMA_MAX_COLS];
    memset(row, 0, sizeof row);
    row[COLUMN_LOGINS_ACCOUNT_ID] = str("x1");
    (void)accountids_load_row(m, 0, TABLE_LOGINS, row, buf);
    accountids_flush(m);
    assert_int_equal(accountids_file_stats(m, 0)->unknown, 0);
    accountids_free(m);
}

/* n listed accounts and u unknown event ids: is it a second id space? */
static int second_space(unsigned listed, unsigned unknown)
{
    accountids *m = accountids_new(1);
    char id[32];
    for (unsigned i = 0; i < listed; i++) {
        snprintf(id, sizeof id, "u%u", i);
        list_account(m, id);
    }
    tvalue row[SCHEMA_MAX_COLS], buf[SCHEMA_MAX_COLS];
    memset(row, 0, sizeof row);
    for (unsigned i = 0; i < unknown; i++) {
        snprintf(id, sizeof id, "ext%u", i);
        row[COLUMN_BIDS_FREELANCER_ID] = str(id);
        (void)accountids_load_row(m, 0, TABLE_BIDS, row, buf);
    }
    accountids_flush(m);
    accountids_summary sum;
    accountids_summarise(m, &sum);
    accountids_free(m);
    return sum.second_space;
}

/* At least ACCOUNTIDS_SECOND_MIN ids, and one per ACCOUNTIDS_SECOND_PER
 * listed accounts. */
static void test_accountids__second_space_rule(void **state)
{
    (void)state;
    assert_int_equal(ACCOUNTIDS_SECOND_MIN, 20);
    assert_int_equal(ACCOUNTIDS_SECOND_PER, 10);
    assert_false(second_space(10, 19));
    assert_true(second_space(10, 20));
    assert_true(second_space(200, 20));
    assert_false(second_space(201, 20));
    assert_true(second_space(750, 750));
}

static char dir[64];

static void put(const char *name, const char *text)
{
    char *p = files_join(dir, name);
    rs_error err = {0};
    assert_int_equal(files_write_text(p, text, strlen(text), &err), RS_OK);
    free(p);
}

/* The loader reads account_ids first, whatever the names' order, and fails
 * the file that maps one external id to two accounts. */
static void test_accountids__load_refuses_conflict(void **state)
{
    (void)state;
    snprintf(dir, sizeof dir, "/tmp/test_accountids.XXXXXX");
    assert_non_null(mkdtemp(dir));
    put("accounts.csv", "account_id\nu1\nu2\n");
    put("logins.csv", "ts,account_id,ip\n2026-03-01T00:00:00Z,okta1,192.0.2.1\n");
    put("account_ids.csv", "account_id,external_id\nu1,okta1\n");
    load_set set;
    rs_error err = {0};
    assert_int_equal(load_scan(&set, dir, &err), RS_OK);
    assert_int_equal(set.files[0].table, TABLE_ACCOUNT_IDS);
    table_opts to = TABLE_OPTS_INIT;
    rs_graph *g = graph_new();
    assert_int_equal(load_tables(&set, g, &to, 0, &err), RS_OK);
    assert_int_equal(graph_count(g, NODE_ACCOUNT), 2);
    assert_int_equal(accountids_file_stats(set.ids, 2)->mapped, 1);
    graph_free(g);
    load_set_free(&set);

    put("account_ids.csv", "account_id,external_id,source\nu1,okta1,okta\nu2,x,okta\n"
                           "u2,okta1,okta\n");
    assert_int_equal(load_scan(&set, dir, &err), RS_OK);
    g = graph_new();
    assert_int_equal(load_tables(&set, g, &to, 0, &err), RS_E_SCHEMA);
    assert_non_null(strstr(err.msg, "account_ids.csv:4:"));
    assert_non_null(strstr(err.msg, "'u1' (account_ids.csv:2) and 'u2' (line 4)"));
    graph_free(g);
    load_set_free(&set);
    assert_int_equal(files_rmtree(dir), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_accountids__translates_every_account_column),
        cmocka_unit_test(test_accountids__conflict_names_both_lines),
        cmocka_unit_test(test_accountids__tally_per_file),
        cmocka_unit_test(test_accountids__late_tally_keeps_order),
        cmocka_unit_test(test_accountids__nothing_unknown_without_accounts),
        cmocka_unit_test(test_accountids__second_space_rule),
        cmocka_unit_test(test_accountids__load_refuses_conflict),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

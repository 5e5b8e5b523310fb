/* test_replay.c - the second pass over the inputs: exactly the rows the
 * loader took, with file, line (a quoted field spanning lines included) and
 * digest; columns as written with their place among the union of columns;
 * ids resolved against the graph; a file changed since loading refused; a
 * callback that asks to stop is obeyed. Also: the contract's table names are
 * the model's. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/files.h"
#include "base/ts.h"
#include "ingest/replay.h"

static char dir[64];

static int setup(void **state)
{
    (void)state;
    snprintf(dir, sizeof dir, "/tmp/test_replay.XXXXXX");
    return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    return files_rmtree(dir);
}

static void put(const char *name, const char *text)
{
    char *p = files_join(dir, name);
    rs_error err = {0};
    assert_int_equal(files_write_text(p, text, strlen(text), &err), RS_OK);
    free(p);
}

typedef struct {
    const rs_graph *g;
    int n;
    table_id table[16];
    long line[16];
    uint32_t acct0[16], ip[16];
    int64_t ts[16];
    char file[16][32];
    char col0[16][32];
    int stop_after;
} seen;

static int collect(void *ctx, const source_row *r)
{
    seen *s = ctx;
    if (s->n < 16) {
        s->table[s->n] = r->table;
        s->line[s->n] = r->line;
        s->acct0[s->n] = r->naccounts ? r->accounts[0] : GRAPH_NONE;
        s->ip[s->n] = r->table == TABLE_LOGINS ? r->ev.login.ip : GRAPH_NONE;
        s->ts[s->n] = r->ts;
        snprintf(s->file[s->n], sizeof s->file[0], "%s", r->file);
        snprintf(s->col0[s->n], sizeof s->col0[0], "%s=%.*s", r->cols[0].name, (int)r->cols[0].n,
                 r->cols[0].s);
        /* Every column's union position names that column. */
        size_t nu;
        const char *const *u = replay_union_columns(&nu);
        for (size_t c = 0; c < r->ncols; c++) {
            assert_true(r->cols[c].ucol >= 0 && (size_t)r->cols[c].ucol < nu);
            assert_string_equal(u[r->cols[c].ucol], r->cols[c].name);
        }
    }
    s->n++;
    return s->stop_after && s->n >= s->stop_after;
}

static void load(load_set *set, rs_graph **g)
{
    rs_error err = {0};
    assert_int_equal(load_scan(set, dir, &err), RS_OK);
    table_opts to = TABLE_OPTS_INIT;
    *g = graph_new();
    assert_int_equal(load_tables(set, *g, &to, 0, &err), RS_OK);
    graph_finalize(*g);
}

static void test_replay__rows_with_provenance(void **state)
{
    (void)state;
    put("accounts.csv", "account_id,country\nu1,US\n");
    put("logins.csv", "ts,account_id,ip,user_agent\n"
                      "2026-03-01T00:00:00Z,u1,192.0.2.1,\"two\nlines\"\n"
                      "2026-03-01T01:00:00Z,u2,not-an-ip,x\n"
                      "2026-03-01T02:00:00Z,u2,::ffff:192.0.2.1,y\n");
    put("ratings.csv", "ts,client_id,freelancer_id,stars\n"
                       "2026-03-02T00:00:00Z,c1,c1,5\n" /* rates itself: not loaded */
                       "2026-03-02T00:00:00Z,c1,u1,5\n");
    load_set set;
    rs_graph *g;
    load(&set, &g);
    seen s;
    memset(&s, 0, sizeof s);
    rs_error err = {0};
    assert_int_equal(replay_run(&set, g, collect, &s, &err), RS_OK);
    assert_int_equal(s.n, 4); /* 1 account, 2 good logins, 1 good rating */
    assert_int_equal(s.table[0], TABLE_ACCOUNTS);
    assert_int_equal(s.line[0], 2);
    assert_string_equal(s.col0[0], "account_id=u1");
    assert_int_equal(s.ts[0], TS_NONE); /* no created_at */
    assert_int_equal(s.table[1], TABLE_LOGINS);
    assert_int_equal(s.line[1], 2);
    assert_string_equal(s.file[1], "logins.csv");
    assert_int_equal(s.acct0[1], graph_find_account(g, "u1", 2));
    assert_int_equal(s.line[2], 5); /* after a two-line row and a bad one */
    assert_int_equal(s.acct0[2], graph_find_account(g, "u2", 2));
    assert_int_equal(s.ip[1], s.ip[2]); /* one host, two spellings */
    assert_true(s.ip[1] != GRAPH_NONE);
    assert_int_equal(s.table[3], TABLE_RATINGS);
    assert_int_equal(s.line[3], 3);
    assert_string_equal(s.col0[3], "client_id=c1");

    /* A callback that asks to stop. */
    memset(&s, 0, sizeof s);
    s.stop_after = 2;
    assert_int_equal(replay_run(&set, g, collect, &s, &err), RS_E_IO);
    assert_int_equal(s.n, 2);

    /* A file changed since it was loaded. */
    put("ratings.csv", "ts,client_id,freelancer_id,stars\n2026-03-02T00:00:00Z,c1,u1,1\n");
    memset(&s, 0, sizeof s);
    assert_int_equal(replay_run(&set, g, collect, &s, &err), RS_E_IO);
    assert_non_null(strstr(err.msg, "ratings.csv: input file changed during the run"));
    load_set_free(&set);
    graph_free(g);
}

static void test_replay__table_names_and_union(void **state)
{
    (void)state;
    for (int t = 0; t < TABLE_COUNT; t++)
        assert_string_equal(schema_table((table_id)t)->name, records_table_name((table_id)t));
    size_t nu;
    const char *const *u = replay_union_columns(&nu);
    assert_true(nu > 10);
    for (size_t i = 0; i < nu; i++) {
        assert_string_not_equal(u[i], "ts");
        assert_string_not_equal(u[i], "created_at");
        for (size_t j = 0; j < i; j++)
            assert_string_not_equal(u[i], u[j]);
    }
    assert_string_equal(u[0], "account_id");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_replay__rows_with_provenance),
        cmocka_unit_test(test_replay__table_names_and_union),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}

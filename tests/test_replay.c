/* test_replay.c - the second pass over the inputs: exactly the rows the
 * loader took, with file, line (a quoted field spanning lines included) and
 * digest; columns as written with their place among the union of columns;
 * ids resolved against the graph; a file changed since loading refused; a
 * callback that asks to stop is obeyed. Reading only selected rows through
 * the loader's row index gives exactly those rows of a full pass, and refuses
 * a file whose size, time or selected rows changed. Also: the contract's
 * table names are the model's. */
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
#include "graph/intern.h"
#include "ingest/replay.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <time.h>

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
        const char *const *u = replay_union_columns(&nu, NULL);
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

static void load_indexed(load_set *set, rs_graph **g, rowindex **ix)
{
    rs_error err = {0};
    assert_int_equal(load_scan(set, dir, &err), RS_OK);
    table_opts to = TABLE_OPTS_INIT;
    *g = graph_new();
    *ix = rowindex_new(dir, set->nfiles);
    assert_non_null(*ix);
    set->index = *ix;
    assert_int_equal(load_tables(set, *g, &to, 0, &err), RS_OK);
    graph_finalize(*g);
}

/* Rewrites name with the first byte of `from` replaced by `to`: same size,
 * same modification time. */
static void poke(const char *name, const char *from, char to)
{
    char *p = files_join(dir, name);
    struct stat st;
    assert_int_equal(stat(p, &st), 0);
    FILE *f = fopen(p, "r+b");
    assert_non_null(f);
    char buf[4096];
    size_t n = fread(buf, 1, sizeof buf, f);
    buf[n] = '\0';
    char *at = strstr(buf, from);
    assert_non_null(at);
    fseek(f, (long)(at - buf), SEEK_SET);
    fputc(to, f);
    fclose(f);
    struct timespec ts[2] = {st.st_atim, st.st_mtim};
    assert_int_equal(utimensat(AT_FDCWD, p, ts, 0), 0);
    free(p);
}

static void test_replay__selected_rows(void **state)
{
    (void)state;
    put("accounts.csv", "\xEF\xBB\xBF"
                        "account_id,country\nu1,US\nu2,DE\n");
    put("logins.csv", "ts,account_id,ip,user_agent\r\n"
                      "2026-03-01T00:00:00Z,u1,192.0.2.1,\"two\r\nlines\"\r\n"
                      "2026-03-01T00:30:00Z,u2,192.0.2.9,\"three\r\nline\r\nagent\"\r\n"
                      "\r\n"
                      "2026-03-01T01:00:00Z,u2,not-an-ip,x\r\n"
                      "2026-03-01T02:00:00Z,u2,::ffff:192.0.2.1,y\r\n"
                      "2026-03-01T03:00:00Z,u1,192.0.2.1,z\r\n");
    put("payouts.jsonl", "{\"ts\":\"2026-03-03T00:00:00Z\",\"account_id\":\"u1\","
                         "\"destination_id\":\"d1\",\"amount\":5}\n"
                         "{\"ts\":\"2026-03-03T00:00:00Z\",\"account_id\":\"u2\","
                         "\"destination_id\":\"d2\",\"amount\":7}\n");
    put("ratings.csv", "ts,client_id,freelancer_id,stars\n"
                       "2026-03-02T00:00:00Z,c1,u1,5\n"
                       "2026-03-02T00:00:00Z,u2,c2,4\n");
    load_set set;
    rs_graph *g;
    rowindex *ix;
    load_indexed(&set, &g, &ix);
    seen all, sel;
    memset(&all, 0, sizeof all);
    rs_error err = {0};
    assert_int_equal(replay_run(&set, g, collect, &all, &err), RS_OK);
    uint32_t u2 = graph_find_account(g, "u2", 2);
    uint32_t key = rowindex_key(intern_hash("u2", 2));
    replay_filter flt = {ix, &key, 1};
    memset(&sel, 0, sizeof sel);
    assert_int_equal(replay_run_selected(&set, g, &flt, collect, &sel, &err), RS_OK);
    /* u2's rows of the full pass, in the same order, with the same lines. */
    int k = 0;
    for (int i = 0; i < all.n; i++) {
        int has_u2 = all.acct0[i] == u2 || (all.table[i] == TABLE_RATINGS && i > 0 &&
                                            !strcmp(all.col0[i], "client_id=u2"));
        if (!has_u2)
            continue;
        assert_true(k < sel.n);
        assert_int_equal(sel.table[k], all.table[i]);
        assert_int_equal(sel.line[k], all.line[i]);
        assert_int_equal(sel.ts[k], all.ts[i]);
        assert_string_equal(sel.file[k], all.file[i]);
        assert_string_equal(sel.col0[k], all.col0[i]);
        k++;
    }
    assert_int_equal(k, sel.n);
    assert_int_equal(sel.n, 5);       /* account, 2 logins, payout, rating */
    assert_int_equal(sel.line[1], 4); /* the three-line login */
    assert_int_equal(sel.line[2], 9);

    /* A changed byte in a selected row, size and time kept. */
    poke("logins.csv", "u2,::ffff", 'v');
    memset(&sel, 0, sizeof sel);
    assert_int_equal(replay_run_selected(&set, g, &flt, collect, &sel, &err), RS_E_IO);
    assert_non_null(strstr(err.msg, "logins.csv: input file changed during the run"));
    poke("logins.csv", "v2,::ffff", 'u');
    memset(&sel, 0, sizeof sel);
    assert_int_equal(replay_run_selected(&set, g, &flt, collect, &sel, &err), RS_OK);
    poke("payouts.jsonl", "7}", '8');
    assert_int_equal(replay_run_selected(&set, g, &flt, collect, &sel, &err), RS_E_IO);
    assert_non_null(strstr(err.msg, "payouts.jsonl: input file changed"));
    poke("payouts.jsonl", "8}", '7');
    /* A new modification time alone. */
    char *p = files_join(dir, "ratings.csv");
    assert_int_equal(utimensat(AT_FDCWD, p, NULL, 0), 0);
    free(p);
    assert_int_equal(replay_run_selected(&set, g, &flt, collect, &sel, &err), RS_E_IO);
    assert_non_null(strstr(err.msg, "ratings.csv: input file changed"));
    load_set_free(&set);
    rowindex_free(ix);
    graph_free(g);
}

static void test_replay__table_names_and_union(void **state)
{
    (void)state;
    for (int t = 0; t < TABLE_COUNT; t++)
        assert_string_equal(schema_table((table_id)t)->name, records_table_name((table_id)t));
    size_t nu;
    const char *const *u = replay_union_columns(&nu, NULL);
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
        cmocka_unit_test(test_replay__selected_rows),
        cmocka_unit_test(test_replay__table_names_and_union),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}

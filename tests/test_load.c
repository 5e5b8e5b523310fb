/* test_load.c - finding the input files (single files, dotted partitions,
 * table folders, what is ignored, the one ambiguity refused), their reading
 * order, per-file statistics and digests, and the time window: its exact
 * boundaries, rows outside it counted per file and never as bad, accounts
 * never filtered, rows at or after its end counted as future rows, the
 * replay pass seeing exactly the loaded rows with their own files and
 * lines, and byte-identical partitions read once. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "base/files.h"
#include "base/sha256.h"
#include "base/ts.h"
#include "ingest/load.h"
#include "ingest/replay.h"
#include "src/pipeline.h"

static char dir[64];

static int setup(void **state)
{
    (void)state;
    snprintf(dir, sizeof dir, "/tmp/test_load.XXXXXX");
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

static void mkd(const char *name)
{
    char *p = files_join(dir, name);
    assert_int_equal(mkdir(p, 0700), 0);
    free(p);
}

static void test_load__discovery_and_order(void **state)
{
    (void)state;
    put("accounts.csv", "account_id\nu1\n");
    put("logins.2026-03-02.csv", "ts,account_id,ip\n2026-03-02T00:00:00Z,u1,192.0.2.2\n");
    put("logins.2026-03-01.csv", "ts,account_id,ip\n2026-03-01T00:00:00Z,u1,192.0.2.1\n");
    put("logins.csv", "ts,account_id,ip\n2026-02-28T00:00:00Z,u1,192.0.2.9\n");
    mkd("logins");
    put("logins/b.jsonl",
        "{\"ts\":\"2026-03-04T00:00:00Z\",\"account_id\":\"u1\",\"ip\":\"192.0.2.4\"}\n");
    put("logins/a.csv", "ts,account_id,ip\n2026-03-03T00:00:00Z,u1,192.0.2.3\n");
    put("logins/README.txt", "not data");
    put("logins/.hidden.csv", "ts,account_id,ip\n");
    mkd("logins/sub"); /* no recursion */
    mkd("bids");       /* an empty folder: no file, no error */
    put("notes.md", "x");
    load_set set;
    rs_error err = {0};
    /* A data file named for no table is refused, not skipped: a table
     * silently left out of a run changes its findings. */
    put("logins..csv", "x"); /* no partition name between the dots */
    assert_int_equal(load_scan(&set, dir, &err), RS_E_SCHEMA);
    assert_non_null(strstr(err.msg, "logins..csv: not an input table"));
    load_set_free(&set);
    char *stray = files_join(dir, "logins..csv");
    assert_int_equal(remove(stray), 0);
    free(stray);
    put("loginsX.csv", "x"); /* not this table */
    assert_int_equal(load_scan(&set, dir, &err), RS_E_SCHEMA);
    assert_non_null(strstr(err.msg, "loginsX.csv: not an input table"));
    load_set_free(&set);
    stray = files_join(dir, "loginsX.csv");
    assert_int_equal(remove(stray), 0);
    free(stray);
    put("notes.txt", "x"); /* a note beside the tables, as README.txt in a folder */
    assert_int_equal(load_scan(&set, dir, &err), RS_OK);
    const char *want[] = {"accounts.csv", "logins.2026-03-01.csv", "logins.2026-03-02.csv",
                          "logins.csv",   "logins/a.csv",          "logins/b.jsonl"};
    assert_int_equal(set.nfiles, 6);
    for (size_t i = 0; i < set.nfiles; i++) {
        assert_string_equal(set.files[i].name, want[i]);
        assert_int_equal(set.files[i].table, i == 0 ? TABLE_ACCOUNTS : TABLE_LOGINS);
    }
    assert_int_equal(set.files[5].jsonl, 1);
    assert_int_equal(set.files[4].jsonl, 0);
    assert_non_null(strstr(set.files[4].path, "/logins/a.csv"));
    const char *ign[] = {"logins/README.txt", "logins/sub", "notes.md", "notes.txt"};
    assert_int_equal(set.nignored, 4);
    for (size_t i = 0; i < set.nignored; i++)
        assert_string_equal(set.ignored[i], ign[i]);

    /* Each file read on its own: own rows, own digest, reading order kept. */
    table_opts to = TABLE_OPTS_INIT;
    rs_graph *g = graph_new();
    assert_int_equal(load_tables(&set, g, &to, 0, &err), RS_OK);
    graph_finalize(g);
    for (size_t i = 0; i < set.nfiles; i++) {
        assert_int_equal(set.files[i].st.rows_ok, 1);
        char hex[SHA256_HEX_LEN];
        uint64_t bytes;
        assert_int_equal(sha256_file_hex(set.files[i].path, hex, &bytes, &err), RS_OK);
        assert_string_equal(set.files[i].st.sha256, hex);
    }
    assert_int_equal(g->logins.n, 5);
    /* IPs interned in reading order: .1 .2 .9 .3 .4 */
    ipaddr ip;
    const char *order[] = {"192.0.2.1", "192.0.2.2", "192.0.2.9", "192.0.2.3", "192.0.2.4"};
    for (uint32_t i = 0; i < 5; i++) {
        assert_int_equal(ipaddr_parse(order[i], strlen(order[i]), &ip, NULL), 0);
        assert_int_equal(graph_find_ip(g, &ip), i);
    }
    graph_free(g);
    load_set_free(&set);
}

static void test_load__ambiguous_and_empty(void **state)
{
    (void)state;
    load_set set;
    rs_error err = {0};
    put("notes.md", "x");
    assert_int_equal(load_scan(&set, dir, &err), RS_E_SCHEMA);
    assert_non_null(strstr(err.msg, "no input tables found"));
    load_set_free(&set);

    put("ratings.2026-03.csv", "x");
    put("ratings.2026-03.csv.gz", "x");
    assert_int_equal(load_scan(&set, dir, &err), RS_E_SCHEMA);
    assert_non_null(strstr(err.msg, "two files for table 'ratings': ratings.2026-03.csv and "
                                    "ratings.2026-03.csv.gz"));
    load_set_free(&set);

    char *p = files_join(dir, "ratings.2026-03.csv.gz");
    assert_int_equal(remove(p), 0);
    free(p);
    mkd("ratings");
    put("ratings/a.csv", "x");
    put("ratings/a.jsonl", "x");
    assert_int_equal(load_scan(&set, dir, &err), RS_E_SCHEMA);
    assert_non_null(strstr(err.msg, "ratings/a.csv and ratings/a.jsonl"));
    load_set_free(&set);

    /* The plain file and a folder file of the same name are two partitions. */
    p = files_join(dir, "ratings/a.jsonl");
    assert_int_equal(remove(p), 0);
    free(p);
    put("ratings.csv", "x");
    put("ratings/ratings.csv", "x");
    assert_int_equal(load_scan(&set, dir, &err), RS_OK);
    assert_int_equal(set.nfiles, 4);
    load_set_free(&set);
}

static void test_load__time_parsing(void **state)
{
    (void)state;
    int64_t t;
    assert_int_equal(pipeline_parse_time("2026-03-01", &t), 0);
    assert_int_equal(t, (int64_t)ts_days_from_civil(2026, 3, 1) * 86400000);
    assert_int_equal(pipeline_parse_time("2026-03-01T12:00:00+02:00", &t), 0);
    assert_int_equal(t, ((int64_t)ts_days_from_civil(2026, 3, 1) * 86400 + 10 * 3600) * 1000);
    assert_int_equal(pipeline_parse_time("2026-02-30", &t), -1);
    assert_int_equal(pipeline_parse_time("2026-3-01", &t), -1);
    assert_int_equal(pipeline_parse_time("", &t), -1);
    assert_int_equal(pipeline_parse_time("yesterday", &t), -1);
    int64_t ms;
    assert_int_equal(pipeline_parse_length("60d", &ms), 0);
    assert_int_equal(ms, 60LL * 86400000);
    assert_int_equal(pipeline_parse_length("36h", &ms), 0);
    assert_int_equal(ms, 36LL * 3600000);
    const char *bad[] = {"0d", "60", "d", "-5d", "5m", "5dd", "+5d", " 5d", "99999999d", ""};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
        assert_int_equal(pipeline_parse_length(bad[i], &ms), -1);
}

typedef struct {
    int n;
    char where[8][48];
} seen;

static int collect(void *ctx, const source_row *r)
{
    seen *s = ctx;
    if (s->n < 8)
        snprintf(s->where[s->n], sizeof s->where[0], "%s:%ld", r->file, r->line);
    s->n++;
    return 0;
}

static void test_load__window(void **state)
{
    (void)state;
    put("accounts.csv", "account_id,created_at\nu1,2020-01-01T00:00:00Z\n");
    mkd("logins");
    put("logins/a.csv", "ts,account_id,ip\n"
                        "2026-02-28T23:59:59.999Z,u1,192.0.2.1\n" /* before since */
                        "2026-03-01T00:00:00Z,u1,192.0.2.2\n"     /* = since: in */
                        "2026-03-01T00:00:00Z,u1,bad-ip\n"        /* bad, not out of window */
                        "2026-03-01T23:59:59.999Z,u1,192.0.2.3\n");
    put("logins/b.csv", "ts,account_id,ip\n"
                        "2026-03-02T00:00:00Z,u1,192.0.2.4\n"); /* = until: out */
    put("ratings.csv", "ts,client_id,freelancer_id,stars\n"
                       "2026-03-05T00:00:00Z,c1,c1,5\n" /* rates itself: bad wherever it lies */
                       "2026-03-01T10:00:00Z,c1,u1,5\n");
    load_set set;
    rs_error err = {0};
    assert_int_equal(load_scan(&set, dir, &err), RS_OK);
    table_opts to = TABLE_OPTS_INIT;

    assert_int_equal(pipeline_parse_time("2026-03-01", &set.window.since), 0);
    assert_int_equal(pipeline_parse_time("2026-03-02", &set.window.until), 0);
    rs_graph *g = graph_new();
    assert_int_equal(load_tables(&set, g, &to, 0, &err), RS_OK);
    graph_finalize(g);
    assert_int_equal(set.nfiles, 4);
    const load_file *acc = &set.files[0], *a = &set.files[1], *bf = &set.files[2],
                    *rt = &set.files[3];
    assert_int_equal(acc->st.rows_ok, 1); /* accounts are not filtered */
    assert_int_equal(acc->st.out_of_window, 0);
    assert_int_equal(a->st.rows_read, 4);
    assert_int_equal(a->st.rows_ok, 2);
    assert_int_equal(a->st.rows_bad, 1);
    assert_int_equal(a->st.out_of_window, 1);
    /* A file wholly outside the window is not a file of bad rows. */
    assert_int_equal(bf->status, RS_OK);
    assert_int_equal(bf->st.rows_ok, 0);
    assert_int_equal(bf->st.out_of_window, 1);
    assert_int_equal(rt->st.rows_bad, 1);
    assert_int_equal(rt->st.rows_ok, 1);
    assert_int_equal(rt->st.out_of_window, 0);
    assert_int_equal(set.out_of_window_total, 2);
    /* Of the two, the row at the window's end is a future row; the one
     * before it is not. */
    assert_int_equal(a->future, 0);
    assert_int_equal(bf->future, 1);
    assert_int_equal(set.future_total, 1);
    assert_int_equal(set.bad_total, 2);
    assert_int_equal(g->logins.n, 2);

    /* The second pass sees exactly the loaded rows, with their own files and lines. */
    seen s;
    memset(&s, 0, sizeof s);
    assert_int_equal(replay_run(&set, g, collect, &s, &err), RS_OK);
    assert_int_equal(s.n, 4);
    assert_string_equal(s.where[0], "accounts.csv:2");
    assert_string_equal(s.where[1], "logins/a.csv:3");
    assert_string_equal(s.where[2], "logins/a.csv:5");
    assert_string_equal(s.where[3], "ratings.csv:3");
    graph_free(g);
    load_set_free(&set);
}

/* A partition delivered twice (the same bytes under another name) is read
 * once by both passes; a file of the same size but other bytes is not a
 * copy, nor is the same text in another table. */
static void test_load__duplicates(void **state)
{
    (void)state;
    const char *rows = "ts,account_id,ip\n2026-03-01T10:00:00Z,u1,192.0.2.1\n";
    put("accounts.csv", "account_id,role\nu1,freelancer\n");
    mkd("logins");
    put("logins/a.csv", rows);
    put("logins/b.csv", rows);
    put("logins/c.csv", "ts,account_id,ip\n2026-03-01T10:00:00Z,u1,192.0.2.2\n");
    put("logins.x.csv", "ts,account_id,ip\n2026-03-01T10:00:00Z,u1,192.0.2.3\n");
    load_set set;
    rs_error err = {0};
    assert_int_equal(load_scan(&set, dir, &err), RS_OK);
    assert_int_equal(load_find_duplicates(&set, &err), RS_OK);
    assert_int_equal(set.nfiles, 5); /* accounts, logins.x, logins/a, b, c */
    assert_string_equal(set.files[1].name, "logins.x.csv");
    assert_false(set.files[1].dup);
    assert_false(set.files[2].dup);
    assert_true(set.files[3].dup);
    assert_int_equal(set.files[3].dup_of, 2);
    assert_false(set.files[4].dup);
    assert_int_equal(set.ndups, 1);
    table_opts to = TABLE_OPTS_INIT;
    rs_graph *g = graph_new();
    assert_int_equal(load_tables(&set, g, &to, 0, &err), RS_OK);
    graph_finalize(g);
    assert_int_equal(g->logins.n, 3); /* logins.x, a and c */
    assert_int_equal(set.files[3].st.rows_read, 0);
    assert_string_equal(set.files[3].st.sha256, set.files[2].st.sha256);
    char want[SHA256_HEX_LEN];
    char *p = files_join(dir, "logins/b.csv");
    assert_int_equal(sha256_file_hex(p, want, NULL, &err), RS_OK);
    free(p);
    assert_string_equal(set.files[3].st.sha256, want);
    /* c.csv, hashed once as a same-size candidate, keeps that digest after the load */
    p = files_join(dir, "logins/c.csv");
    assert_int_equal(sha256_file_hex(p, want, NULL, &err), RS_OK);
    free(p);
    assert_string_equal(set.files[4].st.sha256, want);
    seen s;
    memset(&s, 0, sizeof s);
    assert_int_equal(replay_run(&set, g, collect, &s, &err), RS_OK);
    assert_int_equal(s.n, 4); /* the account and three logins */
    for (int i = 0; i < s.n; i++)
        assert_null(strstr(s.where[i], "logins/b.csv"));
    graph_free(g);
    load_set_free(&set);
}

static int crypto(const char *method, const char *id)
{
    return load_payout_crypto(method, method ? strlen(method) : 0, id, strlen(id));
}

/* Crypto payouts: the method, or a wallet-shaped destination; bank account
 * numbers, IBANs and upper-case references are not wallets. */
static void test_load__crypto_payouts(void **state)
{
    (void)state;
    assert_true(crypto("CRYPTO", "p0001"));
    assert_true(crypto(NULL, "bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq"));
    assert_true(crypto("bank", "0x52908400098527886E0F7030069857D2E4169EE7"));
    assert_true(crypto(NULL, "TNPeeaaFB7K9cmo4uQpcU32zGK8G1NYqeL"));
    assert_true(crypto(NULL, "1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN2"));
    assert_true(crypto(NULL, "3J98t1WpEZ73CNmQviecrnyiWrnqRhWNLy"));
    assert_false(crypto("bank", "p00a1b2c3d4e5f6a"));
    assert_false(crypto(NULL, "123456789123456789123456789")); /* digits only */
    assert_false(crypto(NULL, "DE89370400440532013000"));
    assert_false(crypto(NULL, "bc1-not-a-wallet"));
    assert_false(crypto(NULL, "0x12"));
    assert_false(crypto("cryptocurrency-exchange", "acct-7"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_load__discovery_and_order, setup, teardown),
        cmocka_unit_test_setup_teardown(test_load__ambiguous_and_empty, setup, teardown),
        cmocka_unit_test(test_load__time_parsing),
        cmocka_unit_test(test_load__crypto_payouts),
        cmocka_unit_test_setup_teardown(test_load__window, setup, teardown),
        cmocka_unit_test_setup_teardown(test_load__duplicates, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

/* test_table.c - the CSV/JSONL table reader: typed values, bad rows with
 * file:line:col, structural errors, gzip, BOM, CRLF. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

#include "ingest/table.h"

static char dir[64];

static int setup(void **state)
{
    (void)state;
    snprintf(dir, sizeof dir, "/tmp/rs-test-table-XXXXXX");
    return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    return system(cmd);
}

static const char *write_file(const char *name, const char *data, size_t n)
{
    static char path[256];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(data, 1, n, f), n);
    fclose(f);
    return path;
}

typedef struct {
    int rows;
    int64_t ts_sum;
    char last_account[64];
    int last_ip_len;
} collect;

static int on_row(void *ctx, const tvalue *v, int *bad_col, rs_error *why)
{
    (void)bad_col, (void)why;
    collect *c = ctx;
    c->rows++;
    const tvalue *acct = &v[COLUMN_LOGINS_ACCOUNT_ID];
    c->ts_sum += v[COLUMN_LOGINS_TS].v.ts;
    snprintf(c->last_account, sizeof c->last_account, "%.*s", (int)acct->n, acct->s);
    c->last_ip_len = v[COLUMN_LOGINS_IP].v.ip.len;
    return 0;
}

static int read_logins(const char *path, int jsonl, collect *c, table_stats *st, rs_error *err,
                       int strict, FILE *diag)
{
    table_opts o = TABLE_OPTS_INIT;
    o.strict = strict;
    o.diag = diag;
    memset(c, 0, sizeof *c);
    return table_read(path, "logins.csv", TABLE_LOGINS, jsonl, &o, on_row, c, st, err);
}

/* Captures diagnostics in a memory stream. */
static char *diagbuf;
static size_t diaglen;

static void test_table__csv_any_order_and_types(void **state)
{
    (void)state;
    const char csv[] = "\xEF\xBB\xBFip,extra,account_id,ts\r\n"
                       "1.2.3.4,x,\"A,1\",2026-03-01T00:00:00Z\r\n"
                       "\r\n"
                       "::ffff:5.6.7.8,y,\"multi\nline\",1772323200\r\n";
    const char *p = write_file("logins.csv", csv, sizeof csv - 1);
    collect c;
    table_stats st;
    rs_error err = {0};
    FILE *diag = open_memstream(&diagbuf, &diaglen);
    assert_int_equal(read_logins(p, 0, &c, &st, &err, 0, diag), RS_OK);
    fclose(diag);
    assert_int_equal(c.rows, 2);
    assert_int_equal(st.rows_ok, 2);
    assert_int_equal(st.rows_bad, 0);
    assert_string_equal(c.last_account, "multi\nline");
    assert_int_equal(c.last_ip_len, 4);
    assert_int_equal(c.ts_sum, 2 * 1772323200000LL);
    assert_string_equal(st.unknown, "extra");
    assert_non_null(strstr(diagbuf, "logins.csv:1: warning: ignoring unknown column(s): extra"));
    assert_int_equal(strlen(st.sha256), 64);
    free(diagbuf);
}

static void test_table__bad_rows_located(void **state)
{
    (void)state;
    const char csv[] = "ts,account_id,ip\n"
                       "2026-03-01T00:00:00Z,A,1.2.3.4\n"
                       "\"x\ny\",A,1.2.3.4\n"
                       "2026-03-01T00:00:00Z,B,1.2.3.999\n"
                       "2026-03-01T00:00:00Z,C\n"
                       "2026-03-01T00:00:00Z,,1.2.3.4\n";
    const char *p = write_file("logins.csv", csv, sizeof csv - 1);
    collect c;
    table_stats st;
    rs_error err = {0};
    FILE *diag = open_memstream(&diagbuf, &diaglen);
    assert_int_equal(read_logins(p, 0, &c, &st, &err, 0, diag), RS_OK);
    fclose(diag);
    assert_int_equal(c.rows, 1);
    assert_int_equal(st.rows_read, 5);
    assert_int_equal(st.rows_bad, 4);
    assert_non_null(strstr(diagbuf, "logins.csv:3:1: ts: "));
    assert_non_null(strstr(diagbuf, "logins.csv:5:24: ip: invalid IPv4 address: \"1.2.3.999\""));
    assert_non_null(strstr(diagbuf, "logins.csv:6:23: expected 3 fields, found 2"));
    assert_non_null(strstr(diagbuf, "expected 3 fields, found 2"));
    assert_non_null(strstr(diagbuf, "logins.csv:7:22: account_id: missing required value"));
    free(diagbuf);
}

static void test_table__strict_makes_bad_row_fatal(void **state)
{
    (void)state;
    const char csv[] = "ts,account_id,ip\n2026-03-01T00:00:00Z,A,nope\n";
    const char *p = write_file("logins.csv", csv, sizeof csv - 1);
    collect c;
    table_stats st;
    rs_error err = {0};
    assert_int_equal(read_logins(p, 0, &c, &st, &err, 1, NULL), RS_E_VALUE);
    assert_non_null(strstr(err.msg, "logins.csv:2:24: ip: invalid IPv4 address"));
}

static void test_table__structural_errors(void **state)
{
    (void)state;
    struct {
        const char *data;
        size_t n;
        int code;
        const char *msg;
    } cases[] = {
        {"ts,account_id\n", 14, RS_E_SCHEMA, "logins.csv:1: missing required column 'ip'"},
        {"ts,account_id,ip,ts\n", 20, RS_E_SCHEMA, "logins.csv:1:18: duplicate column 'ts'"},
        {"", 0, RS_E_SCHEMA, "empty file"},
        {"ts,account_id,ip\n1,a\"b,1.2.3.4\n", 31, RS_E_FORMAT, "logins.csv:2:4: malformed CSV"},
        {"ts,account_id,ip\n1,\"ab,1.2.3.4\n", 31, RS_E_FORMAT,
         "logins.csv:2: unterminated quoted field"},
        {"ts,account_id,ip\n1,\xff,1.2.3.4\n", 28, RS_E_FORMAT,
         "logins.csv:2:3: invalid UTF-8 byte 0xff"},
        {"ts,account_id,ip\n1,a\0,1.2.3.4\n", 29, RS_E_FORMAT, "logins.csv:2:4: NUL byte"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        const char *p = write_file("logins.csv", cases[i].data, cases[i].n);
        collect c;
        table_stats st;
        rs_error err = {0};
        int rc = read_logins(p, 0, &c, &st, &err, 0, NULL);
        if (rc != cases[i].code || !strstr(err.msg, cases[i].msg))
            fail_msg("case %zu: rc %d msg '%s', want %d '%s'", i, rc, err.msg, cases[i].code,
                     cases[i].msg);
    }
}

static void test_table__jsonl(void **state)
{
    (void)state;
    const char js[] = "{\"ts\":1772323200,\"account_id\":\"A\",\"ip\":\"2001:db8::1\"}\n"
                      "\n"
                      "{\"ts\":\"2026-03-01T00:00:00Z\",\"account_id\":7,\"ip\":\"1.2.3.4\","
                      "\"session_seconds\":\"60\",\"zzz\":1}\n"
                      "{broken\n"
                      "[1,2]\n"
                      "{\"ts\":1,\"account_id\":{\"a\":1},\"ip\":\"1.2.3.4\"}\n"
                      "{\"ts\":1,\"account_id\":\"A\",  \"ip\": \"300.1.1.1\"}\n";
    const char *p = write_file("logins.jsonl", js, sizeof js - 1);
    collect c;
    table_stats st;
    rs_error err = {0};
    FILE *diag = open_memstream(&diagbuf, &diaglen);
    assert_int_equal(read_logins(p, 1, &c, &st, &err, 0, diag), RS_OK);
    fclose(diag);
    assert_int_equal(c.rows, 2);
    assert_string_equal(c.last_account, "7");
    assert_int_equal(st.rows_bad, 4);
    assert_non_null(strstr(diagbuf, "logins.csv:4:7: invalid JSON"));
    assert_non_null(strstr(diagbuf, "logins.csv:5:1: line is not a JSON object"));
    assert_non_null(strstr(diagbuf, "logins.csv:6:22: account_id: expected a string or number"));
    assert_non_null(strstr(diagbuf, "logins.csv:7:34: ip: invalid IPv4 address"));
    assert_string_equal(st.unknown, "zzz");
    free(diagbuf);
}

static void test_table__gzip_and_truncation(void **state)
{
    (void)state;
    const char csv[] = "ts,account_id,ip\n2026-03-01T00:00:00Z,A,1.2.3.4\n"
                       "2026-03-01T00:00:01Z,B,1.2.3.5\n";
    char path[256];
    snprintf(path, sizeof path, "%s/logins.csv.gz", dir);
    gzFile gz = gzopen(path, "wb");
    assert_non_null(gz);
    assert_int_equal(gzwrite(gz, csv, sizeof csv - 1), (int)(sizeof csv - 1));
    gzclose(gz);
    collect c;
    table_stats st;
    rs_error err = {0};
    assert_int_equal(read_logins(path, 0, &c, &st, &err, 0, NULL), RS_OK);
    assert_int_equal(c.rows, 2);
    assert_true(st.gzip);
    /* Truncate the file to half. */
    FILE *f = fopen(path, "rb");
    char buf[512];
    size_t n = fread(buf, 1, sizeof buf, f);
    fclose(f);
    const char *p = write_file("logins.csv.gz", buf, n / 2);
    assert_int_equal(read_logins(p, 0, &c, &st, &err, 0, NULL), RS_E_FORMAT);
    assert_non_null(strstr(err.msg, "truncated gzip"));
}

static void test_table__value_types(void **state)
{
    (void)state;
    const char csv[] = "ts,client_id,freelancer_id,stars\n"
                       "1,c,f,4.5\n"
                       "1,c,f,5.5\n"
                       "1,c,f,abc\n"
                       "1,c,f,-1\n"
                       "1,c,f,inf\n"
                       "1,c,f,0x5\n";
    const char *p = write_file("ratings.csv", csv, sizeof csv - 1);
    table_opts o = TABLE_OPTS_INIT;
    table_stats st;
    rs_error err = {0};
    assert_int_equal(table_read(p, "ratings.csv", TABLE_RATINGS, 0, &o, NULL, NULL, &st, &err),
                     RS_OK);
    assert_int_equal(st.rows_ok, 1);
    assert_int_equal(st.rows_bad, 5);
    /* max_bad_rows makes the run fatal once exceeded. */
    uint64_t total = 0;
    o.bad_total = &total;
    o.max_bad_rows = 2;
    assert_int_equal(table_read(p, "ratings.csv", TABLE_RATINGS, 0, &o, NULL, NULL, &st, &err),
                     RS_E_LIMIT);
    assert_non_null(strstr(err.msg, "too many bad rows (3 > --max-bad-rows 2)"));
}

/* Unquoted leading and trailing spaces and tabs are trimmed (the README says
 * so); quoting keeps them. */
static void test_table__unquoted_spaces_trimmed(void **state)
{
    (void)state;
    const char csv[] = "ts,account_id,ip\n"
                       "2026-03-01T00:00:00Z,  A b \t,1.2.3.4\n"
                       "2026-03-01T00:00:00Z,\" C \",1.2.3.4\n";
    const char *p = write_file("logins.csv", csv, sizeof csv - 1);
    collect c;
    table_stats st;
    rs_error err = {0};
    assert_int_equal(read_logins(p, 0, &c, &st, &err, 1, NULL), RS_OK);
    assert_int_equal(c.rows, 2);
    assert_string_equal(c.last_account, " C ");
    const char one[] = "ts,account_id,ip\n"
                       "2026-03-01T00:00:00Z,  A b \t,1.2.3.4\n";
    p = write_file("logins.csv", one, sizeof one - 1);
    assert_int_equal(read_logins(p, 0, &c, &st, &err, 1, NULL), RS_OK);
    assert_string_equal(c.last_account, "A b");
}

/* The placeholder list, per column type: NA is Namibia in a country column,
 * an all-zero string is a placeholder only as an id. */
static void test_table__null_like_values(void **state)
{
    (void)state;
    static const char *const always[] = {"",     "  ",   "NULL", "null", "Null", "\\N",
                                         "None", "NONE", "N/A",  "n/a",  "-",    " NULL "};
    static const col_type types[] = {COL_ID,     COL_TEXT,  COL_TS,   COL_IP,      COL_UINT,
                                     COL_AMOUNT, COL_STARS, COL_BOOL, COL_COUNTRY, COL_ROLE};
    for (size_t t = 0; t < sizeof types / sizeof *types; t++)
        for (size_t i = 0; i < sizeof always / sizeof *always; i++)
            assert_true(table_null_like(types[t], always[i], strlen(always[i]), NULL, 0));
    assert_true(table_null_like(COL_ID, "NA", 2, NULL, 0));
    assert_false(table_null_like(COL_COUNTRY, "NA", 2, NULL, 0));
    assert_false(table_null_like(COL_ID, "na", 2, NULL, 0));
    assert_false(table_null_like(COL_ID, "\\n", 2, NULL, 0));
    assert_false(table_null_like(COL_IGNORED, "NULL", 4, NULL, 0));
    /* Near misses: a placeholder's prefix, or one with more after it. */
    static const char *const near[] = {"nul", "nulls", "n/", "n/a/", "--", "non", "nonE1"};
    for (size_t i = 0; i < sizeof near / sizeof *near; i++)
        assert_false(table_null_like(COL_TEXT, near[i], strlen(near[i]), NULL, 0));
    /* All-zero ids. */
    static const char *const zero[] = {"0", "000000", "00000000-0000-0000-0000-000000000000"};
    for (size_t i = 0; i < sizeof zero / sizeof *zero; i++) {
        assert_true(table_null_like(COL_ID, zero[i], strlen(zero[i]), NULL, 0));
        assert_false(table_null_like(COL_UINT, zero[i], strlen(zero[i]), NULL, 0));
    }
    assert_false(table_null_like(COL_BOOL, "0", 1, NULL, 0));
    assert_false(table_null_like(COL_AMOUNT, "0.00", 4, NULL, 0));
    assert_false(table_null_like(COL_ID, "10", 2, NULL, 0));
    assert_false(table_null_like(COL_ID, "0x0", 3, NULL, 0));
    assert_false(table_null_like(COL_ID, "--", 2, NULL, 0));
    assert_false(table_null_like(COL_ID, "Nullarbor", 9, NULL, 0));
    /* Extra values from the config: exact, after trimming. */
    static const char *const extra[] = {"unknown", "?"};
    assert_true(table_null_like(COL_ID, "unknown", 7, extra, 2));
    assert_true(table_null_like(COL_TEXT, " ? ", 3, extra, 2));
    assert_false(table_null_like(COL_ID, "Unknown", 7, extra, 2));
    assert_false(table_null_like(COL_IGNORED, "?", 1, extra, 2));
}

typedef struct {
    int rows;
    int devices; /* rows with a device id */
    char devs[256];
} devcollect;

static int on_device(void *ctx, const tvalue *v, int *bad_col, rs_error *why)
{
    (void)bad_col, (void)why;
    devcollect *c = ctx;
    c->rows++;
    const tvalue *d = &v[COLUMN_LOGINS_DEVICE_ID];
    if (d->present) {
        c->devices++;
        size_t l = strlen(c->devs);
        snprintf(c->devs + l, sizeof c->devs - l, "%.*s;", (int)d->n, d->s);
    }
    return 0;
}

/* A required column's placeholder makes the row bad with its own reason; an
 * optional one's is blanked and counted; quoted or not, CSV or JSONL. */
static void test_table__null_like_rows(void **state)
{
    (void)state;
    const char csv[] = "ts,account_id,ip,device_id\n"
                       "2026-03-01T00:00:00Z,A,1.2.3.4,NULL\n"
                       "2026-03-01T00:00:00Z,B,1.2.3.4,\\N\n"
                       "2026-03-01T00:00:00Z,C,1.2.3.4,\"NULL\"\n"
                       "2026-03-01T00:00:00Z,D,1.2.3.4,00000000-0000-0000-0000-000000000000\n"
                       "2026-03-01T00:00:00Z,E,1.2.3.4,d-1\n"
                       "2026-03-01T00:00:00Z,F,1.2.3.4,unknown\n"
                       "2026-03-01T00:00:00Z,NULL,1.2.3.4,d-2\n"
                       "2026-03-01T00:00:00Z,G,N/A,d-3\n"
                       "2026-03-01T00:00:00Z,H,1.2.3.4,\n";
    const char *p = write_file("logins.csv", csv, sizeof csv - 1);
    static const char *const extra[] = {"unknown"};
    table_opts o = TABLE_OPTS_INIT;
    o.null_values = extra;
    o.nnull_values = 1;
    FILE *diag = open_memstream(&diagbuf, &diaglen);
    o.diag = diag;
    devcollect c = {0};
    table_stats st;
    rs_error err = {0};
    assert_int_equal(table_read(p, "logins.csv", TABLE_LOGINS, 0, &o, on_device, &c, &st, &err),
                     RS_OK);
    fclose(diag);
    assert_int_equal(c.rows, 7);
    assert_int_equal(c.devices, 1);
    assert_string_equal(c.devs, "d-1;");
    assert_int_equal(st.rows_bad, 2);
    assert_int_equal(st.values_blanked, 5); /* the empty one is absent, not blanked */
    assert_non_null(strstr(diagbuf, "logins.csv:8:22: account_id: null-like value 'NULL'"));
    assert_non_null(strstr(diagbuf, "logins.csv:9:24: ip: null-like value 'N/A'"));
    int found = 0;
    for (size_t i = 0; i < st.nblanked; i++)
        if (!strcmp(st.blanked[i].reason, "device_id: null-like value 'NULL'"))
            found = (int)st.blanked[i].count;
    assert_int_equal(found, 2);
    free(diagbuf);
    /* JSONL: a string placeholder is CSV's; a JSON null was always absent. */
    const char js[] = "{\"ts\":1,\"account_id\":\"A\",\"ip\":\"1.2.3.4\",\"device_id\":\"NULL\"}\n"
                      "{\"ts\":1,\"account_id\":\"B\",\"ip\":\"1.2.3.4\",\"device_id\":null}\n"
                      "{\"ts\":1,\"account_id\":\"C\",\"ip\":\"1.2.3.4\",\"device_id\":0}\n"
                      "{\"ts\":1,\"account_id\":\"\\\\N\",\"ip\":\"1.2.3.4\"}\n";
    p = write_file("logins.jsonl", js, sizeof js - 1);
    o.diag = NULL;
    memset(&c, 0, sizeof c);
    assert_int_equal(table_read(p, "logins.jsonl", TABLE_LOGINS, 1, &o, on_device, &c, &st, &err),
                     RS_OK);
    assert_int_equal(c.rows, 3);
    assert_int_equal(c.devices, 0);
    assert_int_equal(st.rows_bad, 1);
    assert_int_equal(st.values_blanked, 2);
    /* --strict: a placeholder in an optional column is still only absent. */
    o.strict = 1;
    assert_int_equal(table_read(p, "logins.jsonl", TABLE_LOGINS, 1, &o, on_device, &c, &st, &err),
                     RS_E_VALUE);
    assert_non_null(strstr(err.msg, "account_id: null-like value '\\N'"));
}

typedef struct {
    int rows;
    char text[8][32]; /* the amount cell as the row handed it on */
    char account[8][32];
    double amount[8];
} payout_texts;

static int on_payout(void *ctx, const tvalue *v, int *bad_col, rs_error *why)
{
    (void)bad_col, (void)why;
    payout_texts *c = ctx;
    if (c->rows < 8) {
        const tvalue *a = &v[COLUMN_PAYOUTS_AMOUNT], *id = &v[COLUMN_PAYOUTS_ACCOUNT_ID];
        snprintf(c->text[c->rows], sizeof c->text[0], "%.*s", (int)a->n, a->s);
        snprintf(c->account[c->rows], sizeof c->account[0], "%.*s", (int)id->n, id->s);
        c->amount[c->rows] = a->v.d;
    }
    c->rows++;
    return 0;
}

/* A JSON number's cell text is the number as the file wrote it (evidence
 * rows show that text), with the same value as before: 3733.66 is not
 * 3733.6599999999999, an id keeps its trailing zero; "1.250", which the
 * amount parser would refuse as ambiguous text, keeps jansson's reading. A
 * look-alike key inside a string value is not taken for the member. */
static void test_table__jsonl_numbers_as_written(void **state)
{
    (void)state;
    const char js[] = "{\"ts\":\"2026-03-01T00:00:00Z\",\"destination_id\":\"p\",\"account_id\":"
                      "\"a\",\"amount\":3733.66}\n"
                      "{\"ts\":\"2026-03-01T00:00:00Z\",\"destination_id\":\"p\",\"account_id\":"
                      "\"x\\\"amount\\\": 9\", \"amount\" : 0.3 "
                      "}\n"
                      "{\"amount\":1e2,\"ts\":\"2026-03-01T00:00:00Z\",\"destination_id\":\"p\","
                      "\"account_id\":1.50}\n"
                      "{\"ts\":\"2026-03-01T00:00:00Z\",\"destination_id\":\"p\",\"account_id\":"
                      "\"b\",\"amount\":1.250}\n"
                      "{\"ts\":\"2026-03-01T00:00:00Z\",\"destination_id\":\"p\",\"account_id\":"
                      "\"c\",\"amount\":443.20}\n"
                      "{\"ts\":\"2026-03-01T00:00:00Z\",\"destination_id\":\"p\",\"account_id\":"
                      "\"d\",\"amount\":850}\n";
    const char *p = write_file("payouts.jsonl", js, sizeof js - 1);
    table_opts o = TABLE_OPTS_INIT;
    table_stats st;
    rs_error err = {0};
    payout_texts c;
    memset(&c, 0, sizeof c);
    assert_int_equal(table_read(p, "payouts.jsonl", TABLE_PAYOUTS, 1, &o, on_payout, &c, &st, &err),
                     RS_OK);
    assert_int_equal(c.rows, 6);
    assert_string_equal(c.text[0], "3733.66");
    assert_true(c.amount[0] == 3733.66);
    assert_string_equal(c.text[1], "0.3");
    assert_string_equal(c.account[1], "x\"amount\": 9");
    assert_string_equal(c.text[2], "1e2");
    assert_true(c.amount[2] == 100.0);
    assert_string_equal(c.account[2], "1.50");
    assert_string_equal(c.text[3], "1.25");
    assert_true(c.amount[3] == 1.25);
    assert_string_equal(c.text[4], "443.20");
    assert_string_equal(c.text[5], "850");
}

typedef struct {
    int rows, yes, no;
} boolcollect;

static int on_bid(void *ctx, const tvalue *v, int *bad_col, rs_error *why)
{
    (void)bad_col, (void)why;
    boolcollect *c = ctx;
    c->rows++;
    if (v[COLUMN_BIDS_ACCEPTED].present)
        *(v[COLUMN_BIDS_ACCEPTED].v.b ? &c->yes : &c->no) += 1;
    return 0;
}

/* PostgreSQL's t/f, y/n and on/off are booleans like true/false; other
 * words are still refused (and, the column being optional, blanked). */
static void test_table__boolean_words(void **state)
{
    (void)state;
    const char csv[] = "ts,freelancer_id,accepted\n"
                       "2026-03-01T00:00:00Z,a,t\n"
                       "2026-03-01T00:00:00Z,a,F\n"
                       "2026-03-01T00:00:00Z,a,y\n"
                       "2026-03-01T00:00:00Z,a,N\n"
                       "2026-03-01T00:00:00Z,a,on\n"
                       "2026-03-01T00:00:00Z,a,OFF\n"
                       "2026-03-01T00:00:00Z,a,true\n"
                       "2026-03-01T00:00:00Z,a,0\n"
                       "2026-03-01T00:00:00Z,a,maybe\n";
    const char *p = write_file("bids.csv", csv, sizeof csv - 1);
    table_opts o = TABLE_OPTS_INIT;
    boolcollect c = {0};
    table_stats st;
    rs_error err = {0};
    assert_int_equal(table_read(p, "bids.csv", TABLE_BIDS, 0, &o, on_bid, &c, &st, &err), RS_OK);
    assert_int_equal(c.rows, 9);
    assert_int_equal(c.yes, 4);
    assert_int_equal(c.no, 4);
    assert_int_equal(st.values_blanked, 1);
}

/* With ts_latest set, a time before 2000 or after it is a bad row whose
 * reason names the cause; TS_NONE (a bare read) checks no range. */
static void test_table__time_range(void **state)
{
    (void)state;
    const char csv[] = "ts,account_id,ip\n"
                       "2026-03-01 12:34:56+00,a,192.0.2.1\n"
                       "46082.5,b,192.0.2.1\n"
                       "2099-01-01T00:00:00Z,c,192.0.2.1\n"
                       "1772368496,d,192.0.2.1\n";
    const char *p = write_file("logins.csv", csv, sizeof csv - 1);
    collect c;
    memset(&c, 0, sizeof c);
    table_stats st;
    rs_error err = {0};
    table_opts o = TABLE_OPTS_INIT;
    assert_int_equal(table_read(p, "logins.csv", TABLE_LOGINS, 0, &o, on_row, &c, &st, &err),
                     RS_OK);
    assert_int_equal(c.rows, 4);
    o.ts_latest = 1772409600000LL; /* 2026-03-02 */
    FILE *diag = open_memstream(&diagbuf, &diaglen);
    o.diag = diag;
    memset(&c, 0, sizeof c);
    assert_int_equal(table_read(p, "logins.csv", TABLE_LOGINS, 0, &o, on_row, &c, &st, &err),
                     RS_OK);
    fclose(diag);
    assert_int_equal(c.rows, 2);
    assert_int_equal(st.rows_bad, 2);
    assert_non_null(strstr(diagbuf, "logins.csv:3:1: ts: before 2000: an Excel serial date"));
    assert_non_null(strstr(diagbuf, "logins.csv:4:1: ts: after the run's clock plus one day"));
    free(diagbuf);
}

/* A JSONL file that is one JSON array is refused as such, naming the .json
 * suffix; a nested object in a field names the mapping that reads it. */
static void test_table__jsonl_hints(void **state)
{
    (void)state;
    const char arr[] = "[\n{\"ts\":\"2026-03-01T00:00:00Z\",\"account_id\":\"a\",\"ip\":"
                       "\"192.0.2.1\"}\n]\n";
    const char *p = write_file("logins.jsonl", arr, sizeof arr - 1);
    collect c;
    table_stats st;
    rs_error err = {0};
    assert_int_equal(read_logins(p, 1, &c, &st, &err, 0, NULL), RS_E_FORMAT);
    assert_non_null(strstr(err.msg, "this is a JSON array, not JSON Lines"));
    assert_non_null(strstr(err.msg, "name the file logins.json"));
    const char nested[] = "{\"ts\":\"2026-03-01T00:00:00Z\",\"account_id\":\"a\",\"ip\":"
                          "\"192.0.2.1\",\"actor\":{\"id\":\"u\"}}\n"
                          "{\"ts\":\"2026-03-01T00:00:00Z\",\"account_id\":[\"a\"],\"ip\":"
                          "\"192.0.2.1\"}\n";
    p = write_file("logins.jsonl", nested, sizeof nested - 1);
    FILE *diag = open_memstream(&diagbuf, &diaglen);
    assert_int_equal(read_logins(p, 1, &c, &st, &err, 0, diag), RS_OK);
    fclose(diag);
    assert_non_null(strstr(diagbuf, "ignoring unknown field 'actor' (a nested object: map nested "
                                    "fields with a `sources` mapping, docs/loading.md)"));
    assert_non_null(strstr(diagbuf, "account_id: expected a string or number (an array"));
    free(diagbuf);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_table__csv_any_order_and_types),
        cmocka_unit_test(test_table__bad_rows_located),
        cmocka_unit_test(test_table__strict_makes_bad_row_fatal),
        cmocka_unit_test(test_table__structural_errors),
        cmocka_unit_test(test_table__jsonl),
        cmocka_unit_test(test_table__jsonl_numbers_as_written),
        cmocka_unit_test(test_table__gzip_and_truncation),
        cmocka_unit_test(test_table__value_types),
        cmocka_unit_test(test_table__unquoted_spaces_trimmed),
        cmocka_unit_test(test_table__null_like_values),
        cmocka_unit_test(test_table__null_like_rows),
        cmocka_unit_test(test_table__boolean_words),
        cmocka_unit_test(test_table__time_range),
        cmocka_unit_test(test_table__jsonl_hints),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}

/* test_summary.c - the per-file summary cache: rows of every table and a
 * file's facts come back exactly as written; a summary with a flipped byte,
 * cut short, of another format version, another parameter digest or
 * another input is refused with its reason; the index remembers a file by
 * size and modification time (not a racy one); pruning deletes the
 * summaries of inputs that are gone; the parameter digest follows the
 * parameters. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include "base/files.h"
#include "base/ipaddr.h"
#include "base/ts.h"
#include "graph/graph.h"
#include "ingest/summary.h"

static char dir[64];

static int setup(void **state)
{
    (void)state;
    snprintf(dir, sizeof dir, "/tmp/test_summary.XXXXXX");
    return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    return files_rmtree(dir);
}

#define NROWS 5
#define TS0 INT64_C(1767225600000)

static char strs[NROWS][SCHEMA_MAX_COLS][48];

/* Row r of table t: every analysed column present but optional ones on odd
 * rows, each with a value made from t, the column and r. */
static void make_row(table_id t, int r, tvalue *vals)
{
    const table_def *def = schema_table(t);
    memset(vals, 0, SCHEMA_MAX_COLS * sizeof *vals);
    for (size_t c = 0; c < def->ncols; c++) {
        tvalue *v = &vals[c];
        const col_def *cd = &def->cols[c];
        if (cd->type == COL_IGNORED || (!cd->required && r % 2))
            continue;
        v->present = 1;
        snprintf(strs[r][c], sizeof strs[r][c], "t%d-c%zu-r%d%s", (int)t, c, r,
                 r == 2 ? " with, a \"quote\"" : "");
        v->s = strs[r][c];
        v->n = strlen(strs[r][c]);
        switch (cd->type) {
        case COL_TS:
            v->v.ts = TS0 + r * 1000 + (int64_t)c;
            break;
        case COL_IP:
            assert_int_equal(
                ipaddr_parse(r % 2 ? "2001:db8::7" : "192.0.2.9", r % 2 ? 11 : 9, &v->v.ip, NULL),
                0);
            break;
        case COL_UINT:
            v->v.u = 1000u + (uint64_t)r;
            break;
        case COL_AMOUNT:
        case COL_STARS:
            v->v.d = 3733.66 + r;
            break;
        case COL_BOOL:
        case COL_AGENT:
            v->v.b = r & 1;
            break;
        case COL_ROLE:
            v->v.role = r % 3 ? ROLE_CLIENT : ROLE_FREELANCER;
            break;
        case COL_COUNTRY:
            memcpy(v->v.cc, r % 2 ? "DE" : "US", 3);
            break;
        default:
            break;
        }
    }
}

static void assert_same_row(table_id t, const tvalue *a, const tvalue *b)
{
    const table_def *def = schema_table(t);
    for (size_t c = 0; c < def->ncols; c++) {
        assert_int_equal(a[c].present, b[c].present);
        if (!a[c].present)
            continue;
        switch (def->cols[c].type) {
        case COL_ID:
        case COL_TEXT:
            assert_int_equal(a[c].n, b[c].n);
            assert_memory_equal(a[c].s, b[c].s, a[c].n);
            assert_int_equal(b[c].s[b[c].n], '\0');
            break;
        case COL_TS:
            assert_true(a[c].v.ts == b[c].v.ts);
            break;
        case COL_IP:
            assert_memory_equal(&a[c].v.ip, &b[c].v.ip, sizeof a[c].v.ip);
            break;
        case COL_UINT:
            assert_true(a[c].v.u == b[c].v.u);
            break;
        case COL_AMOUNT:
        case COL_STARS:
            assert_true(a[c].v.d == b[c].v.d);
            break;
        case COL_BOOL:
        case COL_AGENT:
            assert_int_equal(a[c].v.b, b[c].v.b);
            break;
        case COL_ROLE:
            assert_int_equal(a[c].v.role, b[c].v.role);
            break;
        case COL_COUNTRY:
            assert_string_equal(a[c].v.cc, b[c].v.cc);
            break;
        default:
            break;
        }
    }
}

/* A made-up digest (static: copy it to keep it). */
static const char *fake_sha(int t)
{
    static char s[65];
    for (int i = 0; i < 64; i++)
        s[i] = "0123456789abcdef"[(i * 7 + t) % 16];
    s[64] = '\0';
    return s;
}

static summary_cache *open_cache(void)
{
    summary_params p = {NULL, 0, NULL, 0, 1, 0, 100, 1u << 20};
    return summary_cache_open(dir, &p, NULL);
}

/* Writes a summary of NROWS rows of table t for input path; its name into
 * name (96 bytes). */
static void write_summary(summary_cache *c, table_id t, const char *path, const char *sha,
                          char *name)
{
    char key[SUMMARY_PARAMS_HEX + 1];
    summary_cache_key(c, t, TABLE_FMT_CSV, NULL, key);
    summary_writer *w = summary_writer_new(c, t, key);
    assert_non_null(w);
    for (int r = 0; r < NROWS; r++) {
        tvalue v[SCHEMA_MAX_COLS];
        make_row(t, r, v);
        table_rowpos pos = {{(uint64_t)r * 100 + 7, 99, r + 2}, (uint32_t)(r * 31 + 1)};
        summary_writer_row(w, v, &pos);
    }
    unsigned char used[2] = {1, 0};
    summary_facts fa;
    memset(&fa, 0, sizeof fa);
    fa.st.rows_read = NROWS + 3;
    fa.st.raw_bytes = 12345;
    fa.st.text_bytes = 23456;
    fa.st.header_end = 42;
    fa.st.gzip = 1;
    fa.st.delimiter = ';';
    snprintf(fa.st.mapped, sizeof fa.st.mapped, "%s", "user=account_id");
    fa.has_tally = 1;
    fa.tally.records = 9;
    fa.tally.rows = 8;
    fa.tally.left_out = 1;
    fa.tally.nreasons = 1;
    snprintf(fa.tally.reasons[0].reason, sizeof fa.tally.reasons[0].reason, "%s", "type is 'f'");
    fa.tally.reasons[0].count = 1;
    fa.alias_used = used;
    fa.naliases = 2;
    assert_int_equal(summary_writer_end(w, &fa), 0);
    assert_int_equal(summary_writer_commit(w, path, 777, 1, sha), 0);
    snprintf(name, 96, "%s-%s.rsum", sha, key);
}

static void test_summary__round_trip_every_table(void **state)
{
    (void)state;
    summary_cache *c = open_cache();
    summary_view v;
    memset(&v, 0, sizeof v);
    for (int t = 0; t < TABLE_COUNT; t++) {
        char name[96], key[SUMMARY_PARAMS_HEX + 1], why[128];
        const char *sha = fake_sha(t);
        write_summary(c, (table_id)t, "/nonexistent/in.csv", sha, name);
        summary_cache_key(c, (table_id)t, TABLE_FMT_CSV, NULL, key);
        assert_int_equal(summary_view_load(c, name, sha, key, (table_id)t, &v, why, sizeof why), 0);
        const summary_facts *fa = &v.facts;
        assert_true(fa->nrows == NROWS && fa->st.rows_read == NROWS + 3);
        assert_true(fa->st.raw_bytes == 12345 && fa->st.text_bytes == 23456);
        assert_true(fa->st.header_end == 42 && fa->st.gzip == 1 && fa->st.delimiter == ';');
        assert_string_equal(fa->st.mapped, "user=account_id");
        assert_true(fa->has_tally && fa->tally.records == 9 && fa->tally.left_out == 1);
        assert_string_equal(fa->tally.reasons[0].reason, "type is 'f'");
        assert_true(fa->naliases == 2 && fa->alias_used[0] == 1 && fa->alias_used[1] == 0);
        int64_t max_ts = TS_NONE;
        for (int r = 0; r < NROWS; r++) {
            tvalue want[SCHEMA_MAX_COLS], got[SCHEMA_MAX_COLS];
            table_rowpos pos;
            make_row((table_id)t, r, want);
            for (size_t k = 0; k < schema_table((table_id)t)->ncols; k++)
                if (want[k].present && schema_table((table_id)t)->cols[k].type == COL_TS &&
                    want[k].v.ts > max_ts)
                    max_ts = want[k].v.ts;
            assert_int_equal(summary_view_next(&v, (table_id)t, got, &pos), 1);
            assert_same_row((table_id)t, want, got);
            assert_true(pos.at.off == (uint64_t)r * 100 + 7 && pos.at.len == 99);
            assert_true(pos.at.line == r + 2 && pos.sum == (uint32_t)(r * 31 + 1));
        }
        tvalue got[SCHEMA_MAX_COLS];
        table_rowpos pos;
        assert_int_equal(summary_view_next(&v, (table_id)t, got, &pos), 0);
        assert_true(fa->max_ts == max_ts);
        summary_view_rewind(&v);
        assert_int_equal(summary_view_next(&v, (table_id)t, got, &pos), 1);
    }
    summary_view_free(&v);
    summary_counts n;
    summary_cache_close(c, 0, &n);
    assert_true(n.written == TABLE_COUNT);
}

/* Rewrites the summary at path with fn applied to its bytes. */
static void mangle(const char *path, void (*fn)(unsigned char *b, size_t *n))
{
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    static unsigned char b[1 << 16];
    size_t n = fread(b, 1, sizeof b, f);
    fclose(f);
    fn(b, &n);
    f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(b, 1, n, f), n);
    fclose(f);
}

static void flip_body(unsigned char *b, size_t *n)
{
    b[*n - 40] ^= 0x01;
}

static void cut(unsigned char *b, size_t *n)
{
    (void)b;
    *n -= 17;
}

static void cut_header(unsigned char *b, size_t *n)
{
    (void)b;
    *n = 60;
}

static void flip_header(unsigned char *b, size_t *n)
{
    (void)n;
    b[100] ^= 0x80; /* a reserved byte: only the header's checksum sees it */
}

/* The format version field set to another version, the header's checksum
 * made to match: what a later build's summary looks like. */
static void other_version(unsigned char *b, size_t *n)
{
    (void)n;
    uint32_t v = SUMMARY_FORMAT + 1;
    memcpy(b + 12, &v, sizeof v);
    uint32_t crc = (uint32_t)crc32(0L, b, 124);
    memcpy(b + 124, &crc, sizeof crc);
}

static void expect_refused(summary_cache *c, const char *name, const char *sha, const char *key,
                           const char *reason)
{
    summary_view v;
    memset(&v, 0, sizeof v);
    char why[128] = "";
    assert_int_equal(summary_view_load(c, name, sha, key, TABLE_LOGINS, &v, why, sizeof why), -1);
    if (!strstr(why, reason))
        fail_msg("refused as '%s', expected '%s'", why, reason);
    summary_view_free(&v);
}

static void test_summary__damage_detected(void **state)
{
    (void)state;
    summary_cache *c = open_cache();
    char name[96], key[SUMMARY_PARAMS_HEX + 1], path[160], sha[65];
    snprintf(sha, sizeof sha, "%s", fake_sha(1));
    summary_cache_key(c, TABLE_LOGINS, TABLE_FMT_CSV, NULL, key);
    static const struct {
        void (*fn)(unsigned char *, size_t *);
        const char *why;
    } cases[] = {
        {flip_body, "body checksum mismatch"},
        {cut, "length mismatch"},
        {cut_header, "not a summary"},
        {flip_header, "header checksum mismatch"},
        {other_version, "another format version"},
    };
    for (size_t k = 0; k < sizeof cases / sizeof *cases; k++) {
        write_summary(c, TABLE_LOGINS, "/nonexistent/in.csv", sha, name);
        snprintf(path, sizeof path, "%s/%s", dir, name);
        mangle(path, cases[k].fn);
        expect_refused(c, name, sha, key, cases[k].why);
    }
    /* Sound, but asked for under another key, input or table: foreign. */
    write_summary(c, TABLE_LOGINS, "/nonexistent/in.csv", sha, name);
    expect_refused(c, name, sha, "0000000000000000", "foreign");
    expect_refused(c, name, fake_sha(2), key, "foreign");
    expect_refused(c, "absent.rsum", sha, key, "missing");
    summary_view v;
    memset(&v, 0, sizeof v);
    char why[128];
    assert_int_equal(summary_view_load(c, name, sha, key, TABLE_LOGINS, &v, why, sizeof why), 0);
    assert_int_equal(summary_view_load(c, name, sha, key, TABLE_BIDS, &v, why, sizeof why), -1);
    summary_view_free(&v);
    summary_cache_close(c, 0, NULL);
}

static void test_summary__index_and_prune(void **state)
{
    (void)state;
    char in[160], name[96];
    snprintf(in, sizeof in, "%s/input.csv", dir);
    assert_int_equal(files_write_text(in, "x\n", 2, NULL), 0);
    summary_cache *c = open_cache();
    char sha[65];
    snprintf(sha, sizeof sha, "%s", fake_sha(3));
    write_summary(c, TABLE_RATINGS, in, sha, name); /* recorded with mtime 1: not racy */
    /* A file modified just now is not remembered. */
    summary_cache_record(c, "/nonexistent/racy.csv", 5, INT64_MAX / 2, sha, NULL);
    summary_cache_close(c, 1, NULL);

    c = open_cache();
    char got[SHA256_HEX_LEN];
    const char *sname = NULL;
    assert_int_equal(summary_cache_known(c, in, 777, 1, got, &sname), 1);
    assert_string_equal(got, sha);
    assert_string_equal(sname, name);
    assert_int_equal(summary_cache_known(c, in, 777, 2, got, &sname), 0); /* touched */
    assert_int_equal(summary_cache_known(c, in, 778, 1, got, &sname), 0); /* grown */
    assert_int_equal(summary_cache_known(c, "/nonexistent/racy.csv", 5, INT64_MAX / 2, got, &sname),
                     0);
    summary_cache_close(c, 1, NULL);

    /* The input gone: its entry and summary go at the next prune. */
    char sum[200];
    snprintf(sum, sizeof sum, "%s/%s", dir, name);
    assert_int_equal(access(sum, F_OK), 0);
    unlink(in);
    c = open_cache();
    summary_counts n;
    summary_cache_close(c, 1, &n);
    assert_true(n.pruned == 1);
    assert_int_equal(access(sum, F_OK), -1);
}

static void test_summary__key_follows_parameters(void **state)
{
    (void)state;
    schema_alias al = {"logins", "user", "account_id"};
    const char *nulls[] = {"n/a"};
    summary_params base = {NULL, 0, NULL, 0, 1, 0, 100, 1u << 20};
    summary_params p[5] = {base, base, base, base, base};
    p[1].aliases = &al;
    p[1].naliases = 1;
    p[2].null_values = nulls;
    p[2].nnull_values = 1;
    p[3].strict = 1;
    p[4].max_ratio = 50;
    char keys[8][SUMMARY_PARAMS_HEX + 1];
    for (int i = 0; i < 5; i++) {
        summary_cache *c = summary_cache_open(dir, &p[i], NULL);
        summary_cache_key(c, TABLE_LOGINS, TABLE_FMT_CSV, NULL, keys[i]);
        if (i == 0) {
            summary_cache_key(c, TABLE_BIDS, TABLE_FMT_CSV, NULL, keys[5]);
            summary_cache_key(c, TABLE_LOGINS, TABLE_FMT_JSONL, NULL, keys[6]);
            summary_cache_key(c, TABLE_LOGINS, TABLE_FMT_CSV, "{\"table\":\"logins\"}", keys[7]);
        }
        summary_cache_close(c, 0, NULL);
    }
    for (int i = 0; i < 8; i++)
        for (int j = i + 1; j < 8; j++)
            assert_string_not_equal(keys[i], keys[j]);
    /* The same parameters, the same key: a run with no window and one with
     * any window share summaries (the window is not a parameter). */
    summary_cache *c = summary_cache_open(dir, &base, NULL);
    char again[SUMMARY_PARAMS_HEX + 1];
    summary_cache_key(c, TABLE_LOGINS, TABLE_FMT_CSV, NULL, again);
    assert_string_equal(again, keys[0]);
    summary_cache_close(c, 0, NULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_summary__round_trip_every_table, setup, teardown),
        cmocka_unit_test_setup_teardown(test_summary__damage_detected, setup, teardown),
        cmocka_unit_test_setup_teardown(test_summary__index_and_prune, setup, teardown),
        cmocka_unit_test_setup_teardown(test_summary__key_follows_parameters, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

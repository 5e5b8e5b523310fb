/* fuzz_parsers.c - libFuzzer harness for the value parsers: timestamps
 * (base/ts.h), IP addresses (base/ipaddr.h), and the amount, number,
 * boolean, country and role conversions behind ingest/table.c's typed
 * columns, reached through table_read with a one-row table as the loader
 * reaches them.
 *
 * Input: one selector byte, then the value's bytes. Selector % 3: 0 ts_parse,
 * 1 ipaddr_parse, 2 a one-row table whose last column holds the value
 * (selector / 3 picks the table and column, then how the value is written:
 * a quoted CSV field, a raw JSON value, or a JSON string).
 *
 * Properties checked beyond the sanitizers: a parsed timestamp is not before
 * 1970 and formats to text that parses back to the same instant; a parsed
 * address formats to text that parses back to the same address; a value the
 * reader accepts has its column's type and range (fuzzutil_check_value); a
 * failed parse always gives a reason.
 */
#include "tests/fuzz/fuzzutil.h"

#include "base/ipaddr.h"
#include "base/ts.h"
#include "base/buf.h"
#include "base/error.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The latest instant the epoch form accepts: 9999-12-31T23:59:59.999Z. */
#define TS_MAX_MS 253402300799999LL

static void fuzz_ts(const char *s, size_t n)
{
    int64_t ms, again;
    rs_error why = {0};
    int rc = ts_parse(s, n, &ms, &why);
    if (rc != 0) {
        if (why.code != RS_E_VALUE || !why.msg[0])
            fuzzutil_fail("ts_parse failed without a reason");
        if (ts_parse(s, n, &again, NULL) == 0)
            fuzzutil_fail("ts_parse failed, then succeeded on the same text");
        return;
    }
    if (ms < 0)
        fuzzutil_fail("ts_parse gave %lld, before 1970", (long long)ms);
    if (ts_parse(s, n, &again, NULL) != 0 || again != ms)
        fuzzutil_fail("ts_parse gave two results for one text");
    if (ms > TS_MAX_MS)
        return; /* 9999-12-31 late, west of UTC: year 10000, five digits */
    char buf[TS_FMT_LEN];
    ts_format(ms, buf);
    if (ts_parse(buf, strlen(buf), &again, &why) != 0)
        fuzzutil_fail("ts_format gave '%s' for %lld, which does not parse: %s", buf, (long long)ms,
                      why.msg);
    if (again != ms)
        fuzzutil_fail("'%s' parses to %lld, formatted from %lld", buf, (long long)again,
                      (long long)ms);
}

static void fuzz_ip(const char *s, size_t n)
{
    ipaddr a, b;
    rs_error why = {0};
    if (ipaddr_parse(s, n, &a, &why) != 0) {
        if (why.code != RS_E_VALUE || !why.msg[0])
            fuzzutil_fail("ipaddr_parse failed without a reason");
        return;
    }
    if (a.len != 4 && a.len != 16)
        fuzzutil_fail("address of length %u", a.len);
    char buf[IPADDR_STRLEN];
    ipaddr_format(&a, buf);
    if (ipaddr_parse(buf, strlen(buf), &b, &why) != 0)
        fuzzutil_fail("ipaddr_format gave '%s', which does not parse: %s", buf, why.msg);
    if (a.len != b.len || memcmp(a.b, b.b, a.len) != 0)
        fuzzutil_fail("'%s' is not the address it was formatted from", buf);
}

/* A table whose last column receives the value, after fixed valid fields. */
typedef struct {
    table_id table;
    const char *const names[4]; /* column names, the value's last */
    const char *const fixed[3]; /* the values before it */
} value_spec;

static const value_spec specs[] = {
    {TABLE_PAYOUTS, {"ts", "account_id", "destination_id", "amount"}, {"1", "a", "d"}},
    {TABLE_CHARGES, {"ts", "client_id", "freelancer_id", "amount"}, {"1", "c", "f"}},
    {TABLE_RATINGS, {"ts", "client_id", "freelancer_id", "stars"}, {"1", "c", "f"}},
    {TABLE_LOGINS, {"ts", "account_id", "ip", "session_seconds"}, {"1", "a", "10.0.0.1"}},
    {TABLE_LOGINS, {"ts", "account_id", "ip", "asn"}, {"1", "a", "10.0.0.1"}},
    {TABLE_LOGINS, {"ts", "account_id", "ip", NULL}, {"1", "a", NULL}},
    {TABLE_PORTS, {"ts", "ip", "port", NULL}, {"1", "10.0.0.1", NULL}},
    {TABLE_BIDS, {"ts", "freelancer_id", "accepted", NULL}, {"1", "f", NULL}},
    {TABLE_ACCOUNTS, {"account_id", "country", NULL, NULL}, {"a", NULL, NULL}},
    {TABLE_ACCOUNTS, {"account_id", "role", NULL, NULL}, {"a", NULL, NULL}},
    {TABLE_ACCOUNTS, {"account_id", "created_at", NULL, NULL}, {"a", NULL, NULL}},
    {TABLE_LOGINS, {"account_id", "ip", "ts", NULL}, {"a", "10.0.0.1", NULL}},
};
#define NSPECS (sizeof specs / sizeof *specs)

enum { ENC_CSV, ENC_JSON_RAW, ENC_JSON_STRING, ENC_COUNT };

typedef struct {
    const table_def *def;
    int rows;
} value_ctx;

static int on_value_row(void *ctx, const tvalue *vals, int *bad_col, rs_error *why)
{
    (void)bad_col, (void)why;
    value_ctx *c = ctx;
    for (size_t i = 0; i < c->def->ncols; i++)
        if (vals[i].present)
            fuzzutil_check_value(&c->def->cols[i], &vals[i]);
    c->rows++;
    return 0;
}

static void append_json_string(rs_buf *b, const char *s, size_t n)
{
    buf_putc(b, '"');
    for (size_t i = 0; i < n; i++) {
        unsigned char ch = (unsigned char)s[i];
        if (ch == '"' || ch == '\\') {
            buf_putc(b, '\\');
            buf_putc(b, (char)ch);
        } else if (ch < 0x20) {
            buf_printf(b, "\\u%04x", ch);
        } else {
            buf_putc(b, (char)ch);
        }
    }
    buf_putc(b, '"');
}

/* Writes the one-row table for spec and value in encoding enc into b. */
static void render(rs_buf *b, const value_spec *sp, int enc, const char *s, size_t n)
{
    size_t k = 0;
    while (k < 4 && sp->names[k])
        k++;
    if (enc == ENC_CSV) {
        for (size_t i = 0; i < k; i++)
            buf_printf(b, "%s%s", i ? "," : "", sp->names[i]);
        buf_putc(b, '\n');
        for (size_t i = 0; i + 1 < k; i++)
            buf_printf(b, "%s,", sp->fixed[i]);
        buf_putc(b, '"');
        for (size_t i = 0; i < n; i++) {
            if (s[i] == '"')
                buf_putc(b, '"');
            buf_putc(b, s[i]);
        }
        buf_puts(b, "\"\n");
        return;
    }
    buf_putc(b, '{');
    for (size_t i = 0; i + 1 < k; i++)
        buf_printf(b, "\"%s\": \"%s\", ", sp->names[i], sp->fixed[i]);
    buf_printf(b, "\"%s\": ", sp->names[k - 1]);
    if (enc == ENC_JSON_RAW)
        buf_append(b, s, n);
    else
        append_json_string(b, s, n);
    buf_puts(b, "}\n");
}

static void fuzz_value(unsigned sel, const char *s, size_t n)
{
    const value_spec *sp = &specs[sel % NSPECS];
    int enc = (int)(sel / NSPECS % ENC_COUNT);
    const table_def *def = schema_table(sp->table);
    value_ctx c = {def, 0};
    rs_buf b = {0};
    render(&b, sp, enc, s, n);
    char *dir = fuzzutil_tmpdir();
    char *path = fuzzutil_write(dir, "v", b.data, b.len);
    buf_free(&b);
    table_opts to = TABLE_OPTS_INIT;
    table_stats st;
    rs_error err = {0};
    int rc = table_read(path, "value", sp->table, enc != ENC_CSV, &to, on_value_row, &c, &st, &err);
    free(path);
    fuzzutil_rmtree(dir);
    if (rc != RS_OK) {
        if (err.msg[0] == '\0')
            fuzzutil_fail("table_read failed (%d) without a message", rc);
        return;
    }
    if (enc == ENC_JSON_RAW)
        return; /* a raw value may hold line ends: any number of rows */
    if (st.rows_read != 1 || st.rows_ok + st.rows_bad != 1 || (uint64_t)c.rows != st.rows_ok)
        fuzzutil_fail("one row: read %llu, ok %llu, bad %llu, seen %d",
                      (unsigned long long)st.rows_read, (unsigned long long)st.rows_ok,
                      (unsigned long long)st.rows_bad, c.rows);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    const char *s = (const char *)data + 1;
    size_t n = size - 1;
    switch (data[0] % 3) {
    case 0:
        fuzz_ts(s, n);
        break;
    case 1:
        fuzz_ip(s, n);
        break;
    default:
        fuzz_value(data[0] / 3u, s, n);
        break;
    }
    return 0;
}

/* fuzz_table.c - libFuzzer harness for the table reader (ingest/table.h).
 *
 * Input: one selector byte, then the file's bytes (CSV or JSONL; a gzip body
 * is recognised by its magic number, so compressed inputs need no flag).
 * Selector bits: 0-2 table id (mod TABLE_COUNT), 3 JSONL, 4 strict, 5
 * max_bad_rows = 2 with a run-wide counter, 6 diagnostics captured and
 * checked, 7 the row callback rejects rows whose first value starts with x
 * (naming its column) or y (naming none).
 *
 * Besides the sanitizers, the harness checks what table.h promises: every
 * value handed to the callback is NUL-terminated valid UTF-8 of its stated
 * length and of its column's type and range; the row counters add up; a fatal
 * error comes with a message; every diagnostic table_read prints is one line
 * starting with the file name and holding no control character (README,
 * base/utf8.h).
 */
#include "tests/fuzz/fuzzutil.h"

#include "ingest/table.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DISPLAY "input"

typedef struct {
    const table_def *def;
    int reject;
    uint64_t accepted;
    long row_line;
} table_ctx;

static int on_row(void *ctx, const tvalue *vals, int *bad_col, rs_error *why)
{
    table_ctx *c = ctx;
    if (c->row_line < 1)
        fuzzutil_fail("row line %ld", c->row_line);
    for (size_t i = 0; i < c->def->ncols; i++) {
        const col_def *cd = &c->def->cols[i];
        if (!vals[i].present) {
            if (cd->required)
                fuzzutil_fail("required column %s absent in an accepted row", cd->name);
            continue;
        }
        fuzzutil_check_value(cd, &vals[i]);
    }
    if (c->reject && vals[0].present && (vals[0].s[0] == 'x' || vals[0].s[0] == 'y')) {
        *bad_col = vals[0].s[0] == 'x' ? 0 : -1;
        return rs_error_set(why, RS_E_VALUE, NULL, 0, 0, "rejected by the harness");
    }
    c->accepted++;
    return 0;
}

static void check_diag(const char *text, size_t n)
{
    const char *p = text, *end = text + n;
    while (p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        if (!nl)
            fuzzutil_fail("diagnostic without a line end: %.*s", (int)(end - p), p);
        if ((size_t)(nl - p) < sizeof DISPLAY || memcmp(p, DISPLAY ":", sizeof DISPLAY) != 0)
            fuzzutil_fail("diagnostic line not starting with the file name: %.*s", (int)(nl - p),
                          p);
        fuzzutil_check_message("diagnostic", p, (size_t)(nl - p));
        p = nl + 1;
    }
}

static void check_stats(const table_stats *st, int rc, int strict, const table_ctx *c,
                        const rs_error *err)
{
    if (rc != RS_OK) {
        if (rc > 0 || err->msg[0] == '\0')
            fuzzutil_fail("table_read returned %d with message '%s'", rc, err->msg);
        return; /* err holds raw input text: its printer escapes it (utf8_diag) */
    }
    if (st->rows_ok + st->rows_bad != st->rows_read)
        fuzzutil_fail("rows: %llu ok + %llu bad != %llu read", (unsigned long long)st->rows_ok,
                      (unsigned long long)st->rows_bad, (unsigned long long)st->rows_read);
    if (st->rows_ok != c->accepted)
        fuzzutil_fail("rows_ok %llu but %llu rows accepted", (unsigned long long)st->rows_ok,
                      (unsigned long long)c->accepted);
    if (strict && st->rows_bad)
        fuzzutil_fail("strict read succeeded with %llu bad rows", (unsigned long long)st->rows_bad);
    uint64_t sum = st->reasons_other;
    for (size_t i = 0; i < st->nreasons; i++)
        sum += st->reasons[i].count;
    if (sum != st->rows_bad)
        fuzzutil_fail("reasons count %llu rows, rows_bad is %llu", (unsigned long long)sum,
                      (unsigned long long)st->rows_bad);
    if (strlen(st->sha256) != 64)
        fuzzutil_fail("sha256 '%s'", st->sha256);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    unsigned sel = data[0];
    table_id tid = (table_id)((sel & 7u) % TABLE_COUNT);
    int jsonl = (sel >> 3) & 1;
    table_ctx c = {schema_table(tid), (sel >> 7) & 1, 0, 0};
    table_opts to = TABLE_OPTS_INIT;
    uint64_t bad_total = 0;
    to.strict = (sel >> 4) & 1;
    if (sel & 0x20) {
        to.max_bad_rows = 2;
        to.bad_total = &bad_total;
    }
    char *diag = NULL;
    size_t ndiag = 0;
    if (sel & 0x40) {
        to.diag = open_memstream(&diag, &ndiag);
        to.report_limit = 3;
        if (!to.diag)
            abort();
    }
    to.row_line = &c.row_line;

    char *dir = fuzzutil_tmpdir();
    char *path = fuzzutil_write(dir, "t", data + 1, size - 1);
    table_stats st;
    rs_error err = {0};
    int rc = table_read(path, DISPLAY, tid, jsonl, &to, on_row, &c, &st, &err);
    free(path);
    fuzzutil_rmtree(dir);

    check_stats(&st, rc, to.strict, &c, &err);
    if (to.diag) {
        fclose(to.diag);
        check_diag(diag, ndiag);
        free(diag);
    }
    return 0;
}

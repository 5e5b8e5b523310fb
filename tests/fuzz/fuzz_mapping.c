/* fuzz_mapping.c - libFuzzer harness for the mapping engine
 * (ingest/mapping.h): the path walk, the filters, the direction and every
 * transform.
 *
 * Input: a mapping spec (JSON) up to the first blank line, then one JSON
 * record per line, applied in order as one file's records. Beyond the
 * sanitizers the harness checks the engine's contracts: a refused spec
 * comes with an RS_E_CONFIG message and no mapping; every produced value is
 * NUL-terminated at its length; the tally adds up (rows left out by reason
 * plus other equal left_out, never more left out than records seen); and
 * mapping_finish_file either accepts the file or says why with RS_E_SCHEMA.
 * The records' bytes are then read as a file through the mapping by
 * table_read, as one JSON document (the array scanner, a whole object, a
 * `records` path) and as CSV, and offered to table_first_record: values
 * handed to the row callback must be of their column's type.
 */
#include "tests/fuzz/fuzzutil.h"

#include "ingest/mapping.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    table_id t;
    uint64_t rows;
} emitted;

static int check_row(void *ctx, const mapping_row *row)
{
    emitted *e = ctx;
    const table_def *td = schema_table(e->t);
    for (size_t c = 0; c < SCHEMA_MAX_COLS; c++) {
        if (!row->s[c])
            continue;
        if (c >= td->ncols)
            fuzzutil_fail("a value for column %zu of a %zu-column table", c, td->ncols);
        if (row->s[c][row->n[c]] != '\0')
            fuzzutil_fail("column %s: value not NUL-terminated at its length", td->cols[c].name);
    }
    e->rows++;
    return 0;
}

static void check_tally(const mapping *m, uint64_t records, uint64_t rows)
{
    const mapping_tally *t = mapping_tally_of(m);
    uint64_t sum = t->other;
    for (size_t i = 0; i < t->nreasons; i++)
        sum += t->reasons[i].count;
    if (t->records != records || t->rows != rows || sum != t->left_out || t->left_out > records ||
        t->nreasons > MAPPING_MAX_REASONS)
        fuzzutil_fail("tally: records %llu/%llu rows %llu/%llu left out %llu, by reason %llu",
                      (unsigned long long)t->records, (unsigned long long)records,
                      (unsigned long long)t->rows, (unsigned long long)rows,
                      (unsigned long long)t->left_out, (unsigned long long)sum);
}

/* Applies each line of text[0..n) that is JSON as one record. */
static void apply_records(mapping *m, const char *text, size_t n)
{
    emitted e = {mapping_table(m), 0};
    uint64_t records = 0;
    mapping_start_file(m);
    for (size_t i = 0; i < n;) {
        const char *nl = memchr(text + i, '\n', n - i);
        size_t len = nl ? (size_t)(nl - (text + i)) : n - i;
        json_t *rec = json_loadb(text + i, len, JSON_DECODE_ANY | JSON_ALLOW_NUL, NULL);
        if (rec) {
            if (mapping_apply(m, rec, check_row, &e) != 0)
                fuzzutil_fail("mapping_apply returned non-zero though emit never did");
            records++;
            if (mapping_records(m)) /* the records path on any document */
                (void)mapping_path_get(rec, mapping_records(m));
            json_decref(rec);
        }
        i += len + 1;
    }
    check_tally(m, records, e.rows);
    rs_error err = {0};
    int rc = mapping_finish_file(m, "fuzz.jsonl", &err);
    if (rc != RS_OK && (rc != RS_E_SCHEMA || err.msg[0] == '\0'))
        fuzzutil_fail("mapping_finish_file returned %d with message '%s'", rc, err.msg);
}

static int on_row(void *ctx, const tvalue *vals, int *bad_col, rs_error *err)
{
    const table_def *td = schema_table(*(const table_id *)ctx);
    (void)bad_col;
    (void)err;
    for (size_t c = 0; c < td->ncols; c++)
        if (vals[c].present)
            fuzzutil_check_value(&td->cols[c], &vals[c]);
    return 0;
}

/* The records as a file read through m in each format that reads records
 * whole, and its first record peeked. */
static void read_as_file(mapping *m, const char *text, size_t n)
{
    static const int fmts[] = {TABLE_FMT_JSON, TABLE_FMT_CSV, TABLE_FMT_JSONL};
    char *dir = fuzzutil_tmpdir();
    char *path = fuzzutil_write(dir, "in.data", text, n);
    table_id t = mapping_table(m);
    for (size_t k = 0; k < sizeof fmts / sizeof fmts[0]; k++) {
        table_opts o = TABLE_OPTS_INIT;
        table_stats st;
        rs_error err = {0};
        o.map = m;
        o.max_bad_rows = UINT64_MAX;
        int rc = table_read(path, "in.data", t, fmts[k], &o, on_row, &t, &st, &err);
        if (rc != RS_OK && err.msg[0] == '\0')
            fuzzutil_fail("table_read (format %d) returned %d without a message", fmts[k], rc);
        if (st.rows_ok + st.rows_bad + st.out_of_window != st.rows_read)
            fuzzutil_fail("table_read (format %d): rows do not add up", fmts[k]);
        json_t *first = NULL;
        rc = table_first_record(path, "in.data", fmts[k], &first, &err);
        if (rc == RS_OK && first && !json_is_object(first))
            fuzzutil_fail("table_first_record gave a record that is not an object");
        json_decref(first);
    }
    free(path);
    fuzzutil_rmtree(dir);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *text = (const char *)data;
    const char *sep = NULL;
    for (size_t i = 0; i + 1 < size && !sep; i++)
        if (text[i] == '\n' && text[i + 1] == '\n')
            sep = text + i;
    size_t speclen = sep ? (size_t)(sep - text) : size;
    json_t *spec = json_loadb(text, speclen, 0, NULL);
    if (!spec)
        return 0;
    mapping *m = NULL;
    rs_error err = {0};
    int rc = mapping_compile(spec, "fuzz.json: sources[0]", &m, &err);
    if (rc != RS_OK) {
        if (rc != RS_E_CONFIG || err.msg[0] == '\0' || m)
            fuzzutil_fail("mapping_compile returned %d with message '%s'", rc, err.msg);
    } else {
        (void)mapping_matches_file(m, "logins/part-1.csv");
        size_t rest = sep ? size - speclen - 2 : 0;
        apply_records(m, sep ? sep + 2 : "", rest);
        apply_records(m, sep ? sep + 2 : "", rest); /* a second file: marks start over */
        read_as_file(m, sep ? sep + 2 : "", rest);
        mapping_free(m);
    }
    json_decref(spec);
    return 0;
}

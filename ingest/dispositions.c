/* dispositions.c - the decisions file; see dispositions.h.
 *
 * The file is opened and read line by line by ingest/source.h (regular files
 * only, the same as input tables) into libcsv (a quoted field may span
 * lines); each completed record is checked at once, with the line it ended
 * on. Files are small (one row per decision) and bounded by the limits of
 * dispositions.h, so records are kept whole. */
#include "ingest/dispositions.h"

#include "ingest/source.h"
#include "ingest/table.h"
#include "base/ts.h"
#include "base/utf8.h"
#include "base/alloc.h"
#include "base/error.h"

#include <csv.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { C_TYPE, C_ID, C_DECISION, C_ANALYST, C_AT, C_NOTE, C_COUNT };
static const char *const col_names[C_COUNT] = {"subject_type", "subject_id", "decision",
                                               "analyst",      "decided_at", "note"};

#define MAX_FIELDS 64

typedef struct {
    const char *name;
    decision_set *out;
    rs_error *err;
    int rc;
    long line;
    int header_done;
    int col_of[C_COUNT]; /* field index of each known column, -1 if absent */
    char *fields[MAX_FIELDS];
    size_t nfields;
} dctx;

/* Keeps the first error. */
#define fail(c, code, col, ...)                                                                    \
    ((c)->rc == RS_OK                                                                              \
         ? ((c)->rc = rs_error_set((c)->err, code, (c)->name, (c)->line, col, __VA_ARGS__))        \
         : (c)->rc)

static void on_field(void *s, size_t n, void *ctx)
{
    dctx *c = ctx;
    if (c->nfields < MAX_FIELDS)
        c->fields[c->nfields] = xstrndup(s ? s : "", s ? n : 0);
    c->nfields++;
}

static void header(dctx *c)
{
    for (int k = 0; k < C_COUNT; k++)
        c->col_of[k] = -1;
    for (size_t i = 0; i < c->nfields && i < MAX_FIELDS; i++)
        for (int k = 0; k < C_COUNT; k++) {
            if (strcmp(c->fields[i], col_names[k]))
                continue;
            if (c->col_of[k] >= 0) {
                fail(c, RS_E_SCHEMA, (long)i + 1,
                     "the column '%s' appears twice (fields %d and %zu): which one holds is not "
                     "guessed; remove one",
                     col_names[k], c->col_of[k] + 1, i + 1);
                return;
            }
            c->col_of[k] = (int)i;
        }
    for (int k = 0; k <= C_DECISION; k++)
        if (c->col_of[k] < 0)
            fail(c, RS_E_SCHEMA, 0, "header lacks the column '%s'", col_names[k]);
    c->header_done = 1;
}

static const char *field(const dctx *c, int k)
{
    int i = c->col_of[k];
    return i >= 0 && (size_t)i < c->nfields && i < MAX_FIELDS ? c->fields[i] : "";
}

static int parse_enum(const char *v, const char *const *names, int n)
{
    for (int i = 0; i < n; i++)
        if (!strcmp(v, names[i]))
            return i;
    return -1;
}

/* Checks every known field of the record is UTF-8 and within its length
 * limit. Returns 0, or -1 with the error set. */
static int fields_ok(dctx *c)
{
    for (int k = 0; k < C_COUNT; k++) {
        if (c->col_of[k] < 0)
            continue;
        const char *v = field(c, k);
        size_t n = strlen(v), bad,
               max = k == C_NOTE ? DISPOSITIONS_MAX_NOTE : DISPOSITIONS_MAX_FIELD;
        if (utf8_check(v, n, &bad) != UTF8_OK) {
            fail(c, RS_E_VALUE, c->col_of[k] + 1,
                 "%s is not UTF-8 (byte 0x%02x at offset %zu): save the file as UTF-8",
                 col_names[k], (unsigned)(unsigned char)v[bad], bad);
            return -1;
        }
        if (n > max) {
            fail(c, RS_E_LIMIT, c->col_of[k] + 1, "%s is %zu bytes, more than the limit of %zu",
                 col_names[k], n, max);
            return -1;
        }
    }
    return 0;
}

static void record(dctx *c)
{
    static const char *const types[] = {"account", "ring", "ip", "device", "destination"};
    static const char *const decs[] = {"escalated", "confirmed", "benign", "allowlisted"};
    decision d = {0};
    d.line = c->line;
    if (fields_ok(c) != 0)
        return;
    int t = parse_enum(field(c, C_TYPE), types, SUBJECT_COUNT);
    if (t < 0) {
        fail(c, RS_E_VALUE, c->col_of[C_TYPE] + 1,
             "subject_type '%s' is not account, ring, ip, device or destination", field(c, C_TYPE));
        return;
    }
    int dv = parse_enum(field(c, C_DECISION), decs, 4);
    if (dv < 0) {
        fail(c, RS_E_VALUE, c->col_of[C_DECISION] + 1,
             "decision '%s' is not confirmed, benign, allowlisted or escalated",
             field(c, C_DECISION));
        return;
    }
    if (!*field(c, C_ID)) {
        fail(c, RS_E_VALUE, c->col_of[C_ID] + 1, "%s", "subject_id is empty");
        return;
    }
    const char *at = field(c, C_AT);
    char day[32];
    if (strlen(at) == 10) { /* a date: its midnight, UTC */
        snprintf(day, sizeof day, "%sT00:00:00Z", at);
        if (ts_parse(day, strlen(day), &d.decided_at, NULL) == 0)
            at = "";
    }
    if (*at && ts_parse(at, strlen(at), &d.decided_at, NULL) != 0) {
        fail(c, RS_E_VALUE, c->col_of[C_AT] + 1, "decided_at '%s' is not a date or RFC 3339 time",
             at);
        return;
    }
    if (!*field(c, C_AT)) { /* which of two decisions holds is decided by their dates */
        fail(c, RS_E_VALUE, c->col_of[C_AT] + 1,
             "%s: every decision needs its date (decided_at: YYYY-MM-DD or an RFC 3339 time)",
             c->col_of[C_AT] < 0 ? "no decided_at column" : "decided_at is empty");
        return;
    }
    d.type = (subject_type)t;
    d.decision = (disposition)(DISPO_ESCALATED + dv);
    d.id = xstrdup(field(c, C_ID));
    d.analyst = xstrdup(field(c, C_ANALYST));
    d.note = xstrdup(field(c, C_NOTE));
    decision_set *s = c->out;
    s->v = xreallocarray(s->v, s->n + 1, sizeof *s->v);
    s->v[s->n++] = d;
}

static void on_row(int term, void *ctx)
{
    (void)term;
    dctx *c = ctx;
    if (c->rc == RS_OK) {
        if (c->nfields > MAX_FIELDS)
            fail(c, RS_E_FORMAT, MAX_FIELDS + 1, "more than %d fields", MAX_FIELDS);
        else if (!c->header_done)
            header(c);
        else if (!(c->nfields == 1 && !c->fields[0][0]))
            record(c);
    }
    for (size_t i = 0; i < c->nfields && i < MAX_FIELDS; i++)
        free(c->fields[i]);
    c->nfields = 0;
}

/* Opens path through ingest/source.h: regular files only, and the size
 * limit checked before anything is read. Returns RS_OK or an RS_E_* with
 * err set; *out is NULL then. */
static int open_file(source **out, const char *path, rs_error *err)
{
    int rc = source_open(out, path, path, err);
    if (rc != RS_OK)
        return rc;
    source_limits lim = {DISPOSITIONS_MAX_BYTES, DISPOSITIONS_MAX_BYTES, 0};
    source_set_limits(*out, &lim); /* what a gzip file expands to */
    if (source_raw_size(*out) > DISPOSITIONS_MAX_BYTES) {
        rc = rs_error_set(err, RS_E_LIMIT, path, 0, 0,
                          "%llu bytes, more than the limit of %u for a decisions file",
                          (unsigned long long)source_raw_size(*out), DISPOSITIONS_MAX_BYTES);
        source_close(*out);
        *out = NULL;
    }
    return rc;
}

/* Feeds one physical line (number c->line) to the parser: the checks every
 * line gets first (encoding on line 1, length), then libcsv. */
static void feed_line(dctx *c, struct csv_parser *p, const char *line, size_t n)
{
    if (c->line == 1 && n >= 3 && !memcmp(line, "\xEF\xBB\xBF", 3)) {
        line += 3; /* UTF-8 byte-order mark */
        n -= 3;
    }
    int rc = c->line == 1 ? table_check_encoding(line, n, c->name, c->err) : RS_OK;
    if (rc != RS_OK) {
        c->rc = rc;
        return;
    }
    if (n > DISPOSITIONS_MAX_LINE) {
        fail(c, RS_E_LIMIT, 0, "line of %zu bytes, more than the limit of %u", n,
             DISPOSITIONS_MAX_LINE);
        return;
    }
    if (csv_parse(p, line, n, on_field, on_row, c) != n)
        fail(c, RS_E_FORMAT, 0, "malformed CSV: %s", csv_strerror(csv_error(p)));
}

int dispositions_load(decision_set *out, const char *path, rs_error *err)
{
    memset(out, 0, sizeof *out);
    out->path = xstrdup(path);
    dctx c = {path, out, err, RS_OK, 0, 0, {0}, {0}, 0};
    source *src = NULL;
    int rc = open_file(&src, path, err);
    if (rc != RS_OK) {
        decisions_free(out);
        return rc;
    }
    struct csv_parser p;
    csv_init(&p, CSV_STRICT | CSV_STRICT_FINI | CSV_APPEND_NULL);
    const char *line;
    size_t n;
    while (c.rc == RS_OK && (rc = source_next_line(src, &line, &n, err)) == 1) {
        c.line = source_line(src);
        feed_line(&c, &p, line, n);
    }
    if (c.rc == RS_OK && rc < 0)
        c.rc = rc;
    if (c.rc == RS_OK && csv_fini(&p, on_field, on_row, &c) != 0)
        fail(&c, RS_E_FORMAT, 0, "malformed CSV: %s", csv_strerror(csv_error(&p)));
    if (c.rc == RS_OK && !c.header_done)
        fail(&c, RS_E_SCHEMA, 0, "%s", "empty file: expected a header");
    for (size_t i = 0; i < c.nfields && i < MAX_FIELDS; i++)
        free(c.fields[i]);
    csv_free(&p);
    source_close(src);
    if (c.rc != RS_OK) {
        decisions_free(out);
        return c.rc;
    }
    out->id_col = c.col_of[C_ID] + 1;
    out->decision_col = c.col_of[C_DECISION] + 1;
    decisions_finish(out);
    return RS_OK;
}

/* dispositions.c - the decisions file; see dispositions.h.
 *
 * The file is read line by line into libcsv (a quoted field may span
 * lines); each completed record is checked at once, with the line it ended
 * on. Files are small (one row per decision), so records are kept whole. */
#include "ingest/dispositions.h"

#include "base/ts.h"
#include "base/utf8.h"
#include "base/alloc.h"
#include "base/error.h"

#include <csv.h>
#include <errno.h>
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
        for (int k = 0; k < C_COUNT; k++)
            if (!strcmp(c->fields[i], col_names[k]))
                c->col_of[k] = (int)i;
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

static void record(dctx *c)
{
    static const char *const types[] = {"account", "ring", "ip", "device", "destination"};
    static const char *const decs[] = {"escalated", "confirmed", "benign", "allowlisted"};
    decision d = {0};
    d.line = c->line;
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

int dispositions_load(decision_set *out, const char *path, rs_error *err)
{
    memset(out, 0, sizeof *out);
    out->path = xstrdup(path);
    dctx c = {path, out, err, RS_OK, 0, 0, {0}, {0}, 0};
    FILE *f = fopen(path, "rb");
    if (!f) {
        rs_error_set(err, RS_E_IO, path, 0, 0, "cannot open: %s", strerror(errno));
        decisions_free(out);
        return RS_E_IO;
    }
    struct csv_parser p;
    csv_init(&p, CSV_STRICT | CSV_STRICT_FINI | CSV_APPEND_NULL);
    char *line = NULL;
    size_t cap = 0;
    ssize_t n;
    while (c.rc == RS_OK && (n = getline(&line, &cap, f)) > 0) {
        c.line++;
        if (csv_parse(&p, line, (size_t)n, on_field, on_row, &c) != (size_t)n)
            fail(&c, RS_E_FORMAT, 0, "malformed CSV: %s", csv_strerror(csv_error(&p)));
    }
    if (c.rc == RS_OK && ferror(f))
        fail(&c, RS_E_IO, 0, "read error: %s", strerror(errno));
    if (c.rc == RS_OK && csv_fini(&p, on_field, on_row, &c) != 0)
        fail(&c, RS_E_FORMAT, 0, "malformed CSV: %s", csv_strerror(csv_error(&p)));
    if (c.rc == RS_OK && !c.header_done)
        fail(&c, RS_E_SCHEMA, 0, "%s", "empty file: expected a header");
    for (size_t i = 0; i < c.nfields && i < MAX_FIELDS; i++)
        free(c.fields[i]);
    csv_free(&p);
    free(line);
    fclose(f);
    if (c.rc != RS_OK) {
        decisions_free(out);
        return c.rc;
    }
    decisions_finish(out);
    return RS_OK;
}

/* dispocheck.c - problems of a decisions file made errors or listed skips;
 * see dispocheck.h. A file holds few decisions and fewer problems, so they
 * are sorted and printed without care for cost. */
#include "src/dispocheck.h"

#include "base/alloc.h"
#include "base/utf8.h"

#include <stdlib.h>

static int by_line(const void *pa, const void *pb)
{
    const decision_problem *a = pa, *b = pb;
    if (a->d->line != b->d->line)
        return a->d->line < b->d->line ? -1 : 1;
    return (a->col > b->col) - (a->col < b->col);
}

/* {line, column, subject_type, subject_id, decision, problem, hint}: new. */
static json_t *problem_json(const decision_problem *x)
{
    json_t *o = json_object();
    json_object_set_new(o, "line", json_integer(x->d->line));
    json_object_set_new(o, "column", json_integer(x->col));
    json_object_set_new(o, "subject_type", json_string(decisions_subject_name(x->d->type)));
    json_object_set_new(o, "subject_id", json_string(x->d->id));
    json_object_set_new(o, "decision", json_string(findings_disposition_name(x->d->decision)));
    json_object_set_new(o, "problem", json_string(x->what));
    json_object_set_new(o, "hint", json_string(x->hint));
    return o;
}

int dispocheck_report(decision_set *d, decision_problems *p, int lenient, FILE *diag,
                      json_t *unmatched, rs_error *err)
{
    int rc = RS_OK;
    if (p->n > 1)
        qsort(p->v, p->n, sizeof *p->v, by_line);
    if (p->n && !lenient) {
        const decision_problem *x = &p->v[0];
        rc =
            rs_error_set(err, RS_E_VALUE, d->path, x->d->line, x->col, "%s; %s%s", x->what, x->hint,
                         p->n > 1 ? " (more problems follow in this file; "
                                    "--dispositions-lenient lists them all)"
                                  : "");
        decisions_problems_free(p);
        return rc;
    }
    unsigned char *keep = xmalloc(d->n ? d->n : 1);
    for (size_t i = 0; i < d->n; i++)
        keep[i] = 1;
    for (size_t i = 0; i < p->n; i++) {
        const decision_problem *x = &p->v[i];
        utf8_diag(diag, "",
                  "ringscan: warning: %s:%ld:%ld: %s; %s (skipped: --dispositions-lenient)",
                  d->path, x->d->line, x->col, x->what, x->hint);
        json_array_append_new(unmatched, problem_json(x));
        keep[x->d - d->v] = 0;
    }
    decisions_problems_free(p);
    decisions_keep(d, keep);
    free(keep);
    return rc;
}

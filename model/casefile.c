/* casefile.c - per-ring case material; see casefile.h. */
#include "model/casefile.h"

#include "base/alloc.h"

#include <stdlib.h>
#include <string.h>

void casefile_count_day(case_evidence *ev, int64_t day, table_id t)
{
    if (!ev->ndays) {
        ev->day0 = day;
        ev->ndays = 1;
        ev->per_day = xcalloc(1, sizeof *ev->per_day);
    } else if (day < ev->day0) {
        size_t grow = (size_t)(ev->day0 - day);
        if (ev->ndays + grow > CASE_MAX_DAYS)
            return;
        ev->per_day = xreallocarray(ev->per_day, ev->ndays + grow, sizeof *ev->per_day);
        memmove(ev->per_day + grow, ev->per_day, ev->ndays * sizeof *ev->per_day);
        memset(ev->per_day, 0, grow * sizeof *ev->per_day);
        ev->ndays += grow;
        ev->day0 = day;
    } else if (day >= ev->day0 + (int64_t)ev->ndays) {
        size_t need = (size_t)(day - ev->day0) + 1;
        if (need > CASE_MAX_DAYS)
            return;
        ev->per_day = xreallocarray(ev->per_day, need, sizeof *ev->per_day);
        memset(ev->per_day + ev->ndays, 0, (need - ev->ndays) * sizeof *ev->per_day);
        ev->ndays = need;
    }
    ev->per_day[day - ev->day0][t]++;
}

void case_row_copy(case_row *r, const source_row *row)
{
    r->file = xstrdup(row->file);
    r->line = row->line;
    r->ts = row->ts;
    r->ncols = row->ncols;
    r->pair_gap_ms = -1;
    for (size_t c = 0; c < row->ncols; c++) {
        r->name[c] = row->cols[c].name;
        r->value[c] = xstrndup(row->cols[c].s, row->cols[c].n);
    }
}

void case_row_clear(case_row *r)
{
    free(r->file);
    for (size_t v = 0; v < r->ncols; v++)
        free(r->value[v]);
    memset(r, 0, sizeof *r);
}

static case_row *next_sample(case_evidence *ev, flag_code f)
{
    if (!ev->samples[f])
        ev->samples[f] = xcalloc(CASE_MAX_SAMPLES, sizeof *ev->samples[f]);
    return &ev->samples[f][ev->nsamples[f]++];
}

void casefile_add_sample(case_evidence *ev, flag_code f, const source_row *row)
{
    if (ev->nsamples[f] >= CASE_MAX_SAMPLES)
        return;
    case_row_copy(next_sample(ev, f), row);
}

void casefile_add_pair(case_evidence *ev, flag_code f, const case_row *first,
                       const source_row *second, int64_t gap_ms)
{
    if (ev->nsamples[f] + 2 > CASE_MAX_SAMPLES)
        return;
    case_row *a = next_sample(ev, f);
    *a = *first;
    a->file = xstrdup(first->file);
    for (size_t v = 0; v < first->ncols; v++)
        a->value[v] = xstrdup(first->value[v]);
    a->pair_gap_ms = -1;
    case_row *b = next_sample(ev, f);
    case_row_copy(b, second);
    b->pair_gap_ms = gap_ms;
}

void casefile_free(casefile *c)
{
    if (!c)
        return;
    free(c->sub.nodes);
    free(c->sub.edges);
    free(c->draw.gid);
    free(c->draw.role);
    free(c->draw.x);
    free(c->draw.y);
    free(c->draw.ea);
    free(c->draw.eb);
    free(c->ev.per_day);
    for (int f = 0; f < FLAG_COUNT; f++) {
        for (size_t k = 0; k < c->ev.nsamples[f]; k++) {
            free(c->ev.samples[f][k].file);
            for (size_t v = 0; v < c->ev.samples[f][k].ncols; v++)
                free(c->ev.samples[f][k].value[v]);
        }
        free(c->ev.samples[f]);
    }
    memset(c, 0, sizeof *c);
}

void casefile_free_all(casefile *c, size_t n)
{
    if (!c)
        return;
    for (size_t i = 0; i < n; i++)
        casefile_free(&c[i]);
    free(c);
}

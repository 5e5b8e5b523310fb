/* casefile.c - per-ring case material; see casefile.h. */
#include "model/casefile.h"

#include "base/util.h"

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

void casefile_add_sample(case_evidence *ev, flag_code f, const source_row *row)
{
    if (ev->nsamples[f] >= CASE_MAX_SAMPLES)
        return;
    if (!ev->samples[f])
        ev->samples[f] = xcalloc(CASE_MAX_SAMPLES, sizeof *ev->samples[f]);
    case_row *r = &ev->samples[f][ev->nsamples[f]++];
    r->file = xstrdup(row->file);
    r->line = row->line;
    r->ts = row->ts;
    r->ncols = row->ncols;
    for (size_t c = 0; c < row->ncols; c++) {
        r->name[c] = row->cols[c].name;
        r->value[c] = xstrndup(row->cols[c].s, row->cols[c].n);
    }
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

/* decision_set.c - the decision set and the effects list; see decision_set.h. */
#include "model/decision_set.h"

#include "base/alloc.h"

#include <stdlib.h>
#include <string.h>

const char *decisions_subject_name(subject_type t)
{
    static const char *const names[] = {"account", "ring", "ip", "device", "destination"};
    return (unsigned)t < SUBJECT_COUNT ? names[t] : "";
}

static int cmp_subject(const decision *a, subject_type t, const char *id, size_t len)
{
    if (a->type != t)
        return a->type < t ? -1 : 1;
    size_t la = strlen(a->id);
    int c = memcmp(a->id, id, la < len ? la : len);
    return c ? c : (la < len ? -1 : la > len);
}

static int cmp_decision(const void *pa, const void *pb)
{
    const decision *a = pa, *b = pb;
    int c = cmp_subject(a, b->type, b->id, strlen(b->id));
    if (c)
        return c;
    if (a->decided_at != b->decided_at)
        return a->decided_at < b->decided_at ? -1 : 1;
    return a->line < b->line ? -1 : a->line > b->line;
}

static void decision_free(decision *d)
{
    free(d->id);
    free(d->analyst);
    free(d->note);
}

void decisions_finish(decision_set *s)
{
    if (s->n > 1)
        qsort(s->v, s->n, sizeof *s->v, cmp_decision);
    size_t w = 0;
    for (size_t i = 0; i < s->n; i++) {
        /* the last of a run of one subject is its latest decision */
        if (i + 1 < s->n && s->v[i + 1].type == s->v[i].type &&
            !strcmp(s->v[i + 1].id, s->v[i].id)) {
            decision_free(&s->v[i]);
            continue;
        }
        s->v[w++] = s->v[i];
    }
    s->n = w;
}

void decisions_keep(decision_set *s, const unsigned char *keep)
{
    size_t w = 0;
    for (size_t i = 0; i < s->n; i++) {
        if (keep[i])
            s->v[w++] = s->v[i];
        else
            decision_free(&s->v[i]);
    }
    s->n = w;
}

const decision *decisions_find(const decision_set *s, subject_type t, const char *id, size_t len)
{
    size_t lo = 0, hi = s->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = cmp_subject(&s->v[mid], t, id, len);
        if (c == 0)
            return &s->v[mid];
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return NULL;
}

void decisions_free(decision_set *s)
{
    if (!s)
        return;
    for (size_t i = 0; i < s->n; i++)
        decision_free(&s->v[i]);
    free(s->v);
    free(s->path);
    memset(s, 0, sizeof *s);
}

void decisions_effect_add(decision_effects *e, const decision *d, int dated, char *text)
{
    ALLOC_GROW(e->v, e->cap, e->n + 1);
    e->v[e->n++] = (decision_effect){d, dated, text};
}

void decisions_effects_free(decision_effects *e)
{
    if (!e)
        return;
    for (size_t i = 0; i < e->n; i++)
        free(e->v[i].text);
    free(e->v);
    memset(e, 0, sizeof *e);
}

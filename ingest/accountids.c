/* accountids.c - the account_ids map and the tally of unknown account ids;
 * see accountids.h.
 *
 * Four interned sets: external ids (the map's keys, numbered in first-seen
 * order, with parallel arrays of target, file and line), the platform ids
 * the map names, the ids accounts lists, and the event ids that are none of
 * these. Strings handed out (translated values, examples) are the interned
 * copies, valid until accountids_free.
 *
 * The tally looks every account value of every event row up among the
 * listed accounts, a table larger than the cache on large runs, where each
 * lookup misses it up to three times in turn (intern_prefetch). So a value
 * waits in a short queue: its lookup's memory is requested in steps as it
 * ages (PEND_STEP values apart) and it is counted when it leaves, in
 * arrival order, while the parser goes on with the next rows. The tally is
 * the same as counting at once: values leave in order, and the queue is
 * emptied before anything it depends on changes (an accounts row listing
 * an id) and before the tally is read (accountids_flush).
 */
#include "ingest/accountids.h"

#include "base/alloc.h"
#include "graph/intern.h"
#include "ingest/schema.h"

#include <assert.h>
#include <stdlib.h>
#include <string.h>

/* Values between two prefetch steps: a cache miss is served (some 100 ns)
 * while the parser reads as many rows. */
#define PEND_STEP 6
#define PEND_MAX (PEND_STEP * INTERN_PREFETCH_STEPS)
/* Ids up to this long wait in the queue (copied: the row's strings are
 * borrowed for the call); a longer one empties it and is counted at once. */
#define PEND_KEY 48

typedef struct {
    uint64_t h; /* intern_hash of s */
    uint32_t file, n;
    char s[PEND_KEY];
} pending;

struct accountids {
    intern_table *ext;    /* external ids, the map's keys */
    intern_table *plat;   /* platform ids the map names */
    uint32_t *target;     /* per external id: its id in plat */
    const char **file;    /* per external id: where it was mapped (borrowed) */
    long *line;           /* and on which line */
    size_t cap;           /* of target, file and line */
    intern_table *listed; /* ids the accounts table lists */
    intern_table *unknown;
    uint32_t *last_file; /* per unknown id: the last file counting it, plus one */
    size_t ucap;
    accountids_file *files;
    size_t nfiles;
    pending pend[PEND_MAX]; /* values not yet looked up, oldest at phead */
    size_t phead, npend;
};

accountids *accountids_new(size_t nfiles)
{
    accountids *m = xcalloc(1, sizeof *m);
    m->ext = intern_new();
    m->plat = intern_new();
    m->listed = intern_new();
    m->unknown = intern_new();
    m->nfiles = nfiles;
    m->files = xcalloc(nfiles ? nfiles : 1, sizeof *m->files);
    return m;
}

void accountids_free(accountids *m)
{
    if (!m)
        return;
    intern_free(m->ext);
    intern_free(m->plat);
    intern_free(m->listed);
    intern_free(m->unknown);
    free(m->target);
    free(m->file);
    free(m->line);
    free(m->last_file);
    free(m->files);
    free(m);
}

int accountids_add(accountids *m, const decode_account_id *e, const char *file, long line,
                   rs_error *err)
{
    int is_new = 0;
    uint32_t p = intern_put(m->plat, e->account.s, e->account.n, NULL);
    uint32_t k = intern_put(m->ext, e->external.s, e->external.n, &is_new);
    if (!is_new) {
        if (m->target[k] == p)
            return RS_OK; /* the same pair again, perhaps from another export */
        return rs_error_set(err, RS_E_SCHEMA, file, line, 0,
                            "external id '%.*s' maps to two accounts: '%s' (%s:%ld) and '%.*s' "
                            "(line %ld): one external id is one account",
                            (int)e->external.n, e->external.s,
                            intern_str(m->plat, m->target[k], NULL), m->file[k], m->line[k],
                            (int)e->account.n, e->account.s, line);
    }
    if (k >= m->cap) {
        size_t cap = m->cap;
        ALLOC_GROW(m->target, cap, (size_t)k + 1);
        m->file = xreallocarray(m->file, cap, sizeof *m->file);
        m->line = xreallocarray(m->line, cap, sizeof *m->line);
        m->cap = cap;
    }
    m->target[k] = p;
    m->file[k] = file;
    m->line[k] = line;
    return RS_OK;
}

size_t accountids_count(const accountids *m)
{
    return m ? intern_count(m->ext) : 0;
}

/* translate with a bit per schema column translated (mapped) into *mask. */
static const tvalue *translate(const accountids *m, table_id t, const tvalue *vals, tvalue *out,
                               uint32_t *mask)
{
    *mask = 0;
    if (!m || t == TABLE_ACCOUNT_IDS || intern_count(m->ext) == 0)
        return vals;
    const table_def *td = schema_table(t);
    const tvalue *res = vals;
    uint32_t cols = schema_account_cols(t);
    for (size_t c = 0; c < td->ncols; c++) {
        if (!vals[c].present || !(cols & (UINT32_C(1) << c)))
            continue;
        uint32_t k = intern_get(m->ext, vals[c].s, vals[c].n);
        if (k == INTERN_NONE)
            continue;
        *mask |= UINT32_C(1) << c;
        size_t pn;
        const char *p = intern_str(m->plat, m->target[k], &pn);
        if (pn == vals[c].n && memcmp(p, vals[c].s, pn) == 0)
            continue; /* an identity row */
        if (res == vals) {
            memcpy(out, vals, td->ncols * sizeof *out);
            res = out;
        }
        out[c].s = p;
        out[c].n = pn;
    }
    return res;
}

const tvalue *accountids_translate(const accountids *m, table_id t, const tvalue *vals, tvalue *out)
{
    uint32_t mask;
    return translate(m, t, vals, out, &mask);
}

/* An account value s[0..n) neither mapped nor listed, in file number file. */
static void count_unknown(accountids *m, size_t file, const char *s, size_t n)
{
    accountids_file *f = &m->files[file];
    int is_new = 0;
    uint32_t k = intern_put(m->unknown, s, n, &is_new);
    f->unknown++;
    if (is_new) {
        size_t cap = m->ucap;
        ALLOC_GROW(m->last_file, cap, (size_t)k + 1);
        m->ucap = cap;
        m->last_file[k] = 0;
    }
    if (m->last_file[k] == file + 1)
        return;
    m->last_file[k] = (uint32_t)file + 1;
    f->unknown_ids++;
    if (f->nexamples < ACCOUNTIDS_EXAMPLES)
        f->examples[f->nexamples++] = intern_str(m->unknown, k, NULL);
}

/* Counts value s[0..n) of file number file (hash h) unless listed. */
static void tally(accountids *m, size_t file, const char *s, size_t n, uint64_t h)
{
    if (intern_count(m->listed) && intern_get_h(m->listed, s, n, h) == INTERN_NONE)
        count_unknown(m, file, s, n);
}

/* Counts the oldest waiting value. */
static void pend_pop(accountids *m)
{
    const pending *p = &m->pend[m->phead];
    tally(m, p->file, p->s, p->n, p->h);
    m->phead = (m->phead + 1) % PEND_MAX;
    m->npend--;
}

/* Queues value v of file number file for the tally, requesting memory for
 * the values waiting as they age. */
static void pend_push(accountids *m, size_t file, const tvalue *v)
{
    uint64_t h = intern_hash(v->s, v->n);
    if (v->n > PEND_KEY) {
        accountids_flush(m);
        tally(m, file, v->s, v->n, h);
        return;
    }
    if (m->npend == PEND_MAX)
        pend_pop(m);
    pending *p = &m->pend[(m->phead + m->npend++) % PEND_MAX];
    p->h = h;
    p->file = (uint32_t)file;
    p->n = (uint32_t)v->n;
    memcpy(p->s, v->s, v->n);
    /* The newest value takes step 0, those PEND_STEP and 2 PEND_STEP older
     * the next ones. */
    for (int step = 0; step < INTERN_PREFETCH_STEPS; step++) {
        size_t age = (size_t)step * PEND_STEP;
        if (age < m->npend)
            (void)intern_prefetch(m->listed, m->pend[(m->phead + m->npend - 1 - age) % PEND_MAX].h,
                                  step);
    }
}

void accountids_flush(accountids *m)
{
    while (m && m->npend)
        pend_pop(m);
}

const tvalue *accountids_load_row(accountids *m, size_t file, table_id t, const tvalue *vals,
                                  tvalue *out)
{
    uint32_t mask;
    const tvalue *v = translate(m, t, vals, out, &mask);
    if (!m || t == TABLE_ACCOUNT_IDS)
        return v;
    if (t == TABLE_ACCOUNTS) {
        const tvalue *id = &v[COLUMN_ACCOUNTS_ACCOUNT_ID];
        if (id->present) {
            accountids_flush(m); /* values before it were not listed yet */
            (void)intern_put(m->listed, id->s, id->n, NULL);
        }
        return v;
    }
    if (file >= m->nfiles)
        return v;
    const table_def *td = schema_table(t);
    uint32_t cols = schema_account_cols(t);
    for (size_t c = 0; c < td->ncols; c++) {
        if (!v[c].present || !(cols & (UINT32_C(1) << c)))
            continue;
        if (mask & (UINT32_C(1) << c))
            m->files[file].mapped++;
        else if (intern_count(m->listed))
            pend_push(m, file, &v[c]);
    }
    return v;
}

const accountids_file *accountids_file_stats(const accountids *m, size_t file)
{
    assert(!m || m->npend == 0); /* accountids_flush first */
    return m && file < m->nfiles ? &m->files[file] : NULL;
}

void accountids_summarise(const accountids *m, accountids_summary *out)
{
    memset(out, 0, sizeof *out);
    if (!m)
        return;
    assert(m->npend == 0); /* accountids_flush first */
    out->mappings = intern_count(m->ext);
    out->listed = intern_count(m->listed);
    uint32_t np = intern_count(m->plat);
    for (uint32_t p = 0; out->listed && p < np; p++) {
        size_t n;
        const char *s = intern_str(m->plat, p, &n);
        if (intern_get(m->listed, s, n) != INTERN_NONE)
            continue;
        if (out->nunlisted_examples < ACCOUNTIDS_EXAMPLES)
            out->unlisted_examples[out->nunlisted_examples++] = s;
        out->unlisted++;
    }
    out->unknown_ids = intern_count(m->unknown);
    for (uint32_t k = 0; k < out->unknown_ids && k < ACCOUNTIDS_EXAMPLES; k++)
        out->examples[out->nexamples++] = intern_str(m->unknown, k, NULL);
    out->second_space = out->unknown_ids >= ACCOUNTIDS_SECOND_MIN &&
                        out->unknown_ids * ACCOUNTIDS_SECOND_PER >= out->listed;
}

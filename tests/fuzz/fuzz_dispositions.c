/* fuzz_dispositions.c - libFuzzer harness for the analysts' decisions file
 * (dispositions_load in ingest/dispositions.h) and the checks and rules
 * that take its decisions first (algorithms/decisions.h).
 *
 * Input: the bytes of a --dispositions file. Beyond the sanitizers the
 * harness checks that a rejected file comes with a known code, a message
 * and no decision; that an accepted one holds decisions of known types and
 * values, sorted and one per subject, every string valid UTF-8 within the
 * reader's limits and every decision dated; then runs decisions_check_rules,
 * decisions_check_subjects over a stub of the state, and decisions_allowlist
 * on a small graph (an allowlisted ip that did not parse once crashed it),
 * checking every problem names a column and says what and what to do.
 */
#include "tests/fuzz/fuzzutil.h"

#include "algorithms/decisions.h"
#include "base/ipaddr.h"
#include "base/utf8.h"
#include "graph/graph.h"
#include "ingest/dispositions.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void check_string(const char *what, const char *s, size_t max)
{
    size_t bad, n = strlen(s);
    if (utf8_check(s, n, &bad) != UTF8_OK)
        fuzzutil_fail("%s is not valid UTF-8 at byte %zu", what, bad);
    if (n > max)
        fuzzutil_fail("%s is %zu bytes, over the limit of %zu", what, n, max);
}

static void check_set(const decision_set *d)
{
    for (size_t i = 0; i < d->n; i++) {
        const decision *x = &d->v[i];
        if ((unsigned)x->type >= SUBJECT_COUNT || x->decision < DISPO_ESCALATED ||
            x->decision > DISPO_ALLOWLISTED)
            fuzzutil_fail("decision %zu has type %d, value %d", i, x->type, x->decision);
        if (!x->id[0])
            fuzzutil_fail("decision %zu has an empty subject_id", i);
        check_string("subject_id", x->id, DISPOSITIONS_MAX_FIELD);
        check_string("analyst", x->analyst, DISPOSITIONS_MAX_FIELD);
        check_string("note", x->note, DISPOSITIONS_MAX_NOTE);
        if (x->line < 2)
            fuzzutil_fail("decision %zu on line %ld, before the header's end", i, x->line);
        if (i && (d->v[i - 1].type > x->type ||
                  (d->v[i - 1].type == x->type && strcmp(d->v[i - 1].id, x->id) >= 0)))
            fuzzutil_fail("decisions %zu and %zu are out of order or not one per subject", i - 1,
                          i);
        if (decisions_find(d, x->type, x->id, strlen(x->id)) != x)
            fuzzutil_fail("decisions_find misses decision %zu", i);
    }
    if (d->n && (d->id_col < 1 || d->decision_col < 1))
        fuzzutil_fail("columns %d and %d", d->id_col, d->decision_col);
}

static void check_problems(decision_problems *p, const decision_set *d)
{
    for (size_t i = 0; i < p->n; i++) {
        const decision_problem *x = &p->v[i];
        if (x->d < d->v || x->d >= d->v + d->n || x->col < 1 || !x->what || !x->what[0] ||
            !x->hint || !x->hint[0])
            fuzzutil_fail("problem %zu is incomplete", i);
    }
    decisions_problems_free(p);
}

/* A state that issued RS-000001 (rank R0001 last run) and saw no account. */
static int stub_ring(void *ctx, const char *id)
{
    (void)ctx;
    return !strcmp(id, "RS-000001");
}

static int stub_rank(void *ctx, const char *rank, char out[16])
{
    (void)ctx;
    if (strcmp(rank, "R0001"))
        return 0;
    snprintf(out, 16, "RS-000001");
    return 1;
}

static int stub_account(void *ctx, const char *id)
{
    (void)ctx;
    (void)id;
    return 0;
}

/* One account, ip, device and destination, as decisions name them. */
static rs_graph *small_graph(void)
{
    rs_graph *g = graph_new();
    ipaddr ip;
    if (ipaddr_parse("203.0.113.7", 11, &ip, NULL) != 0)
        fuzzutil_fail("the harness's own address does not parse");
    (void)graph_account(g, "u1", 2, SEEN_AS_FREELANCER);
    (void)graph_ip(g, &ip);
    (void)graph_device(g, "d1", 2);
    (void)graph_dest(g, "p1", 2, 0);
    graph_finalize(g);
    return g;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *dir = fuzzutil_tmpdir();
    char *path = fuzzutil_write(dir, "decisions.csv", data, size);
    decision_set d;
    rs_error err = {0};
    int rc = dispositions_load(&d, path, &err);
    if (rc != RS_OK) {
        if ((rc != RS_E_FORMAT && rc != RS_E_VALUE && rc != RS_E_SCHEMA && rc != RS_E_LIMIT) ||
            !err.msg[0])
            fuzzutil_fail("dispositions_load returned %d with message '%s'", rc, err.msg);
        if (d.n)
            fuzzutil_fail("a rejected file left %zu decisions", d.n);
    } else {
        check_set(&d);
        decision_problems p = {0};
        decisions_check_rules(&d, &p);
        check_problems(&p, &d);
        rs_graph *g = small_graph();
        decisions_memory m = {NULL, stub_ring, stub_rank, stub_account};
        if (decisions_check_subjects(g, &d, &m, &p) != 0)
            fuzzutil_fail("decisions_check_subjects failed over a stub that cannot fail");
        check_problems(&p, &d);
        (void)decisions_allowlist(g, &d);
        graph_free(g);
    }
    decisions_free(&d);
    free(path);
    fuzzutil_rmtree(dir);
    return 0;
}

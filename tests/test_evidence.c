/* test_evidence.c - the evidence packages (evidence.h) of two hand-built
 * rings written into a temporary directory: each bag's payload files, its
 * manifest (checked with sha256sum -c, as an investigator would), its
 * bag-info.txt, the rows streamed into events.csv, escaping in nodes.csv,
 * bytes that do not depend on batches or threads, and the error when the
 * bags cannot be created. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "algorithms/cases.h"
#include "export/evidence.h"

#define DAY (24 * 3600 * 1000LL)
#define T0 1772323200000LL /* 2026-03-01T00:00:00Z */
#define INPUT_SHA "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"

enum { R1, R2, EVIL, S1, S2, NACCOUNTS };

static const char *const payload[] = {
    "data/edges.csv",    "data/events.csv",       "data/nodes.csv",     "data/report.html",
    "data/summary.json", "data/subgraph.graphml", "data/timeline.gexf",
};
#define NPAYLOAD (sizeof payload / sizeof *payload)

typedef struct {
    rs_graph *g;
    findings f;
    ring rg[2];
    uint32_t members[2][3];
    ring_resource res[2];
    casefile *cf;
} world;

/* R0001: r1, r2 and =evil on device "laptop"; R0002: s1 and s2 on "desk". */
static void build(world *w)
{
    memset(w, 0, sizeof *w);
    rs_graph *g = w->g = graph_new();
    static const char *const ids[NACCOUNTS] = {"r1", "r2", "=evil", "s1", "s2"};
    uint32_t dev[2] = {graph_device(g, "laptop", 6), graph_device(g, "desk", 4)};
    for (int k = 0; k < NACCOUNTS; k++) {
        uint32_t a = graph_account(g, ids[k], strlen(ids[k]), SEEN_AS_FREELANCER);
        assert_int_equal(a, k);
        memcpy(g->acct[a].country, "US", 3);
        ipaddr x = {.len = 4, .b = {10, 0, 0, (uint8_t)(k + 1)}};
        login_ev e = {.ts = T0 + k * DAY,
                      .account = a,
                      .ip = graph_ip(g, &x),
                      .device = dev[k >= S1],
                      .session_s = 600};
        graph_add_login(g, &e);
    }
    graph_finalize(g);

    findings *f = &w->f;
    f->flags = calloc(NACCOUNTS, sizeof *f->flags);
    f->risk = calloc(NACCOUNTS, sizeof *f->risk);
    f->ring_of = calloc(NACCOUNTS, sizeof *f->ring_of);
    f->flagged = calloc(NACCOUNTS, 1);
    f->corroboration = calloc(NACCOUNTS, sizeof *f->corroboration);
    assert_true(f->flags && f->risk && f->ring_of && f->flagged && f->corroboration);
    f->threshold = 0.5;
    f->ring_min_score = 0.4;
    for (int k = 0; k < NACCOUNTS; k++) {
        f->ring_of[k] = k >= S1;
        f->flagged[k] = 1;
        f->risk[k] = 0.9;
        flags_raise(&f->flags[k], FLAG_GEO_HOP, 1);
        flags_raise(&f->flags[k], FLAG_SHARED_DEVICE, 1);
        flags_raise(&f->flags[k], FLAG_RING_MEMBER, 1);
    }
    static const uint32_t by_label[2][3] = {{EVIL, R1, R2}, {S1, S2, 0}};
    for (int r = 0; r < 2; r++) {
        ring *rg = &w->rg[r];
        size_t n = r ? 2 : 3;
        snprintf(rg->id, sizeof rg->id, "R%04d", r + 1);
        rg->kind = RING_KIND_PROXY;
        rg->severity = SEVERITY_MEDIUM;
        rg->score = rg->strength = 0.8 - 0.1 * r;
        rg->prevalence = 0.5;
        rg->community_size = (uint32_t)n;
        rg->bound = rg->bound_deceptive = (uint32_t)n;
        rg->families = DECEPTION_LOCATION;
        memcpy(w->members[r], by_label[r], sizeof by_label[r]);
        rg->members = w->members[r];
        rg->nmembers = n;
        w->res[r] = (ring_resource){NODE_DEVICE, dev[r], (uint32_t)n, (uint32_t)n};
        rg->res = &w->res[r];
        rg->nres = 1;
        rg->flag_counts[FLAG_GEO_HOP] = rg->flag_counts[FLAG_SHARED_DEVICE] = (uint32_t)n;
        rg->flag_counts[FLAG_RING_MEMBER] = (uint32_t)n;
        rg->first_seen = T0 + (r ? 3 : 0) * DAY;
        rg->last_seen = T0 + (r ? 4 : 2) * DAY;
    }
    f->rings = w->rg;
    f->nrings = 2;
    w->cf = cases_build(g, f);
    assert_non_null(w->cf);
}

static void destroy(world *w)
{
    casefile_free_all(w->cf, 2);
    free(w->f.flags);
    free(w->f.risk);
    free(w->f.ring_of);
    free(w->f.flagged);
    free(w->f.corroboration);
    graph_free(w->g);
}

static const char *const input_names[] = {"logins.csv"};
static const char *const input_sha[] = {INPUT_SHA};
static const char *const columns[] = {"account_id", "ip"};

static const evidence_meta meta = {
    .version = "0.0.0-test",
    .libraries = "none",
    .seed = 42,
    .config_sha256 = "c0ffee",
    .run_time = 1772326800, /* 2026-03-01T01:00:00Z */
    .input_names = input_names,
    .input_sha256 = input_sha,
    .ninputs = 1,
    .columns = columns,
    .ncolumns = 2,
};

/* The login row of account k as the second pass yields it. */
static void row_of(source_row *row, int k)
{
    static const char *const acct[NACCOUNTS] = {"r1", "r2", "=evil", "s1", "s2"};
    static const char *const ip[NACCOUNTS] = {"10.0.0.1", "10.0.0.2", "10.0.0.3", "10.0.0.4",
                                              "10.0.0.5"};
    memset(row, 0, sizeof *row);
    row->table = TABLE_LOGINS;
    row->file = "logins.csv";
    row->sha256 = INPUT_SHA;
    row->line = k + 2;
    row->ts = T0 + k * DAY;
    row->ts_text = "2026-03-0x";
    row->ts_len = strlen(row->ts_text);
    row->cols[0] = (record_col){"account_id", acct[k], strlen(acct[k]), 0};
    row->cols[1] = (record_col){"ip", ip[k], strlen(ip[k]), 1};
    row->ncols = 2;
    row->accounts[0] = (uint32_t)k;
    row->naccounts = 1;
    row->attr_value = row->text = GRAPH_NONE;
}

/* Writes every bag of w under root, rings taken in batches of `batch`, on
 * nthreads threads; each ring gets the rows of its accounts. */
static void write_bags(const world *w, const char *root, size_t batch, unsigned nthreads)
{
    evidence_bags *b = evidence_begin(root, w->g, &w->f, w->cf, &meta);
    assert_non_null(b);
    rs_error err = {0};
    for (size_t r0 = 0; r0 < w->f.nrings; r0 += batch) {
        size_t r1 = r0 + batch < w->f.nrings ? r0 + batch : w->f.nrings;
        assert_int_equal(evidence_events_open(b, r0, r1, &err), RS_OK);
        for (int k = 0; k < NACCOUNTS; k++) {
            size_t ri = (size_t)w->f.ring_of[k];
            if (ri < r0 || ri >= r1)
                continue;
            source_row row;
            row_of(&row, k);
            assert_int_equal(evidence_events_row(b, ri, &row), 0);
        }
        assert_int_equal(evidence_events_close(b, &err), RS_OK);
    }
    assert_int_equal(evidence_finish_threads(b, nthreads, &err), RS_OK);
    evidence_free(b);
}

/* Each test writes under its own temporary directory (*state), removed by
 * the teardown even when an assertion fails. */
static int root_setup(void **state)
{
    char *dir = strdup("/tmp/test_evidence.XXXXXX");
    if (!dir || !mkdtemp(dir)) {
        free(dir);
        return -1;
    }
    *state = dir;
    return 0;
}

static int root_teardown(void **state)
{
    char cmd[256];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", (const char *)*state);
    int rc = system(cmd);
    free(*state);
    return rc == 0 ? 0 : -1;
}

/* A new directory dir/name (returned in out, of size n). */
static void subdir(char *out, size_t n, const char *dir, const char *name)
{
    snprintf(out, n, "%s/%s", dir, name);
    assert_int_equal(mkdir(out, 0777), 0);
}

/* The whole of file dir/name as a new string (caller frees), or NULL when it
 * cannot be read. */
static char *slurp(const char *dir, const char *name)
{
    char p[1024];
    snprintf(p, sizeof p, "%s/%s", dir, name);
    FILE *f = fopen(p, "rb");
    if (!f)
        return NULL;
    char *buf = NULL;
    size_t len = 0, cap = 0, n;
    do {
        if (len + 4096 + 1 > cap) {
            cap = 2 * cap + 4096 + 1;
            buf = realloc(buf, cap);
            assert_non_null(buf);
        }
        n = fread(buf + len, 1, cap - len - 1, f);
        len += n;
    } while (n > 0);
    fclose(f);
    buf[len] = '\0';
    return buf;
}

static int exists(const char *dir, const char *name)
{
    char p[1024];
    struct stat st;
    snprintf(p, sizeof p, "%s/%s", dir, name);
    return stat(p, &st) == 0;
}

/* One ring's bag: every payload file and tag file, renamed into place with
 * no temporary directory left; a manifest that sha256sum accepts, listing
 * every payload file; bag-info.txt with the run's facts; events.csv with
 * the header and the ring's streamed rows; nodes.csv with a formula-looking
 * label escaped; summary.json for the ring. */
static void test_evidence__bag_files_and_manifest(void **state)
{
    const char *root = *state;
    world w;
    build(&w);
    write_bags(&w, root, EVIDENCE_BATCH, 1);
    char bag[512];
    snprintf(bag, sizeof bag, "%s/R0001", root);
    assert_false(exists(root, ".tmp-R0001"));
    assert_false(exists(root, ".tmp-R0002"));
    assert_true(exists(root, "R0002/bagit.txt"));
    for (size_t i = 0; i < NPAYLOAD; i++)
        assert_true(exists(bag, payload[i]));

    char *s = slurp(bag, "manifest-sha256.txt");
    assert_non_null(s);
    size_t lines = 0;
    for (const char *q = s; *q; q++)
        lines += *q == '\n';
    assert_int_equal(lines, NPAYLOAD);
    for (size_t i = 0; i < NPAYLOAD; i++) {
        char want[64];
        snprintf(want, sizeof want, "  %s\n", payload[i]);
        assert_non_null(strstr(s, want));
    }
    free(s);
    char cmd[1024];
    snprintf(cmd, sizeof cmd,
             "cd '%s' && sha256sum -c --quiet manifest-sha256.txt && "
             "sha256sum -c --quiet tagmanifest-sha256.txt",
             bag);
    assert_int_equal(system(cmd), 0);

    s = slurp(bag, "bag-info.txt");
    assert_non_null(s);
    assert_non_null(strstr(s, "External-Identifier: R0001\n"));
    assert_non_null(strstr(s, "Bagging-Date: 2026-03-01\n"));
    assert_non_null(strstr(s, "Ringscan-Version: 0.0.0-test\n"));
    assert_non_null(strstr(s, "Ringscan-Seed: 42\n"));
    assert_non_null(strstr(s, "Ringscan-Run-Time-UTC: 2026-03-01T01:00:00Z\n"));
    assert_non_null(strstr(s, "Ringscan-Input-File: logins.csv sha256:" INPUT_SHA "\n"));
    assert_non_null(strstr(s, "Payload-Oxum: "));
    free(s);

    s = slurp(bag, "data/events.csv");
    assert_non_null(s);
    assert_string_equal(
        s, "source_file,source_sha256,line,table,ts_utc,ts_original,account_id,ip\n"
           "logins.csv," INPUT_SHA ",2,logins,2026-03-01T00:00:00Z,2026-03-0x,r1,10.0.0.1\n"
           "logins.csv," INPUT_SHA ",3,logins,2026-03-02T00:00:00Z,2026-03-0x,r2,10.0.0.2\n"
           "logins.csv," INPUT_SHA ",4,logins,2026-03-03T00:00:00Z,2026-03-0x,'=evil,"
           "10.0.0.3\n");
    free(s);

    s = slurp(bag, "data/nodes.csv");
    assert_non_null(s);
    assert_non_null(strstr(s, "\naccount:=evil,'=evil,account,member,R0001,1,0.900000,"
                              "GEO_HOP;SHARED_DEVICE;RING_MEMBER,US,\n"));
    assert_null(strstr(s, "s1")); /* the other ring's accounts are not in this bag */
    free(s);

    s = slurp(bag, "data/summary.json");
    assert_non_null(s);
    json_error_t jerr;
    json_t *o = json_loads(s, 0, &jerr);
    assert_non_null(o);
    assert_string_equal(json_string_value(json_object_get(o, "id")), "R0001");
    assert_int_equal(json_array_size(json_object_get(o, "members")), 3);
    assert_string_equal(json_string_value(json_object_get(o, "ringscan_version")), "0.0.0-test");
    json_decref(o);
    free(s);

    s = slurp(bag, "data/report.html");
    assert_non_null(s);
    assert_non_null(strstr(s, "<h1>Ring R0001</h1>"));
    free(s);
    destroy(&w);
}

/* The report lists the other payload files with the digests the manifest
 * gives them. */
static void test_evidence__report_lists_manifest_digests(void **state)
{
    const char *root = *state;
    world w;
    build(&w);
    write_bags(&w, root, EVIDENCE_BATCH, 1);
    char bag[512];
    snprintf(bag, sizeof bag, "%s/R0002", root);
    char *man = slurp(bag, "manifest-sha256.txt"), *page = slurp(bag, "data/report.html");
    assert_true(man && page);
    size_t listed = 0;
    for (const char *line = man; line && *line;) {
        const char *nl = strchr(line, '\n');
        assert_non_null(nl);
        char hex[65], name[128];
        assert_int_equal(sscanf(line, "%64s %127s", hex, name), 2);
        if (strcmp(name, "data/report.html") != 0) {
            char cell[256];
            snprintf(cell, sizeof cell, "<tr><td><code>%s</code></td><td class=\"mono\">%s</td>",
                     name, hex);
            assert_non_null(strstr(page, cell));
            listed++;
        }
        line = nl ? nl + 1 : NULL;
    }
    assert_int_equal(listed, NPAYLOAD - 1);
    free(man);
    free(page);
    destroy(&w);
}

/* One ring per batch on two threads writes the same bytes as every ring in
 * one batch on one thread. */
static void test_evidence__same_bytes_whatever_batches(void **state)
{
    world w;
    build(&w);
    char one[256], two[256];
    subdir(one, sizeof one, *state, "one");
    subdir(two, sizeof two, *state, "two");
    write_bags(&w, one, EVIDENCE_BATCH, 1);
    write_bags(&w, two, 1, 2);
    static const char *const rings[] = {"R0001", "R0002"};
    static const char *const tags[] = {"bagit.txt", "bag-info.txt", "manifest-sha256.txt",
                                       "tagmanifest-sha256.txt"};
    for (size_t r = 0; r < 2; r++) {
        char a[512], b[512];
        snprintf(a, sizeof a, "%s/%s", one, rings[r]);
        snprintf(b, sizeof b, "%s/%s", two, rings[r]);
        for (size_t i = 0; i < NPAYLOAD + 4; i++) {
            const char *name = i < NPAYLOAD ? payload[i] : tags[i - NPAYLOAD];
            char *x = slurp(a, name), *y = slurp(b, name);
            assert_true(x && y);
            assert_string_equal(x, y);
            free(x);
            free(y);
        }
    }
    destroy(&w);
}

/* A root that does not exist: opening the batch fails with an I/O error,
 * and freeing the half-made bags is safe. */
static void test_evidence__missing_root_fails(void **state)
{
    const char *root = *state;
    world w;
    build(&w);
    char gone[512];
    snprintf(gone, sizeof gone, "%s/absent/deeper", root);
    evidence_bags *b = evidence_begin(gone, w.g, &w.f, w.cf, &meta);
    rs_error err = {0};
    assert_int_equal(evidence_events_open(b, 0, 2, &err), RS_E_IO);
    evidence_free(b);
    evidence_free(NULL);
    assert_false(exists(root, "absent"));
    destroy(&w);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_evidence__bag_files_and_manifest, root_setup,
                                        root_teardown),
        cmocka_unit_test_setup_teardown(test_evidence__report_lists_manifest_digests, root_setup,
                                        root_teardown),
        cmocka_unit_test_setup_teardown(test_evidence__same_bytes_whatever_batches, root_setup,
                                        root_teardown),
        cmocka_unit_test_setup_teardown(test_evidence__missing_root_fails, root_setup,
                                        root_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

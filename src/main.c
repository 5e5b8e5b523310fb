/* main.c - the ringscan command line: wires ingest -> graph -> algorithms ->
 * export, and nothing else. Options are declared once in a table that also
 * prints the help. Exit codes: 0 success, 1 data or runtime error, 2 usage.
 */
#include "algorithms/algo.h"
#include "datasets/eval/eval.h"
#include "datasets/gen/gen.h"
#include "export/bagit.h"
#include "export/evidence.h"
#include "export/findings.h"
#include "export/graphml.h"
#include "export/jsonout.h"
#include "export/outdir.h"
#include "export/report.h"
#include "graph/graph.h"
#include "base/sha256.h"
#include "base/util.h"
#include "ingest/geoip.h"
#include "ingest/load.h"
#include "base/ts.h"
#include "src/config.h"

#include <csv.h>
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdarg.h>
#include <jansson.h>
#include <maxminddb.h>
#include <openssl/crypto.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <xxhash.h>
#include <zlib.h>

#define RINGSCAN_VERSION "0.1.0"

enum {
    OPT_HELP = 'h',
    OPT_OUT = 'o',
    OPT_VERSION = 'V',
    OPT_QUIET = 'q',
    OPT_CONFIG = 256,
    OPT_CITY,
    OPT_ASN,
    OPT_ANON,
    OPT_NO_GEOIP,
    OPT_SEED,
    OPT_STRICT,
    OPT_MAX_BAD,
    OPT_FULL_GRAPH,
};

typedef struct {
    const char *name;
    int has_arg;
    int val;
    const char *arg;
    const char *help;
} opt_doc;

static const opt_doc run_opts[] = {
    {"output", 1, OPT_OUT, "DIR", "write outputs into DIR (created if missing; required)"},
    {"config", 1, OPT_CONFIG, "FILE", "JSON configuration file (see docs/config.md)"},
    {"geoip-city", 1, OPT_CITY, "FILE", "GeoIP2/GeoLite2 City or Country database"},
    {"geoip-asn", 1, OPT_ASN, "FILE", "GeoLite2 ASN database"},
    {"geoip-anon", 1, OPT_ANON, "FILE", "GeoIP2 Anonymous-IP database"},
    {"no-geoip", 0, OPT_NO_GEOIP, NULL, "do not search the standard GeoIP directories"},
    {"seed", 1, OPT_SEED, "N", "random seed for randomised algorithms (default 1)"},
    {"strict", 0, OPT_STRICT, NULL, "any bad input row is fatal"},
    {"max-bad-rows", 1, OPT_MAX_BAD, "N", "fail when more than N rows are bad (default 1000)"},
    {"full-graph", 0, OPT_FULL_GRAPH, NULL,
     "graph.graphml with every node (default: rings and their neighbours)"},
    {"quiet", 0, OPT_QUIET, NULL, "no progress or summary on stderr"},
    {"help", 0, OPT_HELP, NULL, "show this help and exit"},
    {NULL, 0, 0, NULL, NULL},
};

static void print_opts(FILE *f, const opt_doc *o)
{
    for (; o->name; o++) {
        char left[64];
        if (o->val < 256)
            snprintf(left, sizeof left, "-%c, --%s%s%s", o->val, o->name, o->arg ? " " : "",
                     o->arg ? o->arg : "");
        else
            snprintf(left, sizeof left, "    --%s%s%s", o->name, o->arg ? " " : "",
                     o->arg ? o->arg : "");
        fprintf(f, "  %-26s %s\n", left, o->help);
    }
}

static void usage(FILE *f)
{
    fprintf(f, "Usage: ringscan run INPUT_DIR -o OUT_DIR [options]\n"
               "       ringscan validate INPUT_DIR [--strict] [--max-bad-rows N] [--quiet]\n"
               "       ringscan gen -o DIR [options]      (simulated marketplace, see --help)\n"
               "       ringscan eval OUT_DIR TRUTH_DIR    (score a run against simulator truth)\n"
               "       ringscan --help | --version\n"
               "\n"
               "Finds proxy-account rings and coordinated rating inflation in a marketplace's\n"
               "event exports (accounts, logins, bids, ratings, payouts, charges, ports as\n"
               "CSV or JSONL, optionally gzip) and writes accounts.csv, rings.json,\n"
               "graph.graphml, an evidence package per ring (evidence/, index.html) and\n"
               "run.json.\n"
               "\n"
               "Options for run:\n");
    print_opts(f, run_opts);
    fprintf(f, "\nExit status: 0 success, 1 bad input or runtime error, 2 usage error.\n"
               "See README.md for the input contract and outputs.\n");
}

static int usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static int usage_error(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "ringscan: ");
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fprintf(stderr, "\nTry 'ringscan --help' for more information.\n");
    return RS_EXIT_USAGE;
}

/* After option parsing: exactly one operand, INPUT_DIR, must remain. */
static int one_operand(const char *cmd, int argc, char **argv)
{
    if (optind >= argc)
        return usage_error("%s: missing INPUT_DIR", cmd);
    if (optind + 1 < argc)
        return usage_error("%s: unexpected argument '%s'", cmd, argv[optind + 1]);
    return RS_EXIT_OK;
}

static int parse_u64(const char *s, uint64_t *out)
{
    if (!s || !*s || *s == '-')
        return -1;
    char *end;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 10);
    if (*end || errno)
        return -1;
    *out = v;
    return 0;
}

/* --- the run ---------------------------------------------------------------- */

typedef struct {
    const char *name;
    double seconds;
    uint64_t peak_rss;
} phase_rec;

typedef struct {
    phase_rec phases[16];
    int nphases;
    double t;
    int progress;
    int quiet;
} phase_clock;

static void phase_begin(phase_clock *pc, const char *name)
{
    pc->t = util_now();
    if (pc->progress)
        fprintf(stderr, "\r\033[K%s ...", name);
    pc->phases[pc->nphases].name = name;
}

static void phase_end(phase_clock *pc)
{
    phase_rec *p = &pc->phases[pc->nphases++];
    p->seconds = util_now() - pc->t;
    p->peak_rss = util_peak_rss();
    if (pc->progress)
        fprintf(stderr, "\r\033[K%s: %.2f s, peak RSS %.0f MB\n", p->name, p->seconds,
                (double)p->peak_rss / 1e6);
}

static json_t *json_u64(uint64_t v)
{
    return json_integer((json_int_t)v);
}

static json_t *inputs_json(const load_set *set)
{
    json_t *arr = json_array();
    for (int t = 0; t < TABLE_COUNT; t++) {
        const load_file *f = &set->files[t];
        if (!f->present)
            continue;
        json_t *o = json_object();
        json_object_set_new(o, "table", json_string(schema_table((table_id)t)->name));
        json_object_set_new(o, "file", jout_string(f->name));
        json_object_set_new(o, "format", json_string(f->jsonl ? "jsonl" : "csv"));
        json_object_set_new(o, "gzip", json_boolean(f->st.gzip));
        json_object_set_new(o, "bytes", json_u64(f->st.raw_bytes));
        json_object_set_new(o, "sha256", json_string(f->st.sha256));
        json_object_set_new(o, "rows_read", json_u64(f->st.rows_read));
        json_object_set_new(o, "rows_loaded", json_u64(f->st.rows_ok));
        json_object_set_new(o, "rows_skipped", json_u64(f->st.rows_bad));
        json_t *reasons = json_object();
        for (size_t i = 0; i < f->st.nreasons; i++)
            json_object_set_new(reasons, f->st.reasons[i].reason, json_u64(f->st.reasons[i].count));
        if (f->st.reasons_other)
            json_object_set_new(reasons, "other", json_u64(f->st.reasons_other));
        json_object_set_new(o, "skipped_by_reason", reasons);
        json_t *unk = json_array();
        if (f->st.unknown[0]) {
            char tmp[sizeof f->st.unknown];
            snprintf(tmp, sizeof tmp, "%s", f->st.unknown);
            for (char *save = NULL, *tok = strtok_r(tmp, ",", &save); tok;
                 tok = strtok_r(NULL, ",", &save))
                json_array_append_new(unk, jout_string(tok));
        }
        json_object_set_new(o, "ignored_columns", unk);
        json_array_append_new(arr, o);
    }
    return arr;
}

static json_t *libraries_json(void)
{
    json_t *o = json_object();
    char b[64];
    json_object_set_new(o, "igraph", json_string(algo_igraph_version()));
    json_object_set_new(o, "jansson", json_string(jansson_version_str()));
    json_object_set_new(o, "libmaxminddb", json_string(MMDB_lib_version()));
    snprintf(b, sizeof b, "%d.%d.%d", CSV_MAJOR, CSV_MINOR, CSV_RELEASE);
    json_object_set_new(o, "libcsv", json_string(b));
    json_object_set_new(o, "zlib", json_string(zlibVersion()));
    json_object_set_new(o, "openssl", json_string(OpenSSL_version(OPENSSL_VERSION)));
    unsigned xv = XXH_versionNumber();
    snprintf(b, sizeof b, "%u.%u.%u", xv / 10000, xv / 100 % 100, xv % 100);
    json_object_set_new(o, "xxhash", json_string(b));
    return o;
}

static json_t *geoip_json(const geoip *gi, const geoip_stats *gs, json_t *skipped)
{
    json_t *o = json_object();
    for (int k = 0; k < GEOIP_KINDS; k++) {
        const geoip_db_info *in = geoip_info(gi, k);
        if (!in->open) {
            json_object_set_new(o, geoip_kind_name(k), json_null());
            continue;
        }
        json_t *d = json_object();
        json_object_set_new(d, "path", jout_string(in->path));
        json_object_set_new(d, "type", jout_string(in->type));
        char date[TS_FMT_LEN];
        json_object_set_new(d, "build_date",
                            json_string(ts_format((int64_t)in->build_epoch * 1000, date)));
        json_object_set_new(d, "sha256", json_string(in->sha256));
        json_object_set_new(o, geoip_kind_name(k), d);
    }
    json_t *cov = json_object();
    json_object_set_new(cov, "ips", json_u64(gs->ips));
    json_object_set_new(cov, "with_country", json_u64(gs->country));
    json_object_set_new(cov, "with_location", json_u64(gs->location));
    json_object_set_new(cov, "with_asn", json_u64(gs->asn));
    json_object_set_new(cov, "anonymous", json_u64(gs->anon));
    json_object_set_new(o, "coverage", cov);
    json_object_set_new(o, "skipped_analyses", skipped);
    return o;
}

static json_t *graph_json(const rs_graph *g)
{
    json_t *o = json_object(), *nodes = json_object(), *edges = json_object();
    uint32_t na = graph_count(g, NODE_ACCOUNT), nclients = 0;
    for (uint32_t a = 0; a < na; a++)
        nclients += g->acct[a].role == ROLE_CLIENT;
    json_object_set_new(nodes, "account", json_u64(na - nclients));
    json_object_set_new(nodes, "client", json_u64(nclients));
    json_object_set_new(nodes, "ip", json_u64(graph_count(g, NODE_IP)));
    json_object_set_new(nodes, "device", json_u64(graph_count(g, NODE_DEVICE)));
    json_object_set_new(nodes, "destination", json_u64(graph_count(g, NODE_DEST)));
    uint64_t per[EDGE_KIND_COUNT] = {0};
    for (size_t i = 0; i < g->nedges; i++)
        per[g->edges[i].kind]++;
    for (int k = 0; k < EDGE_KIND_COUNT; k++)
        json_object_set_new(edges, graph_edge_kind_name((edge_kind)k), json_u64(per[k]));
    json_object_set_new(o, "nodes", nodes);
    json_object_set_new(o, "edges", edges);
    json_t *ev = json_object();
    json_object_set_new(ev, "logins", json_u64(g->logins.n));
    json_object_set_new(ev, "bids", json_u64(g->bids.n));
    json_object_set_new(ev, "ratings", json_u64(g->ratings.n));
    json_object_set_new(ev, "payouts", json_u64(g->payouts.n));
    json_object_set_new(ev, "charges", json_u64(g->charges.n));
    json_object_set_new(ev, "port_observations", json_u64(g->ports.n));
    json_object_set_new(o, "events", ev);
    json_object_set_new(o, "memory_bytes", json_u64(graph_memory(g)));
    return o;
}

static int write_file(outdir *od, const char *name, files_write_fn fn, const void *ctx, rs_error *err)
{
    return outdir_write(od, name, fn, ctx, err);
}

typedef struct {
    const rs_graph *g;
    const detect_result *det;
    const detect_params *params;
    int full;
} export_ctx;

/* graph.graphml: rings and their one-hop neighbourhood, or everything. */
static int write_graphml_cb(FILE *f, const void *vctx)
{
    const export_ctx *x = vctx;
    const rs_graph *g = x->g;
    uint32_t na = graph_count(g, NODE_ACCOUNT);
    uint32_t nn = graph_node_total(g);
    uint8_t *keep = NULL;
    const char **ring_ids = xcalloc(na ? na : 1, sizeof *ring_ids);
    const char **flags = xcalloc(na ? na : 1, sizeof *flags);
    char *flagbuf = xcalloc(na ? na : 1, 320);
    for (uint32_t a = 0; a < na; a++) {
        ring_ids[a] = x->det->ring_of[a] >= 0 ? x->det->rings[x->det->ring_of[a]].id : NULL;
        detect_flags_text(&x->det->flags[a], flagbuf + (size_t)a * 320, 320);
        flags[a] = flagbuf + (size_t)a * 320;
    }
    if (!x->full) {
        keep = xcalloc(nn ? nn : 1, 1);
        for (uint32_t a = 0; a < na; a++)
            if (x->det->ring_of[a] >= 0)
                keep[graph_node_gid(g, NODE_ACCOUNT, a)] = 1;
        for (size_t i = 0; i < g->nedges; i++) {
            const rs_edge *e = &g->edges[i];
            node_type bt = graph_edge_end_type((edge_kind)e->kind, 1);
            int ra = x->det->ring_of[e->a] >= 0;
            int rb = bt == NODE_ACCOUNT && x->det->ring_of[e->b] >= 0;
            if (ra)
                keep[graph_node_gid(g, bt, e->b)] = 1;
            if (rb)
                keep[graph_edge_src_gid(g, e)] = 1;
        }
    }
    graphml_annot an = {keep, ring_ids, x->det->risk, flags, x->det->ring_of};
    int rc = graphml_write(f, g, &an);
    free(keep);
    free(ring_ids);
    free(flags);
    free(flagbuf);
    return rc;
}

static int write_json_cb(FILE *f, const void *ctx)
{
    return jout_write(f, ctx);
}

static int write_accounts_cb(FILE *f, const void *vctx)
{
    const export_ctx *x = vctx;
    return findings_write_accounts(f, x->g, x->det);
}

static int write_rings_cb(FILE *f, const void *vctx)
{
    const export_ctx *x = vctx;
    return findings_write_rings(f, x->g, x->det, x->params);
}

static int write_index_cb(FILE *f, const void *vctx)
{
    const export_ctx *x = vctx;
    return report_write_index(f, x->g, x->det);
}

/* "igraph 0.10.2, jansson 2.14, ..." in name order (new string). */
static char *libraries_text(void)
{
    json_t *libs = libraries_json();
    const char *names[16];
    size_t n = 0;
    const char *k;
    json_t *v;
    json_object_foreach(libs, k, v)
    {
        if (n < 16)
            names[n++] = k;
    }
    qsort(names, n, sizeof *names, util_strcmp_p);
    rs_buf b = {0};
    for (size_t i = 0; i < n; i++)
        buf_printf(&b, "%s%s %s", i ? ", " : "", names[i],
                   json_string_value(json_object_get(libs, names[i])));
    char *out = xstrdup(b.data ? b.data : "");
    buf_free(&b);
    json_decref(libs);
    return out;
}

/* The run time recorded in evidence bags: SOURCE_DATE_EPOCH when set to a
 * valid integer (reproducible builds convention), else the clock. */
static int64_t run_time_utc(void)
{
    const char *e = getenv("SOURCE_DATE_EPOCH");
    if (e && *e) {
        char *end;
        errno = 0;
        long long v = strtoll(e, &end, 10);
        if (!*end && !errno && v >= 0 && v < 253402300800LL)
            return (int64_t)v;
    }
    return (int64_t)time(NULL);
}

/* OUT_DIR/evidence/ (one BagIt bag per ring) and OUT_DIR/index.html. */
static int write_evidence(outdir *od, const export_ctx *xc, const load_set *set,
                          const rs_config *cfg, rs_error *err)
{
    int rc = outdir_add_dir(od, "evidence", err);
    if (rc != RS_OK)
        return rc;
    json_t *cj = config_to_json(cfg);
    char *cs = json_dumps(cj, JSON_SORT_KEYS | JSON_COMPACT | JSON_REAL_PRECISION(17));
    char chash[65];
    sha256_mem_hex(cs ? cs : "", cs ? strlen(cs) : 0, chash);
    free(cs);
    json_decref(cj);
    char *libs = libraries_text();
    evidence_meta m = {RINGSCAN_VERSION, libs, cfg->seed, chash, run_time_utc(), &cfg->detect};
    size_t l = strlen(outdir_staging_path(od)) + sizeof "/evidence";
    char *root = xmalloc(l);
    snprintf(root, l, "%s/evidence", outdir_staging_path(od));
    rc = evidence_write(root, xc->g, xc->det, set, &m, err);
    free(root);
    free(libs);
    if (rc == RS_OK)
        rc = write_file(od, "index.html", write_index_cb, xc, err);
    return rc;
}

static int cmd_run_main(int argc, char **argv, char **argv_given);

static int cmd_run(int argc, char **argv)
{
    /* getopt_long permutes argv: keep the command line as given for run.json. */
    char **argv_given = xmalloc(xmul((size_t)argc + 1, sizeof *argv_given));
    memcpy(argv_given, argv, (size_t)argc * sizeof *argv);
    argv_given[argc] = NULL;
    int rc_usage = cmd_run_main(argc, argv, argv_given);
    free(argv_given);
    return rc_usage;
}

static int cmd_run_main(int argc, char **argv, char **argv_given)
{
    rs_config cfg;
    config_init(&cfg);
    const char *out_dir = NULL, *config_path = NULL;
    const char *cli_geo[3] = {NULL, NULL, NULL};
    int quiet = 0, no_geoip = 0, strict = -1, full_graph = 0;
    uint64_t seed = 0, max_bad = 0;
    int have_seed = 0, have_max_bad = 0;
    struct option lo[sizeof run_opts / sizeof *run_opts];
    for (size_t i = 0; i < sizeof run_opts / sizeof *run_opts; i++)
        lo[i] = (struct option){run_opts[i].name, run_opts[i].has_arg, NULL, run_opts[i].val};
    int c;
    opterr = 0;
    optind = 1;
    while ((c = getopt_long(argc, argv, ":o:qh", lo, NULL)) != -1) {
        switch (c) {
        case OPT_OUT:
            out_dir = optarg;
            break;
        case OPT_CONFIG:
            config_path = optarg;
            break;
        case OPT_CITY:
            cli_geo[0] = optarg;
            break;
        case OPT_ASN:
            cli_geo[1] = optarg;
            break;
        case OPT_ANON:
            cli_geo[2] = optarg;
            break;
        case OPT_NO_GEOIP:
            no_geoip = 1;
            break;
        case OPT_SEED:
            if (parse_u64(optarg, &seed))
                return usage_error("--seed: not a non-negative integer: '%s'", optarg);
            have_seed = 1;
            break;
        case OPT_MAX_BAD:
            if (parse_u64(optarg, &max_bad))
                return usage_error("--max-bad-rows: not a non-negative integer: '%s'", optarg);
            have_max_bad = 1;
            break;
        case OPT_STRICT:
            strict = 1;
            break;
        case OPT_FULL_GRAPH:
            full_graph = 1;
            break;
        case OPT_QUIET:
            quiet = 1;
            break;
        case OPT_HELP:
            usage(stdout);
            return RS_EXIT_OK;
        case ':':
            return usage_error("option '%s' needs an argument", argv[optind - 1]);
        default:
            return usage_error("unknown option '%s'", argv[optind - 1]);
        }
    }
    int operand_rc = one_operand("run", argc, argv);
    if (operand_rc != RS_EXIT_OK)
        return operand_rc;
    if (!out_dir)
        return usage_error("%s", "run: missing -o OUT_DIR");
    const char *in_dir = argv[optind];

    rs_error err = {0};
    int rc = RS_OK;
    load_set set = {0};
    rs_graph *g = NULL;
    geoip *gi = NULL;
    outdir *od = NULL;
    json_t *run = NULL, *skipped = json_array();
    geoip_stats gs = {0};
    detect_result det = {0};
    phase_clock pc = {.quiet = quiet, .progress = !quiet && isatty(2)};

    if (config_path && (rc = config_load(&cfg, config_path, &err)) != RS_OK)
        goto cleanup;
    if (have_seed)
        cfg.seed = seed;
    if (have_max_bad)
        cfg.max_bad_rows = max_bad;
    if (strict == 1)
        cfg.strict = 1;
    if (full_graph)
        cfg.full_graph = 1;
    if (no_geoip)
        cfg.geoip_search = 0;
    for (int k = 0; k < 3; k++) {
        if (cli_geo[k]) {
            free(cfg.geoip_path[k]);
            cfg.geoip_path[k] = xstrdup(cli_geo[k]);
        }
    }
    algo_init(cfg.seed);

    phase_begin(&pc, "ingest");
    if ((rc = load_scan(&set, in_dir, &err)) != RS_OK)
        goto cleanup;
    table_opts to = TABLE_OPTS_INIT;
    to.strict = cfg.strict;
    to.max_bad_rows = cfg.max_bad_rows;
    to.diag = stderr;
    to.progress = pc.progress;
    g = graph_new();
    if ((rc = load_tables(&set, g, &to, 0, &err)) != RS_OK)
        goto cleanup;
    if (!quiet)
        for (size_t i = 0; i < set.nignored; i++)
            fprintf(stderr, "%sringscan: note: ignoring %s/%s (not an input table)\n",
                    pc.progress ? "\r\033[K" : "", in_dir, set.ignored[i]);
    phase_end(&pc);

    phase_begin(&pc, "graph");
    graph_finalize(g);
    phase_end(&pc);

    phase_begin(&pc, "enrich");
    if ((rc = geoip_open(&gi, (const char *const *)cfg.geoip_path, cfg.geoip_search, &err)) !=
        RS_OK)
        goto cleanup;
    geoip_enrich(gi, g, &gs);
    if (!geoip_info(gi, GEOIP_CITY)->open && gs.country == 0) {
        json_array_append_new(skipped, json_string("geolocation: no City/Country database and no "
                                                   "ip_country column"));
        if (!quiet)
            fprintf(stderr,
                    "%sringscan: note: no GeoIP City/Country database and no ip_country "
                    "data: geo-dependent analysis skipped\n",
                    pc.progress ? "\r\033[K" : "");
    }
    if (!geoip_info(gi, GEOIP_ASN)->open && gs.asn == 0)
        json_array_append_new(skipped, json_string("asn: no ASN database and no asn column"));
    if (!geoip_info(gi, GEOIP_ANON)->open)
        json_array_append_new(skipped, json_string("anonymous_ip: no Anonymous-IP database"));
    phase_end(&pc);

    phase_begin(&pc, "detect");
    char derr[256] = "";
    if (detect_run(g, &cfg.detect, cfg.seed, &det, derr, sizeof derr) != 0) {
        rc = rs_error_set(&err, RS_E_IO, NULL, 0, 0, "ring detection failed: %s", derr);
        goto cleanup;
    }
    phase_end(&pc);

    phase_begin(&pc, "export");
    if ((rc = outdir_begin(&od, out_dir, &err)) != RS_OK)
        goto cleanup;
    export_ctx xc = {g, &det, &cfg.detect, cfg.full_graph};
    if ((rc = write_file(od, "accounts.csv", write_accounts_cb, &xc, &err)) != RS_OK ||
        (rc = write_file(od, "rings.json", write_rings_cb, &xc, &err)) != RS_OK ||
        (rc = write_file(od, "graph.graphml", write_graphml_cb, &xc, &err)) != RS_OK ||
        (rc = write_evidence(od, &xc, &set, &cfg, &err)) != RS_OK)
        goto cleanup;
    phase_end(&pc);

    run = json_object();
    json_t *tool = json_object();
    json_object_set_new(tool, "name", json_string("ringscan"));
    json_object_set_new(tool, "version", json_string(RINGSCAN_VERSION));
    json_object_set_new(run, "tool", tool);
    json_object_set_new(run, "libraries", libraries_json());
    json_t *argv_j = json_array();
    for (int i = 0; i < argc; i++)
        json_array_append_new(argv_j, jout_string(argv_given[i]));
    json_object_set_new(run, "command_line", argv_j);
    json_object_set_new(run, "config", config_to_json(&cfg));
    json_object_set_new(run, "seed", json_u64(cfg.seed));
    json_object_set_new(run, "input_dir", jout_string(in_dir));
    json_object_set_new(run, "inputs", inputs_json(&set));
    json_t *ign = json_array();
    for (size_t i = 0; i < set.nignored; i++)
        json_array_append_new(ign, jout_string(set.ignored[i]));
    json_object_set_new(run, "ignored_files", ign);
    json_object_set_new(run, "rows_skipped_total", json_u64(set.bad_total));
    json_object_set_new(run, "geoip", geoip_json(gi, &gs, skipped));
    skipped = NULL;
    json_object_set_new(run, "graph", graph_json(g));
    json_t *ph = json_array();
    for (int i = 0; i < pc.nphases; i++) {
        json_t *p = json_object();
        json_object_set_new(p, "name", json_string(pc.phases[i].name));
        json_object_set_new(p, "seconds", jout_real(pc.phases[i].seconds));
        json_object_set_new(p, "peak_rss_bytes", json_u64(pc.phases[i].peak_rss));
        json_array_append_new(ph, p);
    }
    json_object_set_new(run, "phases", ph);
    json_object_set_new(run, "detection", findings_summary(g, &det));
    json_object_set_new(run, "outputs",
                        json_pack("[s, s, s, s, s, s]", "accounts.csv", "rings.json",
                                  "graph.graphml", "index.html", "evidence/", "run.json"));
    if ((rc = write_file(od, "run.json", write_json_cb, run, &err)) != RS_OK)
        goto cleanup;
    if ((rc = outdir_commit(od, &err)) != RS_OK)
        goto cleanup;
    outdir_free(od);
    od = NULL;
    if (!quiet)
        fprintf(stderr,
                "ringscan: %zu ring%s; wrote accounts.csv, rings.json, graph.graphml, index.html, "
                "evidence/ and run.json in %s\n",
                det.nrings, det.nrings == 1 ? "" : "s", out_dir);

cleanup:
    if (rc != RS_OK) {
        fprintf(stderr, "%sringscan: error: %s\n", pc.progress ? "\r\033[K" : "", err.msg);
        outdir_abort(od);
    }
    json_decref(skipped);
    json_decref(run);
    geoip_close(gi);
    detect_result_free(&det);
    graph_free(g);
    load_set_free(&set);
    config_free(&cfg);
    return rc == RS_OK ? RS_EXIT_OK : RS_EXIT_DATA;
}

static int cmd_validate(int argc, char **argv)
{
    static const struct option lo[] = {{"strict", 0, NULL, OPT_STRICT},
                                       {"max-bad-rows", 1, NULL, OPT_MAX_BAD},
                                       {"quiet", 0, NULL, OPT_QUIET},
                                       {"help", 0, NULL, OPT_HELP},
                                       {NULL, 0, NULL, 0}};
    int c, quiet = 0;
    table_opts to = TABLE_OPTS_INIT;
    to.max_bad_rows = UINT64_MAX; /* validate reports everything it can */
    opterr = 0;
    optind = 1;
    while ((c = getopt_long(argc, argv, ":qh", lo, NULL)) != -1) {
        switch (c) {
        case OPT_STRICT:
            to.strict = 1;
            break;
        case OPT_MAX_BAD:
            if (parse_u64(optarg, &to.max_bad_rows))
                return usage_error("--max-bad-rows: not a non-negative integer: '%s'", optarg);
            break;
        case OPT_QUIET:
            quiet = 1;
            break;
        case OPT_HELP:
            printf("Usage: ringscan validate INPUT_DIR [--strict] [--max-bad-rows N] [--quiet]\n"
                   "Checks every table in INPUT_DIR against the input contract without\n"
                   "analysing. Exit 0 when every file is valid and no row is bad, else 1.\n");
            return RS_EXIT_OK;
        case ':':
            return usage_error("option '%s' needs an argument", argv[optind - 1]);
        default:
            return usage_error("unknown option '%s'", argv[optind - 1]);
        }
    }
    int rc_usage = one_operand("validate", argc, argv);
    if (rc_usage != RS_EXIT_OK)
        return rc_usage;
    load_set set;
    rs_error err = {0};
    int rc = load_scan(&set, argv[optind], &err);
    if (rc != RS_OK) {
        fprintf(stderr, "ringscan: error: %s\n", err.msg);
        load_set_free(&set);
        return RS_EXIT_DATA;
    }
    to.diag = stderr;
    to.progress = !quiet && isatty(2);
    rc = load_tables(&set, NULL, &to, 1, &err);
    (void)err;
    uint64_t bad = 0;
    for (int t = 0; t < TABLE_COUNT; t++) {
        const load_file *f = &set.files[t];
        if (!f->present)
            continue;
        bad += f->st.rows_bad;
        if (!quiet)
            printf("%-20s %-6s %10" PRIu64 " rows  %8" PRIu64 " bad  %s\n", f->name,
                   f->status == RS_OK ? "ok" : "FAILED", f->st.rows_read, f->st.rows_bad,
                   f->st.unknown[0] ? "(ignored columns present)" : "");
    }
    for (size_t i = 0; i < set.nignored && !quiet; i++)
        printf("%-20s ignored (not an input table)\n", set.ignored[i]);
    load_set_free(&set); /* fatal errors were printed by load_tables */
    return rc == RS_OK && bad == 0 ? RS_EXIT_OK : RS_EXIT_DATA;
}

int main(int argc, char **argv)
{
    int rc;
    if (argc < 2) {
        usage(stderr);
        return RS_EXIT_USAGE;
    }
    const char *cmd = argv[1];
    if (!strcmp(cmd, "--help") || !strcmp(cmd, "-h") || !strcmp(cmd, "help")) {
        usage(stdout);
        rc = RS_EXIT_OK;
    } else if (!strcmp(cmd, "--version") || !strcmp(cmd, "-V")) {
        printf("ringscan %s\n", RINGSCAN_VERSION);
        rc = RS_EXIT_OK;
    } else if (!strcmp(cmd, "run")) {
        rc = cmd_run(argc - 1, argv + 1);
    } else if (!strcmp(cmd, "validate")) {
        rc = cmd_validate(argc - 1, argv + 1);
    } else if (!strcmp(cmd, "gen")) {
        rc = gen_cli(argc - 1, argv + 1);
    } else if (!strcmp(cmd, "eval")) {
        rc = eval_cli(argc - 1, argv + 1);
    } else {
        rc = usage_error("unknown command '%s'", cmd);
    }
    if (fflush(stdout) != 0 || ferror(stdout)) {
        fprintf(stderr, "ringscan: error writing to standard output\n");
        rc = RS_EXIT_DATA;
    }
    return rc;
}

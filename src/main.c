/* main.c - the ringscan command line: parses it into a run request for
 * src/pipeline.c (or hands gen and eval to the simulator and evaluator). Options are declared once
 * in a table that also prints the help. Exit codes: 0 success, 1 data, limit or runtime error,
 * 2 usage, 4 OUT_DIR locked by another run.
 */
#include "base/utf8.h"
#include "base/alloc.h"
#include "base/error.h"
#include "base/size.h"
#include "datasets/eval/eval.h"
#include "datasets/gen/gen.h"
#include "src/config.h"
#include "src/pipeline.h"
#include "src/runrecord.h"

#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif

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
    OPT_GRAPH_BIDS,
    OPT_WAIT,
    OPT_KEEP_RUNS,
    OPT_MAX_INPUT,
    OPT_MAX_RATIO,
    OPT_MAX_RECORD,
    OPT_MAX_MEMORY,
    OPT_STATE,
    OPT_CACHE,
    OPT_NO_CACHE,
    OPT_DISPOSITIONS,
    OPT_DISPOSITIONS_LENIENT,
    OPT_EXIT_CODE,
    OPT_EXIT_ON,
    OPT_SUMMARY_JSON,
    OPT_THREADS,
    OPT_KEEP_BAGS,
    OPT_EVIDENCE_MIN,
    OPT_SINCE, /* OPT_SINCE..OPT_BACKFILL: the time window (time_option) */
    OPT_UNTIL,
    OPT_WINDOW,
    OPT_ALLOW_EMPTY,
    OPT_BACKFILL,
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
    {"strict", 0, OPT_STRICT, NULL,
     "any bad input row, or a second id space of account ids, is fatal"},
    {"max-bad-rows", 1, OPT_MAX_BAD, "N", "fail when more than N rows are bad (default 1000)"},
    {"full-graph", 0, OPT_FULL_GRAPH, NULL,
     "graph.graphml with every node (default: rings and their neighbours)"},
    {"graph-bids", 0, OPT_GRAPH_BIDS, NULL,
     "keep bid edges in graph.graphml's suspicious part (default: left out)"},
    {"wait", 0, OPT_WAIT, NULL,
     "wait for another run on OUT_DIR or the state, or a transaction on the state's "
     "database (default: exit 4)"},
    {"keep-runs", 1, OPT_KEEP_RUNS, "N", "complete runs kept in OUT_DIR/runs (default 3)"},
    {"max-input-bytes", 1, OPT_MAX_INPUT, "SIZE",
     "fail past SIZE decompressed input bytes (default 256G)"},
    {"max-gzip-ratio", 1, OPT_MAX_RATIO, "N",
     "fail when gzip input expands more than N:1 (default 100)"},
    {"max-record-bytes", 1, OPT_MAX_RECORD, "SIZE",
     "fail on a CSV record longer than SIZE (default 64M)"},
    {"max-memory", 1, OPT_MAX_MEMORY, "SIZE",
     "fail when resident memory passes SIZE (default 90% of RAM/cgroup)"},
    {"state", 1, OPT_STATE, "DIR",
     "remember rings between runs in DIR (persistent ids, statuses, changes.json)"},
    {"cache", 1, OPT_CACHE, "DIR",
     "keep a summary of each input file in DIR and parse only new or changed files "
     "(default with --state: STATE/cache; docs/reduced.md)"},
    {"no-cache", 0, OPT_NO_CACHE, NULL, "parse every input file, keep no summaries"},
    {"dispositions", 1, OPT_DISPOSITIONS, "FILE",
     "analysts' decisions (CSV; needs --state; see docs/state.md)"},
    {"dispositions-lenient", 0, OPT_DISPOSITIONS_LENIENT, NULL,
     "skip and list decisions that match nothing instead of failing"},
    {"keep-bags-days", 1, OPT_KEEP_BAGS, "N",
     "days the state keeps each ring's dated evidence bags (default 365; 0 = forever)"},
    {"evidence-min-severity", 1, OPT_EVIDENCE_MIN, "SEV",
     "least severity that gets an evidence package: high, medium or low (default medium; "
     "low: every ring)"},
    {"exit-code", 0, OPT_EXIT_CODE, NULL,
     "exit 3 when rings are new, grown or returned, or rose in severity, at or above "
     "--exit-on (needs --state)"},
    {"exit-on", 1, OPT_EXIT_ON, "SEV",
     "least severity for --exit-code: high, medium or low "
     "(default medium)"},
    {"summary-json", 0, OPT_SUMMARY_JSON, NULL, "print a one-line JSON summary on stdout"},
    {"threads", 1, OPT_THREADS, "N",
     "threads for drawings and evidence bags (default: every core; outputs never depend on N)"},
    {"quiet", 0, OPT_QUIET, NULL, "print errors only"},
    {"since", 1, OPT_SINCE, "T", "load only event rows at or after T"},
    {"until", 1, OPT_UNTIL, "T", "load only event rows before T (T itself excluded)"},
    {"window", 1, OPT_WINDOW, "N", "N days (60d) or hours (36h) up to --until or the run's clock"},
    {"allow-empty-window", 0, OPT_ALLOW_EMPTY, NULL,
     "a window without event rows is not an error (every remembered ring goes)"},
    {"backfill", 0, OPT_BACKFILL, NULL,
     "an older window: publish beside OUT_DIR/current, leave current and the state as they are"},
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
               "       ringscan validate INPUT_DIR [--config FILE] [--strict] [--max-bad-rows N]\n"
               "                [--quiet]\n"
               "       ringscan gen -o DIR [options]      (simulated marketplace, see --help)\n"
               "       ringscan eval OUT_DIR TRUTH_DIR    (score a run against simulator truth)\n"
               "       ringscan --help | --version\n"
               "\n"
               "Finds proxy-account rings and coordinated rating inflation in a marketplace's\n"
               "event exports (accounts, logins, bids, ratings, payouts, charges, ports as\n"
               "CSV or JSONL, optionally gzip; a table may be split into NAME.<part>.csv\n"
               "files or a NAME/ folder) and writes accounts.csv, rings.json,\n"
               "graph.graphml, an evidence package per ring of medium severity or more\n"
               "(evidence/, index.html) and run.json.\n"
               "\n"
               "Options for run:\n");
    print_opts(f, run_opts);
    fprintf(f, "\nSIZE is bytes with an optional K, M, G or T suffix (powers of 1024).\n"
               "T is an RFC 3339 time or a date YYYY-MM-DD (midnight UTC); accounts are\n"
               "never filtered by the window.\n"
               "Exit status: 0 success, 1 bad input, limit or runtime error, 2 usage error,\n"
               "4 OUT_DIR in use by another run.\n"
               "See README.md for the input contract and outputs.\n");
}

static int usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static int usage_error(const char *fmt, ...)
{
    char msg[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap); /* may quote the command line */
    va_end(ap);
    utf8_diag(stderr, "", "ringscan: %s", msg);
    fprintf(stderr, "Try 'ringscan --help' for more information.\n");
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

/* What the run command line asked for; zero/NULL = not given. */
typedef struct {
    const char *out_dir, *config_path;
    const char *geo[3];
    int quiet, no_geoip, strict, full_graph, graph_bids, wait;
    const char *state_dir, *dispositions, *cache_dir;
    int dispositions_lenient, no_cache;
    int exit_code, exit_on, summary_json, have_keep_bags;
    int evidence_min; /* 1 + the severity given, 0: none */
    uint64_t keep_bags_days;
    uint64_t seed, max_bad, keep_runs, threads;
    int have_seed, have_max_bad;
    rs_limits lim;
    run_window window;
    int allow_empty_window, backfill;
} run_cli;

static int parse_size_opt(const char *name, const char *arg, uint64_t *dst)
{
    if (size_parse(arg, dst) || !*dst)
        return usage_error("--%s: not a positive size such as 512M or 64G: '%s'", name, arg);
    return -1;
}

/* One option of the time window (README, "Time window") into o. Returns -1
 * to go on, else the exit code. */
static int time_option(int c, run_cli *o)
{
    switch (c) {
    case OPT_SINCE:
        if (pipeline_parse_time(optarg, &o->window.since))
            return usage_error("--since: not an RFC 3339 time or YYYY-MM-DD date: '%s'", optarg);
        o->window.has_since = 1;
        break;
    case OPT_UNTIL:
        if (pipeline_parse_time(optarg, &o->window.until))
            return usage_error("--until: not an RFC 3339 time or YYYY-MM-DD date: '%s'", optarg);
        o->window.has_until = 1;
        break;
    case OPT_WINDOW:
        if (pipeline_parse_length(optarg, &o->window.length_ms))
            return usage_error("--window: not a length such as 60d or 36h: '%s'", optarg);
        o->window.length = optarg;
        break;
    case OPT_ALLOW_EMPTY:
        o->allow_empty_window = 1;
        break;
    case OPT_BACKFILL:
        o->backfill = 1;
        break;
    default:
        break;
    }
    return -1;
}

/* The options that take no argument and only set a flag of o: returns 1
 * when c is one (the flag set), else 0. */
static int run_flag(int c, run_cli *o)
{
    int *f = c == OPT_NO_GEOIP               ? &o->no_geoip
             : c == OPT_STRICT               ? &o->strict
             : c == OPT_FULL_GRAPH           ? &o->full_graph
             : c == OPT_GRAPH_BIDS           ? &o->graph_bids
             : c == OPT_QUIET                ? &o->quiet
             : c == OPT_WAIT                 ? &o->wait
             : c == OPT_DISPOSITIONS_LENIENT ? &o->dispositions_lenient
             : c == OPT_EXIT_CODE            ? &o->exit_code
             : c == OPT_SUMMARY_JSON         ? &o->summary_json
                                             : NULL;
    if (f)
        *f = 1;
    return f != NULL;
}

/* One option into o. Returns -1 to go on, else the exit code. */
static int run_option(int c, char **argv, run_cli *o)
{
    if (c >= OPT_SINCE && c <= OPT_BACKFILL)
        return time_option(c, o);
    if (run_flag(c, o))
        return -1;
    switch (c) {
    case OPT_OUT:
        o->out_dir = optarg;
        break;
    case OPT_CONFIG:
        o->config_path = optarg;
        break;
    case OPT_CITY:
        o->geo[0] = optarg;
        break;
    case OPT_ASN:
        o->geo[1] = optarg;
        break;
    case OPT_ANON:
        o->geo[2] = optarg;
        break;
    case OPT_STATE:
        o->state_dir = optarg;
        break;
    case OPT_CACHE:
        o->cache_dir = optarg;
        break;
    case OPT_NO_CACHE:
        o->no_cache = 1;
        break;
    case OPT_DISPOSITIONS:
        o->dispositions = optarg;
        break;
    case OPT_THREADS:
        if (parse_u64(optarg, &o->threads) || o->threads < 1 || o->threads > 256)
            return usage_error("--threads: not an integer from 1 to 256: '%s'", optarg);
        break;
    case OPT_EXIT_ON:
        if (!strcmp(optarg, "high"))
            o->exit_on = 1 + SEVERITY_HIGH;
        else if (!strcmp(optarg, "medium"))
            o->exit_on = 1 + SEVERITY_MEDIUM;
        else if (!strcmp(optarg, "low"))
            o->exit_on = 1 + SEVERITY_LOW;
        else
            return usage_error("--exit-on: not high, medium or low: '%s'", optarg);
        break;
    case OPT_EVIDENCE_MIN: {
        ring_severity v;
        if (findings_severity_parse(optarg, &v) != 0)
            return usage_error("--evidence-min-severity: not high, medium or low: '%s'", optarg);
        o->evidence_min = 1 + (int)v;
        break;
    }
    case OPT_KEEP_BAGS:
        if (parse_u64(optarg, &o->keep_bags_days) || o->keep_bags_days > 36500)
            return usage_error("--keep-bags-days: not an integer from 0 to 36500: '%s'", optarg);
        o->have_keep_bags = 1;
        break;
    case OPT_SEED:
        if (parse_u64(optarg, &o->seed))
            return usage_error("--seed: not a non-negative integer: '%s'", optarg);
        o->have_seed = 1;
        break;
    case OPT_MAX_BAD:
        if (parse_u64(optarg, &o->max_bad))
            return usage_error("--max-bad-rows: not a non-negative integer: '%s'", optarg);
        o->have_max_bad = 1;
        break;
    case OPT_KEEP_RUNS:
        if (parse_u64(optarg, &o->keep_runs) || o->keep_runs < 1 || o->keep_runs > 100000)
            return usage_error("--keep-runs: not an integer from 1 to 100000: '%s'", optarg);
        break;
    case OPT_MAX_INPUT:
        return parse_size_opt("max-input-bytes", optarg, &o->lim.max_input_bytes);
    case OPT_MAX_RECORD:
        return parse_size_opt("max-record-bytes", optarg, &o->lim.max_record_bytes);
    case OPT_MAX_MEMORY:
        return parse_size_opt("max-memory", optarg, &o->lim.max_memory);
    case OPT_MAX_RATIO: {
        char *end;
        errno = 0;
        o->lim.max_gzip_ratio = strtod(optarg, &end);
        if (errno || end == optarg || *end || !(o->lim.max_gzip_ratio >= 1) ||
            o->lim.max_gzip_ratio > 1e9)
            return usage_error("--max-gzip-ratio: not a number from 1 to 1e9: '%s'", optarg);
        break;
    }
    case OPT_HELP:
        usage(stdout);
        return RS_EXIT_OK;
    case ':':
        return usage_error("option '%s' needs an argument", argv[optind - 1]);
    default:
        return usage_error("unknown option '%s'", argv[optind - 1]);
    }
    return -1;
}

/* The command line over the config file's values. */
static void apply_cli(rs_config *cfg, const run_cli *o)
{
    if (o->have_seed)
        cfg->seed = o->seed;
    if (o->have_max_bad)
        cfg->max_bad_rows = o->max_bad;
    if (o->strict)
        cfg->strict = 1;
    if (o->full_graph)
        cfg->full_graph = 1;
    if (o->graph_bids)
        cfg->graph_bids = 1;
    if (o->no_geoip)
        cfg->geoip_search = 0;
    if (o->evidence_min)
        cfg->evidence_min = (ring_severity)(o->evidence_min - 1);
    for (int k = 0; k < 3; k++) {
        if (o->geo[k]) {
            free(cfg->geoip_path[k]);
            cfg->geoip_path[k] = xstrdup(o->geo[k]);
        }
    }
    if (o->lim.max_input_bytes)
        cfg->limits.max_input_bytes = o->lim.max_input_bytes;
    if (o->lim.max_gzip_ratio > 0)
        cfg->limits.max_gzip_ratio = o->lim.max_gzip_ratio;
    if (o->lim.max_record_bytes)
        cfg->limits.max_record_bytes = o->lim.max_record_bytes;
    if (o->lim.max_memory)
        cfg->limits.max_memory = o->lim.max_memory;
}

static int cmd_run_main(int argc, char **argv, char **argv_given)
{
    run_cli o;
    memset(&o, 0, sizeof o);
    struct option lo[sizeof run_opts / sizeof *run_opts];
    for (size_t i = 0; i < sizeof run_opts / sizeof *run_opts; i++)
        lo[i] = (struct option){run_opts[i].name, run_opts[i].has_arg, NULL, run_opts[i].val};
    int c;
    opterr = 0;
    optind = 1;
    while ((c = getopt_long(argc, argv, ":o:qh", lo, NULL)) != -1) {
        int rc = run_option(c, argv, &o);
        if (rc >= 0)
            return rc;
    }
    int operand_rc = one_operand("run", argc, argv);
    if (operand_rc != RS_EXIT_OK)
        return operand_rc;
    if (!o.out_dir)
        return usage_error("%s", "run: missing -o OUT_DIR");
    if (o.cache_dir && o.no_cache)
        return usage_error("%s", "--cache and --no-cache contradict each other: give one");
    if (o.dispositions && !o.state_dir)
        return usage_error("%s", "--dispositions needs --state DIR (decisions are matched "
                                 "against the rings the state remembers)");
    if (o.dispositions_lenient && !o.dispositions)
        return usage_error("%s", "--dispositions-lenient needs --dispositions FILE");
    if ((o.exit_code || o.exit_on) && !o.state_dir)
        return usage_error("%s", "--exit-code needs --state DIR (new and grown are relative "
                                 "to the previous run)");
    if (o.window.length && o.window.has_since)
        return usage_error("%s", "run: --window and --since cannot both be given (use --until)");
    if (o.window.has_since && o.window.has_until && o.window.since >= o.window.until)
        return usage_error("%s", "run: --since must be before --until");

    rs_config cfg;
    config_init(&cfg);
    rs_error err = {0};
    int rc;
    if (o.config_path && config_load(&cfg, o.config_path, &err) != RS_OK) {
        utf8_diag(stderr, "", "ringscan: error: %s", err.msg);
        rc = RS_EXIT_DATA;
    } else {
        apply_cli(&cfg, &o);
        run_request rq;
        memset(&rq, 0, sizeof rq);
        rq.in_dir = argv[optind];
        rq.out_dir = o.out_dir;
        rq.cfg = &cfg;
        rq.argv_given = argv_given;
        rq.argc = argc;
        rq.quiet = o.quiet;
        rq.wait = o.wait;
        rq.keep_runs = (unsigned)o.keep_runs;
        rq.threads = (unsigned)o.threads;
        rq.state_dir = o.state_dir;
        rq.cache_dir = o.cache_dir;
        rq.no_cache = o.no_cache;
        rq.dispositions = o.dispositions;
        rq.dispositions_lenient = o.dispositions_lenient;
        rq.exit_code = o.exit_code;
        rq.exit_on = o.exit_on ? (ring_severity)(o.exit_on - 1) : SEVERITY_MEDIUM;
        rq.summary_json = o.summary_json;
        rq.keep_bags_days = o.have_keep_bags ? (unsigned)o.keep_bags_days : 365;
        rq.window = o.window;
        rq.allow_empty_window = o.allow_empty_window;
        rq.backfill = o.backfill;
        rc = pipeline_run(&rq);
    }
    config_free(&cfg);
    return rc;
}

static int cmd_validate(int argc, char **argv)
{
    static const struct option lo[] = {
        {"strict", 0, NULL, OPT_STRICT}, {"max-bad-rows", 1, NULL, OPT_MAX_BAD},
        {"quiet", 0, NULL, OPT_QUIET},   {"config", 1, NULL, OPT_CONFIG},
        {"help", 0, NULL, OPT_HELP},     {NULL, 0, NULL, 0}};
    int c, quiet = 0;
    const char *config_path = NULL;
    table_opts to = TABLE_OPTS_INIT;
    to.max_bad_rows = UINT64_MAX; /* validate reports everything it can */
    rs_config defaults;
    config_init(&defaults);
    to.lim.max_bytes = defaults.limits.max_input_bytes;
    to.lim.max_ratio = defaults.limits.max_gzip_ratio;
    to.max_rss = config_memory_budget(&defaults);
    config_free(&defaults);
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
        case OPT_CONFIG:
            config_path = optarg;
            break;
        case OPT_HELP:
            printf("Usage: ringscan validate INPUT_DIR [--config FILE] [--strict] [--max-bad-rows "
                   "N] [--quiet]\n"
                   "Checks every table in INPUT_DIR against the input contract without\n"
                   "analysing, reading files through the config's `columns`, `null_values`\n"
                   "and `sources` as a run does. Exit 0 when every file is valid and no row\n"
                   "is bad, else 1.\n");
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
    rs_config cfg;
    rs_error err = {0};
    config_init(&cfg);
    int rc;
    if (config_path && config_load(&cfg, config_path, &err) != RS_OK) {
        utf8_diag(stderr, "", "ringscan: error: %s", err.msg);
        rc = RS_EXIT_DATA;
    } else {
        rc = pipeline_validate(argv[optind], &to, config_path ? &cfg : NULL, quiet);
    }
    config_free(&cfg);
    return rc;
}

/* glibc raises its mmap threshold to the size of each large block freed (up
 * to 32 MiB) and then keeps freed heap memory up to twice that: a run that
 * allocates and frees tens of megabytes phase after phase carries freed
 * memory into its peak (50 MiB of 1014 on the make bench world). A fixed
 * threshold maps every block of 1 MiB or more on its own and unmaps it when
 * freed; smaller blocks come from the heap as before. */
static void memory_setup(void)
{
#ifdef __GLIBC__
    mallopt(M_MMAP_THRESHOLD, 1 << 20);
#endif
}

int main(int argc, char **argv)
{
    int rc;
    memory_setup();
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

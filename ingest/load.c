/* load.c - input directory discovery and the per-table row handlers that turn
 * typed rows into graph entities, edges and timeline events; see load.h. */
#include "ingest/load.h"

#include "ingest/normalize.h"
#include "ingest/rowpipe.h"
#include "ingest/vendor.h"
#include "base/utf8.h"
#include "base/ts.h"
#include "base/alloc.h"
#include "base/cmp.h"
#include "base/error.h"
#include "base/sha256.h"
#include "base/proc.h"

#include <assert.h>
#include <dirent.h>
#include <sys/stat.h>
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* The data endings and the format each means (TABLE_FMT_*). */
static const char *const suffixes[] = {".csv",    ".jsonl",     ".csv.gz", ".jsonl.gz",
                                       ".tsv",    ".tsv.gz",    ".txt",    ".txt.gz",
                                       ".ndjson", ".ndjson.gz", ".json",   ".json.gz"};
static const int suffix_fmt[] = {TABLE_FMT_CSV,   TABLE_FMT_JSONL, TABLE_FMT_CSV,  TABLE_FMT_JSONL,
                                 TABLE_FMT_TSV,   TABLE_FMT_TSV,   TABLE_FMT_CSV,  TABLE_FMT_CSV,
                                 TABLE_FMT_JSONL, TABLE_FMT_JSONL, TABLE_FMT_JSON, TABLE_FMT_JSON};
#define NSUFFIXES (sizeof suffixes / sizeof *suffixes)

/* A .txt file is often a note, not data: only a name or a mapping makes
 * it a table's. */
static int is_txt(int suffix)
{
    return suffix >= 0 && strncmp(suffixes[suffix], ".txt", 4) == 0;
}

/* The index of the format ending of nm, or -1. */
static int suffix_of(const char *nm)
{
    size_t n = strlen(nm);
    for (size_t s = 0; s < NSUFFIXES; s++) {
        size_t sl = strlen(suffixes[s]);
        if (n > sl && !strcmp(nm + n - sl, suffixes[s]))
            return (int)s;
    }
    return -1;
}

/* The table a file directly in the input directory belongs to, or -1:
 * NAME<ending> or NAME.<something><ending>. */
static int table_of(const char *nm, int suffix)
{
    size_t stem = strlen(nm) - strlen(suffixes[suffix]);
    for (int t = 0; t < TABLE_COUNT; t++) {
        const char *tn = schema_table((table_id)t)->name;
        size_t tl = strlen(tn);
        if (strncmp(nm, tn, tl) != 0)
            continue;
        if (stem == tl || (stem > tl + 1 && nm[tl] == '.'))
            return t;
    }
    return -1;
}

/* The table whose folder nm is, or -1. */
static int table_folder(const char *nm)
{
    for (int t = 0; t < TABLE_COUNT; t++)
        if (!strcmp(nm, schema_table((table_id)t)->name))
            return t;
    return -1;
}

static char *join2(const char *a, const char *b)
{
    size_t n = strlen(a) + strlen(b) + 2;
    char *p = xmalloc(n);
    snprintf(p, n, "%s/%s", a, b);
    return p;
}

static void add_file(load_set *set, size_t *cap, int t, const char *dir, const char *name,
                     int suffix)
{
    ALLOC_GROW(set->files, *cap, set->nfiles + 1);
    load_file *f = &set->files[set->nfiles++];
    memset(f, 0, sizeof *f);
    f->table = (table_id)t;
    f->name = xstrdup(name);
    f->path = join2(dir, name);
    f->jsonl = suffix >= 0 ? suffix_fmt[suffix] : TABLE_FMT_CSV;
}

static void add_ignored(load_set *set, const char *name)
{
    set->ignored = xreallocarray(set->ignored, set->nignored + 1, sizeof *set->ignored);
    set->ignored[set->nignored++] = xstrdup(name);
}

/* The non-hidden entries of dir, sorted byte-wise (readdir order is
 * arbitrary). Returns 0, or -1 with errno when dir cannot be read. */
static int list_dir(const char *dir, char ***out, size_t *n)
{
    *out = NULL;
    *n = 0;
    DIR *d = opendir(dir);
    if (!d)
        return -1;
    size_t cap = 0;
    const struct dirent *de;
    while ((de = readdir(d)) != NULL) {
        if (de->d_name[0] == '.')
            continue;
        ALLOC_GROW(*out, cap, *n + 1);
        (*out)[(*n)++] = xstrdup(de->d_name);
    }
    closedir(d);
    if (*n)
        qsort(*out, *n, sizeof **out, cmp_str);
    return 0;
}

static void free_names(char **names, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(names[i]);
    free(names);
}

/* Length of name without its format ending. */
static size_t stem_len(const char *name)
{
    int s = suffix_of(name);
    return strlen(name) - (s >= 0 ? strlen(suffixes[s]) : 0);
}

/* Discovery's state: the set being filled and the config's mappings,
 * compiled once to match names (each file read through one gets its own
 * copy: a mapping keeps a per-file tally). */
typedef struct {
    load_set *set;
    size_t cap;
    const char *dir;
    const json_t *sources;
    const char *where;
    mapping **maps;
    size_t nmaps;
} scan_ctx;

/* The simulator's answer keys (truth.csv, truth.json, truth-handover.csv,
 * and gzip copies), written beside the tables it generates: not inputs, and
 * no vendor's export. */
static int answer_key(const char *shown)
{
    return (!strncmp(shown, "truth.", 6) && stem_len(shown) == 5) || !strncmp(shown, "truth-", 6);
}

static int fmt_of_mapping(const mapping *m, int suffix)
{
    const char *f = mapping_format(m);
    if (!f)
        return suffix >= 0 ? suffix_fmt[suffix] : TABLE_FMT_CSV;
    return !strcmp(f, "tsv")     ? TABLE_FMT_TSV
           : !strcmp(f, "jsonl") ? TABLE_FMT_JSONL
           : !strcmp(f, "json")  ? TABLE_FMT_JSON
                                 : TABLE_FMT_CSV;
}

/* Offers f's first record to the vendor recognisers, also when f is named
 * for a table: a vendor's records share column names with the contract
 * (Stripe's amount, Auth0's ip) and read as contract rows they are wrong or
 * refused, while every recogniser needs keys only that vendor writes.
 * Returns 1 when recognised (f->map, f->vendor and f->table set), 0 when not
 * (also when the first record cannot be read: the table reader reports
 * that), or a negative RS_E_* with err naming f. */
static int try_vendor(load_file *f, rs_error *err)
{
    json_t *rec = NULL;
    mapping *m = NULL;
    rs_error perr = {0};
    if (table_first_record(f->path, f->name, f->jsonl, &rec, &perr) != RS_OK ||
        !json_is_object(rec)) {
        json_decref(rec);
        return 0;
    }
    int rc = vendor_recognise(rec, &m, &perr);
    json_decref(rec);
    if (rc < 0)
        rs_error_set(err, rc, f->name, 0, 0, "%s", perr.msg);
    if (rc == 1) {
        f->map = m;
        f->vendor = 1;
        f->table = mapping_table(m);
    }
    return rc;
}

/* The index of the config mapping whose `files` match shown, or nmaps. */
static size_t config_match(const scan_ctx *sc, const char *shown)
{
    size_t k = 0;
    while (k < sc->nmaps && !mapping_matches_file(sc->maps[k], shown))
        k++;
    return k;
}

/* The error for a data file that no rule reads: what was expected, with the
 * table a near-miss name probably meant ("Bid.csv": bids). The table names
 * come from the schema, so a new table is listed without an edit here. */
static int unrecognised(const char *shown, rs_error *err)
{
    char tables[256] = "", near[96] = "";
    size_t have = 0;
    for (int t = 0; t < TABLE_COUNT && have < sizeof tables; t++) {
        int w = snprintf(tables + have, sizeof tables - have, "%s%s", t ? ", " : "",
                         schema_table((table_id)t)->name);
        have += w > 0 ? (size_t)w : 0;
    }
    const char *base = strrchr(shown, '/');
    base = base ? base + 1 : shown;
    const char *t = schema_table_near(base, strlen(base));
    if (t)
        snprintf(near, sizeof near, " (is it table '%s'? name it %s.csv or %s.jsonl)", t, t, t);
    return rs_error_set(err, RS_E_SCHEMA, shown, 0, 0,
                        "not an input table and not a recognised export%s: expected a file named "
                        "for a table (%s; .csv .tsv .jsonl .ndjson .json, optionally .gz), %s, or "
                        "a config mapping (\"sources\") whose \"files\" match it "
                        "(docs/loading.md)",
                        near, tables, vendor_expected());
}

/* Decides how the data file shown (in the input folder, or in table folder
 * folder_t when >= 0) is read, and adds it, or lists it as ignored. */
static int scan_entry(scan_ctx *sc, const char *shown, int folder_t, rs_error *err)
{
    load_set *set = sc->set;
    int sfx = suffix_of(shown), rc = RS_OK;
    size_t k = config_match(sc, shown);
    int t = folder_t >= 0 ? (sfx >= 0 && !is_txt(sfx) ? folder_t : -1)
                          : (sfx >= 0 ? table_of(shown, sfx) : -1);
    if (k < sc->nmaps) { /* (a) */
        mapping *m = NULL;
        rc = mapping_compile(json_array_get(sc->sources, k), sc->where, &m, err);
        if (rc == RS_OK) {
            add_file(set, &sc->cap, (int)mapping_table(m), sc->dir, shown, sfx);
            set->files[set->nfiles - 1].map = m;
            set->files[set->nfiles - 1].jsonl = fmt_of_mapping(m, sfx);
        }
    } else if (t >= 0) { /* (b) */
        add_file(set, &sc->cap, t, sc->dir, shown, sfx);
        load_file *f = &set->files[set->nfiles - 1];
        if (f->jsonl == TABLE_FMT_JSON || f->jsonl == TABLE_FMT_JSONL)
            rc = try_vendor(f, err) < 0 ? RS_E_SCHEMA : RS_OK;
    } else if (folder_t < 0 && sfx >= 0 && !is_txt(sfx) && !answer_key(shown)) { /* (c), (d) */
        add_file(set, &sc->cap, 0, sc->dir, shown, sfx);
        int v = try_vendor(&set->files[set->nfiles - 1], err);
        if (v != 1) {
            set->nfiles--;
            free(set->files[set->nfiles].path);
            free(set->files[set->nfiles].name);
            rc = v < 0 ? v : unrecognised(shown, err);
        }
    } else {
        add_ignored(set, shown);
    }
    return rc;
}

/* The files of table folder dir/tn, shown as tn/<file>. */
static int scan_folder(scan_ctx *sc, int t, const char *tn, rs_error *err)
{
    char *sub = join2(sc->dir, tn);
    char **names;
    size_t n;
    int rc = RS_OK;
    if (list_dir(sub, &names, &n) != 0)
        rc = rs_error_set(err, RS_E_IO, sub, 0, 0, "cannot open table folder: %s", strerror(errno));
    for (size_t i = 0; rc == RS_OK && i < n; i++) {
        char *shown = join2(tn, names[i]);
        char *path = join2(sub, names[i]);
        struct stat sb;
        if (stat(path, &sb) == 0 && S_ISDIR(sb.st_mode))
            add_ignored(sc->set, shown); /* a folder: no recursion */
        else
            rc = scan_entry(sc, shown, t, err);
        free(path);
        free(shown);
    }
    free_names(names, n);
    free(sub);
    return rc;
}

/* Schema order, but account_ids first: the map must be complete before a
 * row naming an account is read. */
static int table_rank(table_id t)
{
    return t == TABLE_ACCOUNT_IDS ? -1 : (int)t;
}

static int cmp_file(const void *a, const void *b)
{
    const load_file *x = a, *y = b;
    if (x->table != y->table)
        return table_rank(x->table) < table_rank(y->table) ? -1 : 1;
    return strcmp(x->name, y->name);
}

/* One partition in two forms (a.csv and a.csv.gz, or a.csv and a.jsonl):
 * which one is meant cannot be told. */
static int check_ambiguous(const load_set *set, const char *dir, rs_error *err)
{
    for (size_t i = 0; i < set->nfiles; i++) {
        const load_file *f = &set->files[i];
        size_t sl = stem_len(f->name);
        for (size_t j = i + 1; j < set->nfiles && set->files[j].table == f->table; j++) {
            const load_file *g = &set->files[j];
            if (stem_len(g->name) == sl && !strncmp(f->name, g->name, sl))
                return rs_error_set(err, RS_E_SCHEMA, dir, 0, 0,
                                    "two files for table '%s': %s and %s (one partition in two "
                                    "forms)",
                                    schema_table(f->table)->name, f->name, g->name);
        }
    }
    return RS_OK;
}

/* Compiles the config's mappings for name matching (they were checked when
 * the config was loaded, so an error here is the config's). */
static int scan_compile(scan_ctx *sc, rs_error *err)
{
    size_t n = json_array_size(sc->sources);
    sc->maps = xcalloc(n ? n : 1, sizeof *sc->maps);
    for (size_t k = 0; k < n; k++) {
        int rc = mapping_compile(json_array_get(sc->sources, k), sc->where, &sc->maps[k], err);
        if (rc != RS_OK)
            return rc;
        sc->nmaps++;
    }
    return RS_OK;
}

int load_scan_sources(load_set *set, const char *dir, const json_t *sources, const char *where,
                      rs_error *err)
{
    memset(set, 0, sizeof *set);
    set->dir = xstrdup(dir);
    set->window = (load_window)LOAD_WINDOW_ALL;
    scan_ctx sc = {set, 0, dir, sources, where ? where : "config", NULL, 0};
    char **names = NULL;
    size_t nnames = 0;
    int rc = scan_compile(&sc, err);
    if (rc == RS_OK && list_dir(dir, &names, &nnames) != 0)
        rc = rs_error_set(err, RS_E_IO, dir, 0, 0, "cannot open input directory: %s",
                          strerror(errno));
    set->ts_latest = INT64_MAX;
    for (size_t i = 0; i < nnames && rc == RS_OK; i++) {
        const char *nm = names[i];
        int ft = table_folder(nm);
        char *path = join2(dir, nm);
        struct stat sb;
        int isdir = stat(path, &sb) == 0 && S_ISDIR(sb.st_mode);
        if (ft >= 0 && isdir)
            rc = scan_folder(&sc, ft, nm, err);
        else if (!isdir)
            rc = scan_entry(&sc, nm, -1, err);
        else
            add_ignored(set, nm);
        free(path);
    }
    free_names(names, nnames);
    for (size_t k = 0; k < sc.nmaps; k++)
        mapping_free(sc.maps[k]);
    free(sc.maps);
    if (set->nfiles)
        qsort(set->files, set->nfiles, sizeof *set->files, cmp_file);
    if (set->nignored) /* a folder's entries among the others, by shown name */
        qsort(set->ignored, set->nignored, sizeof *set->ignored, cmp_str);
    if (rc == RS_OK)
        rc = check_ambiguous(set, dir, err);
    if (rc == RS_OK && !set->nfiles)
        rc = rs_error_set(err, RS_E_SCHEMA, dir, 0, 0,
                          "no input tables found (expected accounts, logins, bids, ratings, "
                          "payouts, charges, ports or attributes as .csv/.tsv/.jsonl/.ndjson/"
                          ".json, optionally .gz, or folders of them)");
    return rc;
}

int load_scan(load_set *set, const char *dir, rs_error *err)
{
    return load_scan_sources(set, dir, NULL, NULL, err);
}

const char *load_file_source(const load_file *f)
{
    return f->map ? mapping_name(f->map) : "contract";
}

void load_set_free(load_set *set)
{
    for (size_t i = 0; i < set->nfiles; i++) {
        free(set->files[i].path);
        free(set->files[i].name);
        free(set->files[i].cache_path);
        mapping_free(set->files[i].map);
    }
    free(set->alias_used);
    free(set->files);
    for (size_t i = 0; i < set->nignored; i++)
        free(set->ignored[i]);
    free(set->ignored);
    free(set->dir);
    accountids_free(set->ids);
    memset(set, 0, sizeof *set);
}

/* --- row handlers --------------------------------------------------------
 * Each table's decoded event (decode.h) into the graph: entities interned in
 * the order given here (first seen, first numbered), then the event added. */

static void load_account(rs_graph *g, const decode_account *e)
{
    uint32_t a = graph_account(g, e->id.s, e->id.n, 0);
    graph_account_list(g, a, e->role, e->created_at, e->country, e->display_name.s,
                       e->display_name.n);
    /* A display name naming a person is a name the account gives (identity rules);
     * placeholders and business names are not, nor is malformed text. */
    char norm[LOAD_ATTR_MAX];
    int n = e->display_name.s ? normalize_display_name(e->display_name.s, e->display_name.n, norm,
                                                       sizeof norm, NULL)
                              : 0;
    if (n > 0)
        graph_account_given_name(g, a, ATTR_NAME, norm, (size_t)n);
    if (e->text.s)
        graph_add_text(g, a, e->text.s, e->text.n, TS_NONE, 1);
}

/* The graph keys of a row (graph_keys), per table: hashed once, for
 * graph_prefetch some rows before the row is added and then for adding it
 * (the row's load_* takes them back by position, in the order given). */

/* freelancer, then client and the bid edge when the bid names one */
static void event_keys_bid(const decode_bid *d, graph_keys *k)
{
    uint64_t hf = graph_keys_node(k, NODE_ACCOUNT, d->freelancer.s, d->freelancer.n, 1);
    if (d->client.s)
        graph_keys_edge(k, EDGE_BID, hf,
                        graph_keys_node(k, NODE_ACCOUNT, d->client.s, d->client.n, 1));
}

/* client, freelancer, rating edge */
static void event_keys_rating(const decode_rating *d, graph_keys *k)
{
    uint64_t hc = graph_keys_node(k, NODE_ACCOUNT, d->client.s, d->client.n, 1);
    uint64_t hf = graph_keys_node(k, NODE_ACCOUNT, d->freelancer.s, d->freelancer.n, 1);
    graph_keys_edge(k, EDGE_RATING, hc, hf);
}

/* account, destination, payout edge */
static void event_keys_payout(const decode_payout *d, graph_keys *k)
{
    uint64_t ha = graph_keys_node(k, NODE_ACCOUNT, d->account.s, d->account.n, 1);
    graph_keys_edge(k, EDGE_PAYOUT, ha, graph_keys_node(k, NODE_DEST, d->dest.s, d->dest.n, 1));
}

/* client, freelancer, charge edge, then the instrument and its pays_with
 * edge when the charge names one */
static void event_keys_charge(const decode_charge *d, graph_keys *k)
{
    uint64_t hc = graph_keys_node(k, NODE_ACCOUNT, d->client.s, d->client.n, 1);
    uint64_t hf = graph_keys_node(k, NODE_ACCOUNT, d->freelancer.s, d->freelancer.n, 1);
    graph_keys_edge(k, EDGE_CHARGE, hc, hf);
    if (d->instrument.s)
        graph_keys_edge(k, EDGE_PAYS_WITH, hc,
                        graph_keys_node(k, NODE_DEST, d->instrument.s, d->instrument.n, 1));
}

/* The graph keys of a checked event, in the order load_event interns and
 * adds them: the bulk of the rows, whose entities and edges are looked up
 * in tables far larger than the cache. Accounts, ports and attributes rows
 * are few and have none, and the small tables (currencies, methods, texts)
 * are left out. */
static void event_keys(const decode_event *e, graph_keys *k)
{
    switch (e->table) {
    case TABLE_LOGINS: {
        const decode_login *d = &e->u.login;
        graph_keys_login(k, d->account.s, d->account.n, d->ip, d->device.s, d->device.n,
                         d->ip_country || d->has_asn);
        break;
    }
    case TABLE_BIDS:
        event_keys_bid(&e->u.bid, k);
        break;
    case TABLE_RATINGS:
        event_keys_rating(&e->u.rating, k);
        break;
    case TABLE_PAYOUTS:
        event_keys_payout(&e->u.payout, k);
        break;
    case TABLE_CHARGES:
        event_keys_charge(&e->u.charge, k);
        break;
    default:
        break;
    }
}

/* keys: the row's event_keys (graph_keys_login's). */
static void load_login(rs_graph *g, int64_t ts, const decode_login *d, const graph_keys *keys)
{
    login_ev e = {.ts = ts, .session_s = d->session_s, .remote_ua = d->remote_ua != 0};
    graph_add_login_keys(g, &e, d->account.s, d->account.n, d->ip, d->device.s, d->device.n, keys);
    graph_ip_input_geo(g, e.ip, d->ip_country, d->has_asn ? &d->asn : NULL, d->asn_org.s,
                       d->asn_org.n);
}

/* A project id only orders events that tie (graph_tiebreak). */
static uint32_t project_of(decode_str p)
{
    return p.s ? graph_tiebreak(p.s, p.n) : GRAPH_NONE;
}

static uint32_t string_of(rs_graph *g, decode_str v)
{
    return v.s ? graph_string(g, v.s, v.n) : GRAPH_NONE;
}

/* keys: the row's event_keys_bid. */
static void load_bid(rs_graph *g, int64_t ts, const decode_bid *d, const graph_keys *keys)
{
    assert(keys->n == (d->client.s ? 3 : 1));
    /* The freelancer first: ids are numbered in first-seen order. */
    bid_ev e = {.ts = ts, .project = project_of(d->project), .accepted = d->accepted};
    e.freelancer =
        graph_account_h(g, d->freelancer.s, d->freelancer.n, keys->h[0], SEEN_AS_FREELANCER);
    e.client = d->client.s
                   ? graph_account_h(g, d->client.s, d->client.n, keys->h[1], SEEN_AS_CLIENT)
                   : GRAPH_NONE;
    graph_add_bid_h(g, &e, d->client.s ? keys->h[2] : 0);
    if (d->text.s)
        graph_add_text(g, e.freelancer, d->text.s, d->text.n, e.ts, 0);
}

/* keys: the row's event_keys_rating. */
static void load_rating(rs_graph *g, int64_t ts, const decode_rating *d, const graph_keys *keys)
{
    assert(keys->n == 3);
    rating_ev e = {.ts = ts, .stars = d->stars, .project = project_of(d->project)};
    e.client = graph_account_h(g, d->client.s, d->client.n, keys->h[0], SEEN_AS_CLIENT);
    e.freelancer =
        graph_account_h(g, d->freelancer.s, d->freelancer.n, keys->h[1], SEEN_AS_FREELANCER);
    graph_add_rating_h(g, &e, keys->h[2]);
}

/* Whether s[0..n) holds only characters of the set cs. */
static int all_of(const char *s, size_t n, const char *cs)
{
    for (size_t i = 0; i < n; i++)
        if (!s[i] || !strchr(cs, s[i]))
            return 0;
    return 1;
}

/* Base58 (bitcoin's alphabet: no 0, O, I, l) with both letter cases: a bank
 * account number of digits alone, or an upper-case reference, is not one. */
static int base58_mixed(const char *s, size_t n)
{
    static const char b58[] = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";
    int up = 0, low = 0;
    for (size_t i = 0; i < n; i++) {
        up |= s[i] >= 'A' && s[i] <= 'Z';
        low |= s[i] >= 'a' && s[i] <= 'z';
    }
    return up && low && all_of(s, n, b58);
}

int load_payout_crypto(const char *method, size_t mn, const char *id, size_t n)
{
    static const char bech32[] = "023456789acdefghjklmnpqrstuvwxyz";
    static const char hex[] = "0123456789abcdefABCDEF";
    if (method && mn == 6) {
        size_t i = 0;
        while (i < 6 && (method[i] | 0x20) == "crypto"[i])
            i++;
        if (i == 6)
            return 1;
    }
    if (!id)
        return 0;
    if (n >= 14 && n <= 90 && strncmp(id, "bc1", 3) == 0) /* bitcoin, bech32 */
        return all_of(id + 3, n - 3, bech32);
    if (n == 42 && id[0] == '0' && id[1] == 'x') /* ethereum and its chains */
        return all_of(id + 2, 40, hex);
    if (n == 34 && id[0] == 'T') /* tron */
        return base58_mixed(id, n);
    if (n >= 26 && n <= 35 && (id[0] == '1' || id[0] == '3')) /* bitcoin, base58 */
        return base58_mixed(id, n);
    return 0;
}

/* keys: the row's event_keys_payout. */
static void load_payout(rs_graph *g, int64_t ts, const decode_payout *d, const graph_keys *keys)
{
    assert(keys->n == 3);
    payout_ev e = {.ts = ts, .amount = d->amount};
    e.account = graph_account_h(g, d->account.s, d->account.n, keys->h[0], 0);
    e.dest = graph_dest_h(g, d->dest.s, d->dest.n, keys->h[1], 1);
    e.currency = string_of(g, d->currency);
    e.method = string_of(g, d->method);
    if (d->dest_country)
        graph_dest_set_country(g, e.dest, d->dest_country);
    if (load_payout_crypto(d->method.s, d->method.n, d->dest.s, d->dest.n))
        graph_dest_set_crypto(g, e.dest);
    graph_add_payout_h(g, &e, keys->h[2]);
}

/* keys: the row's event_keys_charge. */
static void load_charge(rs_graph *g, int64_t ts, const decode_charge *d, const graph_keys *keys)
{
    assert(keys->n == (d->instrument.s ? 5 : 3));
    charge_ev e = {.ts = ts, .amount = d->amount};
    e.client = graph_account_h(g, d->client.s, d->client.n, keys->h[0], SEEN_AS_CLIENT);
    e.freelancer =
        graph_account_h(g, d->freelancer.s, d->freelancer.n, keys->h[1], SEEN_AS_FREELANCER);
    e.currency = string_of(g, d->currency);
    e.instrument = d->instrument.s
                       ? graph_dest_h(g, d->instrument.s, d->instrument.n, keys->h[3], 2)
                       : GRAPH_NONE;
    graph_add_charge_h(g, &e, keys->h[2], d->instrument.s ? keys->h[4] : 0);
}

static void load_port(rs_graph *g, int64_t ts, const decode_port *d)
{
    port_ev e = {
        .ts = ts,
        .port = d->port,
        .ip = d->ip ? graph_ip(g, d->ip) : GRAPH_NONE,
        .device = d->device.s ? graph_device(g, d->device.s, d->device.n) : GRAPH_NONE,
        .service = string_of(g, d->service),
    };
    graph_add_port(g, &e);
}

int load_attr_value(const rs_graph *g, uint32_t a, const decode_attr *at, attr_kind *kind,
                    char *out, rs_error *err)
{
    *kind = normalize_kind(at->kind.s, at->kind.n);
    const char *cc = g && a != GRAPH_NONE ? g->acct[a].country : "";
    return normalize_value(*kind, at->value.s, at->value.n, cc, out, LOAD_ATTR_MAX, err);
}

/* An attribute is normalised for its kind (ingest/normalize.h); a phone
 * number without a calling code takes the account's claimed country's, which
 * the accounts table, loaded first, has set. A value that normalises to
 * nothing is passed over (load_check_row refused malformed ones). */
static void load_attribute(rs_graph *g, int64_t ts, const decode_attr *d)
{
    uint32_t a = graph_account(g, d->account.s, d->account.n, 0);
    attr_kind k;
    char norm[LOAD_ATTR_MAX];
    int n = load_attr_value(g, a, d, &k, norm, NULL);
    if (n > 0)
        graph_add_attr(g, a, (int)k, norm, (size_t)n, ts);
}

/* Adds a checked event to g. keys: its event_keys, or NULL: computed here,
 * and all their slots requested at once (graph_prefetch's first step), for
 * a caller that does not prefetch rows ahead. */
static void load_event(rs_graph *g, const decode_event *e, const graph_keys *keys)
{
    graph_keys own;
    if (!keys) {
        own.n = 0;
        event_keys(e, &own);
        graph_prefetch(g, &own, 0);
        keys = &own;
    }
    switch (e->table) {
    case TABLE_ACCOUNTS:
        load_account(g, &e->u.account);
        break;
    case TABLE_LOGINS:
        load_login(g, e->ts, &e->u.login, keys);
        break;
    case TABLE_BIDS:
        load_bid(g, e->ts, &e->u.bid, keys);
        break;
    case TABLE_RATINGS:
        load_rating(g, e->ts, &e->u.rating, keys);
        break;
    case TABLE_PAYOUTS:
        load_payout(g, e->ts, &e->u.payout, keys);
        break;
    case TABLE_CHARGES:
        load_charge(g, e->ts, &e->u.charge, keys);
        break;
    case TABLE_PORTS:
        load_port(g, e->ts, &e->u.port);
        break;
    case TABLE_ATTRIBUTES:
        load_attribute(g, e->ts, &e->u.attr);
        break;
    case TABLE_ACCOUNT_IDS: /* the map's, never the graph's */
    case TABLE_COUNT:
        break;
    }
}

/* load_check_row with the failing column and reason, for table_read. */
static int check_event(table_id t, const tvalue *vals, decode_event *e, int *bad_col, rs_error *err)
{
    int rc = decode_row(t, vals, e, bad_col, err);
    if (rc != 0 || t != TABLE_ATTRIBUTES)
        return rc;
    /* Malformed for its kind: bad wherever it lands, so checked with no
     * account country. */
    attr_kind k;
    char norm[LOAD_ATTR_MAX];
    if (load_attr_value(NULL, GRAPH_NONE, &e->u.attr, &k, norm, err) < 0) {
        *bad_col = COLUMN_ATTRIBUTES_VALUE;
        return RS_E_VALUE;
    }
    return 0;
}

int load_check_row(table_id t, const tvalue *vals, decode_event *out)
{
    int bad_col;
    return check_event(t, vals, out, &bad_col, NULL);
}

int load_in_window(const load_window *w, const decode_event *e)
{
    /* Accounts and attributes are facts, not events. */
    if (e->table == TABLE_ACCOUNTS || e->table == TABLE_ATTRIBUTES ||
        e->table == TABLE_ACCOUNT_IDS || e->ts == TS_NONE)
        return 1;
    return (w->since == TS_NONE || e->ts >= w->since) && (w->until == TS_NONE || e->ts < w->until);
}

/* Consumer side of the pipeline: the row was checked by the producer, and
 * decoded and hashed by ahead_row (ev and keys), or neither (NULL). */
static void apply_row(rs_graph *g, table_id t, const tvalue *vals, const decode_event *ev,
                      const graph_keys *keys)
{
    decode_event own;
    int bad_col;
    if (ev)
        load_event(g, ev, keys);
    else if (decode_row(t, vals, &own, &bad_col, NULL) == 0)
        load_event(g, &own, NULL);
}

/* Consumer side, some rows ahead of apply_row: decodes the row and hashes
 * its keys (step 0), and requests from memory what adding it will touch. A
 * row that does not decode (the producer checked it: it does) is left out:
 * TABLE_COUNT, which load_event passes over. */
static void ahead_row(const rs_graph *g, table_id t, const tvalue *vals, decode_event *ev,
                      graph_keys *keys, int step)
{
    if (step == 0) {
        int bad_col;
        if (decode_row(t, vals, ev, &bad_col, NULL) != 0) {
            ev->table = TABLE_COUNT;
            return;
        }
        event_keys(ev, keys);
    }
    graph_prefetch(g, keys, step);
}

typedef struct {
    rowpipe *pipe;
    rs_graph *g;
    table_id table;
    uint32_t file; /* index in the load_set, for the digest */
    const load_window *window;
    rowindex *index;  /* NULL: rows' positions not recorded */
    table_rowpos pos; /* the current row's, from table_read */
    uint64_t *future; /* the current file's count of rows after the window */
    accountids *ids;
    const char *name;   /* the current file's, as shown */
    long line;          /* the current row's first line */
    rs_error fatal;     /* an account_ids conflict: fails the file once read */
    summary_writer *sw; /* the current file's summary being written, or NULL */
    FILE *diag;         /* notes, or NULL */
} piped;

static void index_row(piped *pc, const tvalue *vals)
{
    uint32_t key[2];
    rowindex_row_keys(pc->table, vals, key);
    rowindex_add(pc->index, pc->file, &pc->pos, key);
}

static void hash_piped(void *ctx, const void *data, size_t n)
{
    piped *pc = ctx;
    rowpipe_push_bytes(pc->pipe, pc->file, data, n);
}

/* The bytes of a file whose digest is already known. */
static void hash_dropped(void *ctx, const void *data, size_t n)
{
    (void)ctx;
    (void)data;
    (void)n;
}

/* Checks the row, then the window: a bad row is bad wherever its timestamp
 * lies. */
static int check_row(const piped *pc, const tvalue *vals, decode_event *e, int *bad_col,
                     rs_error *err)
{
    int rc = check_event(pc->table, vals, e, bad_col, err);
    if (rc == 0 && !load_in_window(pc->window, e)) {
        rc = TABLE_ROW_SKIP;
        if (pc->window->until != TS_NONE && e->ts >= pc->window->until)
            (*pc->future)++;
    }
    return rc;
}

/* An account_ids row goes into the map, not the graph. The first conflict
 * is kept to fail the file when it has been read. */
static int map_row(piped *pc, const tvalue *vals, int *bad_col, rs_error *err)
{
    decode_event e;
    int rc = check_event(TABLE_ACCOUNT_IDS, vals, &e, bad_col, err);
    rs_error conflict = {0};
    if (rc == 0 &&
        accountids_add(pc->ids, &e.u.account_id, pc->name, pc->line, &conflict) != RS_OK &&
        pc->fatal.code == RS_OK)
        pc->fatal = conflict;
    if (rc == 0 && pc->sw)
        summary_writer_row(pc->sw, vals, &pc->pos);
    return rc;
}

/* Producer side: checks the row and queues it for the graph thread, its
 * account ids translated (so the graph and the row index see the platform's
 * ids). */
static int on_row_piped(void *ctx, const tvalue *raw, int *bad_col, rs_error *err)
{
    piped *pc = ctx;
    if (pc->table == TABLE_ACCOUNT_IDS)
        return map_row(pc, raw, bad_col, err);
    tvalue buf[SCHEMA_MAX_COLS];
    const tvalue *vals = accountids_load_row(pc->ids, pc->file, pc->table, raw, buf);
    decode_event e;
    int rc = check_row(pc, vals, &e, bad_col, err);
    if (rc == 0) {
        rowpipe_push(pc->pipe, pc->table, vals);
        if (pc->index)
            index_row(pc, vals);
    }
    if (pc->sw && (rc == 0 || rc == TABLE_ROW_SKIP)) /* before the window, ids as written */
        summary_writer_row(pc->sw, raw, &pc->pos);
    return rc;
}

/* Without a pipeline: checks the row and applies it to the graph, if any. */
static int on_row_direct(void *ctx, const tvalue *raw, int *bad_col, rs_error *err)
{
    piped *pc = ctx;
    if (pc->table == TABLE_ACCOUNT_IDS)
        return map_row(pc, raw, bad_col, err);
    tvalue buf[SCHEMA_MAX_COLS];
    const tvalue *vals = accountids_load_row(pc->ids, pc->file, pc->table, raw, buf);
    decode_event e;
    int rc = check_row(pc, vals, &e, bad_col, err);
    if (rc == 0 && pc->g)
        load_event(pc->g, &e, NULL);
    if (rc == 0 && pc->index)
        index_row(pc, vals);
    if (pc->sw && (rc == 0 || rc == TABLE_ROW_SKIP))
        summary_writer_row(pc->sw, raw, &pc->pos);
    return rc;
}

int load_file_stat(const char *path, load_file_id *id)
{
    struct stat fs;
    memset(id, 0, sizeof *id);
    if (stat(path, &fs) != 0)
        return -1;
    id->size = (uint64_t)fs.st_size;
    id->ino = (uint64_t)fs.st_ino;
    id->mtime_ns = (int64_t)fs.st_mtim.tv_sec * 1000000000 + fs.st_mtim.tv_nsec;
    return 0;
}

int load_file_same(const load_file_id *a, const load_file_id *b)
{
    return a->size == b->size && a->ino == b->ino && a->mtime_ns == b->mtime_ns;
}

/* --- the summary cache ----------------------------------------------------- */

/* The path the cache's index knows f by: resolved, so that two spellings of
 * one input folder share entries (borrowed from f). */
static const char *cache_path_of(load_file *f)
{
    if (!f->cache_path) {
        char *r = realpath(f->path, NULL);
        f->cache_path = r ? r : xstrdup(f->path);
    }
    return f->cache_path;
}

/* The cache's parameter digest of f. */
static void cache_key(const load_set *set, const load_file *f, char key[SUMMARY_PARAMS_HEX + 1])
{
    summary_cache_key(set->cache, f->table, f->jsonl, f->map ? mapping_spec_text(f->map) : NULL,
                      key);
}

/* What load_tables keeps per run for the cache: the summary being read, and
 * the summaries written while their files were parsed, committed once the
 * files' digests are known (the graph thread computes them). */
typedef struct {
    summary_view view;
    summary_writer **pending; /* per file, or NULL */
    uint8_t *damaged;         /* per file: its summary was unsound */
    /* The config aliases that named a header of the file being parsed
     * (naliases bytes): a summary records its own file's, not the run's. */
    unsigned char *alias_file;
} cache_run;

/* 1 when every row of the summary in v still passes the row checks once
 * translated through the account_ids map as it stands: a map that changed
 * since the summary was made can make a rating one of a client rating
 * itself, which parsing would report as a bad row. */
static int summary_rows_pass(const piped *pc, summary_view *v)
{
    tvalue raw[SCHEMA_MAX_COLS], buf[SCHEMA_MAX_COLS];
    table_rowpos pos;
    int ok = 1;
    while (ok && summary_view_next(v, pc->table, raw, &pos)) {
        decode_event e;
        ok = load_check_row(pc->table, accountids_translate(pc->ids, pc->table, raw, buf), &e) == 0;
    }
    summary_view_rewind(v);
    return ok;
}

/* Feeds the rows of the summary in v through the row handler parsing uses,
 * counting them as table_read would. */
static void summary_replay(piped *pc, summary_view *v, load_file *f)
{
    tvalue raw[SCHEMA_MAX_COLS];
    table_rowpos pos;
    table_row_fn fn = pc->pipe ? on_row_piped : on_row_direct;
    while (summary_view_next(v, pc->table, raw, &pos)) {
        int bad_col = -1;
        pc->pos = pos;
        pc->line = pos.at.line;
        int rc = fn(pc, raw, &bad_col, NULL);
        if (rc == 0)
            f->st.rows_ok++;
        else if (rc == TABLE_ROW_SKIP)
            f->st.out_of_window++;
    }
}

/* The summary of file i, when the cache's index knows the file as it is
 * (size, modification time) and the summary is sound and still applies
 * (its times within the run's limit, its size within --max-input-bytes, its
 * rows passing the account_ids map): loaded into cr->view, returns 1 with
 * sha set. 0: parse the file. */
static int summary_usable(load_set *set, size_t i, const piped *pc, cache_run *cr,
                          uint64_t text_room, char sha[SHA256_HEX_LEN], const char **name_out)
{
    load_file *f = &set->files[i];
    const char *name;
    char key[SUMMARY_PARAMS_HEX + 1], why[128];
    if (!summary_cache_known(set->cache, cache_path_of(f), f->id.size, f->id.mtime_ns, sha, &name))
        return 0;
    cache_key(set, f, key);
    size_t nl = strlen(name);
    /* No summary (the file had diagnostics), or one of other parameters. */
    if (nl != 64 + 1 + SUMMARY_PARAMS_HEX + 5 || memcmp(name, sha, 64) != 0 ||
        memcmp(name + 65, key, SUMMARY_PARAMS_HEX) != 0)
        return 0;
    if (summary_view_load(set->cache, name, sha, key, f->table, &cr->view, why, sizeof why) != 0) {
        cr->damaged[i] = 1;
        if (pc->diag)
            utf8_diag(pc->diag, "",
                      "ringscan: note: cache: %s: summary %s is %s: reading the file "
                      "again",
                      f->name, name, why);
        return 0;
    }
    const summary_facts *fa = &cr->view.facts;
    if ((set->ts_latest != TS_NONE && fa->max_ts != TS_NONE && fa->max_ts > set->ts_latest) ||
        fa->st.text_bytes > text_room || fa->naliases != set->naliases)
        return 0;
    if (f->table != TABLE_ACCOUNT_IDS && accountids_count(pc->ids) &&
        !summary_rows_pass(pc, &cr->view))
        return 0;
    *name_out = name;
    return 1;
}

/* Reads file i from its summary (summary_usable said so). */
static void summary_load_file(load_set *set, size_t i, piped *pc, cache_run *cr,
                              const char sha[SHA256_HEX_LEN], const char *name)
{
    load_file *f = &set->files[i];
    const summary_facts *fa = &cr->view.facts;
    double t0 = proc_now();
    f->st = fa->st;
    summary_replay(pc, &cr->view, f);
    memcpy(f->st.sha256, sha, SHA256_HEX_LEN);
    f->st.seconds = proc_now() - t0;
    f->status = pc->fatal.code;
    if (f->map && fa->has_tally)
        f->tally = fa->tally;
    for (size_t k = 0; k < set->naliases; k++)
        set->alias_used[k] |= fa->alias_used[k];
    f->from_summary = 1;
    f->summary_bytes = cr->view.len;
    summary_counts *n = summary_cache_counts(set->cache);
    n->files_summarised++;
    n->summary_bytes += cr->view.len;
    summary_cache_record(set->cache, cache_path_of(f), f->id.size, f->id.mtime_ns, sha, name);
}

/* A file parsed with a summary being written: kept for commit when the
 * file is sound and printed nothing (a file with bad rows, blanked values
 * or ignored columns is parsed every run, so its diagnostics are printed
 * every run). */
static void summary_end_file(load_set *set, size_t i, piped *pc, cache_run *cr)
{
    load_file *f = &set->files[i];
    summary_counts *n = summary_cache_counts(set->cache);
    n->files_read++;
    n->input_bytes_read += f->st.raw_bytes;
    if (!pc->sw)
        return;
    summary_facts fa;
    memset(&fa, 0, sizeof fa);
    fa.st = f->st;
    fa.has_tally = f->map != NULL;
    if (f->map)
        fa.tally = f->tally;
    fa.alias_used = cr->alias_file;
    fa.naliases = set->naliases;
    if (f->status == RS_OK && !f->st.rows_bad && !f->st.values_blanked && !f->st.unknown[0] &&
        summary_writer_end(pc->sw, &fa) == 0)
        cr->pending[i] = pc->sw;
    else
        summary_writer_abort(pc->sw);
    pc->sw = NULL;
}

/* After the graph thread: each summary written is named by its file's
 * digest and put in place, and every file's digest recorded in the index. */
static void summary_commit_all(load_set *set, cache_run *cr)
{
    summary_counts *n = summary_cache_counts(set->cache);
    for (size_t i = 0; i < set->nfiles; i++) {
        load_file *f = &set->files[i];
        int ok = f->status == RS_OK && f->st.sha256[0];
        if (cr->pending[i] && ok) {
            if (summary_writer_commit(cr->pending[i], cache_path_of(f), f->id.size, f->id.mtime_ns,
                                      f->st.sha256) == 0 &&
                cr->damaged[i])
                n->rebuilt++;
        } else if (cr->pending[i]) {
            summary_writer_abort(cr->pending[i]);
        } else if (!f->from_summary) {
            summary_cache_record(set->cache, cache_path_of(f), f->id.size, f->id.mtime_ns,
                                 ok ? f->st.sha256 : NULL, NULL);
        }
    }
    free(cr->pending);
    free(cr->damaged);
    free(cr->alias_file);
    summary_view_free(&cr->view);
}

/* --- load_tables ------------------------------------------------------------ */

/* A copy (dup) is read once, as the file it copies. */
static void load_dup(load_set *set, size_t i, rowindex *index)
{
    load_file *f = &set->files[i];
    (void)load_file_stat(f->path, &f->id);
    f->status = RS_OK;
    f->st.raw_bytes = f->id.size;
    f->st.gzip = set->files[f->dup_of].st.gzip;
    if (index)
        rowindex_drop(index, i);
}

/* Parses file i (f->id already taken) with o, summarising it when the run
 * has a cache. Returns its status, with ferr set on failure. */
static int parse_file(load_set *set, size_t i, piped *pc, table_opts *o, rs_error *ferr)
{
    load_file *f = &set->files[i];
    /* A file hashed by load_find_duplicates (it had a same-size sibling) keeps
     * that digest: its bytes go to a sink that drops them, not through SHA-256
     * a second time. */
    char known[65];
    memcpy(known, f->st.sha256, sizeof known);
    if (pc->pipe)
        o->hash_sink = known[0] ? hash_dropped : hash_piped;
    o->map = f->map;
    pc->name = f->name;
    if (set->cache) {
        char key[SUMMARY_PARAMS_HEX + 1];
        cache_key(set, f, key);
        pc->sw = summary_writer_new(set->cache, f->table, key);
    }
    f->status = table_read(f->path, f->name, f->table, f->jsonl, o,
                           pc->pipe ? on_row_piped : on_row_direct, pc, &f->st, ferr);
    if (known[0])
        memcpy(f->st.sha256, known, sizeof known);
    if (f->status == RS_OK && pc->fatal.code != RS_OK) {
        f->status = pc->fatal.code;
        *ferr = pc->fatal;
    }
    if (f->map)
        f->tally = *mapping_tally_of(f->map);
    return f->status;
}

/* What every file read leaves behind, parsed or from its summary: its rows
 * dropped from the row index where the evidence pass must read it whole. */
static void file_done(const load_file *f, size_t i, rowindex *index)
{
    if (index && f->table == TABLE_ACCOUNT_IDS) /* no evidence in it */
        rowindex_drop(index, i);
    /* A mapped record may make several rows, and a JSON element's bytes
     * are not one line's: the evidence pass reads such files whole. */
    else if (index && (f->status != RS_OK || f->st.gzip || f->map || f->jsonl == TABLE_FMT_JSON))
        rowindex_drop(index, i);
}

int load_tables(load_set *set, rs_graph *g, const table_opts *opts, int keep_going, rs_error *err)
{
    int first_rc = RS_OK;
    table_opts o = *opts;
    o.bad_total = &set->bad_total;
    o.aliases = set->aliases;
    o.naliases = set->naliases;
    o.null_values = set->null_values;
    o.nnull_values = set->nnull_values;
    if (set->naliases && !set->alias_used)
        set->alias_used = xcalloc(set->naliases, 1);
    o.alias_used = set->alias_used;
    o.ts_latest = set->ts_latest;
    piped pc = {g && set->nfiles ? rowpipe_start(g, apply_row, ahead_row, set->nfiles) : NULL,
                g,
                TABLE_ACCOUNTS,
                0,
                &set->window,
                g ? set->index : NULL,
                {{0, 0, 0}, 0},
                NULL,
                NULL,
                NULL,
                0,
                {0},
                NULL,
                opts->diag};
    cache_run cr;
    memset(&cr, 0, sizeof cr);
    if (set->cache) {
        cr.pending = xcalloc(set->nfiles ? set->nfiles : 1, sizeof *cr.pending);
        cr.damaged = xcalloc(set->nfiles ? set->nfiles : 1, 1);
        cr.alias_file = xcalloc(set->naliases ? set->naliases : 1, 1);
    }
    accountids_free(set->ids);
    set->ids = pc.ids = accountids_new(set->nfiles);
    o.row_line = &pc.line;
    if (pc.index || set->cache) /* a summary keeps each row's position */
        o.row_pos = &pc.pos;
    if (pc.pipe) {
        o.hash_sink = hash_piped;
        o.hash_ctx = &pc;
    }
    uint64_t text_used = 0; /* decompressed bytes read so far, for the run-wide limit */
    for (size_t i = 0; i < set->nfiles; i++) {
        load_file *f = &set->files[i];
        rs_error ferr = {0};
        pc.table = f->table;
        pc.file = (uint32_t)i;
        pc.future = &f->future;
        pc.fatal.code = RS_OK;
        if (f->dup) {
            load_dup(set, i, pc.index);
            continue;
        }
        uint64_t room = UINT64_MAX;
        if (opts->lim.max_bytes) {
            o.lim.run_max = opts->lim.max_bytes;
            o.lim.max_bytes = text_used < opts->lim.max_bytes ? opts->lim.max_bytes - text_used : 1;
            room = o.lim.max_bytes;
        }
        (void)load_file_stat(f->path, &f->id);
        char sha[SHA256_HEX_LEN];
        const char *sname;
        if (set->cache && summary_usable(set, i, &pc, &cr, room, sha, &sname)) {
            pc.name = f->name;
            summary_load_file(set, i, &pc, &cr, sha, sname);
            if (f->status != RS_OK)
                ferr = pc.fatal;
        } else if (set->cache) {
            memset(cr.alias_file, 0, set->naliases);
            o.alias_used = cr.alias_file;
            parse_file(set, i, &pc, &o, &ferr);
            for (size_t k = 0; k < set->naliases; k++)
                set->alias_used[k] |= cr.alias_file[k];
            summary_end_file(set, i, &pc, &cr);
        } else {
            parse_file(set, i, &pc, &o, &ferr);
        }
        file_done(f, i, pc.index);
        text_used += f->st.text_bytes;
        set->out_of_window_total += f->st.out_of_window;
        set->future_total += f->future;
        if (f->status != RS_OK) {
            if (first_rc == RS_OK) {
                first_rc = f->status;
                if (err)
                    *err = ferr;
            }
            if (!keep_going)
                break;
            if (o.diag) /* keep_going: every file's fatal error, in order */
                utf8_diag(o.diag, o.progress ? "\r\033[K" : "", "ringscan: error: %s", ferr.msg);
        }
    }
    accountids_flush(set->ids);
    if (pc.pipe) {
        /* The graph and the input digests are complete once the consumer is. */
        char(*sha)[65] = xcalloc(set->nfiles, sizeof *sha);
        rowpipe_finish(pc.pipe, sha);
        for (size_t i = 0; i < set->nfiles; i++)
            if (sha[i][0] && !set->files[i].dup)
                memcpy(set->files[i].st.sha256, sha[i], 65);
        free(sha);
    }
    if (set->cache)
        summary_commit_all(set, &cr);
    return first_rc;
}

int load_check_aliases(const load_set *set, const char *const *given, rs_error *err)
{
    for (size_t i = 0; i < set->naliases; i++) {
        const schema_alias *a = &set->aliases[i];
        int judged = 0;
        for (size_t k = 0; k < set->nfiles && !judged; k++) {
            const load_file *f = &set->files[k];
            judged = !f->map && !f->dup && f->status == RS_OK &&
                     (!a->table || !strcmp(a->table, schema_table(f->table)->name));
        }
        if (!judged || (set->alias_used && set->alias_used[i]))
            continue;
        const char *g = given ? given[i] : a->from;
        return rs_error_set(err, RS_E_SCHEMA, NULL, 0, 0,
                            "config key 'columns.%s.%s' (read as %s) matches no header of %s%s%s",
                            a->table ? a->table : "*", g, a->to,
                            a->table ? "the files of table " : "any input file",
                            a->table ? a->table : "",
                            strchr(g, '.') ? ": a dotted name is not a path into nested records "
                                             "here; map nested fields with a mapping in "
                                             "\"sources\" (docs/loading.md)"
                                           : "");
    }
    return RS_OK;
}

/* 1 when file j may be a copy of an earlier file i of its table: the same
 * table and size (sizes from stat; an unreadable file is nobody's copy). */
static int dup_candidate(const load_file *fi, const load_file *fj, const load_file_id *ids,
                         size_t i, size_t j)
{
    return fi->table == fj->table && ids[i].size == ids[j].size && ids[i].ino && ids[j].ino;
}

int load_find_duplicates(load_set *set, rs_error *err)
{
    size_t n = set->nfiles;
    load_file_id *ids = xcalloc(n ? n : 1, sizeof *ids);
    uint8_t *cand = xcalloc(n ? n : 1, 1);
    int rc = RS_OK;
    for (size_t i = 0; i < n; i++)
        (void)load_file_stat(set->files[i].path, &ids[i]);
    /* Files are sorted by table, so a table's files are adjacent. */
    for (size_t i = 0; i < n; i++)
        for (size_t j = i + 1; j < n && set->files[j].table == set->files[i].table; j++)
            if (dup_candidate(&set->files[i], &set->files[j], ids, i, j))
                cand[i] = cand[j] = 1;
    for (size_t i = 0; i < n && rc == RS_OK; i++) {
        load_file *f = &set->files[i];
        const char *name;
        if (cand[i] &&
            !(set->cache && summary_cache_known(set->cache, cache_path_of(f), ids[i].size,
                                                ids[i].mtime_ns, f->st.sha256, &name)))
            rc = sha256_file_hex(f->path, f->st.sha256, NULL, err);
    }
    for (size_t j = 0; j < n && rc == RS_OK; j++) {
        load_file *fj = &set->files[j];
        for (size_t i = 0; cand[j] && i < j && !fj->dup; i++)
            if (cand[i] && !set->files[i].dup && dup_candidate(&set->files[i], fj, ids, i, j) &&
                !strcmp(set->files[i].st.sha256, fj->st.sha256)) {
                fj->dup = 1;
                fj->dup_of = i;
                set->ndups++;
            }
    }
    free(cand);
    free(ids);
    return rc;
}

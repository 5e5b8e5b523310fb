/* runrecord.c - the run's own record in run.json; see runrecord.h. */
#include "src/runrecord.h"

#include "algorithms/igraphenv.h"
#include "base/ts.h"
#include "base/alloc.h"
#include "base/buf.h"
#include "base/cmp.h"
#include "export/jsonout.h"

#include <csv.h>
#include <maxminddb.h>
#include <openssl/crypto.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sqlite3.h>
#include <xxhash.h>
#include <zlib.h>

static json_t *json_u64(uint64_t v)
{
    return json_integer((json_int_t)v);
}

/* What a file read through a mapping adds to its entry: the source it was
 * read as, rows taken, rows left out by reason and, for a file recognised by
 * content, how. Contract files have none of these keys, so their entries are
 * what they were. */
static void runrecord_source(json_t *o, const load_file *f)
{
    const mapping_tally *t = &f->tally;
    json_object_set_new(o, "source", jout_string(load_file_source(f)));
    json_object_set_new(o, "records_read", json_u64(t->records));
    json_object_set_new(o, "rows_taken", json_u64(t->rows));
    json_object_set_new(o, "rows_left_out", json_u64(t->left_out));
    json_t *why = json_object();
    for (size_t i = 0; i < t->nreasons; i++)
        json_object_set_new(why, t->reasons[i].reason, json_u64(t->reasons[i].count));
    if (t->other)
        json_object_set_new(why, "other", json_u64(t->other));
    json_object_set_new(o, "left_out_by_reason", why);
    if (f->vendor) {
        char hint[200];
        snprintf(hint, sizeof hint, "recognised by content as %s", load_file_source(f));
        json_object_set_new(o, "hint", jout_string(hint));
    }
}

/* A JSON array of n borrowed id strings. New reference. */
static json_t *ids_json(const char *const *ids, size_t n)
{
    json_t *a = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(a, jout_string(ids[i]));
    return a;
}

json_t *runrecord_inputs(const load_set *set)
{
    json_t *arr = json_array();
    for (size_t k = 0; k < set->nfiles; k++) {
        const load_file *f = &set->files[k];
        json_t *o = json_object();
        json_object_set_new(o, "table", json_string(records_table_name(f->table)));
        json_object_set_new(o, "file", jout_string(f->name));
        static const char *const fmts[] = {"csv", "jsonl", "json", "tsv"};
        json_object_set_new(o, "format", json_string(fmts[f->jsonl & 3]));
        json_object_set_new(o, "gzip", json_boolean(f->st.gzip));
        json_object_set_new(o, "bytes", json_u64(f->st.raw_bytes));
        json_object_set_new(o, "sha256", json_string(f->st.sha256));
        json_object_set_new(o, "rows_read", json_u64(f->st.rows_read));
        json_object_set_new(o, "rows_loaded", json_u64(f->st.rows_ok));
        json_object_set_new(o, "rows_skipped", json_u64(f->st.rows_bad));
        json_object_set_new(o, "rows_out_of_window", json_u64(f->st.out_of_window));
        json_object_set_new(o, "rows_future", json_u64(f->future));
        json_object_set_new(o, "duplicate_of",
                            f->dup ? jout_string(set->files[f->dup_of].name) : json_null());
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
        json_object_set_new(o, "values_blanked", json_u64(f->st.values_blanked));
        json_t *bl = json_object();
        for (size_t i = 0; i < f->st.nblanked; i++)
            json_object_set_new(bl, f->st.blanked[i].reason, json_u64(f->st.blanked[i].count));
        json_object_set_new(o, "blanked_by_reason", bl);
        json_t *mapped = json_object();
        if (f->st.mapped[0]) {
            char tmp[sizeof f->st.mapped];
            snprintf(tmp, sizeof tmp, "%s", f->st.mapped);
            for (char *save = NULL, *tok = strtok_r(tmp, ",", &save); tok;
                 tok = strtok_r(NULL, ",", &save)) {
                char *eq = strrchr(tok, '=');
                if (eq) {
                    *eq = '\0';
                    json_object_set_new(mapped, tok, json_string(eq + 1));
                }
            }
        }
        json_object_set_new(o, "columns_read_as", mapped);
        const accountids_file *af = accountids_file_stats(set->ids, k);
        if (af && f->table != TABLE_ACCOUNT_IDS) {
            json_t *ids = json_object();
            json_object_set_new(ids, "mapped", json_u64(af->mapped));
            json_object_set_new(ids, "unknown_values", json_u64(af->unknown));
            json_object_set_new(ids, "unknown_ids", json_u64(af->unknown_ids));
            json_object_set_new(ids, "unknown_examples", ids_json(af->examples, af->nexamples));
            json_object_set_new(o, "account_ids", ids);
        }
        if (f->map)
            runrecord_source(o, f);
        if (f->jsonl == TABLE_FMT_CSV || f->jsonl == TABLE_FMT_TSV) {
            char d[2] = {f->st.delimiter ? f->st.delimiter : ',', '\0'};
            json_object_set_new(o, "delimiter", json_string(d));
        }
        json_array_append_new(arr, o);
    }
    return arr;
}

json_t *runrecord_cache(const load_set *set, const summary_counts *c, const char *dir)
{
    json_t *o = json_object(), *files = json_array();
    uint64_t total = 0;
    for (size_t k = 0; k < set->nfiles; k++) {
        const load_file *f = &set->files[k];
        total += f->st.raw_bytes;
        const char *from = f->dup ? "duplicate" : f->from_summary ? "summary" : "parsed";
        json_array_append_new(files,
                              json_pack("{s:o, s:s, s:I}", "file", jout_string(f->name), "from",
                                        from, "summary_bytes", (json_int_t)f->summary_bytes));
    }
    json_object_set_new(o, "dir", jout_string(dir));
    json_object_set_new(o, "files_from_summary", json_u64(c->files_summarised));
    json_object_set_new(o, "files_parsed", json_u64(c->files_read));
    json_object_set_new(o, "input_bytes", json_u64(total));
    json_object_set_new(o, "input_bytes_read", json_u64(c->input_bytes_read));
    json_object_set_new(o, "summary_bytes_read", json_u64(c->summary_bytes));
    json_object_set_new(o, "summaries_written", json_u64(c->written));
    json_object_set_new(o, "summaries_rebuilt", json_u64(c->rebuilt));
    json_object_set_new(o, "summaries_pruned", json_u64(c->pruned));
    json_object_set_new(o, "write_failures", json_u64(c->write_failures));
    json_object_set_new(o, "files", files);
    return o;
}

json_t *runrecord_account_ids(const load_set *set)
{
    accountids_summary sum;
    accountids_summarise(set->ids, &sum);
    json_t *o = json_object();
    json_object_set_new(o, "mappings", json_u64(sum.mappings));
    json_object_set_new(o, "accounts_listed", json_u64(sum.listed));
    json_object_set_new(o, "mapped_to_unlisted", json_u64(sum.unlisted));
    json_object_set_new(o, "mapped_to_unlisted_examples",
                        ids_json(sum.unlisted_examples, sum.nunlisted_examples));
    json_object_set_new(o, "unknown_ids", json_u64(sum.unknown_ids));
    json_object_set_new(o, "unknown_examples", ids_json(sum.examples, sum.nexamples));
    json_object_set_new(o, "second_id_space", json_boolean(sum.second_space));
    return o;
}

json_t *runrecord_libraries(void)
{
    json_t *o = json_object();
    char b[64];
    json_object_set_new(o, "igraph", json_string(igraphenv_version()));
    json_object_set_new(o, "jansson", json_string(jansson_version_str()));
    json_object_set_new(o, "libmaxminddb", json_string(MMDB_lib_version()));
    snprintf(b, sizeof b, "%d.%d.%d", CSV_MAJOR, CSV_MINOR, CSV_RELEASE);
    json_object_set_new(o, "libcsv", json_string(b));
    json_object_set_new(o, "zlib", json_string(zlibVersion()));
    json_object_set_new(o, "openssl", json_string(OpenSSL_version(OPENSSL_VERSION)));
    unsigned xv = XXH_versionNumber();
    snprintf(b, sizeof b, "%u.%u.%u", xv / 10000, xv / 100 % 100, xv % 100);
    json_object_set_new(o, "xxhash", json_string(b));
    json_object_set_new(o, "sqlite", json_string(sqlite3_libversion()));
    return o;
}

json_t *runrecord_geoip(const geoip *gi, const geoip_stats *gs, json_t *skipped)
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
                            in->build_epoch
                                ? json_string(ts_format((int64_t)in->build_epoch * 1000, date))
                                : json_null());
        json_object_set_new(d, "sha256", json_string(in->sha256));
        json_t *files = json_array();
        for (int i = 0; i < in->nfiles; i++) {
            json_t *f = json_object();
            json_object_set_new(f, "path", jout_string(in->files[i]));
            json_object_set_new(f, "sha256", json_string(in->hashes[i]));
            json_array_append_new(files, f);
        }
        json_object_set_new(d, "files", files);
        if (k == GEOIP_ASN && !strcmp(in->type, "ASN ranges (CSV)"))
            json_object_set_new(d, "overlaps_resolved", json_u64(in->overlaps_resolved));
        json_object_set_new(d, "source", in->source ? jout_string(in->source) : json_null());
        json_object_set_new(d, "attribution",
                            in->attribution ? jout_string(in->attribution) : json_null());
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

json_t *runrecord_graph(const rs_graph *g)
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

char *runrecord_libraries_text(void)
{
    json_t *libs = runrecord_libraries();
    const char *names[16];
    size_t n = 0;
    const char *k;
    json_t *v;
    json_object_foreach(libs, k, v)
    {
        if (n < 16)
            names[n++] = k;
    }
    qsort(names, n, sizeof *names, cmp_str);
    rs_buf b = {0};
    for (size_t i = 0; i < n; i++)
        buf_printf(&b, "%s%s %s", i ? ", " : "", names[i],
                   json_string_value(json_object_get(libs, names[i])));
    char *out = xstrdup(b.data ? b.data : "");
    buf_free(&b);
    json_decref(libs);
    return out;
}

json_t *runrecord_phases(const runrecord_phase *ph, int n)
{
    json_t *arr = json_array();
    for (int i = 0; i < n; i++) {
        json_t *p = json_object();
        json_object_set_new(p, "name", json_string(ph[i].name));
        json_object_set_new(p, "seconds", jout_real(ph[i].seconds));
        json_object_set_new(p, "peak_rss_bytes", json_u64(ph[i].peak_rss));
        json_array_append_new(arr, p);
    }
    return arr;
}

/* eval.c - ringscan-eval: loads truth and ringscan's outputs and computes the report; see
 * eval.h.
 *
 * Representation: one record per truth account in an array, found by id through an
 * open-addressing hash table (FNV-1a, linear probing, load <= 1/2). Outputs are joined to
 * truth by account id; ids in the output that truth does not know are counted and ignored,
 * accounts missing from the output count as not flagged with risk score 0.
 * Memory is proportional to the number of accounts; time O(A log A + ring members).
 */
#include "datasets/eval/eval.h"

#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "datasets/eval/eval_csv.h"
#include "datasets/eval/eval_metrics.h"

typedef struct eval_acct {
    char *id, *ring, *pop, *behav, *flags, *group;
    int client;
    int in_out, flagged;
    double score;
    int ring_idx; /* index into the sorted true ring ids, or -1 */
    int sc_group; /* index of its shared-control group (population shared_control), or -1 */
} eval_acct;

typedef struct eval_data {
    eval_acct *a;
    size_t n, cap;
    size_t *slot; /* index + 1, 0 = empty */
    size_t nslot;
    size_t unknown_out, out_rows;
    /* header column indexes of the file being read */
    int c_id, c_ring, c_pop, c_behav, c_role, c_flagged, c_score, c_flags, c_group;
    const char *path;
    rs_error *err;
} eval_data;

/* Planted behaviours and the ringscan flags that detect them (issues 4 and 5). */
static const struct {
    const char *behaviour;
    const char *flags[3];
} eval_expected[] = {
    {"operator_abroad", {"COUNTRY_MISMATCH", NULL, NULL}},
    {"anon_network", {"ANON_NETWORK", NULL, NULL}},
    {"laptop_farm", {"SHARED_IP", "REMOTE_ACCESS", NULL}},
    {"shared_device", {"SHARED_DEVICE", NULL, NULL}},
    {"geo_hop", {"GEO_HOP", NULL, NULL}},
    {"long_session", {"LONG_SESSION", NULL, NULL}},
    {"bid_spam", {"BID_SPAM", NULL, NULL}},
    {"shill_rated", {"RATING_BURST", "RATING_LOCKSTEP", NULL}},
    {"shill_rating", {"RATING_BURST", "RATING_LOCKSTEP", NULL}},
    {"self_dealing", {"SELF_DEALING", NULL, NULL}},
    {"shared_payout", {"SHARED_PAYOUT", NULL, NULL}},
    {"high_risk_payout", {"HIGH_RISK_PAYOUT", NULL, NULL}},
    {"structured_charges", {"STRUCTURED_CHARGES", NULL, NULL}},
    {"camouflage", {NULL, NULL, NULL}},
    /* Disciplined rings (ringscan-gen --identity) and their identity traits: reported only
     * when the truth has such accounts, so reports of other worlds keep their lines. */
    {"disciplined", {NULL, NULL, NULL}},
    {"text_reuse", {NULL, NULL, NULL}},
    {"identity_reuse", {NULL, NULL, NULL}},
    {"photo_reuse", {NULL, NULL, NULL}},
    {"shipping_farm", {NULL, NULL, NULL}},
    {"mule_payout", {NULL, NULL, NULL}},
};
#define EVAL_NEXP (sizeof eval_expected / sizeof eval_expected[0])
#define EVAL_NEXP_ALWAYS 14 /* entries before the disciplined-ring ones */

static void *eval_xrealloc(void *p, size_t n)
{
    void *q = realloc(p, n ? n : 1);
    if (!q) {
        fprintf(stderr, "ringscan-eval: out of memory allocating %zu bytes\n", n);
        abort();
    }
    return q;
}

static char *eval_xstrdup(const char *s)
{
    size_t n = strlen(s) + 1;
    char *p = eval_xrealloc(NULL, n);
    memcpy(p, s, n);
    return p;
}

static uint64_t eval_hash(const char *s)
{
    uint64_t h = 1469598103934665603ull;
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211ull;
    return h;
}

static void eval_rehash(eval_data *d)
{
    size_t ns = d->nslot ? d->nslot * 2 : 1024;
    free(d->slot);
    d->slot = calloc(ns, sizeof *d->slot);
    if (!d->slot) {
        fprintf(stderr, "ringscan-eval: out of memory\n");
        abort();
    }
    d->nslot = ns;
    for (size_t i = 0; i < d->n; i++) {
        size_t h = (size_t)eval_hash(d->a[i].id) & (ns - 1);
        while (d->slot[h])
            h = (h + 1) & (ns - 1);
        d->slot[h] = i + 1;
    }
}

/* Index of id, or (size_t)-1. */
static size_t eval_find(const eval_data *d, const char *id)
{
    if (!d->nslot)
        return (size_t)-1;
    size_t h = (size_t)eval_hash(id) & (d->nslot - 1);
    while (d->slot[h]) {
        if (strcmp(d->a[d->slot[h] - 1].id, id) == 0)
            return d->slot[h] - 1;
        h = (h + 1) & (d->nslot - 1);
    }
    return (size_t)-1;
}

static const char *eval_field(char **f, size_t nf, int col)
{
    return col >= 0 && (size_t)col < nf ? f[col] : "";
}

static int eval_truth_row(void *ud, size_t rec, char **f, size_t nf)
{
    eval_data *d = ud;
    if (rec == 1) {
        d->c_id = eval_csv_column(f, nf, "account_id");
        d->c_ring = eval_csv_column(f, nf, "ring_id");
        d->c_pop = eval_csv_column(f, nf, "population");
        d->c_behav = eval_csv_column(f, nf, "behaviours");
        d->c_role = eval_csv_column(f, nf, "role");
        d->c_group = eval_csv_column(f, nf, "group_id");
        if (d->c_id < 0 || d->c_ring < 0) {
            rs_error_set(d->err, RS_E_SCHEMA, d->path, 0, 0, "missing column %s",
                         d->c_id < 0 ? "account_id" : "ring_id");
            return 1;
        }
        return 0;
    }
    const char *id = eval_field(f, nf, d->c_id);
    if (!*id)
        return 0;
    if (eval_find(d, id) != (size_t)-1) {
        rs_error_set(d->err, RS_E_FORMAT, d->path, 0, 0, "record %zu: duplicate account_id %s", rec,
                     id);
        return 1;
    }
    if (d->n == d->cap) {
        d->cap = d->cap ? d->cap * 2 : 1024;
        d->a = eval_xrealloc(d->a, d->cap * sizeof *d->a);
    }
    eval_acct *a = &d->a[d->n];
    memset(a, 0, sizeof *a);
    a->id = eval_xstrdup(id);
    a->ring = eval_xstrdup(eval_field(f, nf, d->c_ring));
    const char *pop = eval_field(f, nf, d->c_pop);
    a->pop = eval_xstrdup(*pop ? pop : (*a->ring ? "ring" : "benign"));
    a->behav = eval_xstrdup(eval_field(f, nf, d->c_behav));
    a->flags = eval_xstrdup("");
    a->group = eval_xstrdup(eval_field(f, nf, d->c_group));
    a->sc_group = -1;
    a->client =
        strcmp(eval_field(f, nf, d->c_role), "client") == 0 || strcmp(a->pop, "shill_client") == 0;
    a->ring_idx = -1;
    d->n++;
    if (d->n * 2 > d->nslot)
        eval_rehash(d);
    else {
        size_t h = (size_t)eval_hash(a->id) & (d->nslot - 1);
        while (d->slot[h])
            h = (h + 1) & (d->nslot - 1);
        d->slot[h] = d->n;
    }
    return 0;
}

static int eval_truthy(const char *s)
{
    return strcmp(s, "1") == 0 || strcmp(s, "true") == 0 || strcmp(s, "True") == 0 ||
           strcmp(s, "TRUE") == 0 || strcmp(s, "yes") == 0;
}

static int eval_out_row(void *ud, size_t rec, char **f, size_t nf)
{
    eval_data *d = ud;
    if (rec == 1) {
        d->c_id = eval_csv_column(f, nf, "account_id");
        d->c_flagged = eval_csv_column(f, nf, "flagged");
        d->c_score = eval_csv_column(f, nf, "risk_score");
        d->c_flags = eval_csv_column(f, nf, "flags");
        if (d->c_id < 0) {
            rs_error_set(d->err, RS_E_SCHEMA, d->path, 0, 0, "missing column account_id");
            return 1;
        }
        return 0;
    }
    d->out_rows++;
    size_t i = eval_find(d, eval_field(f, nf, d->c_id));
    if (i == (size_t)-1) {
        d->unknown_out++;
        return 0;
    }
    eval_acct *a = &d->a[i];
    a->in_out = 1;
    a->flagged = eval_truthy(eval_field(f, nf, d->c_flagged));
    const char *sc = eval_field(f, nf, d->c_score);
    a->score = 0;
    if (*sc) {
        char *end = NULL;
        errno = 0;
        double v = strtod(sc, &end);
        if (errno || *end || isnan(v)) {
            rs_error_set(d->err, RS_E_FORMAT, d->path, 0, 0,
                         "record %zu: risk_score '%s' is not a number", rec, sc);
            return 1;
        }
        a->score = v;
    }
    free(a->flags);
    a->flags = eval_xstrdup(eval_field(f, nf, d->c_flags));
    return 0;
}

/* Whether the ';'-separated list has token tok. */
static int eval_has_token(const char *list, const char *tok)
{
    size_t n = strlen(tok);
    for (const char *p = list; *p;) {
        const char *e = strchr(p, ';');
        size_t len = e ? (size_t)(e - p) : strlen(p);
        while (len && (*p == ' ')) {
            p++;
            len--;
        }
        if (len == n && strncmp(p, tok, n) == 0)
            return 1;
        if (!e)
            break;
        p = e + 1;
    }
    return 0;
}

static int eval_cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static json_t *eval_num(double v)
{
    /* jansson returns NULL for NaN/Inf: report undefined values as null. */
    json_t *j = isfinite(v) ? json_real(v) : NULL;
    return j ? j : json_null();
}

static json_t *eval_prf_json(const eval_prf *p)
{
    json_t *o = json_object();
    json_object_set_new(o, "tp", json_integer((json_int_t)p->tp));
    json_object_set_new(o, "fp", json_integer((json_int_t)p->fp));
    json_object_set_new(o, "fn", json_integer((json_int_t)p->fn));
    json_object_set_new(o, "tn", json_integer((json_int_t)p->tn));
    json_object_set_new(o, "precision", eval_num(p->precision));
    json_object_set_new(o, "recall", eval_num(p->recall));
    json_object_set_new(o, "f1", eval_num(p->f1));
    return o;
}

static json_t *eval_rank_json(const double *score, const int *label, const int *mask, size_t n)
{
    json_t *o = json_object();
    json_object_set_new(o, "roc_auc", eval_num(eval_metrics_auc(score, label, mask, n)));
    json_object_set_new(o, "average_precision", eval_num(eval_metrics_ap(score, label, mask, n)));
    return o;
}

/* Adds the member ids of array `arr` (strings, or objects with account_id/id) to the
 * reported ring being built: marks known accounts in `stamp` and counts distinct ids. */
static void eval_ring_members(const eval_data *d, const json_t *arr, unsigned *stamp, unsigned tag,
                              size_t *size, size_t *inter_count, int *touched, size_t *ntouched,
                              char ***unknown, size_t *nunknown)
{
    size_t k;
    json_t *v;
    if (!json_is_array(arr))
        return;
    json_array_foreach(arr, k, v)
    {
        const char *id = NULL;
        if (json_is_string(v))
            id = json_string_value(v);
        else if (json_is_object(v)) {
            json_t *x = json_object_get(v, "account_id");
            if (!json_is_string(x))
                x = json_object_get(v, "id");
            id = json_is_string(x) ? json_string_value(x) : NULL;
        }
        if (!id)
            continue;
        size_t i = eval_find(d, id);
        if (i == (size_t)-1) {
            /* Unknown ids still enlarge the reported ring; count each once. */
            int seen = 0;
            for (size_t u = 0; u < *nunknown; u++)
                if (strcmp((*unknown)[u], id) == 0)
                    seen = 1;
            if (!seen) {
                *unknown = eval_xrealloc(*unknown, (*nunknown + 1) * sizeof **unknown);
                (*unknown)[(*nunknown)++] = eval_xstrdup(id);
                (*size)++;
            }
            continue;
        }
        if (stamp[i] == tag)
            continue;
        stamp[i] = tag;
        (*size)++;
        int r = d->a[i].ring_idx;
        if (r >= 0) {
            if (inter_count[r] == 0)
                touched[(*ntouched)++] = r;
            inter_count[r]++;
        }
    }
}

static int eval_rings(const eval_data *d, const char *out_dir, char **ring_names, size_t nrings,
                      const size_t *ring_size, json_t *report, rs_error *err)
{
    char path[4096];
    json_t *root = NULL, *list = NULL, *per = json_array(), *summary = json_object();
    json_error_t jerr;
    struct stat sb;
    unsigned *stamp = calloc(d->n ? d->n : 1, sizeof *stamp);
    size_t *inter = calloc(nrings ? nrings : 1, sizeof *inter);
    int *touched = calloc(nrings ? nrings : 1, sizeof *touched);
    double *best = calloc(nrings ? nrings : 1, sizeof *best);
    char **best_id = calloc(nrings ? nrings : 1, sizeof *best_id);
    size_t nreported = 0, nshared = 0;
    int rc = -1;
    if (!stamp || !inter || !touched || !best || !best_id || !per || !summary) {
        rs_error_set(err, RS_E_NOMEM, NULL, 0, 0, "out of memory");
        goto cleanup;
    }
    snprintf(path, sizeof path, "%s/rings.json", out_dir);
    if (stat(path, &sb) == 0) {
        root = json_load_file(path, 0, &jerr);
        if (!root) {
            rs_error_set(err, RS_E_FORMAT, NULL, 0, 0, "%s:%d:%d: %s", path, jerr.line, jerr.column,
                         jerr.text);
            goto cleanup;
        }
        list = json_is_array(root) ? root : json_object_get(root, "rings");
        if (!json_is_array(list)) {
            rs_error_set(err, RS_E_FORMAT, path, 0, 0,
                         "expected an array of rings or an object with \"rings\"");
            goto cleanup;
        }
    }
    if (list) {
        size_t k;
        json_t *ring;
        json_array_foreach(list, k, ring)
        {
            size_t size = 0, ntouched = 0, nunknown = 0;
            char **unknown = NULL;
            const char *rid = "?";
            char ridbuf[32];
            if (!json_is_object(ring))
                continue;
            /* Shared-control clusters are not claimed to be rings: scored apart. */
            const char *kind = json_string_value(json_object_get(ring, "kind"));
            if (kind && strcmp(kind, "shared_control") == 0) {
                nshared++;
                continue;
            }
            json_t *jid = json_object_get(ring, "id");
            if (json_is_string(jid))
                rid = json_string_value(jid);
            else if (json_is_integer(jid)) {
                snprintf(ridbuf, sizeof ridbuf, "%lld", (long long)json_integer_value(jid));
                rid = ridbuf;
            }
            nreported++;
            unsigned tag = (unsigned)nreported;
            eval_ring_members(d, json_object_get(ring, "members"), stamp, tag, &size, inter,
                              touched, &ntouched, &unknown, &nunknown);
            eval_ring_members(d, json_object_get(ring, "shill_clients"), stamp, tag, &size, inter,
                              touched, &ntouched, &unknown, &nunknown);
            for (size_t t = 0; t < ntouched; t++) {
                int r = touched[t];
                double j = eval_metrics_jaccard(inter[r], ring_size[r], size);
                if (j > best[r]) {
                    best[r] = j;
                    free(best_id[r]);
                    best_id[r] = eval_xstrdup(rid);
                }
                inter[r] = 0;
            }
            for (size_t u = 0; u < nunknown; u++)
                free(unknown[u]);
            free(unknown);
        }
    }
    double sum = 0;
    size_t recovered = 0;
    for (size_t r = 0; r < nrings; r++) {
        json_t *o = json_object();
        json_object_set_new(o, "id", json_string(ring_names[r]));
        json_object_set_new(o, "size", json_integer((json_int_t)ring_size[r]));
        json_object_set_new(o, "best_match", best_id[r] ? json_string(best_id[r]) : json_null());
        json_object_set_new(o, "jaccard", eval_num(best[r]));
        json_array_append_new(per, o);
        sum += best[r];
        recovered += best[r] >= 0.5;
    }
    json_object_set_new(summary, "true_rings", json_integer((json_int_t)nrings));
    json_object_set_new(summary, "reported_rings", json_integer((json_int_t)nreported));
    json_object_set_new(summary, "reported_shared_control", json_integer((json_int_t)nshared));
    json_object_set_new(summary, "rings_json_present", json_boolean(list != NULL));
    json_object_set_new(summary, "mean_best_jaccard", eval_num(nrings ? sum / nrings : NAN));
    json_object_set_new(summary, "recovered_jaccard_0_5", json_integer((json_int_t)recovered));
    json_object_set_new(summary, "per_ring", per);
    per = NULL;
    json_object_set_new(report, "ring_recovery", summary);
    summary = NULL;
    rc = 0;
cleanup:
    json_decref(per);
    json_decref(summary);
    json_decref(root);
    free(stamp);
    free(inter);
    free(touched);
    free(best);
    for (size_t r = 0; best_id && r < nrings; r++)
        free(best_id[r]);
    free(best_id);
    return rc;
}

/* The simulator's shared-control groups (truth population shared_control, one
 * group_id each): how many there are, how many rings.json lists as a kind
 * shared_control cluster matching the group at Jaccard >= 0.5, and how many have a
 * flagged member. */
static void eval_shared_control(eval_data *d, const char *out_dir, json_t *report)
{
    char **gid = NULL;
    size_t ng = 0;
    for (size_t i = 0; i < d->n; i++) {
        eval_acct *a = &d->a[i];
        if (strcmp(a->pop, "shared_control") != 0 || !*a->group)
            continue;
        size_t g = 0;
        while (g < ng && strcmp(gid[g], a->group) != 0)
            g++;
        if (g == ng) {
            gid = eval_xrealloc(gid, (ng + 1) * sizeof *gid);
            gid[ng++] = a->group;
        }
        a->sc_group = (int)g;
    }
    if (!ng) {
        free(gid);
        return;
    }
    size_t *gsize = calloc(ng, sizeof *gsize), *inter = calloc(ng, sizeof *inter);
    uint8_t *listed = calloc(ng, 1), *flagged = calloc(ng, 1);
    if (!gsize || !inter || !listed || !flagged) {
        fprintf(stderr, "ringscan-eval: out of memory\n");
        abort();
    }
    for (size_t i = 0; i < d->n; i++)
        if (d->a[i].sc_group >= 0) {
            gsize[d->a[i].sc_group]++;
            flagged[d->a[i].sc_group] |= (uint8_t)d->a[i].flagged;
        }
    char path[4096];
    snprintf(path, sizeof path, "%s/rings.json", out_dir);
    json_t *root = json_load_file(path, 0, NULL);
    json_t *list = json_is_array(root) ? root : json_object_get(root, "rings");
    size_t k;
    json_t *ring;
    json_array_foreach(list, k, ring)
    {
        const char *kind = json_string_value(json_object_get(ring, "kind"));
        json_t *mem = json_object_get(ring, "members");
        if (!kind || strcmp(kind, "shared_control") != 0 || !json_is_array(mem))
            continue;
        memset(inter, 0, ng * sizeof *inter);
        size_t m;
        json_t *v;
        json_array_foreach(mem, m, v)
        {
            json_t *x = json_is_object(v) ? json_object_get(v, "account_id") : v;
            size_t i = json_is_string(x) ? eval_find(d, json_string_value(x)) : (size_t)-1;
            if (i != (size_t)-1 && d->a[i].sc_group >= 0)
                inter[d->a[i].sc_group]++;
        }
        for (size_t g = 0; g < ng; g++)
            if (inter[g] && eval_metrics_jaccard(inter[g], gsize[g], json_array_size(mem)) >= 0.5)
                listed[g] = 1;
    }
    size_t nl = 0, nf = 0;
    for (size_t g = 0; g < ng; g++) {
        nl += listed[g];
        nf += flagged[g];
    }
    json_t *o = json_object();
    json_object_set_new(o, "groups", json_integer((json_int_t)ng));
    json_object_set_new(o, "listed", json_integer((json_int_t)nl));
    json_object_set_new(o, "with_flagged_member", json_integer((json_int_t)nf));
    json_object_set_new(report, "shared_control_groups", o);
    json_decref(root);
    free(gid);
    free(gsize);
    free(inter);
    free(listed);
    free(flagged);
}

static void eval_free_data(eval_data *d)
{
    for (size_t i = 0; i < d->n; i++) {
        free(d->a[i].id);
        free(d->a[i].ring);
        free(d->a[i].pop);
        free(d->a[i].behav);
        free(d->a[i].flags);
        free(d->a[i].group);
    }
    free(d->a);
    free(d->slot);
}

/* Accounts and flagged accounts per population, over the ring accounts
 * (ring 1) or the benign ones (ring 0): {population: {accounts, flagged}}.
 * New reference. Both the benign FPR and the ring recall are shares of it. */
static json_t *eval_count_by_population(const eval_data *d, int ring)
{
    json_t *by = json_object();
    for (size_t i = 0; i < d->n; i++) {
        const eval_acct *a = &d->a[i];
        if (!*a->ring != !ring)
            continue;
        json_t *o = json_object_get(by, a->pop);
        if (!o) {
            o = json_object();
            json_object_set_new(o, "accounts", json_integer(0));
            json_object_set_new(o, "flagged", json_integer(0));
            json_object_set_new(by, a->pop, o);
        }
        json_t *na = json_object_get(o, "accounts"), *nf = json_object_get(o, "flagged");
        json_integer_set(na, json_integer_value(na) + 1);
        json_integer_set(nf, json_integer_value(nf) + a->flagged);
    }
    return by;
}

/* The false-positive rate per benign population, and overall, into
 * report's "benign_fpr" and "benign_fpr_overall". */
static void eval_benign_fpr(const eval_data *d, json_t *report)
{
    json_t *fpr = eval_count_by_population(d, 0);
    const char *key;
    json_t *val;
    size_t benign = 0, benign_flagged = 0;
    json_object_foreach(fpr, key, val)
    {
        json_int_t na = json_integer_value(json_object_get(val, "accounts"));
        json_int_t nf = json_integer_value(json_object_get(val, "flagged"));
        json_object_set_new(val, "fpr", eval_num(na ? (double)nf / (double)na : NAN));
        benign += (size_t)na;
        benign_flagged += (size_t)nf;
    }
    json_object_set_new(report, "benign_fpr", fpr);
    json_object_set_new(report, "benign_fpr_overall",
                        eval_num(benign ? (double)benign_flagged / (double)benign : NAN));
}

/* Recall per ring population (the simulator's ring_freelancer and shill_client, and with
 * --schemes one population per scheme: laptop_farm, slow_shill, rented...), into report's
 * "ring_population_recall": {population: {accounts, flagged, recall}}. Sorted by key
 * when dumped, like every object of the report. */
static void eval_population_recall(const eval_data *d, json_t *report)
{
    json_t *rec = eval_count_by_population(d, 1);
    const char *key;
    json_t *val;
    json_object_foreach(rec, key, val)
    {
        json_int_t na = json_integer_value(json_object_get(val, "accounts"));
        json_int_t nf = json_integer_value(json_object_get(val, "flagged"));
        json_object_set_new(val, "recall", eval_num(na ? (double)nf / (double)na : NAN));
    }
    json_object_set_new(report, "ring_population_recall", rec);
}

/* Recall per planted behaviour over ring accounts (flagged at all, and by
 * the flags that behaviour should raise), into report's "behaviour_recall". */
static void eval_behaviour_recall(const eval_data *d, json_t *report)
{
    json_t *beh = json_object();
    for (size_t b = 0; b < EVAL_NEXP; b++) {
        size_t n = 0, flagged = 0, hits = 0;
        for (size_t i = 0; i < d->n; i++) {
            const eval_acct *a = &d->a[i];
            if (!*a->ring || !eval_has_token(a->behav, eval_expected[b].behaviour))
                continue;
            n++;
            flagged += (size_t)a->flagged;
            for (int f = 0; f < 3 && eval_expected[b].flags[f]; f++) {
                if (eval_has_token(a->flags, eval_expected[b].flags[f])) {
                    hits++;
                    break;
                }
            }
        }
        if (n == 0 && b >= EVAL_NEXP_ALWAYS)
            continue;
        json_t *o = json_object(), *fl = json_array();
        for (int f = 0; f < 3 && eval_expected[b].flags[f]; f++)
            json_array_append_new(fl, json_string(eval_expected[b].flags[f]));
        json_object_set_new(o, "accounts", json_integer((json_int_t)n));
        json_object_set_new(o, "flagged", json_integer((json_int_t)flagged));
        json_object_set_new(o, "recall", eval_num(n ? (double)flagged / (double)n : NAN));
        json_object_set_new(o, "expected_flags", fl);
        if (eval_expected[b].flags[0]) {
            json_object_set_new(o, "flag_hits", json_integer((json_int_t)hits));
            json_object_set_new(o, "flag_recall", eval_num(n ? (double)hits / (double)n : NAN));
        }
        json_object_set_new(beh, eval_expected[b].behaviour, o);
    }
    json_object_set_new(report, "behaviour_recall", beh);
}

int eval_compute(json_t **out, const char *out_dir, const char *truth, rs_error *err)
{
    eval_data d;
    char tpath[4096], apath[4096];
    struct stat sb;
    int rc = -1;
    int *label = NULL, *pred = NULL, *mfree = NULL, *mcli = NULL;
    double *score = NULL;
    char **names = NULL;
    size_t *rsize = NULL, nnames = 0;
    json_t *report = NULL;
    memset(&d, 0, sizeof d);
    d.err = err;
    *out = NULL;
    if (stat(truth, &sb) == 0 && S_ISDIR(sb.st_mode))
        snprintf(tpath, sizeof tpath, "%s/truth.csv", truth);
    else
        snprintf(tpath, sizeof tpath, "%s", truth);
    snprintf(apath, sizeof apath, "%s/accounts.csv", out_dir);
    d.path = tpath;
    eval_rehash(&d);
    if (eval_csv_read(tpath, eval_truth_row, &d, err) != 0)
        goto cleanup;
    if (d.n == 0) {
        rs_error_set(err, RS_E_FORMAT, tpath, 0, 0, "no accounts");
        goto cleanup;
    }
    d.path = apath;
    if (eval_csv_read(apath, eval_out_row, &d, err) != 0)
        goto cleanup;

    /* True rings: distinct ring ids, sorted. */
    names = eval_xrealloc(NULL, d.n * sizeof *names);
    for (size_t i = 0; i < d.n; i++)
        if (*d.a[i].ring)
            names[nnames++] = d.a[i].ring;
    qsort(names, nnames, sizeof *names, eval_cmp_str);
    size_t u = 0;
    for (size_t i = 0; i < nnames; i++)
        if (u == 0 || strcmp(names[u - 1], names[i]) != 0)
            names[u++] = names[i];
    nnames = u;
    rsize = calloc(nnames ? nnames : 1, sizeof *rsize);
    label = calloc(d.n ? d.n : 1, sizeof *label);
    pred = calloc(d.n ? d.n : 1, sizeof *pred);
    mfree = calloc(d.n ? d.n : 1, sizeof *mfree);
    mcli = calloc(d.n ? d.n : 1, sizeof *mcli);
    score = calloc(d.n ? d.n : 1, sizeof *score);
    if (!rsize || !label || !pred || !mfree || !mcli || !score) {
        rs_error_set(err, RS_E_NOMEM, NULL, 0, 0, "out of memory");
        goto cleanup;
    }
    size_t in_out = 0;
    for (size_t i = 0; i < d.n; i++) {
        eval_acct *a = &d.a[i];
        if (*a->ring) {
            char **hit = bsearch(&a->ring, names, nnames, sizeof *names, eval_cmp_str);
            a->ring_idx = hit ? (int)(hit - names) : -1;
            if (hit)
                rsize[hit - names]++;
        }
        label[i] = *a->ring != 0;
        pred[i] = a->flagged;
        score[i] = a->score;
        mfree[i] = !a->client;
        mcli[i] = a->client;
        in_out += (size_t)a->in_out;
    }
    report = json_object();
    json_t *acc = json_object();
    json_object_set_new(acc, "truth", json_integer((json_int_t)d.n));
    json_object_set_new(acc, "output_rows", json_integer((json_int_t)d.out_rows));
    json_object_set_new(acc, "matched", json_integer((json_int_t)in_out));
    json_object_set_new(acc, "missing_from_output", json_integer((json_int_t)(d.n - in_out)));
    json_object_set_new(acc, "unknown_in_output", json_integer((json_int_t)d.unknown_out));
    json_object_set_new(report, "accounts", acc);

    eval_prf p;
    eval_metrics_prf(label, pred, mfree, d.n, &p);
    json_object_set_new(report, "ring_freelancers", eval_prf_json(&p));
    eval_metrics_prf(label, pred, mcli, d.n, &p);
    json_object_set_new(report, "shill_clients", eval_prf_json(&p));
    eval_metrics_prf(label, pred, NULL, d.n, &p);
    json_object_set_new(report, "all_ring_accounts", eval_prf_json(&p));
    json_t *rk = json_object();
    json_object_set_new(rk, "all", eval_rank_json(score, label, NULL, d.n));
    json_object_set_new(rk, "freelancers", eval_rank_json(score, label, mfree, d.n));
    json_object_set_new(rk, "clients", eval_rank_json(score, label, mcli, d.n));
    json_object_set_new(report, "risk_score", rk);

    if (eval_rings(&d, out_dir, names, nnames, rsize, report, err) != 0)
        goto cleanup;
    eval_shared_control(&d, out_dir, report);

    eval_benign_fpr(&d, report);
    eval_population_recall(&d, report);
    eval_behaviour_recall(&d, report);
    *out = report;
    report = NULL;
    rc = 0;
cleanup:
    json_decref(report);
    free(names);
    free(rsize);
    free(label);
    free(pred);
    free(mfree);
    free(mcli);
    free(score);
    eval_free_data(&d);
    return rc;
}

static double eval_get(const json_t *o, const char *a, const char *b)
{
    const json_t *x = json_object_get(o, a);
    if (b)
        x = json_object_get(x, b);
    return json_is_number(x) ? json_number_value(x) : NAN;
}

static void eval_fmt(char *buf, size_t n, double v)
{
    if (isnan(v))
        snprintf(buf, n, "%s", "-");
    else
        snprintf(buf, n, "%.3f", v);
}

int eval_print(const json_t *r, FILE *f)
{
    char a[16], b[16], c[16];
    const json_t *acc = json_object_get(r, "accounts");
    fprintf(f, "accounts: %lld in truth, %lld matched in output, %lld missing, %lld unknown\n\n",
            (long long)eval_get(acc, "truth", NULL), (long long)eval_get(acc, "matched", NULL),
            (long long)eval_get(acc, "missing_from_output", NULL),
            (long long)eval_get(acc, "unknown_in_output", NULL));
    fprintf(f, "%-22s %6s %6s %6s %9s %7s %7s\n", "flagged", "tp", "fp", "fn", "precision",
            "recall", "f1");
    const char *rows[] = {"ring_freelancers", "shill_clients", "all_ring_accounts"};
    for (size_t i = 0; i < 3; i++) {
        const json_t *p = json_object_get(r, rows[i]);
        eval_fmt(a, sizeof a, eval_get(p, "precision", NULL));
        eval_fmt(b, sizeof b, eval_get(p, "recall", NULL));
        eval_fmt(c, sizeof c, eval_get(p, "f1", NULL));
        fprintf(f, "%-22s %6lld %6lld %6lld %9s %7s %7s\n", rows[i],
                (long long)eval_get(p, "tp", NULL), (long long)eval_get(p, "fp", NULL),
                (long long)eval_get(p, "fn", NULL), a, b, c);
    }
    fprintf(f, "\n%-22s %9s %9s\n", "risk_score", "roc_auc", "avg_prec");
    const char *rk[] = {"all", "freelancers", "clients"};
    for (size_t i = 0; i < 3; i++) {
        const json_t *p = json_object_get(json_object_get(r, "risk_score"), rk[i]);
        eval_fmt(a, sizeof a, eval_get(p, "roc_auc", NULL));
        eval_fmt(b, sizeof b, eval_get(p, "average_precision", NULL));
        fprintf(f, "%-22s %9s %9s\n", rk[i], a, b);
    }
    const json_t *rr = json_object_get(r, "ring_recovery");
    eval_fmt(a, sizeof a, eval_get(rr, "mean_best_jaccard", NULL));
    fprintf(f,
            "\nring recovery: %lld true rings, %lld reported%s, mean best Jaccard %s, "
            "%lld recovered at >= 0.5\n",
            (long long)eval_get(rr, "true_rings", NULL),
            (long long)eval_get(rr, "reported_rings", NULL),
            json_is_true(json_object_get(rr, "rings_json_present")) ? "" : " (no rings.json)", a,
            (long long)eval_get(rr, "recovered_jaccard_0_5", NULL));
    size_t k;
    const json_t *v;
    json_array_foreach(json_object_get(rr, "per_ring"), k, v)
    {
        const json_t *bm = json_object_get(v, "best_match");
        eval_fmt(a, sizeof a, eval_get(v, "jaccard", NULL));
        fprintf(f, "  %-10s size %4lld  best %-10s jaccard %s\n",
                json_string_value(json_object_get(v, "id")), (long long)eval_get(v, "size", NULL),
                json_is_string(bm) ? json_string_value(bm) : "-", a);
    }
    const json_t *sc = json_object_get(r, "shared_control_groups");
    if (sc)
        fprintf(f,
                "\nshared-control groups: %lld, listed as shared_control %lld, with a flagged "
                "member %lld (and %lld shared_control clusters in rings.json)\n",
                (long long)eval_get(sc, "groups", NULL), (long long)eval_get(sc, "listed", NULL),
                (long long)eval_get(sc, "with_flagged_member", NULL),
                (long long)eval_get(rr, "reported_shared_control", NULL));
    fprintf(f, "\n%-22s %8s %8s %7s\n", "ring population", "accounts", "flagged", "recall");
    const char *key;
    const json_t *val;
    json_object_foreach(json_object_get(r, "ring_population_recall"), key, val)
    {
        eval_fmt(a, sizeof a, eval_get(val, "recall", NULL));
        fprintf(f, "%-22s %8lld %8lld %7s\n", key, (long long)eval_get(val, "accounts", NULL),
                (long long)eval_get(val, "flagged", NULL), a);
    }
    fprintf(f, "\n%-22s %8s %8s %7s\n", "benign population", "accounts", "flagged", "fpr");
    json_object_foreach(json_object_get(r, "benign_fpr"), key, val)
    {
        eval_fmt(a, sizeof a, eval_get(val, "fpr", NULL));
        fprintf(f, "%-22s %8lld %8lld %7s\n", key, (long long)eval_get(val, "accounts", NULL),
                (long long)eval_get(val, "flagged", NULL), a);
    }
    fprintf(f, "\n%-22s %8s %8s %7s %10s  %s\n", "planted behaviour", "accounts", "flagged",
            "recall", "flag_recall", "expected flags");
    json_object_foreach(json_object_get(r, "behaviour_recall"), key, val)
    {
        char flags[96] = "";
        size_t len = 0;
        const json_t *fl;
        json_array_foreach(json_object_get(val, "expected_flags"), k, fl)
        {
            int n = snprintf(flags + len, sizeof flags - len, "%s%s", len ? "," : "",
                             json_string_value(fl));
            if (n > 0 && (size_t)n < sizeof flags - len)
                len += (size_t)n;
        }
        eval_fmt(a, sizeof a, eval_get(val, "recall", NULL));
        eval_fmt(b, sizeof b, eval_get(val, "flag_recall", NULL));
        fprintf(f, "%-22s %8lld %8lld %7s %10s  %s\n", key,
                (long long)eval_get(val, "accounts", NULL),
                (long long)eval_get(val, "flagged", NULL), a, b, len ? flags : "-");
    }
    return ferror(f) ? -1 : 0;
}

static void eval_usage(FILE *f, const char *prog)
{
    fprintf(f,
            "usage: %s OUT_DIR TRUTH [--json FILE] [--quiet]\n\n"
            "Scores ringscan's OUT_DIR/accounts.csv and OUT_DIR/rings.json (optional)\n"
            "against the simulator's truth (TRUTH is a directory with truth.csv, or the\n"
            "file itself). Prints tables; --json also writes the report as JSON.\n\n"
            "options:\n"
            "  --json FILE   write the report as JSON to FILE ('-' for stdout)\n"
            "  --quiet       do not print the tables\n"
            "  --help        show this help\n",
            prog);
}

int eval_cli(int argc, char **argv)
{
    const char *prog = argc > 0 && argv[0] ? argv[0] : "ringscan-eval";
    const char *pos[2] = {NULL, NULL}, *json_path = NULL;
    int npos = 0, quiet = 0, rc = 1;
    rs_error err = {0};
    json_t *report = NULL;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            eval_usage(stdout, prog);
            return fflush(stdout) == 0 ? 0 : 1;
        } else if (strcmp(argv[i], "--json") == 0) {
            if (i + 1 >= argc) {
                fprintf(stderr, "%s: --json needs a FILE\nTry '%s --help'.\n", prog, prog);
                return 2;
            }
            json_path = argv[++i];
        } else if (strncmp(argv[i], "--json=", 7) == 0) {
            json_path = argv[i] + 7;
        } else if (strcmp(argv[i], "--quiet") == 0) {
            quiet = 1;
        } else if (argv[i][0] == '-' && argv[i][1]) {
            fprintf(stderr, "%s: unknown option '%s'\nTry '%s --help'.\n", prog, argv[i], prog);
            return 2;
        } else if (npos < 2) {
            pos[npos++] = argv[i];
        } else {
            fprintf(stderr, "%s: too many arguments\nTry '%s --help'.\n", prog, prog);
            return 2;
        }
    }
    if (npos != 2) {
        fprintf(stderr, "%s: need OUT_DIR and TRUTH\nTry '%s --help'.\n", prog, prog);
        return 2;
    }
    if (eval_compute(&report, pos[0], pos[1], &err) != 0) {
        fprintf(stderr, "%s: %s\n", prog, err.msg);
        goto cleanup;
    }
    if (!quiet && eval_print(report, stdout) != 0) {
        fprintf(stderr, "%s: cannot write to stdout\n", prog);
        goto cleanup;
    }
    if (json_path) {
        size_t flags = JSON_INDENT(2) | JSON_SORT_KEYS | JSON_REAL_PRECISION(6);
        int bad;
        if (strcmp(json_path, "-") == 0) {
            bad = json_dumpf(report, stdout, flags) != 0 || fputc('\n', stdout) == EOF;
        } else {
            char tmp[4096];
            snprintf(tmp, sizeof tmp, "%s.tmp", json_path);
            bad = json_dump_file(report, tmp, flags) != 0 || rename(tmp, json_path) != 0;
            if (bad)
                remove(tmp);
        }
        if (bad) {
            fprintf(stderr, "%s: cannot write %s\n", prog, json_path);
            goto cleanup;
        }
    }
    if (fflush(stdout) != 0 || ferror(stdout)) {
        fprintf(stderr, "%s: cannot write to stdout\n", prog);
        goto cleanup;
    }
    rc = 0;
cleanup:
    json_decref(report);
    return rc;
}

/* test_gen.c - the marketplace simulator: determinism for a seed, populations and ring
 * behaviours at their configured proportions, and truth consistent with the events
 * (ring members really share devices, farms really host members and expose RDP, shills
 * really rate members 5 stars, shared payouts and structured charges really happen). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <arpa/inet.h>
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "datasets/eval/eval_csv.h"
#include "datasets/gen/gen.h"

/* ------------------------------------------------------------- helpers */

static char *tmpdir(void)
{
    char tpl[] = "/tmp/ringscan-test-gen.XXXXXX";
    char *d = mkdtemp(tpl);
    assert_non_null(d);
    return strdup(d);
}

static void rmtree(const char *dir)
{
    char cmd[512];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    assert_int_equal(system(cmd), 0);
}

static void small_opts(gen_opts *o, const char *dir, uint64_t seed)
{
    gen_opts_init(o);
    o->outdir = dir;
    o->seed = seed;
    o->accounts = 1500;
    o->clients = 400;
    o->days = 21;
    o->rings = 4;
    o->ring_min = 5;
    o->ring_max = 12;
    o->quiet = 1;
}

static int files_equal(const char *a, const char *b)
{
    FILE *fa = fopen(a, "rb"), *fb = fopen(b, "rb");
    int eq = fa && fb;
    while (eq) {
        int ca = fgetc(fa), cb = fgetc(fb);
        if (ca != cb)
            eq = 0;
        if (ca == EOF || cb == EOF)
            break;
    }
    if (fa)
        fclose(fa);
    if (fb)
        fclose(fb);
    return eq;
}

static const char *const tables[] = {"accounts.csv", "logins.csv",  "bids.csv",
                                     "ratings.csv",  "payouts.csv", "charges.csv",
                                     "ports.csv",    "truth.csv",   "truth.json"};

/* A growable set of strings with sorted lookup. */
typedef struct strset {
    char **v;
    size_t n, cap;
    int sorted;
} strset;

static void strset_add(strset *s, const char *x)
{
    if (s->n == s->cap) {
        s->cap = s->cap ? s->cap * 2 : 256;
        s->v = realloc(s->v, s->cap * sizeof *s->v);
        assert_non_null(s->v);
    }
    s->v[s->n++] = strdup(x);
    s->sorted = 0;
}

static int cmpstr(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static int strset_has(strset *s, const char *x)
{
    if (s->n == 0)
        return 0;
    if (!s->sorted) {
        qsort(s->v, s->n, sizeof *s->v, cmpstr);
        s->sorted = 1;
    }
    return bsearch(&x, s->v, s->n, sizeof *s->v, cmpstr) != NULL;
}

static void strset_free(strset *s)
{
    for (size_t i = 0; i < s->n; i++)
        free(s->v[i]);
    free(s->v);
    memset(s, 0, sizeof *s);
}

/* Rows of a table as "field|field|..." strings, for ad-hoc joins. */
typedef struct rows_ctx {
    strset *out;
    int cols[6];
    const char *names[6];
    size_t ncols;
} rows_ctx;

static int rows_cb(void *ud, size_t rec, char **f, size_t nf)
{
    rows_ctx *c = ud;
    if (rec == 1) {
        for (size_t i = 0; i < c->ncols; i++) {
            c->cols[i] = eval_csv_column(f, nf, c->names[i]);
            assert_true(c->cols[i] >= 0);
        }
        return 0;
    }
    char buf[512];
    size_t len = 0;
    for (size_t i = 0; i < c->ncols; i++) {
        int n = snprintf(buf + len, sizeof buf - len, "%s%s", i ? "|" : "",
                         (size_t)c->cols[i] < nf ? f[c->cols[i]] : "");
        assert_true(n >= 0 && (size_t)n < sizeof buf - len);
        len += (size_t)n;
    }
    strset_add(c->out, buf);
    return 0;
}

static void load_rows(const char *dir, const char *table, strset *out, size_t ncols, ...)
{
    rows_ctx c;
    char path[512], err[512];
    va_list ap;
    memset(&c, 0, sizeof c);
    c.out = out;
    c.ncols = ncols;
    va_start(ap, ncols);
    for (size_t i = 0; i < ncols; i++)
        c.names[i] = va_arg(ap, const char *);
    va_end(ap);
    snprintf(path, sizeof path, "%s/%s", dir, table);
    assert_int_equal(eval_csv_read(path, rows_cb, &c, err, sizeof err), 0);
}

/* ------------------------------------------------------------- tests */

static void test_gen__same_seed_same_bytes(void **state)
{
    (void)state;
    char *a = tmpdir(), *b = tmpdir(), *c = tmpdir();
    gen_opts o;
    small_opts(&o, a, 42);
    assert_int_equal(gen_run(&o, "test"), 0);
    small_opts(&o, b, 42);
    assert_int_equal(gen_run(&o, "test"), 0);
    small_opts(&o, c, 43);
    assert_int_equal(gen_run(&o, "test"), 0);
    for (size_t i = 0; i < sizeof tables / sizeof tables[0]; i++) {
        char pa[512], pb[512], pc[512];
        snprintf(pa, sizeof pa, "%s/%s", a, tables[i]);
        snprintf(pb, sizeof pb, "%s/%s", b, tables[i]);
        snprintf(pc, sizeof pc, "%s/%s", c, tables[i]);
        if (!files_equal(pa, pb))
            fail_msg("%s differs between two runs with the same seed", tables[i]);
        if (strcmp(tables[i], "truth.json") != 0 && files_equal(pa, pc))
            fail_msg("%s is identical for seeds 42 and 43", tables[i]);
    }
    rmtree(a);
    rmtree(b);
    rmtree(c);
    free(a);
    free(b);
    free(c);
}

static void test_gen__no_temporary_files_left(void **state)
{
    (void)state;
    char *a = tmpdir();
    char cmd[600];
    gen_opts o;
    small_opts(&o, a, 5);
    o.gzip = 1;
    assert_int_equal(gen_run(&o, "test"), 0);
    snprintf(cmd, sizeof cmd,
             "test -z \"$(ls -A '%s' | grep '^\\.')\" && test -s '%s/logins.csv.gz'", a, a);
    assert_int_equal(system(cmd), 0);
    rmtree(a);
    free(a);
}

typedef struct pop_ctx {
    size_t count[32];
    const char *names[32];
    size_t nnames;
    int c_pop;
} pop_ctx;

static int pop_cb(void *ud, size_t rec, char **f, size_t nf)
{
    pop_ctx *c = ud;
    if (rec == 1) {
        c->c_pop = eval_csv_column(f, nf, "population");
        return 0;
    }
    for (size_t i = 0; i < c->nnames; i++)
        if (strcmp(f[c->c_pop], c->names[i]) == 0)
            c->count[i]++;
    return 0;
}

static void test_gen__populations_and_behaviours_at_configured_shares(void **state)
{
    (void)state;
    char *d = tmpdir();
    char path[512], err[512];
    gen_opts o;
    gen_opts_init(&o);
    o.outdir = d;
    o.seed = 11;
    o.accounts = 6000;
    o.clients = 1500;
    o.days = 10;
    o.rings = 150;
    o.ring_min = 3;
    o.ring_max = 5;
    o.shill_min = 1;
    o.shill_max = 2;
    o.quiet = 1;
    assert_int_equal(gen_run(&o, "test"), 0);

    pop_ctx pc;
    memset(&pc, 0, sizeof pc);
    const char *names[] = {"ordinary",
                           "mobile_cgnat",
                           "office",
                           "household",
                           "vpn",
                           "traveller",
                           "agency",
                           "overnight",
                           "heavy_bidder",
                           "milestone",
                           "ring_freelancer",
                           "client",
                           "enterprise_client",
                           "milestone_client",
                           "shill_client"};
    const double share[] = {
        0,          o.p_cgnat,     o.p_office,       o.p_household, o.p_vpn, o.p_traveller,
        o.p_agency, o.p_overnight, o.p_heavy_bidder, o.p_milestone};
    pc.nnames = sizeof names / sizeof names[0];
    memcpy(pc.names, names, sizeof names);
    snprintf(path, sizeof path, "%s/truth.csv", d);
    assert_int_equal(eval_csv_read(path, pop_cb, &pc, err, sizeof err), 0);
    for (size_t i = 0; i < pc.nnames; i++)
        if (pc.count[i] == 0)
            fail_msg("population %s is absent", names[i]);
    size_t ring = pc.count[10], benign = o.accounts - ring;
    for (size_t i = 1; i < 10; i++) {
        double want = share[i] * (double)benign;
        if (fabs((double)pc.count[i] - want) > 1.0)
            fail_msg("population %s: %zu accounts, configured %.1f", names[i], pc.count[i], want);
    }
    size_t clients = pc.count[11] + pc.count[12] + pc.count[13] + pc.count[14];
    assert_int_equal(clients, o.clients);
    double ent = (double)pc.count[12] / (double)(o.clients - pc.count[14]);
    assert_true(fabs(ent - o.p_enterprise) < 0.002);

    /* Ring-level behaviour shares over 150 rings: each within 0.15 of its probability
     * (the at-least-three-behaviours rule only adds). */
    json_error_t je;
    snprintf(path, sizeof path, "%s/truth.json", d);
    json_t *t = json_load_file(path, 0, &je);
    assert_non_null(t);
    json_t *rings = json_object_get(t, "rings");
    assert_int_equal(json_array_size(rings), 150);
    const char *bn[] = {"operator_abroad", "anon_network",      "laptop_farm", "shared_device",
                        "geo_hop",         "long_session",      "bid_spam",    "shill_rated",
                        "shared_payout",   "structured_charges"};
    const double bp[] = {o.b_abroad,        o.b_anon,         o.b_farm,     o.b_shared_device,
                         o.b_geo_hop,       o.b_long_session, o.b_bid_spam, o.b_shill,
                         o.b_shared_payout, o.b_structuring};
    for (size_t b = 0; b < sizeof bn / sizeof bn[0]; b++) {
        size_t k, n = 0;
        json_t *r, *v;
        json_array_foreach(rings, k, r)
        {
            size_t j;
            json_array_foreach(json_object_get(r, "behaviours"), j, v) n +=
                strcmp(json_string_value(v), bn[b]) == 0;
        }
        double f = (double)n / 150.0;
        if (f < bp[b] - 0.15 || f > bp[b] + 0.2)
            fail_msg("behaviour %s in %.2f of rings, configured %.2f", bn[b], f, bp[b]);
    }
    json_decref(t);
    rmtree(d);
    free(d);
}

static json_t *load_truth(const char *dir)
{
    char path[512];
    json_error_t je;
    snprintf(path, sizeof path, "%s/truth.json", dir);
    json_t *t = json_load_file(path, 0, &je);
    assert_non_null(t);
    return t;
}

static void test_gen__truth_consistent_with_events(void **state)
{
    (void)state;
    char *d = tmpdir();
    gen_opts o;
    gen_opts_init(&o);
    o.outdir = d;
    o.seed = 3;
    o.accounts = 3000;
    o.clients = 600;
    o.days = 45;
    o.rings = 6;
    o.ring_min = 8;
    o.ring_max = 16;
    /* Every behaviour in every ring, so each check below has cases. */
    o.b_abroad = o.b_anon = o.b_farm = o.b_shared_device = o.b_geo_hop = o.b_long_session = 1;
    o.b_bid_spam = o.b_shill = o.b_self_dealing = o.b_shared_payout = o.b_structuring = 1;
    o.quiet = 1;
    assert_int_equal(gen_run(&o, "test"), 0);

    strset accounts = {0}, logins = {0}, ratings = {0}, ports = {0}, payouts = {0}, charges = {0},
           truth = {0};
    load_rows(d, "accounts.csv", &accounts, 1, "account_id");
    load_rows(d, "logins.csv", &logins, 4, "account_id", "device_id", "ip", "ts");
    load_rows(d, "ratings.csv", &ratings, 3, "client_id", "freelancer_id", "stars");
    load_rows(d, "ports.csv", &ports, 2, "ip", "port");
    load_rows(d, "payouts.csv", &payouts, 2, "account_id", "destination_id");
    load_rows(d, "charges.csv", &charges, 3, "client_id", "freelancer_id", "instrument_id");
    load_rows(d, "truth.csv", &truth, 4, "account_id", "ring_id", "population", "behaviours");
    assert_int_equal(accounts.n, o.accounts + o.clients);
    assert_int_equal(truth.n, accounts.n);

    /* Logins: known accounts, valid IPv4, RFC 3339 UTC timestamps inside the period. */
    for (size_t i = 0; i < logins.n; i++) {
        char acc[64], dev[64], ip[64], ts[64];
        assert_int_equal(sscanf(logins.v[i], "%63[^|]|%63[^|]|%63[^|]|%63s", acc, dev, ip, ts), 4);
        struct in_addr a;
        assert_int_equal(inet_pton(AF_INET, ip, &a), 1);
        assert_int_equal(strlen(ts), 20);
        assert_true(ts[10] == 'T' && ts[19] == 'Z');
        assert_true(strncmp(ts, "2026-02-01", 10) >= 0 && strncmp(ts, "2026-03-18", 10) <= 0);
        if (i % 97 == 0)
            assert_true(strset_has(&accounts, acc));
    }

    json_t *t = load_truth(d);
    size_t k;
    json_t *ring;
    json_array_foreach(json_object_get(t, "rings"), k, ring)
    {
        json_t *members = json_object_get(ring, "members");
        json_t *shills = json_object_get(ring, "shill_clients");
        strset mem = {0};
        size_t j;
        json_t *v;
        json_array_foreach(members, j, v) strset_add(&mem, json_string_value(v));

        /* Shared device: some device is used by two or more members. */
        json_t *devs = json_object_get(json_object_get(ring, "shared_infrastructure"), "devices");
        if (json_array_size(devs) > 0) {
            int found = 0;
            json_array_foreach(devs, j, v)
            {
                strset users = {0};
                for (size_t i = 0; i < logins.n; i++) {
                    char acc[64], dev[64];
                    if (sscanf(logins.v[i], "%63[^|]|%63[^|]", acc, dev) == 2 &&
                        strcmp(dev, json_string_value(v)) == 0 && strset_has(&mem, acc) &&
                        !strset_has(&users, acc))
                        strset_add(&users, acc);
                }
                found |= users.n >= 2;
                strset_free(&users);
            }
            if (!found)
                fail_msg("ring %zu: no shared device used by two members", k);
        }
        /* Laptop farm: its IPs host members' sessions and expose RDP. */
        json_array_foreach(json_object_get(ring, "laptop_farm_ips"), j, v)
        {
            char key[80];
            int hosted = 0;
            snprintf(key, sizeof key, "%s|3389", json_string_value(v));
            assert_true(strset_has(&ports, key));
            for (size_t i = 0; i < logins.n && !hosted; i++) {
                char acc[64], dev[64], ip[64];
                if (sscanf(logins.v[i], "%63[^|]|%63[^|]|%63[^|]", acc, dev, ip) == 3 &&
                    strcmp(ip, json_string_value(v)) == 0 && strset_has(&mem, acc))
                    hosted = 1;
            }
            if (!hosted)
                fail_msg("ring %zu: farm IP %s hosts no member", k, json_string_value(v));
        }
        /* Shills: rate members, always 5 stars. */
        json_array_foreach(shills, j, v)
        {
            size_t rated = 0;
            for (size_t i = 0; i < ratings.n; i++) {
                char cl[64], fr[64];
                int stars;
                assert_int_equal(sscanf(ratings.v[i], "%63[^|]|%63[^|]|%d", cl, fr, &stars), 3);
                if (strcmp(cl, json_string_value(v)) == 0 && strset_has(&mem, fr)) {
                    assert_int_equal(stars, 5);
                    rated++;
                }
            }
            if (rated < 2)
                fail_msg("ring %zu: shill %s rated %zu members", k, json_string_value(v), rated);
        }
        /* Shared payout destinations receive payouts from two or more members. */
        json_t *dests =
            json_object_get(json_object_get(ring, "shared_infrastructure"), "destinations");
        if (json_array_size(dests)) {
            strset payers = {0};
            for (size_t i = 0; i < payouts.n; i++) {
                char acc[64], dst[64];
                assert_int_equal(sscanf(payouts.v[i], "%63[^|]|%63s", acc, dst), 2);
                json_array_foreach(dests, j, v)
                {
                    if (strcmp(dst, json_string_value(json_object_get(v, "id"))) == 0 &&
                        strset_has(&mem, acc) && !strset_has(&payers, acc))
                        strset_add(&payers, acc);
                }
            }
            if (payers.n < 2)
                fail_msg("ring %zu: %zu members paid to shared destinations", k, payers.n);
            strset_free(&payers);
        }
        /* Structured charges: exactly the configured number of instalments. */
        json_array_foreach(json_object_get(ring, "structured_charges"), j, v)
        {
            char key[200];
            size_t n = 0;
            snprintf(key, sizeof key, "%s|%s|%s",
                     json_string_value(json_object_get(v, "victim_client")),
                     json_string_value(json_object_get(v, "freelancer")),
                     json_string_value(json_object_get(v, "victim_instrument")));
            for (size_t i = 0; i < charges.n; i++)
                n += strcmp(charges.v[i], key) == 0;
            assert_int_equal(n, o.struct_instalments);
        }
        strset_free(&mem);
    }
    /* Every ring member is labelled with its ring in truth.csv. */
    size_t labelled = 0;
    for (size_t i = 0; i < truth.n; i++)
        labelled += strstr(truth.v[i], "|T0") != NULL;
    size_t expect = 0;
    json_array_foreach(json_object_get(t, "rings"), k, ring) expect +=
        json_array_size(json_object_get(ring, "members")) +
        json_array_size(json_object_get(ring, "shill_clients"));
    assert_int_equal(labelled, expect);
    json_decref(t);
    strset_free(&accounts);
    strset_free(&logins);
    strset_free(&ratings);
    strset_free(&ports);
    strset_free(&payouts);
    strset_free(&charges);
    strset_free(&truth);
    rmtree(d);
    free(d);
}

static void test_gen__cli_usage_errors(void **state)
{
    (void)state;
    char *argv1[] = {(char *)"gen", (char *)"--accounts", (char *)"abc",
                     (char *)"-o",  (char *)"/tmp/x",     NULL};
    assert_int_equal(gen_cli(5, argv1), 2);
    char *argv2[] = {(char *)"gen", (char *)"--bogus", NULL};
    assert_int_equal(gen_cli(2, argv2), 2);
    char *argv3[] = {(char *)"gen", (char *)"--p-vpn", (char *)"1.5",
                     (char *)"-o",  (char *)"/tmp/x",  NULL};
    assert_int_equal(gen_cli(5, argv3), 2);
    char *argv4[] = {(char *)"gen", (char *)"--accounts", (char *)"100", NULL};
    assert_int_equal(gen_cli(3, argv4), 2); /* no -o */
}

static void test_gen__too_many_ring_members_is_an_error(void **state)
{
    (void)state;
    char *d = tmpdir();
    gen_opts o;
    small_opts(&o, d, 1);
    o.accounts = 40;
    o.rings = 10;
    o.ring_min = 10;
    o.ring_max = 10;
    assert_int_equal(gen_run(&o, "test"), -1);
    rmtree(d);
    free(d);
}

/* truth.csv rows of the shared-control population: group ids and behaviours. */
typedef struct {
    int c_pop, c_group, c_behav;
    size_t n, with_group, with_behaviour;
} sc_ctx;

static int sc_cb(void *ud, size_t rec, char **f, size_t nf)
{
    sc_ctx *c = ud;
    if (rec == 1) {
        c->c_pop = eval_csv_column(f, nf, "population");
        c->c_group = eval_csv_column(f, nf, "group_id");
        c->c_behav = eval_csv_column(f, nf, "behaviours");
        return c->c_pop < 0 || c->c_group < 0 || c->c_behav < 0;
    }
    if (strcmp(f[c->c_pop], "shared_control") != 0)
        return 0;
    c->n++;
    c->with_group += f[c->c_group][0] == 'G';
    c->with_behaviour += strstr(f[c->c_behav], "shared_control") != NULL;
    return 0;
}

/* --randomize: the draw is keyed by the seed (the same seed, the same options; another
 * seed, others), keeps every share in its documented range and leaves at least 15 %
 * ordinary freelancers, and a randomised world holds every look-alike population. */
static void test_gen__randomized_worlds(void **state)
{
    (void)state;
    gen_opts a, b, c;
    gen_opts_init(&a);
    gen_opts_init(&b);
    gen_opts_init(&c);
    a.seed = b.seed = 5;
    c.seed = 6;
    gen_opts_randomize(&a);
    gen_opts_randomize(&b);
    gen_opts_randomize(&c);
    assert_memory_equal(&a, &b, sizeof a);
    assert_true(a.p_cgnat != c.p_cgnat && a.coverage != c.coverage);
    for (uint64_t s = 1; s <= 200; s++) {
        gen_opts o;
        gen_opts_init(&o);
        o.seed = s;
        gen_opts_randomize(&o);
        double sum = o.p_cgnat + o.p_office + o.p_household + o.p_vpn + o.p_traveller + o.p_agency +
                     o.p_overnight + o.p_heavy_bidder + o.p_milestone + o.p_shared_control +
                     o.p_relocator + o.p_cloud_desktop + o.p_crypto_payee + o.p_cohort;
        assert_true(sum <= 0.85 + 1e-9);
        assert_true(o.p_shared_control > 0 && o.p_shared_control <= 0.06);
        assert_true(o.coverage >= 0.4 && o.coverage < 0.9);
        assert_true(o.camouflage >= 0.05 && o.camouflage < 0.45);
        assert_true(o.rings >= 4 && o.rings <= 12);
        assert_true(o.ring_min >= 3 && o.ring_min <= o.ring_max && o.ring_max <= 40);
        assert_true(o.shared_min <= o.shared_max && o.cloud_min <= o.cloud_max &&
                    o.cohort_min <= o.cohort_max && o.team_min <= o.team_max);
    }
    char *d = tmpdir(), path[512], err[512];
    gen_opts o;
    gen_opts_init(&o);
    o.seed = 3;
    gen_opts_randomize(&o);
    o.outdir = d;
    o.accounts = 4000;
    o.clients = 1000;
    o.days = 30;
    o.quiet = 1;
    assert_int_equal(gen_run(&o, "test"), 0);
    pop_ctx pc;
    memset(&pc, 0, sizeof pc);
    const char *names[] = {"shared_control",     "relocator",       "cloud_desktop",
                           "crypto_payee",       "cohort",          "review_sweep_client",
                           "hiring_team_client", "milestone_client"};
    pc.nnames = sizeof names / sizeof names[0];
    memcpy(pc.names, names, sizeof names);
    snprintf(path, sizeof path, "%s/truth.csv", d);
    assert_int_equal(eval_csv_read(path, pop_cb, &pc, err, sizeof err), 0);
    for (size_t i = 0; i < pc.nnames; i++)
        if (pc.count[i] == 0)
            fail_msg("randomised world: population %s is absent", names[i]);
    sc_ctx sc;
    memset(&sc, 0, sizeof sc);
    assert_int_equal(eval_csv_read(path, sc_cb, &sc, err, sizeof err), 0);
    assert_true(sc.n > 0);
    assert_int_equal(sc.with_group, sc.n);
    assert_true(sc.with_behaviour * 10 >= sc.n * 9); /* all but the inactive */
    rmtree(d);
    free(d);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_gen__same_seed_same_bytes),
        cmocka_unit_test(test_gen__no_temporary_files_left),
        cmocka_unit_test(test_gen__populations_and_behaviours_at_configured_shares),
        cmocka_unit_test(test_gen__truth_consistent_with_events),
        cmocka_unit_test(test_gen__cli_usage_errors),
        cmocka_unit_test(test_gen__too_many_ring_members_is_an_error),
        cmocka_unit_test(test_gen__randomized_worlds),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

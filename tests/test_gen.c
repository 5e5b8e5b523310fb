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

#include "base/sha256.h"
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
    char path[512];
    rs_error err = {0};
    va_list ap;
    memset(&c, 0, sizeof c);
    c.out = out;
    c.ncols = ncols;
    va_start(ap, ncols);
    for (size_t i = 0; i < ncols; i++)
        c.names[i] = va_arg(ap, const char *);
    va_end(ap);
    snprintf(path, sizeof path, "%s/%s", dir, table);
    assert_int_equal(eval_csv_read(path, rows_cb, &c, &err), 0);
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
    char path[512];
    rs_error err = {0};
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
    assert_int_equal(eval_csv_read(path, pop_cb, &pc, &err), 0);
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
    char *d = tmpdir(), path[512];
    rs_error err = {0};
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
    assert_int_equal(eval_csv_read(path, pop_cb, &pc, &err), 0);
    for (size_t i = 0; i < pc.nnames; i++)
        if (pc.count[i] == 0)
            fail_msg("randomised world: population %s is absent", names[i]);
    sc_ctx sc;
    memset(&sc, 0, sizeof sc);
    assert_int_equal(eval_csv_read(path, sc_cb, &sc, &err), 0);
    assert_true(sc.n > 0);
    assert_int_equal(sc.with_group, sc.n);
    assert_true(sc.with_behaviour * 10 >= sc.n * 9); /* all but the inactive */
    rmtree(d);
    free(d);
}

/* ------------------------------------------------------------ --identity */

/* Digests of a world generated before --identity existed (same arguments): without the
 * option every file must stay byte-identical, for a default and a randomised world. */
static const struct {
    const char *args;
    const char *sha[9];
} identity_golden[] = {
    {"--seed 3",
     {"5ce415923af472e4c772246a5de8d06922c692b2ee40bf70b4f556d8adc20f18",
      "7e1070509ff5dff2804d24c8c367d714933e7b88d58a16b278ec62b61d7e5aeb",
      "1b6cb049e41ca0acfb68f2912271548fbe6dd894f4a3c06be690da6faa7fbf8f",
      "aa519e5e8f7564ece9a7f3936bc56b669cd84a823b8e71fac58705237db8b0af",
      "8efd286a673a151a969e49798b7ed7607ec319addd253137f03c9c77741e6242",
      "82af2e485a61ca2d92468f16870cc2a7c06653ed2d8bdc3fa4575e99167dba95",
      "8d135d41874355a49aaa3c947e1c01eecdd1f82652d5a2f0ce6b431bad7ad6f6",
      "9b380c72f57e60d4fb58123a544fb7f96e838d076f0673b2609aa49426bbf30d",
      "f84d9534dfc19c52099d0ab1a5c6d8e5bcf4649599beed9743a5b06b01cac9f7"}},
    {"--seed 5 --randomize",
     {"55454dcb8a4a049db560f86b206456cf7620cdc2cd77288dca1a08c9766bba65",
      "8065604052e25e3d1a115bc78eab7f79011947782ca669fa395852b2e64438c8",
      "a4b66589cbd4f39b3a11f0e3abaa3f1fa08aefa07580c6c379a7bb30389370f5",
      "11bd3e3a414e91329f8d2bb63e85608e056427f8ab12e590275fac56049f59fb",
      "ead8220cc9cb8d6a1795758dcb8d13ac5fc183dcd494489a9cc23c0c84f6636d",
      "29294bfb7a8b46fd4c64dba29413a804c14a16d7c693ad0452254e5297576656",
      "d0f86d3fc403c2f7a8b85b9140f4d0a078bdf5aacc96976ff0490013a79d0257",
      "fa38eb6f824094c338b7cad03005cbfcb54a52c3d4b8dfedea8ead042b2b3546",
      "8575045416e7a1967d2b9385c0eb81c67b7877977d1432a0cb0cf1c9f7f23736"}},
};

/* Runs the CLI with `args` (space-separated) plus a fixed small world into dir. */
static int gen_with_args(const char *args, const char *dir)
{
    char buf[512];
    char *argv[32];
    int argc = 0;
    snprintf(buf, sizeof buf, "%s --accounts 1500 --clients 400 --days 21 --quiet -o %s", args,
             dir);
    argv[argc++] = (char *)"ringscan-gen";
    for (char *p = buf; *p && argc < 30;) {
        argv[argc++] = p;
        while (*p && *p != ' ')
            p++;
        if (*p)
            *p++ = 0;
    }
    argv[argc] = NULL;
    return gen_cli(argc, argv);
}

static void test_gen__without_identity_bytes_unchanged(void **state)
{
    (void)state;
    for (size_t w = 0; w < sizeof identity_golden / sizeof identity_golden[0]; w++) {
        char *d = tmpdir();
        assert_int_equal(gen_with_args(identity_golden[w].args, d), 0);
        for (size_t i = 0; i < sizeof tables / sizeof tables[0]; i++) {
            char path[512], hex[SHA256_HEX_LEN];
            uint64_t bytes = 0;
            rs_error err = {0};
            snprintf(path, sizeof path, "%s/%s", d, tables[i]);
            assert_int_equal(sha256_file_hex(path, hex, &bytes, &err), RS_OK);
            if (strcmp(hex, identity_golden[w].sha[i]) != 0)
                fail_msg("%s: %s changed without --identity", identity_golden[w].args, tables[i]);
        }
        char attrs[512];
        snprintf(attrs, sizeof attrs, "%s/attributes.csv", d);
        assert_int_not_equal(access(attrs, F_OK), 0);
        rmtree(d);
        free(d);
    }
}

static void identity_opts(gen_opts *o, const char *dir, uint64_t seed)
{
    small_opts(o, dir, seed);
    o->identity = 1;
    o->disciplined_rings = 3;
    o->p_shared_control = 0.04;
    o->p_cohort = 0.03;
}

static void test_gen__identity_same_seed_same_bytes(void **state)
{
    (void)state;
    char *a = tmpdir(), *b = tmpdir();
    gen_opts o;
    identity_opts(&o, a, 9);
    assert_int_equal(gen_run(&o, "test"), 0);
    identity_opts(&o, b, 9);
    assert_int_equal(gen_run(&o, "test"), 0);
    const char *files[] = {"accounts.csv", "bids.csv",  "attributes.csv",
                           "logins.csv",   "truth.csv", "truth.json"};
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
        char pa[512], pb[512];
        snprintf(pa, sizeof pa, "%s/%s", a, files[i]);
        snprintf(pb, sizeof pb, "%s/%s", b, files[i]);
        if (!files_equal(pa, pb))
            fail_msg("%s differs between two --identity runs with the same seed", files[i]);
    }
    rmtree(a);
    rmtree(b);
    free(a);
    free(b);
}

/* attributes.csv rows, and truth rows, for the identity checks. */
#define ID_MAX 4096
typedef struct id_attr {
    char acct[12], kind[20], value[160];
} id_attr;
typedef struct id_ctx {
    id_attr *a;
    size_t n;
    int c[5];
    int header_ok;
} id_ctx;

static int id_attr_cb(void *ud, size_t rec, char **f, size_t nf)
{
    id_ctx *c = ud;
    if (rec == 1) {
        c->header_ok = nf == 5 && strcmp(f[0], "account_id") == 0 && strcmp(f[1], "kind") == 0 &&
                       strcmp(f[2], "value") == 0 && strcmp(f[3], "ts") == 0 &&
                       strcmp(f[4], "source") == 0;
        return 0;
    }
    if (nf < 3)
        return 0;
    if (c->n % ID_MAX == 0) {
        c->a = realloc(c->a, (c->n + ID_MAX) * sizeof *c->a);
        assert_non_null(c->a);
    }
    id_attr *x = &c->a[c->n++];
    snprintf(x->acct, sizeof x->acct, "%s", f[0]);
    snprintf(x->kind, sizeof x->kind, "%s", f[1]);
    snprintf(x->value, sizeof x->value, "%s", f[2]);
    return 0;
}

static const char *id_value(const id_ctx *c, const char *acct, const char *kind)
{
    for (size_t i = 0; i < c->n; i++)
        if (strcmp(c->a[i].acct, acct) == 0 && strcmp(c->a[i].kind, kind) == 0)
            return c->a[i].value;
    return NULL;
}

static void load_attrs(const char *dir, id_ctx *c)
{
    char path[512];
    rs_error err = {0};
    memset(c, 0, sizeof *c);
    snprintf(path, sizeof path, "%s/attributes.csv", dir);
    assert_int_equal(eval_csv_read(path, id_attr_cb, c, &err), 0);
    assert_true(c->header_ok);
}

/* Word counts of a table's text column; the first column's ids (accounts.csv). */
typedef struct text_ctx {
    int col;
    size_t rows, min, max, nids;
    char (*ids)[12];
} text_ctx;

static int text_cb(void *ud, size_t rec, char **f, size_t nf)
{
    text_ctx *c = ud;
    if (rec == 1) {
        c->col = eval_csv_column(f, nf, "text");
        assert_true(c->col >= 0);
        return 0;
    }
    assert_true((size_t)c->col < nf);
    size_t words = 1;
    for (const char *p = f[c->col]; *p; p++)
        words += *p == ' ';
    c->min = words < c->min ? words : c->min;
    c->max = words > c->max ? words : c->max;
    c->rows++;
    if (strcmp(f[1], "freelancer") == 0 || strcmp(f[1], "client") == 0) {
        c->ids = realloc(c->ids, (c->nids + 1) * sizeof *c->ids);
        assert_non_null(c->ids);
        snprintf(c->ids[c->nids++], sizeof c->ids[0], "%s", f[0]);
    }
    return 0;
}

static void test_gen__identity_attributes_and_texts(void **state)
{
    (void)state;
    char *d = tmpdir();
    gen_opts o;
    identity_opts(&o, d, 11);
    assert_int_equal(gen_run(&o, "test"), 0);
    id_ctx c;
    load_attrs(d, &c);
    const char *kinds[] = {"email",    "phone",      "name",          "address", "shipping_address",
                           "document", "photo_hash", "payout_holder", "url"};
    for (size_t k = 0; k < sizeof kinds / sizeof kinds[0]; k++) {
        size_t n = 0;
        for (size_t i = 0; i < c.n; i++)
            n += strcmp(c.a[i].kind, kinds[k]) == 0;
        if (n == 0)
            fail_msg("no %s attribute", kinds[k]);
    }
    /* Sorted by account, then kind; photo hashes are 16 lower-case hex digits. */
    for (size_t i = 1; i < c.n; i++) {
        int ca = strcmp(c.a[i - 1].acct, c.a[i].acct);
        assert_true(ca < 0 || (ca == 0 && strcmp(c.a[i - 1].kind, c.a[i].kind) < 0));
    }
    for (size_t i = 0; i < c.n; i++) {
        if (strcmp(c.a[i].kind, "photo_hash") != 0)
            continue;
        assert_int_equal(strlen(c.a[i].value), 16);
        assert_int_equal(strspn(c.a[i].value, "0123456789abcdef"), 16);
    }
    /* Every account has a name, an e-mail and a phone; texts are in the tables. */
    text_ctx tc;
    char path[512];
    rs_error err = {0};
    memset(&tc, 0, sizeof tc);
    tc.min = 1000000;
    snprintf(path, sizeof path, "%s/accounts.csv", d);
    assert_int_equal(eval_csv_read(path, text_cb, &tc, &err), 0);
    assert_int_equal(tc.rows, o.accounts + o.clients);
    assert_true(tc.min >= 40 && tc.max <= 140);
    for (size_t i = 0; i < tc.nids; i++) {
        assert_non_null(id_value(&c, tc.ids[i], "name"));
        assert_non_null(id_value(&c, tc.ids[i], "email"));
        assert_non_null(id_value(&c, tc.ids[i], "phone"));
    }
    free(tc.ids);
    memset(&tc, 0, sizeof tc);
    tc.min = 1000000;
    snprintf(path, sizeof path, "%s/bids.csv", d);
    assert_int_equal(eval_csv_read(path, text_cb, &tc, &err), 0);
    assert_true(tc.rows > 100);
    assert_true(tc.min >= 100 && tc.max <= 230);
    free(tc.ids);
    free(c.a);
    rmtree(d);
    free(d);
}

/* Members of each disciplined ring (from truth.json) share no login address, device or
 * payout destination; each shows at least two traits; the ring's shared phones are few. */
static void test_gen__disciplined_rings_share_no_infrastructure(void **state)
{
    (void)state;
    char *d = tmpdir();
    gen_opts o;
    identity_opts(&o, d, 13);
    assert_int_equal(gen_run(&o, "test"), 0);
    json_t *t = load_truth(d);
    strset logins, payouts;
    memset(&logins, 0, sizeof logins);
    memset(&payouts, 0, sizeof payouts);
    load_rows(d, "logins.csv", &logins, 3, "account_id", "ip", "device_id");
    load_rows(d, "payouts.csv", &payouts, 2, "account_id", "destination_id");
    id_ctx c;
    load_attrs(d, &c);
    size_t rings = 0, i;
    json_t *r;
    json_array_foreach(json_object_get(t, "rings"), i, r)
    {
        const char *tactic = json_string_value(json_object_get(r, "tactic"));
        if (!tactic || strcmp(tactic, "disciplined") != 0)
            continue;
        rings++;
        json_t *members = json_object_get(r, "members"),
               *traits = json_object_get(r, "member_traits");
        size_t nm = json_array_size(members);
        assert_true(nm >= 6 && nm <= 12);
        /* owner of every ip, device and destination seen for the members */
        strset seen;
        memset(&seen, 0, sizeof seen);
        char phones[12][16];
        size_t nphones = 0;
        for (size_t m = 0; m < nm; m++) {
            const char *id = json_string_value(json_array_get(members, m));
            json_t *tr = json_object_get(traits, id);
            size_t ntr = 0, k;
            json_t *b;
            json_array_foreach(tr, k, b)
            {
                const char *s = json_string_value(b);
                ntr += strcmp(s, "text_reuse") == 0 || strcmp(s, "identity_reuse") == 0 ||
                       strcmp(s, "photo_reuse") == 0 || strcmp(s, "shipping_farm") == 0 ||
                       strcmp(s, "mule_payout") == 0;
                if (strcmp(s, "identity_reuse") == 0) {
                    /* last ten digits of the phone, whatever its format */
                    const char *ph = id_value(&c, id, "phone");
                    char dig[32];
                    size_t nd = 0;
                    if (!ph)
                        fail_msg("%s has no phone", id);
                    for (; ph && *ph && nd + 1 < sizeof dig; ph++)
                        if (*ph >= '0' && *ph <= '9')
                            dig[nd++] = *ph;
                    dig[nd] = 0;
                    assert_true(nd >= 10);
                    size_t q = 0;
                    while (q < nphones && strcmp(phones[q], dig + nd - 10) != 0)
                        q++;
                    if (q == nphones)
                        snprintf(phones[nphones++], sizeof phones[0], "%s", dig + nd - 10);
                }
            }
            assert_true(ntr >= 2);
            char pre[16];
            snprintf(pre, sizeof pre, "%s|", id);
            for (size_t k2 = 0; k2 < logins.n; k2++) {
                if (strncmp(logins.v[k2], pre, strlen(pre)) != 0)
                    continue;
                const char *ip = logins.v[k2] + strlen(pre), *dev = strchr(ip, '|') + 1;
                char key[96];
                snprintf(key, sizeof key, "ip:%.*s|%s", (int)(dev - 1 - ip), ip, id);
                strset_add(&seen, key);
                snprintf(key, sizeof key, "dev:%s|%s", dev, id);
                strset_add(&seen, key);
            }
            for (size_t k2 = 0; k2 < payouts.n; k2++) {
                if (strncmp(payouts.v[k2], pre, strlen(pre)) != 0)
                    continue;
                char key[96];
                snprintf(key, sizeof key, "dst:%s|%s", payouts.v[k2] + strlen(pre), id);
                strset_add(&seen, key);
            }
        }
        assert_true(nphones <= 3);
        /* No resource (ip:X, dev:X, dst:X) may appear with two owners. */
        qsort(seen.v, seen.n, sizeof *seen.v, cmpstr);
        for (size_t k2 = 1; k2 < seen.n; k2++) {
            const char *a = seen.v[k2 - 1], *b = seen.v[k2];
            size_t la = (size_t)(strrchr(a, '|') - a), lb = (size_t)(strrchr(b, '|') - b);
            if (la == lb && strncmp(a, b, la) == 0 && strcmp(a, b) != 0)
                fail_msg("%s and %s share a resource", a, b);
        }
        strset_free(&seen);
    }
    assert_int_equal(rings, 3);
    strset_free(&logins);
    strset_free(&payouts);
    free(c.a);
    json_decref(t);
    rmtree(d);
    free(d);
}

/* Household members share their home address (same number and street, whatever the
 * formatting). */
typedef struct hh_ctx {
    char (*id)[12];
    char (*grp)[12];
    size_t n;
    int c_id, c_pop, c_grp;
} hh_ctx;

static int hh_cb(void *ud, size_t rec, char **f, size_t nf)
{
    hh_ctx *c = ud;
    if (rec == 1) {
        c->c_id = eval_csv_column(f, nf, "account_id");
        c->c_pop = eval_csv_column(f, nf, "population");
        c->c_grp = eval_csv_column(f, nf, "group_id");
        return 0;
    }
    if (strcmp(f[c->c_pop], "household") != 0)
        return 0;
    c->id = realloc(c->id, (c->n + 1) * sizeof *c->id);
    c->grp = realloc(c->grp, (c->n + 1) * sizeof *c->grp);
    assert_non_null(c->id);
    assert_non_null(c->grp);
    snprintf(c->id[c->n], sizeof c->id[0], "%s", f[c->c_id]);
    snprintf(c->grp[c->n], sizeof c->grp[0], "%s", f[c->c_grp]);
    c->n++;
    return 0;
}

/* "938 HIGH AVE ..." -> "938 high" */
static void hh_street(const char *addr, char *out, size_t cap)
{
    size_t n = 0;
    int spaces = 0;
    for (; *addr && n + 1 < cap; addr++) {
        if (*addr == ' ' && ++spaces == 2)
            break;
        out[n++] = (char)(*addr >= 'A' && *addr <= 'Z' ? *addr - 'A' + 'a' : *addr);
    }
    out[n] = 0;
}

static void test_gen__households_share_addresses(void **state)
{
    (void)state;
    char *d = tmpdir();
    gen_opts o;
    identity_opts(&o, d, 17);
    assert_int_equal(gen_run(&o, "test"), 0);
    id_ctx c;
    load_attrs(d, &c);
    hh_ctx h;
    char path[512];
    rs_error err = {0};
    memset(&h, 0, sizeof h);
    snprintf(path, sizeof path, "%s/truth.csv", d);
    assert_int_equal(eval_csv_read(path, hh_cb, &h, &err), 0);
    assert_true(h.n >= 20);
    size_t pairs = 0;
    for (size_t i = 0; i < h.n; i++) {
        for (size_t j = i + 1; j < h.n; j++) {
            if (strcmp(h.grp[i], h.grp[j]) != 0)
                continue;
            const char *a = id_value(&c, h.id[i], "address"), *b = id_value(&c, h.id[j], "address");
            assert_non_null(a);
            assert_non_null(b);
            char sa[64], sb[64];
            hh_street(a, sa, sizeof sa);
            hh_street(b, sb, sizeof sb);
            assert_string_equal(sa, sb);
            pairs++;
        }
    }
    assert_true(pairs >= 10);
    free(h.id);
    free(h.grp);
    free(c.a);
    rmtree(d);
    free(d);
}

/* ------------------------------------------------------------- --schemes 2025 */

/* One row of a scheme world's tables, the fields the checks below need. */
typedef struct sch_row {
    char id[16], a[96], b[96], c[32];
    long long ts; /* seconds since the epoch, or 0 */
    long long n;  /* session seconds, stars */
} sch_row;

typedef struct sch_tab {
    sch_row *v;
    size_t n, cap;
    int col[5];
    const char *names[5];
} sch_tab;

/* 2026-02-01T00:00:00Z style timestamps to epoch seconds (days from civil, Hinnant). */
static long long sch_ts(const char *s)
{
    int y, m, d, hh, mm, ss;
    if (sscanf(s, "%4d-%2d-%2dT%2d:%2d:%2d", &y, &m, &d, &hh, &mm, &ss) != 6)
        return 0;
    y -= m <= 2;
    long long era = (y >= 0 ? y : y - 399) / 400;
    unsigned yoe = (unsigned)(y - era * 400);
    unsigned doy = (153 * (unsigned)(m + (m > 2 ? -3 : 9)) + 2) / 5 + (unsigned)d - 1;
    unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return (era * 146097 + (long long)doe - 719468) * 86400 + hh * 3600 + mm * 60 + ss;
}

static int sch_tab_cb(void *ud, size_t rec, char **f, size_t nf)
{
    sch_tab *t = ud;
    if (rec == 1) {
        for (int i = 0; i < 5; i++)
            t->col[i] = t->names[i] ? eval_csv_column(f, nf, t->names[i]) : -1;
        return 0;
    }
    if (t->n == t->cap) {
        t->cap = t->cap ? t->cap * 2 : 1024;
        t->v = realloc(t->v, t->cap * sizeof *t->v);
        assert_non_null(t->v);
    }
    sch_row *r = &t->v[t->n++];
    memset(r, 0, sizeof *r);
#define SCH_GET(k) (t->col[k] >= 0 && (size_t)t->col[k] < nf ? f[t->col[k]] : "")
    snprintf(r->id, sizeof r->id, "%s", SCH_GET(0));
    snprintf(r->a, sizeof r->a, "%s", SCH_GET(1));
    snprintf(r->b, sizeof r->b, "%s", SCH_GET(2));
    snprintf(r->c, sizeof r->c, "%s", SCH_GET(3));
    r->ts = sch_ts(SCH_GET(4));
    r->n = strtoll(SCH_GET(3), NULL, 10);
#undef SCH_GET
    return 0;
}

/* Loads columns (id, a, b, c, ts) of table into t; NULL names are left empty. */
static void sch_load(sch_tab *t, const char *dir, const char *table, const char *id, const char *a,
                     const char *b, const char *c, const char *ts)
{
    char path[512];
    rs_error err = {0};
    memset(t, 0, sizeof *t);
    const char *names[5] = {id, a, b, c, ts};
    memcpy(t->names, names, sizeof names);
    snprintf(path, sizeof path, "%s/%s", dir, table);
    assert_int_equal(eval_csv_read(path, sch_tab_cb, t, &err), 0);
}

/* truth.csv: id -> population and ring (a = population, b = ring_id). */
static int sch_cmp_id(const void *key, const void *row)
{
    return strcmp(key, ((const sch_row *)row)->id);
}

/* truth.csv is sorted by account id, so a binary search finds a row. */
static const sch_row *sch_truth(const sch_tab *truth, const char *id)
{
    return bsearch(id, truth->v, truth->n, sizeof *truth->v, sch_cmp_id);
}

static int sch_pop_is(const sch_tab *truth, const char *id, const char *pop)
{
    const sch_row *r = sch_truth(truth, id);
    return r && strcmp(r->a, pop) == 0;
}

static const char *sch_attr(const sch_tab *attrs, const char *id, const char *kind)
{
    for (size_t i = 0; i < attrs->n; i++)
        if (strcmp(attrs->v[i].id, id) == 0 && strcmp(attrs->v[i].a, kind) == 0)
            return attrs->v[i].b;
    return NULL;
}

static void schemes_opts(gen_opts *o, const char *dir, uint64_t seed)
{
    small_opts(o, dir, seed);
    o->days = 60;
    o->enrich = 1;
    o->schemes = 2025;
    o->identity = 1;
}

/* With --schemes the base accounts' rows are the same bytes, in the same order: the
 * scheme rows only follow them. */
static void test_gen__schemes_leave_base_rows_unchanged(void **state)
{
    (void)state;
    char *a = tmpdir(), *b = tmpdir();
    gen_opts o;
    identity_opts(&o, a, 21);
    assert_int_equal(gen_run(&o, "test"), 0);
    identity_opts(&o, b, 21);
    o.schemes = 2025;
    assert_int_equal(gen_run(&o, "test"), 0);
    static const char *const t[] = {"accounts.csv", "logins.csv",  "bids.csv",  "ratings.csv",
                                    "payouts.csv",  "charges.csv", "ports.csv", "attributes.csv"};
    for (size_t i = 0; i < sizeof t / sizeof *t; i++) {
        char pa[512], pb[512];
        snprintf(pa, sizeof pa, "%s/%s", a, t[i]);
        snprintf(pb, sizeof pb, "%s/%s", b, t[i]);
        FILE *fa = fopen(pa, "rb"), *fb = fopen(pb, "rb");
        assert_non_null(fa);
        assert_non_null(fb);
        int ca;
        long off = 0;
        while ((ca = fgetc(fa)) != EOF) {
            if (fgetc(fb) != ca)
                fail_msg("%s: base row bytes differ at offset %ld with --schemes", t[i], off);
            off++;
        }
        assert_int_not_equal(fgetc(fb), EOF); /* and scheme rows follow */
        fclose(fa);
        fclose(fb);
    }
    rmtree(a);
    rmtree(b);
    free(a);
    free(b);
}

/* Laptop farms: a ring's accounts log in from one US residential line (no hosting ASN),
 * which shows a remote-desktop port; sessions of 12-24 h start in Korean working hours
 * (00-09 UTC); each account is paid to its own US account whose holder is the
 * facilitator, in at most two spellings, never the account's own name. */
static void check_laptop_farm(const sch_tab *truth, const sch_tab *logins, const sch_tab *ports,
                              const sch_tab *payouts, const sch_tab *attrs)
{
    size_t members = 0;
    for (size_t i = 0; i < truth->n; i++) {
        const sch_row *m = &truth->v[i];
        if (strcmp(m->a, "laptop_farm") != 0)
            continue;
        members++;
        const char *line = NULL;
        for (size_t k = 0; k < logins->n; k++) {
            const sch_row *l = &logins->v[k];
            if (strcmp(l->id, m->id) != 0)
                continue;
            if (!line)
                line = l->a;
            assert_string_equal(l->a, line);
            assert_true(l->n >= 12 * 3600 && l->n <= 24 * 3600);
            long long h = (l->ts % 86400) / 3600;
            assert_true(h >= 0 && h < 9);
        }
        assert_non_null(line);
        int rdp = 0;
        for (size_t k = 0; k < ports->n; k++)
            rdp |= strcmp(ports->v[k].id, line) == 0 && strcmp(ports->v[k].a, "3389") == 0;
        assert_true(rdp);
        /* Another member of the same ring shares the line. */
        int shared = 0;
        for (size_t k = 0; k < logins->n && !shared; k++)
            shared = strcmp(logins->v[k].a, line) == 0 && strcmp(logins->v[k].id, m->id) != 0 &&
                     sch_pop_is(truth, logins->v[k].id, "laptop_farm");
        assert_true(shared);
        const char *holder = sch_attr(attrs, m->id, "payout_holder");
        const char *name = sch_attr(attrs, m->id, "name");
        assert_non_null(holder);
        assert_non_null(name);
        assert_string_not_equal(holder, name);
        for (size_t k = 0; k < payouts->n; k++)
            if (strcmp(payouts->v[k].id, m->id) == 0)
                assert_string_equal(payouts->v[k].b, "US");
    }
    assert_true(members >= 8);
}

/* Slow shills: every rating by a shill client is five stars for a slow_shill freelancer,
 * no freelancer gets two shill ratings within a day of each other from one client, and a
 * ring's shills pay with at most three cards. */
static void check_slow_shill(const sch_tab *truth, const sch_tab *ratings, const sch_tab *charges)
{
    size_t n = 0;
    for (size_t k = 0; k < ratings->n; k++) {
        const sch_row *r = &ratings->v[k];
        if (!sch_pop_is(truth, r->id, "slow_shill_client"))
            continue;
        n++;
        assert_int_equal(r->n, 5);
        assert_true(sch_pop_is(truth, r->a, "slow_shill"));
        for (size_t q = k + 1; q < ratings->n; q++)
            if (strcmp(ratings->v[q].id, r->id) == 0 && strcmp(ratings->v[q].a, r->a) == 0)
                assert_true(llabs(ratings->v[q].ts - r->ts) > 86400);
    }
    assert_true(n >= 20);
    strset cards;
    memset(&cards, 0, sizeof cards);
    for (size_t k = 0; k < charges->n; k++)
        if (sch_pop_is(truth, charges->v[k].id, "slow_shill_client") &&
            !strset_has(&cards, charges->v[k].a))
            strset_add(&cards, charges->v[k].a);
    assert_true(cards.n >= 2 && cards.n <= 3); /* one ring in the default plan */
    strset_free(&cards);
}

/* Rented accounts: a handover date each; from it on, no device of the owner's, and
 * payouts only to Hong Kong or mainland accounts never used before. */
static void check_rented(const char *dir, const sch_tab *truth, const sch_tab *logins,
                         const sch_tab *payouts)
{
    sch_tab ho;
    sch_load(&ho, dir, "truth-handover.csv", "account_id", NULL, NULL, NULL, "handover_at");
    size_t rented = 0;
    for (size_t i = 0; i < truth->n; i++)
        rented += strcmp(truth->v[i].a, "rented") == 0;
    assert_int_equal(ho.n, rented);
    assert_true(rented >= 5);
    for (size_t i = 0; i < ho.n; i++) {
        const sch_row *h = &ho.v[i];
        assert_true(sch_pop_is(truth, h->id, "rented"));
        strset before;
        memset(&before, 0, sizeof before);
        size_t nb = 0, na = 0;
        for (size_t k = 0; k < logins->n; k++) {
            const sch_row *l = &logins->v[k];
            if (strcmp(l->id, h->id) != 0)
                continue;
            if (l->ts < h->ts) {
                strset_add(&before, l->b);
                nb++;
            } else {
                assert_false(strset_has(&before, l->b));
                na++;
            }
        }
        assert_true(nb > 0 && na > 0);
        for (size_t k = 0; k < payouts->n; k++) {
            const sch_row *p = &payouts->v[k];
            if (strcmp(p->id, h->id) == 0 && p->ts >= h->ts + 86400)
                assert_true(strcmp(p->b, "HK") == 0 || strcmp(p->b, "CN") == 0);
        }
        strset_free(&before);
    }
    free(ho.v);
}

/* Rings sharing no infrastructure: no IP, device or destination of one member is seen
 * on another, yet phones repeat and holders are not the members' names. Crypto rings:
 * wallet-shaped destinations, one of them used by several accounts. */
static void check_no_infra_and_crypto(const sch_tab *truth, const sch_tab *logins,
                                      const sch_tab *payouts, const sch_tab *attrs)
{
    strset owner, phones;
    memset(&owner, 0, sizeof owner);
    memset(&phones, 0, sizeof phones);
    size_t members = 0, repeats = 0;
    for (size_t k = 0; k < logins->n; k++) {
        const sch_row *l = &logins->v[k];
        if (!sch_pop_is(truth, l->id, "no_infra"))
            continue;
        char key[160];
        for (int f = 0; f < 2; f++) {
            snprintf(key, sizeof key, "%s|%s", f ? l->b : l->a, l->id);
            strset_add(&owner, key);
        }
    }
    /* Each address or device has one owner: sorted keys with equal prefixes agree. */
    qsort(owner.v, owner.n, sizeof *owner.v, cmpstr);
    for (size_t k = 1; k < owner.n; k++) {
        const char *x = owner.v[k - 1], *y = owner.v[k];
        size_t px = strchr(x, '|') - x, py = strchr(y, '|') - y;
        if (px == py && strncmp(x, y, px) == 0)
            assert_string_equal(x + px, y + py);
    }
    for (size_t i = 0; i < truth->n; i++) {
        if (strcmp(truth->v[i].a, "no_infra") != 0)
            continue;
        members++;
        const char *ph = sch_attr(attrs, truth->v[i].id, "phone");
        assert_non_null(ph);
        if (strset_has(&phones, ph))
            repeats++;
        else
            strset_add(&phones, ph);
        assert_string_not_equal(sch_attr(attrs, truth->v[i].id, "payout_holder"),
                                sch_attr(attrs, truth->v[i].id, "name"));
    }
    assert_true(members >= 12 && repeats > 0);
    size_t wallets = 0, shared = 0;
    for (size_t k = 0; k < payouts->n; k++) {
        const sch_row *p = &payouts->v[k];
        if (!sch_pop_is(truth, p->id, "crypto_ring"))
            continue;
        assert_string_equal(p->c, "crypto");
        assert_true(strncmp(p->a, "bc1q", 4) == 0 || strncmp(p->a, "0x", 2) == 0);
        wallets++;
        for (size_t q = 0; q < payouts->n && !shared; q++)
            shared = strcmp(payouts->v[q].a, p->a) == 0 && strcmp(payouts->v[q].id, p->id) != 0;
    }
    assert_true(wallets > 0 && shared);
    strset_free(&owner);
    strset_free(&phones);
}

/* Look-alikes: a co-working line carries many accounts and no remote-access port; a
 * CGNAT pool puts at least 150 accounts on at most 40 addresses; an agency's freelancers
 * are all paid into one company account; an IT administrator's own line shows RDP. */
static void check_lookalikes(const sch_tab *truth, const sch_tab *logins, const sch_tab *ports,
                             const sch_tab *payouts, const sch_tab *attrs)
{
    strset cg_ip, cg_acct, agency_dest, cw_ip, adm_ip, rdp_ip;
    memset(&cg_ip, 0, sizeof cg_ip);
    memset(&cg_acct, 0, sizeof cg_acct);
    memset(&agency_dest, 0, sizeof agency_dest);
    memset(&cw_ip, 0, sizeof cw_ip);
    memset(&adm_ip, 0, sizeof adm_ip);
    memset(&rdp_ip, 0, sizeof rdp_ip);
    for (size_t k = 0; k < logins->n; k++) {
        const sch_row *l = &logins->v[k];
        const sch_row *t = sch_truth(truth, l->id);
        assert_non_null(t);
        strset *ip = strcmp(t->a, "cgnat") == 0       ? &cg_ip
                     : strcmp(t->a, "coworking") == 0 ? &cw_ip
                     : strcmp(t->a, "it_admin") == 0  ? &adm_ip
                                                      : NULL;
        if (ip && !strset_has(ip, l->a))
            strset_add(ip, l->a);
        if (ip == &cg_ip && !strset_has(&cg_acct, l->id))
            strset_add(&cg_acct, l->id);
    }
    assert_true(cg_acct.n >= 150 && cg_ip.n <= 40);
    for (size_t k = 0; k < ports->n; k++) {
        const sch_row *p = &ports->v[k];
        if (strcmp(p->a, "3389") == 0 || strcmp(p->a, "5938") == 0) {
            assert_false(strset_has(&cw_ip, p->id));
            if (!strset_has(&rdp_ip, p->id))
                strset_add(&rdp_ip, p->id);
        }
    }
    assert_true(adm_ip.n >= 10);
    for (size_t k = 0; k < adm_ip.n; k++)
        assert_true(strset_has(&rdp_ip, adm_ip.v[k]));
    size_t agency = 0;
    for (size_t k = 0; k < payouts->n; k++) {
        const sch_row *p = &payouts->v[k];
        if (!sch_pop_is(truth, p->id, "payroll_agency"))
            continue;
        agency++;
        if (!strset_has(&agency_dest, p->a))
            strset_add(&agency_dest, p->a);
        const char *h = sch_attr(attrs, p->id, "payout_holder");
        assert_non_null(h);
        assert_non_null(strstr(h, " Ltd"));
    }
    assert_true(agency > 0 && agency_dest.n <= 2); /* two agencies in the default plan */
    strset_free(&cg_ip);
    strset_free(&cg_acct);
    strset_free(&agency_dest);
    strset_free(&cw_ip);
    strset_free(&adm_ip);
    strset_free(&rdp_ip);
}

static void test_gen__schemes_defining_properties(void **state)
{
    (void)state;
    char *d = tmpdir();
    gen_opts o;
    schemes_opts(&o, d, 23);
    assert_int_equal(gen_run(&o, "test"), 0);
    sch_tab truth, logins, ports, payouts, attrs, ratings, charges;
    sch_load(&truth, d, "truth.csv", "account_id", "population", "ring_id", NULL, NULL);
    sch_load(&logins, d, "logins.csv", "account_id", "ip", "device_id", "session_seconds", "ts");
    sch_load(&ports, d, "ports.csv", "ip", "port", "service", NULL, "ts");
    sch_load(&payouts, d, "payouts.csv", "account_id", "destination_id", "destination_country",
             "method", "ts");
    sch_load(&attrs, d, "attributes.csv", "account_id", "kind", "value", NULL, "ts");
    sch_load(&ratings, d, "ratings.csv", "client_id", "freelancer_id", NULL, "stars", "ts");
    sch_load(&charges, d, "charges.csv", "client_id", "instrument_id", NULL, NULL, "ts");
    /* Ring schemes carry ring ids; look-alikes none. */
    for (size_t i = 0; i < truth.n; i++) {
        const char *p = truth.v[i].a;
        int ring = strcmp(p, "laptop_farm") == 0 || strcmp(p, "slow_shill") == 0 ||
                   strcmp(p, "slow_shill_client") == 0 || strcmp(p, "rented") == 0 ||
                   strcmp(p, "no_infra") == 0 || strcmp(p, "crypto_ring") == 0;
        int look = strcmp(p, "coworking") == 0 || strcmp(p, "cgnat") == 0 ||
                   strcmp(p, "payroll_agency") == 0 || strcmp(p, "night_worker") == 0 ||
                   strcmp(p, "nomad") == 0 || strcmp(p, "it_admin") == 0;
        if (ring)
            assert_true(truth.v[i].b[0] == 'T');
        if (look)
            assert_true(truth.v[i].b[0] == 0);
    }
    check_laptop_farm(&truth, &logins, &ports, &payouts, &attrs);
    check_slow_shill(&truth, &ratings, &charges);
    check_rented(d, &truth, &logins, &payouts);
    check_no_infra_and_crypto(&truth, &logins, &payouts, &attrs);
    check_lookalikes(&truth, &logins, &ports, &payouts, &attrs);
    free(truth.v);
    free(logins.v);
    free(ports.v);
    free(payouts.v);
    free(attrs.v);
    free(ratings.v);
    free(charges.v);
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
        cmocka_unit_test(test_gen__without_identity_bytes_unchanged),
        cmocka_unit_test(test_gen__identity_same_seed_same_bytes),
        cmocka_unit_test(test_gen__identity_attributes_and_texts),
        cmocka_unit_test(test_gen__disciplined_rings_share_no_infrastructure),
        cmocka_unit_test(test_gen__households_share_addresses),
        cmocka_unit_test(test_gen__schemes_leave_base_rows_unchanged),
        cmocka_unit_test(test_gen__schemes_defining_properties),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

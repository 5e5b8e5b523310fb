/* test_identity.c - identity and text resources and their flags: strangers
 * sharing contact details deceive, a family or one person does not; payouts in
 * another family's name; one holder paid for strangers against an agency's, a
 * family's and namesakes'; forwarding points against a company's office, a
 * company's depot for its remote staff and flatmates' home; text
 * re-use under the template cap; near photo hashes; and the projection's
 * ties and weak links. Values are given already normalised, as the loader
 * stores them. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "algorithms/evrule.h"
#include "algorithms/identity.h"
#include "base/ts.h"

static uint32_t acct(rs_graph *g, const char *id)
{
    return graph_account(g, id, strlen(id), SEEN_AS_FREELANCER);
}

static void attr(rs_graph *g, uint32_t a, attr_kind k, const char *v)
{
    graph_add_attr(g, a, (int)k, v, strlen(v), TS_NONE);
}

typedef struct {
    rs_graph *g;
    detect_params p;
    ident_index ix;
    acct_flags *fl;
} fixture;

static void run(fixture *f)
{
    graph_finalize(f->g);
    detect_params_init(&f->p);
    f->fl = calloc(graph_count(f->g, NODE_ACCOUNT) + 1, sizeof *f->fl);
    identity_build(&f->ix, f->g, &f->p, 1);
    identity_flags(&f->ix, f->g, &f->p, f->fl);
}

static void done(fixture *f)
{
    identity_free(&f->ix);
    free(f->fl);
    graph_free(f->g);
}

static int has(const fixture *f, uint32_t a, flag_code c)
{
    return flags_has(&f->fl[a], c);
}

/* The resource of the value v of kind k. */
static uint32_t res_of(const fixture *f, attr_kind k, const char *v)
{
    uint32_t id = graph_find_attr(f->g, (int)k, v, strlen(v));
    assert_int_not_equal(id, GRAPH_NONE);
    return f->ix.value_res[id];
}

static void test_identity__strangers_sharing_a_phone_deceive(void **state)
{
    (void)state;
    fixture f = {.g = graph_new()};
    uint32_t a = acct(f.g, "a"), b = acct(f.g, "b"), c = acct(f.g, "c"), d = acct(f.g, "d");
    attr(f.g, a, ATTR_NAME, "alice walker");
    attr(f.g, b, ATTR_NAME, "bo chen");
    attr(f.g, c, ATTR_NAME, "carl diaz");
    attr(f.g, d, ATTR_NAME, "dana evans");
    attr(f.g, a, ATTR_PHONE, "+12025550101");
    attr(f.g, b, ATTR_PHONE, "+12025550101");
    attr(f.g, c, ATTR_PHONE, "+12025550101");
    attr(f.g, d, ATTR_PHONE, "+12025550199");
    run(&f);
    uint32_t r = res_of(&f, ATTR_PHONE, "+12025550101");
    assert_int_equal(identity_degree(&f.ix, r), 3);
    assert_int_equal(f.ix.bits[r], IDENT_TIES | IDENT_DECEPTIVE);
    assert_true(has(&f, a, FLAG_SHARED_IDENTITY) && has(&f, b, FLAG_SHARED_IDENTITY));
    assert_true(has(&f, c, FLAG_SHARED_IDENTITY));
    assert_false(has(&f, d, FLAG_SHARED_IDENTITY));
    assert_true(flags_deception(&f.fl[a]) & DECEPTION_IDENTITY);
    done(&f);
}

static void test_identity__one_person_or_family_ties_without_deceiving(void **state)
{
    (void)state;
    fixture f = {.g = graph_new()};
    /* One person's two accounts (name written two ways) and a couple sharing a
     * home phone, an address and a family name. */
    uint32_t a = acct(f.g, "a"), a2 = acct(f.g, "a2"), h = acct(f.g, "h"), w = acct(f.g, "w");
    attr(f.g, a, ATTR_NAME, "jon smith");
    attr(f.g, a2, ATTR_NAME, "j jon smith");
    attr(f.g, a, ATTR_DOCUMENT, "X1234567");
    attr(f.g, a2, ATTR_DOCUMENT, "X1234567");
    attr(f.g, h, ATTR_NAME, "li mei");
    attr(f.g, w, ATTR_NAME, "li wei");
    attr(f.g, h, ATTR_PHONE, "+442055501010");
    attr(f.g, w, ATTR_PHONE, "+442055501010");
    attr(f.g, h, ATTR_ADDRESS, "3 high street");
    attr(f.g, w, ATTR_ADDRESS, "3 high street");
    run(&f);
    assert_int_equal(f.ix.bits[res_of(&f, ATTR_DOCUMENT, "X1234567")], IDENT_TIES);
    assert_int_equal(f.ix.bits[res_of(&f, ATTR_PHONE, "+442055501010")], IDENT_TIES);
    assert_int_equal(f.ix.bits[res_of(&f, ATTR_ADDRESS, "3 high street")], IDENT_WEAK);
    for (uint32_t x = 0; x < 4; x++) {
        assert_false(has(&f, x, FLAG_SHARED_IDENTITY));
        assert_int_equal(flags_deception(&f.fl[x]), 0);
    }
    /* The projection: the document ties, the address links weakly. */
    projection *pm = projection_new();
    uint64_t capped = 0;
    identity_project(pm, &f.ix, &f.p, &capped);
    assert_true(projection_tied(pm, a, a2));
    assert_true(projection_tied(pm, h, w));
    proj_link *l = NULL;
    size_t nl = projection_links(pm, &f.p, NULL, 0, &l);
    assert_int_equal(nl, 2);
    assert_true(l[1].a == h && l[1].b == w);
    assert_true(l[1].w > 1.29 && l[1].w < 1.31); /* phone 1.0 + address 0.3 */
    assert_true(l[1].wi > 0.29 && l[1].wi < 0.31);
    free(l);
    projection_free(pm);
    done(&f);
}

/* A phone strangers share, each paid into a third person's account (NAME_MISMATCH),
 * binds them as firmly as a shared device (w_device). The look-alikes keep
 * w_identity: flatmates sharing a landline, paid under their own names, and a
 * couple keeping their own family names, one paid into the other's account. */
static double phone_link(const char *holder_a, const char *holder_b)
{
    fixture f = {.g = graph_new()};
    uint32_t a = acct(f.g, "a"), b = acct(f.g, "b");
    attr(f.g, a, ATTR_NAME, "james lewis");
    attr(f.g, b, ATTR_NAME, "nowak anna");
    attr(f.g, a, ATTR_PHONE, "+17478336356");
    attr(f.g, b, ATTR_PHONE, "+17478336356");
    attr(f.g, a, ATTR_PAYOUT_HOLDER, holder_a);
    attr(f.g, b, ATTR_PAYOUT_HOLDER, holder_b);
    run(&f);
    assert_true(has(&f, a, FLAG_SHARED_IDENTITY) && has(&f, b, FLAG_SHARED_IDENTITY));
    projection *pm = projection_new();
    uint64_t capped = 0;
    identity_project(pm, &f.ix, &f.p, &capped);
    assert_true(projection_tied(pm, a, b));
    proj_link *l = NULL;
    size_t nl = projection_links(pm, &f.p, NULL, 0, &l);
    assert_int_equal(nl, 1);
    assert_true(l[0].wi < 0.01); /* a tie, not a weak link */
    double w = l[0].w;
    free(l);
    projection_free(pm);
    done(&f);
    return w;
}

static void test_identity__operator_phone_weighs_like_a_device(void **state)
{
    (void)state;
    detect_params p;
    detect_params_init(&p);
    double operated = phone_link("martin patricia", "olena silva");
    assert_true(operated > p.w_device - 0.01 && operated < p.w_device + 0.01);
    double flatmates = phone_link("james lewis", "nowak anna");
    assert_true(flatmates > p.w_identity - 0.01 && flatmates < p.w_identity + 0.01);
    double couple = phone_link("nowak anna", "nowak anna");
    assert_true(couple > p.w_identity - 0.01 && couple < p.w_identity + 0.01);
}

/* Colleagues at one company share its email domain, not a mailbox: nothing links them. */
static void test_identity__company_domain_is_not_shared(void **state)
{
    (void)state;
    fixture f = {.g = graph_new()};
    uint32_t a = acct(f.g, "a"), b = acct(f.g, "b");
    attr(f.g, a, ATTR_NAME, "ann bell");
    attr(f.g, b, ATTR_NAME, "bob cole");
    attr(f.g, a, ATTR_EMAIL, "ann.bell@acme-dev.com");
    attr(f.g, b, ATTR_EMAIL, "bob.cole@acme-dev.com");
    run(&f);
    assert_int_equal(identity_degree(&f.ix, res_of(&f, ATTR_EMAIL, "ann.bell@acme-dev.com")), 0);
    assert_false(has(&f, a, FLAG_SHARED_IDENTITY) || has(&f, b, FLAG_SHARED_IDENTITY));
    projection *pm = projection_new();
    uint64_t capped = 0;
    identity_project(pm, &f.ix, &f.p, &capped);
    assert_int_equal(projection_pairs(pm), 0);
    projection_free(pm);
    done(&f);
}

static void test_identity__payout_holder_of_another_family(void **state)
{
    (void)state;
    fixture f = {.g = graph_new()};
    uint32_t mule = acct(f.g, "m"), spouse = acct(f.g, "s"), biz = acct(f.g, "b");
    uint32_t anon = acct(f.g, "x");
    attr(f.g, mule, ATTR_NAME, "ana grant");
    attr(f.g, mule, ATTR_PAYOUT_HOLDER, "derek hollis");
    attr(f.g, mule, ATTR_PAYOUT_HOLDER, "ana grant");
    attr(f.g, spouse, ATTR_NAME, "omar farouk");
    attr(f.g, spouse, ATTR_PAYOUT_HOLDER, "farouk leila");
    attr(f.g, biz, ATTR_NAME, "eva ng");
    attr(f.g, biz, ATTR_PAYOUT_HOLDER, "llc northwind studio");
    attr(f.g, anon, ATTR_PAYOUT_HOLDER, "derek hollis"); /* no name given: cannot tell */
    run(&f);
    assert_true(has(&f, mule, FLAG_NAME_MISMATCH));
    assert_int_equal(f.fl[mule].evidence[FLAG_NAME_MISMATCH], 1);
    assert_false(has(&f, spouse, FLAG_NAME_MISMATCH));
    assert_false(has(&f, biz, FLAG_NAME_MISMATCH));
    assert_false(has(&f, anon, FLAG_NAME_MISMATCH));
    done(&f);
}

/* A laptop farm: strangers each paid to a bank account whose holder is the
 * facilitator, written two ways; the holder ties them, and its rows show it. */
static void test_identity__facilitator_holder_ties_strangers(void **state)
{
    (void)state;
    fixture f = {.g = graph_new()};
    uint32_t a = acct(f.g, "a"), b = acct(f.g, "b"), c = acct(f.g, "c");
    attr(f.g, a, ATTR_NAME, "kim ryan");
    attr(f.g, a, ATTR_PAYOUT_HOLDER, "doe jane");
    attr(f.g, b, ATTR_NAME, "lee mark");
    attr(f.g, b, ATTR_PAYOUT_HOLDER, "doe jane q"); /* "Jane Q. Doe" */
    attr(f.g, c, ATTR_NAME, "chen wei");
    attr(f.g, c, ATTR_PAYOUT_HOLDER, "doe jane");
    uint32_t nsk = acct(f.g, "n"); /* a namesake, paid under her own name */
    attr(f.g, nsk, ATTR_NAME, "doe jane");
    attr(f.g, nsk, ATTR_PAYOUT_HOLDER, "doe jane");
    run(&f);
    uint32_t r = res_of(&f, ATTR_PAYOUT_HOLDER, "doe jane");
    assert_int_equal(res_of(&f, ATTR_PAYOUT_HOLDER, "doe jane q"), r);
    assert_int_equal(identity_degree(&f.ix, r), 3); /* not the namesake */
    assert_false(has(&f, nsk, FLAG_SHARED_HOLDER));
    assert_true(f.ix.bits[r] & IDENT_TIES);
    assert_true(f.ix.bits[r] & IDENT_DECEPTIVE);
    assert_true(has(&f, a, FLAG_SHARED_HOLDER));
    assert_true(has(&f, b, FLAG_SHARED_HOLDER));
    assert_true(has(&f, c, FLAG_SHARED_HOLDER));
    findings fnd;
    memset(&fnd, 0, sizeof fnd);
    identity_evidence(&f.ix, &fnd);
    evsel_view v = {.g = f.g, .f = &fnd};
    source_row row = {.attr_kind = ATTR_PAYOUT_HOLDER,
                      .text = GRAPH_NONE,
                      .attr_value = graph_find_attr(f.g, ATTR_PAYOUT_HOLDER, "doe jane q", 10)};
    assert_true(identity_shows_shared_holder(&v, b, &row));
    row.attr_kind = ATTR_NAME;
    row.attr_value = graph_find_attr(f.g, ATTR_NAME, "lee mark", 8);
    assert_false(identity_shows_shared_holder(&v, b, &row));
    free(fnd.value_bits);
    done(&f);
}

/* The payroll_agency look-alike: the agency pays all its freelancers into the
 * company's account; a business holder is no resource. */
static void test_identity__agency_holder_ties_nobody(void **state)
{
    (void)state;
    fixture f = {.g = graph_new()};
    const char *names[] = {"kim ryan", "lee mark", "chen wei", "nowak tomasz"};
    uint32_t a[4];
    for (int i = 0; i < 4; i++) {
        char id[2] = {(char)('a' + i), 0};
        a[i] = acct(f.g, id);
        attr(f.g, a[i], ATTR_NAME, names[i]);
        attr(f.g, a[i], ATTR_PAYOUT_HOLDER, "digital ltd sharma solutions");
    }
    run(&f);
    uint32_t r = res_of(&f, ATTR_PAYOUT_HOLDER, "digital ltd sharma solutions");
    assert_int_equal(identity_degree(&f.ix, r), 0);
    for (int i = 0; i < 4; i++)
        assert_false(has(&f, a[i], FLAG_SHARED_HOLDER));
    done(&f);
}

/* A family paid into a parent's account shares the family name; two people of
 * one name are each paid under their own (the coworking, cgnat, night_worker,
 * nomad and it_admin look-alikes are paid under their own names); and a single
 * account paid to a stranger's name is NAME_MISMATCH, not a shared holder. */
static void test_identity__family_and_namesakes_tie_nobody(void **state)
{
    (void)state;
    fixture f = {.g = graph_new()};
    uint32_t par = acct(f.g, "p"), k1 = acct(f.g, "k1"), k2 = acct(f.g, "k2");
    uint32_t s1 = acct(f.g, "s1"), s2 = acct(f.g, "s2"), mule = acct(f.g, "m");
    attr(f.g, par, ATTR_NAME, "farouk omar");
    attr(f.g, par, ATTR_PAYOUT_HOLDER, "farouk omar");
    attr(f.g, k1, ATTR_NAME, "farouk leila");
    attr(f.g, k1, ATTR_PAYOUT_HOLDER, "farouk omar");
    attr(f.g, k2, ATTR_NAME, "farouk sami");
    attr(f.g, k2, ATTR_PAYOUT_HOLDER, "farouk omar");
    attr(f.g, s1, ATTR_NAME, "john smith");
    attr(f.g, s1, ATTR_PAYOUT_HOLDER, "john smith");
    attr(f.g, s2, ATTR_NAME, "john smith");
    attr(f.g, s2, ATTR_PAYOUT_HOLDER, "j john smith");
    attr(f.g, mule, ATTR_NAME, "ana grant");
    attr(f.g, mule, ATTR_PAYOUT_HOLDER, "john smith"); /* one stranger only */
    run(&f);
    /* Only accounts not named like the holder use it: none of the family, and of
     * the namesakes' holder only the mule, alone. */
    uint32_t rf = res_of(&f, ATTR_PAYOUT_HOLDER, "farouk omar");
    uint32_t rs = res_of(&f, ATTR_PAYOUT_HOLDER, "john smith");
    assert_int_equal(res_of(&f, ATTR_PAYOUT_HOLDER, "j john smith"), rs);
    assert_int_equal(identity_degree(&f.ix, rf), 0);
    assert_int_equal(identity_degree(&f.ix, rs), 0);
    uint32_t all[] = {par, k1, k2, s1, s2, mule};
    for (int i = 0; i < 6; i++)
        assert_false(has(&f, all[i], FLAG_SHARED_HOLDER));
    assert_true(has(&f, mule, FLAG_NAME_MISMATCH));
    done(&f);
}

static void test_identity__forwarding_point_not_a_company_office(void **state)
{
    (void)state;
    fixture f = {.g = graph_new()};
    static const char *const farm[] = {"kim ross", "lee park", "max tate"};
    static const char *const office[] = {"ann bell", "ben cole", "cy dunn"};
    uint32_t fa[3], oa[3];
    char id[16], mail[64];
    for (int i = 0; i < 3; i++) {
        snprintf(id, sizeof id, "f%d", i);
        fa[i] = acct(f.g, id);
        attr(f.g, fa[i], ATTR_NAME, farm[i]);
        snprintf(mail, sizeof mail, "persona%d@gmail.com", i);
        attr(f.g, fa[i], ATTR_EMAIL, mail);
        attr(f.g, fa[i], ATTR_SHIPPING_ADDRESS, "77 elm road");
        snprintf(id, sizeof id, "o%d", i);
        oa[i] = acct(f.g, id);
        attr(f.g, oa[i], ATTR_NAME, office[i]);
        snprintf(mail, sizeof mail, "staff%d@acme-dev.com", i);
        attr(f.g, oa[i], ATTR_EMAIL, mail);
        attr(f.g, oa[i], ATTR_SHIPPING_ADDRESS, "1 market street suite 400");
    }
    /* Three flatmates receive at the home they share (the home written with its
     * country): they live there, nothing is forwarded. */
    static const char *const flat[] = {"lea schneider", "bakker jonas", "chloe lefevre"};
    uint32_t fm[3];
    for (int i = 0; i < 3; i++) {
        snprintf(id, sizeof id, "m%d", i);
        fm[i] = acct(f.g, id);
        attr(f.g, fm[i], ATTR_NAME, flat[i]);
        attr(f.g, fm[i], ATTR_ADDRESS, "1720 station avenue paris 94277 fr");
        attr(f.g, fm[i], ATTR_SHIPPING_ADDRESS, "1720 station avenue paris 94277");
    }
    /* The farm's personas say they live elsewhere, and two of them are paid into the
     * host's account. */
    attr(f.g, fa[0], ATTR_ADDRESS, "5 pine street austin");
    attr(f.g, fa[0], ATTR_PAYOUT_HOLDER, "doe jane");
    attr(f.g, fa[1], ATTR_PAYOUT_HOLDER, "doe jane");
    /* A family of three at one address is one family name. */
    uint32_t k1 = acct(f.g, "k1"), k2 = acct(f.g, "k2"), k3 = acct(f.g, "k3");
    attr(f.g, k1, ATTR_NAME, "ito ken");
    attr(f.g, k2, ATTR_NAME, "ito yui");
    attr(f.g, k3, ATTR_NAME, "ito sora");
    attr(f.g, k1, ATTR_SHIPPING_ADDRESS, "9 oak lane");
    attr(f.g, k2, ATTR_SHIPPING_ADDRESS, "9 oak lane");
    attr(f.g, k3, ATTR_SHIPPING_ADDRESS, "9 oak lane");
    run(&f);
    for (int i = 0; i < 3; i++) {
        assert_true(has(&f, fa[i], FLAG_EQUIPMENT_FORWARDING));
        assert_false(has(&f, oa[i], FLAG_EQUIPMENT_FORWARDING));
    }
    assert_false(has(&f, k1, FLAG_EQUIPMENT_FORWARDING));
    for (int i = 0; i < 3; i++)
        assert_false(has(&f, fm[i], FLAG_EQUIPMENT_FORWARDING));
    assert_int_equal(f.ix.bits[res_of(&f, ATTR_SHIPPING_ADDRESS, "77 elm road")],
                     IDENT_TIES | IDENT_DECEPTIVE);
    assert_int_equal(f.ix.bits[res_of(&f, ATTR_SHIPPING_ADDRESS, "9 oak lane")], IDENT_WEAK);
    done(&f);
}

/* The remote staff of one company have their laptops sent to its depot or an office:
 * strangers who live elsewhere, with their own public mailboxes, each paid under the
 * name they give. Nothing else about them is doubtful, so the address is no
 * forwarding point; one of them paid into a partner's account under another family
 * name does not make it one either. The same address with a second doubtful
 * account (two personas paid to the host) is one. */
static void test_identity__company_depot_for_remote_staff(void **state)
{
    (void)state;
    static const char *const staff[] = {"daniel robinson", "daniel martin", "sarah white",
                                        "william miller", "matthew wilson"};
    for (int doubtful = 0; doubtful <= 2; doubtful++) {
        fixture f = {.g = graph_new()};
        uint32_t a[5];
        char id[16], buf[64];
        for (int i = 0; i < 5; i++) {
            snprintf(id, sizeof id, "e%d", i);
            a[i] = acct(f.g, id);
            attr(f.g, a[i], ATTR_NAME, staff[i]);
            snprintf(buf, sizeof buf, "employee%d@gmail.com", i);
            attr(f.g, a[i], ATTR_EMAIL, buf);
            snprintf(buf, sizeof buf, "%d queen lane newark nj 4703%d", 100 + i, i);
            attr(f.g, a[i], ATTR_ADDRESS, buf);
            attr(f.g, a[i], ATTR_SHIPPING_ADDRESS, "2412 elm drive newark nj 44293");
            attr(f.g, a[i], ATTR_PAYOUT_HOLDER,
                 i < doubtful ? (i ? "doe jane" : "doe jane q") : staff[i]);
        }
        run(&f);
        uint32_t r = res_of(&f, ATTR_SHIPPING_ADDRESS, "2412 elm drive newark nj 44293");
        assert_int_equal(identity_degree(&f.ix, r), 5);
        assert_int_equal(f.ix.bits[r], doubtful < 2 ? IDENT_WEAK : IDENT_TIES | IDENT_DECEPTIVE);
        for (int i = 0; i < 5; i++)
            assert_int_equal(has(&f, a[i], FLAG_EQUIPMENT_FORWARDING) != 0, doubtful >= 2);
        assert_int_equal(has(&f, a[0], FLAG_NAME_MISMATCH) != 0, doubtful >= 1);
        done(&f);
    }
}

/* A 60-word text from a fixed vocabulary, words chosen by seed; `edit` words
 * replaced: one in every 15, from position 7. */
static void make_text(char *buf, size_t n, unsigned seed, int edit)
{
    static const char *const words[] = {
        "react",   "node",    "python",   "cloud",  "deploy", "design", "client",  "deliver",
        "quality", "years",   "team",     "mobile", "secure", "api",    "backend", "frontend",
        "fast",    "clean",   "tested",   "scale",  "data",   "models", "stripe",  "docker",
        "server",  "migrate", "refactor", "review", "budget", "launch", "support", "timely"};
    size_t len = 0;
    unsigned x = seed * 2654435761u + 1;
    for (int i = 0; i < 60; i++) {
        x = x * 1103515245u + 12345u;
        unsigned w = (x >> 16) % 32;
        if (edit && i % 15 == 7)
            w = (w + 13) % 32;
        len += (size_t)snprintf(buf + len, n - len, "%s%s", i ? " " : "", words[w]);
    }
}

static void test_identity__text_reuse_under_the_template_cap(void **state)
{
    (void)state;
    fixture f = {.g = graph_new()};
    char t[1024];
    /* Two accounts re-use one letter with edits; thirteen use a template. */
    uint32_t a = acct(f.g, "a"), b = acct(f.g, "b"), solo = acct(f.g, "solo");
    make_text(t, sizeof t, 1, 0);
    graph_add_text(f.g, a, t, strlen(t), 1000, 0);
    graph_add_text(f.g, a, t, strlen(t), 2000, 0);
    make_text(t, sizeof t, 1, 1);
    graph_add_text(f.g, b, t, strlen(t), 3000, 0);
    make_text(t, sizeof t, 2, 0);
    graph_add_text(f.g, solo, t, strlen(t), 3000, 0);
    uint32_t cohort[13];
    make_text(t, sizeof t, 3, 0);
    for (int i = 0; i < 13; i++) {
        char id[16];
        snprintf(id, sizeof id, "c%d", i);
        cohort[i] = acct(f.g, id);
        graph_add_text(f.g, cohort[i], t, strlen(t), TS_NONE, 1);
    }
    run(&f);
    assert_int_equal(f.ix.ndocs, 3 + 13); /* a's letter counted once */
    assert_true(has(&f, a, FLAG_TEXT_REUSE) && has(&f, b, FLAG_TEXT_REUSE));
    assert_false(has(&f, solo, FLAG_TEXT_REUSE));
    for (int i = 0; i < 13; i++)
        assert_false(has(&f, cohort[i], FLAG_TEXT_REUSE));
    assert_int_equal(flags_deception(&f.fl[a]), 0);
    findings out;
    memset(&out, 0, sizeof out);
    identity_evidence(&f.ix, &out);
    assert_int_equal(out.nreused, 2); /* a's and b's letters; the template is capped */
    assert_int_equal(out.reused_texts[0] >> 32, a);
    free(out.reused_texts);
    free(out.value_bits);
    done(&f);
}

static void test_identity__near_photo_hashes_are_one_photo(void **state)
{
    (void)state;
    fixture f = {.g = graph_new()};
    uint32_t a = acct(f.g, "a"), b = acct(f.g, "b"), c = acct(f.g, "c");
    attr(f.g, a, ATTR_NAME, "amy ho");
    attr(f.g, b, ATTR_NAME, "raj iyer");
    attr(f.g, c, ATTR_NAME, "tom wu");
    attr(f.g, a, ATTR_PHOTO_HASH, "f0f0f0f0f0f0f0f0");
    attr(f.g, b, ATTR_PHOTO_HASH, "f0f0f0f0f0f0f0f7"); /* 3 bits apart */
    attr(f.g, c, ATTR_PHOTO_HASH, "f0f0f0f0f0f0ff0f"); /* 12 from a, 9 from b */
    run(&f);
    assert_int_equal(res_of(&f, ATTR_PHOTO_HASH, "f0f0f0f0f0f0f0f7"),
                     res_of(&f, ATTR_PHOTO_HASH, "f0f0f0f0f0f0f0f0"));
    assert_true(has(&f, a, FLAG_SHARED_IDENTITY) && has(&f, b, FLAG_SHARED_IDENTITY));
    assert_false(has(&f, c, FLAG_SHARED_IDENTITY));
    done(&f);
}

static void test_identity__caps_and_empty_graph(void **state)
{
    (void)state;
    fixture f = {.g = graph_new()};
    char id[16];
    for (int i = 0; i < 31; i++) { /* a support desk's number on 31 accounts */
        snprintf(id, sizeof id, "u%d", i);
        uint32_t a = acct(f.g, id);
        char nm[32];
        snprintf(nm, sizeof nm, "n%02d x%d", i, i);
        attr(f.g, a, ATTR_NAME, nm);
        attr(f.g, a, ATTR_PHONE, "+18005550000");
    }
    run(&f);
    uint32_t r = res_of(&f, ATTR_PHONE, "+18005550000");
    assert_int_equal(f.ix.bits[r], IDENT_CAPPED);
    assert_false(has(&f, 0, FLAG_SHARED_IDENTITY));
    projection *pm = projection_new();
    uint64_t capped = 0;
    identity_project(pm, &f.ix, &f.p, &capped);
    assert_int_equal(capped, 1);
    assert_int_equal(projection_pairs(pm), 0);
    projection_free(pm);
    done(&f);

    fixture e = {.g = graph_new()};
    acct(e.g, "a");
    run(&e);
    assert_int_equal(e.ix.nres, 0);
    assert_int_equal(e.ix.ndocs, 0);
    done(&e);
}

/* The display name counts as a name the account gives (account_attr.given_name, set by
 * the loader for a person's name only): accounts whose only names are their display
 * names, paid to one facilitator, are tied by the holder (SHARED_HOLDER), and a mule
 * paid to a stranger is NAME_MISMATCH. An account paid under the name its display name
 * gives is neither: its display name relates it to the holder. An account with no
 * given name (placeholder or business display name: the loader gave none) cannot be
 * told apart and raises nothing. */
static void test_identity__display_name_is_a_name(void **state)
{
    (void)state;
    fixture f = {.g = graph_new()};
    uint32_t a = acct(f.g, "a"), b = acct(f.g, "b"), own = acct(f.g, "o");
    uint32_t none = acct(f.g, "p");
    graph_account_given_name(f.g, a, ATTR_NAME, "kim ryan", 8);
    graph_account_given_name(f.g, b, ATTR_NAME, "lee mark", 8);
    graph_account_given_name(f.g, own, ATTR_NAME, "doe jane", 8);
    attr(f.g, a, ATTR_PAYOUT_HOLDER, "doe jane");
    attr(f.g, b, ATTR_PAYOUT_HOLDER, "doe jane");
    attr(f.g, own, ATTR_PAYOUT_HOLDER, "doe jane");
    attr(f.g, none, ATTR_PAYOUT_HOLDER, "doe jane");
    run(&f);
    assert_true(has(&f, a, FLAG_SHARED_HOLDER));
    assert_true(has(&f, b, FLAG_SHARED_HOLDER));
    assert_true(has(&f, a, FLAG_NAME_MISMATCH));
    assert_false(has(&f, own, FLAG_SHARED_HOLDER));
    assert_false(has(&f, own, FLAG_NAME_MISMATCH));
    assert_false(has(&f, none, FLAG_SHARED_HOLDER));
    assert_false(has(&f, none, FLAG_NAME_MISMATCH));
    done(&f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_identity__strangers_sharing_a_phone_deceive),
        cmocka_unit_test(test_identity__one_person_or_family_ties_without_deceiving),
        cmocka_unit_test(test_identity__operator_phone_weighs_like_a_device),
        cmocka_unit_test(test_identity__company_domain_is_not_shared),
        cmocka_unit_test(test_identity__payout_holder_of_another_family),
        cmocka_unit_test(test_identity__facilitator_holder_ties_strangers),
        cmocka_unit_test(test_identity__agency_holder_ties_nobody),
        cmocka_unit_test(test_identity__family_and_namesakes_tie_nobody),
        cmocka_unit_test(test_identity__forwarding_point_not_a_company_office),
        cmocka_unit_test(test_identity__company_depot_for_remote_staff),
        cmocka_unit_test(test_identity__text_reuse_under_the_template_cap),
        cmocka_unit_test(test_identity__near_photo_hashes_are_one_photo),
        cmocka_unit_test(test_identity__caps_and_empty_graph),
        cmocka_unit_test(test_identity__display_name_is_a_name),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

/* test_textsim.c - near-duplicate texts: copies and light edits cluster
 * across owners, texts on one topic and short texts do not, same-owner
 * groups are not reported, exact Jaccard on hand-computed sets, identical
 * output for 1, 2 and 3 threads, a big LSH bucket, and single-linkage
 * chains. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "algorithms/textsim.h"
#include "base/alloc.h"

#define NW 150

static uint64_t rnd(uint64_t *s)
{
    *s ^= *s << 13;
    *s ^= *s >> 7;
    *s ^= *s << 17;
    return *s;
}

/* n random word ids from a 5000-word vocabulary. */
static void words(uint32_t *w, size_t n, uint64_t seed)
{
    uint64_t s = seed * 2654435761u + 1;
    for (size_t i = 0; i < n; i++)
        w[i] = (uint32_t)(rnd(&s) % 5000);
}

static size_t render(const uint32_t *w, size_t n, char *out, size_t cap)
{
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        k += (size_t)snprintf(out + k, cap - k, "w%u%s", w[i], i % 9 == 8 ? ". " : " ");
    return k;
}

static uint32_t add_words(textsim *t, uint32_t owner, const uint32_t *w, size_t n)
{
    char buf[NW * 16];
    return textsim_add(t, owner, buf, render(w, n, buf, sizeof buf));
}

static uint32_t add_str(textsim *t, uint32_t owner, const char *s)
{
    return textsim_add(t, owner, s, strlen(s));
}

static textsim *new_default(void)
{
    textsim_params p;
    textsim_params_init(&p);
    return textsim_new(&p);
}

static void test_textsim__identical_texts_cluster(void **state)
{
    (void)state;
    textsim *t = new_default();
    uint32_t w[NW];
    words(w, NW, 1);
    uint32_t a = add_words(t, 10, w, NW);
    words(w, NW, 2);
    uint32_t other = add_words(t, 11, w, NW);
    words(w, NW, 1);
    uint32_t b = add_words(t, 12, w, NW);
    uint32_t *cl = NULL;
    textsim_stats st;
    assert_int_equal(textsim_cluster(t, &cl, &st), 1);
    assert_int_equal(cl[a], 0);
    assert_int_equal(cl[b], 0);
    assert_int_equal(cl[other], UINT32_MAX);
    assert_int_equal(st.docs, 3);
    assert_int_equal(st.distinct_texts, 2);
    assert_int_equal(st.clusters, 1);
    assert_true(textsim_jaccard(t, a, b) == 1.0);
    free(cl);
    textsim_free(t);
}

static void test_textsim__template_with_ten_percent_edits_clusters(void **state)
{
    (void)state;
    textsim *t = new_default();
    uint32_t w[NW];
    words(w, NW, 7);
    uint32_t a = add_words(t, 1, w, NW);
    /* 15 of 150 words replaced, every tenth: 45 of 148 trigrams broken. */
    for (size_t i = 5; i < NW; i += 10)
        w[i] = 6000 + (uint32_t)i;
    uint32_t b = add_words(t, 2, w, NW);
    double j = textsim_jaccard(t, a, b);
    assert_true(fabs(j - 103.0 / 193.0) < 1e-12);
    uint32_t *cl = NULL;
    assert_int_equal(textsim_cluster(t, &cl, NULL), 1);
    assert_int_equal(cl[a], 0);
    assert_int_equal(cl[b], 0);
    free(cl);
    textsim_free(t);
}

static void test_textsim__same_topic_texts_do_not_cluster(void **state)
{
    (void)state;
    /* Bids on one job: every text opens and closes with the same stock
     * phrases, the rest is the writer's own. */
    const char *open = "Hello I have read your job description carefully and I am confident I "
                       "can deliver this project on time with high quality ";
    const char *close = " I look forward to hearing from you best regards";
    textsim *t = new_default();
    char buf[NW * 32];
    uint32_t w[100];
    for (uint32_t k = 0; k < 200; k++) {
        words(w, 100, 100 + k);
        size_t n = (size_t)snprintf(buf, sizeof buf, "%s", open);
        n += render(w, 100, buf + n, sizeof buf - n);
        n += (size_t)snprintf(buf + n, sizeof buf - n, "%s", close);
        textsim_add(t, k, buf, n);
    }
    assert_true(textsim_jaccard(t, 0, 1) < 0.2);
    assert_true(textsim_jaccard(t, 0, 1) > 0.0);
    uint32_t *cl = NULL;
    textsim_stats st;
    assert_int_equal(textsim_cluster(t, &cl, &st), 0);
    for (uint32_t k = 0; k < 200; k++)
        assert_int_equal(cl[k], UINT32_MAX);
    assert_int_equal(st.verified_pairs, 0);
    free(cl);
    textsim_free(t);
}

static void test_textsim__short_texts_ignored(void **state)
{
    (void)state;
    textsim *t = new_default();
    /* 11 words: 9 trigrams, one under min_shingles = 10. */
    const char *s = "thanks for the invite I can start today and finish friday";
    add_str(t, 1, "ok");
    add_str(t, 2, "ok");
    add_str(t, 3, s);
    add_str(t, 4, s);
    add_str(t, 5, "");
    uint32_t *cl = NULL;
    textsim_stats st;
    assert_int_equal(textsim_cluster(t, &cl, &st), 0);
    for (uint32_t d = 0; d < 5; d++)
        assert_int_equal(cl[d], UINT32_MAX);
    assert_int_equal(st.ignored_short, 5);
    assert_int_equal(st.distinct_texts, 0);
    free(cl);
    textsim_free(t);

    /* One more word makes 10 trigrams: now they count. */
    t = new_default();
    add_str(t, 3, "thanks for the invite I can start today and finish friday noon");
    add_str(t, 4, "thanks for the invite I can start today and finish friday noon");
    assert_int_equal(textsim_cluster(t, &cl, &st), 1);
    assert_int_equal(st.ignored_short, 0);
    free(cl);
    textsim_free(t);
}

static void test_textsim__same_owner_clusters_not_reported(void **state)
{
    (void)state;
    textsim *t = new_default();
    uint32_t w[NW];
    words(w, NW, 3);
    for (int k = 0; k < 5; k++) {
        w[k * 20] = 7000 + (uint32_t)k;
        add_words(t, 42, w, NW);
    }
    words(w, NW, 4);
    add_words(t, 1, w, NW);
    add_words(t, 2, w, NW);
    uint32_t *cl = NULL;
    textsim_stats st;
    assert_int_equal(textsim_cluster(t, &cl, &st), 1);
    for (uint32_t d = 0; d < 5; d++)
        assert_int_equal(cl[d], UINT32_MAX);
    assert_int_equal(cl[5], 0);
    assert_int_equal(cl[6], 0);
    /* The owner's five bids are never compared with each other. */
    assert_int_equal(st.candidate_pairs, 0);
    assert_int_equal(st.verified_pairs, 0);
    free(cl);
    textsim_free(t);
}

/* A mixed collection: templates with edits shared by owner groups, fresh
 * texts, exact copies, short texts. */
static void fill_mixed(textsim *t, uint32_t n)
{
    uint32_t w[NW];
    uint64_t s = 99;
    for (uint32_t d = 0; d < n; d++) {
        uint32_t kind = (uint32_t)(rnd(&s) % 10), owner = (uint32_t)(rnd(&s) % 300);
        if (kind < 5) {
            /* Two owner groups of 100 share a template (big buckets), the
             * rest groups of 3. */
            words(w, NW, kind < 2 ? 1000 + owner / 100 : 2000 + owner / 3);
            for (size_t i = 0; i < NW; i++)
                if (rnd(&s) % 100 < 6)
                    w[i] = (uint32_t)(rnd(&s) % 5000);
            add_words(t, owner, w, NW);
        } else if (kind < 8) {
            words(w, NW, rnd(&s));
            add_words(t, owner, w, NW);
        } else if (kind < 9) {
            words(w, NW, 5000 + rnd(&s) % 3);
            add_words(t, owner, w, NW);
        } else {
            words(w, 6, rnd(&s));
            add_words(t, owner, w, 6);
        }
    }
}

static void test_textsim__same_output_for_any_thread_count(void **state)
{
    (void)state;
    uint32_t *ref = NULL, *cl = NULL;
    textsim_stats rst, st;
    size_t rnc = 0, rnl = 0;
    uint32_t *rlinks = NULL;
    for (int th = 1; th <= 3; th++) {
        textsim_params p;
        textsim_params_init(&p);
        p.threads = th;
        textsim *t = textsim_new(&p);
        fill_mixed(t, 3000);
        size_t nc = textsim_cluster(t, &cl, &st);
        size_t nl;
        const uint32_t *lk = textsim_links(t, &nl);
        if (th == 1) {
            ref = cl;
            rst = st;
            rnc = nc;
            rnl = nl;
            rlinks = xmalloc(xmul(2 * nl + 1, sizeof *rlinks));
            memcpy(rlinks, lk, 2 * nl * sizeof *lk);
            assert_true(nc > 10);
            assert_true(st.big_buckets > 0);
        } else {
            assert_int_equal(nc, rnc);
            assert_memory_equal(cl, ref, 3000 * sizeof *cl);
            assert_int_equal(st.candidate_pairs, rst.candidate_pairs);
            assert_int_equal(st.verified_pairs, rst.verified_pairs);
            assert_int_equal(st.distinct_texts, rst.distinct_texts);
            assert_int_equal(nl, rnl);
            assert_memory_equal(lk, rlinks, 2 * nl * sizeof *lk);
            free(cl);
        }
        /* Every link is a true near-duplicate and clusters number by first doc. */
        for (size_t i = 0; i < nl; i++)
            assert_true(textsim_jaccard(t, lk[2 * i], lk[2 * i + 1]) >= 0.5);
        textsim_free(t);
    }
    uint32_t next = 0;
    for (uint32_t d = 0; d < 3000; d++) {
        if (ref[d] == UINT32_MAX)
            continue;
        assert_true(ref[d] <= next);
        if (ref[d] == next)
            next++;
    }
    assert_int_equal(next, rnc);
    free(ref);
    free(rlinks);
}

static void test_textsim__exact_jaccard_by_hand(void **state)
{
    (void)state;
    textsim_params p;
    textsim_params_init(&p);
    p.min_shingles = 0;
    textsim *t = textsim_new(&p);
    /* {abc, bcd, cde} vs {abc, bcd, cdf}: 2 / 4. */
    uint32_t a = add_str(t, 1, "a b c d e");
    uint32_t b = add_str(t, 2, "a b c d f");
    /* Repeats count once: {abc, bca, cab} vs {abc}: 1 / 3. */
    uint32_t c = add_str(t, 3, "a b c a b c");
    uint32_t d = add_str(t, 4, "A, b;C!");
    /* Fewer words than a shingle: one shingle of all of them. */
    uint32_t e = add_str(t, 5, "Hello,   WORLD");
    uint32_t f = add_str(t, 6, "hello world");
    /* Bytes >= 0x80 are word characters: "caf\xc3\xa9" is not "cafe". */
    uint32_t g = add_str(t, 7, "un caf\xc3\xa9 au lait");
    uint32_t h = add_str(t, 8, "un cafe au lait");
    uint32_t u = add_str(t, 9, "UN CAF\xc3\xa9 AU LAIT");
    uint32_t z = add_str(t, 10, " ,;. ");
    /* {x y z, y z w} vs {x y z}: order matters ("z y x" shares nothing). */
    uint32_t x1 = add_str(t, 11, "x y z w"), x2 = add_str(t, 12, "z y x");
    for (int round = 0; round < 2; round++) {
        assert_true(textsim_jaccard(t, a, b) == 0.5);
        assert_true(textsim_jaccard(t, a, a) == 1.0);
        assert_true(fabs(textsim_jaccard(t, c, d) - 1.0 / 3.0) < 1e-15);
        assert_true(textsim_jaccard(t, e, f) == 1.0);
        assert_true(textsim_jaccard(t, e, a) == 0.0);
        /* "un caf\xc3\xa9 au" and "caf\xc3\xa9 au lait" against "un cafe au"... */
        assert_true(textsim_jaccard(t, g, h) == 0.0);
        assert_true(textsim_jaccard(t, g, u) == 1.0);
        assert_true(textsim_jaccard(t, z, z) == 0.0);
        assert_true(textsim_jaccard(t, x1, x2) == 0.0);
        assert_true(fabs(textsim_jaccard(t, a, c) - 1.0 / 5.0) < 1e-15);
        if (round == 0) {
            uint32_t *cl = NULL;
            textsim_cluster(t, &cl, NULL);
            free(cl);
        }
    }
    textsim_free(t);
}

static void test_textsim__big_bucket_stays_correct(void **state)
{
    (void)state;
    textsim *t = new_default();
    uint32_t w[NW], base[NW];
    words(base, NW, 77);
    /* 500 owners send the template, each with one word of their own. */
    for (uint32_t k = 0; k < 500; k++) {
        memcpy(w, base, sizeof w);
        w[k % NW] = 10000 + k;
        add_words(t, k, w, NW);
        words(w, NW, 100000 + k);
        add_words(t, 1000 + k, w, NW);
    }
    /* And 300 verbatim copies of it. */
    for (uint32_t k = 0; k < 300; k++)
        add_words(t, 2000 + k, base, NW);
    uint32_t *cl = NULL;
    textsim_stats st;
    assert_int_equal(textsim_cluster(t, &cl, &st), 1);
    for (uint32_t k = 0; k < 500; k++) {
        assert_int_equal(cl[2 * k], 0);
        assert_int_equal(cl[2 * k + 1], UINT32_MAX);
    }
    for (uint32_t k = 0; k < 300; k++)
        assert_int_equal(cl[1000 + k], 0);
    assert_int_equal(st.distinct_texts, 1001);
    assert_true(st.big_buckets > 0);
    /* Linear, not quadratic: no more than the leader rule allows (8 per
     * member and band), far below the 500 x 499 / 2 pairs of one bucket. */
    assert_true(st.candidate_pairs < 8 * 1001);
    free(cl);
    textsim_free(t);
}

/* Single linkage: A~B and B~C join A and C although A and C are further
 * apart than the threshold. */
static void test_textsim__chain_joins_through_middle(void **state)
{
    (void)state;
    textsim *t = new_default();
    uint32_t w[NW];
    words(w, NW, 555);
    uint32_t a = add_words(t, 1, w, NW);
    for (size_t i = 3; i < 75; i += 7) /* 11 edits in the first half */
        w[i] = 8000 + (uint32_t)i;
    uint32_t b = add_words(t, 2, w, NW);
    for (size_t i = 78; i < NW; i += 7) /* 11 more in the second half */
        w[i] = 8000 + (uint32_t)i;
    uint32_t c = add_words(t, 3, w, NW);
    assert_true(textsim_jaccard(t, a, b) >= 0.5);
    assert_true(textsim_jaccard(t, b, c) >= 0.5);
    assert_true(textsim_jaccard(t, a, c) < 0.5);
    uint32_t *cl = NULL;
    assert_int_equal(textsim_cluster(t, &cl, NULL), 1);
    assert_int_equal(cl[a], 0);
    assert_int_equal(cl[b], 0);
    assert_int_equal(cl[c], 0);
    free(cl);
    textsim_free(t);
}

static void test_textsim__empty_collection(void **state)
{
    (void)state;
    textsim *t = textsim_new(NULL);
    uint32_t *cl = NULL;
    textsim_stats st;
    assert_int_equal(textsim_cluster(t, &cl, &st), 0);
    assert_non_null(cl);
    assert_int_equal(st.docs, 0);
    size_t nl;
    textsim_links(t, &nl);
    assert_int_equal(nl, 0);
    free(cl);
    textsim_free(t);
    textsim_free(NULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_textsim__identical_texts_cluster),
        cmocka_unit_test(test_textsim__template_with_ten_percent_edits_clusters),
        cmocka_unit_test(test_textsim__same_topic_texts_do_not_cluster),
        cmocka_unit_test(test_textsim__short_texts_ignored),
        cmocka_unit_test(test_textsim__same_owner_clusters_not_reported),
        cmocka_unit_test(test_textsim__same_output_for_any_thread_count),
        cmocka_unit_test(test_textsim__exact_jaccard_by_hand),
        cmocka_unit_test(test_textsim__big_bucket_stays_correct),
        cmocka_unit_test(test_textsim__chain_joins_through_middle),
        cmocka_unit_test(test_textsim__empty_collection),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

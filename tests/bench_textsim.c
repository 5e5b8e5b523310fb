/* bench_textsim.c - near-duplicate bid texts at scale: time, memory and a
 * sample check of textsim on synthetic cover letters.
 *
 *   bench_textsim [N]
 *
 * Generates N (default 1 000 000) bid texts of ~150 words deterministically,
 * from a vocabulary of 5 000 pseudo-words, by N/20 owners:
 *   60%  the owner's personal template with 5% of words replaced;
 *   15%  fresh filler with shared stock phrases (same topic, no copy);
 *    7%  a cohort template (one per 200 owners' group) with 5% replaced;
 *    5%  one of 5 mass templates, copied verbatim (exact duplicates);
 *   11%  the personal template with 20% replaced (heavier rewrites);
 *    2%  planted: every doc i with i % 50 == 1 copies doc i-1, from another
 *        owner, with 10% of words replaced.
 * Each text is rebuilt from its doc id alone, so the sample check can
 * regenerate any text. Runs textsim_cluster with one thread per online core
 * and prints the counts, the time of each phase and the peak RSS. SAMPLE
 * CHECK: up to 1000 links chosen at random have their Jaccard recomputed by
 * an independent path (words as strings, shingles as joined strings, sorted
 * and merged), and must all reach the threshold. RECALL: the share of
 * planted pairs that land in one reported cluster. Exit 0, or 1 when the
 * sample check fails. */
#include "algorithms/textsim.h"
#include "base/alloc.h"
#include "base/proc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define VOCAB 5000
#define NSTOCK 300
#define MAXW 200
#define SEED 0x7e57ull

static char vocab[VOCAB][12];
static uint16_t stock[NSTOCK][12];
static uint8_t stock_len[NSTOCK];

static uint64_t rng(uint64_t *s)
{
    uint64_t z = (*s += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

static void make_vocab(void)
{
    uint64_t s = SEED;
    for (int i = 0; i < VOCAB; i++) {
        int n = 3 + (int)(rng(&s) % 8);
        for (int j = 0; j < n; j++)
            vocab[i][j] = (char)('a' + rng(&s) % 26);
        vocab[i][n] = '\0';
    }
    for (int i = 0; i < NSTOCK; i++) {
        stock_len[i] = (uint8_t)(4 + rng(&s) % 8);
        for (int j = 0; j < stock_len[i]; j++)
            stock[i][j] = (uint16_t)(rng(&s) % VOCAB);
    }
}

/* Filler of about 150 words: stock phrases among random words. */
static size_t filler(uint64_t s, uint16_t *w)
{
    size_t target = 130 + rng(&s) % 41, n = 0;
    while (n < target) {
        if (rng(&s) % 100 < 25) {
            size_t r = (size_t)(rng(&s) % NSTOCK), k = stock_len[r];
            const uint16_t *p = stock[r];
            for (size_t j = 0; j < k && n < MAXW; j++)
                w[n++] = p[j];
        } else {
            size_t k = 1 + rng(&s) % 6;
            for (size_t j = 0; j < k && n < MAXW; j++)
                w[n++] = (uint16_t)(rng(&s) % VOCAB);
        }
    }
    return n;
}

static void edit(uint16_t *w, size_t n, unsigned pct, uint64_t s)
{
    for (size_t i = 0; i < n; i++)
        if (rng(&s) % 1000 < pct * 10)
            w[i] = (uint16_t)(rng(&s) % VOCAB);
}

/* The words and owner of doc i; returns the word count. *planted is set for
 * the planted copies of doc i-1. */
static size_t gen_doc(uint64_t i, uint32_t nown, uint16_t *w, uint32_t *owner, int *planted)
{
    uint64_t s = SEED ^ (i * 0x2545f4914f6cdd1dull);
    rng(&s);
    *planted = 0;
    if (i % 50 == 1 && nown > 1) {
        uint32_t o;
        int p;
        size_t n = gen_doc(i - 1, nown, w, &o, &p);
        edit(w, n, 10, rng(&s));
        *owner = (uint32_t)((o + 1 + rng(&s) % (nown - 1)) % nown);
        *planted = 1;
        return n;
    }
    uint32_t o = (uint32_t)(rng(&s) % nown);
    *owner = o;
    unsigned u = (unsigned)(rng(&s) % 100);
    size_t n;
    if (u < 60) {
        n = filler(SEED * 3 + o, w);
        edit(w, n, 5, rng(&s));
    } else if (u < 75) {
        n = filler(rng(&s), w);
    } else if (u < 82) {
        n = filler(SEED * 5 + o / 200, w);
        edit(w, n, 5, rng(&s));
    } else if (u < 87) {
        n = filler(SEED * 7 + rng(&s) % 5, w);
    } else {
        n = filler(SEED * 3 + o, w);
        edit(w, n, 20, rng(&s));
    }
    return n;
}

/* Renders words as prose: commas, full stops, capitals. */
static size_t render(const uint16_t *w, size_t n, uint64_t s, char *out)
{
    size_t k = 0;
    int cap = 1;
    for (size_t i = 0; i < n; i++) {
        const char *v = vocab[w[i]];
        size_t len = strlen(v);
        memcpy(out + k, v, len);
        if (cap)
            out[k] = (char)(out[k] - 'a' + 'A');
        k += len;
        unsigned r = (unsigned)(rng(&s) % 100);
        cap = r < 7;
        if (r < 7)
            out[k++] = '.';
        else if (r < 12)
            out[k++] = ',';
        out[k++] = i + 1 < n ? ' ' : '\n';
    }
    out[k] = '\0';
    return k;
}

static size_t doc_text(uint64_t i, uint32_t nown, char *buf, uint32_t *owner, int *planted)
{
    uint16_t w[MAXW];
    size_t n = gen_doc(i, nown, w, owner, planted);
    return render(w, n, i * 31 + 7, buf);
}

/* --- the independent Jaccard: strings all the way -------------------------- */

static int strp_cmp(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Sorted distinct shingle strings of text; returns the count, *store and
 * *sh new arrays. */
static size_t string_shingles(const char *text, unsigned w, char **store, char ***sh)
{
    size_t len = strlen(text);
    char *lw = xmalloc(len + 1);
    char **words = xmalloc(xmul(len + 1, sizeof *words));
    size_t nw = 0, k = 0;
    for (size_t i = 0; i < len;) {
        while (i < len && !(text[i] >= 'A' && text[i] <= 'Z') &&
               !(text[i] >= 'a' && text[i] <= 'z'))
            i++;
        if (i >= len)
            break;
        words[nw++] = lw + k;
        while (i < len &&
               ((text[i] >= 'A' && text[i] <= 'Z') || (text[i] >= 'a' && text[i] <= 'z')))
            lw[k++] = (char)(text[i] >= 'A' && text[i] <= 'Z' ? text[i++] + 32 : text[i++]);
        lw[k++] = '\0';
    }
    size_t ns = nw == 0 ? 0 : nw < w ? 1 : nw - w + 1;
    char *st = xmalloc((len + 2) * (w + 1) + 64);
    char **s = xmalloc(xmul(ns + 1, sizeof *s));
    size_t p = 0;
    for (size_t j = 0; j < ns; j++) {
        s[j] = st + p;
        for (size_t q = 0; q < w && j + q < nw; q++) {
            size_t l = strlen(words[j + q]);
            memcpy(st + p, words[j + q], l);
            p += l;
            st[p++] = ' ';
        }
        st[p++] = '\0';
    }
    qsort(s, ns, sizeof *s, strp_cmp);
    size_t u = 0;
    for (size_t j = 0; j < ns; j++)
        if (u == 0 || strcmp(s[j], s[u - 1]) != 0)
            s[u++] = s[j];
    free(lw);
    free(words);
    *store = st;
    *sh = s;
    return u;
}

static double string_jaccard(const char *a, const char *b, unsigned w)
{
    char *sa, *sb, **va, **vb;
    size_t na = string_shingles(a, w, &sa, &va), nb = string_shingles(b, w, &sb, &vb);
    size_t i = 0, j = 0, k = 0;
    while (i < na && j < nb) {
        int c = strcmp(va[i], vb[j]);
        if (c < 0)
            i++;
        else if (c > 0)
            j++;
        else {
            k++;
            i++;
            j++;
        }
    }
    free(sa);
    free(sb);
    free(va);
    free(vb);
    return na + nb - k ? (double)k / (double)(na + nb - k) : 0.0;
}

int main(int argc, char **argv)
{
    uint64_t n = argc > 1 ? strtoull(argv[1], NULL, 10) : 1000000;
    if (n < 100 || n > 100000000) {
        fprintf(stderr, "bench_textsim: N must be in [100, 1e8]\n");
        return 2;
    }
    uint32_t nown = (uint32_t)(n / 20);
    long cores = sysconf(_SC_NPROCESSORS_ONLN);
    make_vocab();
    textsim_params p;
    textsim_params_init(&p);
    p.threads = cores > 0 ? (int)cores : 1;
    textsim *t = textsim_new(&p);
    char *buf = xmalloc(MAXW * 16);
    double t0 = proc_now();
    uint64_t bytes = 0, nplanted = 0;
    for (uint64_t i = 0; i < n; i++) {
        uint32_t o;
        int planted;
        size_t len = doc_text(i, nown, buf, &o, &planted);
        bytes += len;
        nplanted += (uint64_t)planted;
        textsim_add(t, o, buf, len);
    }
    double tadd = proc_now() - t0;
    uint32_t *cl = NULL;
    textsim_stats st;
    size_t nc = textsim_cluster(t, &cl, &st);
    printf("bench_textsim: %llu docs (%.1f MB of text), %u owners, %d threads\n",
           (unsigned long long)n, (double)bytes / 1e6, nown, p.threads);
    printf("  params: shingle %u, bands %u x rows %u, threshold %.2f, min_shingles %u\n", p.shingle,
           p.bands, p.rows, p.threshold, p.min_shingles);
    printf("  docs %llu, ignored short %llu, distinct texts %llu\n", (unsigned long long)st.docs,
           (unsigned long long)st.ignored_short, (unsigned long long)st.distinct_texts);
    printf("  candidate pairs %llu, verified pairs %llu, big buckets %llu, clusters %zu\n",
           (unsigned long long)st.candidate_pairs, (unsigned long long)st.verified_pairs,
           (unsigned long long)st.big_buckets, nc);
    printf("  seconds: generate+add %.2f | cluster %.2f (sets %.2f, signatures %.2f, "
           "buckets+links %.2f) | total %.2f\n",
           tadd, st.seconds, st.seconds_prepare, st.seconds_signatures, st.seconds_link,
           tadd + st.seconds);
    printf("  peak RSS %.0f MB\n", (double)proc_peak_rss() / 1048576.0);

    /* SAMPLE CHECK */
    size_t nl;
    const uint32_t *lk = textsim_links(t, &nl);
    uint64_t s = 12345;
    size_t ns = nl < 1000 ? nl : 1000, below = 0, mismatch = 0;
    double minj = 2.0;
    char *bufb = xmalloc(MAXW * 16);
    for (size_t k = 0; k < ns; k++) {
        size_t i = nl <= 1000 ? k : (size_t)(rng(&s) % nl);
        uint32_t a = lk[2 * i], b = lk[2 * i + 1], o;
        int pl;
        doc_text(a, nown, buf, &o, &pl);
        doc_text(b, nown, bufb, &o, &pl);
        double j = string_jaccard(buf, bufb, p.shingle);
        if (j < minj)
            minj = j;
        below += j < p.threshold;
        mismatch += j != textsim_jaccard(t, a, b);
    }
    printf("  SAMPLE CHECK: %zu links rechecked, min Jaccard %.4f, below threshold %zu, "
           "differing from textsim_jaccard %zu\n",
           ns, ns ? minj : 0.0, below, mismatch);

    /* A planted pair whose edits took its Jaccard under the threshold is not
     * a near-duplicate by definition: recall is also given over the rest. */
    uint64_t found = 0, eligible = 0, found_eligible = 0;
    for (uint64_t i = 1; i < n; i += 50) {
        int hit = cl[i] != UINT32_MAX && cl[i] == cl[i - 1];
        int ok = textsim_jaccard(t, (uint32_t)i - 1, (uint32_t)i) >= p.threshold;
        found += (uint64_t)hit;
        eligible += (uint64_t)ok;
        found_eligible += (uint64_t)(hit && ok);
    }
    printf("  RECALL of planted cross-owner pairs: %llu / %llu = %.4f; of the %llu at or above "
           "threshold: %.4f\n",
           (unsigned long long)found, (unsigned long long)nplanted,
           nplanted ? (double)found / (double)nplanted : 0.0, (unsigned long long)eligible,
           eligible ? (double)found_eligible / (double)eligible : 0.0);
    free(buf);
    free(bufb);
    free(cl);
    textsim_free(t);
    return below ? 1 : 0;
}

/* test_hamming.c - groups of 64-bit hashes within a Hamming distance: the
 * multi-index result equals a brute-force all-pairs union-find on random
 * hashes with planted near-duplicates (d = 0, 3, 8), exact duplicates group
 * at d = 0, numbering is by smallest index, and the output is the same
 * whatever the input's duplicates and run. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "algorithms/hamming.h"
#include "base/alloc.h"

static uint64_t rnd(uint64_t *s)
{
    *s ^= *s << 13;
    *s ^= *s >> 7;
    *s ^= *s << 17;
    return *s;
}

/* n random hashes; one in four is a copy of an earlier one with 0-12 bits
 * flipped (some copies exact). */
static uint64_t *planted(size_t n, uint64_t seed)
{
    uint64_t *h = xmalloc(n * sizeof *h), s = seed;
    for (size_t i = 0; i < n; i++) {
        if (i > 0 && rnd(&s) % 4 == 0) {
            h[i] = h[rnd(&s) % i];
            unsigned flips = (unsigned)(rnd(&s) % 13);
            for (unsigned f = 0; f < flips; f++)
                h[i] ^= (uint64_t)1 << (rnd(&s) % 64);
        } else {
            h[i] = rnd(&s);
        }
    }
    return h;
}

static uint32_t find(uint32_t *p, uint32_t x)
{
    while (p[x] != x)
        x = p[x] = p[p[x]];
    return x;
}

/* All pairs, union-find, numbering by smallest index: the reference. */
static size_t brute(const uint64_t *h, size_t n, unsigned d, uint32_t *g)
{
    uint32_t *p = xmalloc(n * sizeof *p), *size = xcalloc(n, sizeof *size);
    for (size_t i = 0; i < n; i++)
        p[i] = (uint32_t)i;
    for (size_t i = 0; i < n; i++)
        for (size_t j = i + 1; j < n; j++)
            if ((unsigned)__builtin_popcountll(h[i] ^ h[j]) <= d) {
                uint32_t a = find(p, (uint32_t)i), b = find(p, (uint32_t)j);
                p[a > b ? a : b] = a < b ? a : b;
            }
    for (size_t i = 0; i < n; i++)
        size[find(p, (uint32_t)i)]++;
    uint32_t *id = xmalloc(n * sizeof *id);
    size_t ng = 0;
    for (size_t i = 0; i < n; i++) {
        uint32_t r = find(p, (uint32_t)i);
        if (size[r] < 2)
            g[i] = UINT32_MAX;
        else if (r == i)
            g[i] = id[i] = (uint32_t)ng++;
        else
            g[i] = id[r];
    }
    free(p);
    free(size);
    free(id);
    return ng;
}

static void check_against_brute(size_t n, unsigned d, uint64_t seed, size_t min_groups)
{
    uint64_t *h = planted(n, seed);
    uint32_t *g = xmalloc(n * sizeof *g), *want = xmalloc(n * sizeof *want);
    size_t ng = hamming_groups(h, n, d, g);
    size_t nw = brute(h, n, d, want);
    assert_int_equal(ng, nw);
    assert_memory_equal(g, want, n * sizeof *g);
    assert_true(ng >= min_groups);
    free(h);
    free(g);
    free(want);
}

static void test_hamming__d0_matches_brute_force(void **state)
{
    (void)state;
    check_against_brute(5000, 0, 11, 50);
}

static void test_hamming__d3_matches_brute_force(void **state)
{
    (void)state;
    check_against_brute(5000, 3, 12, 200);
}

static void test_hamming__d8_matches_brute_force(void **state)
{
    (void)state;
    check_against_brute(5000, 8, 13, 400);
}

static void test_hamming__small_cases_by_hand(void **state)
{
    (void)state;
    /* 0 and 7 (3 bits) chain through 3 (2 bits, 1 bit) at d = 2;
     * 0xff.. is alone; the two 0xf0f0.. are one group at any d. */
    const uint64_t f = 0xf0f0f0f0f0f0f0f0ull;
    const uint64_t h[] = {0, UINT64_MAX, 3, f, 7, f};
    uint32_t g[6];
    assert_int_equal(hamming_groups(h, 6, 2, g), 2);
    assert_int_equal(g[0], 0);
    assert_int_equal(g[2], 0);
    assert_int_equal(g[4], 0);
    assert_int_equal(g[1], UINT32_MAX);
    assert_int_equal(g[3], 1);
    assert_int_equal(g[5], 1);
    assert_int_equal(hamming_groups(h, 6, 0, g), 1);
    assert_int_equal(g[3], 0);
    assert_int_equal(g[5], 0);
    assert_int_equal(g[0], UINT32_MAX);
    assert_int_equal(hamming_groups(h, 6, 1, g), 2);
    assert_int_equal(g[0], UINT32_MAX); /* 0-3 is 2 bits */
    assert_int_equal(g[2], 0);
    assert_int_equal(g[4], 0);
    assert_int_equal(hamming_groups(h, 0, 8, g), 0);
}

static void test_hamming__deterministic(void **state)
{
    (void)state;
    size_t n = 20000;
    uint64_t *h = planted(n, 21);
    uint32_t *a = xmalloc(n * sizeof *a), *b = xmalloc(n * sizeof *b);
    size_t na = hamming_groups(h, n, 8, a);
    size_t nb = hamming_groups(h, n, 8, b);
    assert_int_equal(na, nb);
    assert_memory_equal(a, b, n * sizeof *a);
    /* Numbered by smallest index: ids first appear in order 0, 1, 2, ... */
    uint32_t next = 0;
    for (size_t i = 0; i < n; i++) {
        if (a[i] == UINT32_MAX)
            continue;
        assert_true(a[i] <= next);
        if (a[i] == next)
            next++;
    }
    assert_int_equal(next, na);
    free(h);
    free(a);
    free(b);
}

static void test_hamming__many_duplicates_are_cheap(void **state)
{
    (void)state;
    /* 200 000 copies of 3 hashes: duplicates collapse before bucketing. */
    size_t n = 200000;
    uint64_t *h = xmalloc(n * sizeof *h);
    for (size_t i = 0; i < n; i++)
        h[i] = i % 3 == 0 ? 0x0123456789abcdefull : i % 3 == 1 ? 0x0123456789abcdeeull : ~0ull;
    uint32_t *g = xmalloc(n * sizeof *g);
    assert_int_equal(hamming_groups(h, n, 15, g), 2);
    for (size_t i = 0; i < n; i++)
        assert_int_equal(g[i], i % 3 == 2 ? 1u : 0u);
    free(h);
    free(g);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_hamming__d0_matches_brute_force),
        cmocka_unit_test(test_hamming__d3_matches_brute_force),
        cmocka_unit_test(test_hamming__d8_matches_brute_force),
        cmocka_unit_test(test_hamming__small_cases_by_hand),
        cmocka_unit_test(test_hamming__deterministic),
        cmocka_unit_test(test_hamming__many_duplicates_are_cheap),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

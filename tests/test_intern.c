/* test_intern.c - string interning. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include "graph/intern.h"

static void test_intern__dense_first_seen_ids(void **state)
{
    (void)state;
    intern_table *t = intern_new();
    int is_new;
    assert_int_equal(intern_put(t, "b", 1, &is_new), 0);
    assert_true(is_new);
    assert_int_equal(intern_put(t, "a", 1, &is_new), 1);
    assert_int_equal(intern_put(t, "b", 1, &is_new), 0);
    assert_false(is_new);
    assert_int_equal(intern_count(t), 2);
    assert_int_equal(intern_get(t, "a", 1), 1);
    assert_int_equal(intern_get(t, "zz", 2), INTERN_NONE);
    intern_free(t);
}

/* The prefetch steps guess the id a lookup will find, and change nothing. */
static void test_intern__prefetch_steps_guess_the_id(void **state)
{
    (void)state;
    intern_table *t = intern_new();
    char k[32];
    for (int i = 0; i < 5000; i++) {
        int n = snprintf(k, sizeof k, "dev-%d", i);
        (void)intern_put(t, k, (size_t)n, NULL);
    }
    for (int i = 0; i < 5000; i += 7) {
        int n = snprintf(k, sizeof k, "dev-%d", i);
        uint64_t h = intern_hash(k, (size_t)n);
        assert_int_equal(intern_prefetch(t, h, 0), INTERN_NONE);
        for (int step = 1; step < INTERN_PREFETCH_STEPS; step++)
            assert_int_equal(intern_prefetch(t, h, step), (uint32_t)i);
    }
    /* An absent key: no id (a 32-bit tag collision aside, which would be a
     * wrong guess, harmless). */
    assert_int_equal(intern_prefetch(t, intern_hash("absent", 6), 1), INTERN_NONE);
    assert_int_equal(intern_count(t), 5000);
    assert_int_equal(intern_get(t, "dev-42", 6), 42);
    intern_free(t);
}

static void test_intern__binary_and_empty_keys(void **state)
{
    (void)state;
    intern_table *t = intern_new();
    uint32_t a = intern_put(t, "x\0y", 3, NULL);
    uint32_t b = intern_put(t, "x\0z", 3, NULL);
    uint32_t e = intern_put(t, "", 0, NULL);
    assert_int_not_equal(a, b);
    size_t len;
    const char *s = intern_str(t, a, &len);
    assert_int_equal(len, 3);
    assert_memory_equal(s, "x\0y", 3);
    assert_string_equal(intern_str(t, e, &len), "");
    assert_null(intern_str(t, 99, &len));
    intern_free(t);
}

static void test_intern__many_keys_survive_rehash(void **state)
{
    (void)state;
    intern_table *t = intern_new();
    char k[32];
    for (int i = 0; i < 200000; i++) {
        int n = snprintf(k, sizeof k, "acct-%d", i);
        assert_int_equal(intern_put(t, k, (size_t)n, NULL), (uint32_t)i);
    }
    for (int i = 0; i < 200000; i += 997) {
        int n = snprintf(k, sizeof k, "acct-%d", i);
        assert_int_equal(intern_get(t, k, (size_t)n), (uint32_t)i);
        size_t len;
        assert_string_equal(intern_str(t, (uint32_t)i, &len), k);
    }
    /* A string longer than an arena chunk. */
    static char big[3 << 20];
    memset(big, 'q', sizeof big);
    uint32_t id = intern_put(t, big, sizeof big, NULL);
    size_t len;
    assert_memory_equal(intern_str(t, id, &len), big, sizeof big);
    assert_int_equal(len, sizeof big);
    intern_free(t);
    intern_free(NULL);
}

static void test_intern__lengths_around_the_long_form(void **state)
{
    (void)state;
    intern_table *t = intern_new();
    static char k[600];
    static const size_t lens[] = {0, 1, 253, 254, 255, 256, 599};
    for (size_t i = 0; i < sizeof k; i++)
        k[i] = (char)(i * 7 + 1);
    for (size_t i = 0; i < sizeof lens / sizeof *lens; i++)
        assert_int_equal(intern_put(t, k, lens[i], NULL), (uint32_t)i);
    for (size_t i = 0; i < sizeof lens / sizeof *lens; i++) {
        size_t len;
        const char *s = intern_str(t, (uint32_t)i, &len);
        assert_int_equal(len, lens[i]);
        assert_memory_equal(s, k, lens[i]);
        assert_int_equal(s[len], '\0');
        assert_int_equal(intern_get(t, k, lens[i]), (uint32_t)i);
        assert_true(intern_hash_of(t, (uint32_t)i) == intern_hash(k, lens[i]));
    }
    intern_free(t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_intern__dense_first_seen_ids),
        cmocka_unit_test(test_intern__binary_and_empty_keys),
        cmocka_unit_test(test_intern__prefetch_steps_guess_the_id),
        cmocka_unit_test(test_intern__many_keys_survive_rehash),
        cmocka_unit_test(test_intern__lengths_around_the_long_form),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

/* test_rowindex.c - row positions spilled to disk: records come back per
 * file in file order, selected by either key; rows that do not fit and
 * dropped files make a file unusable; keys of each table's rows are the
 * hashes of its accounts (ports: IP and device). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/files.h"
#include "graph/intern.h"
#include "ingest/rowindex.h"

static char dir[64];

static int setup(void **state)
{
    (void)state;
    snprintf(dir, sizeof dir, "/tmp/test_rowindex.XXXXXX");
    return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    return files_rmtree(dir);
}

static void add(rowindex *ix, size_t file, uint64_t off, uint64_t len, long line, uint32_t k0,
                uint32_t k1)
{
    table_rowpos p = {{off, len, line}, (uint32_t)(off * 7)};
    uint32_t key[2] = {k0, k1};
    rowindex_add(ix, file, &p, key);
}

static int u32_cmp(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return x < y ? -1 : x > y;
}

static void test_rowindex__select_by_either_key(void **state)
{
    (void)state;
    rowindex *ix = rowindex_new(dir, 3);
    assert_non_null(ix);
    /* The spill is unlinked at once: nothing is left in dir. */
    char cmd[128];
    snprintf(cmd, sizeof cmd, "test -z \"$(ls -A %s)\"", dir);
    assert_int_equal(system(cmd), 0);
    /* 200 000 rows in file 0 (several spills), 3 in file 2, none in 1. */
    for (uint32_t i = 0; i < 200000; i++)
        add(ix, 0, (uint64_t)i * 10, 10, (long)i + 2, 1000 + i % 50,
            i % 3 ? 5000 + i % 7 : 1000 + i % 50);
    add(ix, 2, 6, 4, 2, 77, 77);
    add(ix, 2, 10, 4, 3, 78, 79);
    add(ix, 2, 14, 4, 4, 80, 80);
    uint32_t keys[] = {79, 1003, 5006};
    qsort(keys, 3, sizeof *keys, u32_cmp);
    rowindex_rec *out;
    size_t n = rowindex_select(ix, 0, keys, 3, &out);
    size_t want = 0;
    for (uint32_t i = 0; i < 200000; i++)
        want += i % 50 == 3 || (i % 3 && i % 7 == 6);
    assert_int_equal(n, want);
    for (size_t k = 1; k < n; k++)
        assert_true(rowindex_off(&out[k]) > rowindex_off(&out[k - 1])); /* file order */
    for (size_t k = 0; k < n; k++) {
        uint64_t i = rowindex_off(&out[k]) / 10;
        assert_int_equal(rowindex_len(&out[k]), 10);
        assert_int_equal(out[k].line, i + 2);
        assert_int_equal(out[k].sum, (uint32_t)(i * 10 * 7));
    }
    free(out);
    n = rowindex_select(ix, 2, keys, 3, &out);
    assert_int_equal(n, 1); /* by its second key */
    assert_int_equal(out[0].line, 3);
    free(out);
    n = rowindex_select(ix, 1, keys, 3, &out);
    assert_int_equal(n, 0);
    free(out);
    assert_true(rowindex_usable(ix, 0) && rowindex_usable(ix, 1));
    rowindex_drop(ix, 1);
    assert_false(rowindex_usable(ix, 1));
    assert_int_equal(rowindex_select(ix, 1, keys, 3, &out), (size_t)-1);
    assert_false(rowindex_usable(ix, 3)); /* no such file */
    rowindex_free(ix);
    assert_null(rowindex_new("/nonexistent/dir", 1));
}

static void test_rowindex__rows_that_do_not_fit(void **state)
{
    (void)state;
    rowindex *ix = rowindex_new(dir, 3);
    add(ix, 0, 0, ROWINDEX_MAX_LEN + 1, 2, 1, 1);            /* a 16 MiB record */
    add(ix, 1, ROWINDEX_MAX_OFF + 1, 5, 2, 1, 1);            /* past 1 TiB */
    add(ix, 2, ROWINDEX_MAX_OFF, ROWINDEX_MAX_LEN, 2, 1, 1); /* the largest that fit */
    assert_false(rowindex_usable(ix, 0));
    assert_false(rowindex_usable(ix, 1));
    assert_true(rowindex_usable(ix, 2));
    uint32_t key = 1;
    rowindex_rec *out;
    assert_int_equal(rowindex_select(ix, 2, &key, 1, &out), 1);
    assert_int_equal(rowindex_off(&out[0]), ROWINDEX_MAX_OFF);
    assert_int_equal(rowindex_len(&out[0]), ROWINDEX_MAX_LEN);
    free(out);
    rowindex_free(ix);
}

static void test_rowindex__keys_of_rows(void **state)
{
    (void)state;
    tvalue v[SCHEMA_MAX_COLS];
    memset(v, 0, sizeof v);
    uint32_t key[2];
    /* ratings: client_id (1), freelancer_id (2) */
    v[1] = (tvalue){.s = "c1", .n = 2, .present = 1};
    v[2] = (tvalue){.s = "f9", .n = 2, .present = 1};
    rowindex_row_keys(TABLE_RATINGS, v, key);
    assert_int_equal(key[0], rowindex_key(intern_hash("c1", 2)));
    assert_int_equal(key[1], rowindex_key(intern_hash("f9", 2)));
    /* logins: the account only, twice */
    memset(v, 0, sizeof v);
    v[1] = (tvalue){.s = "u1", .n = 2, .present = 1};
    v[3] = (tvalue){.s = "dev", .n = 3, .present = 1};
    rowindex_row_keys(TABLE_LOGINS, v, key);
    assert_int_equal(key[0], rowindex_key(intern_hash("u1", 2)));
    assert_int_equal(key[1], key[0]);
    /* ports: the IP's address bytes and the device */
    memset(v, 0, sizeof v);
    v[2].present = 1;
    v[2].v.ip.len = 4;
    memcpy(v[2].v.ip.b, "\xc0\x00\x02\x01", 4);
    v[3] = (tvalue){.s = "dev", .n = 3, .present = 1};
    rowindex_row_keys(TABLE_PORTS, v, key);
    assert_int_equal(key[0], rowindex_key(intern_hash("\xc0\x00\x02\x01", 4)));
    assert_int_equal(key[1], rowindex_key(intern_hash("dev", 3)));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_rowindex__select_by_either_key, setup, teardown),
        cmocka_unit_test_setup_teardown(test_rowindex__rows_that_do_not_fit, setup, teardown),
        cmocka_unit_test(test_rowindex__keys_of_rows),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

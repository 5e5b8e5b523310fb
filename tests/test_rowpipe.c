/* test_rowpipe.c - rows and raw bytes cross the thread boundary intact and in
 * order; digests match a direct SHA-256. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include "ingest/rowpipe.h"

static uint64_t seen, bad_order;
static int64_t last_ts = -1;

static void check_row(rs_graph *g, table_id t, const tvalue *v, const decode_event *ev,
                      const graph_keys *keys)
{
    (void)g;
    (void)ev;
    (void)keys;
    assert_int_equal(t, TABLE_LOGINS);
    assert_true(v[0].present);
    if (v[0].v.ts <= last_ts)
        bad_order++;
    last_ts = v[0].v.ts;
    char want[32];
    int n = snprintf(want, sizeof want, "acct-%lld", (long long)v[0].v.ts);
    assert_int_equal(v[1].n, (size_t)n);
    assert_memory_equal(v[1].s, want, (size_t)n);
    assert_int_equal(v[2].v.ip.len, 4);
    assert_int_equal(v[2].v.ip.b[3], (uint8_t)(v[0].v.ts & 0xff));
    assert_int_equal(v[3].present, (v[0].v.ts % 3) != 0);
    /* user_agent ships as whether it names a remote-desktop client, never as text */
    assert_true(v[5].present);
    assert_int_equal(v[5].v.b, (v[0].v.ts % 5) == 0);
    seen++;
}

/* The ahead callback: every row gets each step once, in order, before it is
 * applied, with the event and keys its step 0 filled. */
static int64_t ahead_next; /* the next row to get step 0 */
static int64_t ahead_step_of[300000];

static void ahead_row(const rs_graph *g, table_id t, const tvalue *v, decode_event *ev,
                      graph_keys *keys, int step)
{
    (void)g;
    assert_int_equal(t, TABLE_LOGINS);
    int64_t i = v[0].v.ts;
    assert_true(i >= 0 && i < 300000);
    assert_int_equal(ahead_step_of[i], step);
    if (step == 0) {
        assert_int_equal(i, ahead_next++);
        assert_int_equal(keys->n, 0);
        keys->n = 1;
        keys->h[0] = (uint64_t)i;
        ev->table = t;
        ev->ts = i;
        ev->u.login.account.s = v[1].s; /* borrowed from the row */
    } else {
        assert_int_equal(keys->n, 1);
        assert_int_equal(keys->h[0], (uint64_t)i);
        assert_int_equal(ev->ts, i);
    }
    ahead_step_of[i] = step + 1;
}

static void check_row_ahead(rs_graph *g, table_id t, const tvalue *v, const decode_event *ev,
                            const graph_keys *keys)
{
    assert_int_equal(ahead_step_of[v[0].v.ts], GRAPH_PREFETCH_STEPS);
    assert_non_null(keys);
    assert_int_equal(keys->h[0], (uint64_t)v[0].v.ts);
    /* The event step 0 made, and what it borrowed still the row's. */
    assert_non_null(ev);
    assert_int_equal(ev->table, t);
    assert_int_equal(ev->ts, v[0].v.ts);
    assert_ptr_equal(ev->u.login.account.s, v[1].s);
    check_row(g, t, v, ev, keys);
}

static void check_row_alone(rs_graph *g, table_id t, const tvalue *v, const decode_event *ev,
                            const graph_keys *keys)
{
    assert_null(ev);
    assert_null(keys);
    check_row(g, t, v, ev, keys);
}

static void run_rowpipe(rowpipe_apply_fn apply, rowpipe_ahead_fn ahead)
{
    seen = bad_order = 0;
    last_ts = -1;
    rowpipe *p = rowpipe_start(NULL, apply, ahead, 3);
    assert_non_null(p);
    tvalue v[SCHEMA_MAX_COLS];
    char acct[32];
    for (int64_t i = 0; i < 300000; i++) {
        memset(v, 0, sizeof v);
        v[0].present = 1;
        v[0].v.ts = i;
        int n = snprintf(acct, sizeof acct, "acct-%lld", (long long)i);
        v[1] = (tvalue){.s = acct, .n = (size_t)n, .present = 1};
        v[2].present = 1;
        v[2].v.ip = (ipaddr){.len = 4, .b = {10, 0, 0, (uint8_t)(i & 0xff)}};
        if (i % 3) {
            v[3] = (tvalue){.s = "dev", .n = 3, .present = 1};
        }
        v[5] = (tvalue){.s = "Mozilla", .n = 7, .present = 1};
        v[5].v.b = (i % 5) == 0; /* what the parser made of it */
        rowpipe_push(p, TABLE_LOGINS, v);
    }
    static char bytes[3 << 20];
    for (size_t i = 0; i < sizeof bytes; i++)
        bytes[i] = (char)(i * 7);
    rowpipe_push_bytes(p, 1, "abc", 3); /* per input file */
    rowpipe_push_bytes(p, 2, bytes, sizeof bytes);
    char sha[3][65];
    rowpipe_finish(p, sha);
    assert_int_equal(seen, 300000);
    assert_int_equal(bad_order, 0);
    assert_string_equal(sha[1], "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    assert_int_equal(strlen(sha[2]), 64);
    assert_string_equal(sha[0], "");
}

static void test_rowpipe__order_and_content(void **state)
{
    (void)state;
    run_rowpipe(check_row_alone, NULL);
}

static void test_rowpipe__rows_prepared_ahead_in_order(void **state)
{
    (void)state;
    run_rowpipe(check_row_ahead, ahead_row);
    assert_int_equal(ahead_next, 300000);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rowpipe__order_and_content),
        cmocka_unit_test(test_rowpipe__rows_prepared_ahead_in_order),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

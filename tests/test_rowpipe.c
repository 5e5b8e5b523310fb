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

static void check_row(rs_graph *g, table_id t, const tvalue *v)
{
    (void)g;
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

static void test_rowpipe__order_and_content(void **state)
{
    (void)state;
    rowpipe *p = rowpipe_start(NULL, check_row, 3);
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

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rowpipe__order_and_content),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

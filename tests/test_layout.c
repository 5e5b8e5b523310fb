/* test_layout.c - Kamada-Kawai layout: coordinates in [0,1], deterministic,
 * joined nodes closer than unjoined ones, degenerate inputs. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <math.h>
#include <string.h>

#include "algorithms/igraphenv.h"
#include "algorithms/layout.h"

static void test_layout__two_triangles(void **state)
{
    (void)state;
    /* two triangles joined by one bridge (2-3) */
    const uint32_t from[] = {0, 1, 2, 3, 4, 5, 2};
    const uint32_t to[] = {1, 2, 0, 4, 5, 3, 3};
    double x[6], y[6], x2[6], y2[6];
    assert_int_equal(layout_kamada_kawai(6, from, to, 7, x, y), 0);
    for (int i = 0; i < 6; i++) {
        assert_true(x[i] >= 0.0 && x[i] <= 1.0);
        assert_true(y[i] >= 0.0 && y[i] <= 1.0);
    }
    assert_int_equal(layout_kamada_kawai(6, from, to, 7, x2, y2), 0);
    assert_memory_equal(x, x2, sizeof x);
    assert_memory_equal(y, y2, sizeof y);
    double d01 = hypot(x[0] - x[1], y[0] - y[1]), d04 = hypot(x[0] - x[4], y[0] - y[4]);
    assert_true(d01 < d04);
}

static void test_layout__degenerate(void **state)
{
    (void)state;
    double x[2], y[2];
    assert_int_equal(layout_kamada_kawai(0, NULL, NULL, 0, x, y), 0);
    assert_int_equal(layout_kamada_kawai(1, NULL, NULL, 0, x, y), 0);
    assert_true(x[0] == 0.5 && y[0] == 0.5);
    /* two nodes, no edges: still finite and inside the unit square */
    assert_int_equal(layout_kamada_kawai(2, NULL, NULL, 0, x, y), 0);
    assert_true(isfinite(x[0]) && isfinite(x[1]) && x[0] >= 0 && x[1] <= 1);
}

int main(void)
{
    igraphenv_init(1);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_layout__two_triangles),
        cmocka_unit_test(test_layout__degenerate),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

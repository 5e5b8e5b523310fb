/* test_communities.c - Leiden communities of hand-built projections: a
 * community never spans two connected components, accounts without links
 * have none, communities are numbered in order of their first account, and
 * the result depends only on the links and the seed, whether the components
 * settle after one iteration or need several. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>

#include "algorithms/communities.h"

#define NA 64

/* Links of a clique over accounts [lo, hi), weight w, in (a, b) order. */
static size_t clique(proj_link *l, size_t n, uint32_t lo, uint32_t hi, double w)
{
    for (uint32_t a = lo; a < hi; a++)
        for (uint32_t b = a + 1; b < hi; b++)
            l[n++] = (proj_link){a, b, w, 0, 0};
    return n;
}

static int cmp_link(const void *pa, const void *pb)
{
    const proj_link *x = pa, *y = pb;
    if (x->a != y->a)
        return x->a < y->a ? -1 : 1;
    return x->b < y->b ? -1 : x->b > y->b;
}

/* Three components: two 5-cliques joined by one light link (one component, two
 * communities), a triangle, and a pair; accounts 40.. have no link. */
static size_t world(proj_link *l)
{
    size_t n = clique(l, 0, 0, 5, 1.0);
    n = clique(l, n, 5, 10, 1.0);
    l[n++] = (proj_link){4, 5, 0.1, 0, 0};
    n = clique(l, n, 20, 23, 1.0);
    l[n++] = (proj_link){30, 31, 1.0, 0, 0};
    qsort(l, n, sizeof *l, cmp_link);
    return n;
}

static void test_communities__components(void **state)
{
    (void)state;
    detect_params p;
    detect_params_init(&p);
    proj_link l[64];
    size_t nl = world(l);
    int32_t comm[NA];
    uint64_t nc = 0;
    rs_error err = {0};
    assert_int_equal(communities_leiden(l, nl, NA, &p, 7, comm, &nc, &err), 0);
    assert_int_equal(nc, 4);
    for (uint32_t a = 1; a < 5; a++)
        assert_int_equal(comm[a], comm[0]);
    for (uint32_t a = 6; a < 10; a++)
        assert_int_equal(comm[a], comm[5]);
    assert_int_not_equal(comm[0], comm[5]);
    assert_int_equal(comm[21], comm[20]);
    assert_int_equal(comm[22], comm[20]);
    assert_int_equal(comm[31], comm[30]);
    /* numbered by first account */
    assert_int_equal(comm[0], 0);
    assert_int_equal(comm[5], 1);
    assert_int_equal(comm[20], 2);
    assert_int_equal(comm[30], 3);
    for (uint32_t a = 40; a < NA; a++)
        assert_int_equal(comm[a], -1);
    assert_int_equal(comm[15], -1);
}

/* One iteration or many, same seed, same links: the same communities. */
static void test_communities__deterministic(void **state)
{
    (void)state;
    detect_params p;
    detect_params_init(&p);
    proj_link l[64];
    size_t nl = world(l);
    int32_t c1[NA], c2[NA], c3[NA];
    uint64_t n1 = 0, n2 = 0, n3 = 0;
    rs_error err = {0};
    assert_int_equal(communities_leiden(l, nl, NA, &p, 3, c1, &n1, &err), 0);
    assert_int_equal(communities_leiden(l, nl, NA, &p, 3, c2, &n2, &err), 0);
    p.iterations = 1;
    assert_int_equal(communities_leiden(l, nl, NA, &p, 3, c3, &n3, &err), 0);
    assert_int_equal(n1, n2);
    assert_int_equal(n1, n3);
    for (uint32_t a = 0; a < NA; a++) {
        assert_int_equal(c1[a], c2[a]);
        assert_int_equal(c1[a], c3[a]);
    }
}

/* No links: no communities, and igraph is not called. */
static void test_communities__empty(void **state)
{
    (void)state;
    detect_params p;
    detect_params_init(&p);
    int32_t comm[4];
    uint64_t nc = 9;
    rs_error err = {0};
    assert_int_equal(communities_leiden(NULL, 0, 4, &p, 1, comm, &nc, &err), 0);
    assert_int_equal(nc, 0);
    for (int a = 0; a < 4; a++)
        assert_int_equal(comm[a], -1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_communities__components),
        cmocka_unit_test(test_communities__deterministic),
        cmocka_unit_test(test_communities__empty),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

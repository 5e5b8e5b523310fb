/* test_graphml.c - the GraphML writer: structure, escaping of hostile ids,
 * no Inf/NaN, subsets with findings annotations. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "export/graphml.h"

static char *render(const rs_graph *g, const graphml_view *v)
{
    char *out = NULL;
    size_t len = 0;
    graphml_view all = {0};
    FILE *f = open_memstream(&out, &len);
    assert_non_null(f);
    assert_int_equal(graphml_write(f, g, v ? v : &all), 0);
    fclose(f);
    return out;
}

static rs_graph *sample(void)
{
    rs_graph *g = graph_new();
    const char *hostile = "<script>alert(1)</script>&\"'\n";
    uint32_t a = graph_account(g, hostile, strlen(hostile), 0);
    uint32_t c = graph_account(g, "c1", 2, SEEN_AS_CLIENT);
    ipaddr ip = {.len = 4, .b = {192, 0, 2, 1}};
    login_ev e = {.ts = 1772368496000LL,
                  .account = a,
                  .ip = graph_ip(g, &ip),
                  .device = graph_device(g, "dev\x01", 4),
                  .session_s = -1};
    graph_add_login(g, &e);
    e.ts += 1000;
    graph_add_login(g, &e);
    rating_ev r = {
        .ts = 1772368496000LL, .client = c, .freelancer = a, .project = GRAPH_NONE, .stars = 5};
    graph_add_rating(g, &r);
    payout_ev p = {.ts = 1,
                   .amount = 1e308,
                   .account = a,
                   .dest = graph_dest(g, "=cmd", 4, 1),
                   .currency = GRAPH_NONE,
                   .method = GRAPH_NONE};
    graph_add_payout(g, &p);
    graph_add_payout(g, &p); /* sum overflows to +Inf */
    graph_finalize(g);
    return g;
}

static void test_graphml__structure_and_escaping(void **state)
{
    (void)state;
    rs_graph *g = sample();
    char *x = render(g, NULL);
    assert_non_null(strstr(
        x,
        "<data key=\"label\">&lt;script&gt;alert(1)&lt;/script&gt;&amp;&quot;&apos;&#10;</data>"));
    assert_null(strstr(x, "<script>"));
    assert_non_null(
        strstr(x, "<data key=\"label\">dev\xE2\x90\x81</data>")); /* control char: its picture */
    assert_non_null(strstr(x, "<data key=\"type\">client</data>"));
    assert_non_null(strstr(x, "<data key=\"label\">192.0.2.1</data>"));
    assert_non_null(strstr(x,
                           "<data key=\"kind\">login</data>\n      <data key=\"weight\">2</data>\n"
                           "      <data key=\"count\">2</data>\n"
                           "      <data key=\"first_seen\">2026-03-01T12:34:56Z</data>\n"
                           "      <data key=\"last_seen\">2026-03-01T12:34:57Z</data>"));
    assert_non_null(strstr(x, "<data key=\"stars\">5</data>"));
    assert_null(strstr(x, "inf"));
    assert_null(strstr(x, "Inf"));
    assert_null(strstr(x, "nan"));
    assert_non_null(strstr(x, "</graphml>\n"));
    free(x);
    graph_free(g);
}

static void test_graphml__subset_and_annotations(void **state)
{
    (void)state;
    rs_graph *g = sample();
    uint32_t na = graph_count(g, NODE_ACCOUNT);
    /* Account 0 in ring R0001 with SHARED_IP; the view holds it, its IP and
     * the login edge between them, not the device or the client. */
    ring rings[1];
    memset(rings, 0, sizeof rings);
    snprintf(rings[0].id, sizeof rings[0].id, "R0001");
    findings fnd;
    memset(&fnd, 0, sizeof fnd);
    fnd.flags = calloc(na, sizeof *fnd.flags);
    fnd.risk = calloc(na, sizeof *fnd.risk);
    fnd.ring_of = calloc(na, sizeof *fnd.ring_of);
    for (uint32_t a = 0; a < na; a++)
        fnd.ring_of[a] = -1;
    fnd.ring_of[0] = 0;
    fnd.risk[0] = 0.91;
    flags_raise(&fnd.flags[0], FLAG_SHARED_IP, 1);
    fnd.rings = rings;
    fnd.nrings = 1;
    uint32_t nodes[2] = {graph_node_gid(g, NODE_ACCOUNT, 0), graph_node_gid(g, NODE_IP, 0)};
    size_t edges[1];
    size_t ne = 0;
    for (size_t i = 0; i < g->nedges; i++)
        if (g->edges[i].kind == EDGE_LOGIN && g->edges[i].a == 0)
            edges[ne++] = i;
    assert_int_equal(ne, 1);
    graphml_view v = {1, nodes, 2, edges, ne, NULL, &fnd, NULL, 0};
    char *x = render(g, &v);
    assert_null(strstr(x, ">c1<"));
    assert_null(strstr(x, "uses_device"));
    assert_non_null(strstr(x, "<data key=\"kind\">login</data>"));
    assert_non_null(strstr(x, "<data key=\"ring_id\">R0001</data>"));
    assert_non_null(strstr(x, "<data key=\"risk_score\">0.91</data>"));
    assert_non_null(strstr(x, "<data key=\"flags\">SHARED_IP</data>"));
    assert_non_null(strstr(x, "<data key=\"color\">#b82e2e</data>")); /* ring colour */
    /* Degrees are the whole graph's: the account also has device, rating and payout edges. */
    assert_non_null(strstr(x, "<data key=\"degree\">4</data>"));
    free(x);
    /* An empty subset is an empty graph, not the whole one. */
    graphml_view none = {1, NULL, 0, NULL, 0, NULL, NULL, NULL, 0};
    x = render(g, &none);
    assert_null(strstr(x, "<node "));
    assert_null(strstr(x, "<edge "));
    assert_non_null(strstr(x, "</graphml>\n"));
    free(x);
    free(fnd.flags);
    free(fnd.risk);
    free(fnd.ring_of);
    graph_free(g);
}

static void test_graphml__deterministic(void **state)
{
    (void)state;
    rs_graph *g1 = sample(), *g2 = sample();
    char *a = render(g1, NULL), *b = render(g2, NULL);
    assert_string_equal(a, b);
    free(a);
    free(b);
    graph_free(g1);
    graph_free(g2);
}

/* Ring colours: 60 of them, distinct from each other and from every type
 * colour; ring 61 takes ring 1's. */
static void test_graphml__ring_palette(void **state)
{
    (void)state;
    for (size_t i = 0; i < 60; i++) {
        const unsigned char *a = graphml_ring_colour(i);
        for (size_t j = i + 1; j < 60; j++) {
            const unsigned char *b = graphml_ring_colour(j);
            double d = 0;
            for (int k = 0; k < 3; k++)
                d += ((double)a[k] - b[k]) * ((double)a[k] - b[k]);
            if (d < 35.0 * 35.0)
                fail_msg("ring colours %zu and %zu are too close", i, j);
        }
        for (int t = 0; t < NODE_TYPE_COUNT; t++) {
            const unsigned char *b = graphml_type_colour(t);
            double d = 0;
            for (int k = 0; k < 3; k++)
                d += ((double)a[k] - b[k]) * ((double)a[k] - b[k]);
            if (d < 50.0 * 50.0)
                fail_msg("ring colour %zu is too close to type colour %d", i, t);
        }
    }
    assert_memory_equal(graphml_ring_colour(60), graphml_ring_colour(0), 3);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_graphml__structure_and_escaping),
        cmocka_unit_test(test_graphml__subset_and_annotations),
        cmocka_unit_test(test_graphml__deterministic),
        cmocka_unit_test(test_graphml__ring_palette),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

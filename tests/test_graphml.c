/* test_graphml.c - the GraphML writer: structure, escaping of hostile ids,
 * no Inf/NaN, node filtering. */
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

static char *render(const rs_graph *g, const graphml_annot *an)
{
    char *out = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&out, &len);
    assert_non_null(f);
    assert_int_equal(graphml_write(f, g, an), 0);
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
    assert_non_null(strstr(x, "<data key=\"label\">dev\xEF\xBF\xBD</data>")); /* control char */
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

static void test_graphml__keep_mask_and_annotations(void **state)
{
    (void)state;
    rs_graph *g = sample();
    uint32_t n = graph_node_total(g);
    uint8_t *keep = calloc(n, 1);
    keep[graph_node_gid(g, NODE_ACCOUNT, 0)] = 1;
    keep[graph_node_gid(g, NODE_IP, 0)] = 1;
    const char *ring[2] = {"R0001", NULL};
    const double risk[2] = {0.91, 0};
    const char *flags[2] = {"SHARED_IP;=EVIL", NULL};
    const int32_t ring_index[2] = {0, -1};
    graphml_annot an = {keep, ring, risk, flags, ring_index};
    char *x = render(g, &an);
    assert_null(strstr(x, ">c1<"));
    assert_null(strstr(x, "uses_device"));
    assert_non_null(strstr(x, "<data key=\"kind\">login</data>"));
    assert_non_null(strstr(x, "<data key=\"ring_id\">R0001</data>"));
    assert_non_null(strstr(x, "<data key=\"risk_score\">0.91</data>"));
    assert_non_null(strstr(x, "<data key=\"flags\">SHARED_IP;=EVIL</data>"));
    assert_non_null(strstr(x, "<data key=\"color\">#e41a1c</data>")); /* ring colour */
    free(x);
    free(keep);
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

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_graphml__structure_and_escaping),
        cmocka_unit_test(test_graphml__keep_mask_and_annotations),
        cmocka_unit_test(test_graphml__deterministic),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

/* layout.c - Kamada-Kawai layout through igraph; see layout.h.
 *
 * Kamada, T. and Kawai, S. (1989), An algorithm for drawing general undirected
 * graphs, Information Processing Letters 31(1). Starting from a fixed circle
 * with use_seed makes igraph's iteration deterministic for a given edge list.
 */
#include "algorithms/layout.h"

#include <igraph.h>
#include <math.h>

static void scale_unit(size_t n, double *x, double *y)
{
    double x0 = INFINITY, x1 = -INFINITY, y0 = INFINITY, y1 = -INFINITY;
    for (size_t i = 0; i < n; i++) {
        x0 = fmin(x0, x[i]);
        x1 = fmax(x1, x[i]);
        y0 = fmin(y0, y[i]);
        y1 = fmax(y1, y[i]);
    }
    double sx = x1 - x0 > 1e-12 ? x1 - x0 : 1.0, sy = y1 - y0 > 1e-12 ? y1 - y0 : 1.0;
    for (size_t i = 0; i < n; i++) {
        x[i] = x1 - x0 > 1e-12 ? (x[i] - x0) / sx : 0.5;
        y[i] = y1 - y0 > 1e-12 ? (y[i] - y0) / sy : 0.5;
    }
}

int layout_kamada_kawai(size_t n, const uint32_t *from, const uint32_t *to, size_t m, double *x,
                        double *y)
{
    const double two_pi = 6.283185307179586;
    for (size_t i = 0; i < n; i++) {
        x[i] = cos(two_pi * (double)i / (double)(n ? n : 1));
        y[i] = sin(two_pi * (double)i / (double)(n ? n : 1));
    }
    if (n < 2) {
        scale_unit(n, x, y);
        return 0;
    }
    int rc = -1;
    igraph_t gr;
    igraph_vector_int_t ev;
    igraph_matrix_t res;
    int have_g = 0, have_ev = 0, have_res = 0;
    if (igraph_vector_int_init(&ev, (igraph_integer_t)(2 * m)) != IGRAPH_SUCCESS)
        goto cleanup;
    have_ev = 1;
    for (size_t i = 0; i < m; i++) {
        VECTOR(ev)[2 * i] = from[i];
        VECTOR(ev)[2 * i + 1] = to[i];
    }
    if (igraph_create(&gr, &ev, (igraph_integer_t)n, IGRAPH_UNDIRECTED) != IGRAPH_SUCCESS)
        goto cleanup;
    have_g = 1;
    if (igraph_matrix_init(&res, (igraph_integer_t)n, 2) != IGRAPH_SUCCESS)
        goto cleanup;
    have_res = 1;
    for (size_t i = 0; i < n; i++) {
        MATRIX(res, i, 0) = x[i] * sqrt((double)n);
        MATRIX(res, i, 1) = y[i] * sqrt((double)n);
    }
    if (igraph_layout_kamada_kawai(&gr, &res, 1, (igraph_integer_t)(10 * n), 0.0, (double)n, NULL,
                                   NULL, NULL, NULL, NULL) != IGRAPH_SUCCESS)
        goto cleanup;
    for (size_t i = 0; i < n; i++) {
        x[i] = MATRIX(res, i, 0);
        y[i] = MATRIX(res, i, 1);
    }
    rc = 0;
cleanup:
    if (have_res)
        igraph_matrix_destroy(&res);
    if (have_g)
        igraph_destroy(&gr);
    if (have_ev)
        igraph_vector_int_destroy(&ev);
    scale_unit(n, x, y);
    return rc;
}

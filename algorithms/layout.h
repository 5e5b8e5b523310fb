/* layout.h - node coordinates for drawing small graphs (evidence reports).
 *
 * The only igraph use outside detection: export/ must not include igraph.h,
 * so it hands an edge list here and gets plain coordinates back.
 */
#ifndef RINGSCAN_LAYOUT_H
#define RINGSCAN_LAYOUT_H

#include <stddef.h>
#include <stdint.h>

/* Lays out n nodes joined by the undirected edges (from[i], to[i]), i < m,
 * with Kamada-Kawai started from a circle, so the result depends only on the
 * input (no RNG). Writes x, y (each n doubles) scaled into [0, 1]. Returns 0,
 * or -1 when igraph fails (x, y then hold the circle). O(n^2) per iteration:
 * meant for graphs of at most a few hundred nodes. */
int layout_kamada_kawai(size_t n, const uint32_t *from, const uint32_t *to, size_t m, double *x,
                        double *y);

#endif

/* communities.c - Leiden communities of the projection; see communities.h. */
#include "algorithms/communities.h"

#include "base/alloc.h"

#include <igraph.h>
#include <stdio.h>
#include <stdlib.h>

int communities_leiden(const proj_link *links, size_t nl, uint32_t na, const detect_params *p,
                       uint64_t seed, int32_t *comm, uint64_t *ncomm, rs_error *err)
{
    int rc = 0;
    for (uint32_t a = 0; a < na; a++)
        comm[a] = -1;
    *ncomm = 0;
    if (nl == 0)
        return 0;
    /* Leiden sees only the linked accounts, renumbered densely. */
    int32_t *local = xreallocarray(NULL, na, sizeof *local);
    uint32_t *global = NULL;
    size_t nv = 0, gcap = 0;
    for (uint32_t a = 0; a < na; a++)
        local[a] = -1;
    for (size_t i = 0; i < nl; i++) {
        uint32_t e[2] = {links[i].a, links[i].b};
        for (int k = 0; k < 2; k++) {
            if (local[e[k]] < 0) {
                ALLOC_GROW(global, gcap, nv + 1);
                global[nv] = e[k];
                local[e[k]] = (int32_t)nv++;
            }
        }
    }
    igraph_t gr;
    igraph_vector_int_t edges, memb, prev;
    igraph_vector_t weights, strength;
    int have_graph = 0;
    igraph_vector_int_init(&edges, (igraph_integer_t)(2 * nl));
    igraph_vector_init(&weights, (igraph_integer_t)nl);
    igraph_vector_init(&strength, (igraph_integer_t)nv);
    igraph_vector_int_init(&memb, (igraph_integer_t)nv);
    igraph_vector_int_init(&prev, (igraph_integer_t)nv);
    double total = 0;
    for (size_t i = 0; i < nl; i++) {
        int32_t x = local[links[i].a], y = local[links[i].b];
        VECTOR(edges)[2 * i] = x;
        VECTOR(edges)[2 * i + 1] = y;
        VECTOR(weights)[i] = links[i].w;
        VECTOR(strength)[x] += links[i].w;
        VECTOR(strength)[y] += links[i].w;
        total += links[i].w;
    }
    if (igraph_create(&gr, &edges, (igraph_integer_t)nv, IGRAPH_UNDIRECTED) != IGRAPH_SUCCESS) {
        rs_error_set(err, RS_E_ALGO, NULL, 0, 0, "igraph_create failed");
        rc = -1;
        goto cleanup;
    }
    have_graph = 1;
    igraph_rng_seed(igraph_rng_default(), (igraph_uint_t)seed);
    igraph_integer_t nb = 0;
    igraph_real_t quality = 0;
    /* Modularity: node weights = strength, resolution / (2m). One iteration
     * per call, each starting from the last partition, until one changes
     * nothing or p->iterations have run: what n_iterations < 0 means upstream,
     * which 0.10.2 can turn into an endless loop. The global RNG is drawn
     * from as by one call of that many iterations. */
    long most = p->iterations >= 1 ? (long)p->iterations : 1;
    igraph_error_t ie = IGRAPH_SUCCESS;
    for (long it = 0; it < most && ie == IGRAPH_SUCCESS; it++) {
        if (it > 0 && (ie = igraph_vector_int_update(&prev, &memb)) != IGRAPH_SUCCESS)
            break;
        ie = igraph_community_leiden(&gr, &weights, &strength, p->resolution / (2.0 * total),
                                     p->beta, it > 0, 1, &memb, &nb, &quality);
        if (ie == IGRAPH_SUCCESS && it > 0 && igraph_vector_int_all_e(&prev, &memb))
            break; /* stable */
    }
    if (ie != IGRAPH_SUCCESS) {
        rs_error_set(err, RS_E_ALGO, NULL, 0, 0, "igraph_community_leiden failed: %s",
                     igraph_strerror(ie));
        rc = -1;
        goto cleanup;
    }
    for (size_t v = 0; v < nv; v++)
        comm[global[v]] = (int32_t)VECTOR(memb)[v];
    *ncomm = (uint64_t)nb;
cleanup:
    if (have_graph)
        igraph_destroy(&gr);
    igraph_vector_int_destroy(&edges);
    igraph_vector_destroy(&weights);
    igraph_vector_destroy(&strength);
    igraph_vector_int_destroy(&memb);
    igraph_vector_int_destroy(&prev);
    free(local);
    free(global);
    return rc;
}

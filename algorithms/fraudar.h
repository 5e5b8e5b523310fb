/* fraudar.h - camouflage-resistant dense-block detection in a bipartite graph.
 *
 * Reference: B. Hooi, H. A. Song, A. Beutel, N. Shah, K. Shin, C. Faloutsos,
 * "FRAUDAR: Bounding Graph Fraud in the Face of Camouflage", KDD 2016.
 *
 * The graph is users (e.g. clients) x objects (e.g. freelancers) with edges
 * (e.g. high ratings). Suspiciousness of a node set S is g(S) = f(S) / |S|,
 * where f(S) sums the weights of edges with both ends in S and |S| counts users
 * plus objects. An edge into object j weighs w_e / ln(d_j + c), d_j being j's
 * degree in the full input graph: a shill client that also rates popular
 * freelancers (camouflage) gains little from those edges, while the edges of a
 * small clique of rarely rated freelancers weigh a lot. Greedy peeling removes,
 * one at a time, the node whose removal lowers f the least (its weighted degree
 * inside S) and returns the S with the best g seen; the paper proves this is
 * within a factor 2 of the optimum and that camouflage cannot hide the block.
 *
 * Several blocks: after a block is found its internal edges are removed (the
 * column weights stay those of the full graph) and peeling runs again, up to
 * max_blocks times.
 *
 * Complexity per block: O((E + V) log V) time with an indexed binary min-heap
 * (each edge triggers at most one decrease-key), O(E + V) memory. Building the
 * adjacency once is O(E + V). Total O(K (E + V) log V) for K blocks.
 *
 * Pure module: plain arrays in, plain structs out, no global state, no I/O.
 */
#ifndef RINGSCAN_FRAUDAR_H
#define RINGSCAN_FRAUDAR_H

#include <stddef.h>
#include <stdint.h>

/* Return codes: 0 on success, one of these on failure. */
#define FRAUDAR_OK 0
#define FRAUDAR_EINVAL (-1) /* NULL pointer, option out of range, too many nodes */
#define FRAUDAR_EDATA (-2)  /* an edge endpoint out of range or a weight NaN/Inf/negative */

/* The input graph: borrowed arrays of n_edges entries each. Users are numbered
 * 0..n_users-1 and objects 0..n_objects-1 independently. Parallel edges are
 * allowed and count separately; deduplicate first if that is not wanted. */
typedef struct fraudar_graph {
    size_t n_users;
    size_t n_objects;
    size_t n_edges;
    const uint32_t *edge_user;   /* user of each edge */
    const uint32_t *edge_object; /* object of each edge */
    const double *edge_weight;   /* NULL means every edge weighs 1 */
} fraudar_graph;

/* Options. Always start from FRAUDAR_OPTIONS_INIT and change fields. */
typedef struct fraudar_options {
    /* c in the column weight 1 / ln(d_j + c), > 0. Default 5 (the paper). */
    double log_c;
    /* 1: camouflage-resistant column weights (default); 0: raw edge weights,
     * which makes the greedy Charikar's densest-subgraph peeling. */
    int column_weighting;
    /* Blocks to look for, >= 1. Default 1. */
    size_t max_blocks;
    /* Stop when the next block's density g is below this. Default 0. */
    double min_density;
    /* Stop when the next block has fewer users / objects than this. Default 1 / 1. */
    size_t min_users;
    size_t min_objects;
} fraudar_options;

#define FRAUDAR_OPTIONS_INIT                                                                       \
    {                                                                                              \
        .log_c = 5.0, .column_weighting = 1, .max_blocks = 1, .min_density = 0.0, .min_users = 1,  \
        .min_objects = 1                                                                           \
    }

/* One dense block. users and objects are sorted ascending ids. */
typedef struct fraudar_block {
    uint32_t *users; /* owned by the enclosing fraudar_result */
    size_t n_users;
    uint32_t *objects; /* owned by the enclosing fraudar_result */
    size_t n_objects;
    size_t n_edges; /* edges inside the block, among those left when it was found */
    double mass;    /* f: their total (column-weighted) weight */
    double density; /* g = mass / (n_users + n_objects) */
} fraudar_block;

/* Blocks in the order found, which is non-increasing density in practice
 * (each round sees fewer edges). Release with fraudar_result_free. */
typedef struct fraudar_result {
    fraudar_block *blocks;
    size_t count;
} fraudar_result;

/* Work counters, for tests and benchmarks. */
typedef struct fraudar_stats {
    uint64_t rounds; /* peeling passes: one per block found, plus one if a pass ended the search */
    uint64_t heap_pops;       /* extract-min operations */
    uint64_t heap_decreases;  /* decrease-key operations */
    uint64_t heap_sift_steps; /* parent/child swaps in build, sift-up and sift-down */
    uint64_t edge_visits;     /* adjacency entries scanned while peeling */
} fraudar_stats;

/* Finds up to opts->max_blocks dense blocks.
 *
 * out   - overwritten (not freed first) with a new result the caller owns and
 *         releases with fraudar_result_free; left empty on failure.
 * graph - borrowed; its arrays may be NULL when n_edges == 0.
 * opts  - borrowed; NULL means FRAUDAR_OPTIONS_INIT.
 * stats - optional out-parameter (NULL to skip); zeroed then filled.
 *
 * Returns 0 (possibly with zero blocks, e.g. for an edgeless graph),
 * FRAUDAR_EINVAL for NULL pointers, bad options or n_users + n_objects >=
 * UINT32_MAX, FRAUDAR_EDATA for an endpoint out of range or a weight that is
 * negative or not finite. Aborts with a message on out-of-memory.
 * Time O(K (E + V) log V), memory O(E + V). Deterministic: heap ties are broken
 * by node index (users before objects, then by id).
 */
int fraudar_detect(fraudar_result *out, const fraudar_graph *graph, const fraudar_options *opts,
                   fraudar_stats *stats);

/* Releases every block and empties the result. Accepts NULL and empty results. */
void fraudar_result_free(fraudar_result *result);

/* Static English text for a return code; never NULL. */
const char *fraudar_strerror(int code);

#endif /* RINGSCAN_FRAUDAR_H */

/* algo.c - igraph set-up; see algo.h. */
#include "algorithms/algo.h"

#include <igraph.h>

void algo_init(uint64_t seed)
{
    igraph_set_error_handler(igraph_error_handler_printignore);
    igraph_set_warning_handler(igraph_warning_handler_ignore);
    igraph_rng_seed(igraph_rng_default(), (igraph_uint_t)seed);
}

const char *algo_igraph_version(void)
{
    const char *v = "unknown";
    igraph_version(&v, NULL, NULL, NULL);
    return v;
}

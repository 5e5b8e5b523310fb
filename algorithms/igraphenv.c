/* igraphenv.c - igraph set-up; see igraphenv.h. */
#include "algorithms/igraphenv.h"

#include <igraph.h>

void igraphenv_init(uint64_t seed)
{
    igraph_set_error_handler(igraph_error_handler_printignore);
    igraph_set_warning_handler(igraph_warning_handler_ignore);
    igraph_rng_seed(igraph_rng_default(), (igraph_uint_t)seed);
}

const char *igraphenv_version(void)
{
    const char *v = "unknown";
    igraph_version(&v, NULL, NULL, NULL);
    return v;
}

/* igraphenv.h - process-wide setup of the graph library (igraph) used by
 * detectors.
 *
 * igraph 0.10's default error handler aborts the process; igraphenv_init
 * installs one that prints and returns, so every igraph call's status is
 * checked by its caller instead. It also seeds igraph's default RNG.
 */
#ifndef RINGSCAN_IGRAPHENV_H
#define RINGSCAN_IGRAPHENV_H

#include <stdint.h>

/* Call once before any detector. */
void igraphenv_init(uint64_t seed);
/* Version string of the linked igraph (static). */
const char *igraphenv_version(void);

#endif

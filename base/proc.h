/* proc.h - what this process costs and may cost: its monotonic clock, its
 * resident memory and the most memory the system will let it use.
 *
 * The run record, the progress lines and the memory budget of ingest read
 * these; each asks the kernel afresh (no caching), so call them per phase or
 * per batch, not per row.
 */
#ifndef RINGSCAN_PROC_H
#define RINGSCAN_PROC_H

#include <stdint.h>

/* Monotonic wall clock in seconds. */
double proc_now(void);
/* Peak resident set size of this process in bytes. */
uint64_t proc_peak_rss(void);
/* Current resident set size in bytes (/proc/self/statm), 0 when unknown. */
uint64_t proc_rss_now(void);
/* The most memory this process may use before the kernel would refuse or
 * the OOM killer strike: the least of physical memory, the cgroup (v2
 * memory.max, v1 memory.limit_in_bytes) limit and RLIMIT_AS, in bytes;
 * UINT64_MAX when none is known. */
uint64_t proc_memory_ceiling(void);

#endif

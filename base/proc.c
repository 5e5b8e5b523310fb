/* proc.c - this process's clock and memory; see proc.h. */
#include "base/proc.h"

#include <stdio.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

double proc_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

uint64_t proc_peak_rss(void)
{
    struct rusage ru;
    if (getrusage(RUSAGE_SELF, &ru) != 0)
        return 0;
    return (uint64_t)ru.ru_maxrss * 1024u;
}

uint64_t proc_rss_now(void)
{
    FILE *f = fopen("/proc/self/statm", "r");
    unsigned long long size = 0, rss = 0;
    int ok = f && fscanf(f, "%llu %llu", &size, &rss) == 2;
    if (f)
        fclose(f);
    long page = sysconf(_SC_PAGESIZE);
    return ok && page > 0 ? (uint64_t)rss * (uint64_t)page : 0;
}

/* The first unsigned number in path, or UINT64_MAX ("max", absent, garbage). */
static uint64_t read_limit_file(const char *path)
{
    FILE *f = fopen(path, "r");
    unsigned long long v = 0;
    int ok = f && fscanf(f, "%llu", &v) == 1;
    if (f)
        fclose(f);
    return ok ? (uint64_t)v : UINT64_MAX;
}

uint64_t proc_memory_ceiling(void)
{
    uint64_t lim = UINT64_MAX;
    long pages = sysconf(_SC_PHYS_PAGES), page = sysconf(_SC_PAGESIZE);
    if (pages > 0 && page > 0)
        lim = (uint64_t)pages * (uint64_t)page;
    uint64_t cg = read_limit_file("/sys/fs/cgroup/memory.max");
    if (cg < lim)
        lim = cg;
    cg = read_limit_file("/sys/fs/cgroup/memory/memory.limit_in_bytes");
    if (cg < lim)
        lim = cg;
    struct rlimit rl;
    if (getrlimit(RLIMIT_AS, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY &&
        (uint64_t)rl.rlim_cur < lim)
        lim = (uint64_t)rl.rlim_cur;
    return lim;
}

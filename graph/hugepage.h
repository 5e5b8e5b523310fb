/* hugepage.h - asks the kernel to back the graph's large hash tables and
 * edge array with transparent huge pages.
 *
 * Ingest probes the intern and edge slot tables (hundreds of MB on large
 * runs) at random: with 4 KiB pages nearly every probe also misses the TLB,
 * and the page walk costs as much as the cache miss itself. A 2 MiB page
 * covers 512 times more table per TLB entry. Systems that set transparent
 * huge pages to "madvise" (a common default) give them only to memory that
 * asks; "always" needs no asking and "never" refuses: the call is a hint,
 * and its failure changes nothing but speed.
 */
#ifndef RINGSCAN_HUGEPAGE_H
#define RINGSCAN_HUGEPAGE_H

#include <stddef.h>
#include <stdint.h>
#include <sys/mman.h>

/* Below this a table fits a few ordinary pages' TLB entries: not worth a
 * system call. Twice a huge page, so at least one aligned one lies within. */
#define HUGEPAGE_MIN_BYTES ((size_t)4 << 20)
#define HUGEPAGE_BYTES ((uintptr_t)2 << 20)

/* Advises huge pages for the whole 2 MiB pages that lie inside p[0..n), a
 * block the caller owns: no other allocation's memory is advised. */
static inline void hugepage_advise(void *p, size_t n)
{
#ifdef MADV_HUGEPAGE
    if (n < HUGEPAGE_MIN_BYTES)
        return;
    uintptr_t b = ((uintptr_t)p + HUGEPAGE_BYTES - 1) & ~(HUGEPAGE_BYTES - 1);
    uintptr_t e = ((uintptr_t)p + n) & ~(HUGEPAGE_BYTES - 1);
    if (e > b)
        (void)madvise((void *)b, e - b, MADV_HUGEPAGE);
#else
    (void)p;
    (void)n;
#endif
}

#endif

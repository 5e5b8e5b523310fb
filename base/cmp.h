/* cmp.h - the qsort/bsearch comparators of plain values that many modules
 * sort by: C strings and unsigned integers. Each orders by value alone and
 * reads nothing but its two arguments, so sorts stay deterministic. */
#ifndef RINGSCAN_CMP_H
#define RINGSCAN_CMP_H

/* Byte-wise comparison of two elements that are `const char *` (strcmp order). */
int cmp_str(const void *a, const void *b);
/* qsort/bsearch comparators of uint32_t and uint64_t values, ascending. */
int cmp_u32(const void *a, const void *b);
int cmp_u64(const void *a, const void *b);

#endif

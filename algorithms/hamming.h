/* hamming.h - groups of 64-bit perceptual photo hashes within a Hamming
 * distance: the same profile photo, re-encoded, cropped or lightly edited,
 * used by several accounts.
 *
 * Multi-index hashing: the 64 bits are split into m = d + 1 disjoint
 * substrings of nearly equal width; by pigeonhole two hashes within distance
 * d agree exactly on at least one of them. Hashes are bucketed by each
 * substring in turn (by sorting), and pairs sharing a bucket are verified
 * with popcount. Exact duplicates collapse to their first index before any
 * bucketing.
 *
 * Big buckets: a bucket of at most HAMMING_BIG_BUCKET (512) distinct hashes
 * compares every pair not already connected, so the groups are exact. A
 * larger bucket (narrow substrings at large d, or many hashes) compares each
 * member with at most 32 leaders, the first members that linked no earlier
 * leader; cost at most 32 x members. It can miss a link between two
 * non-leader members of such a bucket that link no leader (another
 * substring's bucket often finds it). At d <= 7 a substring is at least 8
 * bits wide, so uniformly spread hashes fill buckets of about n / 256.
 */
#ifndef RINGSCAN_HAMMING_H
#define RINGSCAN_HAMMING_H

#include <stddef.h>
#include <stdint.h>

#define HAMMING_BIG_BUCKET 512

/* Groups h[0..n): two hashes are linked when they differ in at most maxd
 * bits (maxd <= 15, asserted); groups are the connected components of links
 * with two or more members (equal hashes included). Writes group[i] in
 * [0, ngroups), numbered in order of each group's smallest index, or
 * UINT32_MAX for a hash in no group. Returns the number of groups. group is
 * caller-owned, n entries; h is borrowed. n < 2^32. Time O(n log n x (maxd
 * + 1)) plus the verified pairs. */
size_t hamming_groups(const uint64_t *h, size_t n, unsigned maxd, uint32_t *group);

#endif

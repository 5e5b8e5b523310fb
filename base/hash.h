/* hash.h - a cheap integer hash for the open-addressing tables keyed by ids
 * (graph/, algorithms/). Strings are hashed with xxHash in graph/intern.c. */
#ifndef RINGSCAN_HASH_H
#define RINGSCAN_HASH_H

#include <stdint.h>

/* The 64-bit finalizer of MurmurHash3 (fmix64): a cheap, well-mixing hash of
 * an integer key for open-addressing tables. */
static inline uint64_t hash_mix64(uint64_t x)
{
    x ^= x >> 33;
    x *= 0xff51afd7ed558ccdull;
    x ^= x >> 33;
    x *= 0xc4ceb9fe1a85ec53ull;
    x ^= x >> 33;
    return x;
}

#endif

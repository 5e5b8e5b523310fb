/* gen_rng.h - the simulator's deterministic random numbers.
 *
 * xoshiro256** (Blackman & Vigna 2018) seeded through splitmix64. Every generator is a
 * small value type owned by its caller; streams are derived from (seed, key...) by hashing,
 * so each account and each phase draws from its own stream and a change in one phase never
 * shifts the numbers of another. Never uses rand().
 */
#ifndef GEN_RNG_H
#define GEN_RNG_H

#include <stdint.h>

typedef struct gen_rng {
    uint64_t s[4];
} gen_rng;

/* Mixes two 64-bit values into one well-scrambled hash (splitmix64 finaliser). */
uint64_t gen_rng_mix(uint64_t a, uint64_t b);

/* Seeds r for the stream named by (seed, a, b). */
void gen_rng_seed(gen_rng *r, uint64_t seed, uint64_t a, uint64_t b);

uint64_t gen_rng_next(gen_rng *r);
/* Uniform integer in [0, n); n > 0. */
uint32_t gen_rng_below(gen_rng *r, uint32_t n);
/* Uniform integer in [lo, hi] (inclusive); lo <= hi. */
uint32_t gen_rng_range(gen_rng *r, uint32_t lo, uint32_t hi);
/* Uniform double in [0, 1). */
double gen_rng_unit(gen_rng *r);
/* 1 with probability p. */
int gen_rng_chance(gen_rng *r, double p);
/* Standard normal deviate (Box-Muller). */
double gen_rng_normal(gen_rng *r);
/* exp(N(mu, sigma)). */
double gen_rng_lognormal(gen_rng *r, double mu, double sigma);
/* Poisson deviate with mean lambda >= 0 (Knuth below 30, normal approximation above). */
uint32_t gen_rng_poisson(gen_rng *r, double lambda);

#endif

/* gen_rng.c - xoshiro256** with splitmix64 seeding; see gen_rng.h. */
#include "datasets/gen/gen_rng.h"

#include <math.h>

static uint64_t rng_splitmix(uint64_t *x)
{
    uint64_t z = (*x += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

uint64_t gen_rng_mix(uint64_t a, uint64_t b)
{
    uint64_t x = a ^ (b * 0xd1b54a32d192ed03ull + 0x8cb92ba72f3d8dd7ull);
    return rng_splitmix(&x);
}

void gen_rng_seed(gen_rng *r, uint64_t seed, uint64_t a, uint64_t b)
{
    uint64_t x = gen_rng_mix(gen_rng_mix(seed, a), b);
    for (int i = 0; i < 4; i++)
        r->s[i] = rng_splitmix(&x);
}

static uint64_t rng_rotl(uint64_t x, int k)
{
    return (x << k) | (x >> (64 - k));
}

uint64_t gen_rng_next(gen_rng *r)
{
    uint64_t *s = r->s;
    uint64_t result = rng_rotl(s[1] * 5, 7) * 9;
    uint64_t t = s[1] << 17;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rng_rotl(s[3], 45);
    return result;
}

uint32_t gen_rng_below(gen_rng *r, uint32_t n)
{
    /* Lemire's multiply-shift; the bias is below 2^-32 and irrelevant for simulation. */
    return (uint32_t)(((gen_rng_next(r) >> 32) * (uint64_t)n) >> 32);
}

uint32_t gen_rng_range(gen_rng *r, uint32_t lo, uint32_t hi)
{
    return lo + gen_rng_below(r, hi - lo + 1);
}

double gen_rng_unit(gen_rng *r)
{
    return (double)(gen_rng_next(r) >> 11) * 0x1.0p-53;
}

int gen_rng_chance(gen_rng *r, double p)
{
    return gen_rng_unit(r) < p;
}

double gen_rng_normal(gen_rng *r)
{
    double u1 = gen_rng_unit(r), u2 = gen_rng_unit(r);
    if (u1 < 1e-300)
        u1 = 1e-300;
    return sqrt(-2.0 * log(u1)) * cos(6.283185307179586 * u2);
}

double gen_rng_lognormal(gen_rng *r, double mu, double sigma)
{
    return exp(mu + sigma * gen_rng_normal(r));
}

uint32_t gen_rng_poisson(gen_rng *r, double lambda)
{
    if (lambda <= 0)
        return 0;
    if (lambda < 30) {
        double l = exp(-lambda), p = 1.0;
        uint32_t k = 0;
        do {
            k++;
            p *= gen_rng_unit(r);
        } while (p > l);
        return k - 1;
    }
    double v = lambda + sqrt(lambda) * gen_rng_normal(r) + 0.5;
    return v < 0 ? 0 : (uint32_t)v;
}

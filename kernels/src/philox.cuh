/*
 * Philox4x32-10 (Salmon, Moraes, Dror, Shaw, "Parallel random numbers: as easy as 1, 2, 3", SC'11; Random123),
 * the scenario generator's standard normal and the block bootstrap's block start, as DESIGN.md §4, "Monte Carlo
 * scenarios" defines them: a counter-based generator, so a number is a pure function of (seed, scenario, row, index)
 * and the Java engine, the emulation and the GPU draw the same stream whatever the order, chunking or thread that
 * asks.
 *
 * Header-only and dependency-free: the kernels include it (nvcc, or g++ over the emulation) and so does the host
 * test driver (plain g++, no CUDA headers), which checks it against Random123's known answers.
 */
#ifndef EQUIRISK_PHILOX_CUH
#define EQUIRISK_PHILOX_CUH

#include <cmath>
#include <cstdint>

#include "reproducible_math.cuh"

/* Callable from kernels and from host code: __host__ __device__ under nvcc. The emulation (cuda_emu.h) defines both
   as nothing, and the test driver has neither, so plain inline functions there. */
#if defined(__CUDACC__)
#define ER_HOST_DEVICE __host__ __device__ __forceinline__
#else
#define ER_HOST_DEVICE inline
#endif

namespace er {

/* Philox's four 32-bit lanes (a counter going in, random bits coming out). */
struct PhiloxBlock {
    uint32_t v[4];
};

constexpr uint32_t PHILOX_M0 = 0xD2511F53u; /* round multipliers */
constexpr uint32_t PHILOX_M1 = 0xCD9E8D57u;
constexpr uint32_t PHILOX_W0 = 0x9E3779B9u; /* Weyl key bumps: the golden ratio and sqrt(3) − 1, in 32 bits */
constexpr uint32_t PHILOX_W1 = 0xBB67AE85u;

/* The spec's domains: counter lane 3 keeps the return normals apart from the Student-t scale's chi-square draws and
   from the block bootstrap's block starts (HistoricalBootstrap.BOOTSTRAP_DOMAIN on the Java side). */
constexpr uint32_t DOMAIN_RETURNS = 0;
constexpr uint32_t DOMAIN_CHI_SQUARE = 1;
constexpr uint32_t DOMAIN_BOOTSTRAP = 2;

/* Philox4x32 with ten rounds. A 32 × 32 → 64-bit product gives each round's high and low halves: portable C++ on the
   host, and nvcc makes it the single wide multiply (mul.wide.u32) that __umulhi would also be. */
ER_HOST_DEVICE PhiloxBlock philox4x32_10(PhiloxBlock c, uint32_t k0, uint32_t k1) {
    for (int round = 0; round < 10; round++) {
        if (round > 0) { /* nine bumps, between consecutive rounds */
            k0 += PHILOX_W0;
            k1 += PHILOX_W1;
        }
        const uint64_t p0 = (uint64_t)PHILOX_M0 * c.v[0];
        const uint64_t p1 = (uint64_t)PHILOX_M1 * c.v[2];
        c = PhiloxBlock{{(uint32_t)(p1 >> 32) ^ c.v[1] ^ k0, (uint32_t)p1, (uint32_t)(p0 >> 32) ^ c.v[3] ^ k1,
                         (uint32_t)p0}};
    }
    return c;
}

/* Normals 2·pair and 2·pair + 1 of (scenario s, row t, domain) under seed: one Philox call, two 53-bit integers a and
   b, one Box-Muller transform: √(−2 ln u)·(cos, sin) of b/2^53 of a turn, u = (a + 1)·2^-53 in (0, 1] so that ln u is
   finite (the conversion is exact). The logarithm, cosine and sine are reproducible_math.cuh's, the Java engine's
   operations, so every engine draws the same bits. */
ER_HOST_DEVICE void normal_pair(uint64_t seed, uint32_t s, uint32_t t, uint32_t pair, uint32_t domain, double* even,
                                double* odd) {
    const PhiloxBlock p = philox4x32_10(PhiloxBlock{{pair, t, s, domain}}, (uint32_t)seed, (uint32_t)(seed >> 32));
    const uint64_t a = ((uint64_t)p.v[0] << 21) | (p.v[1] >> 11);
    const uint64_t b = ((uint64_t)p.v[2] << 21) | (p.v[3] >> 11);
    const double u = rm::mul((double)(a + 1), 0x1p-53);
    const double radius = rm::sqrt_(rm::mul(-2.0, reproducible_log(u)));
    double c, sn;
    reproducible_cos_sin_turn(b, &c, &sn);
    *even = rm::mul(radius, c);
    *odd = rm::mul(radius, sn);
}

/* The spec's normal(s, t, j, domain): the even or odd half of pair j / 2. */
ER_HOST_DEVICE double normal(uint64_t seed, uint32_t s, uint32_t t, uint64_t j, uint32_t domain) {
    double even, odd;
    normal_pair(seed, s, t, (uint32_t)(j >> 1), domain, &even, &odd);
    return (j & 1) ? odd : even;
}

/* The block bootstrap's first history row of block b of scenario s (DESIGN.md §4; HistoricalBootstrap.blockStart):
   x = P0·2^32 + P1 of the Philox block for counter (b, 0, s, DOMAIN_BOOTSTRAP), and the start is the high 64 bits of
   the 128-bit product x · (history_rows − block + 1), i.e. ⌊x · starts / 2^64⌋, uniform over the possible starts
   0 … history_rows − block and integer arithmetic only, so the same row on every machine. 1 <= block <=
   history_rows. The device (and the emulation, whose header defines it) takes __umul64hi, plain host code a 128-bit
   product: the same number. */
ER_HOST_DEVICE int64_t bootstrap_start(uint64_t seed, uint32_t s, uint32_t b, int64_t history_rows, int64_t block) {
    const PhiloxBlock p =
        philox4x32_10(PhiloxBlock{{b, 0, s, DOMAIN_BOOTSTRAP}}, (uint32_t)seed, (uint32_t)(seed >> 32));
    const uint64_t x = ((uint64_t)p.v[0] << 32) | p.v[1];
    const uint64_t starts = (uint64_t)(history_rows - block + 1);
#if defined(__CUDA_ARCH__) || defined(EQUIRISK_CUDA_EMU_H)
    return (int64_t)__umul64hi(x, starts);
#else
    return (int64_t)(uint64_t)(((unsigned __int128)x * starts) >> 64);
#endif
}

}  // namespace er

#endif

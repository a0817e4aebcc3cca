/*
 * The logarithm, and the cosine and sine of a fraction of a turn, that the scenario normals need (philox.cuh's
 * normal_pair), each one fixed sequence of correctly rounded IEEE-754 double operations, the same sequence as the Java
 * engine's io.equirisk.scenario.ReproducibleMath: so a GPU, the emulation and the Java engine draw the same bits.
 *
 * What keeps them equal:
 * - every multiply-add that should fuse is an explicit fma (one rounding everywhere: fma.rn.f64 on the device,
 *   std::fma on the host, Math.fma in Java);
 * - on the device every other operation is an _rn intrinsic, which nvcc never contracts into an fma (a plain a * b + c
 *   it would); on the host g++ contracts nothing in ISO C++ mode (-std=c++20: -ffp-contract=off);
 * - division and square root are IEEE-rounded on both (and in Java);
 * - the constants are hex literals, the same bits as the Java source's.
 * Accuracy: within 1.5 ulp (the Java tests measure it against 40-digit references; the C driver against long
 * double). The polynomials are truncated Taylor series with exact rational coefficients (2/(2k+1), 1/n!), truncated
 * below 2^-60 on the reduced ranges.
 */
#ifndef EQUIRISK_REPRODUCIBLE_MATH_CUH
#define EQUIRISK_REPRODUCIBLE_MATH_CUH

#include <cmath>
#include <cstdint>
#include <cstring>

#if defined(__CUDACC__)
#define ER_RM_FN __host__ __device__ __forceinline__
#else
#define ER_RM_FN inline
#endif

namespace er {
namespace rm {

ER_RM_FN double fma_(double a, double b, double c) {
#if defined(__CUDA_ARCH__)
    return __fma_rn(a, b, c);
#else
    return std::fma(a, b, c);
#endif
}
ER_RM_FN double mul(double a, double b) {
#if defined(__CUDA_ARCH__)
    return __dmul_rn(a, b);
#else
    return a * b;
#endif
}
ER_RM_FN double add(double a, double b) {
#if defined(__CUDA_ARCH__)
    return __dadd_rn(a, b);
#else
    return a + b;
#endif
}
ER_RM_FN double sub(double a, double b) {
#if defined(__CUDA_ARCH__)
    return __dsub_rn(a, b);
#else
    return a - b;
#endif
}
ER_RM_FN double div(double a, double b) {
#if defined(__CUDA_ARCH__)
    return __ddiv_rn(a, b);
#else
    return a / b;
#endif
}
ER_RM_FN double sqrt_(double a) {
#if defined(__CUDA_ARCH__)
    return __dsqrt_rn(a);
#else
    return std::sqrt(a);
#endif
}
ER_RM_FN uint64_t bits_of(double x) {
#if defined(__CUDA_ARCH__)
    return (uint64_t)__double_as_longlong(x);
#else
    uint64_t b;
    std::memcpy(&b, &x, sizeof b);
    return b;
#endif
}
ER_RM_FN double double_of(uint64_t b) {
#if defined(__CUDA_ARCH__)
    return __longlong_as_double((long long)b);
#else
    double x;
    std::memcpy(&x, &b, sizeof x);
    return x;
#endif
}

}  // namespace rm

/* ln x for a positive, normal, finite x: x = 2^e·m, m in [√½, √2), f = m − 1 (exact), s = f/(2 + f), and
   ln m = 2 atanh s = f − s·(f − R(s²)), R(z) = Σ_{k=1..10} 2/(2k+1)·z^k. */
ER_RM_FN double reproducible_log(double x) {
    const uint64_t bits = rm::bits_of(x);
    int e = (int)(bits >> 52) - 1023;
    double m = rm::double_of((bits & 0x000FFFFFFFFFFFFFull) | 0x3FF0000000000000ull);
    if (m > 0x1.6a09e667f3bcdp+0) { /* √2 */
        m = rm::mul(m, 0.5);
        e += 1;
    }
    const double f = rm::sub(m, 1.0);
    const double s = rm::div(f, rm::add(2.0, f));
    const double z = rm::mul(s, s);
    double p = rm::fma_(0x1.8618618618618p-4, z, 0x1.af286bca1af28p-4); /* 2/21, 2/19 */
    p = rm::fma_(p, z, 0x1.e1e1e1e1e1e1ep-4);                          /* 2/17 */
    p = rm::fma_(p, z, 0x1.1111111111111p-3);                          /* 2/15 */
    p = rm::fma_(p, z, 0x1.3b13b13b13b14p-3);                          /* 2/13 */
    p = rm::fma_(p, z, 0x1.745d1745d1746p-3);                          /* 2/11 */
    p = rm::fma_(p, z, 0x1.c71c71c71c71cp-3);                          /* 2/9 */
    p = rm::fma_(p, z, 0x1.2492492492492p-2);                          /* 2/7 */
    p = rm::fma_(p, z, 0x1.999999999999ap-2);                          /* 2/5 */
    p = rm::fma_(p, z, 0x1.5555555555555p-1);                          /* 2/3 */
    const double r = rm::mul(p, z);
    const double ln_m = rm::fma_(-s, rm::sub(f, r), f);
    const double k = (double)e;
    /* ln 2 = hi + lo, hi rounded to double and lo the next 53 bits */
    return rm::fma_(k, 0x1.62e42fefa39efp-1, rm::fma_(k, 0x1.abc9e3b39803fp-56, ln_m));
}

/* sin θ for |θ| <= π/4: θ + θ³·Σ_{k=1..9} (−1)^k θ^(2k−2)/(2k+1)!. */
ER_RM_FN double reproducible_sin_quarter(double theta) {
    const double y = rm::mul(theta, theta);
    double p = rm::fma_(-0x1.2f49b46814157p-57, y, 0x1.952c77030ad4ap-49); /* −1/19!, 1/17! */
    p = rm::fma_(p, y, -0x1.ae7f3e733b81fp-41);                           /* −1/15! */
    p = rm::fma_(p, y, 0x1.6124613a86d09p-33);                            /* 1/13! */
    p = rm::fma_(p, y, -0x1.ae64567f544e4p-26);                           /* −1/11! */
    p = rm::fma_(p, y, 0x1.71de3a556c734p-19);                            /* 1/9! */
    p = rm::fma_(p, y, -0x1.a01a01a01a01ap-13);                           /* −1/7! */
    p = rm::fma_(p, y, 0x1.1111111111111p-7);                             /* 1/5! */
    p = rm::fma_(p, y, -0x1.5555555555555p-3);                            /* −1/3! */
    return rm::fma_(rm::mul(theta, y), p, theta);
}

/* cos θ for |θ| <= π/4: 1 + θ²·Σ_{k=1..9} (−1)^k θ^(2k−2)/(2k)!. */
ER_RM_FN double reproducible_cos_quarter(double theta) {
    const double y = rm::mul(theta, theta);
    double p = rm::fma_(-0x1.6827863b97d97p-53, y, 0x1.ae7f3e733b81fp-45); /* −1/18!, 1/16! */
    p = rm::fma_(p, y, -0x1.93974a8c07c9dp-37);                           /* −1/14! */
    p = rm::fma_(p, y, 0x1.1eed8eff8d898p-29);                            /* 1/12! */
    p = rm::fma_(p, y, -0x1.27e4fb7789f5cp-22);                           /* −1/10! */
    p = rm::fma_(p, y, 0x1.a01a01a01a01ap-16);                            /* 1/8! */
    p = rm::fma_(p, y, -0x1.6c16c16c16c17p-10);                           /* −1/6! */
    p = rm::fma_(p, y, 0x1.5555555555555p-5);                             /* 1/4! */
    p = rm::fma_(p, y, -0x1.0000000000000p-1);                            /* −1/2! */
    return rm::fma_(y, p, 1.0);
}

/* cos and sin of b/2^53 of a turn (0 <= b < 2^53): the nearest quarter turn q = round(b / 2^51) is taken off in
   integers, so the residual r = (b − q·2^51)/2^51 in [−½, ½) is exact, and θ = r·π/2 is rounded once (π/2 = hi + lo
   as for ln 2); then the quadrant's signs and swap. */
ER_RM_FN void reproducible_cos_sin_turn(uint64_t b, double* cos_out, double* sin_out) {
    const uint64_t q = (b + (uint64_t(1) << 50)) >> 51;
    const double r = rm::mul((double)((int64_t)b - (int64_t)(q << 51)), 0x1p-51);
    const double theta = rm::fma_(r, 0x1.921fb54442d18p+0, rm::mul(r, 0x1.1a62633145c07p-54));
    const double c = reproducible_cos_quarter(theta), s = reproducible_sin_quarter(theta);
    switch (q & 3) {
        case 0: *cos_out = c; *sin_out = s; break;
        case 1: *cos_out = -s; *sin_out = c; break;
        case 2: *cos_out = -c; *sin_out = -s; break;
        default: *cos_out = s; *sin_out = -c; break;
    }
}

}  // namespace er

#endif

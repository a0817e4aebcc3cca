/*
 * Warp and block reductions shared by the solve kernels (solve.cu, solve_wide.cu). Block results are summed from
 * the warp partials in warp order by every thread, so all threads hold the same value and take the same branch.
 */
#ifndef EQUIRISK_ER_REDUCE_CUH
#define EQUIRISK_ER_REDUCE_CUH

#include "er_cuda.cuh"

namespace er {
namespace {

__device__ __forceinline__ double warp_sum(double v) {
#pragma unroll
    for (int o = 16; o > 0; o >>= 1) v += __shfl_xor_sync(0xffffffffu, v, o);
    return v;
}

/* How many of lanes 0 … lane have flag 1 (an inclusive prefix count over the warp, five shuffles). */
__device__ __forceinline__ int warp_inclusive_count(int flag) {
    const int lane = threadIdx.x & 31;
    int incl = flag;
#pragma unroll
    for (int o = 1; o < 32; o <<= 1) {
        const int t = __shfl_sync(0xffffffffu, incl, lane >= o ? lane - o : lane);
        if (lane >= o) incl += t;
    }
    return incl;
}

/* One term of a Dot2 sum (Ogita, Rump & Oishi 2005, "Accurate sum and dot product"): s += a·x with the product's
   and the addition's rounding errors, kept by error-free transformations, added to c; s + c at the end is the sum
   as if computed in twice the precision, then rounded. The __d*_rn operations keep nvcc from fusing them. */
__device__ __forceinline__ void dot2_add(double& s, double& c, double a, double x) {
    const double pr = __dmul_rn(a, x);
    const double e = fma(a, x, -pr); /* a·x − pr exactly */
    const double t = __dadd_rn(s, pr);
    const double z = __dsub_rn(t, s);
    c += __dadd_rn(__dsub_rn(s, __dsub_rn(t, z)), __dsub_rn(pr, z)) + e; /* s + pr − t exactly, + e */
    s = t;
}

/* Maximum that propagates NaN (fmax would drop it). */
__device__ __forceinline__ double nan_max(double a, double b) { return (a != a || b != b) ? NAN : (a > b ? a : b); }

__device__ __forceinline__ double warp_max(double v) {
#pragma unroll
    for (int o = 16; o > 0; o >>= 1) v = nan_max(v, __shfl_xor_sync(0xffffffffu, v, o));
    return v;
}

/* Sum over the block; every thread returns the same value. (maybe_unused: an includer may need only one of the two
   block reductions, and these are not inline.) */
[[maybe_unused]] __device__ double block_sum(double v, double* scratch) {
    v = warp_sum(v);
    const int nw = blockDim.x / 32;
    __syncthreads(); /* scratch is free */
    if ((threadIdx.x & 31) == 0) scratch[threadIdx.x / 32] = v;
    __syncthreads();
    double s = 0.0;
    for (int w = 0; w < nw; w++) s += scratch[w];
    return s;
}

[[maybe_unused]] __device__ double block_max(double v, double* scratch) {
    v = warp_max(v);
    const int nw = blockDim.x / 32;
    __syncthreads();
    if ((threadIdx.x & 31) == 0) scratch[threadIdx.x / 32] = v;
    __syncthreads();
    double m = scratch[0];
    for (int w = 1; w < nw; w++) m = nan_max(m, scratch[w]);
    return m;
}

}  // namespace
}  // namespace er

#endif

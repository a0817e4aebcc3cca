/*
 * Batched risk-budgeting solve: for each problem, long-only w (Σw = 1) with w_i(Σw)_i/wᵀΣw = b_i. The algorithm
 * follows the pure-Java engine's stages (active set, correlation scaling, CCD with the stall rule, damped Newton
 * with compensated gradients and a polishing step, the final report on Σ), so both agree within 1e-9 on weights;
 * the sweeps differ (forward only here, every sweep mixed: kernels/README.md says where and why).
 *
 * Decomposition (see kernels/README.md for the numbers):
 * - n ≤ 128: one warp (a 32-thread block) per problem, C's upper triangle packed in shared memory in FP16 (or
 *   FP32 with EQUIRISK_SOLVE_TRI=fp32) for the sweeps' rank-1 updates only, the whole CCD loop with its state in
 *   registers and no barrier (warp_ccd), each sweep's updates of q summed in FP32, mixed at depth 3. Everything
 *   that must be exact (start point, the exact residual, Newton, the report) uses Σ in FP64, and q is recomputed
 *   exactly at the levels of Refresh<T> and before the final check, so the answer is the FP64 problem's. Σ is
 *   read once for the triangle and the start point's product together, and fetched into L2 two sweeps before each
 *   later exact product. Each lane holds
 *   as many entries of every vector as n needs (1 for n ≤ 32, 2 for n ≤ 64, else 4; a template parameter), and the
 *   instances for n ≤ 64 are capped at 128 registers (16 problems per SM instead of 12). Larger n:
 * - One thread block per problem, blocks grid-striding over the batch (a persistent grid sized to what is
 *   resident), so the global workspace is per block, not per problem. A few problems of many assets (where that
 *   leaves most SMs idle) go instead to the whole-device solve (solve_wide.cu), one problem at a time on every SM,
 *   which hands back to this path what it cannot finish; plan_solve decides by its cost model.
 * - The correlation matrix C (na × na FP64) lives in dynamic shared memory while it fits the opt-in limit with the
 *   vectors (n ≤ ~165 on H100/H200 at 227 KiB); otherwise in the block's global workspace, where it stays L2-resident
 *   for moderate n. The vectors (y, Cy, b, σ, …: 7n doubles) live in shared memory up to n ≈ 3,870.
 * - Every sweep is Anderson-mixed (anderson_mix, depth 5).
 * - CCD is sequential over coordinates: one barrier per coordinate; each thread owns the entries j ≡ tid (mod T)
 *   of the rank-1 update and prefetches its part of the next row of C into registers while the current
 *   coordinate's root is computed. The diagonal is kept out of the maintained vector (q = Cy − y), so no entry is
 *   read and written in the same barrier interval.
 * - Newton: H = C + diag(b/y²) factored H = UᵀU (right-looking, one row of U per step, two barriers per step,
 *   the trailing update spread over the threads, NEWTON_ROWS rows' loads in flight at once), U in the global
 *   workspace; triangular solves one barrier per row. On the warp path a second kernel (the Newton stage) finishes
 *   what the first handed to Newton, by a truncated Newton first: each step's system solved by conjugate gradients
 *   on the packed triangle, the gradient exact (warp_newton_cg); the Cholesky Newton finishes only what that
 *   cannot.
 * - Reductions (dot products, maxima): warp shuffles, then one value per warp through shared memory; every
 *   thread sums the warp partials in the same order, so all threads hold the same value and take the same branch.
 */
#include <algorithm>
#include <cfloat>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <tuple>
#include <vector>

#include "er_kernels.h"
#include "er_reduce.cuh"

#ifdef __CUDACC__
#include <cuda_fp16.h>
#endif

namespace er {
namespace {

/* The warp path's triangle entries are FP32 or FP16 (half the bytes, so more problems per SM): stored from the FP64
   value with one rounding (round to nearest even), widened exactly to FP32 where the sweeps use them (one HADD2.F32
   from FP16, nothing from FP32). The emulation uses the compiler's _Float16, which rounds the same way. */
#ifdef __CUDACC__
using half16 = __half;
__device__ __forceinline__ half16 narrow_half(double v) { return __double2half(v); }
__device__ __forceinline__ float widen_f(half16 h) { return __half2float(h); }
#else
using half16 = _Float16;
inline half16 narrow_half(double v) { return (half16)v; }
inline float widen_f(half16 h) { return (float)h; }
#endif
__device__ __forceinline__ float widen_f(float f) { return f; }
template <typename T>
__device__ __forceinline__ T narrow(double v);
template <>
__device__ __forceinline__ float narrow<float>(double v) { return (float)v; }
template <>
__device__ __forceinline__ half16 narrow<half16>(double v) { return narrow_half(v); }

/* Asks L2 to fetch [p, p + bytes) ahead of its use, one 128-byte line per lane at a time (a hint: nothing waits on
   it, and the emulation has no cache to fill). */
__device__ __forceinline__ void prefetch_l2(const void* p, int64_t bytes) {
#ifdef __CUDACC__
    for (int64_t off = 128 * (int64_t)threadIdx.x; off < bytes; off += 128 * 32)
        asm volatile("prefetch.global.L2 [%0];" ::"l"(static_cast<const char*>(p) + off));
#else
    (void)p;
    (void)bytes;
#endif
}

constexpr int MAX_THREADS = 512;
constexpr int OWN = 8;                  /* register-cached entries per thread in the CCD update (n ≤ OWN·T) */
constexpr int NEWTON_MAX_STEPS = 200;   /* Newton's own cap (the Java engine's DampedNewton.MAX_STEPS) */
/* full steps in a row that may fail to halve the best residual before Newton stops, at the limit double precision
   shows on this Σ (the Java engine's DampedNewton.STALL_STEPS; 200 steps for nothing before) */
constexpr int NEWTON_STALL_STEPS = 8;
constexpr int NEWTON_ROWS = 8;          /* rows of the factorisation's trailing update whose loads go out together */
constexpr int SCRATCH = 40;             /* doubles of reduction scratch (one per warp + broadcast slots) */

/* The per-problem state, all pointers into shared memory or the block's workspace. */
struct Problem {
    int na;
    const int* idx; /* active asset of position p */
    double* b;
    double* sig;
    double* y;
    double* yw; /* CCD: the sweep's new y; Newton: z of the triangular solves */
    double* q;  /* CCD: Cy − y (off-diagonal part); Newton: Cy */
    double* g;
    double* d;
    double* diag; /* Newton: diagonal of U */
    double* C;  /* block path: C, na × na */
    void* Cp;   /* warp path: C's upper triangle in FP32 or FP16, column by column, C_pq (p ≤ q) at q(q+1)/2 + p, 0
                   on the diagonal, then na + 1 zeros (see warp_pack_triangle) */
    const double* S; /* this problem's Σ (n × n, global memory): the warp path's exact C, C_pq = S_ij / (σ_i σ_j) */
    const double* S_next; /* the next problem's Σ of this block, or null: fetched into L2 as this one ends */
    int n;
    double* U;
    double* mix; /* warp path: the mixer's history, 3 × WARP_MIX_DEPTH × na doubles (shared memory or the workspace) */
    double* scratch;
    int packed; /* the warp path: C is Cf for the sweeps' rank-1 updates and S everywhere else */
};

/* C_pq exactly, in FP64 (1 on the diagonal): the block path's C, or on the warp path from Σ itself; the loops
   that call it give consecutive threads consecutive q, so a warp reads a stretch of one row of Σ: coalesced. */
__device__ __forceinline__ double c_at(const Problem& P, int p, int q) {
    if (!P.packed) return P.C[(int64_t)p * P.na + q];
    if (p == q) return 1.0;
    return P.S[(int64_t)P.idx[p] * P.n + P.idx[q]] / (P.sig[p] * P.sig[q]);
}

/* out = C v exactly. Block path: thread p computes entry p from column p (C symmetric), so at each q a warp reads
   a stretch of row q: coalesced. The warp path computes it from Σ (warp_exact_matvec). */
__device__ void warp_exact_matvec(const Problem& P, const double* v, double* out);
__device__ void sym_matvec(const Problem& P, const double* v, double* out) {
    if (P.packed) {
        warp_exact_matvec(P, v, out);
        return;
    }
    const int na = P.na;
    for (int p = threadIdx.x; p < na; p += blockDim.x) {
        double s = 0.0;
        for (int q = 0; q < na; q++) s = fma(P.C[(int64_t)q * na + p], v[q], s);
        out[p] = s;
    }
}

/* q = Cy for Newton, as (Σx)_p / σ_p with x = y/σ, each (Σx)_p summed as Dot2 (Ogita, Rump & Oishi 2005, "Accurate
   sum and dot product": every product's and every addition's rounding error kept by error-free transformations
   and added at the end, so the sum is as if computed in twice the precision, then rounded). Newton is where the
   hard problems go, and there the plain product's cancellation set a floor: on a 5-factor Σ with 1e-6 specific
   variance (50 assets) it stalled at a residual of 2e-10 > tol for 200 steps where the Java engine, which
   evaluates its gradient and residual with compensated products on Σ (CompensatedProduct), converged in 24. The
   Hessian stays plain: it only shapes the step. Reads Σ by columns i_p at each row i_q (coalesced across p); x in
   yw (free until the triangular solves). The loop is er_reduce.cuh's dot2_add written out: calling it moved 24 of
   the batch kernel's instructions' registers (sm_90 cubin), and the measured kernels keep their code. The __d*_rn
   operations keep nvcc from fusing the transformations. */
__device__ void compensated_cy(const Problem& P) {
    const int na = P.na;
    for (int p = threadIdx.x; p < na; p += blockDim.x) P.yw[p] = P.y[p] / P.sig[p];
    __syncthreads();
    for (int p = threadIdx.x; p < na; p += blockDim.x) {
        const double* col = P.S + P.idx[p];
        double s = 0.0, c = 0.0;
        for (int q = 0; q < na; q++) {
            const double a = col[(int64_t)P.idx[q] * P.n];
            const double x = P.yw[q];
            const double pr = __dmul_rn(a, x);
            const double e = fma(a, x, -pr); /* a·x − pr exactly */
            const double t = __dadd_rn(s, pr);
            const double z = __dsub_rn(t, s);
            c += __dadd_rn(__dsub_rn(s, __dsub_rn(t, z)), __dsub_rn(pr, z)) + e; /* s + pr − t exactly, + e */
            s = t;
        }
        P.q[p] = (s + c) / P.sig[p];
    }
}

/* max_p |y_p cy_p / yᵀcy − b_p| with cy = q + y (offdiag = true) or cy = q. */
__device__ double residual(const Problem& P, bool offdiag) {
    double part = 0.0;
    for (int p = threadIdx.x; p < P.na; p += blockDim.x) part += P.y[p] * (offdiag ? P.q[p] + P.y[p] : P.q[p]);
    const double s = block_sum(part, P.scratch);
    double m = 0.0;
    for (int p = threadIdx.x; p < P.na; p += blockDim.x) {
        const double cy = offdiag ? P.q[p] + P.y[p] : P.q[p];
        m = nan_max(m, fabs(P.y[p] * cy / s - P.b[p]));
    }
    return block_max(m, P.scratch);
}

/* q = C y − y exactly (one matvec). */
__device__ void exact_offdiag(const Problem& P) {
    __syncthreads();
    sym_matvec(P, P.y, P.q);
    __syncthreads();
    for (int p = threadIdx.x; p < P.na; p += blockDim.x) P.q[p] -= P.y[p];
    __syncthreads();
}

/* One CCD coordinate step: the root y' = (−c + sqrt(c² + 4b))/2 of y(y + c) = b, returned as dy = y' − y. It sits
   on the sweeps' sequential chain, so it is written for few dependent FP64 operations: t = d·r with r the hardware's
   reciprocal-square-root estimate of d = c² + 4b (~20 bits; the emulation uses 1/sqrt), corrected to third order,
   sqrt(d) = t(1 + e/2 + 3e²/8) with e = 1 − t·r (error ~e³, below FP64's rounding), and the halving and both
   subtractions folded into the last FMA: six dependent operations after the estimate where sqrt() with its
   correctly rounded result and special cases, then the plain formula, took eleven (an H200 profile of the warp
   path's sweep). Within a few ulp of the plain formula: the sweeps' fixed point moves by as much. d ≥ 4b, and the
   solve floors positive budgets at MIN_BUDGET, so d is never subnormal (the estimate flushes those to zero, and the
   step would come out NaN); the emulation flushes the same way.
   The small root: with c > 0 and b ≪ c², sqrt(d) − c cancels (b = 1e-20 against c ~ 0.1 left only rounding, a
   negative weight reported as converged). There the root is taken from y' = b/(t − y'), expanded about b/t:
   y' = (b/t)(1 + δ + 2δ² + 5δ³ + …) with δ = b/t² (Catalan numbers), error ~14δ⁴ ≤ 1.4e-15 relative below the
   switch at δ = 1e-4, where the plain formula's cancellation costs ≤ ~6e-13 relative. A branch, not a select: it is
   taken only for tiny budgets or extreme correlations (δ ≈ y'²/b), so the usual path keeps its six operations; its
   test reads d, not the estimate, so it resolves while the estimate is computed. */
constexpr double SMALL_ROOT = 1e-4;
/* An experiment's switch: 1 branches to the series (the default), 2 computes both and selects, 0 has no series
   (the plain formula alone, wrong for tiny budgets: only to time against). */
#ifndef ER_SMALL_ROOT
#define ER_SMALL_ROOT 1
#endif
template <bool SMALL = true>
__device__ __forceinline__ double ccd_step(double c, double b, double y) {
    const double d = fma(c, c, 4.0 * b);
    double r;
#ifdef __CUDACC__
    asm("rsqrt.approx.ftz.f64 %0, %1;" : "=d"(r) : "d"(d));
#else
    r = d < DBL_MIN ? INFINITY : 1.0 / std::sqrt(d); /* .ftz: a subnormal d is taken as 0 */
#endif
    const double t = d * r;
    const double e = fma(-t, r, 1.0);
    const double h = fma(e, 0.375, 0.5);
#if ER_SMALL_ROOT == 1
    if (SMALL && c > 0.0 && b < SMALL_ROOT * d) { /* δ = b/d: decided from d, off the chain through the estimate */
        const double r1 = fma(r * e, h, r); /* 1/sqrt(d), corrected as t is */
        const double br = b * r1;
        const double delta = br * r1;
        return fma(br, fma(delta, fma(delta, fma(5.0, delta, 2.0), 1.0), 1.0), -y);
    }
#endif
    const double half_t = 0.5 * t;
    const double plain = fma(half_t * e, h, half_t - fma(0.5, c, y));
#if ER_SMALL_ROOT == 2
    const double r1 = fma(r * e, h, r);
    const double br = b * r1;
    const double delta = br * r1;
    const double series = fma(br, fma(delta, fma(delta, fma(5.0, delta, 2.0), 1.0), 1.0), -y);
    return (c > 0.0 && b < SMALL_ROOT * d) ? series : plain;
#else
    return plain;
#endif
}

/* One CCD sweep over the active coordinates in index order. On entry and exit q = Cy − y is maintained. */
__device__ void ccd_sweep(const Problem& P) {
    const int na = P.na, T = blockDim.x, tid = threadIdx.x;
    const bool cached = na <= OWN * T;
    double row[OWN];
#pragma unroll
    for (int r = 0; r < OWN; r++) {
        const int j = tid + r * T;
        row[r] = (cached && j < na) ? P.C[j] : 0.0; /* row 0 */
    }
    for (int i = 0; i < na; i++) {
        const double c = P.q[i];
        const double yi = P.y[i];
        const double bi = P.b[i];
        double next[OWN];
        if (cached) {
            const double* cn = P.C + (int64_t)(i + 1 < na ? i + 1 : i) * na;
#pragma unroll
            for (int r = 0; r < OWN; r++) {
                const int j = tid + r * T;
                next[r] = j < na ? cn[j] : 0.0; /* issued before the root: hides the load latency */
            }
        }
        const double dy = ccd_step(c, bi, yi);
        const double ynew = yi + dy;
        if (cached) {
#pragma unroll
            for (int r = 0; r < OWN; r++) {
                const int j = tid + r * T;
                if (j < na && j != i) P.q[j] = fma(row[r], dy, P.q[j]);
                row[r] = next[r];
            }
        } else {
            const double* ci = P.C + (int64_t)i * na;
            for (int j = tid; j < na; j += T)
                if (j != i) P.q[j] = fma(ci[j], dy, P.q[j]);
        }
        if (tid == (i % T)) P.yw[i] = ynew;
        __syncthreads(); /* q[i+1] final before it is read */
    }
    for (int p = tid; p < na; p += T) P.y[p] = P.yw[p];
    __syncthreads();
}

constexpr int WARP_N = 128; /* largest n of the warp-per-problem path */
constexpr int WR = WARP_N / 32;

/* The warp path's packed triangle: C_pq (p ≤ q) at q(q+1)/2 + p, column by column, in FP16 or FP32, with zeros on
   the diagonal (q = Cy − y leaves the diagonal out, so the rank-1 update needs no j ≠ i test). Column q is
   contiguous: a warp reading column q (consecutive p) is conflict-free; reading row p (consecutive q, offsets
   q(q+1)/2 + p) it hits distinct banks up to 2-way at some starting q (triangular numbers mod 32 over 32
   consecutive q; in FP16 two entries share a 4-byte bank word). */
__host__ __device__ constexpr int64_t packed_floats(int64_t n) { return n * (n + 1) / 2; }

/* The warp path's dynamic shared memory: the reduction scratch, the triangle with its pad (entries of `entry`
   bytes), then, where it fits (plan_solve), the mixer's history; offsets in doubles. */
__host__ __device__ constexpr int64_t warp_mix_offset(int64_t n, int64_t entry) {
    return SCRATCH + ((packed_floats(n) + n + 1) * entry + 7) / 8;
}

/* Lane l's entries of a length-na vector on the warp path: p = l + 32r (r < R), zero past na. R, the entries per
   lane, is chosen by n (1 for n ≤ 32, 2 for n ≤ 64, else WR): every warp-path function takes it as a template
   parameter, so a small problem neither carries nor updates entries it cannot have. */
template <int R>
__device__ __forceinline__ void warp_gather(const double* v, int na, double (&out)[R]) {
#pragma unroll
    for (int r = 0; r < R; r++) {
        const int p = threadIdx.x + 32 * r;
        out[r] = p < na ? v[p] : 0.0;
    }
}

template <int R>
__device__ __forceinline__ void warp_scatter(const double (&v)[R], int na, double* out) {
#pragma unroll
    for (int r = 0; r < R; r++) {
        const int p = threadIdx.x + 32 * r;
        if (p < na) out[p] = v[r];
    }
}

/* The active set (assets with b_i > 0) in index order into idx, by one warp: each lane tests its entries
   i = lane + 32r, and a prefix count over the lanes places them (one thread walking the budgets waited on each
   load in turn). Returns na, the same in every lane. */
template <int R>
__device__ int warp_active_set(const double* bb, int n, int* idx) {
    const int lane = threadIdx.x;
    double v[R];
#pragma unroll
    for (int r = 0; r < R; r++) v[r] = lane + 32 * r < n ? bb[lane + 32 * r] : 0.0;
    int base = 0;
#pragma unroll
    for (int r = 0; r < R; r++) {
        const int flag = v[r] > 0.0 ? 1 : 0;
        const int incl = warp_inclusive_count(flag);
        if (flag) idx[base + incl - 1] = lane + 32 * r;
        base += __shfl_sync(0xffffffffu, incl, 31);
    }
    return base;
}

/* Fills the warp path's packed triangle from Σ and computes cv = C v exactly (the start point's product) from the
   same loads, so Σ is read once for both: column q holds C_pq = Σ_{i_p i_q}/(σ_p σ_q), p < q, and 0 at p = q. At
   each q the warp reads entries i_p of row i_q of Σ (Σ symmetric): a coalesced stretch when the active set is
   contiguous. The product is warp_exact_cv's arithmetic in its order (q ascending), so the two agree bit for bit. */
template <typename T, int R>
__device__ void warp_pack_triangle(const Problem& P, const double (&v)[R], double (&cv)[R]) {
    const int na = P.na, lane = threadIdx.x;
    T* Ct = static_cast<T*>(P.Cp);
    double inv[R], x[R], sg[R];
    int col[R];
#pragma unroll
    for (int r = 0; r < R; r++) {
        const int p = lane + 32 * r;
        sg[r] = p < na ? P.sig[p] : 1.0;
        inv[r] = p < na ? 1.0 / sg[r] : 0.0;
        col[r] = p < na ? P.idx[p] : 0;
        x[r] = v[r] / sg[r];
        cv[r] = 0.0;
    }
    /* four columns at a time (eight measured slower on an H200): every load first, then the sums and the stores
       (through a generic pointer the compiler cannot move a load of Σ above a store to the triangle, so column by
       column the loads went one at a time) */
#pragma unroll
    for (int rq = 0; rq < R; rq++) {
        const int lim = na - 32 * rq < 32 ? na - 32 * rq : 32;
        for (int l0 = 0; l0 < lim; l0 += 4) {
            double s[4][R], iv[4], xq[4];
#pragma unroll
            for (int u = 0; u < 4; u++) {
                const int l = l0 + u < lim ? l0 + u : 0;
                const int iq = __shfl_sync(0xffffffffu, col[rq], l);
                iv[u] = __shfl_sync(0xffffffffu, inv[rq], l);
                xq[u] = __shfl_sync(0xffffffffu, x[rq], l);
                const double* row = P.S + (int64_t)iq * P.n;
#pragma unroll
                for (int r = 0; r < R; r++) s[u][r] = row[col[r]];
            }
#pragma unroll
            for (int u = 0; u < 4; u++) {
                const int q = 32 * rq + l0 + u;
                if (l0 + u >= lim) break;
#pragma unroll
                for (int r = 0; r < R; r++) cv[r] = fma(s[u][r], xq[u], cv[r]);
                T* cq = Ct + q * (q + 1) / 2;
#pragma unroll
                for (int r = 0; r <= rq; r++) {
                    const int p = lane + 32 * r;
                    if (p <= q) cq[p] = narrow<T>(p < q ? s[u][r] * (inv[r] * iv[u]) : 0.0); /* 0 on the diagonal */
                }
            }
        }
    }
#pragma unroll
    for (int r = 0; r < R; r++) cv[r] /= sg[r]; /* (Cv)_p = (Σ_q Σ_{i_p i_q} v_q/σ_q)/σ_p */
    /* the pad: warp_sweep's prefetch after the last coordinate reads up to na + 1 entries past the triangle */
    for (int e = lane; e <= na; e += 32) Ct[packed_floats(na) + e] = narrow<T>(0.0);
}

/* C v exactly, on the warp path, from Σ in FP64, with v and the result in registers (lane l: p = l + 32r):
   (Cv)_p = (Σ_q Σ_{i_p i_q} v_q/σ_q)/σ_p, summed over q in order. At each q the warp reads entries i_p of row i_q
   of Σ (coalesced for a contiguous active set); the loads do not depend on the sums, so the unrolled loop keeps
   four rows' loads in flight (an H200 profile: waiting on these loads is nearly all this costs; eight, or a
   non-inlined call, made ptxas spill registers). */
template <int R>
__device__ void warp_exact_cv(const Problem& P, const double (&v)[R], double (&out)[R]) {
    const int na = P.na, lane = threadIdx.x;
    double x[R], sg[R];
    int col[R];
#pragma unroll
    for (int r = 0; r < R; r++) {
        const int p = lane + 32 * r;
        sg[r] = p < na ? P.sig[p] : 1.0;
        col[r] = p < na ? P.idx[p] : 0;
        x[r] = v[r] / sg[r];
        out[r] = 0.0;
    }
#pragma unroll
    for (int rq = 0; rq < R; rq++) {
        const int lim = na - 32 * rq < 32 ? na - 32 * rq : 32;
#pragma unroll 4
        for (int l = 0; l < lim; l++) {
            const int iq = __shfl_sync(0xffffffffu, col[rq], l);
            const double xq = __shfl_sync(0xffffffffu, x[rq], l);
            const double* row = P.S + (int64_t)iq * P.n;
#pragma unroll
            for (int r = 0; r < R; r++) out[r] = fma(row[col[r]], xq, out[r]);
        }
    }
#pragma unroll
    for (int r = 0; r < R; r++) out[r] /= sg[r];
}

/* out = C v exactly from and to memory (sym_matvec on the warp path). */
__device__ void warp_exact_matvec(const Problem& P, const double* v, double* out) {
    double vr[WR], o[WR];
    warp_gather(v, P.na, vr);
    warp_exact_cv(P, vr, o);
    warp_scatter(o, P.na, out);
}

/* Whether the next sweep may meet a coordinate whose root ccd_step must take from its series (δ = b/(c² + 4b) below
   SMALL_ROOT): checked at the sweep's start point with a 100-fold margin for how far c moves in one sweep. Only
   then does the warp run the sweep with that branch in its loop: on the H200 the branch alone, never taken, cost
   13% of the batch (4.3 → 4.9 ms), and the warp path's problems (n ≤ 128) meet such roots only with tiny budgets. */
template <int R>
__device__ __forceinline__ bool warp_small_roots(const double (&q)[R], const double (&b)[R], int na) {
    double flag = 0.0;
#pragma unroll
    for (int r = 0; r < R; r++) {
        const double c = q[r];
        if ((int)threadIdx.x + 32 * r < na && c > 0.0 && b[r] < 100.0 * SMALL_ROOT * fma(c, c, 4.0 * b[r])) flag = 1.0;
    }
    return warp_max(flag) != 0.0;
}

/* max_p |y_p (Cy)_p / yᵀCy − b_p| with Cy = q + y, from registers (residual(P, true) on the warp path). */
template <int R>
__device__ __forceinline__ double warp_residual(const double (&y)[R], const double (&q)[R], const double (&b)[R],
                                                int na) {
    double part = 0.0;
#pragma unroll
    for (int r = 0; r < R; r++)
        if ((int)threadIdx.x + 32 * r < na) part += y[r] * (q[r] + y[r]);
    const double inv_s = 1.0 / warp_sum(part); /* one division, not one per entry */
    double m = 0.0;
#pragma unroll
    for (int r = 0; r < R; r++)
        if ((int)threadIdx.x + 32 * r < na) m = nan_max(m, fabs(y[r] * (q[r] + y[r]) * inv_s - b[r]));
    return warp_max(m);
}

/* One CCD sweep on the warp path, C packed in shared memory (FP32 or FP16), y, q = Cy − y and b in registers. The
   owner of coordinate i computes its root from its own registers and hands the step dy to the warp by one shuffle;
   every lane then updates its entries of q from column i of C (the diagonal's zero leaves q_i alone). No barrier
   and no memory write. Each lane loads its entries of column i + 1 before step i's root, so the shared loads stay
   off the sequential chain: for the lane's r below the block of i + 1 they lie in column i + 1, above it in row
   i + 1, and only in that block does the lane's index decide.
   The updates are FP32 except on the chain: for the slot ri of the current block of 32 coordinates (the next
   owner's entry) q is updated in FP64, with C's entry widened and dy as shuffled; every other slot's change is
   summed in FP32 (dq, from C widened to FP32 and dy rounded to FP32) and added to the FP64 q when its block begins
   and at the sweep's end. A coordinate then costs the lanes two FP64 conversions and one FP64 FMA where FP64
   updates took four and four: on Hopper conversions to and from FP64 run at 1/8 and FP64 FMAs at 1/2 of FP32's
   rate, and every lane does them (the batch 10,000 × 100: H200 4.63 → 4.2–4.3 ms, H100 4.6 → 4.2). The rounding this adds, ~6e-8 of q's
   movement in a sweep, is far below FP16's 4.9e-4 of it, which the exact refreshes already remove (Refresh<T>),
   and of the FP32 triangle's own order. The root stays ccd_step's FP64 form: an FP32 form of the step (relative to
   y, with g = y² + cy − b carried from FP64) measured 15% slower, its three MUFU operations per coordinate against
   the FP64 root's one (RESULTS.md, "Seventh GPU session"). */
template <typename T, int R, bool SMALL>
__device__ __forceinline__ void warp_sweep(const Problem& P, double (&y)[R], double (&q)[R], const double (&b)[R]) {
    const int na = P.na, lane = threadIdx.x;
    const T* C = static_cast<const T*>(P.Cp);
    T cur[R];
    int tj[R]; /* offset of column j = lane + 32r, or of column 0 past na (a valid entry, never used) */
    float dq[R];
#pragma unroll
    for (int r = 0; r < R; r++) {
        const int j = lane + 32 * r;
        tj[r] = j < na ? j * (j + 1) / 2 : 0;
        cur[r] = C[tj[r]]; /* column 0: C_00 = 0, and C_0j is entry 0 of column j */
        dq[r] = 0.0f;
    }
    /* the next coordinate i1 (= na after the last one: the loads land in the pad) and this lane's offset in column
       i1, i1(i1 + 1)/2 + lane, both carried from step to step (one addition each, not a product) */
    int i1 = 1, c1 = 1 + lane;
#pragma unroll
    for (int ri = 0; ri < R; ri++) {
        const int lim = na - 32 * ri < 32 ? na - 32 * ri : 32;
        if (lim <= 0) break; /* uniform over the warp */
        q[ri] += (double)dq[ri]; /* this block's owners' slot: FP64 updates from here on */
        dq[ri] = 0.0f;
#pragma unroll 2
        for (int l = 0; l < lim; l++) {
            T nxt[R];
#pragma unroll
            for (int r = 0; r < R; r++) {
                /* j ≤ i1 reads column i1 at t1 + j, j > i1 row i1 in column j at tj + i1 */
                const bool in_col = r < ri || (r == ri && lane <= l + 1);
                nxt[r] = C[in_col ? c1 + 32 * r : tj[r] + i1];
            }
            /* the owner's step; every lane computes one (SIMT), lane l's is taken */
            const double own = ccd_step<SMALL>(q[ri], b[ri], y[ri]);
            const double dy = __shfl_sync(0xffffffffu, own, l);
            const float dyf = (float)dy;
#pragma unroll
            for (int r = 0; r < R; r++) {
                if (r == ri) q[r] = fma((double)widen_f(cur[r]), dy, q[r]); /* the next owner's: on the chain */
                else dq[r] = fmaf(widen_f(cur[r]), dyf, dq[r]);
                cur[r] = nxt[r];
            }
            if (lane == l) y[ri] += own;
            i1++;
            c1 += i1;
        }
    }
#pragma unroll
    for (int r = 0; r < R; r++) q[r] += (double)dq[r];
}

/* Damped Newton on f(y) = ½yᵀCy − Σb ln y from the current y. Returns steps taken; *ok = 0 when it stopped
   without reaching tol/2 (cap, failed Cholesky, no positive step, or with STALL NEWTON_STALL_STEPS full steps
   that did not halve the best residual: it stops at its last point, where the Java engine goes back to its best,
   both at what double precision shows). *chol_failed = 1 on a failed factorisation. The warp path's CCD stage
   takes STALL = false, so that its instances, the batch's measured kernels, keep their code (their .text sections in
   an sm_90 cubin are byte-identical to before the rule). */
template <bool STALL = true>
__device__ int newton(const Problem& P, double tol, int cap, int* ok, int* chol_failed) {
    const int na = P.na, T = blockDim.x, tid = threadIdx.x;
    int steps = 0;
    bool polishing = false; /* the step after reaching tol/2, kept only if it lowers the residual */
    double before = 0.0;
    double best = INFINITY; /* STALL: the best residual so far, full steps since it last halved, the last step's t */
    int stale = 0;
    bool full = false;
    *ok = 0;
    *chol_failed = 0;
    for (;;) {
        __syncthreads();
        compensated_cy(P); /* q = Cy, to twice the precision's rounding */
        __syncthreads();
        const double r = residual(P, false);
        if (polishing) {
            if (!(r < before)) { /* undone: the point before it is in d, exactly */
                for (int p = tid; p < na; p += T) P.y[p] = P.d[p];
                steps--;
                __syncthreads();
                compensated_cy(P);
                __syncthreads();
            }
            *ok = 1;
            return steps;
        }
        if (r <= 0.5 * tol) {
            /* one polishing step, as the Java engine's DampedNewton.run takes: Newton converges quadratically, so
               it buys the digits that a tiny budget's weight needs (without it, a budget of 4e-8 kept its weight to
               ~1e-5 relative: residual 4e-13 against the Java engine's 8e-17) */
            if (r <= 1e-15 || steps >= cap) {
                *ok = 1;
                return steps;
            }
            polishing = true;
            before = r;
        } else if (steps >= cap || !(r == r)) {
            return steps;
        } else if constexpr (STALL) { /* r, and so the branch, is the same in every thread */
            stale = full && !(r < 0.5 * best) ? stale + 1 : 0;
            best = fmin(best, r);
            if (stale >= NEWTON_STALL_STEPS) return steps;
        }
        for (int p = tid; p < na; p += T) P.g[p] = P.q[p] - P.b[p] / P.y[p];
        /* H's upper triangle (all that the factorisation and the solves read), row by row with the threads along
           the row (coalesced); a flat index split by 64-bit division cost more than the arithmetic (a one-warp
           factorisation at n = 100 ran ~10⁷ instructions) */
        for (int p = 0; p < na; p++) {
            double* up = P.U + (int64_t)p * na;
            for (int qq = p + tid; qq < na; qq += T) up[qq] = c_at(P, p, qq) + (p == qq ? P.b[p] / (P.y[p] * P.y[p]) : 0.0);
        }
        __syncthreads();
        /* H = UᵀU, U upper; row k of U overwrites row k of H (diagonal kept in P.diag) */
        for (int k = 0; k < na; k++) {
            const double piv = P.U[(int64_t)k * na + k];
            if (!(piv > 0.0) || !isfinite(piv)) {
                if (polishing) { /* y and q are still the converged point's */
                    *ok = 1;
                    return steps;
                }
                *chol_failed = 1; /* every thread read the same pivot: the whole block leaves */
                return steps;
            }
            const double ukk = sqrt(piv);
            double* rowk = P.U + (int64_t)k * na;
            for (int j = k + 1 + tid; j < na; j += T) rowk[j] /= ukk;
            if (tid == 0) P.diag[k] = ukk;
            __syncthreads();
            /* the trailing update of the upper triangle, NEWTON_ROWS rows at a time with the threads along the rows:
               every load of a group before its stores, so they are in flight together (row after row, each waited
               for the one before: U is in global memory, and the compiler cannot move a load above a store that
               may alias it) */
            for (int a0 = k + 1; a0 < na; a0 += NEWTON_ROWS) {
                double ra[NEWTON_ROWS];
#pragma unroll
                for (int u = 0; u < NEWTON_ROWS; u++) ra[u] = a0 + u < na ? rowk[a0 + u] : 0.0;
                for (int c = a0 + tid; c < na; c += T) {
                    const double rc = rowk[c];
                    double v[NEWTON_ROWS];
#pragma unroll
                    for (int u = 0; u < NEWTON_ROWS; u++)
                        v[u] = c >= a0 + u ? P.U[(int64_t)(a0 + u) * na + c] : 0.0; /* c < na, so a0 + u < na */
#pragma unroll
                    for (int u = 0; u < NEWTON_ROWS; u++)
                        if (c >= a0 + u) P.U[(int64_t)(a0 + u) * na + c] = v[u] - ra[u] * rc;
                }
            }
            __syncthreads();
        }
        /* Uᵀz = g (forward, by rows of U); z in yw, g consumed in d */
        for (int p = tid; p < na; p += T) P.d[p] = P.g[p];
        __syncthreads();
        for (int k = 0; k < na; k++) {
            const double zk = P.d[k] / P.diag[k];
            const double* rowk = P.U + (int64_t)k * na;
            for (int j = k + 1 + tid; j < na; j += T) P.d[j] -= rowk[j] * zk;
            if (tid == 0) P.yw[k] = zk;
            __syncthreads();
        }
        /* U d = z (backward, by columns of U) */
        for (int k = na - 1; k >= 0; k--) {
            const double dk = P.yw[k] / P.diag[k];
            for (int i = tid; i < k; i += T) P.yw[i] -= P.U[(int64_t)i * na + k] * dk;
            if (tid == 0) P.d[k] = dk;
            __syncthreads();
        }
        double part = 0.0;
        for (int p = tid; p < na; p += T) part += P.g[p] * P.d[p];
        const double gd = block_sum(part, P.scratch);
        const double lambda = sqrt(gd > 0.0 ? gd : 0.0);
        double t = lambda > 0.25 ? 1.0 / (1.0 + lambda) : 1.0;
        for (int h = 0;; h++) {
            double bad = 0.0;
            for (int p = tid; p < na; p += T)
                if (!(P.y[p] - t * P.d[p] > 0.0)) bad = 1.0;
            if (block_max(bad, P.scratch) == 0.0) break;
            if (h == 200) { /* no step keeps y positive */
                *ok = polishing ? 1 : 0;
                return steps;
            }
            t *= 0.5;
        }
        full = t == 1.0;
        for (int p = tid; p < na; p += T) { /* d keeps the point before the step (a polishing step may be undone) */
            const double before_p = P.y[p];
            P.y[p] = before_p - t * P.d[p];
            P.d[p] = before_p;
        }
        steps++;
    }
}

/* ---- Anderson mixing of the sweeps ----
   Type-II Anderson acceleration (Walker & Ni 2011) of the fixed-point map "one CCD sweep", as the Java engine's
   AndersonMixing does it: the new point is the sweep output minus Σ_p γ_p Δg_p, with γ minimising
   ||W(f − ΔF γ)||₂ (f = sweep output − sweep input, W = diag(1/y): small and large weights count alike), depth
   MIX_DEPTH. The point is an affine combination of sweep outputs, so q = Cy − y (linear in y) is mixed with the
   same γ and stays exact up to rounding: mixing needs no pass over C. A step that moves any y_p by more than a
   factor e from the plain sweep (which also keeps y positive), or a singular fit, is refused and the history
   restarts. A mix is a few vector passes against a sweep's n sequential coordinates, and on gpu-check's 33-factor
   problems it cuts the sweeps from 29.5 to 19.8 (emulated; the H200 counted 19.9). Every thread works on
   the entries p ≡ tid (mod T) — the entries the sweeps' own loops give it — so no barrier is needed between the
   sweep's last write and the mix, except through memory written by other threads. */
constexpr int MIX_DEPTH = 5;
/* the sums of a depth-D fit: the Gram matrix's triangle and the right-hand side */
__host__ __device__ constexpr int mix_terms(int D) { return D * (D + 1) / 2 + D; }
constexpr int MIX_TERMS = mix_terms(MIX_DEPTH);
constexpr int MIX_MAX_WARPS = MAX_THREADS / 32;

/* Doubles of the mixer's history in the workspace (dg, df, dq of each depth; the previous g, f, q; the reduction
   buffer). */
__host__ __device__ constexpr int64_t mix_doubles(int64_t n) {
    return (3 * MIX_DEPTH + 3) * n + MIX_MAX_WARPS * MIX_TERMS;
}

struct Mixer {
    double* dg; /* MIX_DEPTH × na, ring buffer */
    double* df;
    double* dq;
    double* pg; /* the previous sweep's output, its f, its q */
    double* pf;
    double* pq;
    double* buf; /* cross-warp partial sums */
    int stored;
    int next;
    bool have;
};

__device__ Mixer mixer_at(double* region, int na) {
    Mixer M;
    M.dg = region;
    M.df = M.dg + MIX_DEPTH * na;
    M.dq = M.df + MIX_DEPTH * na;
    M.pg = M.dq + MIX_DEPTH * na;
    M.pf = M.pg + na;
    M.pq = M.pf + na;
    M.buf = M.pq + na;
    M.stored = 0;
    M.next = 0;
    M.have = false;
    return M;
}

/* One entry's terms of a depth-D fit's normal equations: a_uv += wΔf_u·wΔf_v (u ≥ v, the Gram matrix's lower
   triangle by rows), then rhs_u += wΔf_u·wf, in the layout mix_coefficients reads. */
template <int D>
__device__ __forceinline__ void add_fit_terms(const double (&wdf)[D], double wf, double (&sums)[mix_terms(D)]) {
    int k = 0;
#pragma unroll
    for (int u = 0; u < D; u++)
#pragma unroll
        for (int v = 0; v <= u; v++) sums[k++] += wdf[u] * wdf[v];
#pragma unroll
    for (int u = 0; u < D; u++) sums[D * (D + 1) / 2 + u] += wdf[u] * wf;
}

/* Sums K values over the block at once: the K shuffle trees interleave (independent chains), then one exchange of
   the warps' partials through buf (nw × K doubles) when there is more than one warp. Every thread gets the sums,
   added in the same order everywhere. */
template <int K>
__device__ void block_sum_many(double (&v)[K], double* buf) {
#pragma unroll
    for (int o = 16; o > 0; o >>= 1)
#pragma unroll
        for (int k = 0; k < K; k++) v[k] += __shfl_xor_sync(0xffffffffu, v[k], o);
    const int nw = blockDim.x / 32;
    if (nw == 1) return;
    __syncthreads(); /* buf is free */
    if ((threadIdx.x & 31) == 0)
        for (int k = 0; k < K; k++) buf[(threadIdx.x / 32) * K + k] = v[k];
    __syncthreads();
    for (int k = 0; k < K; k++) {
        double t = 0.0;
        for (int w = 0; w < nw; w++) t += buf[w * K + k];
        v[k] = t;
    }
}

/* γ from the sums of the normal equations (every thread holds the same numbers, so takes the same branches);
   false for a singular fit. Not inlined: inside warp_ccd, with the sweep state live, ptxas spilled ~370 bytes
   around it; as a call the arrays go through the stack once per sweep and nothing else spills. */
template <int D>
__device__ __noinline__ bool mix_coefficients(const double (&sums)[mix_terms(D)], int m, double (&gam)[D]) {
    /* Cholesky of the m × m system (every thread the same numbers), regularised like the Java engine's */
    double a[D][D], inv[D];
    double scale = 0.0;
    {
        int k = 0;
#pragma unroll
        for (int u = 0; u < D; u++)
#pragma unroll
            for (int v = 0; v <= u; v++) {
                a[u][v] = sums[k++];
                if (u == v && u < m) scale = fmax(scale, a[u][u]);
            }
    }
    bool ok = scale > 0.0 && isfinite(scale);
#pragma unroll
    for (int j = 0; j < D; j++) {
        if (j >= m || !ok) break;
        double d = a[j][j] + 1e-12 * scale;
#pragma unroll
        for (int t = 0; t < D; t++)
            if (t < j) d -= a[j][t] * a[j][t];
        if (!(d > 0.0)) {
            ok = false;
            break;
        }
        a[j][j] = sqrt(d);
        inv[j] = 1.0 / a[j][j]; /* one division per column, not one per entry: divisions are long on a GPU */
#pragma unroll
        for (int i = 0; i < D; i++) {
            if (i <= j || i >= m) continue;
            double t = a[i][j];
#pragma unroll
            for (int c = 0; c < D; c++)
                if (c < j) t -= a[i][c] * a[j][c];
            a[i][j] = t * inv[j];
        }
    }
    if (ok) {
#pragma unroll
        for (int i = 0; i < D; i++) {
            if (i >= m) break;
            double t = sums[D * (D + 1) / 2 + i];
#pragma unroll
            for (int c = 0; c < D; c++)
                if (c < i) t -= a[i][c] * gam[c];
            gam[i] = t * inv[i];
        }
#pragma unroll
        for (int i = D - 1; i >= 0; i--) {
            if (i >= m) continue;
            double t = gam[i];
#pragma unroll
            for (int c = 0; c < D; c++)
                if (c > i && c < m) t -= a[c][i] * gam[c];
            gam[i] = t * inv[i];
        }
    }
    return ok;
}

/* One mixing step after a sweep from `before` (P.d) to P.y, with P.q = Cy − y at P.y. Replaces y and q by the
   accelerated point and returns true, or leaves them and returns false. Followed by a barrier at the caller. */
__device__ bool anderson_mix(const Problem& P, Mixer& M) {
    const int na = P.na, T = blockDim.x, tid = threadIdx.x;
    if (M.have) {
        const int slot = M.next;
        for (int p = tid; p < na; p += T) {
            const double g = P.y[p], f = g - P.d[p];
            M.dg[slot * na + p] = g - M.pg[p];
            M.df[slot * na + p] = f - M.pf[p];
            M.dq[slot * na + p] = P.q[p] - M.pq[p];
        }
        M.next = (M.next + 1) % MIX_DEPTH;
        M.stored = M.stored + 1 < MIX_DEPTH ? M.stored + 1 : MIX_DEPTH;
    }
    for (int p = tid; p < na; p += T) {
        M.pg[p] = P.y[p];
        M.pf[p] = P.y[p] - P.d[p];
        M.pq[p] = P.q[p];
    }
    M.have = true;
    const int m = M.stored;
    if (m == 0) return false;
    /* normal equations of the weighted fit: a_uv = Σ w² Δf_u Δf_v (u ≥ v), rhs_u = Σ w² Δf_u f */
    double sums[MIX_TERMS];
#pragma unroll
    for (int k = 0; k < MIX_TERMS; k++) sums[k] = 0.0;
    for (int p = tid; p < na; p += T) {
        const double w = 1.0 / P.y[p];
        double wdf[MIX_DEPTH];
#pragma unroll
        for (int u = 0; u < MIX_DEPTH; u++) wdf[u] = u < m ? w * M.df[u * na + p] : 0.0;
        add_fit_terms<MIX_DEPTH>(wdf, w * M.pf[p], sums);
    }
    block_sum_many(sums, M.buf);
    double gam[MIX_DEPTH];
    const bool ok = mix_coefficients<MIX_DEPTH>(sums, m, gam);
    /* the accelerated point, checked against the plain one before anything is written */
    constexpr double E = 2.718281828459045;
    double bad = ok ? 0.0 : 1.0;
    if (ok) {
        for (int p = tid; p < na; p += T) {
            double z = P.y[p];
            for (int u = 0; u < m; u++) z -= gam[u] * M.dg[u * na + p];
            const double y = P.y[p];
            if (!(z > y * (1.0 / E) && z < y * E)) bad = 1.0;
        }
    }
    if (block_max(bad, P.scratch) != 0.0) {
        M.stored = 0;
        M.next = 0;
        return false;
    }
    for (int p = tid; p < na; p += T) {
        double z = P.y[p], q = P.q[p];
        for (int u = 0; u < m; u++) {
            z -= gam[u] * M.dg[u * na + p];
            q -= gam[u] * M.dq[u * na + p];
        }
        P.y[p] = z;
        P.q[p] = q;
    }
    return true;
}

/* What the CCD loop hands to the rest of the solve. */
struct CcdOutcome {
    int sweeps;
    bool to_newton; /* AUTO hands over to Newton */
    bool q_exact;   /* converged: q = Cy − y exactly at y */
};

/* The stall rule (AUTO): the rate over the last five sweeps, rate = (r_k / r_{k−5})^(1/5), is no contraction or
   predicts more than 2 na + 50 further sweeps to tol/2. Logarithms of the ratio rather than pow: the same test. */
__device__ __forceinline__ bool stalled(double r, double r5, double tol, int na) {
    const double ratio = r / r5;
    return !(ratio < 1.0) || log(tol / (2.0 * r)) / (0.2 * log(ratio)) > 2.0 * na + 50.0;
}

/* CCD from P.y with P.q = Cy − y exact (step d./e. of the solve), on the block path: a barrier per coordinate,
   the vectors in shared memory or the workspace. */
__device__ CcdOutcome block_ccd(const Problem& P, double tol, int max_iter, int solver) {
    const int na = P.na, T = blockDim.x, tid = threadIdx.x;
    CcdOutcome out{0, false, false};
    double hist[6]; /* r_k for the last six k; r_0 is the residual of the starting point */
    hist[0] = residual(P, true);
    Mixer mixer = mixer_at(P.U, na); /* U is Newton's, free until CCD ends */
    int stall_from = 0;
    for (;;) {
        for (int p = tid; p < na; p += T) P.d[p] = P.y[p]; /* the sweep's input, for the mixer */
        ccd_sweep(P);
        double r = residual(P, true);
        out.sweeps++;
        /* the exact q = Cy − y replaces the maintained one when the sweeps' residual says converged */
        if (r <= 0.5 * tol) {
            exact_offdiag(P);
            r = residual(P, true);
            if (r <= 0.5 * tol) {
                out.q_exact = true;
                return out;
            }
            /* q jumped: the stall rule measures its rate afresh, and the mixer's history restarts (its q
               differences assume q linear in y; kept across the jump they leave a floor near tol) */
            stall_from = out.sweeps;
            mixer.stored = 0;
            mixer.next = 0;
            mixer.have = false;
        }
        hist[out.sweeps % 6] = r;
        if (!isfinite(r) || out.sweeps >= max_iter) {
            out.to_newton = solver != 1; /* CCD alone stops there, unconverged */
            return out;
        }
        if (solver != 1 && out.sweeps - stall_from >= 5 && stalled(r, hist[(out.sweeps - 5) % 6], tol, na)) {
            out.to_newton = true;
            return out;
        }
        anderson_mix(P, mixer);
        __syncthreads(); /* the mixed y and q, written by their owners, before the next sweep reads them */
    }
}

/* ---- the warp path's CCD loop ----
   The same loop as the block path's (sweeps, the exact refreshes, the stall rule, Anderson mixing), with y, q and b
   and the mixer's previous point in registers, so that only the mixer's history (3 × WARP_MIX_DEPTH vectors, in
   shared memory or the workspace: plan_solve) is read and written between sweeps: on an H200 the memory-resident
   version spent as long mixing as sweeping. */

/* The warp path mixes at depth 3, not 5: gpu-check's problems (240 of them, emulated) take 21.2 sweeps instead of
   19.9, but a mix reads 3 × 3 history values per entry instead of 3 × 5, all of them at once (at depth 5 that
   spilled registers), sums 9 terms instead of 20, and is half the code (an H200 profile showed the depth-5 mix at
   a quarter of the solve's warp time: waiting on those loads, and on instruction fetch). */
constexpr int WARP_MIX_DEPTH = 3;
/* An experiment's switch, not a setting: built with -DER_WARP_MIXING=0 the warp path sweeps without mixing (30.2
   sweeps instead of 22.8 on gpu-check's problems, counted by tools/sweep_variants.cpp, but no mixes and fewer live
   registers), and -DER_WARP_REGS_FP16=N caps its FP16 instance at N registers; tools/compare_libs.cpp times such a
   build against the default on a GPU (benchmarks/RESULTS.md, "Sweep count levers"). */
#ifndef ER_WARP_MIXING
#define ER_WARP_MIXING 1
#endif

template <int R>
struct WarpMixer {
    double pg[R], pf[R], pq[R]; /* the previous sweep's output, its f = output − input, its q */
    double* dg;                    /* WARP_MIX_DEPTH × na ring buffers in the workspace */
    double* df;
    double* dq;
    int stored;
    int next;
    bool have;
};

/* anderson_mix on registers: one mixing step after a sweep from d to y (q = Cy − y at y); replaces y and q by the
   accelerated point, or leaves them. Each pass's history loads go out together, for every entry at once (Δf for the
   fit; Δg and Δq for the new point): waiting on global memory is most of what a mix costs. */
template <int R>
__device__ void warp_mix(WarpMixer<R>& M, int na, double (&y)[R], double (&q)[R], const double (&d)[R]) {
    const int lane = threadIdx.x;
    double f[R];
#pragma unroll
    for (int r = 0; r < R; r++) f[r] = y[r] - d[r];
    if (M.have) {
        const int slot = M.next;
#pragma unroll
        for (int r = 0; r < R; r++) {
            const int p = lane + 32 * r;
            if (p < na) {
                M.dg[slot * na + p] = y[r] - M.pg[r];
                M.df[slot * na + p] = f[r] - M.pf[r];
                M.dq[slot * na + p] = q[r] - M.pq[r];
            }
        }
        M.next = (M.next + 1) % WARP_MIX_DEPTH;
        M.stored = M.stored + 1 < WARP_MIX_DEPTH ? M.stored + 1 : WARP_MIX_DEPTH;
    }
#pragma unroll
    for (int r = 0; r < R; r++) {
        M.pg[r] = y[r];
        M.pf[r] = f[r];
        M.pq[r] = q[r];
    }
    M.have = true;
    const int m = M.stored;
    if (m == 0) return;
    /* normal equations of the weighted fit: a_uv = Σ w² Δf_u Δf_v (u ≥ v), rhs_u = Σ w² Δf_u f, w = 1/y */
    double sums[mix_terms(WARP_MIX_DEPTH)];
#pragma unroll
    for (int k = 0; k < mix_terms(WARP_MIX_DEPTH); k++) sums[k] = 0.0;
    double hf[R][WARP_MIX_DEPTH]; /* Δf: every entry's loads at once */
#pragma unroll
    for (int r = 0; r < R; r++)
#pragma unroll
        for (int u = 0; u < WARP_MIX_DEPTH; u++) {
            const int p = lane + 32 * r;
            hf[r][u] = (u < m && p < na) ? M.df[u * na + p] : 0.0;
        }
#pragma unroll
    for (int r = 0; r < R; r++) {
        if (lane + 32 * r >= na) continue;
        const double w = 1.0 / y[r];
        double wdf[WARP_MIX_DEPTH];
#pragma unroll
        for (int u = 0; u < WARP_MIX_DEPTH; u++) wdf[u] = hf[r][u] * w;
        add_fit_terms<WARP_MIX_DEPTH>(wdf, w * f[r], sums);
    }
    block_sum_many(sums, nullptr); /* one warp: shuffles only */
    double gam[WARP_MIX_DEPTH];
    if (!mix_coefficients<WARP_MIX_DEPTH>(sums, m, gam)) {
        M.stored = 0;
        M.next = 0;
        return;
    }
    /* the accelerated point, checked against the plain one before it replaces it */
    constexpr double E = 2.718281828459045;
    double hg[R][WARP_MIX_DEPTH], hq[R][WARP_MIX_DEPTH];
#pragma unroll
    for (int r = 0; r < R; r++)
#pragma unroll
        for (int u = 0; u < WARP_MIX_DEPTH; u++) {
            const int p = lane + 32 * r;
            hg[r][u] = (u < m && p < na) ? M.dg[u * na + p] : 0.0;
            hq[r][u] = (u < m && p < na) ? M.dq[u * na + p] : 0.0;
        }
    double z[R], qz[R], bad = 0.0;
#pragma unroll
    for (int r = 0; r < R; r++) {
        z[r] = y[r];
        qz[r] = q[r];
#pragma unroll
        for (int u = 0; u < WARP_MIX_DEPTH; u++)
            if (u < m) {
                z[r] -= gam[u] * hg[r][u];
                qz[r] -= gam[u] * hq[r][u];
            }
        if (lane + 32 * r < na && !(z[r] > y[r] * (1.0 / E) && z[r] < y[r] * E)) bad = 1.0;
    }
    if (warp_max(bad) != 0.0) {
        M.stored = 0;
        M.next = 0;
        return;
    }
#pragma unroll
    for (int r = 0; r < R; r++) {
        y[r] = z[r];
        q[r] = qz[r];
    }
}

/* How often the warp path replaces the maintained q by the exact one. The sweeps update q with C rounded to T, so
   between refreshes q drifts from the exact value by (C − C_T)·(y's movement since the last refresh): with FP32
   (rounding ≤ 6e-8 relative) one early refresh, when the residual first falls below sqrt(tol), leaves a drift far
   below tol (the movement left is ≲ sqrt(tol), ×6e-8). FP16 rounds at ≤ 4.9e-4 relative, so its drift is ~1e-3 of
   the movement: it refreshes each time the residual has fallen 1e3-fold since the last exact one (from ~0.1 at
   the start: ~1e-4, ~1e-7, then the final check), like iterative refinement. */
template <typename T>
struct Refresh {
    static constexpr bool GEOMETRIC = sizeof(T) < sizeof(float);
    static constexpr double RATIO = 1e-3;
    /* the residual at which to refresh next, given the last exact one (res0: the start's) */
    __device__ static double first(double res0, double tol) { return GEOMETRIC ? res0 * RATIO : sqrt(tol); }
    __device__ static double after(double exact) { return GEOMETRIC ? exact * RATIO : -1.0; /* FP32: once */ }
};

/* CCD from P.y with P.q = Cy − y exact (step d./e. of the solve), on the warp path; leaves y and q in P. */
template <typename T, int R>
__device__ CcdOutcome warp_ccd(const Problem& P, double tol, int max_iter, int solver) {
    const int na = P.na;
    double y[R], q[R], b[R];
    warp_gather(P.y, na, y);
    warp_gather(P.q, na, q);
    warp_gather(P.b, na, b);
    WarpMixer<R> M;
    M.dg = P.mix;
    M.df = M.dg + WARP_MIX_DEPTH * na;
    M.dq = M.df + WARP_MIX_DEPTH * na;
    M.stored = 0;
    M.next = 0;
    M.have = false;
    /* r_k at k mod 7 in shared memory (registers are short here: one more spilled the FP16 instance), written by
       lane 0 and read after a __syncwarp: seven slots, not six, so that the slot read at k is rewritten only after
       the next sweep's __syncwarp (written by every lane and read with no barrier, racecheck found a race) */
    double* hist = P.scratch;
    const double res0 = warp_residual(y, q, b, na);
    if (threadIdx.x == 0) hist[0] = res0;
    bool small_roots = warp_small_roots(q, b, na);
    CcdOutcome out{0, false, false};
    int stall_from = 0;
    double last_exact = res0;
    double refresh_at = Refresh<T>::first(res0, tol);
    double fetched_for = -1.0; /* the refresh level Σ was last prefetched for */
    const int64_t s_bytes = (int64_t)P.n * P.n * (int64_t)sizeof(double);
    for (;;) {
        double d[R];
#pragma unroll
        for (int r = 0; r < R; r++) d[r] = y[r];
        if (small_roots) warp_sweep<T, R, true>(P, y, q, b);
        else warp_sweep<T, R, false>(P, y, q, b);
        double res = warp_residual(y, q, b, na);
        small_roots = warp_small_roots(q, b, na);
        out.sweeps++;
        /* the exact q replaces the maintained one as on the block path (see there), and at the levels of
           Refresh<T>: the sweeps then converge to the exact problem's solution */
        const bool check = res <= 0.5 * tol;
        if (check || res <= refresh_at) {
            double cy[R];
            warp_exact_cv(P, y, cy);
#pragma unroll
            for (int r = 0; r < R; r++) q[r] = cy[r] - y[r];
            res = warp_residual(y, q, b, na);
            if (check && res <= 0.5 * tol) {
                out.q_exact = true;
                break;
            }
            /* FP16: a refresh that gained less than 4× on the last means the rounded C leads the sweeps away
               (an ill-conditioned C); under AUTO, Newton (on Σ in FP64) takes over as the stall rule would */
            if (Refresh<T>::GEOMETRIC && solver != 1 && res > 0.25 * last_exact) {
                out.to_newton = true;
                break;
            }
            last_exact = res;
            refresh_at = Refresh<T>::after(res);
            stall_from = out.sweeps;
            M.stored = 0;
            M.next = 0;
            M.have = false;
        }
        /* about two sweeps before the next exact product, Σ goes to L2 (it was read from memory at the start and
           has long left L2 since); before the final check also the block's next problem's Σ, for its packing */
        const double level = refresh_at > 0.5 * tol ? refresh_at : 0.5 * tol;
        if (res <= 10.0 * level && fetched_for != level) {
            fetched_for = level;
            prefetch_l2(P.S, s_bytes);
            if (level == 0.5 * tol && P.S_next != nullptr) prefetch_l2(P.S_next, s_bytes);
        }
        if (threadIdx.x == 0) hist[out.sweeps % 7] = res;
        __syncwarp();
        if (!isfinite(res) || out.sweeps >= max_iter) {
            out.to_newton = solver != 1;
            break;
        }
        if (solver != 1 && out.sweeps - stall_from >= 5 && stalled(res, hist[(out.sweeps - 5) % 7], tol, na)) {
            out.to_newton = true;
            break;
        }
#if ER_WARP_MIXING
        warp_mix(M, na, y, q, d);
#else
        (void)d;
#endif
    }
    warp_scatter(y, na, P.y);
    warp_scatter(q, na, P.q);
    __syncwarp();
    return out;
}

/* ---- the warp path's truncated Newton ----
   Where CCD stalls (ill-conditioned C: the rolling windows' 252-day sample covariances need ~460 plain sweeps),
   AUTO hands the problem to Newton. A Newton step through the Cholesky factorisation of H = C + diag(b/y²) costs
   one warp ~n³/3 FMAs on H in global memory: ~3 M cycles at n = 100 on an H200 (from the rolling windows' 45 ms,
   ~4 such steps each), the time of ~100 CCD sweeps. Here the step's system H p = −g is solved instead by conjugate gradients, preconditioned
   by H's diagonal, to a relative residual NCG_FORCING: each iteration is one product with C from the packed triangle
   already in shared memory (the sweep's loads, with no root and no sequential chain) plus two warp sums. The
   gradient g = Cy − b/y is exact (Σ in FP64, warp_exact_cv), so the iteration converges to the FP64 problem's
   solution, whatever the triangle's rounding does to the direction. Counted on the CPU (tools/newton_cg_model.cpp,
   100 assets, from the inverse-volatility start, FP16 triangle): 7.4 Newton steps and 49 CG iterations on gpu-check's
   problems, 7.5 and 107 on the 252-day windows, 10.0 and 257 on a 4-decade correlation spectrum, as many as with
   FP64 products; from where CCD hands over, 6.5 and 135 on the windows with the polish (emulated). Beyond that (8
   decades) CG needs thousands: a problem that spends its CG budget, takes a step that does not lower f, or stops
   gaining, goes on to the Cholesky Newton from the point reached. */
constexpr double NCG_FORCING = 1e-2;  /* CG stops at ||r||_M⁻¹ ≤ η ||g||_M⁻¹ */
constexpr int NCG_MAX_STEPS = 40;
constexpr int NCG_CG_PER_ASSET = 6;   /* CG iterations per problem, all steps together: ≤ 6 na */
constexpr int NCG_STALL_STEPS = 3;    /* steps without halving the best residual before the Cholesky Newton */
/* The polish after reaching tol/2 (see warp_newton_cg): at most three steps, CG to a relative residual of 1e-4. */
constexpr int NCG_POLISH_STEPS = 3;
constexpr double NCG_POLISH_FORCING = 1e-4;

/* out = (C + I) x from the packed triangle (unit diagonal: the triangle holds 0 there), summed in FP32 per entry.
   Lane l's entries p = l + 32r read row i of C as warp_sweep does (column i above the diagonal, row i of column p
   below it); every x_i comes by shuffle from its owner. */
template <typename T, int R>
__device__ __forceinline__ void warp_tri_matvec(const Problem& P, const double (&x)[R], double (&out)[R]) {
    const int na = P.na, lane = threadIdx.x;
    const T* C = static_cast<const T*>(P.Cp);
    int tj[R];
    float acc[R];
#pragma unroll
    for (int r = 0; r < R; r++) {
        const int j = lane + 32 * r;
        tj[r] = j < na ? j * (j + 1) / 2 : 0; /* past na: column 0's offset, a valid entry never used */
        acc[r] = 0.0f;
    }
    int ti = 0; /* offset of column i */
#pragma unroll
    for (int ri = 0; ri < R; ri++) {
        const int lim = na - 32 * ri < 32 ? na - 32 * ri : 32;
        if (lim <= 0) break; /* uniform over the warp */
#pragma unroll 4
        for (int l = 0; l < lim; l++) {
            const int i = 32 * ri + l;
            const float xi = __shfl_sync(0xffffffffu, (float)x[ri], l); /* one 32-bit shuffle, not two */
#pragma unroll
            for (int r = 0; r < R; r++) {
                /* j ≤ i reads column i at ti + j, j > i row i in column j at tj + i. r and ri are known at compile
                   time, so only the block of i (r = ri) tests the lane (warp_sweep's rule): elsewhere the address is
                   one addition. A test and a select on every entry had made this loop issue-bound (Nsight Compute on
                   an H200: 72% of the Newton stage's warp time on scenarios, ~7 instructions an entry, 4 of them
                   addressing); without them, the same sums: 10,000 scenarios' solve 30.7 → 22.8 ms, windows' 14.6 →
                   12.4 ms (RESULTS.md, "Ninth GPU session") */
                const bool in_col = r < ri || (r == ri && lane <= l);
                acc[r] = fmaf(widen_f(C[in_col ? ti + lane + 32 * r : tj[r] + i]), xi, acc[r]);
            }
            ti += i + 1;
        }
    }
#pragma unroll
    for (int r = 0; r < R; r++) out[r] = lane + 32 * r < na ? x[r] + (double)acc[r] : 0.0;
}

/* f(y) = ½ yᵀCy − Σ b ln y from y and Cy (lanes' entries past na hold y = 0 and are skipped). */
template <int R>
__device__ __forceinline__ double warp_objective(const double (&y)[R], const double (&cy)[R], const double (&b)[R],
                                                 int na) {
    double part = 0.0;
#pragma unroll
    for (int r = 0; r < R; r++)
        if ((int)threadIdx.x + 32 * r < na) part += 0.5 * y[r] * cy[r] - b[r] * log(y[r]);
    return warp_sum(part);
}

/* max_p |y_p (Cy)_p / yᵀCy − b_p| from y and Cy (warp_residual takes q = Cy − y). */
template <int R>
__device__ __forceinline__ double warp_residual_cy(const double (&y)[R], const double (&cy)[R], const double (&b)[R],
                                                   int na) {
    double q[R];
#pragma unroll
    for (int r = 0; r < R; r++) q[r] = cy[r] - y[r];
    return warp_residual(y, q, b, na);
}

struct NcgOutcome {
    int steps;
    bool converged; /* P.y holds the answer and P.q = Cy − y exactly; else P.y the point to go on from */
};

/* Cy from compensated products at y (compensated_cy on P.y; P.q, P.yw overwritten), into registers. */
template <int R>
__device__ __forceinline__ void warp_compensated_cv(const Problem& P, const double (&y)[R], double (&cy)[R]) {
    warp_scatter(y, P.na, P.y);
    __syncwarp();
    compensated_cy(P);
    __syncwarp();
    warp_gather(P.q, P.na, cy);
}

/* P.y = y and P.q = Cy − y: the point a converged truncated Newton reports. */
template <int R>
__device__ __forceinline__ void warp_store_point(const Problem& P, const double (&y)[R], const double (&cy)[R]) {
    double q[R];
#pragma unroll
    for (int r = 0; r < R; r++) q[r] = cy[r] - y[r];
    __syncwarp();
    warp_scatter(y, P.na, P.y);
    warp_scatter(q, P.na, P.q);
}

/* Truncated Newton from the ray of P.y (see above). Having reached tol/2 it polishes, as newton() and the Java
   engine do, but with steps that gain a factor each rather than all the digits: Cy again from compensated products
   (the Java engine's CompensatedProduct, as newton()'s gradient), then up to NCG_POLISH_STEPS steps at the forcing
   term NCG_POLISH_FORCING from compensated gradients, each kept only if it lowers the residual and the next taken
   only if it halved it. Without that polish, budgets of 6e-10 and 6e-8 of the total on 252-day windows had weights
   1.3e-8 relative from the Cholesky Newton's: the plain product's rounding in the gradient, which a tiny budget's
   weight (y_i = b_i/(Cy)_i) carries whole. Inlined into the Newton stage's kernel (ptxas, sm_90: no spill at four
   entries; called, it spilled 134 bytes of its own). */
template <typename T, int R>
__device__ __forceinline__ NcgOutcome warp_newton_cg(const Problem& P, double tol) {
    const int na = P.na, lane = threadIdx.x;
    const int64_t s_bytes = (int64_t)P.n * P.n * (int64_t)sizeof(double);
    double y[R], b[R], cy[R];
    warp_gather(P.y, na, y);
    warp_gather(P.b, na, b);
    warp_exact_cv(P, y, cy);
    {
        /* the best point on y's ray, f(ty) least at t² = Σb / yᵀCy: the Newton stage starts from reported weights,
           which have lost y's scale */
        double bs = 0.0, ycy = 0.0;
#pragma unroll
        for (int r = 0; r < R; r++)
            if (lane + 32 * r < na) {
                bs += b[r];
                ycy += y[r] * cy[r];
            }
        const double t = sqrt(warp_sum(bs) / warp_sum(ycy));
        if (t > 0.0 && isfinite(t))
#pragma unroll
            for (int r = 0; r < R; r++) {
                y[r] *= t;
                cy[r] *= t;
            }
    }
    double res = warp_residual_cy(y, cy, b, na);
    double f = warp_objective(y, cy, b, na);
    NcgOutcome out{0, false};
    int cg_left = NCG_CG_PER_ASSET * na;
    double best = res;
    int since_best = 0;
    bool polishing = false;
    int polish_left = 0;
    for (;;) {
        if (!polishing) {
            if (res <= 0.5 * tol) {
                /* converged on plain products: Cy again, compensated, for the report and the polishing steps */
                warp_compensated_cv(P, y, cy);
                res = warp_residual_cy(y, cy, b, na);
                f = warp_objective(y, cy, b, na);
                warp_store_point(P, y, cy);
                if (res <= 1e-15 || out.steps >= NCG_MAX_STEPS) {
                    out.converged = true;
                    break;
                }
                polishing = true;
                polish_left = NCG_POLISH_STEPS;
            } else if (out.steps >= NCG_MAX_STEPS || !isfinite(res) || since_best >= NCG_STALL_STEPS) {
                __syncwarp();
                warp_scatter(y, na, P.y);
                break;
            }
        }
        prefetch_l2(P.S, s_bytes); /* for this step's exact product, after the CG iterations */
        /* PCG on H p = −g, H = C + diag(e), e = b/y², preconditioner M = diag(H) = 1 + e */
        double e[R], minv[R], rr[R], d[R], p[R], hd[R];
        double rz = 0.0;
#pragma unroll
        for (int r = 0; r < R; r++) {
            const bool act = lane + 32 * r < na;
            e[r] = act ? b[r] / (y[r] * y[r]) : 0.0;
            minv[r] = act ? 1.0 / (1.0 + e[r]) : 0.0;
            rr[r] = act ? b[r] / y[r] - cy[r] : 0.0; /* −g */
            d[r] = rr[r] * minv[r];
            p[r] = 0.0;
            rz += rr[r] * d[r];
        }
        rz = warp_sum(rz);
        const double eta = polishing ? NCG_POLISH_FORCING : NCG_FORCING;
        const double stop = eta * eta * rz;
        bool spent = false;
        for (int it = 0;; it++) {
            if (cg_left-- <= 0) {
                spent = true;
                break;
            }
            warp_tri_matvec<T, R>(P, d, hd);
            double dhd = 0.0;
#pragma unroll
            for (int r = 0; r < R; r++) {
                hd[r] = fma(e[r], d[r], hd[r]);
                dhd += d[r] * hd[r];
            }
            dhd = warp_sum(dhd);
            if (!(dhd > 0.0)) { /* the rounded H is not positive along d: the direction so far (at first, M⁻¹(−g)) */
                if (it == 0)
#pragma unroll
                    for (int r = 0; r < R; r++) p[r] = d[r];
                break;
            }
            const double alpha = rz / dhd;
            double rz1 = 0.0;
#pragma unroll
            for (int r = 0; r < R; r++) {
                p[r] = fma(alpha, d[r], p[r]);
                rr[r] = fma(-alpha, hd[r], rr[r]);
                rz1 += rr[r] * rr[r] * minv[r];
            }
            rz1 = warp_sum(rz1);
            if (rz1 <= stop) break;
            const double beta = rz1 / rz;
#pragma unroll
            for (int r = 0; r < R; r++) d[r] = fma(beta, d[r], rr[r] * minv[r]);
            rz = rz1;
        }
        if (spent && !polishing) {
            __syncwarp();
            warp_scatter(y, na, P.y);
            break;
        }
        /* the full step, or 0.95 of the way to the boundary y > 0 */
        double t = 1.0;
#pragma unroll
        for (int r = 0; r < R; r++)
            if (lane + 32 * r < na && p[r] < 0.0) t = fmin(t, -0.95 * y[r] / p[r]);
        t = -warp_max(-t);
        double y1[R], cy1[R];
#pragma unroll
        for (int r = 0; r < R; r++) y1[r] = lane + 32 * r < na ? fma(t, p[r], y[r]) : 0.0;
        if (polishing) warp_compensated_cv(P, y1, cy1);
        else warp_exact_cv(P, y1, cy1);
        const double f1 = warp_objective(y1, cy1, b, na);
        const double res1 = warp_residual_cy(y1, cy1, b, na);
        out.steps++;
        /* f must fall (up to its own rounding, which is all that is left near the solution) */
        const bool fell = t > 0.0 && f1 <= f + 1e-13 * fabs(f);
        if (polishing) {
            const bool kept = fell && res1 < res;
            if (kept) {
                warp_store_point(P, y1, cy1);
            } else {
                out.steps--; /* undone: the point before it back (its compensated Cy still in registers) */
                warp_store_point(P, y, cy);
            }
            if (!kept || --polish_left == 0 || !(res1 <= 0.5 * res) || res1 <= 1e-15) {
                out.converged = true;
                break;
            }
        } else if (!fell) {
            __syncwarp();
            warp_scatter(y, na, P.y);
            break;
        }
#pragma unroll
        for (int r = 0; r < R; r++) {
            y[r] = y1[r];
            cy[r] = cy1[r];
        }
        f = f1;
        res = res1;
        if (res <= 0.5 * best) {
            best = res;
            since_best = 0;
        } else {
            since_best++;
        }
    }
    __syncwarp();
    return out;
}

struct Config {
    const double* cov;
    const double* budgets;
    int budgets_shared;
    int64_t batch;
    int n;
    double tol;
    int max_iter;
    int solver;
    int c_in_shared;
    int c_packed; /* warp-per-problem path: one-warp blocks, packed C in shared memory, vectors in the workspace */
    int vec_in_shared;
    int mix_in_shared;
    int newton_cg; /* warp path: AUTO's hand-over tries the truncated Newton first (2: and only it) */
    int64_t work_per_block;
    double* work;
    SolveReport report;
};

/* Vector storage per block: 7 n doubles, n ints (as doubles' worth), then C when it is shared. */
__host__ __device__ constexpr int64_t vec_doubles(int64_t n) { return SCRATCH + 7 * n + (n + 1) / 2 + 2; }

/* One instantiation per path: the block path (capped at 128 registers by its 512 threads), and the warp path (one-
   warp blocks) with an FP32 or an FP16 triangle, each capped at 168 registers (ptxas: no spills; the block path's
   128 made it spill here). What is resident per SM at n = 100 (ncu on an H200): FP32 10 problems (20.6 KB of
   shared memory each, with the 1 KB the GPU reserves per block); FP16 12 (10.6 KB each, but each scheduler has its
   own 16,384 registers: 3 warps of 168). 144 registers gave the same 12; 128 gave 14, with the mixer's state
   moved to memory to fit: slower on an H200. */
constexpr int WARP_REGS_FP32 = 168;
#ifndef ER_WARP_REGS_FP16
#define ER_WARP_REGS_FP16 168
#endif
constexpr int WARP_REGS_FP16 = ER_WARP_REGS_FP16;
/* n ≤ 64 (one or two entries per lane) fits 128 registers, so four warps per scheduler, 16 problems per SM where
   shared memory allows (n = 64, FP16: 5.6 KB each with the reserved 1 KB). ptxas, sm_90: no spills at one entry,
   none at two with the FP32 triangle, 12 bytes with FP16 (at 168 registers that instance spilled 16). Predicted,
   not yet measured on a GPU: see benchmarks/RESULTS.md. */
constexpr int WARP_REGS_SMALL = 128;
/* The warp path runs in two kernels, one after the other on the stream. The CCD stage is the whole solve as before,
   except that under the truncated Newton (Config::newton_cg) the Cholesky Newton after a CCD hand-over takes no step:
   the problem is reported from CCD's point (solver_used CCD_NEWTON, its exact Cy from Newton's compensated product),
   and the Newton stage, launched after it, finishes every such problem from its reported weights. So the batch's
   kernel keeps the code and the register allocation measured before (ptxas, sm_90, spill stores: FP16 four entries
   4 bytes, as before; with the Newton code taken out of it instead, 40; with the truncated Newton called from it,
   124), and a handed-over problem pays one compensated product and one more read of Σ for its triangle. The block
   path does all of it in one kernel. */
constexpr int STAGE_ALL = 0, STAGE_CCD = 1, STAGE_NEWTON = 2;

template <int BLOCK_MAX, int MAX_REGS, typename TRI, int R = WR, int STAGE = STAGE_ALL>
__global__ void __maxnreg__(MAX_REGS) solve_kernel(Config cfg) {
    /* the warp path's instance holds only its own code, the block path's only its own (registers); the warp path's
       Newton stage holds no CCD (its CCD stage keeps the Cholesky Newton: see above) */
    constexpr bool WARP = BLOCK_MAX == 32;
    constexpr bool FINISH = STAGE == STAGE_NEWTON;
    constexpr bool CHOLESKY_STALL = !(WARP && STAGE == STAGE_CCD); /* see newton() */
    ER_DYNAMIC_SHARED(double, smem);
    const int n = cfg.n, T = blockDim.x, tid = threadIdx.x;
    double* work = cfg.work + (int64_t)blockIdx.x * cfg.work_per_block;
    double* vec = cfg.vec_in_shared ? smem : work;
    double* wnext = cfg.vec_in_shared ? work : work + vec_doubles(n);
    Problem P;
    P.scratch = vec;
    P.b = vec + SCRATCH;
    P.sig = P.b + n;
    P.y = P.sig + n;
    P.yw = P.y + n;
    P.q = P.yw + n;
    P.g = P.q + n;
    P.d = P.g + n;
    int* idx = reinterpret_cast<int*>(P.d + n);
    int* na_slot = idx + n;
    P.idx = idx;
    P.packed = WARP;
    P.n = n;
    if constexpr (WARP) {
        P.scratch = smem;
        P.Cp = smem + SCRATCH;
        P.U = wnext;
        /* U is Newton's, free until CCD ends: the history's place when shared memory has no room for it */
        P.mix = cfg.mix_in_shared ? smem + warp_mix_offset(n, sizeof(TRI)) : P.U;
    } else if (cfg.c_in_shared) {
        P.C = smem + vec_doubles(n);
        P.U = wnext;
    } else {
        P.C = wnext;
        P.U = wnext + (int64_t)n * n;
    }
    P.diag = P.U + (int64_t)n * n; /* n doubles after U in the workspace */

    for (int64_t k = blockIdx.x; k < cfg.batch; k += gridDim.x) {
        if constexpr (FINISH) {
            /* only what the CCD stage handed to Newton (uniform over the block) */
            if (cfg.report.solver_used[k] != 3) continue; /* ER_USED_CCD_NEWTON */
        }
        const double* S = cfg.cov + k * (int64_t)n * n;
        P.S = S;
        P.S_next = k + gridDim.x < cfg.batch ? cfg.cov + (k + gridDim.x) * (int64_t)n * n : nullptr;
        const double* bb = cfg.budgets + (cfg.budgets_shared ? 0 : k * (int64_t)n);
        __syncthreads(); /* the previous problem is done with every buffer */
        /* a. active set, in index order */
        if constexpr (WARP) {
            const int na = warp_active_set<R>(bb, n, idx);
            if (tid == 0) *na_slot = na;
        } else if (tid == 0) {
            int na = 0;
            for (int i = 0; i < n; i++)
                if (bb[i] > 0.0) idx[na++] = i;
            *na_slot = na;
        }
        __syncthreads();
        const int na = *na_slot;
        P.na = na;
        /* budgets are accepted when they sum to 1 within 1e-8; risk contributions sum to 1 exactly, so solve for
           b / Σb (every thread sums in the same order: the same value everywhere), or the residual would floor at
           the budgets' own rounding */
        double bsum = 0.0;
        for (int i = 0; i < n; i++) bsum += bb[i];
        /* b. correlation over the active set */
        for (int p = tid; p < na; p += T) {
            const int i = idx[p];
            P.b[p] = fmax(bb[i] / bsum, MIN_BUDGET);
            /* a variance below DBL_MIN (0, or subnormal: digits lost) makes the problem NaN, which the host then
               names with the CPU engine's check (CovarianceMatrix's) */
            const double var = S[(int64_t)i * n + i];
            P.sig[p] = var >= DBL_MIN ? sqrt(var) : NAN;
        }
        __syncthreads();
        if constexpr (WARP) {
            double bv[R], cb[R];
            warp_gather(P.b, na, bv);
            warp_pack_triangle<TRI, R>(P, bv, cb); /* the triangle, and C b for the start from the same loads */
            warp_scatter(cb, na, P.q);
        } else {
            for (int64_t e = tid; e < (int64_t)na * na; e += T) {
                const int p = (int)(e / na), q = (int)(e - (int64_t)p * na);
                P.C[e] = p == q ? 1.0 : S[(int64_t)idx[p] * n + idx[q]] / (P.sig[p] * P.sig[q]);
            }
        }
        __syncthreads();
        /* c. y = b / sqrt(bᵀCb) */
        if constexpr (!WARP) sym_matvec(P, P.b, P.q);
        __syncthreads();
        double part = 0.0;
        for (int p = tid; p < na; p += T) part += P.b[p] * P.q[p];
        const double bcb = block_sum(part, P.scratch);
        const double root_bcb = sqrt(bcb);
        for (int p = tid; p < na; p += T) P.y[p] = P.b[p] / root_bcb;
        __syncthreads();

        int sweeps = 0, steps = 0, used = 0, chol_failed = 0;
        bool q_exact = false; /* q holds C y (Newton) or C y − y (CCD) exactly at the final y */
        bool q_offdiag = true;
        if constexpr (FINISH) {
            /* the warp path's Newton stage, from the point CCD reached: y ∝ wσ from the reported weights (the
               truncated Newton scales it to the best point on its ray) */
            used = 3;
            sweeps = cfg.report.iterations[k];
            for (int p = tid; p < na; p += T) P.y[p] = cfg.report.weights[k * n + idx[p]] * P.sig[p];
            __syncthreads();
            const NcgOutcome o = warp_newton_cg<TRI, R>(P, cfg.tol);
            steps = o.steps;
            if (o.converged) {
                q_exact = true; /* q = Cy − y exactly, as CCD leaves it */
            } else if (cfg.newton_cg == 2) {
                q_exact = false; /* reported unconverged from the point reached (the report makes q exact) */
            } else {
                int ok;
                steps += newton<true>(P, cfg.tol, NEWTON_MAX_STEPS, &ok, &chol_failed);
                q_exact = true; /* Newton returns with q = C y at its last y, whatever stopped it */
                q_offdiag = false;
            }
        } else if (cfg.solver != 2) {
            /* d./e. CCD, with the stall rule under AUTO */
            used = 1;
            bool to_newton = false;
            /* q = Cy − y exactly, from C b (Cy = Cb/sqrt(bᵀCb)): each thread its own entries, no second product */
            for (int p = tid; p < na; p += T) P.q[p] = P.q[p] / root_bcb - P.y[p];
            if constexpr (WARP) {
                const CcdOutcome o = warp_ccd<TRI, R>(P, cfg.tol, cfg.max_iter, cfg.solver);
                sweeps = o.sweeps;
                to_newton = o.to_newton;
                q_exact = o.q_exact;
            } else {
                const CcdOutcome o = block_ccd(P, cfg.tol, cfg.max_iter, cfg.solver);
                sweeps = o.sweeps;
                to_newton = o.to_newton;
                q_exact = o.q_exact;
            }
            if (to_newton) {
                used = 3;
                int ok;
                /* under the truncated Newton the CCD stage's Newton takes no step (its exact Cy for the report, and
                   the Newton stage finishes) */
                steps = newton<CHOLESKY_STALL>(P, cfg.tol, STAGE == STAGE_CCD && cfg.newton_cg ? 0 : NEWTON_MAX_STEPS,
                                               &ok, &chol_failed);
                q_exact = true; /* Newton returns with q = C y at its last y, whatever stopped it */
                q_offdiag = false;
            }
        } else {
            used = 2;
            int ok;
            steps = newton<CHOLESKY_STALL>(P, cfg.tol, cfg.max_iter < NEWTON_MAX_STEPS ? cfg.max_iter
                                                                                        : NEWTON_MAX_STEPS,
                                           &ok, &chol_failed); /* as the Java engine: min(max_iter, 200) */
            q_exact = true;
            q_offdiag = false;
        }
        if (!q_exact) exact_offdiag(P); /* CCD stopped unconverged: the report needs the exact Cy */
        __syncthreads();
        /* g. weights from y, reported on Σ through the exact Cy: x = y/σ, w = x/Σx, and since Σ_ij = σ_i C_ij σ_j,
           (Σw)_i = σ_i (Cy)_i / Σx over the active assets (w is 0 elsewhere), so RC and wᵀΣw need no second pass
           over Σ. The residual is max_i |RC_i − b_i| over every asset (0 for the zero budgets: RC_i = 0). */
        double* w = P.g;
        double* sw = P.d;
        part = 0.0;
        for (int p = tid; p < na; p += T) part += P.y[p] / P.sig[p];
        const double sx = block_sum(part, P.scratch);
        for (int i = tid; i < n; i += T) {
            cfg.report.weights[k * n + i] = 0.0;
            cfg.report.rc[k * n + i] = 0.0;
        }
        part = 0.0;
        for (int p = tid; p < na; p += T) {
            const double cy = q_offdiag ? P.q[p] + P.y[p] : P.q[p];
            w[p] = (P.y[p] / P.sig[p]) / sx;
            sw[p] = P.sig[p] * cy / sx;
            part += w[p] * sw[p];
        }
        const double v = block_sum(part, P.scratch); /* its barriers also order the zeros before the writes below */
        double m = 0.0;
        for (int p = tid; p < na; p += T) {
            const double rcp = w[p] * sw[p] / v;
            cfg.report.weights[k * n + idx[p]] = w[p];
            cfg.report.rc[k * n + idx[p]] = rcp;
            /* a negative weight is no answer, however small its RC (RiskBudgetingResult's contract: w ≥ 0) */
            const double term = (isfinite(w[p]) && w[p] >= 0.0 && isfinite(rcp)) ? fabs(rcp - P.b[p]) : NAN;
            m = nan_max(m, term);
        }
        const double res = block_max(m, P.scratch);
        if (tid == 0) {
            const bool finite = isfinite(res) && isfinite(v) && v > 0.0;
            /* one positive budget: the start point is the answer (y = 1, w = 1 on that asset) and the solver's first
               step leaves it there; reported as the Java engine does ("diagonal", 0 iterations). Relabelled here
               rather than branched around the solvers: a branch there cost the FP16 instance 48 bytes of spill. */
            const bool diagonal = na == 1;
            cfg.report.iterations[k] = diagonal ? 0 : sweeps + steps;
            cfg.report.residual[k] = finite ? res : NAN;
            cfg.report.converged[k] = (finite && res <= cfg.tol && !chol_failed) ? 1 : 0;
            cfg.report.solver_used[k] = diagonal ? 4 : used;
            cfg.report.volatility[k] = sqrt(v);
        }
    }
}

/* The instance for a plan's path: 0 block, 1 warp with an FP32 triangle, 2 warp with FP16; on the warp path
   `lanes` entries per lane (1, 2 or WR). */
template <typename TRI, int REGS, int STAGE>
void (*warp_kernel_for(int lanes))(Config) {
    if (lanes == 1) return solve_kernel<32, WARP_REGS_SMALL, TRI, 1, STAGE>;
    if (lanes == 2) return solve_kernel<32, WARP_REGS_SMALL, TRI, 2, STAGE>;
    return solve_kernel<32, REGS, TRI, WR, STAGE>;
}
void (*solve_kernel_for(int packed, int lanes, bool newton_stage = false))(Config) {
    if (packed == 1)
        return newton_stage ? warp_kernel_for<float, WARP_REGS_FP32, STAGE_NEWTON>(lanes)
                            : warp_kernel_for<float, WARP_REGS_FP32, STAGE_CCD>(lanes);
    if (packed == 2)
        return newton_stage ? warp_kernel_for<half16, WARP_REGS_FP16, STAGE_NEWTON>(lanes)
                            : warp_kernel_for<half16, WARP_REGS_FP16, STAGE_CCD>(lanes);
    return solve_kernel<MAX_THREADS, 65536 / MAX_THREADS, float>;
}

}  // namespace

/* Lets `kernel` launch with `bytes` of dynamic shared memory on `device`. The limit
   (cudaFuncAttributeMaxDynamicSharedMemorySize) belongs to the kernel in the process, not to a context or a call, so
   it only ever rises: a plan that set it to its own size lowered it under another thread's launch of the same
   kernel planned with more (two contexts solving n = 150 and n = 2000 at once: "invalid argument" for the first; the
   driver's `races` group). It bounds what a launch may ask for and nothing else: occupancy follows each launch's own
   size. The lock also orders the raises, so a smaller one never lands after a larger. */
cudaError_t allow_dynamic_shared(int device, void (*kernel)(Config), size_t bytes) {
    static std::mutex lock;
    static std::vector<std::tuple<int, void (*)(Config), size_t>> allowed; /* a few instances per device */
    std::lock_guard<std::mutex> hold(lock);
    for (auto& [d, k, b] : allowed)
        if (d == device && k == kernel) {
            if (bytes <= b) return cudaSuccess;
            const cudaError_t e = cudaFuncSetAttribute(kernel, cudaFuncAttributeMaxDynamicSharedMemorySize, (int)bytes);
            if (e == cudaSuccess) b = bytes;
            return e;
        }
    const cudaError_t e = cudaFuncSetAttribute(kernel, cudaFuncAttributeMaxDynamicSharedMemorySize, (int)bytes);
    if (e == cudaSuccess) allowed.emplace_back(device, kernel, bytes);
    return e;
}

cudaError_t plan_solve(int device, int64_t n, int64_t batch, int solver, SolvePlan* plan) {
    cudaDeviceProp prop;
    cudaError_t e = cudaGetDeviceProperties(&prop, device);
    if (e != cudaSuccess) return e;
    /* the whole-device solve (solve_wide.cu) for a few problems of many assets, where the block path would use only
       a few SMs: chosen by its cost model, or asked for with EQUIRISK_SOLVE_WIDE=on (any n: the driver runs it at
       small n) or refused with =off; never when CCD itself is asked for. The rest of the plan is then the block
       path's for one problem, which solves what the whole-device solve gives up on. */
    const char* placement = std::getenv("EQUIRISK_SOLVE_C");
    const char* wide_env = std::getenv("EQUIRISK_SOLVE_WIDE");
    bool wide = false;
    int wide_blocks = 0, wide_group = 1;
    if (solver != 1) { /* ER_SOLVER_CCD */
        const bool on = wide_env != nullptr && std::strcmp(wide_env, "on") == 0;
        const bool off = wide_env != nullptr && std::strcmp(wide_env, "off") == 0;
        if (on || (!off && n > WARP_N && placement == nullptr)) {
            e = wide_grid(prop, n, batch, &wide_blocks, &wide_group);
            if (e != cudaSuccess) return e;
            wide = on || wide_pays(n, batch, prop.multiProcessorCount, wide_group);
        }
    }
    if (wide) batch = 1;
    int threads = (int)((n + 31) / 32) * 32;
    if (threads < 32) threads = 32;
    if (threads > MAX_THREADS) threads = MAX_THREADS;
    const size_t limit = prop.sharedMemPerBlockOptin;
    const size_t vec_bytes = (size_t)vec_doubles(n) * sizeof(double);
    const size_t c_bytes = (size_t)(n * n) * sizeof(double);
    plan->threads = threads;
    plan->vec_in_shared = vec_bytes <= limit;
    plan->c_in_shared = plan->vec_in_shared && vec_bytes + c_bytes <= limit;
    plan->c_packed = 0;
    plan->lane_entries = 0;
    /* EQUIRISK_SOLVE_C=global: keep C in the (L2-resident) workspace even where shared memory would hold it, so
       more problems are resident per SM; a tuning experiment for the GPU session (see README) */
    if (placement != nullptr && std::strncmp(placement, "global", 6) == 0) plan->c_in_shared = 0;
    /* global-all: the vectors too (the path for n ≳ 3,870), so that CI covers it at small n */
    if (placement != nullptr && std::strcmp(placement, "global-all") == 0) plan->vec_in_shared = 0;
    /* n ≤ 128: a warp per problem with C's upper triangle packed in FP16 (or FP32) in shared memory (n = 100:
       10.6 KB with the reduction scratch, 12 problems per SM; FP32 20.6 KB and 10), the CCD state in registers, the
       vectors in the workspace and the mixer's history there too unless shared memory has room for it (below);
       EQUIRISK_SOLVE_C=block|global… keeps the block path,
       EQUIRISK_SOLVE_TRI=fp32 takes the FP32 triangle */
    const char* tri = std::getenv("EQUIRISK_SOLVE_TRI");
    const bool fp32 = tri != nullptr && std::strcmp(tri, "fp32") == 0;
    const size_t packed_bytes = (size_t)SCRATCH * sizeof(double) +
                                (size_t)(packed_floats(n) + n + 1) * (fp32 ? sizeof(float) : sizeof(half16));
    if (n <= WARP_N && placement == nullptr && packed_bytes <= limit && !wide) {
        plan->threads = 32;
        plan->c_packed = fp32 ? 1 : 2;
        /* entries per lane: as few as n needs (n ≤ 32: 1, n ≤ 64: 2, else WR), so a small problem's sweep updates
           and mixes only entries it has, in fewer registers; EQUIRISK_SOLVE_LANES=1|2|4 asks for another count
           that still covers n (a comparison: the results are the same to the bit) */
        int lanes = n <= 32 ? 1 : n <= 64 ? 2 : WR;
        const char* asked = std::getenv("EQUIRISK_SOLVE_LANES");
        if (asked != nullptr) {
            const int a = std::atoi(asked);
            if ((a == 1 || a == 2 || a == WR) && 32 * a >= n) lanes = a;
        }
        plan->lane_entries = lanes;
        plan->c_in_shared = 1;
        plan->vec_in_shared = 0;
        plan->shared_bytes = packed_bytes;
        /* U and Newton's diagonal, or the mixer's history while CCD runs (it is larger for n < ~20) */
        plan->work_doubles_per_block = (size_t)std::max<int64_t>(n * n + n, mix_doubles(n)) + (size_t)vec_doubles(n);
    } else {
    plan->shared_bytes = plan->vec_in_shared ? vec_bytes + (plan->c_in_shared ? c_bytes : 0) : SCRATCH * 8;
    /* workspace: U and Newton's diagonal (or the mixer's history) always; C unless shared; the vectors unless shared */
    plan->work_doubles_per_block = (size_t)std::max<int64_t>(n * n + n, mix_doubles(n)) +
                                   (plan->c_in_shared ? 0 : (size_t)(n * n)) +
                                   (plan->vec_in_shared ? 0 : (size_t)vec_doubles(n));
    }
    plan->mix_in_shared = 0;
    /* the warp path hands a stalled CCD to the truncated Newton, and only what that cannot finish to the Cholesky
       Newton (see warp_newton_cg). EQUIRISK_SOLVE_NEWTON=cholesky skips the first (a comparison); =cg-only skips the
       second and reports what the truncated Newton could not finish as unconverged (the driver's test of it). */
    const char* newton = std::getenv("EQUIRISK_SOLVE_NEWTON");
    plan->newton_cg = plan->c_packed == 0 ? 0 : newton == nullptr ? 1 : std::strcmp(newton, "cholesky") == 0 ? 0
                                              : std::strcmp(newton, "cg-only") == 0 ? 2 : 1;
    void (*kernel)(Config) = solve_kernel_for(plan->c_packed, plan->lane_entries);
    int per_sm = 0;
    if (plan->c_packed != 0) {
        /* the mixer's history goes to shared memory after the triangle where that keeps as many problems resident
           per SM and their blocks take at most 2/3 of the SM's shared memory: a mix then reads it at shared
           memory's latency, not L2's, and L1 (the rest of the same 256 KB on an H100/H200) still holds most of
           what the exact products read from Σ. Measured on an H200 (RESULTS.md, "Seventh GPU session"): n = 50,
           16 blocks of 7.4 KB, −3% on the batch and −4% on rolling windows; n = 100, 12 blocks of 18.4 KB (L1 left
           ~30 KB), −1 to −4% on the batch but +5% on rolling windows, which Newton finishes from Σ and U in memory.
           EQUIRISK_SOLVE_MIX=global|shared overrides the choice (a comparison; the answers are the same to the bit) */
        const size_t with_mix = (size_t)(warp_mix_offset(n, plan->c_packed == 1 ? sizeof(float) : sizeof(half16)) +
                                         3 * WARP_MIX_DEPTH * n) * sizeof(double);
        int per_sm_mix = 0;
        if (with_mix <= limit) {
            e = allow_dynamic_shared(device, kernel, with_mix);
            if (e != cudaSuccess) return e;
            e = cudaOccupancyMaxActiveBlocksPerMultiprocessor(&per_sm_mix, kernel, plan->threads, with_mix);
            if (e != cudaSuccess) return e;
        }
        e = cudaOccupancyMaxActiveBlocksPerMultiprocessor(&per_sm, kernel, plan->threads, plan->shared_bytes);
        if (e != cudaSuccess) return e;
        const char* mix = std::getenv("EQUIRISK_SOLVE_MIX");
        const bool asked_global = mix != nullptr && std::strcmp(mix, "global") == 0;
        const bool asked_shared = mix != nullptr && std::strcmp(mix, "shared") == 0;
        const bool fits = per_sm_mix >= per_sm &&
                          3 * (size_t)per_sm_mix * (with_mix + prop.reservedSharedMemPerBlock) <=
                              2 * prop.sharedMemPerMultiprocessor;
        if (with_mix <= limit && per_sm_mix >= 1 && !asked_global && (fits || asked_shared)) {
            plan->mix_in_shared = 1;
            plan->shared_bytes = with_mix;
            per_sm = per_sm_mix;
        }
    }
    e = allow_dynamic_shared(device, kernel, plan->shared_bytes);
    if (e != cudaSuccess) return e;
    if (plan->c_packed != 0) {
        e = allow_dynamic_shared(device, solve_kernel_for(plan->c_packed, plan->lane_entries, true),
                                 plan->shared_bytes);
        if (e != cudaSuccess) return e;
    }
    if (plan->c_packed == 0) {
        e = cudaOccupancyMaxActiveBlocksPerMultiprocessor(&per_sm, kernel, plan->threads, plan->shared_bytes);
        if (e != cudaSuccess) return e;
    }
    if (per_sm < 1) per_sm = 1;
    const int64_t resident = (int64_t)per_sm * prop.multiProcessorCount;
    plan->grid = (int)(batch < resident ? batch : resident);
    if (plan->grid < 1) plan->grid = 1;
    plan->wide = wide ? 1 : 0;
    plan->wide_grid = 0;
    plan->wide_group = 0;
    if (wide) {
        /* one workspace slot per problem of a group: the whole-device solve's state, and then the block path's for
           one problem that it hands back (in slot 0) */
        plan->wide_grid = wide_blocks;
        plan->wide_group = wide_group;
        plan->grid = wide_group;
        const size_t slot = std::max<size_t>(plan->work_doubles_per_block, (size_t)wide_work_doubles(n));
        plan->work_doubles_per_block = (slot + 31) / 32 * 32; /* slots 256-byte aligned, as the first */
    }
    return cudaSuccess;
}

/* Certifies each converged problem's residual at the weights returned: `converged` is a claim about the weights the caller gets, so its residual must hold for them, not only for the
   solver's point. (Σw)_i is a sum of n products; on ill-conditioned Σ with correlations of both signs it is a small
   difference of large terms, and plain products, or rounding w = x/Σx, move it by up to (m + 2)·u·σ_i·S (m assets
   with a weight, S = σᵀw, |Σ_ij| ≤ σ_iσ_j), so the residual by up to 2(m + 4)·u·S²/V with V = wᵀΣw. Where that
   bound leaves a convergence open (tol − residual ≤ bound), Σw is summed again at w as Dot2, and RC, the residual,
   the volatility and `converged` are rewritten from it: converged then means that the weights returned meet the
   tolerance. Only a convergence is certified, never an unconverged result turned converged (one may be
   unconverged for another reason, a failed factorisation), so an engine may report unconverged weights whose
   exact residual lies within the bound below tol; the Java engine's report applies the same rule. An unconverged
   result's residual within ten bounds is measured the same way, its verdict kept: RC and the volatility are
   rewritten, and the residual becomes the larger of the two figures, so that it is never below the weights' own
   (plain products had it up to 4× low) and stays above tol, as the verdict says. On
   condition-1e10 matrices the plain figure was off by up to 50× (2.6e-11 reported, 1.4e-9 at the weights
   returned). The residual is measured against the budgets the solve used (b/Σb, floored at MIN_BUDGET).
   Three kernels after the solve's, so the solve kernels keep their measured registers (inline in the report, the
   check's code spilled 80 bytes in the batch's FP16 instance, which spills 4 without it): the bound, one warp per
   problem; the Dot2 products of the problems it flags, one to eight warps per 32 columns over the whole grid (a
   large problem's n² products are most of the work, and one warp per problem streamed Σ at ~1 GB/s); the report,
   one warp per flagged problem. Below 512 assets the sums and their order are those of a warp per problem, so are
   the results; above, the rows' partial Dot2 sums are merged error-free (as accurate, not the same bits). Its cost
   where nothing is open: each problem's weights and Σ's diagonal read once (~24 MB of sectors for 10,000 × 100, the
   diagonal's reads strided), and two launches that read the flags. */
/* The converged flag's bit that marks a problem whose residual certify_bound_kernel left to be measured, between
   it and certify_finish_kernel (bit 0 keeps the solve's verdict; the finish writes 0 or 1 over both). */
constexpr int32_t CERTIFY_MEASURE = 2;

/* Step 1, one warp per problem: the bound, and whether the residual must be measured (flagged CERTIFY_MEASURE). */
__global__ void certify_bound_kernel(SolveArgs a) {
    const int lane = threadIdx.x;
    const int64_t n = a.n;
    for (int64_t k = blockIdx.x; k < a.batch; k += gridDim.x) {
        const bool claimed = a.report.converged[k] == 1;
        const double res = a.report.residual[k];
        if (!claimed && !(res < INFINITY)) continue; /* a failure with no finite residual: nothing to measure */
        const double* S = a.cov + k * n * n;
        const double* w = a.report.weights + k * n;
        double s = 0.0, m = 0.0;
        for (int64_t i = lane; i < n; i += 32) {
            if (w[i] != 0.0) {
                s += sqrt(S[i * n + i]) * w[i];
                m += 1.0;
            }
        }
        s = warp_sum(s);
        m = warp_sum(m);
        const double vol = a.report.volatility[k];
        const double bound = 2.0 * (m + 4.0) * 0x1p-53 * s * s / (vol * vol);
        /* a convergence the bound leaves open; or an unconverged residual within ten bounds, which the plain figure
           understated by up to 4× (the command line names a reachable tolerance from it): measured, not judged */
        const bool settled = claimed ? !(a.tol - res <= bound) : !(res <= 10.0 * bound);
        __syncwarp(); /* every lane has read the flag before lane 0 rewrites it (the shuffles above imply it today) */
        if (!settled && lane == 0) a.report.converged[k] |= CERTIFY_MEASURE;
    }
}

/* Step 2, a block of W warps per 32 columns of a flagged problem, over the whole grid: (Σw)_i for its columns as Dot2
   sums, into rc (until the variance is known). Σ's column i across the lanes is one row's contiguous entries. Warp y
   sums rows [y·len, (y + 1)·len) (len a multiple of 8), and warp 0 merges the W pairs (s, c) in warp order with
   error-free additions, so the result is as accurate as one Dot2 sum over all rows (Ogita, Rump & Oishi's Sum2 on
   the partial sums) and the same whatever the grid. A warp per problem took 64 ms for one N = 3000 problem on an
   H200 (a lone warp streaming 72 MB), 30× the solve; a warp per 32 columns, 94 warps, ~0.7 ms of the 2.8; W warps
   per 32 columns put W times as many loads in flight (certify_warps picks W). */
constexpr int CERTIFY_MAX_WARPS = 8;
constexpr int64_t CERTIFY_ROWS_PER_WARP = 256; /* fewer rows a warp and the eight-row batches barely fill */

__global__ void __launch_bounds__(32 * CERTIFY_MAX_WARPS) certify_product_kernel(SolveArgs a) {
    __shared__ double part_s[CERTIFY_MAX_WARPS][32], part_c[CERTIFY_MAX_WARPS][32];
    const int lane = threadIdx.x, seg = threadIdx.y, segs = blockDim.y;
    const int64_t n = a.n, blocks = (n + 31) / 32;
    const int64_t len = ((n + segs - 1) / segs + 7) / 8 * 8;
    const int64_t j0 = seg * len < n ? seg * len : n, j1 = j0 + len < n ? j0 + len : n;
    for (int64_t item = blockIdx.x; item < a.batch * blocks; item += gridDim.x) {
        const int64_t k = item / blocks, i = (item - k * blocks) * 32 + lane;
        if (!(a.report.converged[k] & CERTIFY_MEASURE)) continue; /* uniform over the block */
        const double* S = a.cov + k * n * n;
        const double* w = a.report.weights + k * n;
        double sw = 0.0, c = 0.0;
        if (i < n && w[i] != 0.0) {
            int64_t j = j0;
            for (; j + 8 <= j1; j += 8) { /* eight rows' loads in flight before the dependent sums */
                double sj[8], wj[8];
#pragma unroll
                for (int u = 0; u < 8; u++) {
                    sj[u] = S[(j + u) * n + i];
                    wj[u] = w[j + u];
                }
#pragma unroll
                for (int u = 0; u < 8; u++) dot2_add(sw, c, sj[u], wj[u]);
            }
            for (; j < j1; j++) dot2_add(sw, c, S[j * n + i], w[j]);
        }
        if (segs > 1) {
            part_s[seg][lane] = sw;
            part_c[seg][lane] = c;
            __syncthreads();
            if (seg == 0)
                for (int y = 1; y < segs; y++) {
                    dot2_add(sw, c, part_s[y][lane], 1.0); /* an exact product: TwoSum, its error into c */
                    c += part_c[y][lane];
                }
            __syncthreads(); /* the next item's partials wait until these are read */
        }
        if (seg == 0 && i < n) a.report.rc[k * n + i] = sw + c;
    }
}

/* Step 3, one warp per flagged problem: the variance, RC and the residual from (Σw), against the budgets the solve
   used (b/Σb, positive ones floored at MIN_BUDGET: the solve kernel's sum, in its order); the verdict rewritten. */
__global__ void certify_finish_kernel(SolveArgs a) {
    const int lane = threadIdx.x;
    const int64_t n = a.n;
    for (int64_t k = blockIdx.x; k < a.batch; k += gridDim.x) {
        const int32_t flag = a.report.converged[k];
        if (!(flag & CERTIFY_MEASURE)) continue;
        const bool claimed = (flag & 1) != 0;
        const double res = a.report.residual[k];
        const double* w = a.report.weights + k * n;
        const double* b = a.budgets_shared ? a.budgets : a.budgets + k * n;
        double* rc = a.report.rc + k * n;
        double part = 0.0;
        for (int64_t i = lane; i < n; i += 32) part += w[i] * rc[i];
        const double v = warp_sum(part);
        double bsum = 0.0;
        for (int64_t i = 0; i < n; i++) bsum += b[i];
        double worst = (v > 0.0 && isfinite(v)) ? 0.0 : NAN;
        for (int64_t i = lane; i < n; i += 32) {
            rc[i] = w[i] * rc[i] / v;
            const double bi = b[i] > 0.0 ? fmax(b[i] / bsum, MIN_BUDGET) : 0.0;
            worst = nan_max(worst, fabs(rc[i] - bi));
        }
        worst = warp_max(worst);
        __syncwarp(); /* every lane has read the flag before lane 0 rewrites it */
        if (lane == 0) { /* unconverged: the larger figure, so never below the weights' own nor below tol */
            a.report.residual[k] = claimed ? worst : fmax(res, worst);
            a.report.converged[k] = claimed && worst <= a.tol ? 1 : 0;
            a.report.volatility[k] = sqrt(v);
        }
        __syncwarp();
    }
}

/* Warps per 32 columns in certify_product_kernel: one per CERTIFY_ROWS_PER_WARP rows, at most CERTIFY_MAX_WARPS (one
   up to n = 511, so the batch's small problems keep a warp each; 8 from n = 2048). EQUIRISK_CERTIFY_WARPS=1…8 forces
   a count, read at each call (the driver's test of the merge at small n). */
int certify_warps(int64_t n) {
    const char* v = std::getenv("EQUIRISK_CERTIFY_WARPS");
    if (v != nullptr) {
        const int w = std::atoi(v);
        if (w >= 1 && w <= CERTIFY_MAX_WARPS) return w;
    }
    const int64_t w = n / CERTIFY_ROWS_PER_WARP;
    return (int)(w < 1 ? 1 : w > CERTIFY_MAX_WARPS ? CERTIFY_MAX_WARPS : w);
}

cudaError_t launch_certify(const SolveArgs& a, cudaStream_t stream) {
    if (a.batch <= 0) return cudaSuccess; /* an empty grid is a launch error */
    const int64_t grid = std::min<int64_t>(a.batch, 4096);
    ER_LAUNCH(certify_bound_kernel, dim3((unsigned)grid), dim3(32), 0, stream, a);
    cudaError_t e = cudaGetLastError();
    if (e != cudaSuccess) return e;
    const int64_t items = a.batch * ((a.n + 31) / 32);
    ER_LAUNCH(certify_product_kernel, dim3((unsigned)std::min<int64_t>(items, 65536)), dim3(32, certify_warps(a.n)), 0,
              stream, a);
    e = cudaGetLastError();
    if (e != cudaSuccess) return e;
    ER_LAUNCH(certify_finish_kernel, dim3((unsigned)grid), dim3(32), 0, stream, a);
    return cudaGetLastError();
}

cudaError_t launch_solve(const SolveArgs& a, const SolvePlan& plan, cudaStream_t stream) {
    const cudaError_t e = launch_solve_paths(a, plan, stream);
    return e != cudaSuccess ? e : launch_certify(a, stream);
}

cudaError_t launch_solve_paths(const SolveArgs& a, const SolvePlan& plan, cudaStream_t stream) {
    if (plan.wide) return launch_solve_wide(a, plan, stream);
    Config cfg;
    cfg.cov = a.cov;
    cfg.budgets = a.budgets;
    cfg.budgets_shared = a.budgets_shared;
    cfg.batch = a.batch;
    cfg.n = (int)a.n;
    cfg.tol = a.tol;
    cfg.max_iter = a.max_iter;
    cfg.solver = a.solver;
    cfg.c_in_shared = plan.c_in_shared;
    cfg.c_packed = plan.c_packed;
    cfg.vec_in_shared = plan.vec_in_shared;
    cfg.mix_in_shared = plan.mix_in_shared;
    cfg.newton_cg = plan.newton_cg;
    cfg.work_per_block = (int64_t)plan.work_doubles_per_block;
    cfg.work = a.work;
    cfg.report = a.report;
    void (*kernel)(Config) = solve_kernel_for(plan.c_packed, plan.lane_entries);
    ER_LAUNCH(kernel, dim3(plan.grid), dim3(plan.threads), plan.shared_bytes, stream, cfg);
    cudaError_t e = cudaGetLastError();
    if (e != cudaSuccess || plan.c_packed == 0 || plan.newton_cg == 0) return e;
    /* the warp path's Newton stage: its blocks skip every problem the CCD stage did not hand to Newton */
    void (*newton_stage)(Config) = solve_kernel_for(plan.c_packed, plan.lane_entries, true);
    ER_LAUNCH(newton_stage, dim3(plan.grid), dim3(plan.threads), plan.shared_bytes, stream, cfg);
    return cudaGetLastError();
}

}  // namespace er

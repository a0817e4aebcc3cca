/*
 * Batched risk-budgeting solve: for each problem, long-only w (Σw = 1) with w_i(Σw)_i/wᵀΣw = b_i. The algorithm
 * mirrors the pure-Java engine step by step (active set, correlation scaling, CCD with the stall rule, damped
 * Newton, the final report on the original Σ), so both agree within 1e-9 on weights.
 *
 * Decomposition (see kernels/README.md for the numbers):
 * - n ≤ 128: one warp (a 32-thread block) per problem, C's strict upper triangle packed in shared memory in FP32
 *   (half the bytes, so twice the problems per SM) for the sweeps' rank-1 updates only, the CCD state in registers,
 *   no barrier per coordinate (warp_ccd_sweep). Everything that must be exact (start point, the exact residual,
 *   Newton) reads C_pq = Σ_ij/(σ_iσ_j) from Σ in FP64, and q is recomputed exactly when the sweeps approach
 *   convergence, so the answer is the FP64 problem's. Larger n:
 * - One thread block per problem, blocks grid-striding over the batch (a persistent grid sized to what is
 *   resident), so the global workspace is per block, not per problem.
 * - The correlation matrix C (na × na FP64) lives in dynamic shared memory while it fits the opt-in limit with the
 *   vectors (n ≤ ~165 on H100/H200 at 227 KiB); otherwise in the block's global workspace, where it stays L2-resident
 *   for moderate n. The vectors (y, Cy, b, σ, …: 7n doubles) live in shared memory up to n ≈ 3,400.
 * - Every sweep is Anderson-mixed (anderson_mix).
 * - CCD is sequential over coordinates: one barrier per coordinate; each thread owns the entries j ≡ tid (mod T)
 *   of the rank-1 update and prefetches its part of the next row of C into registers while the current
 *   coordinate's root is computed. The diagonal is kept out of the maintained vector (q = Cy − y), so no entry is
 *   read and written in the same barrier interval.
 * - Newton: H = C + diag(b/y²) factored H = UᵀU (right-looking, one row of U per step, two barriers per step,
 *   the trailing update spread over the threads), U in the global workspace; triangular solves one barrier per row.
 * - Reductions (dot products, maxima): warp shuffles, then one value per warp through shared memory; every
 *   thread sums the warp partials in the same order, so all threads hold the same value and take the same branch.
 */
#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <cstring>

#include "er_kernels.h"

namespace er {
namespace {

constexpr int MAX_THREADS = 512;
constexpr int OWN = 8;                  /* register-cached entries per thread in the CCD update (n ≤ OWN·T) */
constexpr int NEWTON_MAX_STEPS = 200;   /* Newton's own cap (the Java engine's DampedNewton.MAX_STEPS) */
constexpr int SCRATCH = 40;             /* doubles of reduction scratch (one per warp + broadcast slots) */

__device__ __forceinline__ double warp_sum(double v) {
#pragma unroll
    for (int o = 16; o > 0; o >>= 1) v += __shfl_xor_sync(0xffffffffu, v, o);
    return v;
}

/* Maximum that propagates NaN (fmax would drop it). */
__device__ __forceinline__ double nan_max(double a, double b) { return (a != a || b != b) ? NAN : (a > b ? a : b); }

__device__ __forceinline__ double warp_max(double v) {
#pragma unroll
    for (int o = 16; o > 0; o >>= 1) v = nan_max(v, __shfl_xor_sync(0xffffffffu, v, o));
    return v;
}

/* Sum over the block; every thread returns the same value. */
__device__ double block_sum(double v, double* scratch) {
    v = warp_sum(v);
    const int nw = blockDim.x / 32;
    __syncthreads(); /* scratch is free */
    if ((threadIdx.x & 31) == 0) scratch[threadIdx.x / 32] = v;
    __syncthreads();
    double s = 0.0;
    for (int w = 0; w < nw; w++) s += scratch[w];
    return s;
}

__device__ double block_max(double v, double* scratch) {
    v = warp_max(v);
    const int nw = blockDim.x / 32;
    __syncthreads();
    if ((threadIdx.x & 31) == 0) scratch[threadIdx.x / 32] = v;
    __syncthreads();
    double m = scratch[0];
    for (int w = 1; w < nw; w++) m = nan_max(m, scratch[w]);
    return m;
}

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
    float* Cf;  /* warp path: C's strict upper triangle in FP32, column by column: C_pq (p < q) at q(q−1)/2 + p */
    const double* S; /* this problem's Σ (n × n, global memory): the warp path's exact C, C_pq = S_ij / (σ_i σ_j) */
    int n;
    double* U;
    double* scratch;
    int packed; /* the warp path: C is Cf for the sweeps' rank-1 updates and S everywhere else */
};

/* The warp path's packed triangle holds C_pq (p < q) at q(q−1)/2 + p. Column q is contiguous, so a warp reading
   column q (consecutive p) is conflict-free, and a warp reading row p (consecutive q: offsets q(q−1)/2 + p) hits
   distinct 4-byte banks too, up to 2-way at some starting q (triangular numbers mod 32 over 32 consecutive q). */

/* C_pq exactly, in FP64 (1 on the diagonal): the block path's C, or on the warp path from Σ itself; the loops
   that call it give consecutive threads consecutive q, so a warp reads a stretch of one row of Σ: coalesced. */
__device__ __forceinline__ double c_at(const Problem& P, int p, int q) {
    if (!P.packed) return P.C[(int64_t)p * P.na + q];
    if (p == q) return 1.0;
    return P.S[(int64_t)P.idx[p] * P.n + P.idx[q]] / (P.sig[p] * P.sig[q]);
}

/* out = C v exactly: thread p computes entry p from column p (C symmetric), so at each q a warp reads a stretch
   of row q: coalesced. */
__device__ void sym_matvec(const Problem& P, const double* v, double* out) {
    const int na = P.na;
    for (int p = threadIdx.x; p < na; p += blockDim.x) {
        double s = 0.0;
        if (P.packed) {
            for (int q = 0; q < na; q++) s = fma(c_at(P, q, p), v[q], s);
        } else {
            for (int q = 0; q < na; q++) s = fma(P.C[(int64_t)q * na + p], v[q], s);
        }
        out[p] = s;
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
        const double ynew = 0.5 * (-c + sqrt(fma(c, c, 4.0 * bi)));
        const double dy = ynew - yi;
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

/* One CCD sweep by a block of one warp, C packed in shared memory (FP32, widened on load), the state in
   registers: lane l owns j = l + 32r (r < WR) of y, q = Cy − y and b. Coordinate i's q_i, y_i and b_i come from
   their owner lane by shuffles; no barrier anywhere (nothing in memory is written until the sweep ends). Each lane loads its entries of row i + 1 of C before computing root i, so the shared
   loads stay off the sequential chain. Same arithmetic, in the same order, as ccd_sweep (with C rounded to FP32).
   Writes y and q back and returns the residual max_p |y_p (Cy)_p / yᵀCy − b_p| on the maintained q (the value
   residual(P, true) computes). */
__device__ double warp_ccd_sweep(const Problem& P) {
    const int na = P.na, lane = threadIdx.x;
    const float* C = P.Cf;
    double y[WR], q[WR], b[WR], cur[WR];
    int tj[WR];
#pragma unroll
    for (int r = 0; r < WR; r++) {
        const int j = lane + 32 * r;
        const bool in = j < na;
        y[r] = in ? P.y[j] : 0.0;
        q[r] = in ? P.q[j] : 0.0;
        b[r] = in ? P.b[j] : 0.0;
        tj[r] = j * (j - 1) / 2;
        cur[r] = (in && j > 0) ? (double)C[tj[r]] : 0.0; /* row 0: C_0j */
    }
#pragma unroll
    for (int ri = 0; ri < WR; ri++) {
        for (int l = 0; l < 32; l++) {
            const int i = 32 * ri + l;
            if (i >= na) break; /* uniform over the warp */
            /* y_i and b_i from their owner lane's registers, not loaded from the workspace (global memory, where
               the block's own stores reach L2): on an H200 the batch went from 16.0 to 15.0–15.1 ms. The two
               shuffles do not depend on the chain and issue beside the one for q_i. */
            const double yi = __shfl_sync(0xffffffffu, y[ri], l);
            const double bi = __shfl_sync(0xffffffffu, b[ri], l);
            const double c = __shfl_sync(0xffffffffu, q[ri], l);
            double nxt[WR];
            const int i1 = i + 1, t1 = i1 * (i1 - 1) / 2;
#pragma unroll
            for (int r = 0; r < WR; r++) {
                const int j = lane + 32 * r;
                nxt[r] = (i1 < na && j < na && j != i1) ? (double)C[j < i1 ? t1 + j : tj[r] + i1] : 0.0;
            }
            const double ynew = 0.5 * (-c + sqrt(fma(c, c, 4.0 * bi)));
            const double dy = ynew - yi;
#pragma unroll
            for (int r = 0; r < WR; r++) {
                const int j = lane + 32 * r;
                if (j < na && j != i) q[r] = fma(cur[r], dy, q[r]);
                cur[r] = nxt[r];
            }
            if (lane == l) y[ri] = ynew;
        }
    }
    double part = 0.0;
#pragma unroll
    for (int r = 0; r < WR; r++) {
        const int j = lane + 32 * r;
        if (j < na) {
            P.y[j] = y[r];
            P.q[j] = q[r];
            part += y[r] * (q[r] + y[r]);
        }
    }
    const double s = warp_sum(part);
    double m = 0.0;
#pragma unroll
    for (int r = 0; r < WR; r++)
        if (lane + 32 * r < na) m = nan_max(m, fabs(y[r] * (q[r] + y[r]) / s - b[r]));
    m = warp_max(m);
    __syncthreads(); /* y and q in memory for what follows */
    return m;
}

/* Damped Newton on f(y) = ½yᵀCy − Σb ln y from the current y. Returns steps taken; *ok = 0 when it stopped
   without reaching tol/2 (cap, failed Cholesky, no positive step). *chol_failed = 1 on a failed factorisation. */
__device__ int newton(const Problem& P, double tol, int cap, int* ok, int* chol_failed) {
    const int na = P.na, T = blockDim.x, tid = threadIdx.x;
    int steps = 0;
    *ok = 0;
    *chol_failed = 0;
    for (;;) {
        __syncthreads();
        sym_matvec(P, P.y, P.q); /* q = Cy exactly */
        __syncthreads();
        const double r = residual(P, false);
        if (r <= 0.5 * tol) {
            *ok = 1;
            return steps;
        }
        if (steps >= cap || !(r == r)) return steps;
        for (int p = tid; p < na; p += T) P.g[p] = P.q[p] - P.b[p] / P.y[p];
        for (int64_t e = tid; e < (int64_t)na * na; e += T) {
            const int p = (int)(e / na);
            const int qq = (int)(e - (int64_t)p * na);
            P.U[e] = c_at(P, p, qq) + (p == qq ? P.b[p] / (P.y[p] * P.y[p]) : 0.0);
        }
        __syncthreads();
        /* H = UᵀU, U upper; row k of U overwrites row k of H (diagonal kept in P.diag) */
        for (int k = 0; k < na; k++) {
            const double piv = P.U[(int64_t)k * na + k];
            if (!(piv > 0.0) || !isfinite(piv)) {
                *chol_failed = 1; /* every thread read the same pivot: the whole block leaves */
                return steps;
            }
            const double ukk = sqrt(piv);
            double* rowk = P.U + (int64_t)k * na;
            for (int j = k + 1 + tid; j < na; j += T) rowk[j] /= ukk;
            if (tid == 0) P.diag[k] = ukk;
            __syncthreads();
            const int m = na - k - 1;
            for (int64_t e = tid; e < (int64_t)m * m; e += T) {
                const int a = (int)(e / m), c = (int)(e - (int64_t)a * m);
                if (c >= a) P.U[(int64_t)(k + 1 + a) * na + (k + 1 + c)] -= rowk[k + 1 + a] * rowk[k + 1 + c];
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
            if (h == 200) return steps; /* no step keeps y positive */
            t *= 0.5;
        }
        for (int p = tid; p < na; p += T) P.y[p] -= t * P.d[p];
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
constexpr int MIX_TERMS = MIX_DEPTH * (MIX_DEPTH + 1) / 2 + MIX_DEPTH; /* the Gram matrix's triangle + the rhs */
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
        const double w = 1.0 / P.y[p], wf = w * M.pf[p];
        double wdf[MIX_DEPTH];
#pragma unroll
        for (int u = 0; u < MIX_DEPTH; u++) wdf[u] = u < m ? w * M.df[u * na + p] : 0.0;
        int k = 0;
#pragma unroll
        for (int u = 0; u < MIX_DEPTH; u++) {
#pragma unroll
            for (int v = 0; v <= u; v++) sums[k++] += wdf[u] * wdf[v];
            sums[MIX_DEPTH * (MIX_DEPTH + 1) / 2 + u] += wdf[u] * wf;
        }
    }
    block_sum_many(sums, M.buf);
    /* Cholesky of the m × m system (every thread the same numbers), regularised like the Java engine's */
    double a[MIX_DEPTH][MIX_DEPTH], gam[MIX_DEPTH];
    double scale = 0.0;
    {
        int k = 0;
#pragma unroll
        for (int u = 0; u < MIX_DEPTH; u++)
#pragma unroll
            for (int v = 0; v <= u; v++) {
                a[u][v] = sums[k++];
                if (u == v && u < m) scale = fmax(scale, a[u][u]);
            }
    }
    bool ok = scale > 0.0 && isfinite(scale);
#pragma unroll
    for (int j = 0; j < MIX_DEPTH; j++) {
        if (j >= m || !ok) break;
        double d = a[j][j] + 1e-12 * scale;
#pragma unroll
        for (int t = 0; t < MIX_DEPTH; t++)
            if (t < j) d -= a[j][t] * a[j][t];
        if (!(d > 0.0)) {
            ok = false;
            break;
        }
        a[j][j] = sqrt(d);
#pragma unroll
        for (int i = 0; i < MIX_DEPTH; i++) {
            if (i <= j || i >= m) continue;
            double t = a[i][j];
#pragma unroll
            for (int c = 0; c < MIX_DEPTH; c++)
                if (c < j) t -= a[i][c] * a[j][c];
            a[i][j] = t / a[j][j];
        }
    }
    if (ok) {
#pragma unroll
        for (int i = 0; i < MIX_DEPTH; i++) {
            if (i >= m) break;
            double t = sums[MIX_DEPTH * (MIX_DEPTH + 1) / 2 + i];
#pragma unroll
            for (int c = 0; c < MIX_DEPTH; c++)
                if (c < i) t -= a[i][c] * gam[c];
            gam[i] = t / a[i][i];
        }
#pragma unroll
        for (int i = MIX_DEPTH - 1; i >= 0; i--) {
            if (i >= m) continue;
            double t = gam[i];
#pragma unroll
            for (int c = 0; c < MIX_DEPTH; c++)
                if (c > i && c < m) t -= a[c][i] * gam[c];
            gam[i] = t / a[i][i];
        }
    }
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
    int64_t work_per_block;
    double* work;
    double* weights;
    double* rc;
    int32_t* iterations;
    double* residual;
    int32_t* converged;
    int32_t* solver_used;
    double* volatility;
};

/* Vector storage per block: 7 n doubles, n ints (as doubles' worth), then C when it is shared. */
__host__ __device__ constexpr int64_t vec_doubles(int64_t n) { return SCRATCH + 7 * n + (n + 1) / 2 + 2; }

/* One instantiation per path. The warp path (one-warp blocks) is sized for 10 resident problems per SM, what
   shared memory holds at n = 100 (20.1 KB each): at most 204 registers a thread (the block path's 128 cap made
   ptxas spill here). The block path is capped at 128 by its 512 threads. */
constexpr int WARP_PATH_BLOCKS_PER_SM = 10;
template <int BLOCK_MAX, int MIN_BLOCKS>
__global__ void __launch_bounds__(BLOCK_MAX, MIN_BLOCKS) solve_kernel(Config cfg) {
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
    P.packed = cfg.c_packed;
    P.n = n;
    if (cfg.c_packed) {
        P.scratch = smem;
        P.Cf = reinterpret_cast<float*>(smem + SCRATCH);
        P.U = wnext;
    } else if (cfg.c_in_shared) {
        P.C = smem + vec_doubles(n);
        P.U = wnext;
    } else {
        P.C = wnext;
        P.U = wnext + (int64_t)n * n;
    }
    P.diag = P.U + (int64_t)n * n; /* n doubles after U in the workspace */

    for (int64_t k = blockIdx.x; k < cfg.batch; k += gridDim.x) {
        const double* S = cfg.cov + k * (int64_t)n * n;
        P.S = S;
        const double* bb = cfg.budgets + (cfg.budgets_shared ? 0 : k * (int64_t)n);
        __syncthreads(); /* the previous problem is done with every buffer */
        /* a. active set, in index order */
        if (tid == 0) {
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
            P.b[p] = bb[i] / bsum;
            P.sig[p] = sqrt(S[(int64_t)i * n + i]);
        }
        __syncthreads();
        if (cfg.c_packed) {
            /* entry e of the packed triangle is C_pq, q(q−1)/2 ≤ e < q(q+1)/2, p = e − q(q−1)/2; consecutive
               threads read consecutive entries of row q of Σ (its lower part; Σ is symmetric): coalesced */
            const int np = na * (na - 1) / 2;
#pragma unroll 4
            for (int e = tid; e < np; e += T) {
                int q = (int)((1.0 + sqrt(1.0 + 8.0 * e)) * 0.5);
                while (q * (q - 1) / 2 > e) q--;
                while (q * (q + 1) / 2 <= e) q++;
                const int p = e - q * (q - 1) / 2;
                P.Cf[e] = (float)(S[(int64_t)idx[q] * n + idx[p]] / (P.sig[p] * P.sig[q]));
            }
        } else {
            for (int64_t e = tid; e < (int64_t)na * na; e += T) {
                const int p = (int)(e / na), q = (int)(e - (int64_t)p * na);
                P.C[e] = p == q ? 1.0 : S[(int64_t)idx[p] * n + idx[q]] / (P.sig[p] * P.sig[q]);
            }
        }
        __syncthreads();
        /* c. y = b / sqrt(bᵀCb) */
        sym_matvec(P, P.b, P.q);
        __syncthreads();
        double part = 0.0;
        for (int p = tid; p < na; p += T) part += P.b[p] * P.q[p];
        const double bcb = block_sum(part, P.scratch);
        for (int p = tid; p < na; p += T) P.y[p] = P.b[p] / sqrt(bcb);
        __syncthreads();

        int sweeps = 0, steps = 0, used = 0, chol_failed = 0;
        if (cfg.solver != 2) {
            /* d./e. CCD, with the stall rule under AUTO */
            used = 1;
            bool to_newton = false;
            double hist[6]; /* r_k for the last six k; r_0 is the residual of the starting point */
            exact_offdiag(P);
            hist[0] = residual(P, true);
            Mixer mixer = mixer_at(P.U, na); /* U is Newton's, free until CCD ends */
            bool refreshed = false;
            int stall_from = 0;
            const double refresh_at = sqrt(cfg.tol);
            for (;;) {
                for (int p = tid; p < na; p += T) P.d[p] = P.y[p]; /* the sweep's input, for the mixer */
                double r;
                if (cfg.c_packed) {
                    r = warp_ccd_sweep(P);
                } else {
                    ccd_sweep(P);
                    r = residual(P, true);
                }
                sweeps++;
                /* The exact q = Cy − y replaces the maintained one when the sweeps' residual says converged, and
                   once on the warp path when it first falls below sqrt(tol): that path's sweeps update q with C
                   rounded to FP32, so q drifts from the exact value by (C − C₃₂)·(y's movement since q was last
                   exact), ~6e-8 of that movement; after the early refresh the movement left is ≲ sqrt(tol) and
                   so is the drift, ×6e-8, far below tol: the sweeps converge to the exact problem's solution. */
                const bool check = r <= 0.5 * cfg.tol;
                if (check || (cfg.c_packed && !refreshed && r <= refresh_at)) {
                    exact_offdiag(P);
                    r = residual(P, true);
                    if (check && r <= 0.5 * cfg.tol) break;
                    refreshed = true;
                    /* q jumped: the stall rule measures its rate afresh, and the mixer's history restarts (its q
                       differences assume q linear in y; kept across the jump they leave a floor near tol) */
                    stall_from = sweeps;
                    mixer.stored = 0;
                    mixer.next = 0;
                    mixer.have = false;
                }
                hist[sweeps % 6] = r;
                const bool finite = isfinite(r);
                if (!finite || sweeps >= cfg.max_iter) {
                    to_newton = cfg.solver != 1; /* CCD alone stops there, unconverged */
                    break;
                }
                if (cfg.solver != 1 && sweeps - stall_from >= 5) {
                    const double rate = pow(r / hist[(sweeps - 5) % 6], 0.2);
                    if (!(rate < 1.0) || log(cfg.tol / (2.0 * r)) / log(rate) > 2.0 * na + 50.0) {
                        to_newton = true;
                        break;
                    }
                }
                anderson_mix(P, mixer);
                __syncthreads(); /* the mixed y and q, written by their owners, before the next sweep reads them */
            }
            if (to_newton) {
                used = 3;
                int ok;
                steps = newton(P, cfg.tol, NEWTON_MAX_STEPS, &ok, &chol_failed);
            }
        } else {
            used = 2;
            int ok;
            steps = newton(P, cfg.tol, cfg.max_iter < NEWTON_MAX_STEPS ? cfg.max_iter : NEWTON_MAX_STEPS, &ok,
                           &chol_failed); /* as the Java engine: min(max_iter, 200) */
        }
        __syncthreads();
        /* g. weights from y, report on the original Σ: x = y/σ, w = x/Σx; g holds w over all n assets */
        double* w = P.g;
        double* sw = P.d;
        part = 0.0;
        for (int p = tid; p < na; p += T) part += P.y[p] / P.sig[p];
        const double sx = block_sum(part, P.scratch);
        for (int i = tid; i < n; i += T) w[i] = 0.0;
        __syncthreads();
        for (int p = tid; p < na; p += T) w[idx[p]] = (P.y[p] / P.sig[p]) / sx;
        __syncthreads();
        part = 0.0;
        for (int i = tid; i < n; i += T) {
            double s = 0.0;
#pragma unroll 8 /* the loads do not depend on the FMA chain: several in flight */
            for (int j = 0; j < n; j++) s = fma(S[(int64_t)j * n + i], w[j], s);
            sw[i] = s;
            part += w[i] * s;
        }
        const double v = block_sum(part, P.scratch);
        double m = 0.0;
        for (int i = tid; i < n; i += T) {
            const double rci = bb[i] > 0.0 ? w[i] * sw[i] / v : 0.0;
            cfg.weights[k * n + i] = w[i];
            cfg.rc[k * n + i] = rci;
            const double term = (isfinite(w[i]) && isfinite(rci)) ? fabs(rci - bb[i] / bsum) : NAN;
            m = nan_max(m, term);
        }
        const double res = block_max(m, P.scratch);
        if (tid == 0) {
            const bool finite = isfinite(res) && isfinite(v) && v > 0.0;
            cfg.iterations[k] = sweeps + steps;
            cfg.residual[k] = finite ? res : NAN;
            cfg.converged[k] = (finite && res <= cfg.tol && !chol_failed) ? 1 : 0;
            cfg.solver_used[k] = used;
            cfg.volatility[k] = sqrt(v);
        }
    }
}

}  // namespace

cudaError_t plan_solve(int device, int64_t n, int64_t batch, SolvePlan* plan) {
    cudaDeviceProp prop;
    cudaError_t e = cudaGetDeviceProperties(&prop, device);
    if (e != cudaSuccess) return e;
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
    /* EQUIRISK_SOLVE_C=global: keep C in the (L2-resident) workspace even where shared memory would hold it, so
       more problems are resident per SM; a tuning experiment for the GPU session (see README) */
    const char* placement = std::getenv("EQUIRISK_SOLVE_C");
    if (placement != nullptr && std::strncmp(placement, "global", 6) == 0) plan->c_in_shared = 0;
    /* global-all: the vectors too (the path for n ≳ 3,400), so that CI covers it at small n */
    if (placement != nullptr && std::strcmp(placement, "global-all") == 0) plan->vec_in_shared = 0;
    /* n ≤ 128: a warp per problem with the packed strict upper triangle of C in FP32 in shared memory (n = 100:
       20.1 KB, 10 problems per SM; 39.9 KB and 5 in FP64) and the vectors in the workspace (L1);
       EQUIRISK_SOLVE_C=block|global… keeps the block path */
    const size_t packed_bytes = (size_t)SCRATCH * sizeof(double) + (size_t)(n * (n - 1) / 2) * sizeof(float);
    if (n <= WARP_N && placement == nullptr && packed_bytes <= limit) {
        plan->threads = 32;
        plan->c_packed = 1;
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
    void (*kernel)(Config) = plan->c_packed ? solve_kernel<32, WARP_PATH_BLOCKS_PER_SM> : solve_kernel<MAX_THREADS, 1>;
    e = cudaFuncSetAttribute(kernel, cudaFuncAttributeMaxDynamicSharedMemorySize, (int)plan->shared_bytes);
    if (e != cudaSuccess) return e;
    int per_sm = 0;
    e = cudaOccupancyMaxActiveBlocksPerMultiprocessor(&per_sm, kernel, plan->threads, plan->shared_bytes);
    if (e != cudaSuccess) return e;
    if (per_sm < 1) per_sm = 1;
    const int64_t resident = (int64_t)per_sm * prop.multiProcessorCount;
    plan->grid = (int)(batch < resident ? batch : resident);
    if (plan->grid < 1) plan->grid = 1;
    return cudaSuccess;
}

cudaError_t launch_solve(const SolveArgs& a, const SolvePlan& plan, cudaStream_t stream) {
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
    cfg.work_per_block = (int64_t)plan.work_doubles_per_block;
    cfg.work = a.work;
    cfg.weights = a.weights;
    cfg.rc = a.rc;
    cfg.iterations = a.iterations;
    cfg.residual = a.residual;
    cfg.converged = a.converged;
    cfg.solver_used = a.solver_used;
    cfg.volatility = a.volatility;
    void (*kernel)(Config) = plan.c_packed ? solve_kernel<32, WARP_PATH_BLOCKS_PER_SM> : solve_kernel<MAX_THREADS, 1>;
    ER_LAUNCH(kernel, dim3(plan.grid), dim3(plan.threads), plan.shared_bytes, stream, cfg);
    return cudaGetLastError();
}

}  // namespace er

/*
 * Batched covariance over windows of a row-major (rows × n) return table, in FP64.
 *
 *   cov_k = scale · Σ_t w_t (r_t − m)(r_t − m)ᵀ over rows [start_k, start_k + window)
 *   sample: m = window mean, w_t = 1, scale = 1/(window − 1);  EWMA: m = 0, w_t = λ^(window−1−t)/Σλ^…, scale = 1.
 *
 * A means kernel, then a symmetric rank-k product over the upper-triangle 64 × 64 tiles of each matrix, every entry
 * written to (i,j) and (j,i) from one value so the matrix is exactly symmetric. Grid: x over upper-triangle tiles,
 * y over windows; both grid-stride, so any grid size is correct. Two product kernels:
 * - syrk_tensor_kernel (the default above 32 assets): FP64 tensor cores (DMMA, wmma m8n8k4, sm_80+; every
 *   architecture this library is built for has them): H100 SXM peaks at 67 TFLOP/s there against 34 on the FP64
 *   CUDA cores.
 * - syrk_kernel (EQUIRISK_COV_KERNEL=simt): the CUDA-core version, 4 × 4 register blocks; kept to compare on a GPU
 *   and as the plainer statement of the same computation.
 * - syrk_window_kernel (the default up to 32 assets; EQUIRISK_COV_KERNEL=window up to 128): the tensor-core product
 *   with one window per block, for many small windows; the tile kernel's bits. Faster than the tiles only at n ≤ 32
 *   on an H200 (cov_kernel says by how much).
 */
#include <cstdlib>
#include <cstring>

#include "er_kernels.h"

namespace er {
namespace {

constexpr int TILE = 64;          /* output tile edge */
constexpr int KT = 16;            /* rows of returns staged per step */
constexpr int TX = 16, TY = 16;   /* 256 threads; each owns a 4 × 4 block of the tile */
constexpr int MICRO = TILE / TX;  /* 4 */

/* Window means: a block per (32 assets, window) at a time, blockDim.y ≤ MEAN_SLICES row slices of 32 threads.
   Thread (x, y) sums rows y, y + blockDim.y, … of asset j0 + x (a warp reads 32 consecutive assets of a row:
   coalesced); the slices' partial sums meet in shared memory and are added in slice order. One thread per asset walking the
   whole window waited on T loads in turn: at N = 5000, T = 2520 only 157 warps on the whole GPU, each ~2,500
   round trips deep, about a tenth of the covariance's time on an H200. */
constexpr int MEAN_SLICES = 16;

__global__ void __launch_bounds__(32 * MEAN_SLICES) mean_kernel(const double* __restrict__ r, int64_t n,
                                                                const int64_t* __restrict__ starts, int64_t count,
                                                                int64_t window, int kind, double* __restrict__ means) {
    __shared__ double part[MEAN_SLICES][32];
    const int x = threadIdx.x, y = threadIdx.y;
    for (int64_t k = blockIdx.y; k < count; k += gridDim.y) {
        for (int64_t j0 = 32 * (int64_t)blockIdx.x; j0 < n; j0 += 32 * (int64_t)gridDim.x) {
            const int64_t j = j0 + x;
            double s = 0.0;
            if (kind == 0 && j < n) {
                const double* col = r + starts[k] * n + j;
#pragma unroll 4
                for (int64_t t = y; t < window; t += blockDim.y) s += col[t * n];
            }
            __syncthreads(); /* part is free */
            part[y][x] = s;
            __syncthreads();
            if (y == 0 && j < n) {
                double m = 0.0;
                for (int q = 0; q < (int)blockDim.y; q++) m += part[q][x];
                means[k * n + j] = kind == 0 ? m / (double)window : 0.0;
            }
        }
    }
}

/* Index p of the upper-triangle tiles (row-major over ti ≤ tj) → (ti, tj). */
__device__ __forceinline__ void tile_of(int64_t p, int64_t nt, int64_t* ti, int64_t* tj) {
    int64_t row = 0;
    while (p >= nt - row) {
        p -= nt - row;
        row++;
    }
    *ti = row;
    *tj = row + p;
}

__global__ void __launch_bounds__(TX * TY) syrk_kernel(const double* __restrict__ r, int64_t n,
                                                       const int64_t* __restrict__ starts, int64_t count,
                                                       int64_t window, const double* __restrict__ weights,
                                                       const double* __restrict__ means, double scale,
                                                       double* __restrict__ out) {
    /* a: weighted column block i of the window, b: column block j; padded by one against bank conflicts when
       the staging loop writes rows */
    __shared__ double a_s[KT][TILE + 1];
    __shared__ double b_s[KT][TILE + 1];
    const int tx = threadIdx.x, ty = threadIdx.y, tid = ty * TX + tx;
    const int64_t nt = (n + TILE - 1) / TILE;
    const int64_t ntiles = nt * (nt + 1) / 2;

    for (int64_t k = blockIdx.y; k < count; k += gridDim.y) {
        const double* rk = r + starts[k] * n;
        const double* mk = means + k * n;
        for (int64_t p = blockIdx.x; p < ntiles; p += gridDim.x) {
            int64_t ti, tj;
            tile_of(p, nt, &ti, &tj);
            const int64_t i0 = ti * TILE, j0 = tj * TILE;
            double acc[MICRO][MICRO];
#pragma unroll
            for (int u = 0; u < MICRO; u++)
#pragma unroll
                for (int v = 0; v < MICRO; v++) acc[u][v] = 0.0;

            for (int64_t t0 = 0; t0 < window; t0 += KT) {
                for (int e = tid; e < KT * TILE; e += TX * TY) {
                    const int tt = e / TILE, c = e - tt * TILE;
                    const int64_t t = t0 + tt;
                    double av = 0.0, bv = 0.0;
                    if (t < window) {
                        const double wt = weights != nullptr ? weights[t] : 1.0;
                        if (i0 + c < n) av = (rk[t * n + i0 + c] - mk[i0 + c]) * wt;
                        if (j0 + c < n) bv = rk[t * n + j0 + c] - mk[j0 + c];
                    }
                    a_s[tt][c] = av;
                    b_s[tt][c] = bv;
                }
                __syncthreads();
#pragma unroll 4
                for (int tt = 0; tt < KT; tt++) {
                    double av[MICRO], bv[MICRO];
#pragma unroll
                    for (int u = 0; u < MICRO; u++) av[u] = a_s[tt][ty + TY * u];
#pragma unroll
                    for (int v = 0; v < MICRO; v++) bv[v] = b_s[tt][tx + TX * v];
#pragma unroll
                    for (int u = 0; u < MICRO; u++)
#pragma unroll
                        for (int v = 0; v < MICRO; v++) acc[u][v] = fma(av[u], bv[v], acc[u][v]);
                }
                __syncthreads();
            }
            double* ok = out + k * n * n;
#pragma unroll
            for (int u = 0; u < MICRO; u++) {
                const int64_t i = i0 + ty + TY * u;
#pragma unroll
                for (int v = 0; v < MICRO; v++) {
                    const int64_t j = j0 + tx + TX * v;
                    /* i ≤ j only: on a diagonal tile (i,j) and (j,i) would differ by rounding (the weight sits
                       on one side), and one thread must own both entries */
                    if (i < n && j < n && i <= j) {
                        const double val = acc[u][v] * scale;
                        ok[i * n + j] = val;
                        ok[j * n + i] = val;
                    }
                }
            }
        }
    }
}


/* ---- the tensor-core product ----
   A 128-thread block computes one 64 × 64 tile; its four warps each own a 32 × 32 quadrant as 4 × 4 accumulator
   fragments (8 × 8 each). Per step TC_KT rows of both column panels are staged in shared memory, demeaned (and
   weighted on the i side) on the way in; the next step's rows are loaded into registers while the current step's
   fragments are multiplied, so the global loads' latency hides behind the DMMAs.
   Layouts: a_s[t][i] is the panel X_I as stored (t-major), which is Aᵀ for A = X_Iᵀ, i.e. A in column-major order;
   b_s[t][j] is B = X_J in row-major order. Rows are TC_LD = 68 doubles (544 B) apart: a multiple of 32 B, as
   load/store_matrix_sync require, and 8 banks of shift per row, so an 8 × 4 fragment load touches each bank twice
   (2 wavefronts, the minimum for 256 B) where 64 would make it 4-way. */
constexpr int TC_TILE = 64;
constexpr int TC_KT = 16;
constexpr int TC_LD = TC_TILE + 4;
constexpr int TC_THREADS = 128;
constexpr int TC_ROWS_PER_THREAD = TC_KT * TC_TILE / TC_THREADS; /* 8 staged rows of each panel per thread */
constexpr int TC_ROW_STEP = TC_THREADS / TC_TILE;                /* 2: thread tid stages column tid % 64 */
constexpr int TC_FRAGS = 4;                                      /* 4 × 4 fragments of 8 × 8 per warp */

namespace wmma = nvcuda::wmma;
using FragA = wmma::fragment<wmma::matrix_a, 8, 8, 4, double, wmma::col_major>;
using FragB = wmma::fragment<wmma::matrix_b, 8, 8, 4, double, wmma::row_major>;
using FragC = wmma::fragment<wmma::accumulator, 8, 8, 4, double>;

__global__ void __launch_bounds__(TC_THREADS) syrk_tensor_kernel(const double* __restrict__ r, int64_t n,
                                                                 const int64_t* __restrict__ starts, int64_t count,
                                                                 int64_t window, const double* __restrict__ weights,
                                                                 const double* __restrict__ means, double scale,
                                                                 double* __restrict__ out) {
    /* the two staged panels during the product, the finished 64 × 64 tile afterwards */
    __align__(32) __shared__ double smem[TC_TILE * TC_LD];
    double* const a_s = smem;
    double* const b_s = smem + TC_KT * TC_LD;
    double* const c_s = smem;
    const int tid = threadIdx.x, warp = tid / 32;
    const int wr = (warp / 2) * 32, wc = (warp % 2) * 32; /* the warp's quadrant */
    const int col = tid % TC_TILE, row0 = tid / TC_TILE;
    const int64_t nt = (n + TC_TILE - 1) / TC_TILE;
    const int64_t ntiles = nt * (nt + 1) / 2;

    for (int64_t k = blockIdx.y; k < count; k += gridDim.y) {
        const double* rk = r + starts[k] * n;
        const double* mk = means + k * n;
        double* ok = out + k * n * n;
        for (int64_t p = blockIdx.x; p < ntiles; p += gridDim.x) {
            int64_t ti, tj;
            tile_of(p, nt, &ti, &tj);
            const int64_t i0 = ti * TC_TILE, j0 = tj * TC_TILE;
            const bool in_i = i0 + col < n, in_j = j0 + col < n;
            const double mi = in_i ? mk[i0 + col] : 0.0, mj = in_j ? mk[j0 + col] : 0.0;
            double pa[TC_ROWS_PER_THREAD], pb[TC_ROWS_PER_THREAD], pw[TC_ROWS_PER_THREAD];
            /* rows t0 + row0 + 2s of both panels into registers, raw: the demeaning and weighting wait for the
               store, after the step's DMMAs, so nothing waits on these loads until then (done here, ptxas issued
               the arithmetic right behind the loads and the warps stalled on them: 42% of the stall samples on an
               H200). Past the window or the matrix edge the value is the mean itself, so the store makes it 0. */
            auto fetch = [&](int64_t t0) {
#pragma unroll
                for (int s = 0; s < TC_ROWS_PER_THREAD; s++) {
                    const int64_t t = t0 + row0 + TC_ROW_STEP * s;
                    const bool live = t < window;
                    pw[s] = (live && weights != nullptr) ? weights[t] : 1.0;
                    pa[s] = (live && in_i) ? rk[t * n + i0 + col] : mi;
                    pb[s] = (live && in_j) ? rk[t * n + j0 + col] : mj;
                }
            };
            FragC acc[TC_FRAGS][TC_FRAGS];
#pragma unroll
            for (int u = 0; u < TC_FRAGS; u++)
#pragma unroll
                for (int v = 0; v < TC_FRAGS; v++) wmma::fill_fragment(acc[u][v], 0.0);

            fetch(0);
            for (int64_t t0 = 0; t0 < window; t0 += TC_KT) {
                __syncthreads(); /* the previous step's fragments (or the previous tile's c_s) are read */
#pragma unroll
                for (int s = 0; s < TC_ROWS_PER_THREAD; s++) {
                    a_s[(row0 + TC_ROW_STEP * s) * TC_LD + col] = (pa[s] - mi) * pw[s];
                    b_s[(row0 + TC_ROW_STEP * s) * TC_LD + col] = pb[s] - mj;
                }
                __syncthreads();
                if (t0 + TC_KT < window) fetch(t0 + TC_KT);
#pragma unroll
                for (int kk = 0; kk < TC_KT; kk += 4) {
                    FragA a[TC_FRAGS];
                    FragB b[TC_FRAGS];
#pragma unroll
                    for (int u = 0; u < TC_FRAGS; u++) wmma::load_matrix_sync(a[u], a_s + kk * TC_LD + wr + 8 * u, TC_LD);
#pragma unroll
                    for (int v = 0; v < TC_FRAGS; v++) wmma::load_matrix_sync(b[v], b_s + kk * TC_LD + wc + 8 * v, TC_LD);
#pragma unroll
                    for (int u = 0; u < TC_FRAGS; u++)
#pragma unroll
                        for (int v = 0; v < TC_FRAGS; v++) wmma::mma_sync(acc[u][v], a[u], b[v], acc[u][v]);
                }
            }
            /* The tile goes out through shared memory twice, so both writes are coalesced rows: first as computed
               (row i of the tile → (i, j0..)), then transposed by storing the fragments column-major (row j →
               (j, i0..)). Only entries with i ≤ j are written, each to both places: on a diagonal tile (i,j) and
               (j,i) are different sums (the weight sits on one side) and must not both be used. */
            __syncthreads();
#pragma unroll
            for (int u = 0; u < TC_FRAGS; u++)
#pragma unroll
                for (int v = 0; v < TC_FRAGS; v++)
                    wmma::store_matrix_sync(c_s + (wr + 8 * u) * TC_LD + wc + 8 * v, acc[u][v], TC_LD,
                                            wmma::mem_row_major);
            __syncthreads();
            for (int e = tid; e < TC_TILE * TC_TILE; e += TC_THREADS) {
                const int a = e / TC_TILE, c = e % TC_TILE;
                const int64_t i = i0 + a, j = j0 + c;
                if (i < n && j < n && i <= j) ok[i * n + j] = c_s[a * TC_LD + c] * scale;
            }
            __syncthreads();
#pragma unroll
            for (int u = 0; u < TC_FRAGS; u++)
#pragma unroll
                for (int v = 0; v < TC_FRAGS; v++)
                    wmma::store_matrix_sync(c_s + (wc + 8 * v) * TC_LD + wr + 8 * u, acc[u][v], TC_LD,
                                            wmma::mem_col_major);
            __syncthreads();
            for (int e = tid; e < TC_TILE * TC_TILE; e += TC_THREADS) {
                const int a = e / TC_TILE, c = e % TC_TILE; /* c_s[a][c] = tile entry (i0 + c, j0 + a) */
                const int64_t i = i0 + c, j = j0 + a;
                if (i < n && j < n && i <= j) ok[j * n + i] = c_s[a * TC_LD + c] * scale;
            }
        }
    }
}

/* ---- the tensor-core product for small n: one window per block ----
   The tile kernel gives a window of n = 65–128 three 64 × 64 blocks, each staging both of its column panels: at
   n = 100 they compute 12,288 entries for the upper triangle's 5,050, and stage the window's rows six times. Here
   one block takes a whole window of n ≤ WIN_BLOCKS · 32: each step's WIN_KT rows are staged once, all of the
   window's columns (demeaned; the i side weighted), and warp w < nb(nb + 1)/2 (nb = ⌈n/32⌉) computes the w-th upper
   32 × 32 block (row-major over the upper triangle of nb × nb); for n ≤ 64 a few more warps only help to stage, so
   that no thread stages more than WIN_STAGED values a step. The rows are staged straight from global memory: a
   prefetch into registers, as the tile kernel's, made ptxas spill at its 168 registers (76 bytes). Every entry is
   the same sum in the same order as the tile kernel's (steps of WIN_KT = TC_KT rows, mma chunks of 4), so the two
   give the same bits (the driver compares them). Fragments past n are multiplied too (zeros): predicating them made
   ptxas spill. The default for n ≤ 32, where an H200 ran it 26–46% faster than the tile kernel (cov_kernel). */
constexpr int WIN_BLOCKS = 4;                   /* nb ≤ 4: n ≤ 128 */
constexpr int WIN_COLS = 32 * WIN_BLOCKS;       /* staged columns at most */
constexpr int WIN_KT = TC_KT;                   /* rows staged per step */
constexpr int WIN_STAGED = 8;                   /* staged values per thread and step, at most */

/* The layout for NB blocks of 32 columns. A staged row's stride is 32·NB + 4 doubles, so rows stay 32 B-aligned
   (as load_matrix_sync requires) and each is 8 banks further on than the one before. Warps: one per upper block,
   and enough that each thread stages ≤ WIN_STAGED values a step. */
template <int NB>
struct WindowLayout {
    static constexpr int cols = 32 * NB, ld = cols + 4, blocks = NB * (NB + 1) / 2;
    static constexpr int stagers = (WIN_KT * cols + 32 * WIN_STAGED - 1) / (32 * WIN_STAGED);
    static constexpr int warps = blocks > stagers ? blocks : stagers;
    /* both panels and a 64-double scratch per warp */
    static constexpr int doubles = 2 * WIN_KT * ld + 64 * warps;
};

template <int NB>
__global__ void __launch_bounds__(32 * WindowLayout<NB>::warps)
syrk_window_kernel(const double* __restrict__ r, int64_t n, const int64_t* __restrict__ starts, int64_t count,
                   int64_t window, const double* __restrict__ weights, const double* __restrict__ means, double scale,
                   double* __restrict__ out) {
    using W = WindowLayout<NB>;
    constexpr int nb = NB, cols = W::cols, blocks = W::blocks, ld = W::ld, threads = 32 * W::warps;
    const int tid = threadIdx.x, warp = tid / 32, lane = tid % 32;
    /* the two staged panels, then each warp's 8 × 8 fragment on its way out (static: 32 B-aligned for wmma) */
    __align__(32) __shared__ double smem[W::doubles];
    double* const a_s = smem;
    double* const b_s = smem + WIN_KT * ld;
    double* const c_s = smem + 2 * WIN_KT * ld;
    /* warp → its block (bi, bj), bi ≤ bj; warps past the blocks only stage */
    int bi = 0, rest = warp < blocks ? warp : 0;
    while (rest >= nb - bi) {
        rest -= nb - bi;
        bi++;
    }
    const bool computes = warp < blocks;
    const int bj = bi + rest, i0 = 32 * bi, j0 = 32 * bj;
    for (int64_t k = blockIdx.x; k < count; k += gridDim.x) {
        const double* rk = r + starts[k] * n;
        const double* mk = means + k * n;
        double* ok = out + k * n * n;
        FragC acc[TC_FRAGS][TC_FRAGS];
#pragma unroll
        for (int u = 0; u < TC_FRAGS; u++)
#pragma unroll
            for (int v = 0; v < TC_FRAGS; v++) wmma::fill_fragment(acc[u][v], 0.0);
        for (int64_t t0 = 0; t0 < window; t0 += WIN_KT) {
            __syncthreads(); /* every warp is done with the previous step's panels (or the previous window's) */
            for (int e = tid; e < WIN_KT * cols; e += threads) {
                const int tt = e / cols, c = e - tt * cols;
                const int64_t t = t0 + tt;
                double a = 0.0, b = 0.0;
                if (t < window && c < n) {
                    b = rk[t * n + c] - mk[c];
                    a = weights != nullptr ? b * weights[t] : b;
                }
                a_s[tt * ld + c] = a;
                b_s[tt * ld + c] = b;
            }
            __syncthreads();
            if (computes) {
#pragma unroll
                for (int kk = 0; kk < WIN_KT; kk += 4) {
                    FragA fa[TC_FRAGS];
                    FragB fb[TC_FRAGS];
#pragma unroll
                    for (int u = 0; u < TC_FRAGS; u++)
                        wmma::load_matrix_sync(fa[u], a_s + kk * ld + i0 + 8 * u, ld);
#pragma unroll
                    for (int v = 0; v < TC_FRAGS; v++)
                        wmma::load_matrix_sync(fb[v], b_s + kk * ld + j0 + 8 * v, ld);
#pragma unroll
                    for (int u = 0; u < TC_FRAGS; u++)
#pragma unroll
                        for (int v = 0; v < TC_FRAGS; v++) wmma::mma_sync(acc[u][v], fa[u], fb[v], acc[u][v]);
                }
            }
        }
        if (!computes) continue;
        /* Each fragment goes out through the warp's 8 × 8 scratch twice, as computed (row i → (i, j..j+7)) and
           transposed (row j → (j, i..i+7)): 64-byte runs either way. Only entries with i ≤ j are written, each to both
           places, as the tile kernel does. */
        double* cw = c_s + 64 * warp;
#pragma unroll
        for (int u = 0; u < TC_FRAGS; u++)
#pragma unroll
            for (int v = 0; v < TC_FRAGS; v++) {
                const int fi = i0 + 8 * u, fj = j0 + 8 * v;
                if (fi >= n || fj >= n || fi > fj + 7) continue; /* uniform over the warp */
#pragma unroll
                for (int pass = 0; pass < 2; pass++) {
                    __syncwarp();
                    wmma::store_matrix_sync(cw, acc[u][v], 8, pass == 0 ? wmma::mem_row_major : wmma::mem_col_major);
                    __syncwarp();
#pragma unroll
                    for (int h = 0; h < 2; h++) {
                        const int e = lane + 32 * h, a = e / 8, c = e % 8;
                        /* pass 0: cw[a][c] = entry (fi + a, fj + c); pass 1: cw[a][c] = entry (fi + c, fj + a) */
                        const int64_t i = pass == 0 ? fi + a : fi + c, j = pass == 0 ? fj + c : fj + a;
                        if (i < n && j < n && i <= j) {
                            if (pass == 0)
                                ok[i * n + j] = cw[e] * scale;
                            else
                                ok[j * n + i] = cw[e] * scale;
                        }
                    }
                }
            }
    }
}

/* Which product kernel: one window per block for n ≤ WIN_DEFAULT_MAX, the tile kernel beyond. On an H200 (10,000
   windows of 252 rows; RESULTS.md, "Tenth GPU session") the window kernel took 0.59 against 1.09 ms on the rolling
   windows and 0.89 against 1.21 ms on the scenarios at n = 32, tied at 50 on the rolling windows and lost on the
   scenarios (1.78 against 1.38 ms), and lost at 100 (7.35 against 3.81, 4.92 against 3.43 ms): above one block of
   32 columns its single staged step per window is no longer hidden. EQUIRISK_COV_KERNEL overrides: =simt the
   CUDA-core kernel, =window the window kernel up to n = 128, =tiles the tile kernel; read at each call, so a test
   can compare them in one process. */
enum class CovKernel { TILES, SIMT, WINDOW };
constexpr int64_t WIN_DEFAULT_MAX = 32;
CovKernel cov_kernel(int64_t n) {
    const char* v = std::getenv("EQUIRISK_COV_KERNEL");
    if (v != nullptr && std::strcmp(v, "simt") == 0) return CovKernel::SIMT;
    if (v != nullptr && std::strcmp(v, "window") == 0) return n <= WIN_COLS ? CovKernel::WINDOW : CovKernel::TILES;
    if (v != nullptr && std::strcmp(v, "tiles") == 0) return CovKernel::TILES;
    return n <= WIN_DEFAULT_MAX ? CovKernel::WINDOW : CovKernel::TILES;
}

}  // namespace

cudaError_t launch_covariance(const double* d_returns, int64_t n, const int64_t* d_starts, int64_t count,
                              int64_t window, int kind, const double* d_weights, double* d_means, double* d_out,
                              cudaStream_t stream) {
    /* a slice per 32 rows up to MEAN_SLICES; ~1024 blocks are plenty for any GPU (both loops grid-stride), and the
       emulation runs a fiber per launched thread */
    const int64_t col_blocks = (n + 31) / 32;
    const int64_t slices = window / 32 < 1 ? 1 : (window / 32 > MEAN_SLICES ? MEAN_SLICES : window / 32);
    const int64_t mx = col_blocks < 1024 ? col_blocks : 1024;
    const int64_t gy_cap = 1024 / mx < 1 ? 1 : 1024 / mx;
    const int64_t gy_mean = count < gy_cap ? count : gy_cap;
    ER_LAUNCH(mean_kernel, dim3((unsigned)mx, (unsigned)gy_mean), dim3(32, (unsigned)slices), 0, stream, d_returns,
              n, d_starts, count, window, kind, d_means);
    cudaError_t e = cudaGetLastError();
    if (e != cudaSuccess) return e;
    static_assert(TILE == TC_TILE, "both product kernels tile the same way");
    const int64_t nt = (n + TILE - 1) / TILE;
    const int64_t ntiles = nt * (nt + 1) / 2;
    const unsigned gx = (unsigned)(ntiles < 65535 ? ntiles : 65535);
    const unsigned gy = (unsigned)(count < 65535 ? count : 65535);
    const double scale = kind == 0 ? 1.0 / (double)(window - 1) : 1.0;
    const double* w = kind == 0 ? nullptr : d_weights;
    const CovKernel which = cov_kernel(n);
    if (which == CovKernel::SIMT) {
        ER_LAUNCH(syrk_kernel, dim3(gx, gy), dim3(TX, TY), 0, stream, d_returns, n, d_starts, count, window, w,
                  d_means, scale, d_out);
    } else if (which == CovKernel::WINDOW) {
        const dim3 grid((unsigned)(count < 65535 ? count : 65535));
        switch ((n + 31) / 32) {
            case 1:
                ER_LAUNCH(syrk_window_kernel<1>, grid, dim3(32 * WindowLayout<1>::warps), 0, stream, d_returns, n,
                          d_starts, count, window, w, d_means, scale, d_out);
                break;
            case 2:
                ER_LAUNCH(syrk_window_kernel<2>, grid, dim3(32 * WindowLayout<2>::warps), 0, stream, d_returns, n,
                          d_starts, count, window, w, d_means, scale, d_out);
                break;
            case 3:
                ER_LAUNCH(syrk_window_kernel<3>, grid, dim3(32 * WindowLayout<3>::warps), 0, stream, d_returns, n,
                          d_starts, count, window, w, d_means, scale, d_out);
                break;
            default:
                ER_LAUNCH(syrk_window_kernel<4>, grid, dim3(32 * WindowLayout<4>::warps), 0, stream, d_returns, n,
                          d_starts, count, window, w, d_means, scale, d_out);
                break;
        }
    } else {
        ER_LAUNCH(syrk_tensor_kernel, dim3(gx, gy), dim3(TC_THREADS), 0, stream, d_returns, n, d_starts, count,
                  window, w, d_means, scale, d_out);
    }
    return cudaGetLastError();
}

}  // namespace er

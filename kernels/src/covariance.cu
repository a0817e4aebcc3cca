/*
 * Batched covariance over windows of a row-major (rows × n) return table, in FP64.
 *
 *   cov_k = scale · Σ_t w_t (r_t − m)(r_t − m)ᵀ over rows [start_k, start_k + window)
 *   sample: m = window mean, w_t = 1, scale = 1/(window − 1);  EWMA: m = 0, w_t = λ^(window−1−t)/Σλ^…, scale = 1.
 *
 * A means kernel, then a symmetric rank-k product over the upper-triangle tiles of each matrix, every entry
 * written to (i,j) and (j,i) from one value so the matrix is exactly symmetric. Grid: x over upper-triangle tiles,
 * y over windows; both grid-stride, so any grid size is correct. Three product kernels:
 * - syrk_tensor_kernel (the default above 32 assets): FP64 tensor cores (mma m16n8k4 on sm_90, two m8n8k4 on
 *   sm_80–89: er_mma.cuh), tiles of 128 × 128 (above 128 assets) or 64 × 64, and one matrix's partial last wave of
 *   128-tiles as 64-tiles (cov_tail). H100 SXM peaks at 67 TFLOP/s there against 34 on the FP64 CUDA cores.
 * - syrk_kernel (EQUIRISK_COV_KERNEL=simt): the CUDA-core version, 64 × 64 tiles of 4 × 4 register blocks; kept to
 *   compare on a GPU and as the plainer statement of the same computation.
 * - syrk_window_kernel (the default up to 32 assets; EQUIRISK_COV_KERNEL=window up to 128): the tensor-core product
 *   with one window per block, for many small windows; the tile kernel's bits. Faster than the tiles only at n ≤ 32
 *   on an H200 (cov_kernel says by how much).
 */
#include <cstdlib>
#include <cstring>

#include "er_kernels.h"
#include "er_mma.cuh"

namespace er {
namespace {

constexpr int TILE = 64;          /* the CUDA-core kernel's output tile edge */
constexpr int KT = 16;            /* its rows of returns staged per step */
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
   Both tensor-core kernels build a window's product from one warp-level piece: a warp computes a 32 × 32 block of
   Σ_t a_t b_tᵀ over the TC_KT rows staged in shared memory, as 2 × 4 accumulators of 16 × 8 (mma_16x8x4, er_mma.cuh),
   and writes its block straight from those registers. The staged panels are t-major, a_s[t][i] and b_s[t][j], so A
   (16 × 4) is read column by column and B (4 × 8) row by row. Rows of a panel are ld doubles apart with ld ≡ 4
   (mod 16): the lanes 4g + t of a half-warp read rows t and columns g (t, g < 4), 16 distinct bank pairs, so every
   operand load is conflict-free. Each entry is the same sum in the same order in every kernel and tile size: steps
   of TC_KT rows, within them chunks of four rows, a chain of four FMAs each (the tensor core's, or the emulation's),
   so the kernels give the same bits (the driver compares them). */
constexpr int TC_KT = 16;

__device__ __forceinline__ void warp_product_32x32(double (&acc)[2][4][4], const double* a, const double* b, int ld,
                                                   int lane) {
    const int g = lane / 4, t = lane % 4;
#pragma unroll
    for (int kk = 0; kk < TC_KT; kk += 4) {
        const double* ar = a + (kk + t) * ld + g;
        const double* br = b + (kk + t) * ld + g;
        double a0[2], a1[2], b0[4];
#pragma unroll
        for (int u = 0; u < 2; u++) {
            a0[u] = ar[16 * u];
            a1[u] = ar[16 * u + 8];
        }
#pragma unroll
        for (int v = 0; v < 4; v++) b0[v] = br[8 * v];
#pragma unroll
        for (int u = 0; u < 2; u++)
#pragma unroll
            for (int v = 0; v < 4; v++) mma_16x8x4(acc[u][v], a0[u], a1[u], b0[v]);
    }
}

/* The warp's 32 × 32 block at (i0, j0) of the window's matrix, scaled: only entries with i ≤ j, each to (i, j) and
   (j, i) (on the diagonal (i, j) and (j, i) are different sums, the weight sitting on one side, and only one may be
   used). A store instruction writes 8 rows × 4 entries of one accumulator, and the transposed one 4 rows × 8
   consecutive entries: whole 32-byte sectors either way once both halves of a pair are written. */
__device__ __forceinline__ void store_warp_block(const double (&acc)[2][4][4], double* ok, int64_t n, int64_t i0,
                                                 int64_t j0, double scale, int lane) {
    const int g = lane / 4, t = lane % 4;
#pragma unroll
    for (int u = 0; u < 2; u++)
#pragma unroll
        for (int v = 0; v < 4; v++)
#pragma unroll
            for (int q = 0; q < 4; q++) {
                const int64_t i = i0 + 16 * u + g + 8 * (q / 2), j = j0 + 8 * v + 2 * t + q % 2;
                if (i < n && j < n && i <= j) {
                    const double val = acc[u][v][q] * scale;
                    ok[i * n + j] = val;
                    ok[j * n + i] = val;
                }
            }
}

__device__ __forceinline__ void zero(double (&acc)[2][4][4]) {
#pragma unroll
    for (int u = 0; u < 2; u++)
#pragma unroll
        for (int v = 0; v < 4; v++)
#pragma unroll
            for (int q = 0; q < 4; q++) acc[u][v][q] = 0.0;
}

/* ---- the tile kernel: one (32·WS) × (32·WS) tile of the upper triangle per block ----
   WS × WS warps; warp w owns the 32 × 32 block (w / WS, w % WS). Per step TC_KT rows of both column panels are
   staged, demeaned (and weighted on the i side) on the way in; the next step's rows are loaded into registers while
   the current step's products run, so the global loads' latency hides behind the tensor cores. Thread tid stages
   column tid % tile of both panels, rows tid / tile + WS·s.
   Tile 128 (WS = 4, 512 threads) stages half the bytes per product that tile 64 (WS = 2, 128 threads) does (at
   N = 5000 the 64-tiles read ~8 GB of panels from L2); on an H200 that made it 1–4% faster there. Tile 64 has four
   times the blocks for small or few matrices, and wins there by far (cov_tile). */
/* The tiles a launch of the tile kernel computes: `span` tiles of the upper triangle from index `first`, in the
   row-major numbering of tiles `split` times the kernel's edge; each such tile is computed as its split × split
   parts (the lower parts of a diagonal one skipped). split = 1: the kernel's own tiles. split = 2 with the 64 kernel:
   a range of 128-tiles as 64-tiles (the last wave's, cov_tail). */
struct TileRange {
    int64_t first, span;
    int split;
};

template <int WS>
struct TileShape {
    static constexpr int tile = 32 * WS, threads = 32 * WS * WS, ld = tile + 4, rows = TC_KT / WS;
    static constexpr int shared_doubles = 2 * TC_KT * ld; /* both panels */
    static_assert(ld % 16 == 4, "conflict-free operand loads");
};

/* The panels in dynamic shared memory, 33.8 KB at tile 128 (under the 48 KB a block gets without asking): declared
   as static arrays, they made ptxas spill 24 bytes in the tile-128 instance (sm_90), none this way. Two staged steps
   in turn, one barrier a step instead of two, measured no faster on an H200 (RESULTS.md, "Eleventh GPU session"). */
template <int WS>
__global__ void __launch_bounds__(TileShape<WS>::threads) syrk_tensor_kernel(const double* __restrict__ r, int64_t n,
                                                                            const int64_t* __restrict__ starts,
                                                                            int64_t count, int64_t window,
                                                                            const double* __restrict__ weights,
                                                                            const double* __restrict__ means,
                                                                            double scale, double* __restrict__ out,
                                                                            TileRange range) {
    using S = TileShape<WS>;
    ER_DYNAMIC_SHARED(double, smem); /* the a panel, then the b panel */
    double* const a_s = smem;
    double* const b_s = smem + TC_KT * S::ld;
    const int tid = threadIdx.x, warp = tid / 32, lane = tid % 32;
    const int wr = 32 * (warp / WS), wc = 32 * (warp % WS); /* the warp's block */
    const int col = tid % S::tile, row0 = tid / S::tile;
    const int64_t split = range.split, parts = split * split;
    const int64_t nt = (n + split * S::tile - 1) / (split * S::tile); /* tiles of the range's numbering per edge */
    const int64_t items = range.span * parts;
    const int64_t row_step = (int64_t)WS * n; /* between a thread's staged rows */

    for (int64_t k = blockIdx.y; k < count; k += gridDim.y) {
        const double* rk = r + starts[k] * n;
        const double* mk = means + k * n;
        double* ok = out + k * n * n;
        for (int64_t p = blockIdx.x; p < items; p += gridDim.x) {
            int64_t ti, tj;
            tile_of(range.first + p / parts, nt, &ti, &tj);
            const int64_t part = p % parts;
            ti = ti * split + part / split;
            tj = tj * split + part % split;
            /* a split diagonal tile's lower part, or a part wholly past the matrix: nothing to compute (uniform over
               the block, so no barrier is skipped by some threads only) */
            if (ti > tj || tj * S::tile >= n) continue;
            const int64_t i0 = ti * S::tile, j0 = tj * S::tile;
            const bool in_i = i0 + col < n, in_j = j0 + col < n;
            const double mi = in_i ? mk[i0 + col] : 0.0, mj = in_j ? mk[j0 + col] : 0.0;
            /* the thread's column of each panel at its first row; a step moves them TC_KT rows on. Outside the
               matrix they point at column 0, never read. */
            const double* ca = rk + row0 * n + (in_i ? i0 + col : 0);
            const double* cb = rk + row0 * n + (in_j ? j0 + col : 0);
            const double* cw = weights != nullptr ? weights + row0 : nullptr;
            double pa[S::rows], pb[S::rows], pw[S::rows];
            /* rows t0 + row0 + WS·s of both panels into registers, raw: the demeaning and weighting wait for the
               store, after the step's products, so nothing waits on these loads until then (done here, ptxas issued
               the arithmetic right behind the loads and the warps stalled on them: 42% of the stall samples on an
               H200). Past the window or the matrix edge the value is the mean itself, so the store makes it 0. A
               whole step inside the window (all but the last) tests nothing per row. */
            auto fetch = [&](int64_t t0) {
                if (t0 + TC_KT <= window) {
#pragma unroll
                    for (int s = 0; s < S::rows; s++) {
                        pw[s] = cw != nullptr ? cw[WS * s] : 1.0;
                        pa[s] = in_i ? ca[s * row_step] : mi;
                        pb[s] = in_j ? cb[s * row_step] : mj;
                    }
                } else {
#pragma unroll
                    for (int s = 0; s < S::rows; s++) {
                        const bool live = t0 + row0 + WS * s < window;
                        pw[s] = (live && cw != nullptr) ? cw[WS * s] : 1.0;
                        pa[s] = (live && in_i) ? ca[s * row_step] : mi;
                        pb[s] = (live && in_j) ? cb[s * row_step] : mj;
                    }
                }
                ca += TC_KT * n;
                cb += TC_KT * n;
                if (cw != nullptr) cw += TC_KT;
            };
            double acc[2][4][4];
            zero(acc);
            fetch(0);
            for (int64_t t0 = 0; t0 < window; t0 += TC_KT) {
                __syncthreads(); /* the previous step's operands (or the previous tile's) are read */
#pragma unroll
                for (int s = 0; s < S::rows; s++) {
                    a_s[(row0 + WS * s) * S::ld + col] = (pa[s] - mi) * pw[s];
                    b_s[(row0 + WS * s) * S::ld + col] = pb[s] - mj;
                }
                __syncthreads();
                if (t0 + TC_KT < window) fetch(t0 + TC_KT);
                warp_product_32x32(acc, a_s + wr, b_s + wc, S::ld, lane);
            }
            store_warp_block(acc, ok, n, i0 + wr, j0 + wc, scale, lane);
        }
    }
}

/* ---- the window kernel: one window per block, for small n ----
   The tile kernel gives a window of n = 65–128 three 64 × 64 blocks, each staging both of its column panels: at
   n = 100 they compute 12,288 entries for the upper triangle's 5,050, and stage the window's rows six times. Here
   one block takes a whole window of n ≤ WIN_BLOCKS · 32: each step's TC_KT rows are staged once, all of the
   window's columns (demeaned; the i side weighted), and warp w < nb(nb + 1)/2 (nb = ⌈n/32⌉) computes the w-th upper
   32 × 32 block (row-major over the upper triangle of nb × nb); for n ≤ 64 a few more warps only help to stage, so
   that no thread stages more than WIN_STAGED values a step. The rows are staged straight from global memory: a
   prefetch into registers, as the tile kernel's, made ptxas spill at its 168 registers (76 bytes). Blocks past n
   are multiplied too (zeros): predicating them made ptxas spill. The default for n ≤ 32, where an H200 ran it
   26–46% faster than the tile kernel (cov_kernel). */
constexpr int WIN_BLOCKS = 4;                   /* nb ≤ 4: n ≤ 128 */
constexpr int WIN_COLS = 32 * WIN_BLOCKS;       /* staged columns at most */
constexpr int WIN_STAGED = 8;                   /* staged values per thread and step, at most */

/* The layout for NB blocks of 32 columns. A staged row's stride is 32·NB + 4 doubles (≡ 4 mod 16, as the operand
   loads want). Warps: one per upper block, and enough that each thread stages ≤ WIN_STAGED values a step. */
template <int NB>
struct WindowLayout {
    static constexpr int cols = 32 * NB, ld = cols + 4, blocks = NB * (NB + 1) / 2;
    static constexpr int stagers = (TC_KT * cols + 32 * WIN_STAGED - 1) / (32 * WIN_STAGED);
    static constexpr int warps = blocks > stagers ? blocks : stagers;
    static constexpr int doubles = 2 * TC_KT * ld; /* both panels */
    static_assert(ld % 16 == 4, "conflict-free operand loads");
};

template <int NB>
__global__ void __launch_bounds__(32 * WindowLayout<NB>::warps)
syrk_window_kernel(const double* __restrict__ r, int64_t n, const int64_t* __restrict__ starts, int64_t count,
                   int64_t window, const double* __restrict__ weights, const double* __restrict__ means, double scale,
                   double* __restrict__ out) {
    using W = WindowLayout<NB>;
    constexpr int nb = NB, cols = W::cols, blocks = W::blocks, ld = W::ld, threads = 32 * W::warps;
    const int tid = threadIdx.x, warp = tid / 32, lane = tid % 32;
    __shared__ double smem[W::doubles];
    double* const a_s = smem;
    double* const b_s = smem + TC_KT * ld;
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
        double acc[2][4][4];
        zero(acc);
        for (int64_t t0 = 0; t0 < window; t0 += TC_KT) {
            __syncthreads(); /* every warp is done with the previous step's panels (or the previous window's) */
            for (int e = tid; e < TC_KT * cols; e += threads) {
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
            if (computes) warp_product_32x32(acc, a_s + i0, b_s + j0, ld, lane);
        }
        if (computes) store_warp_block(acc, ok, n, i0, j0, scale, lane);
    }
}

/* Which product kernel: one window per block for n ≤ WIN_DEFAULT_MAX, the tile kernel beyond. On an H200 (10,000
   windows of 252 rows, kernel ms; RESULTS.md, "Eleventh GPU session") the window kernel took 0.44 against 0.75 on the
   rolling windows and 0.75 against 0.87 on the scenarios at n = 32; at 50 it lost (0.83 against 0.75, 1.30 against
   0.93) and at 100 by far (3.65 against 2.09, 6.14 against 2.43): above one block of 32 columns its single staged
   step per window is no longer hidden. EQUIRISK_COV_KERNEL overrides: =simt the CUDA-core kernel, =window the window
   kernel up to n = 128, =tiles the tile kernel; read at each call, so a test can compare them in one process. */
enum class CovKernel { TILES, SIMT, WINDOW };
constexpr int64_t WIN_DEFAULT_MAX = 32;

/* The tile kernel's tile edge: 128 from TILE128_MIN assets, 64 below; EQUIRISK_COV_TILE=64 or =128 overrides, read
   at each call. On an H200 (RESULTS.md, "Eleventh GPU session"): N = 5000 1.83–1.85 ms with 128 against 1.85–1.90
   with 64 (2.01 against 2.09–2.11 on another machine); 10,000 windows of 252 × 100 2.53 against 2.09 ms, × 50 2.22
   against 0.75: one 512-thread block per small window leaves most of its tile idle. */
constexpr int64_t TILE128_MIN = 129;
int cov_tile(int64_t n) {
    const char* v = std::getenv("EQUIRISK_COV_TILE");
    if (v != nullptr && std::strcmp(v, "64") == 0) return 64;
    if (v != nullptr && std::strcmp(v, "128") == 0) return 128;
    return n >= TILE128_MIN ? 128 : 64;
}
template <int WS>
cudaError_t launch_tiles(TileRange range, unsigned gy, cudaStream_t stream, const double* d_returns, int64_t n,
                         const int64_t* d_starts, int64_t count, int64_t window, const double* w,
                         const double* d_means, double scale, double* d_out) {
    constexpr size_t bytes = (size_t)TileShape<WS>::shared_doubles * sizeof(double);
    static_assert(bytes <= 48 * 1024, "more dynamic shared memory needs cudaFuncSetAttribute");
    const int64_t items = range.span * range.split * range.split;
    const unsigned gx = (unsigned)(items < 65535 ? items : 65535);
    ER_LAUNCH(syrk_tensor_kernel<WS>, dim3(gx, gy), dim3(TileShape<WS>::threads), bytes, stream, d_returns, n,
              d_starts, count, window, w, d_means, scale, d_out, range);
    return cudaGetLastError();
}

/* How many of the last 128-tiles (of `ntiles`) go to the 64 kernel as 64-tiles, launched after the others. A lone
   matrix of 128-tiles ends in a partial wave: at N = 5000, 820 tiles on an H200's 132 SMs (one 512-thread block each)
   are 6 full waves and 28 tiles, which keep 28 SMs busy for a whole tile's time while 104 idle (~11% of the product,
   ncu in the eleventh GPU session). As 64-tiles those 28 are ~100 blocks of a quarter of the work, spread over the
   SMs; a lone 64-tile has its four warps' tensor pipes to itself, so it is predicted to take 0.35–0.5 of a 128-tile's
   time, −6 to −9% at N = 5000 (RESULTS.md, "Prepared for the twelfth GPU session"). Taken where the last wave is
   at most half full, for one matrix only (with many, the tiles of later matrices fill the wave). Each entry is the
   same sum in the same order at either edge, so the bits do not change. EQUIRISK_COV_TAIL=off keeps every tile at
   128, =K sends the last K tiles (any count of matrices; the driver's comparisons), read at each call. */
cudaError_t cov_tail(int64_t ntiles, int64_t count, int64_t* tail) {
    *tail = 0;
    const char* v = std::getenv("EQUIRISK_COV_TAIL");
    if (v != nullptr && std::strcmp(v, "off") == 0) return cudaSuccess;
    if (v != nullptr && *v >= '0' && *v <= '9') {
        const long long t = std::atoll(v);
        *tail = t < ntiles ? t : ntiles;
        return cudaSuccess;
    }
    if (count != 1) return cudaSuccess;
    int device = 0, sms = 0, per_sm = 0;
    cudaError_t e = cudaGetDevice(&device);
    if (e == cudaSuccess) e = cudaDeviceGetAttribute(&sms, cudaDevAttrMultiProcessorCount, device);
    if (e == cudaSuccess)
        e = cudaOccupancyMaxActiveBlocksPerMultiprocessor(&per_sm, syrk_tensor_kernel<4>, TileShape<4>::threads,
                                                          (size_t)TileShape<4>::shared_doubles * sizeof(double));
    if (e != cudaSuccess) return e;
    const int64_t wave = (int64_t)(per_sm < 1 ? 1 : per_sm) * sms;
    const int64_t last = ntiles % wave;
    if (2 * last <= wave) *tail = last;
    return cudaSuccess;
}
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
    /* grid x over a matrix's upper-triangle tiles of edge `tile` */
    auto tiles_grid = [n](int64_t tile) {
        const int64_t nt = (n + tile - 1) / tile, ntiles = nt * (nt + 1) / 2;
        return (unsigned)(ntiles < 65535 ? ntiles : 65535);
    };
    const unsigned gy = (unsigned)(count < 65535 ? count : 65535);
    const double scale = kind == 0 ? 1.0 / (double)(window - 1) : 1.0;
    const double* w = kind == 0 ? nullptr : d_weights;
    const CovKernel which = cov_kernel(n);
    if (which == CovKernel::SIMT) {
        ER_LAUNCH(syrk_kernel, dim3(tiles_grid(TILE), gy), dim3(TX, TY), 0, stream, d_returns, n, d_starts, count,
                  window, w, d_means, scale, d_out);
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
    } else if (cov_tile(n) == 128) {
        const int64_t nt = (n + 127) / 128, ntiles = nt * (nt + 1) / 2;
        int64_t tail = 0;
        e = cov_tail(ntiles, count, &tail);
        if (e != cudaSuccess) return e;
        if (tail < ntiles) {
            e = launch_tiles<4>(TileRange{0, ntiles - tail, 1}, gy, stream, d_returns, n, d_starts, count, window, w,
                                d_means, scale, d_out);
            if (e != cudaSuccess) return e;
        }
        if (tail > 0)
            return launch_tiles<2>(TileRange{ntiles - tail, tail, 2}, gy, stream, d_returns, n, d_starts, count,
                                   window, w, d_means, scale, d_out);
        return cudaSuccess;
    } else {
        const int64_t nt = (n + 63) / 64;
        return launch_tiles<2>(TileRange{0, nt * (nt + 1) / 2, 1}, gy, stream, d_returns, n, d_starts, count, window,
                               w, d_means, scale, d_out);
    }
    return cudaGetLastError();
}

}  // namespace er

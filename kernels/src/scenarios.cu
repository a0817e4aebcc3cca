/*
 * Monte Carlo scenario returns (the definition is DESIGN.md §4, "Monte Carlo scenarios"; philox.cuh draws the
 * numbers), and at the end of this file the block bootstrap's gather of historical rows:
 *
 *   r_{t,i} = μ_i + scale · Σ_{j ≤ i} L_ij z_j,   z_j = normal(s, t, j, 0)
 *   scale = 1 (Gaussian) or sqrt((ν − 2) / Σ_{m < ν} normal(s, t, m, 1)²) (Student-t: one scale per row)
 *
 * The output stacks scenario first, first + 1, … one under the other, `rows` rows each; the kernel writes rows
 * g0 … g0 + cnt − 1 of that table, so a chunk may start and end anywhere, even inside a scenario.
 *
 * Up to 384 assets L is read row-major, as given: each lane walks its own asset's row L[i][0..i], a cache line per
 * lane at each j but the same line for eight j in turn. Above, it is read as Lᵀ: launch_mirror_lower first copies
 * the lower triangle into the upper one (L_ij to [j][i]), so that at a given j the lanes of a warp, holding
 * consecutive assets, read consecutive addresses (j·n + i). Mirroring paid when a block took one row (the ninth GPU
 * session: −41%); with eight rows sharing each load, the lanes' own rows through L1 cost less than the mirror launch
 * and the strided columns, up to the sizes where a block has four warps (scenario_rows_layout has the timings).
 * Each asset's sum is the same either way, so the bits are (the driver compares them).
 *
 * Decomposition: a block per SCEN_ROWS rows at a time (grid-stride over groups of rows, one resident wave). The
 * rows' z are drawn on the fly, a tile of 2 · blockDim values of each row at a time into shared memory (draw_tile:
 * the tile's pairs of all its rows spread over the threads), stored z[jj][r] so that the rows' values at one j are
 * adjacent. Every thread accumulates SCEN_ASSETS assets (i = tid, tid + blockDim, …) of every row in registers over
 * the tiles: at each j it loads L_ij once per asset and applies it to all SCEN_ROWS rows, SCEN_ROWS independent fma
 * chains per load, where a block per row (the kernel until 2026-11-27) had one chain and one L1 load per fma.
 * Beyond SCEN_ASSETS · blockDim assets the rows are done in groups of that many assets, each drawing the tiles it
 * needs again (cheaper than z in global memory). The Student-t chi-square's normals are drawn by the block into the
 * same tile, and thread r adds row r's squares in ascending m, one fma a term. Each asset's sum runs in ascending j
 * with one accumulator and an explicit fma a term, and μ_i + scale·sum is one more fma: the Java reference's steps
 * (ScenarioModel.rows), so with philox.cuh's reproducible normals every engine draws the same bits, however many
 * rows a block takes (nvcc would fuse these multiply-adds anyway; the emulation does the same through std::fma
 * instead of rounding twice).
 */
#include "er_kernels.h"
#include "philox.cuh"

#include <cstdlib>
#include <cstring>

/* Rows per block at a time; an experiment's build may set another (e.g. -DER_SCEN_ROWS=4). The accumulators take
   2 · SCEN_ASSETS · SCEN_ROWS registers per thread: 64 at 8 rows. */
#ifndef ER_SCEN_ROWS
#define ER_SCEN_ROWS 8
#endif

namespace er {
namespace {

constexpr int SCEN_THREADS_MAX = 128; /* the block from n = 385 on; below, enough warps for SCEN_ASSETS each */
constexpr int SCEN_ASSETS = 4;        /* assets per thread and group: four register accumulators per row */
constexpr int SCEN_ROWS = ER_SCEN_ROWS;
static_assert(SCEN_ROWS >= 1 && SCEN_ROWS <= 32, "the chi-square's sums take one thread per row of a warp");

/* Pairs p0 … p0 + pairs − 1 of rows 0 … fill − 1 into the tile: with p′ = p − p0, row r's value 2p at
   z[2p′ · SCEN_ROWS + r] and its value 2p + 1 at z[(2p′ + 1) · SCEN_ROWS + r]; rows live … fill − 1 get zeros. One
   Philox call per pair and row, spread over all of the block's threads (lane-neighbours take neighbouring rows of
   one pair, so that their stores fall in different banks): a tile's few pairs of a few rows, as the chi-square's
   often are, still keep the warp's lanes busy. */
__device__ __forceinline__ void draw_tile(double* z, uint64_t seed, const uint32_t* row_s, const uint32_t* row_t,
                                          int live, int fill, uint32_t p0, int pairs, uint32_t domain) {
    for (int e = (int)threadIdx.x; e < fill * pairs; e += (int)blockDim.x) {
        const int p = e / fill, r = e - p * fill;
        double* even = &z[2 * p * SCEN_ROWS + r];
        double* odd = even + SCEN_ROWS;
        if (r < live)
            normal_pair(seed, row_s[r], row_t[r], p0 + (uint32_t)p, domain, even, odd);
        else
            *even = *odd = 0.0; /* past the chunk's end: summed, never written */
    }
}

template <bool Mirrored>
__global__ void __launch_bounds__(SCEN_THREADS_MAX)
scenario_kernel(const double* __restrict__ chol, const double* __restrict__ mean, int64_t n, uint64_t seed,
                int64_t first, int64_t rows, int64_t g0, int64_t cnt, int dof, double* __restrict__ out) {
    ER_DYNAMIC_SHARED(double, z); /* z[jj · SCEN_ROWS + r]: 2 · blockDim · SCEN_ROWS values, 4 KB for 8 rows × 32 */
    __shared__ uint32_t row_s[SCEN_ROWS], row_t[SCEN_ROWS];
    __shared__ double row_scale[SCEN_ROWS];
    const int threads = (int)blockDim.x, tid = (int)threadIdx.x;
    const int64_t tile = 2 * (int64_t)threads, group = SCEN_ASSETS * (int64_t)threads;
    for (int64_t r0 = (int64_t)blockIdx.x * SCEN_ROWS; r0 < cnt; r0 += (int64_t)gridDim.x * SCEN_ROWS) {
        const int live = cnt - r0 < SCEN_ROWS ? (int)(cnt - r0) : SCEN_ROWS; /* rows of this group in the chunk */
        __syncthreads(); /* every thread is done with the previous group's rows, scales and tile */
        if (tid < live) {
            const int64_t g = g0 + r0 + tid; /* row of the stacked table */
            const int64_t k = g / rows;
            row_s[tid] = (uint32_t)(first + k);
            row_t[tid] = (uint32_t)(g - k * rows);
            row_scale[tid] = 1.0;
        }
        __syncthreads();
        if (dof > 0) {
            double chi = 0.0; /* thread r's: row r's sum of squares */
            for (int64_t m0 = 0; m0 < dof; m0 += tile) {
                __syncthreads(); /* the tile is free: every row's sum has read the previous one */
                const int64_t end = dof - m0 < tile ? dof - m0 : tile;
                /* odd ν: the last pair's second half is drawn and not added */
                draw_tile(z, seed, row_s, row_t, live, live, (uint32_t)(m0 >> 1), (int)((end + 1) >> 1),
                          DOMAIN_CHI_SQUARE);
                __syncthreads();
                if (tid < live)
                    for (int64_t m = 0; m < end; m++)
                        chi = rm::fma_(z[m * SCEN_ROWS + tid], z[m * SCEN_ROWS + tid], chi);
            }
            if (tid < live) row_scale[tid] = rm::sqrt_(rm::div((double)(dof - 2), chi)); /* read after a barrier */
        }
        for (int64_t a0 = 0; a0 < n; a0 += group) {
            const int64_t jmax = a0 + group < n ? a0 + group : n; /* the group's last asset needs z_0 … z_jmax−1 */
            /* per slot: the lane's asset (−1 past n), the warp's last asset, and L_i0's address, which then
               moves to L_ij one j at a time (n further on in Lᵀ, or 1 in row-major L) */
            double acc[SCEN_ASSETS][SCEN_ROWS];
            int64_t last[SCEN_ASSETS], warp_last[SCEN_ASSETS];
            const double* lp[SCEN_ASSETS];
            const int64_t step = Mirrored ? n : 1;
#pragma unroll
            for (int q = 0; q < SCEN_ASSETS; q++) {
                const int64_t i = a0 + q * (int64_t)threads + tid;
                last[q] = i < n ? i : -1;
                warp_last[q] = a0 + q * (int64_t)threads + (tid | 31);
                lp[q] = chol + (i < n ? i : 0) * (Mirrored ? 1 : n);
#pragma unroll
                for (int r = 0; r < SCEN_ROWS; r++) acc[q][r] = 0.0;
            }
            for (int64_t j0 = 0; j0 < jmax; j0 += tile) {
                __syncthreads(); /* every thread is done with the previous tile */
                const int64_t len = jmax - j0 < tile ? jmax - j0 : tile;
                draw_tile(z, seed, row_s, row_t, live, SCEN_ROWS, (uint32_t)(j0 >> 1), (int)((len + 1) >> 1),
                          DOMAIN_RETURNS);
                __syncthreads();
                for (int64_t jj = 0; jj < len; jj++) {
                    const int64_t j = j0 + jj;
                    double zr[SCEN_ROWS]; /* the rows' z_j: the same address in every lane (a broadcast) */
#pragma unroll
                    for (int r = 0; r < SCEN_ROWS; r++) zr[r] = z[jj * SCEN_ROWS + r];
                    /* every slot's L_ij loaded before any is used (one wait for all), 0 above the diagonal (j > i)
                       and past n: an fma with 0 leaves a sum that starts at +0 and adds finite terms unchanged to the
                       bit. A slot with no asset of the warp at or past j is skipped (warp-uniform). */
                    double l[SCEN_ASSETS];
#pragma unroll
                    for (int q = 0; q < SCEN_ASSETS; q++) {
                        l[q] = j <= last[q] ? *lp[q] : 0.0;
                        lp[q] += step;
                    }
#pragma unroll
                    for (int q = 0; q < SCEN_ASSETS; q++) {
                        if (j > warp_last[q]) continue;
#pragma unroll
                        for (int r = 0; r < SCEN_ROWS; r++) acc[q][r] = rm::fma_(l[q], zr[r], acc[q][r]);
                    }
                }
            }
#pragma unroll
            for (int q = 0; q < SCEN_ASSETS; q++) {
                const int64_t i = a0 + q * (int64_t)threads + tid;
                if (i >= n) break;
                const double mu = mean != nullptr ? mean[i] : 0.0;
#pragma unroll
                for (int r = 0; r < SCEN_ROWS; r++)
                    if (r < live) out[(r0 + r) * n + i] = rm::fma_(row_scale[r], acc[q][r], mu);
            }
        }
    }
}

/* [j][i] = [i][j] for every j < i: the lower triangle copied to the upper (the scenario kernel's Lᵀ). Each thread one
   entry of the lower triangle, grid-stride over all n² positions; the reads are coalesced, the writes strided, once
   per call and chunk: n² values against the chunk's rows · n²/2 multiply-adds. */
constexpr int MIRROR_THREADS = 256;
constexpr int64_t MIRROR_GRID_MAX = 4096;

__global__ void __launch_bounds__(MIRROR_THREADS) mirror_lower_kernel(double* __restrict__ a, int64_t n) {
    const int64_t total = n * n, step = (int64_t)gridDim.x * blockDim.x;
    for (int64_t e = (int64_t)blockIdx.x * blockDim.x + threadIdx.x; e < total; e += step) {
        const int64_t i = e / n, j = e - i * n;
        if (j < i) a[j * n + i] = a[e];
    }
}

/* The block bootstrap's gather (DESIGN.md §4, HistoricalBootstrap): row t of scenario s is history row
   bootstrap_start(seed, s, t / block) + t % block, copied whole. Rows of the stacked table on threadIdx.y (grid-stride
   over the chunk's rows, GATHER_THREADS / blockDim.x rows per block at a time), assets on threadIdx.x: a warp copies
   32 consecutive doubles of one row, coalesced on both sides. Each thread draws its row's start itself (one Philox
   call, no shared memory and no barrier). */
constexpr int GATHER_THREADS = 128;
constexpr int GATHER_GRID_MAX = 4096;

__global__ void __launch_bounds__(GATHER_THREADS)
bootstrap_gather_kernel(const double* __restrict__ history, int64_t history_rows, int64_t n, int64_t block,
                        uint64_t seed, int64_t first, int64_t rows, int64_t g0, int64_t cnt, double* __restrict__ out) {
    const int64_t step = (int64_t)gridDim.x * blockDim.y;
    for (int64_t r = (int64_t)blockIdx.x * blockDim.y + threadIdx.y; r < cnt; r += step) {
        const int64_t g = g0 + r; /* row of the stacked table */
        const int64_t k = g / rows;
        const int64_t t = g - k * rows;
        const int64_t b = t / block;
        const int64_t src = bootstrap_start(seed, (uint32_t)(first + k), (uint32_t)b, history_rows, block) +
                            (t - b * block);
        const double* from = history + src * n;
        double* to = out + r * n;
        for (int64_t i = threadIdx.x; i < n; i += blockDim.x) to[i] = from[i];
    }
}

}  // namespace

cudaError_t launch_bootstrap_gather(const double* d_history, int64_t history_rows, int64_t n, int64_t block,
                                    uint64_t seed, int64_t first, int64_t rows, int64_t g0, int64_t cnt,
                                    double* d_out, cudaStream_t stream) {
    /* a warp per 32 assets up to 128 threads across; the rest of the 128 threads on further rows */
    int64_t tx = (n + 31) / 32 * 32;
    if (tx > GATHER_THREADS) tx = GATHER_THREADS;
    const int64_t ty = GATHER_THREADS / tx;
    int64_t blocks = (cnt + ty - 1) / ty;
    if (blocks > GATHER_GRID_MAX) blocks = GATHER_GRID_MAX;
    ER_LAUNCH(bootstrap_gather_kernel, dim3((unsigned)blocks), dim3((unsigned)tx, (unsigned)ty), 0, stream, d_history,
              history_rows, n, block, seed, first, rows, g0, cnt, d_out);
    return cudaGetLastError();
}

/* L row-major up to SCEN_ROWS_L_MAX assets, mirrored above; EQUIRISK_SCENARIO_L=rows or =mirrored overrides, for
   timing the two side by side on a GPU. The same bits either way. On an H200 (draw kernel, eleventh GPU session)
   row-major took 2.26 against 2.40 ms at n = 32, 3.38 against 3.65 at 50, 6.24 against 6.75 at 100 (10,000
   scenarios of 252 rows) and 4.66–4.71 against 5.37–5.39 at 300 (1,000), but 7.33–7.36 against 7.28–7.30 at 600
   (300): where a block has four warps (n > 384) the lanes' own rows no longer pay. Somewhere between 300 and 600
   the two cross; 384, the kernel's own boundary, is a guess within that range. */
constexpr int64_t SCEN_ROWS_L_MAX = 384;
static bool scenario_rows_layout(int64_t n) {
    const char* v = std::getenv("EQUIRISK_SCENARIO_L");
    if (v != nullptr && std::strcmp(v, "mirrored") == 0) return false;
    if (v != nullptr && std::strcmp(v, "rows") == 0) return true;
    return n <= SCEN_ROWS_L_MAX;
}

cudaError_t launch_mirror_lower(double* d_chol, int64_t n, cudaStream_t stream) {
    if (scenario_rows_layout(n)) return cudaSuccess;
    int64_t blocks = (n * n + MIRROR_THREADS - 1) / MIRROR_THREADS;
    if (blocks > MIRROR_GRID_MAX) blocks = MIRROR_GRID_MAX;
    if (blocks < 1) blocks = 1;
    ER_LAUNCH(mirror_lower_kernel, dim3((unsigned)blocks), dim3(MIRROR_THREADS), 0, stream, d_chol, n);
    return cudaGetLastError();
}

cudaError_t launch_scenarios(const double* d_chol, const double* d_mean, int64_t n, uint64_t seed, int64_t first,
                             int64_t rows, int64_t g0, int64_t cnt, int32_t dof, double* d_out, cudaStream_t stream) {
    /* enough warps that each thread has up to SCEN_ASSETS assets: one warp up to n = 128, four from n = 385 */
    const int64_t needed = (n + SCEN_ASSETS - 1) / SCEN_ASSETS;
    int64_t threads = (needed + 31) / 32 * 32;
    if (threads > SCEN_THREADS_MAX) threads = SCEN_THREADS_MAX;
    const size_t shared = (size_t)(2 * threads * SCEN_ROWS) * sizeof(double);
    /* one resident wave: every block takes the same rows' work in turn, so no block waits on a second wave */
    const bool mirrored = !scenario_rows_layout(n);
    int device = 0, sms = 0, per_sm = 0;
    cudaError_t e = cudaGetDevice(&device);
    if (e == cudaSuccess) e = cudaDeviceGetAttribute(&sms, cudaDevAttrMultiProcessorCount, device);
    if (e == cudaSuccess)
        e = cudaOccupancyMaxActiveBlocksPerMultiprocessor(
            &per_sm, mirrored ? scenario_kernel<true> : scenario_kernel<false>, (int)threads, shared);
    if (e != cudaSuccess) return e;
    const int64_t groups = (cnt + SCEN_ROWS - 1) / SCEN_ROWS;
    const int64_t resident = (int64_t)(per_sm < 1 ? 1 : per_sm) * sms;
    const int64_t blocks = groups < resident ? groups : resident;
    if (mirrored)
        ER_LAUNCH(scenario_kernel<true>, dim3((unsigned)blocks), dim3((unsigned)threads), shared, stream, d_chol,
                  d_mean, n, seed, first, rows, g0, cnt, (int)dof, d_out);
    else
        ER_LAUNCH(scenario_kernel<false>, dim3((unsigned)blocks), dim3((unsigned)threads), shared, stream, d_chol,
                  d_mean, n, seed, first, rows, g0, cnt, (int)dof, d_out);
    return cudaGetLastError();
}

}  // namespace er

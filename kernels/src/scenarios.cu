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
 * L is read as Lᵀ: launch_mirror_lower first copies the lower triangle into the upper one (L_ij to [j][i]; the upper
 * triangle of the device's copy is never otherwise read), so that at a given j the lanes of a warp, which hold
 * consecutive assets i, read consecutive addresses (j·n + i): one or two cache lines per warp load instead of a line
 * per lane, which row-major L[i][j] would cost (a stride of n between lanes). Each asset's sum is unchanged.
 *
 * Decomposition: a block per row at a time (grid-stride over the rows). A row's z is drawn on the fly, a tile of
 * 2 · blockDim values at a time into shared memory (each thread one Philox call, i.e. one pair), and every thread
 * accumulates SCEN_ASSETS assets (i = tid, tid + blockDim, …) in registers over the tiles: the L-product of a row
 * never needs its whole z at once, so any n runs in a fixed 2 KB. Beyond SCEN_ASSETS · blockDim assets the row is
 * done in groups of that many, each drawing the tiles it needs again (cheaper than a z per row in global memory).
 * The Student-t chi-square's normals are drawn by the block into the same tile (a pair per thread) and added by
 * one thread in ascending m, one fma a term (at ν <= 2·blockDim, the usual case, one tile: ν dependent fmas).
 * Each asset's sum runs in ascending j with one accumulator and an explicit fma a term, and μ_i + scale·sum is one
 * more fma: the Java reference's steps (ScenarioModel.rows), so with philox.cuh's reproducible normals every engine
 * draws the same bits (nvcc would fuse these multiply-adds anyway; the emulation now does the same through
 * std::fma instead of rounding twice).
 */
#include "er_kernels.h"
#include "philox.cuh"

#include <cstdlib>
#include <cstring>

namespace er {
namespace {

constexpr int SCEN_THREADS_MAX = 128; /* the block from n = 385 on; below, enough warps for SCEN_ASSETS each */
constexpr int SCEN_ASSETS = 4;        /* assets per thread and group: four register accumulators */
constexpr int SCEN_GRID_MAX = 4096;   /* grid-stride beyond: enough to fill any GPU, few fibers in emulation */

__global__ void __launch_bounds__(SCEN_THREADS_MAX)
scenario_kernel(const double* __restrict__ chol, const double* __restrict__ mean, int64_t n, uint64_t seed,
                int64_t first, int64_t rows, int64_t g0, int64_t cnt, int dof, bool mirrored,
                double* __restrict__ out) {
    __shared__ double z[2 * SCEN_THREADS_MAX];
    __shared__ double row_scale;
    const int threads = (int)blockDim.x, tid = (int)threadIdx.x;
    const int64_t tile = 2 * (int64_t)threads, group = SCEN_ASSETS * (int64_t)threads;
    for (int64_t r = blockIdx.x; r < cnt; r += gridDim.x) {
        const int64_t g = g0 + r; /* row of the stacked table */
        const int64_t k = g / rows;
        const uint32_t s = (uint32_t)(first + k), t = (uint32_t)(g - k * rows);
        double scale = 1.0;
        if (dof > 0) {
            double g = 0.0; /* thread 0's */
            for (int64_t m0 = 0; m0 < dof; m0 += tile) {
                __syncthreads(); /* the tile is free: thread 0 has added the previous one, every thread read z */
                if (m0 + 2 * tid < dof) /* odd ν: the last pair's second half is drawn and not added */
                    normal_pair(seed, s, t, (uint32_t)((m0 >> 1) + tid), DOMAIN_CHI_SQUARE, &z[2 * tid], &z[2 * tid + 1]);
                __syncthreads();
                if (tid == 0) {
                    const int64_t end = dof - m0 < tile ? dof - m0 : tile;
                    for (int64_t m = 0; m < end; m++) g = rm::fma_(z[m], z[m], g);
                }
            }
            if (tid == 0) row_scale = rm::sqrt_(rm::div((double)(dof - 2), g));
            __syncthreads();
            scale = row_scale;
        }
        double* row_out = out + r * n;
        for (int64_t a0 = 0; a0 < n; a0 += group) {
            const int64_t jmax = a0 + group < n ? a0 + group : n; /* the group's last asset needs z_0 … z_jmax−1 */
            double acc[SCEN_ASSETS];
#pragma unroll
            for (int q = 0; q < SCEN_ASSETS; q++) acc[q] = 0.0;
            for (int64_t j0 = 0; j0 < jmax; j0 += tile) {
                __syncthreads(); /* every thread is done with the previous tile */
                if (j0 + 2 * tid < jmax)
                    normal_pair(seed, s, t, (uint32_t)((j0 >> 1) + tid), DOMAIN_RETURNS, &z[2 * tid], &z[2 * tid + 1]);
                __syncthreads();
#pragma unroll
                for (int q = 0; q < SCEN_ASSETS; q++) {
                    const int64_t i = a0 + q * (int64_t)threads + tid;
                    if (i >= n) break;
                    /* row i's entries of this tile: j0 … min(i, tile end) (lower triangle only) */
                    const int64_t last = i < jmax - 1 ? i : jmax - 1;
                    const int64_t len = last - j0 + 1 < tile ? last - j0 + 1 : tile;
                    /* L_ij at Lᵀ[j][i]: lanes read neighbours (or, as before 2026-11-27, at L[i][j]) */
                    const double* lt = mirrored ? chol + j0 * n + i : chol + i * n + j0;
                    const int64_t stride = mirrored ? n : 1;
                    for (int64_t jj = 0; jj < len; jj++) acc[q] = rm::fma_(lt[jj * stride], z[jj], acc[q]);
                }
            }
#pragma unroll
            for (int q = 0; q < SCEN_ASSETS; q++) {
                const int64_t i = a0 + q * (int64_t)threads + tid;
                if (i < n) row_out[i] = rm::fma_(scale, acc[q], mean != nullptr ? mean[i] : 0.0);
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

/* EQUIRISK_SCENARIO_L=rows: L read row-major as first built (a line per lane), for timing the two layouts side by
   side on a GPU; the same bits either way. */
static bool scenario_rows_layout() {
    const char* v = std::getenv("EQUIRISK_SCENARIO_L");
    return v != nullptr && std::strcmp(v, "rows") == 0;
}

cudaError_t launch_mirror_lower(double* d_chol, int64_t n, cudaStream_t stream) {
    if (scenario_rows_layout()) return cudaSuccess;
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
    const int64_t blocks = cnt < SCEN_GRID_MAX ? cnt : SCEN_GRID_MAX;
    ER_LAUNCH(scenario_kernel, dim3((unsigned)blocks), dim3((unsigned)threads), 0, stream, d_chol, d_mean, n, seed,
              first, rows, g0, cnt, (int)dof, !scenario_rows_layout(), d_out);
    return cudaGetLastError();
}

}  // namespace er

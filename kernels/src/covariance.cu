/*
 * Batched covariance over windows of a row-major (rows × n) return table, in FP64.
 *
 *   cov_k = scale · Σ_t w_t (r_t − m)(r_t − m)ᵀ over rows [start_k, start_k + window)
 *   sample: m = window mean, w_t = 1, scale = 1/(window − 1);  EWMA: m = 0, w_t = λ^(window−1−t)/Σλ^…, scale = 1.
 *
 * Two kernels: the means, then a tiled symmetric rank-k product that computes only the upper-triangle tiles of
 * each matrix and writes every entry to (i,j) and (j,i). Grid: x over upper-triangle tiles, y over windows; both
 * grid-stride, so any grid size is correct.
 */
#include "er_kernels.h"

namespace er {
namespace {

constexpr int TILE = 64;          /* output tile edge */
constexpr int KT = 16;            /* rows of returns staged per step */
constexpr int TX = 16, TY = 16;   /* 256 threads; each owns a 4 × 4 block of the tile */
constexpr int MICRO = TILE / TX;  /* 4 */

__global__ void mean_kernel(const double* __restrict__ r, int64_t n, const int64_t* __restrict__ starts,
                            int64_t count, int64_t window, int kind, double* __restrict__ means) {
    const int64_t total = count * n;
    for (int64_t e = blockIdx.x * (int64_t)blockDim.x + threadIdx.x; e < total;
         e += (int64_t)gridDim.x * blockDim.x) {
        const int64_t k = e / n, j = e - k * n;
        double m = 0.0;
        if (kind == 0) {
            const double* col = r + starts[k] * n + j;
            double s = 0.0;
            for (int64_t t = 0; t < window; t++) s += col[t * n]; /* consecutive threads: consecutive j */
            m = s / (double)window;
        }
        means[e] = m;
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

}  // namespace

cudaError_t launch_covariance(const double* d_returns, int64_t n, const int64_t* d_starts, int64_t count,
                              int64_t window, int kind, const double* d_weights, double* d_means, double* d_out,
                              cudaStream_t stream) {
    const int64_t total = count * n;
    const int mean_threads = 128;
    const int64_t mean_blocks = (total + mean_threads - 1) / mean_threads;
    ER_LAUNCH(mean_kernel, dim3((unsigned)(mean_blocks < 4096 ? mean_blocks : 4096)), dim3(mean_threads), 0, stream,
              d_returns, n, d_starts, count, window, kind, d_means);
    cudaError_t e = cudaGetLastError();
    if (e != cudaSuccess) return e;
    const int64_t nt = (n + TILE - 1) / TILE;
    const int64_t ntiles = nt * (nt + 1) / 2;
    const unsigned gx = (unsigned)(ntiles < 65535 ? ntiles : 65535);
    const unsigned gy = (unsigned)(count < 65535 ? count : 65535);
    const double scale = kind == 0 ? 1.0 / (double)(window - 1) : 1.0;
    ER_LAUNCH(syrk_kernel, dim3(gx, gy), dim3(TX, TY), 0, stream, d_returns, n, d_starts, count, window,
              kind == 0 ? nullptr : d_weights, d_means, scale, d_out);
    return cudaGetLastError();
}

}  // namespace er

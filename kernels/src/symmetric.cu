/*
 * Symmetric matrices sent as their upper triangle: half the bytes over the bus for host-resident covariance
 * batches (er_solve_packed). Each matrix arrives as rows i = 0 … n−1 of Σ_ij, j ≥ i, one after another (row i at
 * i·n − i(i−1)/2), and is expanded on the device into the full row-major matrix the solve reads.
 */
#include "er_kernels.h"

namespace er {
namespace {

/* One thread per entry of the full matrices, grid-striding over count × n × n: entry (i, j) of matrix k comes from
   (min, max) of its upper triangle. The writes are coalesced; the reads of the lower half are strided, from L2. */
__global__ void unpack_symmetric_kernel(const double* __restrict__ packed, int64_t count, int64_t n,
                                        double* __restrict__ full) {
    const int64_t nn = n * n, tri = n * (n + 1) / 2, total = count * nn;
    for (int64_t e = (int64_t)blockIdx.x * blockDim.x + threadIdx.x; e < total; e += (int64_t)gridDim.x * blockDim.x) {
        const int64_t k = e / nn, ij = e - k * nn, i = ij / n, j = ij - i * n;
        const int64_t r = i < j ? i : j, c = i < j ? j : i;
        full[e] = packed[k * tri + r * n - r * (r - 1) / 2 + (c - r)];
    }
}

}  // namespace

cudaError_t launch_unpack_symmetric(const double* d_packed, int64_t count, int64_t n, double* d_full,
                                    cudaStream_t stream) {
    const int64_t total = count * n * n;
    const int64_t threads = 256;
    int64_t blocks = (total + threads - 1) / threads;
    if (blocks > 4096) blocks = 4096; /* grid-stride beyond: enough to fill any GPU, few fibers in emulation */
    if (blocks < 1) blocks = 1;
    ER_LAUNCH(unpack_symmetric_kernel, dim3((unsigned)blocks), dim3((unsigned)threads), 0, stream, d_packed, count,
              n, d_full);
    return cudaGetLastError();
}

}  // namespace er

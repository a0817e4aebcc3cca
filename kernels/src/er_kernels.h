/* Host-side entry points of the kernel sources, used by the C ABI implementation (equirisk_api.cu). */
#ifndef EQUIRISK_ER_KERNELS_H
#define EQUIRISK_ER_KERNELS_H

#include <cstddef>
#include <cstdint>

#include "er_cuda.cuh"

namespace er {

/* Covariance of `count` windows of rows × n returns already on the device (starts relative to d_returns).
   d_weights: `window` EWMA weights (kind EWMA) or unused (sample); d_means: count × n scratch. */
cudaError_t launch_covariance(const double* d_returns, int64_t n, const int64_t* d_starts, int64_t count,
                              int64_t window, int kind, const double* d_weights, double* d_means, double* d_out,
                              cudaStream_t stream);

/* Expands `count` symmetric n × n matrices sent as their upper triangles (row i: Σ_ii … Σ_i,n−1, at
   i·n − i(i−1)/2 within a matrix of n(n+1)/2 values) into full row-major matrices (symmetric.cu). */
cudaError_t launch_unpack_symmetric(const double* d_packed, int64_t count, int64_t n, double* d_full,
                                    cudaStream_t stream);

/* How a batched solve runs on the device: threads per block, dynamic shared memory, grid, global workspace. */
struct SolvePlan {
    int threads;
    size_t shared_bytes;
    int grid;
    int c_in_shared;   /* the correlation matrix lives in shared memory */
    int c_packed;      /* one warp per problem, C's upper triangle packed in shared memory: 1 FP32, 2 FP16 (0: block path) */
    int lane_entries;  /* warp path: vector entries per lane (1, 2 or 4: 32 · lane_entries ≥ n); 0 on the block path */
    int vec_in_shared; /* the solver's vectors live in shared memory */
    int mix_in_shared; /* warp path: the mixer's history in shared memory after the triangle (else the workspace) */
    int newton_cg;     /* warp path: a stalled CCD goes to the truncated Newton before the Cholesky Newton (2: only it) */
    size_t work_doubles_per_block;
};

/* Chooses the plan for problems of size n on `device`; batch bounds the grid. */
cudaError_t plan_solve(int device, int64_t n, int64_t batch, SolvePlan* plan);

struct SolveArgs {
    const double* cov;
    const double* budgets;
    int budgets_shared;
    int64_t batch;
    int64_t n;
    double tol;
    int max_iter;
    int solver;
    double* weights;
    double* rc;
    int32_t* iterations;
    double* residual;
    int32_t* converged;
    int32_t* solver_used;
    double* volatility;
    double* work; /* plan.grid × plan.work_doubles_per_block */
};

cudaError_t launch_solve(const SolveArgs& args, const SolvePlan& plan, cudaStream_t stream);

}  // namespace er

#endif

/* Host-side entry points of the kernel sources, used by the C ABI implementation (equirisk_api.cu). */
#ifndef EQUIRISK_ER_KERNELS_H
#define EQUIRISK_ER_KERNELS_H

#include <algorithm>
#include <cfloat>
#include <cstddef>
#include <cstdint>

#include "er_cuda.cuh"

namespace er {

/* The least budget the solve works with: a positive budget below it (subnormal, < 5.6e-309) is raised to it, so
   that 4b, and with it ccd_step's d, is a normal number; the risk contribution it asks for moves by less than
   6e-309. */
constexpr double MIN_BUDGET = DBL_MIN / 4;

/* Covariance of `count` windows of rows × n returns already on the device (starts relative to d_returns).
   d_weights: `window` EWMA weights (kind EWMA) or unused (sample); d_means: count × n scratch. */
cudaError_t launch_covariance(const double* d_returns, int64_t n, const int64_t* d_starts, int64_t count,
                              int64_t window, int kind, const double* d_weights, double* d_means, double* d_out,
                              cudaStream_t stream);

/* Expands `count` symmetric n × n matrices sent as their upper triangles (row i: Σ_ii … Σ_i,n−1, at
   i·n − i(i−1)/2 within a matrix of n(n+1)/2 values) into full row-major matrices (symmetric.cu). */
cudaError_t launch_unpack_symmetric(const double* d_packed, int64_t count, int64_t n, double* d_full,
                                    cudaStream_t stream);

/* Monte Carlo scenario returns (scenarios.cu; the definition is in DESIGN.md §4): rows g0 … g0 + cnt − 1 of the table
   that stacks scenarios first, first + 1, … of `rows` rows each (row g: scenario first + g / rows, period g % rows)
   into d_out (cnt × n). d_chol: L, n × n row-major, mirrored first by launch_mirror_lower (its upper triangle, Lᵀ, is
   what the kernel reads); d_mean: n values, or NULL for zero; dof 0: Gaussian, else Student-t with dof degrees of
   freedom. */
cudaError_t launch_mirror_lower(double* d_chol, int64_t n, cudaStream_t stream);
cudaError_t launch_scenarios(const double* d_chol, const double* d_mean, int64_t n, uint64_t seed, int64_t first,
                             int64_t rows, int64_t g0, int64_t cnt, int32_t dof, double* d_out, cudaStream_t stream);

/* The block bootstrap (scenarios.cu; the definition is in DESIGN.md §4 and philox.cuh's bootstrap_start): rows
   g0 … g0 + cnt − 1 of the table that stacks scenarios first, first + 1, … of `rows` rows each into d_out (cnt × n),
   row t of scenario s being history row bootstrap_start(seed, s, t / block, history_rows, block) + t % block of
   d_history (history_rows × n, row-major), copied. 1 <= block <= history_rows. */
cudaError_t launch_bootstrap_gather(const double* d_history, int64_t history_rows, int64_t n, int64_t block,
                                    uint64_t seed, int64_t first, int64_t rows, int64_t g0, int64_t cnt,
                                    double* d_out, cudaStream_t stream);

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
    int wide;          /* whole-device solve: each problem on every SM in turn (solve_wide.cu); the fields above then
                          plan its fallback, the block path for one problem (grid 1) */
    int wide_grid;     /* whole-device solve: blocks of WIDE_THREADS per problem and launch */
    int wide_group;    /* whole-device solve: problems side by side (grid rows), each in a workspace slot (grid) */
    size_t work_doubles_per_block;
};

/* Chooses the plan for `batch` problems of size n on `device`, solved by `solver` (ER_SOLVER_*); batch bounds the
   grid. */
cudaError_t plan_solve(int device, int64_t n, int64_t batch, int solver, SolvePlan* plan);

/* The plan's workspace in bytes (plan.grid slots of plan.work_doubles_per_block). */
inline size_t solve_work_bytes(const SolvePlan& plan) { return (size_t)plan.grid * plan.work_doubles_per_block * 8; }

/* Shrinks the plan's concurrency (the block and warp paths' grid, or a whole-device group) until its workspace fits
   `max_bytes`, never below one slot: where device memory is short, fewer problems at once are better than a refused
   call. Every path strides over its batch (a whole-device group over its members), so the answers do not depend on
   it. */
inline void fit_workspace(SolvePlan* plan, size_t max_bytes) {
    if (solve_work_bytes(*plan) <= max_bytes) return;
    const size_t slot = plan->work_doubles_per_block * 8;
    const int fits = (int)std::max<size_t>(1, max_bytes / slot);
    if (plan->wide) plan->wide_group = std::min(plan->wide_group, fits);
    plan->grid = plan->wide ? plan->wide_group : std::min(plan->grid, fits);
}

/* Where a solve reports, on the device: problem k's weights and RC at [k·n], its scalars at [k]. */
struct SolveReport {
    double* weights;
    double* rc;
    int32_t* iterations;
    double* residual;
    int32_t* converged;
    int32_t* solver_used;
    double* volatility;

    /* the report of problems k, k + 1, … of n assets */
    SolveReport from(int64_t k, int64_t n) const {
        return {weights + k * n, rc + k * n, iterations + k, residual + k, converged + k, solver_used + k,
                volatility + k};
    }
};

struct SolveArgs {
    const double* cov;
    const double* budgets;
    int budgets_shared;
    int64_t batch;
    int64_t n;
    double tol;
    int max_iter;
    int solver;
    SolveReport report;
    double* work; /* plan.grid × plan.work_doubles_per_block */
};

cudaError_t launch_solve(const SolveArgs& args, const SolvePlan& plan, cudaStream_t stream);
/* The solve paths alone, without the certification of converged results that launch_solve adds after them. */
cudaError_t launch_solve_paths(const SolveArgs& args, const SolvePlan& plan, cudaStream_t stream);

/* The whole-device solve (solve_wide.cu). */
/* the whole-device solve's block size: 512 threads (one row per warp, solve_wide.cu's WIDE_ROWS) ran N = 3000 in
   2.2 ms on an H200 against 4.7 ms for 128 threads with four rows per warp, and 256 with two in 2.9 ms (eighth GPU
   session): more rows' loads in flight over the grid, and four times the threads for the one-block tails. An
   experiment's build may set it (EQUIRISK_NVCC_FLAGS=-DER_WIDE_THREADS=…) */
#ifndef ER_WIDE_THREADS
#define ER_WIDE_THREADS 512
#endif
constexpr int WIDE_THREADS = ER_WIDE_THREADS;
constexpr int WIDE_BLOCKS_PER_SM = 4; /* an upper bound: registers allow two blocks of 512 threads per SM */
/* Workspace of the whole-device solve of problems of n assets, in doubles. */
int64_t wide_work_doubles(int64_t n);
/* Its blocks per problem and launch on this device for n assets (no more than its rows need, at most
   WIDE_BLOCKS_PER_SM per SM), and how many of `batch` problems it solves side by side. */
cudaError_t wide_grid(const cudaDeviceProp& prop, int64_t n, int64_t batch, int* grid, int* group);
/* Whether the whole-device solve, `group` problems at a time, is predicted faster than the block path for `batch`
   problems of n assets on `sms` multiprocessors (the model is in solve_wide.cu). */
bool wide_pays(int64_t n, int64_t batch, int sms, int group);
/* Solves the batch a group of problems at a time on every SM, each that fails by the block path (launch_solve with
   plan.wide = 0); synchronises with the host between Newton steps. */
cudaError_t launch_solve_wide(const SolveArgs& args, const SolvePlan& plan, cudaStream_t stream);

}  // namespace er

#endif

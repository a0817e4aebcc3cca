/*
 * equirisk C ABI: batched covariance, batched risk-budgeting solves, Monte Carlo scenario returns drawn from a model,
 * and scenario sets (drawn, or resampled from a history) estimated and solved in one call, on a CUDA device, or on
 * the host through the CUDA emulation layer (same sources, built by g++). Plain C types; every function but the
 * three queries (er_abi_version, er_library_kind, er_last_error) returns an er_status and, on failure, leaves a
 * message for the calling thread in er_last_error().
 *
 * Layouts (all row-major, contiguous, float64):
 *   returns      rows × n                       row t, asset j at returns[t*n + j]
 *   covariance   batch × n × n                  matrix k at cov[k*n*n], entry (i,j) at cov[k*n*n + i*n + j]
 *   upper        batch × n(n+1)/2 (er_solve_packed)  matrix k at k*n(n+1)/2, entry (i,j), i ≤ j, at i*n − i(i−1)/2 + j − i
 *   budgets      n (shared) or batch × n
 *   weights, rc  batch × n
 *   chol         n × n                          L, lower Cholesky factor of Σ = L Lᵀ, entry (i,j) at chol[i*n + j];
 *                                               entries above the diagonal are never read
 *   scenarios    count × rows × n               scenario first + k, row t, asset i at out[(k*rows + t)*n + i]
 *   history      history_rows × n               row t, asset j at history[t*n + j] (er_bootstrap_solve)
 */
#ifndef EQUIRISK_H
#define EQUIRISK_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define ER_ABI_VERSION 7

typedef enum er_status {
    ER_OK = 0,
    ER_INVALID_ARGUMENT = 1, /* a size, pointer or option is invalid (checked before any device work) */
    ER_NO_DEVICE = 2,        /* no CUDA device or no usable driver */
    ER_OUT_OF_MEMORY = 3,    /* device (or host staging) allocation failed */
    ER_CUDA_ERROR = 4,       /* any other CUDA runtime error; the text is in er_last_error() */
    ER_INTERNAL = 5          /* a failure inside the library (no exception ever crosses this interface) */
} er_status;

typedef enum er_cov_kind {
    ER_COV_SAMPLE = 0, /* demeaned, divided by (window - 1) */
    ER_COV_EWMA = 1    /* zero mean, weights lambda^(window-1-t) normalised to sum to one */
} er_cov_kind;

typedef enum er_solver {
    ER_SOLVER_AUTO = 0,  /* CCD; on stall, damped Newton finishes */
    ER_SOLVER_CCD = 1,
    ER_SOLVER_NEWTON = 2
} er_solver;

/* What ran for one problem (solver_used output). */
typedef enum er_solver_used {
    ER_USED_CCD = 1,
    ER_USED_NEWTON = 2,
    ER_USED_CCD_NEWTON = 3,
    ER_USED_DIAGONAL = 4  /* one positive budget: the whole weight on that asset, no iterations */
} er_solver_used;

typedef struct er_device_info {
    char name[256];
    int32_t compute_major;
    int32_t compute_minor;
    int32_t multiprocessors;
    int32_t driver_version;   /* e.g. 13000 for CUDA 13.0; 0 when unknown */
    int32_t runtime_version;
    int64_t total_memory;     /* bytes */
    int64_t free_memory;      /* bytes, at query time */
    int64_t shared_memory_per_block_optin; /* bytes */
} er_device_info;

typedef struct er_context er_context;

/* ABI version of the loaded library (ER_ABI_VERSION at build time). */
int32_t er_abi_version(void);

/* "cuda" or "emulation". */
const char* er_library_kind(void);

/* The calling thread's last error message ("" if none). Valid until the thread's next call. */
const char* er_last_error(void);

/* Number of usable devices; 0 with ER_OK when there is none (the reason is in er_last_error()). */
er_status er_device_count(int32_t* count);

er_status er_device_info_get(int32_t device, er_device_info* info);

/* A context owns a device, a stream and reusable device buffers. A context is used by one thread at a time;
   separate contexts may be used concurrently. Destroy it once: using or destroying it again is undefined.
   Its device buffers grow to fit a call and are kept for the next one while they take at most a quarter of the
   device; a call larger than that (one larger than the device sizes its chunks to the free memory plus the
   context's own buffers) gives them back at its end, so an idle context leaves the device to other contexts, here
   or in other processes. Contexts of one process still compete while they compute: share one per device among a
   process's callers (the Java backends do). */
er_status er_context_create(int32_t device, er_context** ctx);
er_status er_context_destroy(er_context* ctx);

/*
 * Page-locked ("pinned") host memory owned by the context, for staging a caller's data on its way to and from the
 * device. Copies from pageable memory go through the driver's own pinned buffer, one more CPU copy on one thread;
 * from this area they run at the bus's rate (and the caller can fill it with as many threads as it likes).
 * *out receives an area of at least bytes (256-byte aligned), valid until the next er_context_staging call on this
 * context or er_context_destroy. The area only grows; when it grows its contents are not kept. Pass it to the calls
 * above like any host memory. ER_OUT_OF_MEMORY when the system will not lock that much memory: use pageable memory
 * then. The emulation library returns ordinary host memory.
 */
er_status er_context_staging(er_context* ctx, int64_t bytes, void** out);

/*
 * One covariance per window: window k covers rows [starts[k], starts[k] + window) of returns (rows × n).
 * cov_out receives count × n × n values. The returns are not scanned: a NaN or infinite return, or products that
 * overflow, give NaN or infinite entries with ER_OK (the Java bindings check the returns before calling).
 */
er_status er_covariance(er_context* ctx, const double* returns, int64_t rows, int64_t n,
                        const int64_t* starts, int64_t count, int64_t window,
                        int32_t kind, double lambda, double* cov_out);

/*
 * Risk-budgeting solves: for each k, long-only weights w (sum 1) with w_i (Σw)_i / wᵀΣw = b_i.
 * budgets: n values if budgets_shared != 0, else batch × n. Budgets must be >= 0 and sum to 1 per problem; an asset
 * with a zero budget gets weight exactly 0. tol: stop when max_i |RC_i - b_i| <= tol.
 * Outputs (each may not be NULL): weights_out, rc_out (batch × n), iterations_out, converged_out, solver_used_out
 * (batch), residual_out, volatility_out (batch).
 * Each Σ must be symmetric positive semi-definite with positive finite variances, and is not checked for it (the
 * Java bindings check every matrix first): the kernels read it by rows and by columns, so a matrix that is not
 * symmetric is solved as its transpose (er_solve_packed takes the upper triangle as the whole), and a NaN, an
 * infinity or a variance <= 0 comes back as that problem's converged_out = 0 with NaN weights, under ER_OK.
 * ER_SOLVER_CCD runs to max_iter where coordinate descent stalls (ER_SOLVER_AUTO hands such a problem to Newton).
 */
er_status er_solve(er_context* ctx, const double* cov, const double* budgets, int32_t budgets_shared,
                   int64_t batch, int64_t n, double tol, int32_t max_iter, int32_t solver,
                   double* weights_out, double* rc_out, int32_t* iterations_out, double* residual_out,
                   int32_t* converged_out, int32_t* solver_used_out, double* volatility_out);

/*
 * er_solve with each Σ sent as its upper triangle: n(n+1)/2 values per problem, row i (Σ_ii … Σ_i,n−1) at
 * i·n − i(i−1)/2, problem k at k·n(n+1)/2; the lower triangle is taken as its mirror. Half the bytes of er_solve's
 * input cross the bus; the device expands each matrix before solving, so the results are er_solve's on the full
 * symmetric matrices, to the bit. The same checks and outputs as er_solve, under this function's name.
 */
er_status er_solve_packed(er_context* ctx, const double* cov_upper, const double* budgets, int32_t budgets_shared,
                          int64_t batch, int64_t n, double tol, int32_t max_iter, int32_t solver,
                          double* weights_out, double* rc_out, int32_t* iterations_out, double* residual_out,
                          int32_t* converged_out, int32_t* solver_used_out, double* volatility_out);

/*
 * er_covariance and er_solve in one call, for rolling rebalancing: the covariance of each window (as er_covariance) is made and
 * solved (as er_solve, problem k = window k) on the device, and only the results come back: the covariances cross
 * the bus only when cov_out is not NULL (count × n × n values). budgets: n values if budgets_shared != 0, else
 * count × n. The same checks as the two calls, under this function's name.
 */
er_status er_covariance_solve(er_context* ctx, const double* returns, int64_t rows, int64_t n,
                              const int64_t* starts, int64_t count, int64_t window, int32_t kind, double lambda,
                              const double* budgets, int32_t budgets_shared, double tol, int32_t max_iter,
                              int32_t solver, double* weights_out, double* rc_out, int32_t* iterations_out,
                              double* residual_out, int32_t* converged_out, int32_t* solver_used_out,
                              double* volatility_out, double* cov_out);

/*
 * Monte Carlo scenario returns (ABI 6), by one definition shared with the Java engine: for a given seed, scenario s,
 * row t and asset i the same number, to the bit, on every engine, whatever count, first or chunking produced
 * it. With z_j = normal(s, t, j, 0), standard normals from Philox4x32-10 (key = the seed's low and high 32 bits,
 * counter = (j/2, t, s, domain), one Box-Muller pair per call):
 *   r_{t,i} = mean_i + scale · Σ_{j ≤ i} L_ij z_j
 *   scale = 1 (dof 0, Gaussian), or sqrt((dof − 2) / Σ_{m < dof} normal(s, t, m, 1)²) (Student-t with dof degrees
 *   of freedom, one scale per row: multivariate t whose covariance is Σ itself).
 * returns_out receives count × rows × n values: scenario first + k, row t, asset i at (k·rows + t)·n + i.
 * mean: n values, or NULL for zero. seed: any 64-bit value. Scenarios first … first + count − 1: first >= 0,
 * count >= 1, first + count <= 2^32. 1 <= rows <= 2^31 − 1. dof: 0, or 3 … 1000.
 * Checked before any device work (ER_INVALID_ARGUMENT, the message names the value): the sizes, chol's diagonal
 * positive and its lower triangle finite (the message names the row and column), mean finite. When the output is
 * larger than free device memory it is made in chunks of rows (ER_OUT_OF_MEMORY only when L and one row do not fit).
 */
er_status er_scenarios(er_context* ctx, const double* chol, const double* mean, int64_t n, uint64_t seed,
                       int64_t first, int64_t count, int64_t rows, int32_t dof, double* returns_out);

/*
 * er_scenarios and er_covariance_solve in one call (ABI 6): scenario first + k's rows are made on the device, their
 * covariance (kind and lambda as er_covariance, the window being the scenario's rows) is solved as problem k, and
 * only the results come back: the outputs are er_covariance_solve's, cov_out (count × n × n) may be NULL. budgets:
 * n values if budgets_shared != 0, else count × n. The same results, to the bit, as er_scenarios followed by
 * er_covariance_solve with starts k·rows and window rows; the scenario returns never cross the bus. rows >= 2 (a
 * covariance window). The checks of both calls, under this function's name; chunked by scenarios like
 * er_covariance_solve when device memory is short.
 */
er_status er_scenario_solve(er_context* ctx, const double* chol, const double* mean, int64_t n, uint64_t seed,
                            int64_t first, int64_t count, int64_t rows, int32_t dof, int32_t kind, double lambda,
                            const double* budgets, int32_t budgets_shared, double tol, int32_t max_iter,
                            int32_t solver, double* weights_out, double* rc_out, int32_t* iterations_out,
                            double* residual_out, int32_t* converged_out, int32_t* solver_used_out,
                            double* volatility_out, double* cov_out);

/*
 * A block-bootstrap scenario set made and solved in one call (ABI 7): er_scenario_solve with each scenario's rows
 * resampled from a history instead of drawn from a model, by one definition shared with the Java engine
 * (HistoricalBootstrap): row t of scenario s (= first + k) is history row start(s, t / block) + t % block, copied
 * (all n assets), where block b of scenario s starts at the high 64 bits of the 128-bit product
 * x · (history_rows − block + 1), x = P0·2^32 + P1 of the Philox4x32-10 block for counter (b, 0, s, 2) under key
 * (the seed's low 32 bits, its high 32 bits): a start drawn uniformly from the history_rows − block + 1 possible
 * ones, in integer arithmetic, so the same rows on every engine, whatever first, count or chunking. history is
 * copied to the device and the rows gathered there; they never cross the bus. Scenario first + k's covariance (kind
 * and lambda as er_covariance, the window being its rows) is solved as problem k: the outputs are
 * er_covariance_solve's, cov_out (count × n × n) may be NULL, budgets n values if budgets_shared != 0, else count ×
 * n. The same results, to the bit, as er_covariance_solve on the gathered rows with starts k·rows and window rows.
 * 1 <= block <= history_rows; first >= 0, count >= 1, first + count <= 2^32; 2 <= rows <= 2^31 − 1.
 * Checked before any device work (ER_INVALID_ARGUMENT, the message names the function and the value): the
 * pointers, the sizes, every history value finite (the message names its row and column, from 0), the byte counts,
 * the estimator's kind and lambda and the solve's options and budgets. Chunked by scenarios like er_scenario_solve
 * when device memory is short (ER_OUT_OF_MEMORY when the history and one scenario's work do not fit).
 */
er_status er_bootstrap_solve(er_context* ctx, const double* history, int64_t history_rows, int64_t n, int64_t block,
                             uint64_t seed, int64_t first, int64_t count, int64_t rows, int32_t kind, double lambda,
                             const double* budgets, int32_t budgets_shared, double tol, int32_t max_iter,
                             int32_t solver, double* weights_out, double* rc_out, int32_t* iterations_out,
                             double* residual_out, int32_t* converged_out, int32_t* solver_used_out,
                             double* volatility_out, double* cov_out);

#ifdef __cplusplus
}
#endif

#endif /* EQUIRISK_H */

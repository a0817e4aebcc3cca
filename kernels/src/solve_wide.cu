/*
 * The whole-device solve: one large problem at a time on every SM, for the few-problems-of-many-assets case where
 * the block path (one block per problem) would leave all but a few SMs idle. Measured on an H100 before it existed:
 * one problem of 3000 assets took 96 ms of kernel time on one of 132 SMs, against 19.5 ms for the Java engine on
 * one core (benchmarks/RESULTS.md, "Fifth GPU session").
 *
 * Method: Newton's method on Spinu's convex form f(y) = ½ yᵀCy − Σ b_p log y_p over the correlation C (y = σx), each
 * step's system H s = −g, H = C + diag(b/y²), solved by conjugate gradients preconditioned by H's diagonal to a
 * relative residual of min(1e-2, ‖g‖) (a truncated Newton, as the warp path's Newton stage):
 * - each CG iteration is one product with C in FP32 (C's off-diagonal entries, 36 MB at n = 3000: about the size of
 *   an H100's or H200's L2), one row per warp, every SM busy;
 * - the gradient and the step's product Cs are exact, from Σ in FP64 ((Cv)_p = (Σ_q Σ_pq v_q/σ_q)/σ_p), so the
 *   answer is the FP64 problem's whatever the FP32 copy does to the directions;
 * - the step length by backtracking (Armijo, 1e-4) from the largest step that keeps 5% of y's distance to the
 *   boundary, f's change formed as t·yᵀCs + ½t²·sᵀCs − Σ b log1p(t s/y) with no cancellation against f itself;
 * - convergence is the other paths' test: max_p |RC_p − b_p| ≤ tol on the exact Cy, and the report is theirs.
 * A problem it cannot finish (a step that does not lower f, a CG iteration count or Newton step cap reached, a
 * residual that is not finite) goes to the block path from the start, so the guarantee and the report are the block
 * path's.
 *
 * Decomposition: kernels over the whole grid, one launch per product; the block that finishes its rows last (a
 * ticket taken after a fence, as cuda-samples' threadFenceReduction) runs the O(n) vector work of that stage (the
 * "tail") in one block, so a CG iteration is one launch. Blocks never wait on each other (the emulation runs them one
 * after another). The state lives in device memory; the host reads it after each queued group of CG launches
 * (as many as the previous Newton step took; a launch after CG has finished returns at once) and queues the step.
 * Where one problem's rows leave most of the device idle, a group of problems runs side by side, one per grid row
 * (blockIdx.y), each with its own state and workspace slot, sharing every launch and host read.
 */
#include <algorithm>
#include <cfloat>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>

#include "er_kernels.h"
#include "er_reduce.cuh"

namespace er {
namespace {

/* CG stops at ‖r‖ ≤ η‖g‖, η = min(WIDE_FORCING, ‖g‖): 1e-2 as the warp path's Newton stage far from the answer,
   and quadratic convergence near it (Eisenstat and Walker's forcing terms), so the last step lands well below tol */
constexpr double WIDE_FORCING = 1e-2;
constexpr int WIDE_CG_PER_STEP = 200;   /* CG iterations one Newton step may take */
constexpr int WIDE_CG_BUDGET = 2000;    /* and the whole problem, before the block path takes it over */
constexpr int WIDE_NEWTON_STEPS = 200;  /* the Java engine's DampedNewton.MAX_STEPS */
constexpr int WIDE_HALVINGS = 60;       /* step halvings before a step counts as failed */
constexpr int WIDE_CG_GROUP = 8;        /* CG launches queued after the first exact check (see launch_solve_wide) */
constexpr int WIDE_GROUP_MAX = 32;      /* problems side by side (see wide_grid) */
constexpr int WIDE_SCRATCH = WIDE_THREADS / 32 + 2;
constexpr int STATE_DOUBLES = 16;
constexpr int VECTORS = 11;

/* What the host reads between launches (one copy of it per problem, at the workspace's start). */
struct WideState {
    unsigned int arrived; /* blocks done with this launch's rows; the last one runs the tail and resets it */
    int stop;             /* 0 running; 1 converged and reported; 2 given up: the block path solves it again */
    int cg_done;          /* this Newton step's CG has finished and s is its step */
    int cg_iters;         /* CG iterations of this step */
    int cg_total;         /* of the problem */
    int steps;            /* Newton steps taken */
    int na;               /* active assets */
    int halvings;         /* step-length halvings, all steps */
    double rz;            /* CG's rᵀz */
    double target;        /* CG stops at ‖r‖ ≤ target */
    double residual;      /* max |RC − b| at the last exact check */
};
static_assert(sizeof(WideState) <= STATE_DOUBLES * sizeof(double), "WideState outgrew its slot");

/* One problem's inputs, outputs and workspace (vectors of the active set, in position p; idx[p] is its asset). */
struct Wide {
    const double* S;  /* Σ, n × n */
    const double* bb; /* budgets, n */
    int n;
    int64_t k; /* its place in the outputs */
    double tol;
    int max_steps;
    SolveReport report; /* the batch's */
    WideState* st;
    double *b, *sig, *y, *cy, *g, *dg, *s, *r, *p, *prod, *v; /* prod: this launch's product */
    int* idx;
    float* pf; /* p in FP32 for the CG product, zero-padded to a multiple of 4 */
    float* C;  /* C's off-diagonal part in FP32, rows of round4(na) */
};

__host__ __device__ constexpr int64_t round4(int64_t n) { return (n + 3) & ~int64_t{3}; }

/* The workspace's layout for problems of n assets (offsets in doubles; the FP32 arrays start 16-byte aligned). */
struct Layout {
    int64_t vectors, idx, pf, C, total;
    __host__ __device__ explicit Layout(int64_t n) {
        vectors = STATE_DOUBLES;
        idx = (vectors + VECTORS * n + 1) & ~int64_t{1}; /* even, so that pf and C start 16-byte aligned */
        pf = idx + 2 * ((n + 3) / 4); /* n ints, rounded to 16 bytes */
        C = pf + round4(n) / 2;
        total = C + n * round4(n) / 2;
    }
};

/* Problem k of the batch, in the workspace slot at `work`. */
__host__ __device__ Wide wide_problem(const SolveArgs& a, int64_t k, double* work) {
    const int64_t n = a.n;
    const Layout L(n);
    Wide w;
    w.S = a.cov + k * n * n;
    w.bb = a.budgets + (a.budgets_shared ? 0 : k * n);
    w.n = (int)n;
    w.k = k;
    w.tol = a.tol;
    /* as the other paths: under AUTO max_iter bounds CCD's sweeps and Newton still has its 200 steps, so it does not
       bound this solve; under ER_SOLVER_NEWTON min(max_iter, 200) */
    w.max_steps = a.solver == 2 && a.max_iter < WIDE_NEWTON_STEPS ? a.max_iter : WIDE_NEWTON_STEPS;
    w.report = a.report;
    w.st = reinterpret_cast<WideState*>(work);
    double* v = work + L.vectors;
    double** vecs[VECTORS] = {&w.b, &w.sig, &w.y, &w.cy, &w.g, &w.dg, &w.s, &w.r, &w.p, &w.prod, &w.v};
    for (int i = 0; i < VECTORS; i++) *vecs[i] = v + i * n;
    w.idx = reinterpret_cast<int*>(work + L.idx);
    w.pf = reinterpret_cast<float*>(work + L.pf);
    w.C = reinterpret_cast<float*>(work + L.C);
    return w;
}


/* A group of problems solved side by side, one per grid row (blockIdx.y): problem k0 + y in workspace slot y. Where
   one problem's rows fill only part of the device (n = 1000: 63 blocks of 264 resident on an H200), the others'
   blocks fill the rest, and the group shares every launch, tail and host read. */
struct WideGroup {
    SolveArgs a;
    int64_t k0;
    int64_t slot_doubles; /* plan.work_doubles_per_block */
};

__host__ __device__ inline Wide wide_member(const WideGroup& g, int j) {
    return wide_problem(g.a, g.k0 + j, g.a.work + j * g.slot_doubles);
}

/* This block's problem */
__device__ inline Wide wide_at(const WideGroup& g) { return wide_member(g, (int)blockIdx.y); }


/* p's block of 16 bytes: four FP32 entries loaded together */
struct alignas(16) Float4 {
    float x, y, z, w;
};

/* what other blocks wrote in this launch: read from L2, past this SM's L1 */
__device__ __forceinline__ double load_cg(const double* a) { return __ldcg(a); }

/* After a block's rows: whether it is the last block of the grid to finish them (then every other block's rows are
   visible to it). Every thread fences its own stores before the block takes its ticket, and the last block fences
   again before it reads (through L2: load_cg), so no ordering rests on the fence's cumulativity alone. */
__device__ bool arrive_last(WideState* st, int* flag) {
    __threadfence();
    __syncthreads();
    if (threadIdx.x == 0) {
        const unsigned ticket = atomicAdd(&st->arrived, 1u);
        *flag = ticket == gridDim.x - 1;
    }
    __syncthreads();
    const bool last = *flag != 0;
    if (last) __threadfence();
    return last;
}

/* The end of a tail: the counter ready for the next launch. */
__device__ void reset_arrivals(WideState* st) {
    if (threadIdx.x == 0) st->arrived = 0;
}

/* Rows of the grid's warps: warp w takes rows WIDE_ROWS·w …, then WIDE_ROWS·(w + warps) …, its lanes across the
   columns (coalesced), every row's loads in flight together; each lane's partial sums go through shared memory
   (`part`, WIDE_ROWS × 32 per warp) and lane r adds row r's 32 in lane order. One row per warp with 512-thread
   blocks (er_kernels.h, WIDE_THREADS) measured fastest: at n = 3000, 3000 warps stream rows instead of 750. */
#ifndef ER_WIDE_ROWS /* an experiment's build may set it, as ER_WIDE_THREADS */
#define ER_WIDE_ROWS 1
#endif
constexpr int WIDE_ROWS = ER_WIDE_ROWS;
__device__ __forceinline__ int warp_id() { return (int)((blockIdx.x * blockDim.x + threadIdx.x) >> 5); }
__device__ __forceinline__ int warp_count() { return (int)((gridDim.x * blockDim.x) >> 5); }

/* Adds each row's lane partials (acc[r] of every lane) and returns row `lane`'s sum to lanes 0 … WIDE_ROWS − 1. */
__device__ __forceinline__ double rows_sum(const double (&acc)[WIDE_ROWS], double* part) {
    const int lane = threadIdx.x & 31;
    double* mine = part + (threadIdx.x >> 5) * WIDE_ROWS * 32;
#pragma unroll
    for (int r = 0; r < WIDE_ROWS; r++) mine[r * 32 + lane] = acc[r];
    __syncwarp();
    double sum = 0.0;
    if (lane < WIDE_ROWS)
        for (int l = 0; l < 32; l++) sum += mine[lane * 32 + l];
    __syncwarp(); /* part is free for the next rows */
    return sum;
}

/* Active set in index order (one warp, a prefix count per 32 assets), budgets as fractions of their sum, σ, and the
   start's product input v = b/σ. One block. */
__global__ void wide_prepare(WideGroup g) {
    const Wide w = wide_at(g);
    __shared__ double scratch[WIDE_SCRATCH];
    __shared__ int na_slot;
    const int tid = threadIdx.x, T = blockDim.x, n = w.n;
    if (tid < 32) {
        int base = 0;
        for (int c = 0; c < n; c += 32) {
            const int i = c + tid;
            const int flag = i < n && w.bb[i] > 0.0 ? 1 : 0;
            const int incl = warp_inclusive_count(flag);
            if (flag) w.idx[base + incl - 1] = i;
            base += __shfl_sync(0xffffffffu, incl, 31);
        }
        if (tid == 0) na_slot = base;
    }
    double part = 0.0;
    for (int i = tid; i < n; i += T) part += w.bb[i];
    const double bsum = block_sum(part, scratch); /* its barriers publish idx and na_slot */
    const int na = na_slot;
    for (int p = tid; p < na; p += T) {
        const int i = w.idx[p];
        const double b = fmax(w.bb[i] / bsum, MIN_BUDGET);
        const double var = w.S[(int64_t)i * n + i];
        /* a variance below DBL_MIN makes the problem NaN: the block path then reports it as the other paths do */
        const double sig = var >= DBL_MIN ? sqrt(var) : NAN;
        w.b[p] = b;
        w.sig[p] = sig;
        w.v[p] = b / sig;
    }
    if (tid == 0) {
        WideState* st = w.st;
        st->arrived = 0;
        st->stop = 0;
        st->cg_done = 1; /* no CG until the start's check has set one up */
        st->cg_iters = 0;
        st->cg_total = 0;
        st->steps = 0;
        st->na = na;
        st->halvings = 0;
        st->residual = NAN;
    }
}

/* C's off-diagonal part in FP32, row p at p·round4(na), zeros on the diagonal and in the padding; pf's padding. */
__global__ void wide_pack(WideGroup g) {
    const Wide w = wide_at(g);
    const int na = w.st->na, ld = (int)round4(na), lane = threadIdx.x & 31;
    for (int p = warp_id(); p < na; p += warp_count()) {
        const double* row = w.S + (int64_t)w.idx[p] * w.n;
        const double sp = w.sig[p];
        float* out = w.C + (int64_t)p * ld;
        for (int q = lane; q < ld; q += 32)
            out[q] = q < na && q != p ? (float)(row[w.idx[q]] / (sp * w.sig[q])) : 0.0f;
    }
    if (blockIdx.x == 0)
        for (int q = na + (int)threadIdx.x; q < ld; q += blockDim.x) w.pf[q] = 0.0f;
}

/* Writes the report of a converged problem, as the other paths do: w = (y/σ)/Σx, RC = y·Cy/yᵀCy, volatility
   sqrt(yᵀCy)/Σx, zeros for the inactive assets. */
__device__ void wide_report(const Wide& w, double ycy, double res, double* scratch) {
    const WideState* st = w.st;
    const int na = st->na, n = w.n, tid = threadIdx.x, T = blockDim.x;
    double part = 0.0;
    for (int p = tid; p < na; p += T) part += w.y[p] / w.sig[p];
    const double sx = block_sum(part, scratch);
    for (int i = tid; i < n; i += T) {
        w.report.weights[w.k * n + i] = 0.0;
        w.report.rc[w.k * n + i] = 0.0;
    }
    __syncthreads();
    for (int p = tid; p < na; p += T) {
        w.report.weights[w.k * n + w.idx[p]] = (w.y[p] / w.sig[p]) / sx;
        w.report.rc[w.k * n + w.idx[p]] = w.y[p] * w.cy[p] / ycy;
    }
    if (tid == 0) {
        const bool diagonal = na == 1; /* the start point is the answer: the other paths' "diagonal" */
        w.report.iterations[w.k] = diagonal ? 0 : st->steps;
        w.report.residual[w.k] = res;
        w.report.converged[w.k] = 1;
        w.report.solver_used[w.k] = diagonal ? 4 : 2; /* ER_USED_DIAGONAL, ER_USED_NEWTON */
        w.report.volatility[w.k] = sqrt(ycy) / sx;
    }
}

/* With cy = Cy exact: the convergence test; then either the report, giving up, or the next step's CG set up
   (g = Cy − b/y, H's diagonal 1 + b/y², s = 0, r = −g, p = r/diag). */
__device__ void wide_check(const Wide& w, double* scratch) {
    WideState* st = w.st;
    const int na = st->na, tid = threadIdx.x, T = blockDim.x;
    const int steps = st->steps, cg_total = st->cg_total;
    double part = 0.0;
    for (int p = tid; p < na; p += T) part += w.y[p] * w.cy[p];
    const double ycy = block_sum(part, scratch);
    double m = 0.0;
    for (int p = tid; p < na; p += T) {
        const double rcp = w.y[p] * w.cy[p] / ycy;
        m = nan_max(m, (isfinite(w.y[p]) && w.y[p] > 0.0 && isfinite(rcp)) ? fabs(rcp - w.b[p]) : NAN);
    }
    const double res = block_max(m, scratch);
    const bool finite = isfinite(res) && isfinite(ycy) && ycy > 0.0;
    if (tid == 0) st->residual = res;
    if (finite && res <= w.tol) {
        wide_report(w, ycy, res, scratch);
        if (tid == 0) st->stop = 1;
        return;
    }
    if (!finite || steps >= w.max_steps || cg_total >= WIDE_CG_BUDGET) {
        if (tid == 0) st->stop = 2;
        return;
    }
    double rz = 0.0, gg = 0.0;
    for (int p = tid; p < na; p += T) {
        const double y = w.y[p], b = w.b[p];
        const double g = w.cy[p] - b / y, d = 1.0 + b / (y * y), z = -g / d;
        w.g[p] = g;
        w.dg[p] = d;
        w.s[p] = 0.0;
        w.r[p] = -g;
        w.p[p] = z;
        w.pf[p] = (float)z;
        rz += -g * z;
        gg += g * g;
    }
    rz = block_sum(rz, scratch);
    gg = block_sum(gg, scratch);
    if (tid == 0) {
        st->rz = rz;
        st->target = fmin(WIDE_FORCING, sqrt(gg)) * sqrt(gg);
        st->cg_iters = 0;
        st->cg_done = 0;
    }
}

/* After the exact product Cs (in prod): the step length, and y moved (v = y/σ for the next exact product). */
__device__ void wide_step(const Wide& w, double* scratch) {
    WideState* st = w.st;
    const int na = st->na, tid = threadIdx.x, T = blockDim.x;
    double ycs = 0.0, scs = 0.0, gs = 0.0, reach = 0.0;
    for (int p = tid; p < na; p += T) {
        const double cs = load_cg(w.prod + p), s = w.s[p], y = w.y[p];
        ycs += y * cs;
        scs += s * cs;
        gs += w.g[p] * s;
        if (s < 0.0) reach = fmax(reach, -s / y); /* the step reaches y = 0 at t = 1/reach */
    }
    ycs = block_sum(ycs, scratch);
    scs = block_sum(scs, scratch);
    gs = block_sum(gs, scratch);
    reach = block_max(reach, scratch);
    if (!(gs < 0.0) || !isfinite(ycs) || !isfinite(scs) || !isfinite(reach)) { /* not a descent direction */
        if (tid == 0) st->stop = 2;
        return;
    }
    double t = reach > 0.95 ? 0.95 / reach : 1.0;
    int h = 0;
    for (; h < WIDE_HALVINGS; h++, t *= 0.5) {
        double part = 0.0;
        for (int p = tid; p < na; p += T) part += w.b[p] * log1p(t * w.s[p] / w.y[p]);
        const double df = t * ycs + 0.5 * t * t * scs - block_sum(part, scratch);
        if (df <= 1e-4 * t * gs) break;
    }
    if (h == WIDE_HALVINGS) {
        if (tid == 0) st->stop = 2;
        return;
    }
    for (int p = tid; p < na; p += T) {
        const double y = w.y[p] + t * w.s[p];
        w.y[p] = y;
        w.v[p] = y / w.sig[p];
    }
    if (tid == 0) {
        st->steps += 1;
        st->halvings += h;
    }
}

constexpr int PHASE_START = 0, PHASE_GRAD = 1, PHASE_STEP = 2;

/* prod = C v exactly, from Σ in FP64 (v = x/σ given), WIDE_ROWS rows per warp; then the stage's tail: START (v = b/σ: the
   start point y = b/sqrt(bᵀCb) and its check), GRAD (v = y/σ: the check), STEP (v = s/σ: the step). */
template <int PHASE>
__global__ void __launch_bounds__(WIDE_THREADS) wide_exact(WideGroup g) {
    const Wide w = wide_at(g);
    __shared__ double scratch[WIDE_SCRATCH];
    __shared__ double part[WIDE_THREADS * WIDE_ROWS];
    __shared__ int last;
    WideState* st = w.st;
    /* in a group, a problem whose CG still runs skips the step and the check the others take */
    if (st->stop != 0 || (PHASE != PHASE_START && st->cg_done == 0)) return;
    const int na = st->na, n = w.n, lane = threadIdx.x & 31;
    for (int p0 = WIDE_ROWS * warp_id(); p0 < na; p0 += WIDE_ROWS * warp_count()) {
        const double* row[WIDE_ROWS];
        double acc[WIDE_ROWS];
#pragma unroll
        for (int r = 0; r < WIDE_ROWS; r++) {
            row[r] = w.S + (int64_t)w.idx[p0 + r < na ? p0 + r : p0] * n; /* past the end: row p0 again, unused */
            acc[r] = 0.0;
        }
        if (na == n) { /* every asset active (the usual case): no gather, so the loads of four columns go out together */
#pragma unroll 4
            for (int q = lane; q < n; q += 32) {
                const double v = w.v[q];
#pragma unroll
                for (int r = 0; r < WIDE_ROWS; r++) acc[r] += row[r][q] * v;
            }
        } else {
#pragma unroll 4
            for (int q = lane; q < na; q += 32) {
                const int j = w.idx[q];
                const double v = w.v[q];
#pragma unroll
                for (int r = 0; r < WIDE_ROWS; r++) acc[r] += row[r][j] * v;
            }
        }
        const double sum = rows_sum(acc, part);
        if (lane < WIDE_ROWS && p0 + lane < na) w.prod[p0 + lane] = sum / w.sig[p0 + lane];
    }
    if (!arrive_last(st, &last)) return;
    const int tid = threadIdx.x, T = blockDim.x;
    if constexpr (PHASE == PHASE_START) {
        double part = 0.0;
        for (int p = tid; p < na; p += T) part += w.b[p] * load_cg(w.prod + p);
        const double root = sqrt(block_sum(part, scratch));
        for (int p = tid; p < na; p += T) {
            w.y[p] = w.b[p] / root;
            w.cy[p] = load_cg(w.prod + p) / root;
        }
        wide_check(w, scratch);
    } else if constexpr (PHASE == PHASE_GRAD) {
        for (int p = tid; p < na; p += T) w.cy[p] = load_cg(w.prod + p);
        wide_check(w, scratch);
    } else {
        wide_step(w, scratch);
    }
    reset_arrivals(st);
}

/* The CG tail's passes over the vectors, one block, entry q on thread q mod blockDim. The pointers are restrict (no
   array is read through another's name) and the loops unrolled, so each thread's loads of four entries go out
   together instead of each waiting behind the previous entry's stores. */
__device__ __forceinline__ double cg_curvature(int na, const double* __restrict__ p, const double* __restrict__ hp) {
    double part = 0.0;
#pragma unroll 4
    for (int q = threadIdx.x; q < na; q += blockDim.x) part += p[q] * load_cg(hp + q);
    return part;
}

/* s += αp, r −= α·Hp; this thread's parts of ‖r‖² and of rᵀz, z = r/diag(H) (so z needs no array of its own) */
__device__ __forceinline__ void cg_update(int na, double alpha, const double* __restrict__ p,
                                          const double* __restrict__ hp, const double* __restrict__ dg,
                                          double* __restrict__ s, double* __restrict__ r, double& rr, double& rz) {
#pragma unroll 4
    for (int q = threadIdx.x; q < na; q += blockDim.x) {
        s[q] += alpha * p[q];
        const double rq = r[q] - alpha * load_cg(hp + q);
        r[q] = rq;
        rr += rq * rq;
        rz += rq * (rq / dg[q]);
    }
}

/* p = z + βp, and its FP32 copy for the next product */
__device__ __forceinline__ void cg_direction(int na, double beta, const double* __restrict__ r,
                                             const double* __restrict__ dg, double* __restrict__ p,
                                             float* __restrict__ pf) {
#pragma unroll 4
    for (int q = threadIdx.x; q < na; q += blockDim.x) {
        const double pn = r[q] / dg[q] + beta * p[q];
        p[q] = pn;
        pf[q] = (float)pn;
    }
}

/* One CG iteration: prod = H p (C's FP32 off-diagonal part times pf, summed in FP32 per lane, plus H's diagonal
   times p in FP64), then in the tail the iteration's vector updates; when CG is done, v = s/σ for the step. */
__global__ void __launch_bounds__(WIDE_THREADS) wide_cg(WideGroup g) {
    const Wide w = wide_at(g);
    __shared__ double scratch[WIDE_SCRATCH];
    __shared__ double part[WIDE_THREADS * WIDE_ROWS];
    __shared__ int last;
    WideState* st = w.st;
    if (st->stop != 0 || st->cg_done != 0) return;
    const int na = st->na, ld4 = (int)(round4(na) / 4), lane = threadIdx.x & 31;
    const Float4* pf = reinterpret_cast<const Float4*>(w.pf);
    for (int p0 = WIDE_ROWS * warp_id(); p0 < na; p0 += WIDE_ROWS * warp_count()) {
        const Float4* row[WIDE_ROWS];
        float acc[WIDE_ROWS];
#pragma unroll
        for (int r = 0; r < WIDE_ROWS; r++) {
            row[r] = reinterpret_cast<const Float4*>(w.C + (int64_t)(p0 + r < na ? p0 + r : p0) * ld4 * 4);
            acc[r] = 0.0f;
        }
#pragma unroll 4
        for (int q = lane; q < ld4; q += 32) {
            const Float4 x = pf[q];
#pragma unroll
            for (int r = 0; r < WIDE_ROWS; r++) {
                const Float4 c = row[r][q];
                acc[r] += c.x * x.x + c.y * x.y + c.z * x.z + c.w * x.w;
            }
        }
        double wide_acc[WIDE_ROWS];
#pragma unroll
        for (int r = 0; r < WIDE_ROWS; r++) wide_acc[r] = acc[r];
        const double hp = rows_sum(wide_acc, part);
        if (lane < WIDE_ROWS && p0 + lane < na) w.prod[p0 + lane] = hp + w.dg[p0 + lane] * w.p[p0 + lane];
    }
    if (!arrive_last(st, &last)) return;
    const int tid = threadIdx.x;
    const double rz = st->rz, target = st->target;
    const int iters = st->cg_iters + 1;
    const double php = block_sum(cg_curvature(na, w.p, w.prod), scratch);
    bool done;
    if (!(php > 0.0) || !isfinite(php)) {
        /* the FP32 product is not positive on p (C nearly singular): the step so far, or none */
        if (iters == 1) {
            if (tid == 0) st->stop = 2;
            reset_arrivals(st);
            return;
        }
        done = true;
    } else {
        double rr = 0.0, rz_next = 0.0;
        cg_update(na, rz / php, w.p, w.prod, w.dg, w.s, w.r, rr, rz_next);
        rr = block_sum(rr, scratch);
        rz_next = block_sum(rz_next, scratch);
        done = sqrt(rr) <= target || iters >= WIDE_CG_PER_STEP;
        if (!done) {
            cg_direction(na, rz_next / rz, w.r, w.dg, w.p, w.pf);
            if (tid == 0) st->rz = rz_next;
        }
    }
    if (done)
        for (int p = tid; p < na; p += blockDim.x) w.v[p] = w.s[p] / w.sig[p];
    if (tid == 0) {
        st->cg_iters = iters;
        st->cg_total += 1;
        if (done) st->cg_done = 1;
    }
    reset_arrivals(st);
}

bool profiling() {
    const char* v = std::getenv("EQUIRISK_PROFILE");
    return v != nullptr && v[0] == '1';
}

}  // namespace

int64_t wide_work_doubles(int64_t n) { return Layout(n).total; }

cudaError_t wide_grid(const cudaDeviceProp& prop, int64_t n, int64_t batch, int* grid, int* group) {
    int per_sm = 0;
    const cudaError_t e = cudaOccupancyMaxActiveBlocksPerMultiprocessor(&per_sm, wide_cg, WIDE_THREADS, 0);
    if (e != cudaSuccess) return e;
    per_sm = std::clamp(per_sm, 1, WIDE_BLOCKS_PER_SM);
    const int64_t resident = (int64_t)per_sm * prop.multiProcessorCount;
    const int64_t rows_per_block = (int64_t)WIDE_ROWS * (WIDE_THREADS / 32);
    const int64_t row_blocks = (n + rows_per_block - 1) / rows_per_block;
    *grid = (int)std::max<int64_t>(1, std::min<int64_t>(row_blocks, resident));
    /* as many problems side by side as the resident blocks hold (n = 300: 13 on an H200, 1000: 4, 3000: 1);
       EQUIRISK_SOLVE_WIDE_GROUP=k asks for k (the tests' way to group problems on the emulation's two SMs) */
    int64_t g = std::min<int64_t>(resident / *grid, WIDE_GROUP_MAX);
    const char* asked = std::getenv("EQUIRISK_SOLVE_WIDE_GROUP");
    if (asked != nullptr && std::atoi(asked) >= 1) g = std::min(std::atoi(asked), WIDE_GROUP_MAX);
    *group = (int)std::clamp<int64_t>(std::min<int64_t>(g, batch), 1, WIDE_GROUP_MAX);
    return cudaSuccess;
}

/* The model behind the choice, fitted to the eighth GPU session's kernel times (H200, factor models, tol 1e-10;
   benchmarks/RESULTS.md; EQUIRISK_SOLVE_WIDE=on|off overrides it):
   - the block path solves up to one problem per SM at once, in t_block ≈ 6.13 · (n/300)^1.19 ms a wave (4.8, 6.2,
     11.6, 28–30 and 96 ms at n = 240, 300, 500, 1000 and 3000);
   - the whole-device solve takes a lone problem in t1 ≈ 1.2 + 1.15e-7 · n² ms (1.1–1.4 ms from n = 240 to 1000,
     2.2 ms at 3000): launches, one-block tails and host reads, ~150 µs a Newton step, set it below n ≈ 2000;
     streaming C and Σ only above;
   - a group of G side by side takes t1 · (1 + 0.15 (G − 1)): it waits for its slowest member's steps and CG
     iterations, and each member adds its tails (3.2 ms for 13 at n = 300, 2.6 for 8 at 500, 1.9 for 4 at 1000;
     the fit is within 20% of every group measured).
   The whole-device solve pays while ⌈batch/G⌉ · t_group ≤ ⌈batch/sms⌉ · t_block: at n = 300 up to one group (13
   problems: 3.2 against 6.2 ms; 52 problems measured 11.1 against 7.1), at n = 500 up to ~32 (16: 5.6 against 11.7 ms),
   at n = 1000 up to ~52 (16: 8.5 against 29.9 ms; 64: 33 against 30.3), and at n = 3000 ~40 problems. Below 240
   assets the block path keeps them: nothing smaller was timed (up to n ≈ 165 the block path's C is in shared
   memory, where the fit may not hold). */
bool wide_pays(int64_t n, int64_t batch, int sms, int group) {
    if (n < 240) return false;
    const double nn = (double)n * (double)n;
    const int64_t g = std::max(group, 1);
    const double t_block = 6.13 * std::pow((double)n / 300.0, 1.19);
    const double t_group = (1.2 + 1.15e-7 * nn) * (1.0 + 0.15 * (double)(g - 1));
    const double waves = (double)((batch + sms - 1) / std::max(sms, 1));
    const double groups = (double)((batch + g - 1) / g);
    return groups * t_group <= waves * t_block;
}

cudaError_t launch_solve_wide(const SolveArgs& a, const SolvePlan& plan, cudaStream_t stream) {
    const int G = std::max(1, plan.wide_group);
    const dim3 block(WIDE_THREADS);
    /* CG launches queued before the host next reads the states: as many as the longest of the last steps took (a
       launch for a problem whose CG has finished returns at once, but still costs its launch), then half that again
       while CG runs on */
    int expect = WIDE_CG_GROUP;
    WideState h[WIDE_GROUP_MAX], before[WIDE_GROUP_MAX];
    for (int64_t k0 = 0; k0 < a.batch; k0 += G) {
        const int count = (int)std::min<int64_t>(G, a.batch - k0);
        const WideGroup g{a, k0, (int64_t)plan.work_doubles_per_block};
        const dim3 grid(plan.wide_grid, count);
        for (int j = 0; j < count; j++) {
            /* the FP32 arrays are read 16 bytes at a time (the workspace comes from cudaMalloc, 256-byte aligned,
               and its slots are whole multiples of 16 bytes) */
            const Wide w = wide_member(g, j);
            if ((reinterpret_cast<uintptr_t>(w.pf) | reinterpret_cast<uintptr_t>(w.C)) % alignof(Float4) != 0)
                return cudaErrorInvalidValue;
        }
        ER_LAUNCH(wide_prepare, dim3(1, count), block, 0, stream, g);
        ER_LAUNCH(wide_pack, grid, block, 0, stream, g);
        ER_LAUNCH(wide_exact<PHASE_START>, grid, block, 0, stream, g);
        for (int i = 0; i < expect; i++) ER_LAUNCH(wide_cg, grid, block, 0, stream, g);
        cudaError_t e = cudaGetLastError();
        if (e != cudaSuccess) return e;
        for (int round = 0;; round++) {
            for (int j = 0; j < count && e == cudaSuccess; j++)
                e = cudaMemcpyAsync(&h[j], wide_member(g, j).st, sizeof h[j], cudaMemcpyDeviceToHost, stream);
            if (e == cudaSuccess) e = cudaStreamSynchronize(stream);
            if (e != cudaSuccess) return e;
            /* every round's launches move some running member on (a CG iteration, a step, a stop), and steps and
               CG iterations are bounded, so the loop ends; a round that moved none means a kernel went wrong (a
               tail that never ran), and it fails rather than hangs */
            if (round > 0 && std::equal(h, h + count, before, [](const WideState& x, const WideState& y) {
                    return x.stop == y.stop && x.cg_done == y.cg_done && x.cg_iters == y.cg_iters &&
                           x.cg_total == y.cg_total && x.steps == y.steps;
                }))
                return cudaErrorLaunchFailure;
            std::copy(h, h + count, before);
            bool running = false, stepping = false;
            int last_cg = 0, cg_so_far = 0;
            for (int j = 0; j < count; j++) {
                if (h[j].stop != 0) continue;
                running = true;
                if (h[j].cg_done != 0) {
                    stepping = true;
                    last_cg = std::max(last_cg, h[j].cg_iters);
                } else {
                    cg_so_far = std::max(cg_so_far, h[j].cg_iters);
                }
            }
            if (!running) break;
            if (!stepping) { /* every running problem is still in its CG */
                const int more = std::max(2, cg_so_far / 2);
                for (int i = 0; i < more; i++) ER_LAUNCH(wide_cg, grid, block, 0, stream, g);
            } else { /* the step and the check for those whose CG has finished; the others skip both */
                expect = std::clamp(last_cg, 1, WIDE_CG_GROUP * 4);
                ER_LAUNCH(wide_exact<PHASE_STEP>, grid, block, 0, stream, g);
                ER_LAUNCH(wide_exact<PHASE_GRAD>, grid, block, 0, stream, g);
                for (int i = 0; i < expect; i++) ER_LAUNCH(wide_cg, grid, block, 0, stream, g);
            }
            e = cudaGetLastError();
            if (e != cudaSuccess) return e;
        }
        for (int j = 0; j < count; j++) {
            const int64_t k = k0 + j;
            if (profiling())
                std::fprintf(stderr, "equirisk profile: whole-device solve, problem %lld (group of %d): %s after %d "
                             "Newton steps, %d CG iterations, %d halvings, residual %.3g\n", (long long)k, count,
                             h[j].stop == 1 ? "converged" : "handed to the block path", h[j].steps, h[j].cg_total,
                             h[j].halvings, h[j].residual);
            if (h[j].stop != 2) continue;
            /* the block path, from the start, for this problem alone (the same workspace: it is free now) */
            SolvePlan one = plan;
            one.wide = 0;
            one.grid = 1;
            SolveArgs ak = a;
            ak.cov = a.cov + k * a.n * a.n;
            ak.budgets = a.budgets + (a.budgets_shared ? 0 : k * a.n);
            ak.batch = 1;
            ak.report = a.report.from(k, a.n);
            e = launch_solve_paths(ak, one, stream); /* certified with the batch, by launch_solve */
            if (e != cudaSuccess) return e;
        }
    }
    return cudaSuccess;
}

}  // namespace er

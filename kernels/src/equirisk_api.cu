/*
 * The C ABI (include/equirisk.h): argument checks, per-context device buffers, chunking of batches larger than
 * free device memory, kernel launches, and the mapping of CUDA errors to er_status with a thread-local message.
 * The same file builds with nvcc (libequirisk_cuda.so) and with g++ over the emulation (libequirisk_emu.so).
 */
#include <cmath>
#include <cstdarg>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <new>
#include <string>
#include <vector>

#include "equirisk.h"
#include "er_kernels.h"

#define ER_EXPORT extern "C" __attribute__((visibility("default")))

namespace {

thread_local std::string last_error;

er_status fail(er_status s, const char* fmt, ...) __attribute__((format(printf, 2, 3)));
er_status fail(er_status s, const char* fmt, ...) {
    char buf[1024];
    va_list ap;
    va_start(ap, fmt);
    std::vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    last_error = buf;
    return s;
}

er_status ok() {
    last_error.clear();
    return ER_OK;
}

/* Every exported call runs its body through this: no C++ exception crosses the C ABI (one did, and aborted the
   process: a host allocation of a 2³¹-row EWMA weight vector, before any size check), it becomes a status. */
template <typename Body>
er_status guarded(const char* fn, Body&& body) {
    try {
        return body();
    } catch (const std::bad_alloc&) {
        return fail(ER_OUT_OF_MEMORY, "%s: out of host memory", fn);
    } catch (const std::exception& e) {
        return fail(ER_INTERNAL, "%s: internal error: %s", fn, e.what());
    } catch (...) {
        return fail(ER_INTERNAL, "%s: internal error", fn);
    }
}

/* Runtime errors that mean "no usable GPU here": no driver (35), stub libcuda (34), no device (100),
   initialisation failed (3), driver/runtime mismatch (803), compat package unsupported (804). */
bool means_no_device(int code) {
    return code == 35 || code == 34 || code == 100 || code == 3 || code == 803 || code == 804;
}

er_status from_cuda(cudaError_t e, const char* what) {
    const int code = static_cast<int>(e);
    er_status s = code == 2 ? ER_OUT_OF_MEMORY : means_no_device(code) ? ER_NO_DEVICE : ER_CUDA_ERROR;
    return fail(s, "%s: %s (CUDA error %d)", what, cudaGetErrorString(e), code);
}

#define ER_CHECK(call, what)                               \
    do {                                                   \
        cudaError_t er_e_ = (call);                        \
        if (er_e_ != cudaSuccess) return from_cuda(er_e_, what); \
    } while (0)

/* A device buffer that only grows. */
struct DeviceBuffer {
    void* ptr = nullptr;
    size_t capacity = 0;
};

/* Page-locked host memory that only grows (er_context_staging). */
struct HostBuffer {
    void* ptr = nullptr;
    size_t capacity = 0;
};

enum Slot { IN, AUX, OUT, OUT2, TMP, WORK, SLOTS };

const char* kSlotName[SLOTS] = {"input", "auxiliary input", "output", "output", "scratch", "workspace"};

}  // namespace

struct er_context {
    int device;
    cudaStream_t stream;
    DeviceBuffer buf[SLOTS];
    HostBuffer staging;

    size_t held() const {
        size_t s = 0;
        for (const auto& b : buf) s += b.capacity;
        return s;
    }

    /* Device bytes this context may use now: free memory plus its own buffers, less a 1/32 margin. */
    er_status budget(size_t* bytes) {
        size_t free_b = 0, total_b = 0;
        ER_CHECK(cudaMemGetInfo(&free_b, &total_b), "cudaMemGetInfo");
        const size_t avail = free_b + held();
        *bytes = avail - avail / 32;
        return ER_OK;
    }

    /* Buffers of at least bytes[s] for every slot: reused when all fit, else all released and allocated afresh
       (so the budget, free memory plus what this context holds, is what the new set may use). */
    er_status reserve(const size_t (&bytes)[SLOTS]) {
        bool fit = true;
        for (int s = 0; s < SLOTS; s++) fit = fit && buf[s].capacity >= bytes[s];
        if (fit) return ER_OK;
        ER_CHECK(cudaStreamSynchronize(stream), "cudaStreamSynchronize");
        release();
        for (int s = 0; s < SLOTS; s++) {
            if (bytes[s] == 0) continue;
            cudaError_t e = cudaMalloc(&buf[s].ptr, bytes[s]);
            if (e != cudaSuccess) {
                buf[s].ptr = nullptr;
                (void)cudaGetLastError(); /* allocation errors are not sticky */
                release();
                return from_cuda(e, kSlotName[s]);
            }
            buf[s].capacity = bytes[s];
        }
        return ER_OK;
    }

    template <class T>
    T* at(Slot s) const { return static_cast<T*>(buf[s].ptr); }

    /* At a call's end: buffers over a quarter of the device go back. A call larger than the device sizes its chunks
       to nearly all the memory the context can get, and an idle context keeping that much left other contexts, in
       this process or another, too little for one small problem; a call that large runs for seconds, and allocating
       again costs it milliseconds. Smaller buffers stay for the next call (the acceptance batch's 1.2 GB on an 80 GB
       card: kept). */
    er_status trim() {
        if (held() == 0) return ER_OK;
        size_t free_b = 0, total_b = 0;
        ER_CHECK(cudaSetDevice(device), "cudaSetDevice");
        ER_CHECK(cudaMemGetInfo(&free_b, &total_b), "cudaMemGetInfo");
        if (held() <= total_b / 4) return ER_OK;
        ER_CHECK(cudaStreamSynchronize(stream), "cudaStreamSynchronize");
        release();
        return ER_OK;
    }

    void release() {
        for (auto& b : buf) {
            cudaFree(b.ptr);
            b.ptr = nullptr;
            b.capacity = 0;
        }
    }
};

#define ER_TRY(expr)                       \
    do {                                   \
        er_status er_s_ = (expr);          \
        if (er_s_ != ER_OK) return er_s_;  \
    } while (0)

namespace {

/* guarded(fn, body) for a call that computes on ctx's device: the context's buffers trimmed at its end. */
template <class Body>
er_status computing(const char* fn, er_context* ctx, Body&& body) {
    const er_status s = guarded(fn, body);
    if (ctx == nullptr) return s;
    if (s == ER_OK) return guarded(fn, [&] { return ctx->trim(); });
    const std::string why = last_error; /* a failed call's own reason is the one to report */
    guarded(fn, [&] { return ctx->trim(); });
    last_error = why;
    return s;
}

/* a · b · c · elem ≤ limit without overflow (all positive). */
bool fits(int64_t a, int64_t b, int64_t c, int64_t elem) {
    const int64_t limit = INT64_MAX / 2;
    if (a > limit / b) return false;
    const int64_t ab = a * b;
    if (ab > limit / c) return false;
    const int64_t abc = ab * c;
    return abc <= limit / elem;
}

/* EQUIRISK_PROFILE=1: each kernel launch's device time (cudaEvent) on stderr, for gpu-check.sh. */
bool profiling() {
    static const bool on = [] {
        const char* v = std::getenv("EQUIRISK_PROFILE");
        return v != nullptr && v[0] == '1';
    }();
    return on;
}

/* Times what runs on the stream between start() and stop() when profiling. */
struct KernelTimer {
    cudaEvent_t a = nullptr, b = nullptr;
    explicit KernelTimer(cudaStream_t s) {
        if (profiling() && cudaEventCreate(&a) == cudaSuccess && cudaEventCreate(&b) == cudaSuccess)
            cudaEventRecord(a, s);
    }
    void stop(cudaStream_t s, const char* what, long long items) {
        if (a == nullptr || b == nullptr) return;
        cudaEventRecord(b, s);
        cudaEventSynchronize(b);
        float ms = 0;
        cudaEventElapsedTime(&ms, a, b);
        std::fprintf(stderr, "equirisk profile: %s kernel(s), %lld item(s): %.3f ms\n", what, items, ms);
    }
    ~KernelTimer() {
        if (a != nullptr) cudaEventDestroy(a);
        if (b != nullptr) cudaEventDestroy(b);
    }
};

/* The estimator's kind and lambda, for windows of `window` rows. */
er_status check_kind(const char* fn, int32_t kind, double lambda, int64_t window) {
    if (kind != ER_COV_SAMPLE && kind != ER_COV_EWMA)
        return fail(ER_INVALID_ARGUMENT, "%s: kind %d is neither ER_COV_SAMPLE (0) nor ER_COV_EWMA (1)", fn, kind);
    if (kind == ER_COV_SAMPLE && window < 2)
        return fail(ER_INVALID_ARGUMENT, "%s: sample covariance needs a window of at least 2 rows, got %lld", fn,
                    (long long)window);
    if (kind == ER_COV_EWMA && !(lambda > 0.0 && lambda <= 1.0))
        return fail(ER_INVALID_ARGUMENT, "%s: EWMA lambda must be in (0, 1], got %g", fn, lambda);
    return ER_OK;
}

/* The argument checks of er_covariance (and of er_covariance_solve's covariance part). */
er_status check_covariance(const char* fn, int64_t rows, int64_t n, const int64_t* starts, int64_t count,
                           int64_t window, int32_t kind, double lambda) {
    if (rows <= 0) return fail(ER_INVALID_ARGUMENT, "%s: rows must be positive, got %lld", fn, (long long)rows);
    if (n <= 0) return fail(ER_INVALID_ARGUMENT, "%s: n must be positive, got %lld", fn, (long long)n);
    if (count <= 0) return fail(ER_INVALID_ARGUMENT, "%s: count must be positive, got %lld", fn, (long long)count);
    if (window <= 0) return fail(ER_INVALID_ARGUMENT, "%s: window must be positive, got %lld", fn, (long long)window);
    if (window > rows)
        return fail(ER_INVALID_ARGUMENT, "%s: window %lld is longer than the %lld rows of returns", fn,
                    (long long)window, (long long)rows);
    ER_TRY(check_kind(fn, kind, lambda, window));
    if (!fits(rows, n, 1, 8) || !fits(count, n, n, 8))
        return fail(ER_INVALID_ARGUMENT, "%s: sizes overflow (rows %lld, n %lld, count %lld)", fn, (long long)rows,
                    (long long)n, (long long)count);
    for (int64_t k = 0; k < count; k++)
        if (starts[k] < 0 || starts[k] > rows - window)
            return fail(ER_INVALID_ARGUMENT, "%s: window %lld starts at row %lld: outside rows [0, %lld - %lld]", fn,
                        (long long)k, (long long)starts[k], (long long)rows, (long long)window);
    return ER_OK;
}

/* RiskMetrics weights λ^(window−1−t), normalised to sum to one (EWMA); empty for the sample kind. */
std::vector<double> ewma_weights(int32_t kind, double lambda, int64_t window) {
    std::vector<double> weights;
    if (kind == ER_COV_EWMA) {
        weights.resize(window);
        double norm = 0.0;
        for (int64_t t = 0; t < window; t++) norm += std::pow(lambda, (double)(window - 1 - t));
        for (int64_t t = 0; t < window; t++) weights[t] = std::pow(lambda, (double)(window - 1 - t)) / norm;
    }
    return weights;
}

/* The argument checks of er_solve (and of er_covariance_solve's solve part), budgets included. */
er_status check_solve(const char* fn, const double* budgets, int32_t budgets_shared, int64_t batch, int64_t n,
                      double tol, int32_t max_iter, int32_t solver) {
    if (batch <= 0) return fail(ER_INVALID_ARGUMENT, "%s: batch must be positive, got %lld", fn, (long long)batch);
    if (n <= 0) return fail(ER_INVALID_ARGUMENT, "%s: n must be positive, got %lld", fn, (long long)n);
    if (n > (int64_t(1) << 24) || !fits(batch, n, n, 8))
        return fail(ER_INVALID_ARGUMENT, "%s: sizes overflow (batch %lld, n %lld)", fn, (long long)batch,
                    (long long)n);
    if (!(tol > 0.0) || !std::isfinite(tol))
        return fail(ER_INVALID_ARGUMENT, "%s: tol must be a positive finite number, got %g", fn, tol);
    if (max_iter < 1) return fail(ER_INVALID_ARGUMENT, "%s: max_iter must be at least 1, got %d", fn, max_iter);
    if (solver != ER_SOLVER_AUTO && solver != ER_SOLVER_CCD && solver != ER_SOLVER_NEWTON)
        return fail(ER_INVALID_ARGUMENT, "%s: solver %d is not ER_SOLVER_AUTO (0), ER_SOLVER_CCD (1) or "
                    "ER_SOLVER_NEWTON (2)", fn, solver);
    const int64_t sets = budgets_shared ? 1 : batch;
    for (int64_t k = 0; k < sets; k++) {
        const double* b = budgets + k * n;
        double sum = 0.0;
        for (int64_t i = 0; i < n; i++) {
            if (!std::isfinite(b[i]) || b[i] < 0.0)
                return fail(ER_INVALID_ARGUMENT, "%s: budget of asset %lld in problem %lld is %g (must be finite "
                            "and >= 0)", fn, (long long)i, (long long)k, b[i]);
            sum += b[i];
        }
        if (!(sum > 0.0)) return fail(ER_INVALID_ARGUMENT, "%s: budgets of problem %lld are all zero", fn, (long long)k);
        if (std::fabs(sum - 1.0) > 1e-8)
            return fail(ER_INVALID_ARGUMENT, "%s: budgets of problem %lld sum to %.17g, not 1", fn, (long long)k, sum);
    }
    return ER_OK;
}

/* Fits a solve plan to `bytes` of device memory, beside the problems it runs: each workspace slot (a block of the
   block and warp paths, a problem of a whole-device group) is paired with one problem's data (per_problem bytes),
   so that a chunk has a problem for every slot. A plan sized for the whole device (132 slots of 144 MB at n = 3000
   on the block path) would otherwise refuse a batch on a smaller card even where a few slots fit. */
void fit_to_memory(er::SolvePlan* plan, size_t bytes, size_t per_problem) {
    const size_t slot = plan->work_doubles_per_block * 8;
    er::fit_workspace(plan, std::max<size_t>(1, bytes / (slot + per_problem)) * slot);
}

/* The solve kernel's arguments for one chunk of cnt problems; its results go to d_dbl (weights, RC: cnt × n each;
   residuals, volatilities: cnt each) and d_int (iterations, converged, solver used: cnt each). */
er::SolveArgs solve_args(const double* d_cov, const double* d_b, int32_t budgets_shared, int64_t cnt, int64_t n,
                         double tol, int32_t max_iter, int32_t solver, double* d_dbl, int32_t* d_int, double* d_work) {
    er::SolveArgs a;
    a.cov = d_cov;
    a.budgets = d_b;
    a.budgets_shared = budgets_shared ? 1 : 0;
    a.batch = cnt;
    a.n = n;
    a.tol = tol;
    a.max_iter = max_iter;
    a.solver = solver;
    a.report.weights = d_dbl;
    a.report.rc = d_dbl + cnt * n;
    a.report.residual = d_dbl + 2 * cnt * n;
    a.report.volatility = d_dbl + 2 * cnt * n + cnt;
    a.report.iterations = d_int;
    a.report.converged = d_int + cnt;
    a.report.solver_used = d_int + 2 * cnt;
    a.work = d_work;
    return a;
}

/* Queues the copies of one chunk's results (problems k0 … k0 + a.batch − 1) to the caller's arrays. */
er_status copy_results(const er::SolveArgs& a, int64_t k0, double* weights_out, double* rc_out,
                       int32_t* iterations_out, double* residual_out, int32_t* converged_out,
                       int32_t* solver_used_out, double* volatility_out, cudaStream_t s) {
    const er::SolveReport& r = a.report;
    const int64_t cnt = a.batch, n = a.n;
    const cudaMemcpyKind d2h = cudaMemcpyDeviceToHost;
    ER_CHECK(cudaMemcpyAsync(weights_out + k0 * n, r.weights, (size_t)cnt * n * 8, d2h, s), "copying weights");
    ER_CHECK(cudaMemcpyAsync(rc_out + k0 * n, r.rc, (size_t)cnt * n * 8, d2h, s), "copying risk contributions");
    ER_CHECK(cudaMemcpyAsync(residual_out + k0, r.residual, (size_t)cnt * 8, d2h, s), "copying residuals");
    ER_CHECK(cudaMemcpyAsync(volatility_out + k0, r.volatility, (size_t)cnt * 8, d2h, s), "copying volatilities");
    ER_CHECK(cudaMemcpyAsync(iterations_out + k0, r.iterations, (size_t)cnt * 4, d2h, s), "copying iterations");
    ER_CHECK(cudaMemcpyAsync(converged_out + k0, r.converged, (size_t)cnt * 4, d2h, s), "copying flags");
    ER_CHECK(cudaMemcpyAsync(solver_used_out + k0, r.solver_used, (size_t)cnt * 4, d2h, s), "copying solvers");
    return ER_OK;
}

/* Window k's first row: starts[k] in a caller's table, or k · stride where starts is NULL (the scenario windows of
   er_scenario_solve, each its own scenario's rows: windows that neither overlap nor share rows). */
struct WindowStarts {
    const int64_t* starts;
    int64_t stride;
    int64_t operator[](int64_t k) const { return starts != nullptr ? starts[k] : k * stride; }
};

/* The longest run of windows k0 … k1 − 1 whose row span [lo, hi) (row_bytes a row), per_window bytes each and
   `fixed` bytes fit `budget`; returns k1, or k0 when not even window k0 fits. rel: the run's starts relative to lo. */
int64_t window_chunk(const WindowStarts& starts, int64_t count, int64_t window, int64_t k0, size_t fixed,
                     size_t row_bytes, size_t per_window, size_t budget, int64_t* lo_out, int64_t* hi_out,
                     std::vector<int64_t>& rel) {
    int64_t lo = starts[k0], hi = starts[k0] + window, k1 = k0 + 1;
    if (fixed + (size_t)(hi - lo) * row_bytes + per_window > budget) return k0;
    while (k1 < count) {
        const int64_t nlo = starts[k1] < lo ? starts[k1] : lo;
        const int64_t nhi = starts[k1] + window > hi ? starts[k1] + window : hi;
        if (fixed + (size_t)(nhi - nlo) * row_bytes + (size_t)(k1 - k0 + 1) * per_window > budget) break;
        lo = nlo;
        hi = nhi;
        k1++;
    }
    rel.resize(k1 - k0);
    for (int64_t k = k0; k < k1; k++) rel[k - k0] = starts[k] - lo;
    *lo_out = lo;
    *hi_out = hi;
    return k1;
}

/* The seven result arrays of a solve, none of which may be NULL. */
er_status check_solve_outputs(const char* fn, const double* weights_out, const double* rc_out,
                              const int32_t* iterations_out, const double* residual_out, const int32_t* converged_out,
                              const int32_t* solver_used_out, const double* volatility_out) {
    const void* outs[] = {weights_out, rc_out, iterations_out, residual_out, converged_out, solver_used_out,
                          volatility_out};
    const char* out_names[] = {"weights_out", "rc_out", "iterations_out", "residual_out", "converged_out",
                               "solver_used_out", "volatility_out"};
    for (int i = 0; i < 7; i++)
        if (outs[i] == nullptr) return fail(ER_INVALID_ARGUMENT, "%s: %s is NULL", fn, out_names[i]);
    return ER_OK;
}

er_status use_device(er_context* ctx) {
    ER_CHECK(cudaSetDevice(ctx->device), "cudaSetDevice");
    return ER_OK;
}

}  // namespace

ER_EXPORT int32_t er_abi_version(void) { return ER_ABI_VERSION; }

ER_EXPORT const char* er_library_kind(void) {
#ifdef __CUDACC__
    return "cuda";
#else
    return "emulation";
#endif
}

ER_EXPORT const char* er_last_error(void) { return last_error.c_str(); }

ER_EXPORT er_status er_device_count(int32_t* count) {
    return guarded("er_device_count", [&]() -> er_status {
        if (count == nullptr) return fail(ER_INVALID_ARGUMENT, "er_device_count: count is NULL");
        *count = 0;
        int n = 0;
        cudaError_t e = cudaGetDeviceCount(&n);
        if (e != cudaSuccess) {
            const int code = static_cast<int>(e);
            (void)cudaGetLastError();
            if (means_no_device(code)) {
                /* no GPU is an ordinary condition: count 0, ER_OK, and the reason for whoever asks */
                fail(ER_OK, "no usable CUDA device: %s (CUDA error %d)", cudaGetErrorString(e), code);
                return ER_OK;
            }
            return from_cuda(e, "cudaGetDeviceCount");
        }
        *count = n;
        if (n == 0) {
            fail(ER_OK, "no CUDA device is present");
            return ER_OK;
        }
        return ok();
    });
}

ER_EXPORT er_status er_device_info_get(int32_t device, er_device_info* info) {
    return guarded("er_device_info_get", [&]() -> er_status {
        if (info == nullptr) return fail(ER_INVALID_ARGUMENT, "er_device_info_get: info is NULL");
        int32_t count = 0;
        ER_TRY(er_device_count(&count));
        if (device < 0 || device >= count)
            return fail(count == 0 ? ER_NO_DEVICE : ER_INVALID_ARGUMENT,
                        "er_device_info_get: device %d is out of range (%d device(s))", device, count);
        cudaDeviceProp prop;
        ER_CHECK(cudaGetDeviceProperties(&prop, device), "cudaGetDeviceProperties");
        std::memset(info, 0, sizeof *info);
        std::snprintf(info->name, sizeof info->name, "%s", prop.name);
        info->compute_major = prop.major;
        info->compute_minor = prop.minor;
        info->multiprocessors = prop.multiProcessorCount;
        int v = 0;
        if (cudaDriverGetVersion(&v) == cudaSuccess) info->driver_version = v;
        v = 0;
        if (cudaRuntimeGetVersion(&v) == cudaSuccess) info->runtime_version = v;
        info->shared_memory_per_block_optin = static_cast<int64_t>(prop.sharedMemPerBlockOptin);
        int previous = 0;
        ER_CHECK(cudaGetDevice(&previous), "cudaGetDevice");
        ER_CHECK(cudaSetDevice(device), "cudaSetDevice");
        size_t free_b = 0, total_b = 0;
        cudaError_t e = cudaMemGetInfo(&free_b, &total_b);
        cudaSetDevice(previous);
        if (e != cudaSuccess) return from_cuda(e, "cudaMemGetInfo");
        info->total_memory = static_cast<int64_t>(total_b);
        info->free_memory = static_cast<int64_t>(free_b);
        return ok();
    });
}

ER_EXPORT er_status er_context_create(int32_t device, er_context** ctx) {
    return guarded("er_context_create", [&]() -> er_status {
        if (ctx == nullptr) return fail(ER_INVALID_ARGUMENT, "er_context_create: ctx is NULL");
        *ctx = nullptr;
        int32_t count = 0;
        ER_TRY(er_device_count(&count));
        if (count == 0) return fail(ER_NO_DEVICE, "er_context_create: %s", last_error.c_str());
        if (device < 0 || device >= count)
            return fail(ER_INVALID_ARGUMENT, "er_context_create: device %d is out of range (%d device(s))", device,
                        count);
        ER_CHECK(cudaSetDevice(device), "cudaSetDevice");
        auto* c = new (std::nothrow) er_context();
        if (c == nullptr) return fail(ER_OUT_OF_MEMORY, "er_context_create: host allocation failed");
        c->device = device;
        cudaError_t e = cudaStreamCreate(&c->stream);
        if (e != cudaSuccess) {
            delete c;
            return from_cuda(e, "cudaStreamCreate");
        }
        *ctx = c;
        return ok();
    });
}

ER_EXPORT er_status er_context_destroy(er_context* ctx) {
    return guarded("er_context_destroy", [&]() -> er_status {
        if (ctx == nullptr) return fail(ER_INVALID_ARGUMENT, "er_context_destroy: ctx is NULL");
        cudaSetDevice(ctx->device);
        cudaStreamSynchronize(ctx->stream);
        ctx->release();
        cudaFreeHost(ctx->staging.ptr);
        cudaStreamDestroy(ctx->stream);
        delete ctx;
        return ok();
    });
}

ER_EXPORT er_status er_context_staging(er_context* ctx, int64_t bytes, void** out) {
    return guarded("er_context_staging", [&]() -> er_status {
        const char* fn = "er_context_staging";
        if (ctx == nullptr) return fail(ER_INVALID_ARGUMENT, "%s: ctx is NULL", fn);
        if (out == nullptr) return fail(ER_INVALID_ARGUMENT, "%s: out is NULL", fn);
        *out = nullptr;
        if (bytes <= 0) return fail(ER_INVALID_ARGUMENT, "%s: bytes must be positive, got %lld", fn, (long long)bytes);
        ER_TRY(use_device(ctx));
        HostBuffer& h = ctx->staging;
        if (h.capacity < (size_t)bytes) {
            /* every call waits for its stream before it returns, but be sure nothing still reads the old area */
            ER_CHECK(cudaStreamSynchronize(ctx->stream), "cudaStreamSynchronize");
            cudaFreeHost(h.ptr);
            h = HostBuffer{};
            const size_t step = size_t{2} << 20; /* whole 2 MiB: a slightly larger call does not lock it all again */
            const size_t want = ((size_t)bytes + step - 1) / step * step;
            void* p = nullptr;
            const cudaError_t e = cudaMallocHost(&p, want);
            if (e != cudaSuccess) {
                (void)cudaGetLastError(); /* allocation errors are not sticky */
                return from_cuda(e, "er_context_staging: cudaMallocHost (page-locked host memory)");
            }
            h = HostBuffer{p, want};
        }
        *out = h.ptr;
        return ok();
    });
}

ER_EXPORT er_status er_covariance(er_context* ctx, const double* returns, int64_t rows, int64_t n,
                                  const int64_t* starts, int64_t count, int64_t window, int32_t kind, double lambda,
                                  double* cov_out) {
    return computing("er_covariance", ctx, [&]() -> er_status {
        const char* fn = "er_covariance";
        if (ctx == nullptr) return fail(ER_INVALID_ARGUMENT, "%s: ctx is NULL", fn);
        if (returns == nullptr) return fail(ER_INVALID_ARGUMENT, "%s: returns is NULL", fn);
        if (starts == nullptr) return fail(ER_INVALID_ARGUMENT, "%s: starts is NULL", fn);
        if (cov_out == nullptr) return fail(ER_INVALID_ARGUMENT, "%s: cov_out is NULL", fn);
        ER_TRY(check_covariance(fn, rows, n, starts, count, window, kind, lambda));
        ER_TRY(use_device(ctx));

        const std::vector<double> weights = ewma_weights(kind, lambda, window);
        size_t budget = 0;
        ER_TRY(ctx->budget(&budget));
        const size_t row_bytes = (size_t)n * 8;
        const size_t per_window = (size_t)n * n * 8 + (size_t)n * 8 + 8;
        const size_t fixed = (size_t)window * 8;
        std::vector<int64_t> rel;
        for (int64_t k0 = 0; k0 < count;) {
            /* the longest run of windows whose row span, outputs and scratch fit the budget */
            int64_t lo, hi;
            const int64_t k1 = window_chunk(WindowStarts{starts, 0}, count, window, k0, fixed, row_bytes, per_window,
                                            budget, &lo, &hi, rel);
            if (k1 == k0)
                return fail(ER_OUT_OF_MEMORY,
                            "%s: one window (%lld rows × %lld assets and its %lld × %lld result) needs more device "
                            "memory than is usable (%zu bytes)",
                            fn, (long long)window, (long long)n, (long long)n, (long long)n, budget);
            const int64_t cnt = k1 - k0;
            size_t bytes[SLOTS] = {};
            bytes[IN] = (size_t)(hi - lo) * row_bytes;
            bytes[AUX] = (size_t)cnt * 8;
            bytes[OUT] = (size_t)cnt * n * n * 8;
            bytes[TMP] = (size_t)cnt * n * 8;
            bytes[OUT2] = kind == ER_COV_EWMA ? (size_t)window * 8 : 0;
            ER_TRY(ctx->reserve(bytes));
            double* d_r = ctx->at<double>(IN);
            int64_t* d_starts = ctx->at<int64_t>(AUX);
            double* d_out = ctx->at<double>(OUT);
            double* d_means = ctx->at<double>(TMP);
            double* d_w = kind == ER_COV_EWMA ? ctx->at<double>(OUT2) : nullptr;
            ER_CHECK(cudaMemcpyAsync(d_r, returns + lo * n, (size_t)(hi - lo) * row_bytes, cudaMemcpyHostToDevice,
                                     ctx->stream), "copying returns to the device");
            ER_CHECK(cudaMemcpyAsync(d_starts, rel.data(), (size_t)cnt * 8, cudaMemcpyHostToDevice, ctx->stream),
                     "copying window starts to the device");
            if (d_w != nullptr)
                ER_CHECK(cudaMemcpyAsync(d_w, weights.data(), (size_t)window * 8, cudaMemcpyHostToDevice, ctx->stream),
                         "copying EWMA weights to the device");
            KernelTimer timer(ctx->stream);
            ER_CHECK(er::launch_covariance(d_r, n, d_starts, cnt, window, kind, d_w, d_means, d_out, ctx->stream),
                     "launching the covariance kernels");
            timer.stop(ctx->stream, "covariance", (long long)cnt);
            ER_CHECK(cudaMemcpyAsync(cov_out + k0 * n * n, d_out, (size_t)cnt * n * n * 8, cudaMemcpyDeviceToHost,
                                     ctx->stream), "copying covariance matrices from the device");
            ER_CHECK(cudaStreamSynchronize(ctx->stream), "covariance kernels");
            k0 = k1;
        }
        return ok();
    });
}

namespace {

/* er_solve and er_solve_packed: Σ arrives full (n² values per problem) or as its upper triangle (n(n+1)/2, expanded
   on the device into the full matrix the solve reads). */
er_status solve_batch(const char* fn, er_context* ctx, const double* cov, bool packed, const double* budgets,
                      int32_t budgets_shared, int64_t batch, int64_t n, double tol, int32_t max_iter, int32_t solver,
                      double* weights_out, double* rc_out, int32_t* iterations_out, double* residual_out,
                      int32_t* converged_out, int32_t* solver_used_out, double* volatility_out) {
    if (ctx == nullptr) return fail(ER_INVALID_ARGUMENT, "%s: ctx is NULL", fn);
    if (cov == nullptr) return fail(ER_INVALID_ARGUMENT, "%s: %s is NULL", fn, packed ? "cov_upper" : "cov");
    if (budgets == nullptr) return fail(ER_INVALID_ARGUMENT, "%s: budgets is NULL", fn);
    ER_TRY(check_solve_outputs(fn, weights_out, rc_out, iterations_out, residual_out, converged_out, solver_used_out,
                               volatility_out));
    ER_TRY(check_solve(fn, budgets, budgets_shared, batch, n, tol, max_iter, solver));
    ER_TRY(use_device(ctx));

    er::SolvePlan plan;
    ER_CHECK(er::plan_solve(ctx->device, n, batch, solver, &plan), "planning the solve");
    size_t budget = 0;
    ER_TRY(ctx->budget(&budget));
    const size_t nn = (size_t)n * n;
    const size_t sent = packed ? (size_t)n * (n + 1) / 2 : nn; /* values of Σ per problem over the bus */
    const size_t per_problem = nn * 8 + (packed ? sent * 8 : 0) + (budgets_shared ? 0 : (size_t)n * 8) +
                               (size_t)n * 16 + 16 + 12;
    const size_t shared_budget = budgets_shared ? (size_t)n * 8 : 0;
    if (budget > shared_budget) fit_to_memory(&plan, budget - shared_budget, per_problem);
    const size_t work_bytes = er::solve_work_bytes(plan);
    const size_t fixed = work_bytes + shared_budget;
    if (fixed + per_problem > budget)
        return fail(ER_OUT_OF_MEMORY, "%s: one problem of %lld assets needs %zu bytes of device memory, %zu are usable",
                    fn, (long long)n, fixed + per_problem, budget);
    int64_t chunk = (int64_t)((budget - fixed) / per_problem);
    if (chunk > batch) chunk = batch;
    if (chunk < batch) {
        ER_CHECK(er::plan_solve(ctx->device, n, chunk, solver, &plan), "planning the solve");
        er::fit_workspace(&plan, work_bytes); /* no larger a workspace than the chunks were sized with */
    }

    for (int64_t k0 = 0; k0 < batch; k0 += chunk) {
        const int64_t cnt = batch - k0 < chunk ? batch - k0 : chunk;
        size_t bytes[SLOTS] = {};
        bytes[IN] = (size_t)cnt * nn * 8;
        bytes[AUX] = (size_t)(budgets_shared ? n : cnt * n) * 8;
        bytes[OUT] = (size_t)cnt * (2 * n + 2) * 8;
        bytes[OUT2] = (size_t)cnt * 3 * 4;
        bytes[TMP] = packed ? (size_t)cnt * sent * 8 : 0;
        bytes[WORK] = er::solve_work_bytes(plan);
        ER_TRY(ctx->reserve(bytes));
        double* d_cov = ctx->at<double>(IN);
        double* d_b = ctx->at<double>(AUX);
        double* d_out = ctx->at<double>(OUT);
        int32_t* d_iout = ctx->at<int32_t>(OUT2);
        double* d_work = ctx->at<double>(WORK);
        if (packed) {
            double* d_tri = ctx->at<double>(TMP);
            ER_CHECK(cudaMemcpyAsync(d_tri, cov + k0 * sent, (size_t)cnt * sent * 8, cudaMemcpyHostToDevice,
                                     ctx->stream), "copying covariance triangles to the device");
            ER_CHECK(er::launch_unpack_symmetric(d_tri, cnt, n, d_cov, ctx->stream), "expanding the triangles");
        } else {
            ER_CHECK(cudaMemcpyAsync(d_cov, cov + k0 * nn, (size_t)cnt * nn * 8, cudaMemcpyHostToDevice,
                                     ctx->stream), "copying covariance matrices to the device");
        }
        const double* b_src = budgets_shared ? budgets : budgets + k0 * n;
        ER_CHECK(cudaMemcpyAsync(d_b, b_src, (size_t)(budgets_shared ? n : cnt * n) * 8, cudaMemcpyHostToDevice,
                                 ctx->stream), "copying budgets to the device");
        const er::SolveArgs a = solve_args(d_cov, d_b, budgets_shared, cnt, n, tol, max_iter, solver, d_out, d_iout,
                                           d_work);
        KernelTimer timer(ctx->stream);
        ER_CHECK(er::launch_solve(a, plan, ctx->stream), "launching the solve kernel");
        timer.stop(ctx->stream, plan.wide ? "solve (whole device)"
                                : plan.c_in_shared ? "solve (C in shared memory)" : "solve (C in global memory)",
                   (long long)cnt);
        ER_TRY(copy_results(a, k0, weights_out, rc_out, iterations_out, residual_out, converged_out, solver_used_out,
                            volatility_out, ctx->stream));
        ER_CHECK(cudaStreamSynchronize(ctx->stream), "solve kernel");
    }
    return ok();
}

}  // namespace

ER_EXPORT er_status er_solve(er_context* ctx, const double* cov, const double* budgets, int32_t budgets_shared,
                             int64_t batch, int64_t n, double tol, int32_t max_iter, int32_t solver,
                             double* weights_out, double* rc_out, int32_t* iterations_out, double* residual_out,
                             int32_t* converged_out, int32_t* solver_used_out, double* volatility_out) {
    return computing("er_solve", ctx, [&]() -> er_status {
        return solve_batch("er_solve", ctx, cov, false, budgets, budgets_shared, batch, n, tol, max_iter, solver,
                           weights_out, rc_out, iterations_out, residual_out, converged_out, solver_used_out,
                           volatility_out);
    });
}

ER_EXPORT er_status er_solve_packed(er_context* ctx, const double* cov_upper, const double* budgets,
                                    int32_t budgets_shared, int64_t batch, int64_t n, double tol, int32_t max_iter,
                                    int32_t solver, double* weights_out, double* rc_out, int32_t* iterations_out,
                                    double* residual_out, int32_t* converged_out, int32_t* solver_used_out,
                                    double* volatility_out) {
    return computing("er_solve_packed", ctx, [&]() -> er_status {
        return solve_batch("er_solve_packed", ctx, cov_upper, true, budgets, budgets_shared, batch, n, tol, max_iter,
                           solver, weights_out, rc_out, iterations_out, residual_out, converged_out, solver_used_out,
                           volatility_out);
    });
}

namespace {

/* How a fused call's rows reach the device (the IN slot): copied from the caller's table (er_covariance_solve),
   generated there (er_scenario_solve) or gathered there from a history (er_bootstrap_solve). Everything else about a
   chunk, covariances, solves and results, is the same for all (fused_chunks). */
struct RowSource {
    virtual ~RowSource() = default;
    /* whether each window has rows of its own (scenarios) rather than a span of one table that windows may share */
    virtual bool own_rows() const = 0;
    /* device bytes the source needs beside the rows (in the AUX slot) */
    virtual size_t aux_bytes() const = 0;
    /* rows [lo, hi) of the table into d_rows; d_aux: aux_bytes() of device memory */
    virtual er_status fill(double* d_rows, int64_t lo, int64_t hi, double* d_aux, cudaStream_t s) const = 0;
};

/* er_covariance_solve: the caller's rows × n returns, copied a chunk's span at a time. */
struct CopiedRows final : RowSource {
    const double* returns;
    int64_t n;
    CopiedRows(const double* returns_, int64_t n_) : returns(returns_), n(n_) {}
    bool own_rows() const override { return false; }
    size_t aux_bytes() const override { return 0; }
    er_status fill(double* d_rows, int64_t lo, int64_t hi, double*, cudaStream_t s) const override {
        ER_CHECK(cudaMemcpyAsync(d_rows, returns + lo * n, (size_t)(hi - lo) * n * 8, cudaMemcpyHostToDevice, s),
                 "copying returns to the device");
        return ER_OK;
    }
};

/* er_scenario_solve: scenario first + k is rows [k·T, (k + 1)·T) of a table that only ever exists on the device, a
   chunk at a time, made there from L and μ (copied with each chunk: a later chunk may reallocate the buffers). */
struct ScenarioRows final : RowSource {
    const double* chol;
    const double* mean;
    int64_t n;
    uint64_t seed;
    int64_t first, rows;
    int32_t dof;
    ScenarioRows(const double* chol_, const double* mean_, int64_t n_, uint64_t seed_, int64_t first_, int64_t rows_,
                 int32_t dof_)
        : chol(chol_), mean(mean_), n(n_), seed(seed_), first(first_), rows(rows_), dof(dof_) {}
    bool own_rows() const override { return true; }
    size_t aux_bytes() const override { return ((size_t)n * n + (mean != nullptr ? (size_t)n : 0)) * 8; }
    er_status fill(double* d_rows, int64_t lo, int64_t hi, double* d_aux, cudaStream_t s) const override {
        double* d_mean = mean != nullptr ? d_aux + n * n : nullptr;
        ER_CHECK(cudaMemcpyAsync(d_aux, chol, (size_t)n * n * 8, cudaMemcpyHostToDevice, s),
                 "copying the Cholesky factor to the device");
        ER_CHECK(er::launch_mirror_lower(d_aux, n, s), "launching the Cholesky factor's mirror");
        if (d_mean != nullptr)
            ER_CHECK(cudaMemcpyAsync(d_mean, mean, (size_t)n * 8, cudaMemcpyHostToDevice, s),
                     "copying the mean to the device");
        KernelTimer timer(s);
        ER_CHECK(er::launch_scenarios(d_aux, d_mean, n, seed, first, rows, lo, hi - lo, dof, d_rows, s),
                 "launching the scenario kernel");
        timer.stop(s, "scenarios (fused)", (long long)(hi - lo));
        return ER_OK;
    }
};

/* er_bootstrap_solve: scenario first + k is rows [k·T, (k + 1)·T) of a table that only ever exists on the device,
   a chunk at a time, gathered there from the history (copied with each chunk, as ScenarioRows copies L and μ). */
struct BootstrapRows final : RowSource {
    const double* history;
    int64_t history_rows, n, block;
    uint64_t seed;
    int64_t first, rows;
    BootstrapRows(const double* history_, int64_t history_rows_, int64_t n_, int64_t block_, uint64_t seed_,
                  int64_t first_, int64_t rows_)
        : history(history_), history_rows(history_rows_), n(n_), block(block_), seed(seed_), first(first_),
          rows(rows_) {}
    bool own_rows() const override { return true; }
    size_t aux_bytes() const override { return (size_t)history_rows * n * 8; }
    er_status fill(double* d_rows, int64_t lo, int64_t hi, double* d_aux, cudaStream_t s) const override {
        ER_CHECK(cudaMemcpyAsync(d_aux, history, (size_t)history_rows * n * 8, cudaMemcpyHostToDevice, s),
                 "copying the bootstrap history to the device");
        KernelTimer timer(s);
        ER_CHECK(er::launch_bootstrap_gather(d_aux, history_rows, n, block, seed, first, rows, lo, hi - lo, d_rows,
                                             s),
                 "launching the bootstrap gather kernel");
        timer.stop(s, "bootstrap gather (fused)", (long long)(hi - lo));
        return ER_OK;
    }
};

/* A fused call's windows, options and outputs, checked. */
struct FusedCall {
    const char* fn;
    int64_t n;
    WindowStarts starts;
    int64_t count, window;
    int32_t kind;
    double lambda;
    const double* budgets;
    int32_t budgets_shared;
    double tol;
    int32_t max_iter, solver;
    double* weights_out;
    double* rc_out;
    int32_t* iterations_out;
    double* residual_out;
    int32_t* converged_out;
    int32_t* solver_used_out;
    double* volatility_out;
    double* cov_out; /* may be NULL */
};

/* er_covariance_solve, er_scenario_solve and er_bootstrap_solve: runs of windows that fit device memory, each run's rows brought to the
   device by `src`, its covariances made and solved there, only the results (and covariances if asked) copied back. */
er_status fused_chunks(er_context* ctx, const FusedCall& c, const RowSource& src) {
    const int64_t n = c.n, count = c.count, window = c.window;
    er::SolvePlan plan;
    ER_CHECK(er::plan_solve(ctx->device, n, count, c.solver, &plan), "planning the solve");
    size_t budget = 0;
    ER_TRY(ctx->budget(&budget));
    const size_t nn = (size_t)n * n;
    const size_t row_bytes = (size_t)n * 8;
    /* one window's rows and its EWMA weights must fit before the weights are made on the host: a scenario set's
       rows are drawn, not passed, so nothing else bounds them (2³¹ rows asked for 16 GiB of host memory here) */
    if ((size_t)window > budget / (row_bytes + 8))
        return fail(ER_OUT_OF_MEMORY,
                    "%s: one window of %lld rows × %lld assets needs more device memory than is usable (%zu bytes)",
                    c.fn, (long long)window, (long long)n, budget);
    const std::vector<double> weights = ewma_weights(c.kind, c.lambda, window);
    const size_t own_budgets = c.budgets_shared ? 0 : (size_t)n * 8;
    /* per window: Σ, means, start, own budgets, weights + RC + residual + volatility, three int32 results */
    const size_t per_window = nn * 8 + (size_t)n * 8 + 8 + own_budgets + (size_t)(2 * n + 2) * 8 + 16;
    const size_t other = weights.size() * 8 + (c.budgets_shared ? (size_t)n * 8 : 0) + src.aux_bytes();
    /* each workspace slot paired with one window's covariance and results, and with its rows where they are its
       own; a table's rows are one window's span, which a chunk's windows share (each further window adds only its
       step's rows) */
    const size_t span = (size_t)window * row_bytes;
    const size_t shared_span = src.own_rows() ? 0 : span, own_span = src.own_rows() ? span : 0;
    if (budget > other + shared_span) fit_to_memory(&plan, budget - other - shared_span, per_window + own_span);
    const size_t work_bytes = er::solve_work_bytes(plan);
    const size_t fixed = other + work_bytes;
    std::vector<int64_t> rel;
    for (int64_t k0 = 0; k0 < count;) {
        /* the longest run of windows whose row span, covariances, results and scratch fit the budget */
        int64_t lo, hi;
        const int64_t k1 = window_chunk(c.starts, count, window, k0, fixed, row_bytes, per_window, budget, &lo, &hi,
                                        rel);
        if (k1 == k0)
            return fail(ER_OUT_OF_MEMORY,
                        "%s: one window (%lld rows × %lld assets, its covariance and the solve's workspace) needs "
                        "more device memory than is usable (%zu bytes)",
                        c.fn, (long long)window, (long long)n, budget);
        const int64_t cnt = k1 - k0;
        er::SolvePlan chunk_plan = plan;
        if (cnt < count) {
            ER_CHECK(er::plan_solve(ctx->device, n, cnt, c.solver, &chunk_plan), "planning the solve");
            er::fit_workspace(&chunk_plan, work_bytes); /* no larger a workspace than the chunks were sized with */
        }
        const size_t b_count = c.budgets_shared ? (size_t)n : (size_t)cnt * n;
        size_t bytes[SLOTS] = {};
        bytes[IN] = (size_t)(hi - lo) * row_bytes;
        /* starts, EWMA weights, budgets, the source's own (L and μ, or the bootstrap's history) */
        bytes[AUX] = (size_t)cnt * 8 + weights.size() * 8 + b_count * 8 + src.aux_bytes();
        bytes[TMP] = (size_t)cnt * n * 8;
        bytes[OUT] = (size_t)cnt * nn * 8;
        bytes[OUT2] = (size_t)cnt * (2 * n + 2) * 8 + (size_t)cnt * 3 * 4;
        bytes[WORK] = er::solve_work_bytes(chunk_plan);
        ER_TRY(ctx->reserve(bytes));
        double* d_r = ctx->at<double>(IN);
        int64_t* d_starts = ctx->at<int64_t>(AUX);
        double* d_w = weights.empty() ? nullptr : reinterpret_cast<double*>(d_starts + cnt);
        double* d_b = reinterpret_cast<double*>(d_starts + cnt) + weights.size();
        double* d_aux = d_b + b_count;
        double* d_means = ctx->at<double>(TMP);
        double* d_cov = ctx->at<double>(OUT);
        double* d_res = ctx->at<double>(OUT2);
        const cudaStream_t s = ctx->stream;
        ER_TRY(src.fill(d_r, lo, hi, d_aux, s));
        ER_CHECK(cudaMemcpyAsync(d_starts, rel.data(), (size_t)cnt * 8, cudaMemcpyHostToDevice, s),
                 "copying window starts to the device");
        if (d_w != nullptr)
            ER_CHECK(cudaMemcpyAsync(d_w, weights.data(), weights.size() * 8, cudaMemcpyHostToDevice, s),
                     "copying EWMA weights to the device");
        ER_CHECK(cudaMemcpyAsync(d_b, c.budgets_shared ? c.budgets : c.budgets + k0 * n, b_count * 8,
                                 cudaMemcpyHostToDevice, s), "copying budgets to the device");
        {
            KernelTimer timer(s);
            ER_CHECK(er::launch_covariance(d_r, n, d_starts, cnt, window, c.kind, d_w, d_means, d_cov, s),
                     "launching the covariance kernels");
            timer.stop(s, "covariance (fused)", (long long)cnt);
        }
        const er::SolveArgs a = solve_args(d_cov, d_b, c.budgets_shared, cnt, n, c.tol, c.max_iter, c.solver, d_res,
                                           reinterpret_cast<int32_t*>(d_res + cnt * (2 * n + 2)),
                                           ctx->at<double>(WORK));
        {
            KernelTimer timer(s);
            ER_CHECK(er::launch_solve(a, chunk_plan, s), "launching the solve kernel");
            timer.stop(s, "solve (fused)", (long long)cnt);
        }
        if (c.cov_out != nullptr)
            ER_CHECK(cudaMemcpyAsync(c.cov_out + k0 * nn, d_cov, (size_t)cnt * nn * 8, cudaMemcpyDeviceToHost, s),
                     "copying covariance matrices from the device");
        ER_TRY(copy_results(a, k0, c.weights_out, c.rc_out, c.iterations_out, c.residual_out, c.converged_out,
                            c.solver_used_out, c.volatility_out, s));
        ER_CHECK(cudaStreamSynchronize(s), "covariance and solve kernels");
        k0 = k1;
    }
    return ok();
}

/* The scenario generator's checks (er_scenarios, er_scenario_solve): the sizes, then L and μ. whole_output: the
   call returns all count × rows × n values (er_scenarios), whose byte count must not overflow either. */
/* A scenario set's sizes (er_scenarios, er_scenario_solve, er_bootstrap_solve): n assets, scenarios first …
   first + count − 1 (a 32-bit Philox counter lane), rows per scenario. */
er_status check_scenario_set(const char* fn, int64_t n, int64_t first, int64_t count, int64_t rows,
                             int64_t min_rows) {
    if (n <= 0) return fail(ER_INVALID_ARGUMENT, "%s: n must be positive, got %lld", fn, (long long)n);
    if (count <= 0) return fail(ER_INVALID_ARGUMENT, "%s: count must be positive, got %lld", fn, (long long)count);
    if (first < 0) return fail(ER_INVALID_ARGUMENT, "%s: first must be >= 0, got %lld", fn, (long long)first);
    const int64_t scenario_numbers = int64_t(1) << 32; /* s is a 32-bit Philox counter lane */
    if (count > scenario_numbers || first > scenario_numbers - count)
        return fail(ER_INVALID_ARGUMENT, "%s: first %lld + count %lld is more than 2^32 scenarios", fn,
                    (long long)first, (long long)count);
    if (rows < min_rows || rows > INT32_MAX)
        return fail(ER_INVALID_ARGUMENT, "%s: rows must be in [%lld, 2^31 - 1]%s, got %lld", fn, (long long)min_rows,
                    min_rows > 1 ? " (each scenario is a covariance window)" : "", (long long)rows);
    return ER_OK;
}

er_status check_scenarios(const char* fn, const double* chol, const double* mean, int64_t n, int64_t first,
                          int64_t count, int64_t rows, int64_t min_rows, int32_t dof, bool whole_output) {
    ER_TRY(check_scenario_set(fn, n, first, count, rows, min_rows));
    if (dof != 0 && (dof < 3 || dof > 1000))
        return fail(ER_INVALID_ARGUMENT, "%s: dof must be 0 (Gaussian) or 3 ... 1000 (Student-t), got %d", fn, dof);
    if (!fits(n, n, 1, 8) || !fits(rows, n, 1, 8) || (whole_output && !fits(count, rows, n, 8)))
        return fail(ER_INVALID_ARGUMENT, "%s: sizes overflow (n %lld, rows %lld, count %lld)", fn, (long long)n,
                    (long long)rows, (long long)count);
    for (int64_t i = 0; i < n; i++) {
        for (int64_t j = 0; j < i; j++)
            if (!std::isfinite(chol[i * n + j]))
                return fail(ER_INVALID_ARGUMENT, "%s: chol entry (row %lld, column %lld) is %g: the lower triangle "
                            "must be finite", fn, (long long)i, (long long)j, chol[i * n + j]);
        const double d = chol[i * n + i];
        if (!(d > 0.0) || !std::isfinite(d))
            return fail(ER_INVALID_ARGUMENT, "%s: chol diagonal entry (row %lld, column %lld) is %g: it must be "
                        "positive and finite", fn, (long long)i, (long long)i, d);
    }
    if (mean != nullptr)
        for (int64_t i = 0; i < n; i++)
            if (!std::isfinite(mean[i]))
                return fail(ER_INVALID_ARGUMENT, "%s: mean of asset %lld is %g: it must be finite", fn, (long long)i,
                            mean[i]);
    return ER_OK;
}

/* er_bootstrap_solve's checks beyond the scenario set's sizes: the history's length, the block length, the byte
   counts, and every history value finite (row and column named). */
er_status check_bootstrap(const char* fn, const double* history, int64_t history_rows, int64_t n, int64_t block,
                          int64_t rows) {
    if (history_rows <= 0)
        return fail(ER_INVALID_ARGUMENT, "%s: history_rows must be positive, got %lld", fn, (long long)history_rows);
    if (block < 1 || block > history_rows)
        return fail(ER_INVALID_ARGUMENT, "%s: block must be in [1, %lld] (the history's rows), got %lld", fn,
                    (long long)history_rows, (long long)block);
    if (!fits(n, n, 1, 8) || !fits(rows, n, 1, 8) || !fits(history_rows, n, 1, 8))
        return fail(ER_INVALID_ARGUMENT, "%s: sizes overflow (n %lld, rows %lld, history_rows %lld)", fn,
                    (long long)n, (long long)rows, (long long)history_rows);
    for (int64_t t = 0; t < history_rows; t++)
        for (int64_t i = 0; i < n; i++)
            if (!std::isfinite(history[t * n + i]))
                return fail(ER_INVALID_ARGUMENT, "%s: history value (row %lld, column %lld) is %g: it must be finite",
                            fn, (long long)t, (long long)i, history[t * n + i]);
    return ER_OK;
}

}  // namespace

ER_EXPORT er_status er_covariance_solve(er_context* ctx, const double* returns, int64_t rows, int64_t n,
                                        const int64_t* starts, int64_t count, int64_t window, int32_t kind,
                                        double lambda, const double* budgets, int32_t budgets_shared, double tol,
                                        int32_t max_iter, int32_t solver, double* weights_out, double* rc_out,
                                        int32_t* iterations_out, double* residual_out, int32_t* converged_out,
                                        int32_t* solver_used_out, double* volatility_out, double* cov_out) {
    return computing("er_covariance_solve", ctx, [&]() -> er_status {
        const char* fn = "er_covariance_solve";
        if (ctx == nullptr) return fail(ER_INVALID_ARGUMENT, "%s: ctx is NULL", fn);
        if (returns == nullptr) return fail(ER_INVALID_ARGUMENT, "%s: returns is NULL", fn);
        if (starts == nullptr) return fail(ER_INVALID_ARGUMENT, "%s: starts is NULL", fn);
        if (budgets == nullptr) return fail(ER_INVALID_ARGUMENT, "%s: budgets is NULL", fn);
        ER_TRY(check_solve_outputs(fn, weights_out, rc_out, iterations_out, residual_out, converged_out,
                                   solver_used_out, volatility_out));
        ER_TRY(check_covariance(fn, rows, n, starts, count, window, kind, lambda));
        ER_TRY(check_solve(fn, budgets, budgets_shared, count, n, tol, max_iter, solver));
        ER_TRY(use_device(ctx));
        const FusedCall c{fn, n, WindowStarts{starts, 0}, count, window, kind, lambda, budgets, budgets_shared, tol,
                          max_iter, solver, weights_out, rc_out, iterations_out, residual_out, converged_out,
                          solver_used_out, volatility_out, cov_out};
        return fused_chunks(ctx, c, CopiedRows(returns, n));
    });
}

ER_EXPORT er_status er_scenarios(er_context* ctx, const double* chol, const double* mean, int64_t n, uint64_t seed,
                                 int64_t first, int64_t count, int64_t rows, int32_t dof, double* returns_out) {
    return computing("er_scenarios", ctx, [&]() -> er_status {
        const char* fn = "er_scenarios";
        if (ctx == nullptr) return fail(ER_INVALID_ARGUMENT, "%s: ctx is NULL", fn);
        if (chol == nullptr) return fail(ER_INVALID_ARGUMENT, "%s: chol is NULL", fn);
        if (returns_out == nullptr) return fail(ER_INVALID_ARGUMENT, "%s: returns_out is NULL", fn);
        ER_TRY(check_scenarios(fn, chol, mean, n, first, count, rows, 1, dof, true));
        ER_TRY(use_device(ctx));

        size_t budget = 0;
        ER_TRY(ctx->budget(&budget));
        const size_t row_bytes = (size_t)n * 8;
        const size_t fixed = ((size_t)n * n + (mean != nullptr ? (size_t)n : 0)) * 8; /* L and μ, once */
        if (fixed + row_bytes > budget)
            return fail(ER_OUT_OF_MEMORY,
                        "%s: L (%lld × %lld) and one row of returns need %zu bytes of device memory, "
                        "%zu are usable", fn, (long long)n, (long long)n, fixed + row_bytes, budget);
        /* chunks of whole rows of the stacked output (within a scenario too): row g's numbers depend on g alone */
        const int64_t total = count * rows;
        const int64_t fit_rows = (int64_t)((budget - fixed) / row_bytes);
        const int64_t chunk = total < fit_rows ? total : fit_rows;
        size_t bytes[SLOTS] = {};
        bytes[AUX] = fixed;
        bytes[OUT] = (size_t)chunk * row_bytes;
        ER_TRY(ctx->reserve(bytes));
        double* d_chol = ctx->at<double>(AUX);
        double* d_mean = mean != nullptr ? d_chol + (size_t)n * n : nullptr;
        double* d_out = ctx->at<double>(OUT);
        const cudaStream_t s = ctx->stream;
        ER_CHECK(cudaMemcpyAsync(d_chol, chol, (size_t)n * n * 8, cudaMemcpyHostToDevice, s),
                 "copying the Cholesky factor to the device");
        ER_CHECK(er::launch_mirror_lower(d_chol, n, s), "launching the Cholesky factor's mirror");
        if (d_mean != nullptr)
            ER_CHECK(cudaMemcpyAsync(d_mean, mean, row_bytes, cudaMemcpyHostToDevice, s),
                     "copying the mean to the device");
        for (int64_t g0 = 0; g0 < total; g0 += chunk) {
            const int64_t cnt = total - g0 < chunk ? total - g0 : chunk;
            KernelTimer timer(s);
            ER_CHECK(er::launch_scenarios(d_chol, d_mean, n, seed, first, rows, g0, cnt, dof, d_out, s),
                     "launching the scenario kernel");
            timer.stop(s, "scenarios", (long long)cnt);
            ER_CHECK(cudaMemcpyAsync(returns_out + g0 * n, d_out, (size_t)cnt * row_bytes, cudaMemcpyDeviceToHost, s),
                     "copying scenario returns from the device");
            ER_CHECK(cudaStreamSynchronize(s), "scenario kernel");
        }
        return ok();
    });
}

ER_EXPORT er_status er_scenario_solve(er_context* ctx, const double* chol, const double* mean, int64_t n,
                                      uint64_t seed, int64_t first, int64_t count, int64_t rows, int32_t dof,
                                      int32_t kind, double lambda, const double* budgets, int32_t budgets_shared,
                                      double tol, int32_t max_iter, int32_t solver, double* weights_out,
                                      double* rc_out, int32_t* iterations_out, double* residual_out,
                                      int32_t* converged_out, int32_t* solver_used_out, double* volatility_out,
                                      double* cov_out) {
    return computing("er_scenario_solve", ctx, [&]() -> er_status {
        const char* fn = "er_scenario_solve";
        if (ctx == nullptr) return fail(ER_INVALID_ARGUMENT, "%s: ctx is NULL", fn);
        if (chol == nullptr) return fail(ER_INVALID_ARGUMENT, "%s: chol is NULL", fn);
        if (budgets == nullptr) return fail(ER_INVALID_ARGUMENT, "%s: budgets is NULL", fn);
        ER_TRY(check_solve_outputs(fn, weights_out, rc_out, iterations_out, residual_out, converged_out,
                                   solver_used_out, volatility_out));
        ER_TRY(check_scenarios(fn, chol, mean, n, first, count, rows, 2, dof, false));
        ER_TRY(check_kind(fn, kind, lambda, rows));
        ER_TRY(check_solve(fn, budgets, budgets_shared, count, n, tol, max_iter, solver));
        ER_TRY(use_device(ctx));
        /* window k is scenario first + k: rows [k·rows, (k + 1)·rows) of the generated table */
        const FusedCall c{fn, n, WindowStarts{nullptr, rows}, count, rows, kind, lambda, budgets, budgets_shared, tol,
                          max_iter, solver, weights_out, rc_out, iterations_out, residual_out, converged_out,
                          solver_used_out, volatility_out, cov_out};
        return fused_chunks(ctx, c, ScenarioRows(chol, mean, n, seed, first, rows, dof));
    });
}

ER_EXPORT er_status er_bootstrap_solve(er_context* ctx, const double* history, int64_t history_rows, int64_t n,
                                       int64_t block, uint64_t seed, int64_t first, int64_t count, int64_t rows,
                                       int32_t kind, double lambda, const double* budgets, int32_t budgets_shared,
                                       double tol, int32_t max_iter, int32_t solver, double* weights_out,
                                       double* rc_out, int32_t* iterations_out, double* residual_out,
                                       int32_t* converged_out, int32_t* solver_used_out, double* volatility_out,
                                       double* cov_out) {
    return computing("er_bootstrap_solve", ctx, [&]() -> er_status {
        const char* fn = "er_bootstrap_solve";
        if (ctx == nullptr) return fail(ER_INVALID_ARGUMENT, "%s: ctx is NULL", fn);
        if (history == nullptr) return fail(ER_INVALID_ARGUMENT, "%s: history is NULL", fn);
        if (budgets == nullptr) return fail(ER_INVALID_ARGUMENT, "%s: budgets is NULL", fn);
        ER_TRY(check_solve_outputs(fn, weights_out, rc_out, iterations_out, residual_out, converged_out,
                                   solver_used_out, volatility_out));
        ER_TRY(check_scenario_set(fn, n, first, count, rows, 2));
        ER_TRY(check_bootstrap(fn, history, history_rows, n, block, rows));
        ER_TRY(check_kind(fn, kind, lambda, rows));
        ER_TRY(check_solve(fn, budgets, budgets_shared, count, n, tol, max_iter, solver));
        ER_TRY(use_device(ctx));
        /* window k is scenario first + k: rows [k·rows, (k + 1)·rows) of the gathered table */
        const FusedCall c{fn, n, WindowStarts{nullptr, rows}, count, rows, kind, lambda, budgets, budgets_shared, tol,
                          max_iter, solver, weights_out, rc_out, iterations_out, residual_out, converged_out,
                          solver_used_out, volatility_out, cov_out};
        return fused_chunks(ctx, c, BootstrapRows(history, history_rows, n, block, seed, first, rows));
    });
}

package io.equirisk.nativ.ffi;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Bindings to {@code kernels/include/equirisk.h}, written in the shape jextract generates (one method handle and
 * one wrapper per C function, the constants of the header, struct layouts in their own class). Unlike jextract's
 * output the handles live in an instance bound to one library's {@link SymbolLookup}, because the CUDA and the
 * emulation builds of the same header can be loaded side by side.
 *
 * <p><b>Critical calls.</b> {@code Linker.Option.critical(true)} lets a downcall take heap arrays without copying,
 * at the price of blocking the garbage collector for the duration of the call. It is safe here because no function
 * of this ABI upcalls into Java or keeps a pointer past its return. Which calls use it:
 * <ul>
 *   <li>{@code er_abi_version}, {@code er_library_kind}, {@code er_last_error}: critical without heap access, since they
 *       only return a constant or a thread-local string (saves the thread-state transition).</li>
 *   <li>{@code er_device_count}, {@code er_device_info_get}, {@code er_context_create}, {@code er_context_destroy}:
 *       not critical: the first CUDA call of a process initialises the driver (tens to hundreds of ms).
 *       {@code er_context_staging} neither: locking a large host area takes milliseconds.</li>
 *   <li>{@code er_covariance}, {@code er_solve}: bound twice. {@link #covarianceCritical}/{@link #solveCritical}
 *       accept heap segments ({@code MemorySegment.ofArray}); the caller uses them only for calls whose data is small
 *       (the backend's {@code criticalBytes} threshold), so GC is never blocked for long. Large calls, which run for
 *       seconds on the emulation, go through {@link #covariance}/{@link #solve} with off-heap segments.</li>
 *   <li>{@code er_solve_packed}, {@code er_covariance_solve}, {@code er_scenarios}, {@code er_scenario_solve},
 *       {@code er_bootstrap_solve}: off-heap segments only; they are the calls for large batches (staged upper
 *       triangles; long rolling histories; Monte Carlo and bootstrap scenario sets).</li>
 * </ul>
 */
public final class EquiriskH {

    /** The ABI version these bindings were written for ({@code ER_ABI_VERSION}). */
    public static final int ER_ABI_VERSION = 7;

    public static final int ER_OK = 0;
    public static final int ER_INVALID_ARGUMENT = 1;
    public static final int ER_NO_DEVICE = 2;
    public static final int ER_OUT_OF_MEMORY = 3;
    public static final int ER_CUDA_ERROR = 4;
    public static final int ER_INTERNAL = 5;

    public static final int ER_COV_SAMPLE = 0;
    public static final int ER_COV_EWMA = 1;

    public static final int ER_SOLVER_AUTO = 0;
    public static final int ER_SOLVER_CCD = 1;
    public static final int ER_SOLVER_NEWTON = 2;

    public static final int ER_USED_CCD = 1;
    public static final int ER_USED_NEWTON = 2;
    public static final int ER_USED_CCD_NEWTON = 3;
    public static final int ER_USED_DIAGONAL = 4;

    private static final Linker LINKER = Linker.nativeLinker();
    private static final ValueLayout.OfInt C_INT = ValueLayout.JAVA_INT;
    private static final ValueLayout.OfLong C_LONG = ValueLayout.JAVA_LONG;
    private static final ValueLayout.OfDouble C_DOUBLE = ValueLayout.JAVA_DOUBLE;
    private static final java.lang.foreign.AddressLayout C_POINTER = ValueLayout.ADDRESS;

    private static final FunctionDescriptor ER_COVARIANCE_DESC = FunctionDescriptor.of(C_INT,
            C_POINTER, C_POINTER, C_LONG, C_LONG, C_POINTER, C_LONG, C_LONG, C_INT, C_DOUBLE, C_POINTER);
    private static final FunctionDescriptor ER_SOLVE_DESC = FunctionDescriptor.of(C_INT,
            C_POINTER, C_POINTER, C_POINTER, C_INT, C_LONG, C_LONG, C_DOUBLE, C_INT, C_INT,
            C_POINTER, C_POINTER, C_POINTER, C_POINTER, C_POINTER, C_POINTER, C_POINTER);
    private static final FunctionDescriptor ER_COVARIANCE_SOLVE_DESC = FunctionDescriptor.of(C_INT,
            C_POINTER, C_POINTER, C_LONG, C_LONG, C_POINTER, C_LONG, C_LONG, C_INT, C_DOUBLE,
            C_POINTER, C_INT, C_DOUBLE, C_INT, C_INT,
            C_POINTER, C_POINTER, C_POINTER, C_POINTER, C_POINTER, C_POINTER, C_POINTER, C_POINTER);

    private static final FunctionDescriptor ER_SCENARIOS_DESC = FunctionDescriptor.of(C_INT,
            C_POINTER, C_POINTER, C_POINTER, C_LONG, C_LONG, C_LONG, C_LONG, C_LONG, C_INT, C_POINTER);
    private static final FunctionDescriptor ER_SCENARIO_SOLVE_DESC = FunctionDescriptor.of(C_INT,
            C_POINTER, C_POINTER, C_POINTER, C_LONG, C_LONG, C_LONG, C_LONG, C_LONG, C_INT, C_INT, C_DOUBLE,
            C_POINTER, C_INT, C_DOUBLE, C_INT, C_INT,
            C_POINTER, C_POINTER, C_POINTER, C_POINTER, C_POINTER, C_POINTER, C_POINTER, C_POINTER);

    private static final FunctionDescriptor ER_BOOTSTRAP_SOLVE_DESC = FunctionDescriptor.of(C_INT,
            C_POINTER, C_POINTER, C_LONG, C_LONG, C_LONG, C_LONG, C_LONG, C_LONG, C_LONG, C_INT, C_DOUBLE,
            C_POINTER, C_INT, C_DOUBLE, C_INT, C_INT,
            C_POINTER, C_POINTER, C_POINTER, C_POINTER, C_POINTER, C_POINTER, C_POINTER, C_POINTER);

    private final Downcall erAbiVersion;
    private final Downcall erLibraryKind;
    private final Downcall erLastError;
    private final Downcall erDeviceCount;
    private final Downcall erDeviceInfoGet;
    private final Downcall erContextCreate;
    private final Downcall erContextDestroy;
    private final Downcall erContextStaging;
    private final Downcall erCovariance;
    private final Downcall erCovarianceCritical;
    private final Downcall erSolve;
    private final Downcall erSolveCritical;
    private final Downcall erSolvePacked;
    private final Downcall erCovarianceSolve;
    private final Downcall erScenarios;
    private final Downcall erScenarioSolve;
    private final Downcall erBootstrapSolve;
    private final AtomicLong downcalls = new AtomicLong();

    /**
     * Binds every function of the header in {@code lookup} (each symbol found now, its handle made on first use).
     *
     * @throws java.util.NoSuchElementException if the library lacks one of them
     */
    public EquiriskH(SymbolLookup lookup) {
        Linker.Option trivial = Linker.Option.critical(false);
        Linker.Option heap = Linker.Option.critical(true);
        erAbiVersion = bind(lookup, "er_abi_version", FunctionDescriptor.of(C_INT), trivial);
        erLibraryKind = bind(lookup, "er_library_kind", FunctionDescriptor.of(C_POINTER), trivial);
        erLastError = bind(lookup, "er_last_error", FunctionDescriptor.of(C_POINTER), trivial);
        erDeviceCount = bind(lookup, "er_device_count", FunctionDescriptor.of(C_INT, C_POINTER));
        erDeviceInfoGet = bind(lookup, "er_device_info_get", FunctionDescriptor.of(C_INT, C_INT, C_POINTER));
        erContextCreate = bind(lookup, "er_context_create", FunctionDescriptor.of(C_INT, C_INT, C_POINTER));
        erContextDestroy = bind(lookup, "er_context_destroy", FunctionDescriptor.of(C_INT, C_POINTER));
        erContextStaging = bind(lookup, "er_context_staging",
                FunctionDescriptor.of(C_INT, C_POINTER, C_LONG, C_POINTER));
        erCovariance = bind(lookup, "er_covariance", ER_COVARIANCE_DESC);
        erCovarianceCritical = bind(lookup, "er_covariance", ER_COVARIANCE_DESC, heap);
        erSolve = bind(lookup, "er_solve", ER_SOLVE_DESC);
        erSolveCritical = bind(lookup, "er_solve", ER_SOLVE_DESC, heap);
        erSolvePacked = bind(lookup, "er_solve_packed", ER_SOLVE_DESC);
        erCovarianceSolve = bind(lookup, "er_covariance_solve", ER_COVARIANCE_SOLVE_DESC);
        erScenarios = bind(lookup, "er_scenarios", ER_SCENARIOS_DESC);
        erScenarioSolve = bind(lookup, "er_scenario_solve", ER_SCENARIO_SOLVE_DESC);
        erBootstrapSolve = bind(lookup, "er_bootstrap_solve", ER_BOOTSTRAP_SOLVE_DESC);
    }

    private static Downcall bind(SymbolLookup lookup, String name, FunctionDescriptor d, Linker.Option... opts) {
        MemorySegment address = lookup.find(name).orElseThrow(
                () -> new java.util.NoSuchElementException("symbol " + name + " not found in the library"));
        return new Downcall(address, d, opts);
    }

    /**
     * A function's downcall handle, made on its first call: making all seventeen when the library loaded took
     * ~0.13 s of a fresh JVM's start, most of it for functions a command never calls. The symbol is looked up at
     * load, so a library that lacks one is still refused there. Two threads may both make it; either handle serves.
     */
    private static final class Downcall {
        private final MemorySegment address;
        private final FunctionDescriptor descriptor;
        private final Linker.Option[] options;
        private volatile MethodHandle handle;

        Downcall(MemorySegment address, FunctionDescriptor descriptor, Linker.Option... options) {
            this.address = address;
            this.descriptor = descriptor;
            this.options = options;
        }

        MethodHandle handle() {
            MethodHandle h = handle;
            if (h == null) {
                h = LINKER.downcallHandle(address, descriptor, options);
                handle = h;
            }
            return h;
        }
    }

    /** How many downcalls these bindings have made (lets tests prove that rejected input never reached C). */
    public long downcalls() {
        return downcalls.get();
    }

    // ---- int32_t er_abi_version(void)

    public int er_abi_version() {
        downcalls.incrementAndGet();
        try {
            return (int) erAbiVersion.handle().invokeExact();
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    // ---- const char* er_library_kind(void)

    public String er_library_kind() {
        downcalls.incrementAndGet();
        try {
            return cString((MemorySegment) erLibraryKind.handle().invokeExact());
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    // ---- const char* er_last_error(void)

    /** The calling thread's last error text; read it right after the failing call, on the same thread. */
    public String er_last_error() {
        downcalls.incrementAndGet();
        try {
            return cString((MemorySegment) erLastError.handle().invokeExact());
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    // ---- er_status er_device_count(int32_t* count)

    public int er_device_count(MemorySegment count) {
        downcalls.incrementAndGet();
        try {
            return (int) erDeviceCount.handle().invokeExact(count);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    // ---- er_status er_device_info_get(int32_t device, er_device_info* info)

    public int er_device_info_get(int device, MemorySegment info) {
        downcalls.incrementAndGet();
        try {
            return (int) erDeviceInfoGet.handle().invokeExact(device, info);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    // ---- er_status er_context_create(int32_t device, er_context** ctx)

    public int er_context_create(int device, MemorySegment ctxOut) {
        downcalls.incrementAndGet();
        try {
            return (int) erContextCreate.handle().invokeExact(device, ctxOut);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    // ---- er_status er_context_destroy(er_context* ctx)

    public int er_context_destroy(MemorySegment ctx) {
        downcalls.incrementAndGet();
        try {
            return (int) erContextDestroy.handle().invokeExact(ctx);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    // ---- er_status er_context_staging(er_context* ctx, int64_t bytes, void** out)

    public int er_context_staging(MemorySegment ctx, long bytes, MemorySegment areaOut) {
        downcalls.incrementAndGet();
        try {
            return (int) erContextStaging.handle().invokeExact(ctx, bytes, areaOut);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    // ---- er_status er_covariance(er_context*, const double* returns, int64_t rows, int64_t n,
    //                              const int64_t* starts, int64_t count, int64_t window, int32_t kind,
    //                              double lambda, double* cov_out)

    /** Off-heap segments only. */
    public int er_covariance(MemorySegment ctx, MemorySegment returns, long rows, long n, MemorySegment starts,
                             long count, long window, int kind, double lambda, MemorySegment covOut) {
        return covariance(erCovariance, ctx, returns, rows, n, starts, count, window, kind, lambda, covOut);
    }

    /** Heap or off-heap segments; blocks GC while it runs, so only for small calls. */
    public int er_covariance_critical(MemorySegment ctx, MemorySegment returns, long rows, long n,
                                      MemorySegment starts, long count, long window, int kind, double lambda,
                                      MemorySegment covOut) {
        return covariance(erCovarianceCritical, ctx, returns, rows, n, starts, count, window, kind, lambda, covOut);
    }

    private int covariance(Downcall h, MemorySegment ctx, MemorySegment returns, long rows, long n,
                           MemorySegment starts, long count, long window, int kind, double lambda,
                           MemorySegment covOut) {
        downcalls.incrementAndGet();
        try {
            return (int) h.handle().invokeExact(ctx, returns, rows, n, starts, count, window, kind, lambda, covOut);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    // ---- er_status er_solve(er_context*, const double* cov, const double* budgets, int32_t budgets_shared,
    //                         int64_t batch, int64_t n, double tol, int32_t max_iter, int32_t solver,
    //                         double* weights_out, double* rc_out, int32_t* iterations_out, double* residual_out,
    //                         int32_t* converged_out, int32_t* solver_used_out, double* volatility_out)

    /** Off-heap segments only. */
    public int er_solve(MemorySegment ctx, MemorySegment cov, MemorySegment budgets, int budgetsShared, long batch,
                        long n, double tol, int maxIter, int solver, MemorySegment weightsOut, MemorySegment rcOut,
                        MemorySegment iterationsOut, MemorySegment residualOut, MemorySegment convergedOut,
                        MemorySegment solverUsedOut, MemorySegment volatilityOut) {
        return solve(erSolve, ctx, cov, budgets, budgetsShared, batch, n, tol, maxIter, solver, weightsOut, rcOut,
                iterationsOut, residualOut, convergedOut, solverUsedOut, volatilityOut);
    }

    /** Heap or off-heap segments; blocks GC while it runs, so only for small calls. */
    public int er_solve_critical(MemorySegment ctx, MemorySegment cov, MemorySegment budgets, int budgetsShared,
                                 long batch, long n, double tol, int maxIter, int solver, MemorySegment weightsOut,
                                 MemorySegment rcOut, MemorySegment iterationsOut, MemorySegment residualOut,
                                 MemorySegment convergedOut, MemorySegment solverUsedOut,
                                 MemorySegment volatilityOut) {
        return solve(erSolveCritical, ctx, cov, budgets, budgetsShared, batch, n, tol, maxIter, solver, weightsOut,
                rcOut, iterationsOut, residualOut, convergedOut, solverUsedOut, volatilityOut);
    }

    // ---- er_status er_solve_packed(er_context*, const double* cov_upper, … as er_solve)

    /** Off-heap segments only; {@code covUpper} holds each Σ's upper triangle, row by row. */
    public int er_solve_packed(MemorySegment ctx, MemorySegment covUpper, MemorySegment budgets, int budgetsShared,
                               long batch, long n, double tol, int maxIter, int solver, MemorySegment weightsOut,
                               MemorySegment rcOut, MemorySegment iterationsOut, MemorySegment residualOut,
                               MemorySegment convergedOut, MemorySegment solverUsedOut, MemorySegment volatilityOut) {
        return solve(erSolvePacked, ctx, covUpper, budgets, budgetsShared, batch, n, tol, maxIter, solver,
                weightsOut, rcOut, iterationsOut, residualOut, convergedOut, solverUsedOut, volatilityOut);
    }

    private int solve(Downcall h, MemorySegment ctx, MemorySegment cov, MemorySegment budgets, int budgetsShared,
                      long batch, long n, double tol, int maxIter, int solver, MemorySegment weightsOut,
                      MemorySegment rcOut, MemorySegment iterationsOut, MemorySegment residualOut,
                      MemorySegment convergedOut, MemorySegment solverUsedOut, MemorySegment volatilityOut) {
        downcalls.incrementAndGet();
        try {
            return (int) h.handle().invokeExact(ctx, cov, budgets, budgetsShared, batch, n, tol, maxIter, solver,
                    weightsOut, rcOut, iterationsOut, residualOut, convergedOut, solverUsedOut, volatilityOut);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    // ---- er_status er_covariance_solve(er_context*, const double* returns, int64_t rows, int64_t n,
    //          const int64_t* starts, int64_t count, int64_t window, int32_t kind, double lambda,
    //          const double* budgets, int32_t budgets_shared, double tol, int32_t max_iter, int32_t solver,
    //          double* weights_out, double* rc_out, int32_t* iterations_out, double* residual_out,
    //          int32_t* converged_out, int32_t* solver_used_out, double* volatility_out, double* cov_out)

    /** Off-heap segments only; {@code covOut} may be {@link MemorySegment#NULL}. */
    public int er_covariance_solve(MemorySegment ctx, MemorySegment returns, long rows, long n, MemorySegment starts,
                                   long count, long window, int kind, double lambda, MemorySegment budgets,
                                   int budgetsShared, double tol, int maxIter, int solver, MemorySegment weightsOut,
                                   MemorySegment rcOut, MemorySegment iterationsOut, MemorySegment residualOut,
                                   MemorySegment convergedOut, MemorySegment solverUsedOut,
                                   MemorySegment volatilityOut, MemorySegment covOut) {
        downcalls.incrementAndGet();
        try {
            return (int) erCovarianceSolve.handle().invokeExact(ctx, returns, rows, n, starts, count, window, kind,
                    lambda, budgets, budgetsShared, tol, maxIter, solver, weightsOut, rcOut, iterationsOut, residualOut,
                    convergedOut, solverUsedOut, volatilityOut, covOut);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    // ---- er_status er_scenarios(er_context*, const double* chol, const double* mean, int64_t n, uint64_t seed,
    //          int64_t first, int64_t count, int64_t rows, int32_t dof, double* returns_out)

    /** Off-heap segments only; {@code mean} may be {@link MemorySegment#NULL} (zero). The seed's 64 bits as a long. */
    public int er_scenarios(MemorySegment ctx, MemorySegment chol, MemorySegment mean, long n, long seed, long first,
                            long count, long rows, int dof, MemorySegment returnsOut) {
        downcalls.incrementAndGet();
        try {
            return (int) erScenarios.handle().invokeExact(ctx, chol, mean, n, seed, first, count, rows, dof,
                    returnsOut);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    // ---- er_status er_scenario_solve(er_context*, const double* chol, const double* mean, int64_t n,
    //          uint64_t seed, int64_t first, int64_t count, int64_t rows, int32_t dof, int32_t kind, double lambda,
    //          const double* budgets, int32_t budgets_shared, double tol, int32_t max_iter, int32_t solver,
    //          double* weights_out, double* rc_out, int32_t* iterations_out, double* residual_out,
    //          int32_t* converged_out, int32_t* solver_used_out, double* volatility_out, double* cov_out)

    /** Off-heap segments only; {@code mean} and {@code covOut} may be {@link MemorySegment#NULL}. */
    public int er_scenario_solve(MemorySegment ctx, MemorySegment chol, MemorySegment mean, long n, long seed,
                                 long first, long count, long rows, int dof, int kind, double lambda,
                                 MemorySegment budgets, int budgetsShared, double tol, int maxIter, int solver,
                                 MemorySegment weightsOut, MemorySegment rcOut, MemorySegment iterationsOut,
                                 MemorySegment residualOut, MemorySegment convergedOut, MemorySegment solverUsedOut,
                                 MemorySegment volatilityOut, MemorySegment covOut) {
        downcalls.incrementAndGet();
        try {
            return (int) erScenarioSolve.handle().invokeExact(ctx, chol, mean, n, seed, first, count, rows, dof, kind,
                    lambda, budgets, budgetsShared, tol, maxIter, solver, weightsOut, rcOut, iterationsOut, residualOut,
                    convergedOut, solverUsedOut, volatilityOut, covOut);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    // ---- er_status er_bootstrap_solve(er_context*, const double* history, int64_t history_rows, int64_t n,
    //          int64_t block, uint64_t seed, int64_t first, int64_t count, int64_t rows, int32_t kind, double lambda,
    //          const double* budgets, int32_t budgets_shared, double tol, int32_t max_iter, int32_t solver,
    //          double* weights_out, double* rc_out, int32_t* iterations_out, double* residual_out,
    //          int32_t* converged_out, int32_t* solver_used_out, double* volatility_out, double* cov_out)

    /** Off-heap segments only; {@code covOut} may be {@link MemorySegment#NULL}. */
    public int er_bootstrap_solve(MemorySegment ctx, MemorySegment history, long historyRows, long n, long block,
                                  long seed, long first, long count, long rows, int kind, double lambda,
                                  MemorySegment budgets, int budgetsShared, double tol, int maxIter, int solver,
                                  MemorySegment weightsOut, MemorySegment rcOut, MemorySegment iterationsOut,
                                  MemorySegment residualOut, MemorySegment convergedOut, MemorySegment solverUsedOut,
                                  MemorySegment volatilityOut, MemorySegment covOut) {
        downcalls.incrementAndGet();
        try {
            return (int) erBootstrapSolve.handle().invokeExact(ctx, history, historyRows, n, block, seed, first, count,
                    rows, kind, lambda, budgets, budgetsShared, tol, maxIter, solver, weightsOut, rcOut, iterationsOut,
                    residualOut, convergedOut, solverUsedOut, volatilityOut, covOut);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    // ---- helpers

    /** Reads a NUL-terminated C string the library owns ("" for NULL). */
    private static String cString(MemorySegment p) {
        if (p.equals(MemorySegment.NULL)) {
            return "";
        }
        return p.reinterpret(Long.MAX_VALUE).getString(0);
    }

    private static RuntimeException rethrow(Throwable t) {
        if (t instanceof RuntimeException re) {
            return re;
        }
        if (t instanceof Error e) {
            throw e;
        }
        // invokeExact declares Throwable; a downcall handle throws nothing checked.
        return new IllegalStateException("unexpected checked exception from a downcall", t);
    }

    /** Allocates an {@code er_device_info} in {@code arena}. */
    public static MemorySegment allocateDeviceInfo(Arena arena) {
        return arena.allocate(ErDeviceInfo.LAYOUT);
    }
}

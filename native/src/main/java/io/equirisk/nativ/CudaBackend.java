package io.equirisk.nativ;

import io.equirisk.backend.BatchSolution;
import io.equirisk.backend.ComputeBackend;
import io.equirisk.backend.CovarianceKind;
import io.equirisk.backend.ReturnWindows;
import io.equirisk.covariance.CovarianceBatch;
import io.equirisk.error.BackendException;
import io.equirisk.error.InvalidInputException;
import io.equirisk.error.ZeroVarianceException;
import io.equirisk.nativ.ffi.EquiriskH;
import io.equirisk.scenario.HistoricalBootstrap;
import io.equirisk.scenario.ScenarioModel;
import io.equirisk.scenario.ScenarioSet;
import io.equirisk.solver.SolverOptions;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;

/**
 * The native engine: batched covariance and batched risk-budgeting solves through the C ABI, on a CUDA device
 * ({@code libequirisk_cuda.so}, name "cuda") or on the host through the CUDA emulation layer
 * ({@code libequirisk_emu.so}, name "emulation": the same kernels, so CI runs them).
 *
 * <p><b>Validation.</b> Every input is checked here, with the API's exceptions, before any downcall
 * ({@link NativeInputs}): invalid input never reaches C. A status the library still returns is mapped by
 * {@link NativeStatus}.
 *
 * <p><b>Memory.</b> A call whose data is at most {@code criticalBytes} passes the Java arrays themselves through a
 * critical downcall (no copy; GC waits for the call, which at that size is short). Larger calls stage their data in
 * chunks of at most about {@code chunkBytes} (whole windows or problems), so a huge batch never needs one giant
 * off-heap copy; the C side chunks again to fit device memory. The staging area is the context's page-locked host
 * memory, kept from call to call (so the backends on a device hold up to about twice the largest {@code chunkBytes}
 * of locked memory until the last of them is closed), or ordinary off-heap memory where the system will not lock
 * that much ({@link HostStaging}); the copies into and out of it run on the common pool ({@link BulkCopy}), and with
 * several chunks the next one is copied in while the one before is on the device ({@link ChunkPipeline}). A staged
 * solve sends each Σ's upper triangle ({@code er_solve_packed}: half the bytes, expanded on the device), the triangle
 * the CPU engine reads too; a batch with a Σ that is symmetric only to rounding (as {@code CovarianceMatrix}
 * allows) always goes this way, so that it is solved as its upper triangle's mirror on every path and engine. A
 * problem's result does not depend on the other problems of its batch, so chunking does not change results, with one
 * exception: above 128 assets each chunk's path (a block per problem, or the whole-device solve for a few) is chosen
 * for the chunk's own size, and the two paths agree to the tolerance, not to the bit.
 *
 * <p><b>Threads.</b> One {@code er_context} per device and library, shared by the backends open on it and used
 * under a fair lock ({@link NativeContext}): safe from any number of Java threads and backends, which are served one
 * after another, one whole call at a time, and an idle backend holds no device memory that another one on the same
 * device cannot use. A call of several chunks makes its downcalls on the backend's one downcall thread (started on
 * demand, gone after 30 s idle).
 */
public final class CudaBackend implements ComputeBackend {
    /** Calls with at most this many bytes of inputs and outputs pass heap arrays without copying. */
    public static final long DEFAULT_CRITICAL_BYTES = 256L << 10;
    /** Larger calls are staged in chunks of about this many bytes. */
    public static final long DEFAULT_CHUNK_BYTES = 64L << 20;

    private static final long D = Double.BYTES;
    private static final long I = Integer.BYTES;

    private final NativeLibrary library;
    private final EquiriskH api;
    private final String name;
    private final String description;
    private final NativeContext context;
    private final long criticalBytes;
    private final long chunkBytes;
    private final boolean pinnedStaging;
    private final ExecutorService downcalls = ChunkPipeline.downcallThread();

    /** Opens device {@code device} of {@code library} with the default thresholds. */
    public static CudaBackend open(NativeLibrary library, int device) {
        return new CudaBackend(library, device, DEFAULT_CRITICAL_BYTES, DEFAULT_CHUNK_BYTES);
    }

    /**
     * @param criticalBytes calls up to this size pass heap arrays to a critical downcall; 0 never does
     * @param chunkBytes    target size of an off-heap chunk (at least one window or problem per chunk)
     */
    public CudaBackend(NativeLibrary library, int device, long criticalBytes, long chunkBytes) {
        this(library, device, criticalBytes, chunkBytes, true);
    }

    /**
     * @param pinnedStaging whether large calls stage in the context's page-locked memory (else always in ordinary
     *                      off-heap memory, as they also do when the system will not lock it)
     */
    CudaBackend(NativeLibrary library, int device, long criticalBytes, long chunkBytes, boolean pinnedStaging) {
        this(library, device, criticalBytes, chunkBytes, pinnedStaging, false);
    }

    /** A backend with a context of its own, shared with no other backend (tests of contexts' life and memory). */
    static CudaBackend withOwnContext(NativeLibrary library, int device, long criticalBytes, long chunkBytes) {
        return new CudaBackend(library, device, criticalBytes, chunkBytes, true, true);
    }

    private CudaBackend(NativeLibrary library, int device, long criticalBytes, long chunkBytes, boolean pinnedStaging,
                        boolean ownContext) {
        if (criticalBytes < 0 || chunkBytes < 1) {
            throw new InvalidInputException("criticalBytes must be ≥ 0 and chunkBytes ≥ 1, got " + criticalBytes
                    + " and " + chunkBytes);
        }
        this.library = library;
        this.api = library.api();
        this.criticalBytes = criticalBytes;
        this.chunkBytes = chunkBytes;
        this.pinnedStaging = pinnedStaging;
        DeviceInfo info = library.deviceInfo(device);
        if (library.kind() == LibraryKind.CUDA) {
            this.name = "cuda";
            this.description = "CUDA on " + info.describe() + " (" + library.kind().fileName() + ")";
        } else {
            this.name = "emulation";
            this.description = "CUDA kernels on the CPU emulation layer: " + info.name() + " ("
                    + library.kind().fileName() + ")";
        }
        this.context = ownContext ? NativeContext.unshared(api, device) : NativeContext.open(api, device);
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public String description() {
        return description;
    }

    public NativeLibrary library() {
        return library;
    }

    // ------------------------------------------------------------------ covariance

    @Override
    public CovarianceBatch covariance(ReturnWindows windows, CovarianceKind kind, double lambda) {
        HostProfile profile = new HostProfile("covariance");
        NativeInputs.checkCovariance(windows, kind, lambda);
        profile.checked();
        int n = windows.assets();
        int count = windows.count();
        int window = windows.window();
        int[] starts = windows.starts();
        long t0 = System.nanoTime();
        double[] out = new double[io.equirisk.data.ArraySize.of(count + " covariance matrices of " + n + " assets",
                count, n, n)];
        profile.results(System.nanoTime() - t0);
        int erKind = kind == CovarianceKind.SAMPLE ? EquiriskH.ER_COV_SAMPLE : EquiriskH.ER_COV_EWMA;
        double erLambda = kind == CovarianceKind.EWMA ? lambda : 0.0;
        double[] returns = windows.returns();

        context.call(ctx -> {
            if (covarianceBytes(windows.rows(), n, count) <= criticalBytes) {
                // small: the Java arrays themselves, one critical downcall
                MemorySegment s = MemorySegment.ofArray(localStarts(starts, 0, count, 0));
                long t = System.nanoTime();
                NativeStatus.check(api, api.er_covariance_critical(ctx, MemorySegment.ofArray(returns),
                        windows.rows(), n, s, count, window, erKind, erLambda, MemorySegment.ofArray(out)),
                        "er_covariance");
                profile.waiting(System.nanoTime() - t);
                profile.chunk();
                return null;
            }
            List<CovarianceStage> chunks = new ArrayList<>();
            for (int k0 = 0; k0 < count; ) {
                Chunk c = Chunk.grow(starts, window, k0, chunkBytes, (rows, cnt) -> covarianceBytes(rows, n, cnt));
                chunks.add(new CovarianceStage(ctx, new WindowInputs(returns, n, starts, k0, c),
                        new WindowKind(window, erKind, erLambda), out));
                k0 = c.k1;
            }
            runStaged(ctx, chunks, profile);
            return null;
        });
        long t1 = System.nanoTime();
        CovarianceBatch batch = CovarianceBatch.of(count, n, out, windows.assetNames());
        profile.results(System.nanoTime() - t1);
        profile.report(count);
        return batch;
    }

    private static long covarianceBytes(long rows, long n, long count) {
        return rows * n * D + count * Long.BYTES + count * n * n * D;
    }

    /** Windows [k0, k1) of a chunk, within rows [lo, hi). */
    private record Chunk(int k1, int lo, int hi) {
        /** Grows the chunk window by window from k0 while bytes(rows spanned, windows) stays within the limit. */
        static Chunk grow(int[] starts, int window, int k0, long limit, java.util.function.LongBinaryOperator bytes) {
            int lo = starts[k0];
            int hi = starts[k0] + window;
            int k1 = k0 + 1;
            while (k1 < starts.length) {
                int nlo = Math.min(lo, starts[k1]);
                int nhi = Math.max(hi, starts[k1] + window);
                if (bytes.applyAsLong(nhi - nlo, k1 + 1 - k0) > limit) {
                    break;
                }
                lo = nlo;
                hi = nhi;
                k1++;
            }
            return new Chunk(k1, lo, hi);
        }
    }

    /** Window starts [k0, k1) relative to row lo, as the C ABI takes them. */
    private static long[] localStarts(int[] starts, int k0, int k1, int lo) {
        long[] local = new long[k1 - k0];
        for (int k = k0; k < k1; k++) {
            local[k - k0] = starts[k] - lo;
        }
        return local;
    }

    /** Runs a large call's chunks through the context's staging, two at a time in flight ({@link ChunkPipeline}). */
    private void runStaged(MemorySegment ctx, List<? extends ChunkPipeline.Stage> chunks, HostProfile profile) {
        long t = System.nanoTime();
        try (HostStaging staging = HostStaging.open(api, ctx, pinnedStaging, ChunkPipeline.slotBytes(chunks),
                Math.min(2, chunks.size()))) {
            profile.staging(System.nanoTime() - t); // locking a new area counts as staging
            ChunkPipeline.run(chunks, staging, downcalls, profile);
        }
    }

    /** How each window's covariance is made: its length, {@code ER_COV_*}, and λ (EWMA). */
    private record WindowKind(int window, int erKind, double lambda) {
    }

    /** What a chunk of windows sends: the rows [lo, hi) they lie in, and their starts relative to lo. */
    private static final class WindowInputs {
        private final double[] returns;
        private final int n;
        private final int k0;
        private final int lo;
        private final long rows;
        private final long[] local;
        private MemorySegment r;
        private MemorySegment s;

        /** Windows [k0, c.k1) of {@code starts}. */
        WindowInputs(double[] returns, int n, int[] starts, int k0, Chunk c) {
            this.returns = returns;
            this.n = n;
            this.k0 = k0;
            this.lo = c.lo;
            this.rows = c.hi - c.lo;
            this.local = localStarts(starts, k0, c.k1, c.lo);
        }

        int count() {
            return local.length;
        }

        long bytes() {
            return HostStaging.aligned(rows * n * D) + HostStaging.aligned(local.length * (long) Long.BYTES);
        }

        void stage(HostStaging.Slices slot) {
            r = slot.take(rows * n * D);
            BulkCopy.in(returns, Math.toIntExact((long) lo * n), r, Math.toIntExact(rows * n));
            s = slot.take(local.length * (long) Long.BYTES);
            MemorySegment.copy(local, 0, s, ValueLayout.JAVA_LONG, 0, local.length);
        }
    }

    /** A chunk of windows' covariances, into {@code out}. */
    private final class CovarianceStage implements ChunkPipeline.Stage {
        private final MemorySegment ctx;
        private final WindowInputs in;
        private final WindowKind kind;
        private final double[] out;
        private MemorySegment o;

        CovarianceStage(MemorySegment ctx, WindowInputs in, WindowKind kind, double[] out) {
            this.ctx = ctx;
            this.in = in;
            this.kind = kind;
            this.out = out;
        }

        private long outValues() {
            return (long) in.count() * in.n * in.n;
        }

        @Override
        public long bytes() {
            return in.bytes() + HostStaging.aligned(outValues() * D);
        }

        @Override
        public void stage(HostStaging.Slices slot) {
            in.stage(slot);
            o = slot.take(outValues() * D);
        }

        @Override
        public void call() {
            NativeStatus.check(api, api.er_covariance(ctx, in.r, in.rows, in.n, in.s, in.count(), kind.window(),
                    kind.erKind(), kind.lambda(), o), "er_covariance");
        }

        @Override
        public void collect() {
            BulkCopy.out(o, out, Math.toIntExact((long) in.k0 * in.n * in.n), Math.toIntExact(outValues()));
        }
    }

    // ------------------------------------------------------------------ solve

    @Override
    public BatchSolution solve(CovarianceBatch batch, double[] budgets, SolverOptions options) {
        HostProfile profile = new HostProfile("solve");
        NativeInputs.checkSolveArguments(batch, budgets, options);
        int n = batch.size();
        int count = batch.batchSize();
        boolean shared = budgets.length == n;
        long perProblem = solveBytesPerProblem(n, shared);
        long sharedBytes = shared ? n * D : 0;
        // a Σ symmetric only to rounding goes staged, whatever its size: the staged path sends the upper triangle,
        // the matrix every engine solves (CovarianceMatrix's class comment); the critical path's kernels read rows
        boolean critical = batch.isExactlySymmetric() && count * perProblem + sharedBytes <= criticalBytes;
        if (critical) {
            NativeInputs.checkMatrices(batch); // the arrays themselves go down: every value first
        } // staged: each chunk's matrices are checked as they are copied, before the downcall that reads them
        profile.checked();
        long t0 = System.nanoTime();
        BatchSolution out = BatchSolution.allocate(count, n);
        int[] converged = new int[count];
        int[] used = new int[count];
        profile.results(System.nanoTime() - t0);
        SolveCall call = new SolveCall(batch, n, budgets, shared, options, erSolver(options), out, converged, used);
        context.call(ctx -> {
            if (critical) {
                long t = System.nanoTime();
                call.critical(ctx, count);
                profile.waiting(System.nanoTime() - t);
                profile.chunk();
                return null;
            }
            long staged = stagedBytesPerProblem(n, shared);
            int perChunk = (int) Math.max(1, Math.min(count, (chunkBytes - sharedBytes) / staged));
            List<SolveCall.SolveStage> chunks = new ArrayList<>();
            for (int k0 = 0; k0 < count; k0 += perChunk) {
                chunks.add(call.new SolveStage(ctx, k0, Math.min(count, k0 + perChunk)));
            }
            runStaged(ctx, chunks, profile);
            return null;
        });
        long t1 = System.nanoTime();
        for (int k = 0; k < count; k++) {
            out.converged()[k] = converged[k] != 0;
            out.solvers()[k] = solverName(used[k], k);
        }
        profile.results(System.nanoTime() - t1);
        profile.report(count);
        return out;
    }

    private static long solveBytesPerProblem(long n, boolean shared) {
        // Σ, own budgets, weights, rc; iterations, residual, converged, solver used, volatility
        return n * n * D + (shared ? 0 : n * D) + 2 * n * D + I + D + I + I + D;
    }

    /** The same, staged: Σ's upper triangle only ({@code er_solve_packed}). */
    private static long stagedBytesPerProblem(long n, boolean shared) {
        return solveBytesPerProblem(n, shared) - n * n * D + n * (n + 1) / 2 * D;
    }

    /** One solve call's inputs and outputs; its chunks are {@link SolveStage}s. */
    private final class SolveCall {
        private final CovarianceBatch batch;
        private final double[] cov;
        private final double[] budgets;
        private final boolean shared;
        private final int n;
        private final double tol;
        private final int maxIter;
        private final int erSolver;
        private final BatchSolution out;
        private final int[] converged;
        private final int[] used;

        /** {@code batch}: the covariances, or null where the device makes them ({@link #covarianceAndSolve}). */
        SolveCall(CovarianceBatch batch, int n, double[] budgets, boolean shared, SolverOptions options, int erSolver,
                  BatchSolution out, int[] converged, int[] used) {
            this.batch = batch;
            this.cov = batch == null ? null : batch.values();
            this.budgets = budgets;
            this.shared = shared;
            this.n = n;
            this.tol = options.tolerance();
            this.maxIter = options.maxIterations();
            this.erSolver = erSolver;
            this.out = out;
            this.converged = converged;
            this.used = used;
        }

        /** All {@code count} problems from and into the Java arrays themselves: one critical downcall. */
        void critical(MemorySegment ctx, int count) {
            NativeStatus.check(api, api.er_solve_critical(ctx, MemorySegment.ofArray(cov),
                    MemorySegment.ofArray(budgets), shared ? 1 : 0, count, n, tol, maxIter, erSolver,
                    MemorySegment.ofArray(out.weights()), MemorySegment.ofArray(out.riskContributions()),
                    MemorySegment.ofArray(out.iterations()), MemorySegment.ofArray(out.residuals()),
                    MemorySegment.ofArray(converged), MemorySegment.ofArray(used),
                    MemorySegment.ofArray(out.volatilities())), "er_solve");
        }

        /** Problems [k0, k1). */
        final class SolveStage implements ChunkPipeline.Stage {
            private final MemorySegment ctx;
            private final int k0;
            private final int cnt;
            private MemorySegment c;
            private MemorySegment b;
            private Results r;

            SolveStage(MemorySegment ctx, int k0, int k1) {
                this.ctx = ctx;
                this.k0 = k0;
                this.cnt = k1 - k0;
            }

            private long budgetValues() {
                return shared ? n : (long) cnt * n;
            }

            /** Bytes of Σ's upper triangles: half of what crosses the bus with full matrices. */
            private long triangleBytes() {
                return (long) cnt * n * (n + 1) / 2 * D;
            }

            @Override
            public long bytes() {
                return HostStaging.aligned(triangleBytes()) + HostStaging.aligned(budgetValues() * D)
                        + Results.bytes(cnt, n);
            }

            @Override
            public void stage(HostStaging.Slices slot) {
                c = slot.take(triangleBytes());
                int bad = BulkCopy.checkedUpperTriangles(cov, k0, cnt, n, c,
                        (k, i) -> NativeInputs.badRow(cov, n, k, i));
                if (bad >= 0) {
                    NativeInputs.rejectMatrix(batch, bad); // throws: this chunk's downcall never happens
                }
                b = slot.take(budgetValues() * D);
                MemorySegment.copy(budgets, shared ? 0 : k0 * n, b, ValueLayout.JAVA_DOUBLE, 0,
                        Math.toIntExact(budgetValues()));
                r = Results.take(slot, cnt, n);
            }

            @Override
            public void call() {
                NativeStatus.check(api, api.er_solve_packed(ctx, c, b, shared ? 1 : 0, cnt, n, tol, maxIter, erSolver,
                        r.w, r.rc, r.it, r.res, r.conv, r.used, r.vol), "er_solve_packed");
            }

            @Override
            public void collect() {
                r.copyTo(out, converged, used, k0, n);
            }
        }
    }

    /** Staged result arrays of one chunk of problems, as the C ABI writes them. */
    private record Results(int count, MemorySegment w, MemorySegment rc, MemorySegment it, MemorySegment res,
                           MemorySegment conv, MemorySegment used, MemorySegment vol) {
        /** What {@link #take} cuts from a slot. */
        static long bytes(long count, long n) {
            return 2 * HostStaging.aligned(count * n * D) + 3 * HostStaging.aligned(count * I)
                    + 2 * HostStaging.aligned(count * D);
        }

        static Results take(HostStaging.Slices slot, long count, long n) {
            return new Results((int) count, slot.take(count * n * D), slot.take(count * n * D), slot.take(count * I),
                    slot.take(count * D), slot.take(count * I), slot.take(count * I), slot.take(count * D));
        }

        /** Into problems [k0, k0 + count) of {@code out} (flags and solver codes into the int arrays). */
        void copyTo(BatchSolution out, int[] converged, int[] usedCodes, int k0, int n) {
            int len = count * n;
            MemorySegment.copy(w, ValueLayout.JAVA_DOUBLE, 0, out.weights(), k0 * n, len);
            MemorySegment.copy(rc, ValueLayout.JAVA_DOUBLE, 0, out.riskContributions(), k0 * n, len);
            MemorySegment.copy(it, ValueLayout.JAVA_INT, 0, out.iterations(), k0, count);
            MemorySegment.copy(res, ValueLayout.JAVA_DOUBLE, 0, out.residuals(), k0, count);
            MemorySegment.copy(conv, ValueLayout.JAVA_INT, 0, converged, k0, count);
            MemorySegment.copy(used, ValueLayout.JAVA_INT, 0, usedCodes, k0, count);
            MemorySegment.copy(vol, ValueLayout.JAVA_DOUBLE, 0, out.volatilities(), k0, count);
        }
    }

    // ------------------------------------------------------------------ covariance and solve in one call

    /**
     * One downcall per chunk of windows: the covariances are made and solved on the device and never cross to the
     * host. Chunks are sized like {@link #covariance}'s (rows, starts, budgets and results within chunkBytes); the
     * library splits them again by device memory. Always staged: the call is meant for long rolling histories.
     */
    @Override
    public BatchSolution covarianceAndSolve(ReturnWindows windows, CovarianceKind kind, double lambda,
                                            double[] budgets, SolverOptions options) {
        HostProfile profile = new HostProfile("covariance and solve");
        NativeInputs.checkCovariance(windows, kind, lambda);
        int n = windows.assets();
        int count = windows.count();
        NativeInputs.checkBudgets(budgets, n, count, options);
        profile.checked();
        int window = windows.window();
        int[] starts = windows.starts();
        boolean shared = budgets.length == n;
        int erKind = kind == CovarianceKind.SAMPLE ? EquiriskH.ER_COV_SAMPLE : EquiriskH.ER_COV_EWMA;
        double erLambda = kind == CovarianceKind.EWMA ? lambda : 0.0;
        long t0 = System.nanoTime();
        BatchSolution out = BatchSolution.allocate(count, n);
        int[] converged = new int[count];
        int[] used = new int[count];
        profile.results(System.nanoTime() - t0);
        SolveCall call = new SolveCall(null, n, budgets, shared, options, erSolver(options), out, converged, used);
        // what crosses per window: its start, own budgets, weights, RC, residual, volatility, three int results
        long perWindow = Long.BYTES + (shared ? 0 : n * D) + 2L * n * D + 3L * I + 2L * D;
        context.call(ctx -> {
            List<FusedStage> chunks = new ArrayList<>();
            for (int k0 = 0; k0 < count; ) {
                Chunk c = Chunk.grow(starts, window, k0, chunkBytes, (rows, cnt) -> rows * n * D + cnt * perWindow);
                chunks.add(new FusedStage(ctx, call, new WindowInputs(windows.returns(), n, starts, k0, c),
                        new WindowKind(window, erKind, erLambda)));
                k0 = c.k1;
            }
            runStaged(ctx, chunks, profile);
            return null;
        });
        long t1 = System.nanoTime();
        for (int k = 0; k < count; k++) {
            out.converged()[k] = converged[k] != 0;
            out.solvers()[k] = solverName(used[k], k);
            if (Double.isNaN(out.residuals()[k])) {
                requireVariances(windows, kind, lambda, k);
            }
        }
        profile.results(System.nanoTime() - t1);
        profile.report(count);
        return out;
    }

    /** A chunk of windows: covariance and solve in one downcall. */
    private final class FusedStage implements ChunkPipeline.Stage {
        private final MemorySegment ctx;
        private final SolveCall call;
        private final WindowInputs in;
        private final WindowKind kind;
        private MemorySegment b;
        private Results res;

        FusedStage(MemorySegment ctx, SolveCall call, WindowInputs in, WindowKind kind) {
            this.ctx = ctx;
            this.call = call;
            this.in = in;
            this.kind = kind;
        }

        private long budgetValues() {
            return call.shared ? call.n : (long) in.count() * call.n;
        }

        @Override
        public long bytes() {
            return in.bytes() + HostStaging.aligned(budgetValues() * D) + Results.bytes(in.count(), call.n);
        }

        @Override
        public void stage(HostStaging.Slices slot) {
            in.stage(slot);
            b = slot.take(budgetValues() * D);
            MemorySegment.copy(call.budgets, call.shared ? 0 : in.k0 * call.n, b, ValueLayout.JAVA_DOUBLE, 0,
                    Math.toIntExact(budgetValues()));
            res = Results.take(slot, in.count(), call.n);
        }

        @Override
        public void call() {
            NativeStatus.check(api, api.er_covariance_solve(ctx, in.r, in.rows, in.n, in.s, in.count(), kind.window(),
                    kind.erKind(), kind.lambda(), b, call.shared ? 1 : 0, call.tol, call.maxIter, call.erSolver,
                    res.w, res.rc, res.it, res.res, res.conv, res.used, res.vol, MemorySegment.NULL),
                    "er_covariance_solve");
        }

        @Override
        public void collect() {
            res.copyTo(call.out, call.converged, call.used, in.k0, call.n);
        }
    }

    // ------------------------------------------------------------------ Monte Carlo scenarios

    /**
     * A scenario source as the C ABI takes it, copied into each chunk's staging slot: a model's L (n × n, row-major)
     * and μ, or a bootstrap's history (rows × n).
     */
    private record ScenarioInputs(ScenarioSet set, double[][] arrays) {
        static ScenarioInputs of(ScenarioSet set) {
            return switch (set.source()) {
                case ScenarioModel m -> new ScenarioInputs(set, new double[][] {m.cholesky(), m.mean()});
                case HistoricalBootstrap h -> new ScenarioInputs(set, new double[][] {h.history()});
            };
        }

        long bytes() {
            long b = 0;
            for (double[] a : arrays) {
                b += HostStaging.aligned((long) a.length * D);
            }
            return b;
        }

        MemorySegment[] stage(HostStaging.Slices slot) {
            MemorySegment[] segments = new MemorySegment[arrays.length];
            for (int i = 0; i < arrays.length; i++) {
                segments[i] = slot.take((long) arrays[i].length * D);
                MemorySegment.copy(arrays[i], 0, segments[i], ValueLayout.JAVA_DOUBLE, 0, arrays[i].length);
            }
            return segments;
        }

        int dof() {
            return set.source() instanceof ScenarioModel m ? m.distribution().degreesOfFreedom() : 0;
        }
    }

    /** Scenarios per chunk: as many as keep a chunk within chunkBytes, at least one. */
    private int scenariosPerChunk(ScenarioInputs in, long perScenario) {
        long room = chunkBytes - in.bytes();
        return (int) Math.max(1, Math.min(in.set().count(), room / Math.max(1, perScenario)));
    }

    /**
     * A model's scenarios are drawn on the device ({@code er_scenarios}) in chunks of whole scenarios; a bootstrap's
     * are copies of host rows, drawn on the host.
     */
    @Override
    public double[] scenarioReturns(ScenarioSet set) {
        HostProfile profile = new HostProfile("scenario returns");
        NativeInputs.checkScenarios(set);
        profile.checked();
        if (!(set.source() instanceof ScenarioModel)) {
            return ComputeBackend.super.scenarioReturns(set);
        }
        int n = set.assets();
        long per = (long) set.rows() * n;
        double[] out = new double[io.equirisk.data.ArraySize.of(set.count() + " scenarios of " + set.rows()
                + " rows × " + n + " assets", set.count(), set.rows(), n)];
        ScenarioInputs in = ScenarioInputs.of(set);
        int step = scenariosPerChunk(in, HostStaging.aligned(per * D));
        context.call(ctx -> {
            List<ChunkPipeline.Stage> chunks = new ArrayList<>();
            for (int k0 = 0; k0 < set.count(); k0 += step) {
                int k = k0;
                int cnt = Math.min(step, set.count() - k0);
                chunks.add(new ChunkPipeline.Stage() {
                    private MemorySegment[] model;
                    private MemorySegment r;

                    @Override
                    public long bytes() {
                        return in.bytes() + HostStaging.aligned(cnt * per * D);
                    }

                    @Override
                    public void stage(HostStaging.Slices slot) {
                        model = in.stage(slot);
                        r = slot.take(cnt * per * D);
                    }

                    @Override
                    public void call() {
                        NativeStatus.check(api, api.er_scenarios(ctx, model[0], model[1], n, set.seed(),
                                set.first() + k, cnt, set.rows(), in.dof(), r), "er_scenarios");
                    }

                    @Override
                    public void collect() {
                        MemorySegment.copy(r, ValueLayout.JAVA_DOUBLE, 0, out, (int) (k * per),
                                Math.toIntExact(cnt * per));
                    }
                });
            }
            runStaged(ctx, chunks, profile);
            return null;
        });
        profile.report(set.count());
        return out;
    }

    /**
     * One downcall per chunk of scenarios: a model's returns drawn ({@code er_scenario_solve}), or a bootstrap's
     * rows gathered from its history ({@code er_bootstrap_solve}), on the device, then estimated and solved there;
     * only the source goes in and the results come out.
     */
    @Override
    public BatchSolution scenarioRiskBudgeting(ScenarioSet set, CovarianceKind kind, double lambda, double[] budgets,
                                               SolverOptions options) {
        NativeInputs.checkScenarios(set);
        HostProfile profile = new HostProfile("scenario solve");
        NativeInputs.checkKind(kind, lambda);
        if (set.rows() < 2) {
            throw new io.equirisk.error.InsufficientDataException("a scenario's covariance needs at least 2 rows, got "
                    + set.rows());
        }
        int n = set.assets();
        int count = set.count();
        NativeInputs.checkBudgets(budgets, n, count, options);
        profile.checked();
        boolean shared = budgets.length == n;
        int erKind = kind == CovarianceKind.SAMPLE ? EquiriskH.ER_COV_SAMPLE : EquiriskH.ER_COV_EWMA;
        double erLambda = kind == CovarianceKind.EWMA ? lambda : 0.0;
        BatchSolution out = BatchSolution.allocate(count, n);
        int[] converged = new int[count];
        int[] used = new int[count];
        SolveCall call = new SolveCall(null, n, budgets, shared, options, erSolver(options), out, converged, used);
        ScenarioInputs in = ScenarioInputs.of(set);
        long perScenario = (shared ? 0 : n * D) + Results.bytes(1, n);
        int step = scenariosPerChunk(in, perScenario);
        context.call(ctx -> {
            List<ChunkPipeline.Stage> chunks = new ArrayList<>();
            for (int k0 = 0; k0 < count; k0 += step) {
                int k = k0;
                int cnt = Math.min(step, count - k0);
                long budgetValues = shared ? n : (long) cnt * n;
                chunks.add(new ChunkPipeline.Stage() {
                    private MemorySegment[] source;
                    private MemorySegment b;
                    private Results res;

                    @Override
                    public long bytes() {
                        return in.bytes() + HostStaging.aligned(budgetValues * D) + Results.bytes(cnt, n);
                    }

                    @Override
                    public void stage(HostStaging.Slices slot) {
                        source = in.stage(slot);
                        b = slot.take(budgetValues * D);
                        MemorySegment.copy(budgets, shared ? 0 : k * n, b, ValueLayout.JAVA_DOUBLE, 0,
                                Math.toIntExact(budgetValues));
                        res = Results.take(slot, cnt, n);
                    }

                    @Override
                    public void call() {
                        if (set.source() instanceof HistoricalBootstrap h) {
                            NativeStatus.check(api, api.er_bootstrap_solve(ctx, source[0], h.historyRows(), n,
                                    h.block(), set.seed(), set.first() + k, cnt, set.rows(), erKind, erLambda, b,
                                    shared ? 1 : 0, call.tol, call.maxIter, call.erSolver, res.w, res.rc, res.it,
                                    res.res, res.conv, res.used, res.vol, MemorySegment.NULL), "er_bootstrap_solve");
                            return;
                        }
                        NativeStatus.check(api, api.er_scenario_solve(ctx, source[0], source[1], n, set.seed(),
                                set.first() + k, cnt, set.rows(), in.dof(), erKind, erLambda, b, shared ? 1 : 0,
                                call.tol, call.maxIter, call.erSolver, res.w, res.rc, res.it, res.res, res.conv,
                                res.used, res.vol, MemorySegment.NULL), "er_scenario_solve");
                    }

                    @Override
                    public void collect() {
                        res.copyTo(out, converged, used, k, n);
                    }
                });
            }
            runStaged(ctx, chunks, profile);
            return null;
        });
        for (int k = 0; k < count; k++) {
            out.converged()[k] = converged[k] != 0;
            out.solvers()[k] = solverName(used[k], k);
            if (Double.isNaN(out.residuals()[k])) {
                requireUsableScenario(set, kind, lambda, k);
            }
        }
        profile.report(count);
        return out;
    }

    /**
     * A scenario whose solve came back NaN: its covariance, drawn and made here as the CPU engine makes it, checked
     * as the CPU engine checks it (an entry that overflows, a variance below the smallest normal double), so both
     * backends throw the same typed error. Otherwise the problem stays reported as not converged.
     */
    private static void requireUsableScenario(ScenarioSet set, CovarianceKind kind, double lambda, int k) {
        ScenarioSet one = set.slice(k, 1);
        ReturnWindows w = ReturnWindows.whole(one.returns(), set.rows(), set.assets());
        double[] cov = new double[io.equirisk.data.ArraySize.of(set.describe(k) + "'s covariance", set.assets(),
                set.assets())];
        w.covariance(0, kind, lambda, cov, 0);
        try {
            io.equirisk.covariance.CovarianceMatrix.of(set.assets(), cov, set.source().assets());
        } catch (InvalidInputException e) {
            throw e.located(set.describe(k));
        }
    }

    /**
     * A window whose solve came back NaN is checked for what the two-step path refuses before solving: an asset
     * with variance 0 in that window (constant returns for the sample estimate, all-zero returns for EWMA), which
     * the fused call never shows the host; then that window's covariance, made here as the CPU engine makes it, is
     * checked as the CPU engine checks it (an entry that overflows, a variance that underflows to 0: returns scaled
     * by 1e±160), so both backends throw the same typed error. Otherwise the problem stays reported as not
     * converged.
     */
    private static void requireVariances(ReturnWindows w, CovarianceKind kind, double lambda, int k) {
        int n = w.assets();
        double[] r = w.returns();
        int from = w.starts()[k];
        int to = from + w.window();
        for (int i = 0; i < n; i++) {
            double ref = kind == CovarianceKind.SAMPLE ? r[from * n + i] : 0.0;
            boolean flat = true;
            for (int t = from; t < to && flat; t++) {
                flat = r[t * n + i] == ref;
            }
            if (flat) {
                throw new ZeroVarianceException(w.describe(k) + ": asset " + w.assetNames().get(i) + " (#" + (i + 1)
                        + ") has " + (kind == CovarianceKind.SAMPLE ? "constant" : "all-zero") + " returns, variance 0");
            }
        }
        double[] cov = new double[io.equirisk.data.ArraySize.of(w.describe(k) + "'s covariance", n, n)];
        w.covariance(k, kind, lambda, cov, 0);
        try {
            io.equirisk.covariance.CovarianceMatrix.of(n, cov, w.assetNames());
        } catch (InvalidInputException e) {
            throw e.located(w.describe(k));
        }
    }

    private static int erSolver(SolverOptions options) {
        return switch (options.method()) {
            case AUTO -> EquiriskH.ER_SOLVER_AUTO;
            case CCD -> EquiriskH.ER_SOLVER_CCD;
            case NEWTON -> EquiriskH.ER_SOLVER_NEWTON;
        };
    }

    private static String solverName(int used, int problem) {
        return switch (used) {
            case EquiriskH.ER_USED_CCD -> "ccd";
            case EquiriskH.ER_USED_NEWTON -> "newton";
            case EquiriskH.ER_USED_CCD_NEWTON -> "ccd+newton";
            case EquiriskH.ER_USED_DIAGONAL -> "diagonal";
            default -> throw new BackendException("er_solve reported unknown solver code " + used + " for problem "
                    + problem);
        };
    }

    // ------------------------------------------------------------------ lifecycle

    /** The downcalls made through this backend's library so far (all backends on the same library share it). */
    public long downcalls() {
        return api.downcalls();
    }

    @Override
    public void close() {
        context.close(); // waits for a running call
        downcalls.shutdown();
    }

    @Override
    public String toString() {
        return name + ": " + description;
    }

    /** Used by the providers: whether this backend's context is gone. */
    boolean isClosed() {
        return context.isClosed();
    }
}

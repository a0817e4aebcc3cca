package io.equirisk.backend;

import io.equirisk.covariance.CovarianceBatch;
import io.equirisk.covariance.CovarianceMatrix;
import io.equirisk.covariance.CovarianceKernels;
import io.equirisk.covariance.SlidingCovariance;
import io.equirisk.data.ArraySize;
import io.equirisk.error.DimensionMismatchException;
import io.equirisk.error.InsufficientDataException;
import io.equirisk.error.InvalidInputException;
import io.equirisk.kernel.Kernels;
import io.equirisk.scenario.ScenarioSet;
import io.equirisk.solver.RiskBudgetingResult;
import io.equirisk.solver.RiskBudgetingSolver;
import io.equirisk.solver.RiskBudgets;
import io.equirisk.solver.SolverOptions;

import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.ForkJoinPool;
import java.util.function.Supplier;
import java.util.stream.IntStream;

/**
 * The pure-Java engine: always available, the reference the other backends are verified against. Problems of a
 * batch run in parallel on a fork-join pool, each on one thread, so a batch gives exactly the results of solving its
 * problems one by one. Rolling windows are made and solved in runs per task ({@link #rollingRun}): each window's
 * covariance from the one before by a {@link SlidingCovariance} update where that pays (within rounding of the
 * window made afresh: see there), and its solve from the one before's weights; the runs depend on the windows, not
 * on the threads, so neither do the results.
 */
public final class CpuBackend implements ComputeBackend {
    private final int threads;
    private final ForkJoinPool pool;

    /** Uses every available processor. */
    public CpuBackend() {
        this(Runtime.getRuntime().availableProcessors());
    }

    /** The most threads one pool can run (ForkJoinPool's limit). */
    public static final int MAX_THREADS = 32767;

    /**
     * An engine with a fork-join pool of {@code threads} workers: a batch's problems run on up to that many threads
     * at once; with 1, on the calling thread.
     *
     * @param threads the pool's size, 1 … {@link #MAX_THREADS}
     * @throws InvalidInputException when {@code threads} is outside 1 … {@link #MAX_THREADS}
     */
    public CpuBackend(int threads) {
        if (threads < 1 || threads > MAX_THREADS) {
            throw new InvalidInputException("thread count must be from 1 to " + MAX_THREADS + ", got " + threads);
        }
        this.threads = threads;
        this.pool = new ForkJoinPool(threads);
    }

    /**
     * The pool's size, as given to the constructor.
     *
     * @return the most problems this engine runs at once
     */
    public int threads() {
        return threads;
    }

    @Override
    public String name() {
        return "cpu";
    }

    @Override
    public String description() {
        return "pure-Java engine, " + threads + " thread" + (threads == 1 ? "" : "s") + ", kernels "
                + Kernels.get().name();
    }

    @Override
    public CovarianceBatch covariance(ReturnWindows w, CovarianceKind kind, double lambda) {
        requireNonNull(w, "return windows");
        checkKind(kind, lambda);
        int n = w.assets();
        int count = w.count();
        double[] out = new double[ArraySize.of(count + " covariance matrices of " + n + " assets",
                count, n, n)];
        int run = rollingRun(w);
        if (run == 1) { /* nothing slides: each window straight into its place, no state to carry */
            // the backend's threads bound the product's too (`equirisk bench --threads 1` once timed its covariance
            // on every core)
            run(count, k -> w.covariance(k, kind, lambda, out, k * n * n, threads));
        } else {
            runs(count, run, (from, to) -> {
                SlidingCovariance s = sliding(w, kind, lambda);
                for (int k = from; k < to; k++) {
                    s.moveTo(w.starts()[k], out, k * n * n, k == from);
                }
            });
        }
        return CovarianceBatch.of(count, n, out, w.assetNames());
    }

    /**
     * Each window's covariance made and solved in turn, one n × n matrix per thread at a time, without holding
     * count × n² values (daily rebalancing of 1,000 assets over 20 years would be 5,000 matrices, 40 GB, more than one
     * Java array holds). Windows that roll ({@link #rollingRun}) are made and solved in runs: each window's solve
     * starts from the window before's weights, so a run's first window is what {@code solve(covariance(…))} gives, to
     * the bit, and the others meet the same tolerance from a closer start. Of the windows whose covariance is
     * unusable (an entry that overflows, a variance below the smallest normal double), the first is reported, as a
     * pass in order would find it, whatever the threads did.
     */
    @Override
    public BatchSolution covarianceAndSolve(ReturnWindows w, CovarianceKind kind, double lambda, double[] budgets,
                                            SolverOptions options) {
        requireNonNull(w, "return windows");
        checkSolveArguments(budgets, options);
        checkKind(kind, lambda);
        return solveEach(w.count(), w.assets(), rollingRun(w), () -> {
            SlidingCovariance s = sliding(w, kind, lambda);
            return (k, cov, first) -> s.moveTo(w.starts()[k], cov, 0, first);
        }, w::describe, w.assetNames(), budgets, options);
    }

    /**
     * Windows per task when the windows roll (each starts after the one before and overlaps it): a task takes a
     * run of consecutive windows, makes the first afresh and each later one from the one before (its covariance by
     * an update where {@link SlidingCovariance#pays}, its solve from the one before's weights), so a run is long
     * enough to pay (up to 16 windows) while the batch still splits into at least 64 tasks. It depends on the windows
     * only, never on the threads, so the results do not either; but on their count, so a day more of data can move
     * the runs' boundaries and with them the last digits of earlier windows' results (within the tolerance). 1 when
     * the windows do not roll (scenario tables, unordered or disjoint windows): each window afresh,
     * {@link ReturnWindows#covariance}'s bits, solved cold.
     */
    static int rollingRun(ReturnWindows w) {
        int[] starts = w.starts();
        for (int k = 1; k < starts.length; k++) {
            int step = starts[k] - starts[k - 1];
            if (step <= 0 || step >= w.window()) {
                return 1;
            }
        }
        return Math.max(1, Math.min(MAX_RUN, starts.length / MIN_RUN_TASKS));
    }

    private static final int MAX_RUN = 16;
    private static final int MIN_RUN_TASKS = 64;

    private static SlidingCovariance sliding(ReturnWindows w, CovarianceKind kind, double lambda) {
        return kind == CovarianceKind.SAMPLE ? SlidingCovariance.sample(w.returns(), w.assets(), w.window())
                : SlidingCovariance.ewma(w.returns(), w.assets(), w.window(), lambda);
    }

    /** Scenarios drawn in parallel, one scenario per task; the same values as {@link ScenarioSet#returns()}. */
    @Override
    public double[] scenarioReturns(ScenarioSet set) {
        requireNonNull(set, "scenario set");
        int n = set.assets();
        int rows = set.rows();
        double[] out = new double[ArraySize.of(set.count() + " scenarios of " + rows + " rows × " + n + " assets",
                set.count(), rows, n)];
        Queue<double[]> scratches = new ConcurrentLinkedQueue<>();
        run(set.count(), k -> {
            double[] scratch = scratches.poll();
            if (scratch == null) {
                scratch = new double[set.scratchLength()];
            }
            set.returns(k, out, k * rows * n, scratch);
            scratches.add(scratch);
        });
        return out;
    }

    /**
     * Each scenario drawn, estimated and solved in turn, one scenario's returns and covariance per thread at a time:
     * what {@code covarianceAndSolve} on {@link #scenarioReturns} gives, to the bit, in memory that does not grow
     * with the number of scenarios.
     */
    @Override
    public BatchSolution scenarioRiskBudgeting(ScenarioSet set, CovarianceKind kind, double lambda, double[] budgets,
                                               SolverOptions options) {
        requireNonNull(set, "scenario set");
        checkSolveArguments(budgets, options);
        checkKind(kind, lambda);
        if (set.rows() < 2) {
            throw new InsufficientDataException("a scenario's covariance needs at least 2 rows, got " + set.rows());
        }
        int n = set.assets();
        int rows = set.rows();
        int draws = ArraySize.of("one scenario of " + rows + " rows × " + n + " assets", rows, n);
        return solveEach(set.count(), n, 1, () -> {
            double[] drawn = new double[draws];
            double[] scratch = new double[set.scratchLength()];
            return (k, cov, first) -> {
                set.returns(k, drawn, 0, scratch);
                if (kind == CovarianceKind.SAMPLE) {
                    CovarianceKernels.sample(drawn, n, 0, rows, cov, 0);
                } else {
                    CovarianceKernels.ewma(drawn, n, 0, rows, lambda, cov, 0);
                }
            };
        }, set::describe, set.source().assets(), budgets, options);
    }

    /** Writes problem k's covariance (n × n) into {@code cov}; {@code first}: the first problem of a task's run. */
    private interface ProblemCovariance {
        void fill(int k, double[] cov, boolean first);
    }

    /**
     * Solves problems 0 … count − 1 in runs of {@code run} consecutive problems per task, each made by a source from
     * {@code sources} into a buffer (a source and a buffer are pooled: one per thread at a time). Within a run each
     * problem starts from the one before's answer ({@link RiskBudgetingSolver#solve(CovarianceMatrix, RiskBudgets,
     * SolverOptions, RiskBudgetingResult)}): consecutive rebalancing dates have nearly the same weights. A covariance
     * that {@link CovarianceMatrix#of} rejects fails the call, located by {@code describe}: the lowest such problem.
     */
    private BatchSolution solveEach(int count, int n, int run, Supplier<ProblemCovariance> sources,
                                    java.util.function.IntFunction<String> describe, java.util.List<String> names,
                                    double[] budgets, SolverOptions options) {
        ArraySize.of("one covariance matrix of " + n + " assets", n, n); /* typed, before n·n wraps */
        ProblemBudgets perProblem = ProblemBudgets.of(budgets, n, count);
        BatchSolution out = BatchSolution.allocate(count, n);
        RiskBudgetingSolver solver = RiskBudgetingSolver.standard();
        record Worker(double[] cov, ProblemCovariance source) {
        }
        Queue<Worker> workers = new ConcurrentLinkedQueue<>();
        ConcurrentSkipListMap<Integer, InvalidInputException> unusable = new ConcurrentSkipListMap<>();
        runs(count, run, (from, to) -> {
            Worker worker = workers.poll();
            if (worker == null) {
                worker = new Worker(new double[n * n], sources.get());
            }
            RiskBudgetingResult previous = null;
            for (int k = from; k < to; k++) {
                if (!unusable.isEmpty() && unusable.firstKey() < k) {
                    break; /* the call fails at an earlier problem */
                }
                worker.source().fill(k, worker.cov(), k == from);
                CovarianceMatrix sigma;
                try {
                    sigma = CovarianceMatrix.of(n, worker.cov(), names);
                } catch (InvalidInputException e) {
                    unusable.put(k, e.located(describe.apply(k)));
                    break; /* the call fails here or at an earlier problem: the run's later ones are not needed */
                }
                previous = solver.solve(sigma, perProblem.of(k), options, previous);
                out.put(k, previous);
            }
            workers.add(worker);
        });
        if (!unusable.isEmpty()) {
            throw unusable.firstEntry().getValue();
        }
        return out;
    }

    /** The typed errors the API promises for null arguments (as the native backends give), not NPEs. */
    private static void requireNonNull(Object argument, String what) {
        InvalidInputException.requireNonNull(argument, what);
    }

    private static void checkSolveArguments(double[] budgets, SolverOptions options) {
        if (budgets == null) {
            throw new io.equirisk.error.InvalidBudgetException("risk budgets are null");
        }
        if (options == null) {
            throw new InvalidInputException("solver options are null");
        }
    }

    private static void checkKind(CovarianceKind kind, double lambda) {
        if (kind == null) {
            throw new InvalidInputException("covariance kind is null (SAMPLE or EWMA)");
        }
        if (kind == CovarianceKind.EWMA && !(lambda > 0 && lambda < 1)) {
            throw new InvalidInputException("EWMA decay λ must be in (0, 1), got " + lambda);
        }
    }

    @Override
    public BatchSolution solve(CovarianceBatch batch, double[] budgets, SolverOptions options) {
        requireNonNull(batch, "covariance batch");
        checkSolveArguments(budgets, options);
        int n = batch.size();
        int count = batch.batchSize();
        ProblemBudgets perProblem = ProblemBudgets.of(budgets, n, count);
        BatchSolution out = BatchSolution.allocate(count, n);
        RiskBudgetingSolver solver = RiskBudgetingSolver.standard();
        run(count, k -> out.put(k, solver.solve(batch, k, perProblem.of(k), options)));
        return out;
    }

    /** Budgets shared by every problem (N values) or one set per problem (count·N), each set validated when used. */
    private record ProblemBudgets(double[] values, int n, RiskBudgets common) {
        static ProblemBudgets of(double[] budgets, int n, int count) {
            boolean shared = budgets.length == n;
            if (!shared && budgets.length != (long) count * n) {
                throw new DimensionMismatchException("budgets must have N = " + n + " values (shared) or batch·N = "
                        + ((long) count * n) + ", got " + budgets.length);
            }
            return new ProblemBudgets(budgets, n, shared ? RiskBudgets.of(budgets) : null);
        }

        RiskBudgets of(int k) {
            if (common != null) {
                return common;
            }
            double[] one = new double[n];
            System.arraycopy(values, k * n, one, 0, n);
            return RiskBudgets.of(one);
        }
    }

    /** Runs {@code task(from, to)} over [0, count) in runs of {@code run} consecutive indices, on the pool. */
    private void runs(int count, int run, RunTask task) {
        int tasks = (count + run - 1) / run;
        run(tasks, t -> task.accept(t * run, Math.min(count, (t + 1) * run)));
    }

    private interface RunTask {
        void accept(int from, int to);
    }

    private void run(int count, java.util.function.IntConsumer task) {
        if (pool.isShutdown()) {
            throw new io.equirisk.error.BackendException("the CPU backend is closed");
        }
        if (count == 1 || threads == 1) {
            /* on the caller's thread (callers of one engine run side by side), the kernels a task calls without a
               thread count kept to this engine's threads: from outside a fork-join pool they would take every
               processor (a review found CpuBackend(1) running a large window's product on all of them); inside the
               pool below they split over its workers */
            io.equirisk.kernel.TriangleRows.withThreads(threads, () -> {
                for (int k = 0; k < count; k++) {
                    task.accept(k);
                }
            });
            return;
        }
        try {
            pool.submit(() -> IntStream.range(0, count).parallel().forEach(task)).get();
        } catch (java.util.concurrent.RejectedExecutionException e) { /* closed between the check and the submit */
            throw new io.equirisk.error.BackendException("the CPU backend is closed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new io.equirisk.error.BackendException("interrupted", e);
        } catch (java.util.concurrent.ExecutionException e) {
            if (e.getCause() instanceof RuntimeException re) {
                throw re;
            }
            if (e.getCause() instanceof Error error) { /* out of memory in a worker is the caller's to report */
                throw error;
            }
            throw new io.equirisk.error.BackendException("CPU batch failed: " + e.getCause(), e.getCause());
        }
    }

    /** Shuts the pool down; later calls throw {@link io.equirisk.error.BackendException}. */
    @Override
    public void close() {
        pool.shutdown();
    }
}

package io.equirisk.backend;

import io.equirisk.covariance.CovarianceBatch;
import io.equirisk.covariance.CovarianceKernels;
import io.equirisk.error.DimensionMismatchException;
import io.equirisk.error.InvalidInputException;
import io.equirisk.kernel.Kernels;
import io.equirisk.solver.RiskBudgetingSolver;
import io.equirisk.solver.RiskBudgets;
import io.equirisk.solver.SolverOptions;

import java.util.concurrent.ForkJoinPool;
import java.util.stream.IntStream;

/**
 * The pure-Java engine: always available, the reference the other backends are verified against. Problems of a
 * batch run in parallel on a fork-join pool, each on one thread, so a batch gives exactly the results of solving its
 * problems one by one.
 */
public final class CpuBackend implements ComputeBackend {
    private final int threads;
    private final ForkJoinPool pool;

    /** Uses every available processor. */
    public CpuBackend() {
        this(Runtime.getRuntime().availableProcessors());
    }

    public CpuBackend(int threads) {
        if (threads < 1) {
            throw new InvalidInputException("thread count must be at least 1, got " + threads);
        }
        this.threads = threads;
        this.pool = new ForkJoinPool(threads);
    }

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
        if (kind == null) {
            throw new InvalidInputException("covariance kind is null (SAMPLE or EWMA)");
        }
        if (kind == CovarianceKind.EWMA && !(lambda > 0 && lambda < 1)) {
            throw new InvalidInputException("EWMA decay λ must be in (0, 1), got " + lambda);
        }
        int n = w.assets();
        int count = w.count();
        double[] out = new double[io.equirisk.data.ArraySize.of(count + " covariance matrices of " + n + " assets",
                count, n, n)];
        run(count, k -> {
            if (kind == CovarianceKind.SAMPLE) {
                CovarianceKernels.sample(w.returns(), n, w.starts()[k], w.window(), out, k * n * n);
            } else {
                CovarianceKernels.ewma(w.returns(), n, w.starts()[k], w.window(), lambda, out, k * n * n);
            }
        });
        return CovarianceBatch.of(count, n, out, null);
    }

    @Override
    public BatchSolution solve(CovarianceBatch batch, double[] budgets, SolverOptions options) {
        int n = batch.size();
        int count = batch.batchSize();
        boolean shared = budgets.length == n;
        if (!shared && budgets.length != (long) count * n) {
            throw new DimensionMismatchException("budgets must have N = " + n + " values (shared) or batch·N = "
                    + ((long) count * n) + ", got " + budgets.length);
        }
        BatchSolution out = BatchSolution.allocate(count, n);
        RiskBudgetingSolver solver = RiskBudgetingSolver.standard();
        RiskBudgets common = shared ? RiskBudgets.of(budgets) : null;
        run(count, k -> {
            RiskBudgets b = common;
            if (b == null) {
                double[] one = new double[n];
                System.arraycopy(budgets, k * n, one, 0, n);
                b = RiskBudgets.of(one);
            }
            out.put(k, solver.solve(batch, k, b, options));
        });
        return out;
    }

    private void run(int count, java.util.function.IntConsumer task) {
        if (pool.isShutdown()) {
            throw new io.equirisk.error.BackendException("the CPU backend is closed");
        }
        if (count == 1 || threads == 1) {
            for (int k = 0; k < count; k++) {
                task.accept(k);
            }
            return;
        }
        try {
            pool.submit(() -> IntStream.range(0, count).parallel().forEach(task)).get();
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

    @Override
    public void close() {
        pool.shutdown();
    }
}

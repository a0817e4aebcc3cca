package io.equirisk.nativ;

import io.equirisk.covariance.CovarianceBatch;
import io.equirisk.solver.RiskBudgets;
import io.equirisk.solver.SolverOptions;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.concurrent.TimeUnit;

/**
 * The host side of a large native solve, without a GPU: what the CUDA backend does to B covariance matrices of N
 * assets before the first byte crosses the bus. The input check ({@link NativeInputs#checkMatrices}, parallel above
 * {@link NativeInputs#PARALLEL_VALUES}), and the copy into staging memory on one thread or split over the pool
 * ({@link BulkCopy}), whole or as the upper triangles a staged solve sends; and what a staged solve does now, the
 * check and the triangles' copy in one pass ({@link BulkCopy#checkedUpperTriangles}). In package
 * {@code io.equirisk.nativ} to reach those package-private classes. B = 10,000 × N = 100 is the GPU acceptance
 * batch: 800 MB.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xmx3g"})
public class HostStagingBenchmark {

    @Param({"10000"})
    public int batch;

    @Param({"100"})
    public int n;

    private CovarianceBatch covs;
    private double[] budgets;
    private Arena arena;
    private MemorySegment staging;
    private final SolverOptions options = SolverOptions.defaults();

    @Setup(Level.Trial)
    public void setUp() {
        double[] v = new double[batch * n * n];
        for (int k = 0; k < batch; k++) {
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < n; j++) {
                    v[(k * n + i) * n + j] = i == j ? 1.0 + 0.01 * i : 0.002;
                }
            }
        }
        covs = CovarianceBatch.of(batch, n, v, null);
        budgets = RiskBudgets.equal(n).toArray();
        arena = Arena.ofShared();
        staging = arena.allocate((long) v.length * Double.BYTES, 256);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        arena.close();
    }

    @Benchmark
    public void checkInputs() {
        NativeInputs.checkSolveArguments(covs, budgets, options);
        NativeInputs.checkMatrices(covs);
    }

    @Benchmark
    public MemorySegment copyOneThread() {
        double[] v = covs.values();
        MemorySegment.copy(v, 0, staging, ValueLayout.JAVA_DOUBLE, 0, v.length);
        return staging;
    }

    @Benchmark
    public MemorySegment copySplitOverPool() {
        double[] v = covs.values();
        BulkCopy.in(v, 0, staging, v.length);
        return staging;
    }

    /** What a staged solve sends: each Σ's upper triangle (er_solve_packed), on the pool, unchecked. */
    @Benchmark
    public MemorySegment copyUpperTriangles() {
        BulkCopy.checkedUpperTriangles(covs.values(), 0, batch, n, staging, (k, i) -> false);
        return staging;
    }

    /** What a staged solve does: each row checked, then its upper part copied from cache (one pass). */
    @Benchmark
    public int checkAndCopyUpperTriangles() {
        double[] v = covs.values();
        return BulkCopy.checkedUpperTriangles(v, 0, batch, n, staging, (k, i) -> NativeInputs.badRow(v, n, k, i));
    }
}

package io.equirisk.bench;

import io.equirisk.backend.BatchSolution;
import io.equirisk.backend.CpuBackend;
import io.equirisk.covariance.CovarianceBatch;
import io.equirisk.covariance.CovarianceMatrix;
import io.equirisk.solver.RiskBudgets;
import io.equirisk.solver.SolverOptions;
import io.equirisk.testing.RandomCovariances;
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

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A batch of B ERC problems of N = 100 assets on the pure-Java engine with all cores: the CPU side of the GPU
 * comparison (B = 10,000 × N = 100 is the GPU acceptance workload; B = 1000 here keeps the run short, and time
 * scales linearly in B).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
public class BatchSolveBenchmark {

    @Param({"1000"})
    public int batch;

    @Param({"100"})
    public int n;

    private CovarianceBatch covs;
    private double[] budgets;
    private CpuBackend cpu;
    private final SolverOptions options = SolverOptions.defaults();

    @Setup(Level.Trial)
    public void setUp() {
        // 16 distinct factor models repeated: enough variety, cheap to build
        List<CovarianceMatrix> list = new ArrayList<>();
        List<CovarianceMatrix> distinct = new ArrayList<>();
        for (int k = 0; k < 16; k++) {
            distinct.add(RandomCovariances.factorModel(n, 5, 1000 + k));
        }
        for (int k = 0; k < batch; k++) {
            list.add(distinct.get(k % 16));
        }
        covs = CovarianceBatch.of(list);
        budgets = RiskBudgets.equal(n).toArray();
        cpu = new CpuBackend();
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        cpu.close();
    }

    @Benchmark
    public BatchSolution batchSolveAllCores() {
        return cpu.solve(covs, budgets, options);
    }
}

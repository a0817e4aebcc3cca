package io.equirisk.bench;

import io.equirisk.backend.BatchSolution;
import io.equirisk.backend.CovarianceKind;
import io.equirisk.backend.CpuBackend;
import io.equirisk.backend.ReturnWindows;
import io.equirisk.data.SyntheticMarket;
import io.equirisk.solver.RiskBudgets;
import io.equirisk.solver.SolverOptions;
import io.equirisk.testing.FactorMarket;
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

import java.util.Random;
import java.util.concurrent.TimeUnit;

/**
 * Rolling rebalancing on the pure-Java engine, all cores: W windows of 252 returns over N = 100 assets, each
 * window's sample covariance made and solved. {@code engine} is the CPU backend's fused call (windows in runs, each
 * covariance updated from the window before and each solve started from its weights); {@code afreshAndCold} is
 * what it replaced: the same call on the same windows listed latest first, which do not roll forward, so the engine
 * makes every window's covariance from its 252 rows and solves it from the inverse-volatility point, one window per
 * task. Markets: {@code mixed} ({@link SyntheticMarket#mixed}, the
 * {@code equirisk bench} rolling row's; CCD converges) and {@code factor} (the GPU check's 10-factor market, where
 * CCD stalls and Newton finishes every window).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
public class RollingBenchmark {
    private static final int WINDOW = 252;

    @Param({"mixed", "factor"})
    public String market;

    @Param({"1", "21"})
    public int step;

    @Param({"1000"})
    public int windows;

    @Param({"100"})
    public int n;

    private ReturnWindows rolling;
    /** The same windows, latest first: they do not roll forward, so the engine makes each afresh and solves it cold. */
    private ReturnWindows reversed;
    private double[] budgets;
    private CpuBackend cpu;
    private final SolverOptions options = SolverOptions.defaults();

    @Setup(Level.Trial)
    public void setUp() {
        int rows = WINDOW + (windows - 1) * step;
        double[] r = market.equals("factor") ? FactorMarket.returns(rows, n, 10, new Random(2026))
                : SyntheticMarket.mixed(n, 8).simulate(rows).values();
        rolling = ReturnWindows.rolling(r, rows, n, WINDOW, step);
        int[] starts = rolling.starts().clone();
        for (int lo = 0, hi = starts.length - 1; lo < hi; lo++, hi--) {
            int t = starts[lo];
            starts[lo] = starts[hi];
            starts[hi] = t;
        }
        reversed = new ReturnWindows(r, rows, n, starts, WINDOW);
        budgets = RiskBudgets.equal(n).toArray();
        cpu = new CpuBackend();
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        cpu.close();
    }

    @Benchmark
    public BatchSolution engine() {
        return cpu.covarianceAndSolve(rolling, CovarianceKind.SAMPLE, 0, budgets, options);
    }

    @Benchmark
    public BatchSolution afreshAndCold() {
        return cpu.covarianceAndSolve(reversed, CovarianceKind.SAMPLE, 0, budgets, options);
    }
}

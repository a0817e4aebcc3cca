package io.equirisk.bench;

import io.equirisk.covariance.CovarianceMatrix;
import io.equirisk.data.SyntheticMarket;
import io.equirisk.solver.RiskBudgetingResult;
import io.equirisk.solver.RiskBudgetingSolver;
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
import org.openjdk.jmh.annotations.Warmup;

import java.util.concurrent.TimeUnit;

/**
 * One equal-risk-contribution solve, one thread, tolerance 1e-10 on risk contributions: the acceptance workload
 * (N = 1000 in ≤ 2 ms, N = 3000 in ≤ 35 ms). Σ is a 5-factor model with daily vols 0.5%–4.5% (the kind of matrix
 * real equity and crypto universes give); the solve includes everything the engine does (start point, sweeps,
 * exact residual, report), not the validation of Σ, which is done once when the matrix is built.
 *
 * <p>Run: {@code java --add-modules jdk.incubator.vector -jar benchmarks/target/benchmarks.jar SolverBenchmark}; add
 * {@code -p kind=market} for the command line's mixed-asset covariance (four asset classes, hedges: a harder matrix
 * for coordinate descent) or {@code -p kind=ill} for an ill-conditioned one.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 10, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
public class SolverBenchmark {

    @Param({"100", "1000", "3000"})
    public int n;

    @Param({"factor"})
    public String kind;

    private CovarianceMatrix cov;
    private RiskBudgets budgets;
    private final RiskBudgetingSolver solver = RiskBudgetingSolver.standard();
    private final SolverOptions options = SolverOptions.defaults();

    @Setup(Level.Trial)
    public void setUp() {
        cov = switch (kind) {
            case "factor" -> RandomCovariances.factorModel(n, 5, 42);
            case "market" -> SyntheticMarket.mixed(n, 2024 + n).modelCovariance(); // the bench command's
            case "ill" -> RandomCovariances.illConditioned(n, 1e6, 3, 42);
            default -> throw new IllegalArgumentException("kind is factor, market or ill, not " + kind);
        };
        budgets = RiskBudgets.equal(n);
        RiskBudgetingResult r = solver.solve(cov, budgets, options);
        if (!r.converged()) {
            throw new IllegalStateException("benchmark problem did not converge: " + r.residual());
        }
        System.out.printf("%n[%s n=%d] %s, %d iterations, residual %.2e%n", kind, n, r.solver(), r.iterations(),
                r.residual());
    }

    @Benchmark
    public RiskBudgetingResult ercSolve() {
        return solver.solve(cov, budgets, options);
    }
}

package io.equirisk.bench;

import io.equirisk.backend.BatchSolution;
import io.equirisk.backend.CovarianceKind;
import io.equirisk.backend.CpuBackend;
import io.equirisk.data.SyntheticMarket;
import io.equirisk.scenario.ScenarioDistribution;
import io.equirisk.scenario.ScenarioModel;
import io.equirisk.scenario.ScenarioNormals;
import io.equirisk.scenario.ScenarioSet;
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

import java.util.concurrent.TimeUnit;

/**
 * The CPU engine's Monte Carlo path on {@code count} scenarios of {@code rows} × {@code n} (a mixed synthetic
 * universe, Student-t ν = 5): the normals alone, the scenario returns (normals, χ² mixing, the triangular product),
 * and draw + covariance + solve per scenario ({@code scenarioRiskBudgeting}, all cores).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2, time = 3)
@Measurement(iterations = 4, time = 3)
@Fork(value = 1, jvmArgsAppend = {"-Xmx3g", "--add-modules", "jdk.incubator.vector"})
public class ScenarioBenchmark {

    @Param({"100"})
    public int n;

    @Param({"252"})
    public int rows;

    @Param({"200"})
    public int count;

    private ScenarioSet set;
    private CpuBackend cpu;
    private double[] budgets;
    private double[] z;

    @Setup(Level.Trial)
    public void setUp() {
        set = ScenarioSet.of(ScenarioModel.of(SyntheticMarket.mixed(n, 7).modelCovariance(), null,
                ScenarioDistribution.studentT(5)), 11, count, rows);
        cpu = new CpuBackend();
        budgets = RiskBudgets.equal(n).toArray();
        z = new double[n];
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        cpu.close();
    }

    /** count · rows · n standard normals on one thread: Philox and Box-Muller alone. */
    @Benchmark
    public double normals() {
        double s = 0;
        for (int k = 0; k < count; k++) {
            for (int t = 0; t < rows; t++) {
                ScenarioNormals.fill(11, k, t, ScenarioNormals.ASSET_DOMAIN, 0, z, 0, n);
                s += z[n - 1];
            }
        }
        return s;
    }

    /** The scenario returns on one thread. */
    @Benchmark
    public double[] returnsOneThread() {
        return set.returns();
    }

    /** Draw, estimate and solve every scenario on all cores. */
    @Benchmark
    public BatchSolution scenarioSolve() {
        return cpu.scenarioRiskBudgeting(set, CovarianceKind.SAMPLE, 0, budgets, SolverOptions.defaults());
    }
}

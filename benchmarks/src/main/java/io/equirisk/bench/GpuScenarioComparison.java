package io.equirisk.bench;

import io.equirisk.backend.Backends;
import io.equirisk.backend.BatchSolution;
import io.equirisk.backend.ComputeBackend;
import io.equirisk.backend.CovarianceKind;
import io.equirisk.backend.CpuBackend;
import io.equirisk.data.SyntheticMarket;
import io.equirisk.error.EquiriskException;
import io.equirisk.scenario.HistoricalBootstrap;
import io.equirisk.scenario.ScenarioDistribution;
import io.equirisk.scenario.ScenarioModel;
import io.equirisk.scenario.ScenarioSet;
import io.equirisk.solver.RiskBudgets;
import io.equirisk.solver.SolverOptions;

import java.util.Locale;

/**
 * Monte Carlo risk parity as one program: S scenarios of T fat-tailed returns (Student-t, ν = 5) over N assets of a
 * mixed synthetic universe ({@link SyntheticMarket#mixed}), each scenario drawn, its sample covariance made and
 * solved to the default tolerance, by the pure-Java engine on every core of this host and by the CUDA backend, which
 * draws the scenarios on the device (only L and μ go in, the weights come out), in one JVM on the same scenarios;
 * then the same for a block bootstrap of ten years of that market's simulated returns (the history goes in, the
 * device gathers the rows). Prints the median and minimum wall time of each, their ratio, and the largest weight
 * difference.
 *
 * <pre>java --add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED \
 *     -cp benchmarks/target/benchmarks.jar io.equirisk.bench.GpuScenarioComparison [S] [N] [T] [repetitions]</pre>
 *
 * Without a GPU the CUDA half is skipped with the reason.
 */
public final class GpuScenarioComparison {
    private GpuScenarioComparison() {
    }

    public static void main(String[] args) {
        int scenarios = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
        int n = args.length > 1 ? Integer.parseInt(args[1]) : 100;
        int rows = args.length > 2 ? Integer.parseInt(args[2]) : 252;
        int reps = args.length > 3 ? Integer.parseInt(args[3]) : 3;
        SyntheticMarket market = SyntheticMarket.mixed(n, 2026);
        ScenarioSet model = ScenarioSet.of(ScenarioModel.of(market.modelCovariance(), null,
                ScenarioDistribution.studentT(5)), 7, scenarios, rows);
        compare(model, "Student-t, ν = 5", reps);
        /* ten years of the same market's daily returns, resampled in blocks of 10 (the history goes to the device) */
        ScenarioSet bootstrap = ScenarioSet.of(HistoricalBootstrap.of(market.simulate(2520), 10), 7, scenarios, rows);
        compare(bootstrap, "block bootstrap of 2,520 rows, blocks of 10", reps);
    }

    private static void compare(ScenarioSet set, String what, int reps) {
        int n = set.assets();
        double[] budgets = RiskBudgets.equal(n).toArray();
        SolverOptions options = SolverOptions.defaults();
        System.out.printf(Locale.ROOT, "%d scenarios of %d × %d (%s), sample covariance; %d cores%n", set.count(),
                set.rows(), n, what, Runtime.getRuntime().availableProcessors());

        BatchSolution cpuResult;
        double[] cpuMs;
        try (CpuBackend cpu = new CpuBackend()) {
            cpuMs = time(cpu, set, budgets, options, reps, 1);
            cpuResult = cpu.scenarioRiskBudgeting(set, CovarianceKind.SAMPLE, 0, budgets, options);
        }
        GpuBatchComparison.report("cpu (all cores)", cpuMs, cpuResult);

        try (Backends.Selection cuda = Backends.select("cuda")) {
            double[] gpuMs = time(cuda.backend(), set, budgets, options, reps, 1);
            BatchSolution gpuResult = cuda.backend().scenarioRiskBudgeting(set, CovarianceKind.SAMPLE, 0, budgets,
                    options);
            GpuBatchComparison.report("cuda (whole call)", gpuMs, gpuResult);
            System.out.printf(Locale.ROOT, "cpu/cuda median ratio %.1f; max |w_cpu - w_cuda| = %.2g%n",
                    GpuBatchComparison.median(cpuMs) / GpuBatchComparison.median(gpuMs),
                    GpuBatchComparison.maxDifference(cpuResult.weights(), gpuResult.weights()));
        } catch (EquiriskException e) {
            System.out.println("cuda skipped: " + e.getMessage());
        }
    }

    private static double[] time(ComputeBackend backend, ScenarioSet set, double[] budgets, SolverOptions options,
                                 int reps, int warmup) {
        for (int i = 0; i < warmup; i++) {
            backend.scenarioRiskBudgeting(set, CovarianceKind.SAMPLE, 0, budgets, options);
        }
        double[] ms = new double[reps];
        for (int i = 0; i < reps; i++) {
            long t = System.nanoTime();
            backend.scenarioRiskBudgeting(set, CovarianceKind.SAMPLE, 0, budgets, options);
            ms[i] = (System.nanoTime() - t) / 1e6;
        }
        return ms;
    }
}

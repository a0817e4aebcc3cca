package io.equirisk.bench;

import io.equirisk.backend.CovarianceKind;
import io.equirisk.data.SyntheticMarket;
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

        GpuBatchComparison.compare("cpu (all cores)", 1, 1, reps,
                backend -> backend.scenarioRiskBudgeting(set, CovarianceKind.SAMPLE, 0, budgets, options));
    }
}

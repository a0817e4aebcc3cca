package io.equirisk.bench;

import io.equirisk.backend.CovarianceKind;
import io.equirisk.backend.ReturnWindows;
import io.equirisk.solver.RiskBudgets;
import io.equirisk.solver.SolverOptions;
import io.equirisk.testing.FactorMarket;

import java.util.Locale;
import java.util.Random;

/**
 * Rolling rebalancing as one program: W daily windows (step 1) of T returns over N assets of a 10-factor market (drawn
 * as {@code kernels/test/driver.cpp --bench}'s rolling row draws them, from {@link Random}: loadings N(0,1), factors
 * N(0,1)/3, idiosyncratic N(0, 0.25), ×0.01), each window's sample covariance made and solved to the default
 * tolerance by the pure-Java engine on every core of this host and by the CUDA backend, whose covariances never leave
 * the device, in one JVM on the same returns. Prints the median and minimum wall time of each, their ratio, and the largest weight
 * difference. This is the batch workload where nothing but the returns (10 MB for 10,000 windows of 252 × 100)
 * crosses the bus.
 *
 * <pre>java --add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED \
 *     -cp benchmarks/target/benchmarks.jar io.equirisk.bench.GpuRollingComparison [W] [N] [T] [repetitions]</pre>
 *
 * Without a GPU the CUDA half is skipped with the reason.
 */
public final class GpuRollingComparison {
    private GpuRollingComparison() {
    }

    public static void main(String[] args) {
        int windows = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
        int n = args.length > 1 ? Integer.parseInt(args[1]) : 100;
        int window = args.length > 2 ? Integer.parseInt(args[2]) : 252;
        int reps = args.length > 3 ? Integer.parseInt(args[3]) : 3;
        int rows = window + windows - 1;
        ReturnWindows w = ReturnWindows.rolling(FactorMarket.returns(rows, n, 10, new Random(2026)), rows, n, window, 1);
        double[] budgets = RiskBudgets.equal(n).toArray();
        SolverOptions options = SolverOptions.defaults();
        System.out.printf(Locale.ROOT, "%d windows of %d × %d (10-factor market), step 1; %d cores%n", windows, window,
                n, Runtime.getRuntime().availableProcessors());

        GpuBatchComparison.compare("cpu (all cores)", 1, 1, reps,
                backend -> backend.covarianceAndSolve(w, CovarianceKind.SAMPLE, 0, budgets, options));
    }
}

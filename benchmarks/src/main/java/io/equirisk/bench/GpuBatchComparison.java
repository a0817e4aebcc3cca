package io.equirisk.bench;

import io.equirisk.backend.Backends;
import io.equirisk.backend.BatchSolution;
import io.equirisk.backend.ComputeBackend;
import io.equirisk.backend.CpuBackend;
import io.equirisk.covariance.CovarianceBatch;
import io.equirisk.covariance.CovarianceMatrix;
import io.equirisk.error.EquiriskException;
import io.equirisk.solver.RiskBudgets;
import io.equirisk.solver.SolverOptions;
import io.equirisk.testing.RandomCovariances;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;

/**
 * The GPU acceptance comparison as one program: B covariance matrices of N assets (k = N/3 factor models, the size
 * of the factor structure in {@code kernels/test/driver.cpp --bench}), solved to the default tolerance by the
 * pure-Java engine on every core of this host and by the CUDA backend, in one JVM on the same data. Prints the median
 * and minimum wall time of each (the CUDA call includes its host-device copies), their ratio, the mean iterations,
 * and the largest weight difference between the two, so that a fast wrong answer cannot pass.
 *
 * <pre>java --add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED \
 *     -cp benchmarks/target/benchmarks.jar io.equirisk.bench.GpuBatchComparison [B] [N] [repetitions]</pre>
 *
 * With {@code EQUIRISK_PROFILE=1} the CUDA library also prints each kernel's device time on stderr, and the backend
 * each call's host time (input scan, staging copies, waiting on the device). Without a GPU the CUDA half is skipped
 * with the reason. Timing belongs here, not in the tests (see benchmarks/RESULTS.md).
 */
public final class GpuBatchComparison {
    private GpuBatchComparison() {
    }

    public static void main(String[] args) {
        int batch = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
        int n = args.length > 1 ? Integer.parseInt(args[1]) : 100;
        int reps = args.length > 2 ? Integer.parseInt(args[2]) : 5;

        long t0 = System.nanoTime();
        List<CovarianceMatrix> list = new ArrayList<>(batch);
        for (int k = 0; k < batch; k++) {
            list.add(RandomCovariances.factorModel(n, Math.max(1, n / 3), 1000 + k));
        }
        CovarianceBatch covs = CovarianceBatch.of(list);
        double[] budgets = RiskBudgets.equal(n).toArray();
        SolverOptions options = SolverOptions.defaults();
        System.out.printf(Locale.ROOT, "%d problems of N = %d (%d-factor models) built in %.1f s; %d cores%n", batch,
                n, Math.max(1, n / 3), (System.nanoTime() - t0) / 1e9, Runtime.getRuntime().availableProcessors());

        // one small problem: more JIT warm-up, and the CPU engine runs it on the caller's thread
        compare(batch == 1 ? "cpu (1 thread)" : "cpu (all cores)", batch == 1 ? 10 : 2, batch == 1 ? 5 : 1, reps,
                backend -> backend.solve(covs, budgets, options));
    }

    /**
     * Times {@code call} on the pure-Java engine (all cores) and on the CUDA backend, each warmed up and then repeated
     * {@code reps} times, and prints both, their median ratio and the largest weight difference; the CUDA half is
     * skipped with the reason where no GPU is usable. Shared by the side-by-side programs of this package.
     */
    static void compare(String cpuLabel, int cpuWarmup, int gpuWarmup, int reps,
                        Function<ComputeBackend, BatchSolution> call) {
        BatchSolution cpuResult;
        double[] cpuMs;
        try (CpuBackend cpu = new CpuBackend()) {
            cpuMs = time(() -> call.apply(cpu), reps, cpuWarmup);
            cpuResult = call.apply(cpu);
        }
        report(cpuLabel, cpuMs, cpuResult);

        try (Backends.Selection cuda = Backends.select("cuda")) {
            double[] gpuMs = time(() -> call.apply(cuda.backend()), reps, gpuWarmup);
            BatchSolution gpuResult = call.apply(cuda.backend());
            report("cuda (whole call)", gpuMs, gpuResult);
            System.out.printf(Locale.ROOT, "cpu/cuda median ratio %.1f; max |w_cpu - w_cuda| = %.2g%n",
                    median(cpuMs) / median(gpuMs), maxDifference(cpuResult.weights(), gpuResult.weights()));
        } catch (EquiriskException e) {
            System.out.println("cuda skipped: " + e.getMessage());
        }
    }

    /** Wall times in ms of {@code reps} runs of {@code task}, after {@code warmup} untimed ones. */
    private static double[] time(Runnable task, int reps, int warmup) {
        for (int i = 0; i < warmup; i++) {
            task.run();
        }
        double[] ms = new double[reps];
        for (int i = 0; i < reps; i++) {
            long t = System.nanoTime();
            task.run();
            ms[i] = (System.nanoTime() - t) / 1e6;
        }
        return ms;
    }

    /** One line: median, minimum and every wall time, mean iterations, unconverged problems, largest residual. */
    static void report(String what, double[] ms, BatchSolution s) {
        double iterations = Arrays.stream(s.iterations()).average().orElse(Double.NaN);
        System.out.printf(Locale.ROOT, "%-18s median %9.2f ms  min %9.2f ms  (%s)  mean iterations %.2f, "
                        + "%d unconverged, max residual %.2g%n", what, median(ms), Arrays.stream(ms).min().orElseThrow(),
                Arrays.toString(Arrays.stream(ms).map(v -> Math.round(v * 100) / 100.0).toArray()), iterations,
                s.unconvergedCount(), s.maxResidual());
    }

    static double maxDifference(double[] a, double[] b) {
        double d = 0;
        for (int e = 0; e < a.length; e++) {
            d = Math.max(d, Math.abs(a[e] - b[e]));
        }
        return d;
    }

    static double median(double[] v) {
        double[] c = v.clone();
        Arrays.sort(c);
        return c.length % 2 == 1 ? c[c.length / 2] : 0.5 * (c[c.length / 2 - 1] + c[c.length / 2]);
    }
}

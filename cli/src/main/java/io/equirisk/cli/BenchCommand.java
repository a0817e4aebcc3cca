package io.equirisk.cli;

import io.equirisk.backend.BatchSolution;
import io.equirisk.backend.Backends;
import io.equirisk.backend.ComputeBackend;
import io.equirisk.backend.CovarianceKind;
import io.equirisk.backend.CpuBackend;
import io.equirisk.backend.ReturnWindows;
import io.equirisk.cli.io.CovarianceCsv;
import io.equirisk.covariance.CovarianceBatch;
import io.equirisk.covariance.CovarianceMatrix;
import io.equirisk.data.Returns;
import io.equirisk.data.SyntheticMarket;
import io.equirisk.error.ConvergenceException;
import io.equirisk.error.InvalidInputException;
import io.equirisk.kernel.Kernels;
import io.equirisk.scenario.ScenarioDistribution;
import io.equirisk.scenario.ScenarioModel;
import io.equirisk.scenario.ScenarioSet;
import io.equirisk.solver.RiskBudgets;
import io.equirisk.solver.SolverOptions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.Supplier;

/**
 * {@code equirisk bench}: times the standard workloads (sample covariance, single ERC solves, a batch of solves,
 * rolling rebalancing, Monte Carlo scenarios) on the chosen backend. Each workload is warmed up, then repeated; the median and the minimum are reported, with the
 * solver's convergence so that a fast wrong answer cannot pass. For rigorous numbers use the JMH suite in
 * benchmarks/.
 */
@Command(name = "bench", mixinStandardHelpOptions = true, versionProvider = VersionInfo.class, sortOptions = false,
        description = {"Time the standard workloads (covariance, single and batched solves, rolling windows, Monte Carlo) on "
                + "this machine.", "",
                "Workloads: sample covariance (T = 2520 × N = 1000), single "
                + "ERC solves at N = 100, 1000, 3000 (a synthetic mixed market: crypto, equities, bonds and "
                + "commodities with market and sector factors), a batch of 1000 solves at N = 100 "
                + "on all cores, rolling rebalancing (1000 daily windows of 252 × 100 returns, covariance and "
                + "solve in one call), and Monte Carlo (1000 Student-t scenarios of 252 × 100 drawn, estimated and "
                + "solved). Reports median and minimum over repetitions after warm-up.", ""},
        footer = {"", "Examples:", "  equirisk bench", "  equirisk bench --quick", "  equirisk bench --threads 1",
                "  equirisk bench --cov cov.csv --backend cuda"})
final class BenchCommand implements Runnable {
    @ParentCommand
    Main main;

    @Option(names = "--cov", paramLabel = "FILE", description = "Time solving this covariance matrix (CSV) instead "
            + "of the standard workloads.")
    Path cov;

    @Option(names = "--threads", paramLabel = "N", description = "CPU threads for the CPU backend (default: all "
            + "cores).")
    Integer threads;

    @Option(names = "--quick", description = "Smaller sizes and fewer repetitions (a few seconds): a smoke test. "
            + "Its short workloads are not at the JIT's steady state (the 504 × 200 covariance took 4–37 ms on a "
            + "2-core VM, and 0.7 ms after 100 warm-up runs); time with the full bench, or add --warmup 100.")
    boolean quick;

    @Option(names = "--repetitions", paramLabel = "N", description = "Timed repetitions per workload (default 10, "
            + "or 5 with --quick; fewer when a workload exceeds its time budget of ~5 s, but at least 3).")
    Integer repetitions;

    @Option(names = "--warmup", paramLabel = "N", description = "Untimed warm-up runs per workload (default: at "
            + "least 3, or 1 with --quick, and at least 1 s, or 0.3 s with --quick).")
    Integer warmup;

    @Option(names = "--backend", paramLabel = "auto|cpu|cuda|emulation", defaultValue = "auto",
            description = "Backend to time. Default: ${DEFAULT-VALUE}.")
    String backend;

    @Option(names = "--seed", defaultValue = "1", description = "Seed of the synthetic workloads. Default: "
            + "${DEFAULT-VALUE}.")
    long seed;

    /** One timed workload's outcome. */
    record Timing(String workload, String size, int reps, double medianMs, double minMs, String rate, String check) {
    }

    @Override
    public void run() {
        if (threads != null && threads < 1) {
            throw new InvalidInputException("--threads must be at least 1, got " + threads);
        }
        if (repetitions != null && repetitions < 1) {
            throw new InvalidInputException("--repetitions must be at least 1, got " + repetitions);
        }
        if (warmup != null && warmup < 0) {
            throw new InvalidInputException("--warmup must be at least 0, got " + warmup);
        }
        PrintWriter out = main.spec.commandLine().getOut();
        PrintWriter err = main.spec.commandLine().getErr();
        CovarianceMatrix userCov = null;
        if (cov != null) {
            userCov = CovarianceCsv.read(cov);
            userCov.requirePositiveDefinite();
        }
        List<Timing> timings = new ArrayList<>();
        try (Backends.Selection sel = Backends.select(backend);
             Progress progress = Progress.start(err, main.errIsTerminal, "bench")) {
            ComputeBackend engine = sel.backend();
            String reason = sel.reason();
            CpuBackend own = null;
            if (engine instanceof CpuBackend && threads != null) {
                own = new CpuBackend(threads);
                engine = own;
            }
            try {
                machineFacts(out, engine, reason);
                if (userCov != null) {
                    timings.add(solve(engine, userCov, "solve " + cov.getFileName(), progress));
                } else {
                    standard(engine, timings, progress);
                }
            } finally {
                if (own != null) {
                    own.close();
                }
            }
        }
        TextTable t = new TextTable("workload", "size", "reps", "median", "min", "rate", "check");
        for (Timing x : timings) {
            t.row(x.workload(), x.size(), Integer.toString(x.reps()), millis(x.medianMs()), millis(x.minMs()),
                    x.rate(), x.check());
        }
        t.print(out);
        out.println();
        out.println("Times are wall clock per call, including moving data in and out of the backend. Solves run to "
                + "tolerance 1e-10 (max |RC − b|).");
        out.flush();
    }

    private void machineFacts(PrintWriter out, ComputeBackend engine, String reason) {
        Runtime rt = Runtime.getRuntime();
        out.printf(Locale.ROOT, "equirisk %s bench%s%n", VersionInfo.version(), quick ? " (quick)" : "");
        out.printf(Locale.ROOT, "machine:  %d cores, %s %s, max heap %.1f GiB%n", rt.availableProcessors(),
                System.getProperty("os.name"), System.getProperty("os.arch"), rt.maxMemory() / (double) (1L << 30));
        out.printf(Locale.ROOT, "java:     %s (%s)%n", Runtime.version(), System.getProperty("java.vm.name"));
        out.printf(Locale.ROOT, "kernels:  %s; scenario draws: %s%n", Kernels.get().name(),
                io.equirisk.scenario.ScenarioSet.drawKernels());
        out.printf(Locale.ROOT, "backend:  %s — %s%n", reason, engine.description());
        out.println();
        out.flush();
    }

    private void standard(ComputeBackend engine, List<Timing> timings, Progress progress) {
        int covT = quick ? 504 : 2520;
        int covN = quick ? 200 : 1000;
        int[] singles = quick ? new int[] {100, 500} : new int[] {100, 1000, 3000};
        int batch = quick ? 200 : 1000;
        int batchN = quick ? 50 : 100;

        progress.update("simulating " + covT + " × " + covN + " returns");
        Returns r = SyntheticMarket.mixed(covN, seed).simulate(covT);
        ReturnWindows windows = ReturnWindows.whole(r.values(), covT, covN);
        ComputeBackend e = engine;
        CovarianceBatch[] made = new CovarianceBatch[1];
        timings.add(time("sample covariance", covT + " × " + covN, progress, () -> {
            made[0] = e.covariance(windows, CovarianceKind.SAMPLE, 0.0);
            return null;
        }, ms -> String.format(Locale.ROOT, "%.1f GFLOP/s", // 2·N²·T, the full product's count, as RESULTS.md uses
                2.0 * covN * covN * covT / (ms * 1e6)),
                () -> covarianceCheck(made[0], r.values(), covT, covN)));

        for (int n : singles) {
            progress.update("building a " + n + "-asset market covariance");
            CovarianceMatrix m = SyntheticMarket.mixed(n, seed + n).modelCovariance();
            timings.add(solve(engine, m, "single ERC solve", progress));
        }

        progress.update("building " + batch + " covariances of " + batchN + " assets");
        List<CovarianceMatrix> list = new ArrayList<>(batch);
        for (int k = 0; k < batch; k++) {
            list.add(SyntheticMarket.mixed(batchN, seed + 1000 + k).modelCovariance());
        }
        CovarianceBatch all = CovarianceBatch.of(list);
        double[] budgets = RiskBudgets.equal(batchN).toArray();
        BatchSolution[] last = new BatchSolution[1];
        timings.add(time("batch ERC solve", batch + " × N = " + batchN, progress, () -> {
            last[0] = e.solve(all, budgets, SolverOptions.defaults());
            return null;
        }, ms -> String.format(Locale.ROOT, "%.0f solves/s", batch / (ms / 1e3)), () -> batchCheck(last[0])));

        /* rolling rebalancing: every date's 252-row window of N = 100 returns, covariance and solve in one call
           (on a GPU the covariances stay on the device) */
        int window = 252;
        int count = quick ? 100 : 1000;
        progress.update("simulating " + (window + count - 1) + " × " + batchN + " returns");
        Returns rr = SyntheticMarket.mixed(batchN, seed + 7).simulate(window + count - 1);
        ReturnWindows rolling = ReturnWindows.rolling(rr.values(), rr.observations(), batchN, window, 1);
        timings.add(time("rolling ERC (cov + solve)", count + " windows of " + window + " × " + batchN, progress,
                () -> {
                    last[0] = e.covarianceAndSolve(rolling, CovarianceKind.SAMPLE, 0.0, budgets,
                            SolverOptions.defaults());
                    return null;
                }, ms -> String.format(Locale.ROOT, "%.0f windows/s", count / (ms / 1e3)), () -> batchCheck(last[0])));

        /* Monte Carlo: scenarios of a year of fat-tailed daily returns drawn from a model, each estimated and solved
           (on a GPU drawn on the device: only the model goes in) */
        int scenarios = quick ? 50 : 1000;
        ScenarioSet set = ScenarioSet.of(ScenarioModel.of(SyntheticMarket.mixed(batchN, seed + 9).modelCovariance(),
                null, ScenarioDistribution.studentT(5)), seed, scenarios, window);
        timings.add(time("Monte Carlo ERC (draw + cov + solve)", scenarios + " scenarios of " + window + " × "
                + batchN, progress, () -> {
                    last[0] = e.scenarioRiskBudgeting(set, CovarianceKind.SAMPLE, 0.0, budgets,
                            SolverOptions.defaults());
                    return null;
                }, ms -> String.format(Locale.ROOT, "%.0f scenarios/s", scenarios / (ms / 1e3)),
                () -> batchCheck(last[0])));
    }

    private Timing solve(ComputeBackend engine, CovarianceMatrix m, String name, Progress progress) {
        CovarianceBatch one = CovarianceBatch.of(List.of(m));
        double[] budgets = RiskBudgets.equal(m.size()).toArray();
        BatchSolution[] last = new BatchSolution[1];
        return time(name, "N = " + m.size(), progress, () -> {
            last[0] = engine.solve(one, budgets, SolverOptions.defaults());
            return null;
        }, ms -> String.format(Locale.ROOT, "%.0f solves/s", 1e3 / ms), () -> batchCheck(last[0]));
    }

    /**
     * Entries of the timed covariance against a two-pass sum written out here (means first, then the products): the
     * largest relative difference over a few entries spread over the matrix. Fails the run where it exceeds 1e-10.
     */
    private static String covarianceCheck(CovarianceBatch c, double[] r, int t, int n) {
        int[][] at = {{0, 0}, {0, n - 1}, {n / 2, n / 3}, {n - 1, n - 1}, {n / 3, n / 2}};
        double worst = 0;
        for (int[] ij : at) {
            double mi = 0;
            double mj = 0;
            for (int s = 0; s < t; s++) {
                mi += r[s * n + ij[0]] / t;
                mj += r[s * n + ij[1]] / t;
            }
            double sum = 0;
            for (int s = 0; s < t; s++) {
                sum += (r[s * n + ij[0]] - mi) * (r[s * n + ij[1]] - mj);
            }
            double ref = sum / (t - 1);
            double got = c.values()[ij[0] * n + ij[1]];
            double scale = Math.sqrt(c.values()[ij[0] * n + ij[0]] * c.values()[ij[1] * n + ij[1]]);
            worst = Math.max(worst, Math.abs(got - ref) / scale);
        }
        if (!(worst <= 1e-10)) {
            throw new io.equirisk.error.BackendException("the benchmark covariance is off by " + worst
                    + " (relative to √(Σ_ii Σ_jj)) from a two-pass sum");
        }
        return String.format(Locale.ROOT, "5 entries within %.1e of a two-pass sum", worst);
    }

    private static String batchCheck(BatchSolution s) {
        if (s.unconvergedCount() > 0) {
            throw new ConvergenceException(s.unconvergedCount() + " of " + s.batch() + " benchmark solves did not "
                    + "converge (max residual " + s.maxResidual() + ")", s);
        }
        int maxIter = Arrays.stream(s.iterations()).max().orElse(0);
        return String.format(Locale.ROOT, "converged: residual ≤ %.1e, ≤ %d iterations (%s)", s.maxResidual(),
                maxIter, s.solvers()[0]);
    }

    private Timing time(String workload, String size, Progress progress, Supplier<Void> task,
                        java.util.function.DoubleFunction<String> rate, Supplier<String> check) {
        int warm = warmup != null ? warmup : quick ? 1 : 3;
        int reps = repetitions != null ? repetitions : quick ? 5 : 10;
        long budgetNanos = (quick ? 2L : 5L) * 1_000_000_000L;
        // Warm up for at least `warm` runs and, unless the count was given, about a second (JIT compilation).
        long warmNanos = warmup != null ? 0L : (quick ? 300L : 1000L) * 1_000_000L;
        long warmStart = System.nanoTime();
        for (int i = 0; i < warm || System.nanoTime() - warmStart < warmNanos; i++) {
            progress.update(workload + " " + size + ": warm-up " + (i + 1));
            task.get();
        }
        double[] ms = new double[reps];
        int done = 0;
        long start = System.nanoTime();
        while (done < reps) {
            progress.update(workload + " " + size + ": repetition " + (done + 1) + "/" + reps);
            long t0 = System.nanoTime();
            task.get();
            ms[done++] = (System.nanoTime() - t0) / 1e6;
            if (done >= Math.min(3, reps) && System.nanoTime() - start > budgetNanos) {
                break;
            }
        }
        double[] sorted = Arrays.copyOf(ms, done);
        Arrays.sort(sorted);
        double median = done % 2 == 1 ? sorted[done / 2] : (sorted[done / 2 - 1] + sorted[done / 2]) / 2;
        return new Timing(workload, size, done, median, sorted[0], rate.apply(median), check.get());
    }

    private static String millis(double ms) {
        return ms >= 100 ? String.format(Locale.ROOT, "%.0f ms", ms)
                : ms >= 1 ? String.format(Locale.ROOT, "%.2f ms", ms) : String.format(Locale.ROOT, "%.1f µs",
                ms * 1e3);
    }
}

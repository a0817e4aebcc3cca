package io.equirisk;

import io.equirisk.backend.BatchSolution;
import io.equirisk.backend.Backends;
import io.equirisk.backend.ComputeBackend;
import io.equirisk.backend.CovarianceKind;
import io.equirisk.backend.CpuBackend;
import io.equirisk.backend.ReturnWindows;
import io.equirisk.covariance.CovarianceBatch;
import io.equirisk.covariance.CovarianceEstimator;
import io.equirisk.covariance.CovarianceMatrix;
import io.equirisk.data.MissingValuePolicy;
import io.equirisk.data.Returns;
import io.equirisk.error.ConvergenceException;
import io.equirisk.error.DimensionMismatchException;
import io.equirisk.scenario.ScenarioSet;
import io.equirisk.solver.RiskBudgetingResult;
import io.equirisk.solver.RiskBudgets;
import io.equirisk.solver.SolverOptions;

/**
 * The front door: one object that holds the chosen compute backend and runs the whole flow — returns → covariance →
 * risk-budgeting weights — for one portfolio or a batch of them.
 *
 * <pre>{@code
 * try (Equirisk er = Equirisk.create()) {              // CUDA if a GPU is present, else the CPU engine
 *     System.out.println(er.selectionReason());
 *     CovarianceMatrix cov = er.covariance(returns, CovarianceEstimators.parse("ledoit-wolf"));
 *     RiskBudgetingResult erc = er.solve(cov, RiskBudgets.equal(cov.size()));
 * }
 * }</pre>
 *
 * <p>Single solves check that Σ is positive definite (a Cholesky factorisation) and throw
 * {@link ConvergenceException} rather than return an unconverged answer. Batch solves return every problem's
 * convergence flag and residual; {@link BatchSolution#unconvergedCount()} says whether any failed. Thread-safe.
 */
public final class Equirisk implements AutoCloseable {
    private final Backends.Selection selection;
    /** Chosen by "auto": then single problems below {@link Backends#GPU_ONE_PROBLEM_MIN_ASSETS} go to the CPU engine. */
    private final boolean automatic;
    private volatile boolean closed;

    private Equirisk(Backends.Selection selection, boolean automatic) {
        this.selection = selection;
        this.automatic = automatic;
    }

    /**
     * Chooses the backend automatically (CUDA when a usable GPU is present, otherwise the CPU engine).
     *
     * @return a facade holding the opened backend; close it when done
     */
    public static Equirisk create() {
        return withBackend("auto");
    }

    /**
     * Chooses the backend by name: "auto", "cpu", "cuda", "emulation".
     *
     * @param choice the name, in any case; null means "auto"
     * @return a facade holding the opened backend; close it when done
     * @throws io.equirisk.error.BackendException      when the named backend cannot run here
     * @throws io.equirisk.error.InvalidInputException when no backend has that name
     */
    public static Equirisk withBackend(String choice) {
        boolean automatic = choice == null || choice.trim().equalsIgnoreCase("auto");
        return new Equirisk(Backends.select(choice), automatic);
    }

    /** A facade over a selection made elsewhere (tests: a stand-in GPU backend chosen "automatically"). */
    static Equirisk of(Backends.Selection selection, boolean automatic) {
        return new Equirisk(selection, automatic);
    }

    /**
     * The backend in use.
     *
     * @return the backend, owned by this object: {@link #close()} closes it
     */
    public ComputeBackend backend() {
        return selection.backend();
    }

    /**
     * Why that backend was chosen (for logs and users).
     *
     * @return one line, e.g. "auto: cpu (cuda unavailable: …)"
     */
    public String selectionReason() {
        return selection.reason();
    }

    /**
     * Σ estimated from returns; missing values dropped row-wise (see {@link MissingValuePolicy}). The estimator runs
     * in Java, whatever the backend.
     *
     * @param returns   per-period returns, NaN where missing
     * @param estimator e.g. from {@link io.equirisk.covariance.CovarianceEstimators#parse}
     * @return Σ of the per-period returns (not annualised), under the returns' asset names
     * @throws io.equirisk.error.InvalidInputException when an argument is null, or (a subclass) as
     *                                                 {@link CovarianceEstimator#estimate} throws
     */
    public CovarianceMatrix covariance(Returns returns, CovarianceEstimator estimator) {
        requireNonNull(returns, "returns");
        requireNonNull(estimator, "estimator");
        return estimator.estimate(returns, MissingValuePolicy.DROP_INCOMPLETE_ROWS);
    }

    /**
     * One covariance matrix per rolling window of complete returns (rebalance dates), on the backend.
     *
     * @param returns per-period returns, complete (no NaN)
     * @param window  rows per window
     * @param step    rows between window starts
     * @param kind    SAMPLE or EWMA
     * @param lambda  the EWMA decay, in (0, 1); ignored for SAMPLE
     * @return matrix k for the window starting at row k·step, under the returns' asset names; the newest
     *         (T − window) mod step rows fall in no window ({@link ReturnWindows#rolling})
     * @throws io.equirisk.error.ZeroVarianceException when an asset's returns are constant (sample) or all zero
     *                                                 (EWMA) in some window: the first such asset by column, at its
     *                                                 first such window, with the window's rows and dates
     * @throws io.equirisk.error.InsufficientDataException when a window has no more rows than assets: its
     *                                                     covariance would be singular; or when the window is
     *                                                     shorter than 2 rows or longer than the returns
     * @throws io.equirisk.error.NonFiniteValueException   naming the first missing return
     * @throws io.equirisk.error.InvalidInputException     when an argument is null, step is below 1, or λ is
     *                                                     outside (0, 1) for EWMA
     */
    public CovarianceBatch rollingCovariance(Returns returns, int window, int step, CovarianceKind kind,
                                             double lambda) {
        requireNonNull(returns, "returns");
        requireNonNull(kind, "kind");
        returns.requireComplete();
        ReturnWindows w = ReturnWindows.rolling(returns.values(), returns.observations(), returns.assetCount(),
                window, step).withNames(returns.assets());
        requireMoreRowsThanAssets(w, null);
        FlatWindows.reject(returns, w, kind);
        return backend().covariance(w, kind, lambda).withAssets(returns.assets());
    }

    /**
     * Risk-budgeting weights for every rolling window of complete returns (rebalance dates): window k's covariance
     * solved as problem k. On the CUDA backend the covariances stay on the device, so only the returns go in and
     * the weights come out. The CPU engine makes and solves the windows in runs, each window's covariance updated from
     * the one before and its solve started from the one before's weights: the same answers as
     * {@link #rollingCovariance} followed by {@link #solveBatch}, within the solver's tolerance, in less time.
     *
     * @param returns per-period returns, complete (no NaN)
     * @param window  rows per window
     * @param step    rows between window starts
     * @param kind    SAMPLE or EWMA
     * @param lambda  the EWMA decay, in (0, 1); ignored for SAMPLE
     * @param budgets N values shared by every window, or one set of N per window
     * @param options tolerance, iteration cap and method, for every window
     * @return window k's result as problem k, the windows as {@link #rollingCovariance} lays them; an unconverged
     *         window is flagged there, not thrown
     * @throws io.equirisk.error.ZeroVarianceException as {@link #rollingCovariance} does
     * @throws io.equirisk.error.InsufficientDataException when a window has no more rows than assets with a
     *                                                     positive budget (the assets its solve weighs): their
     *                                                     covariance would be singular; or when the window is
     *                                                     shorter than 2 rows or longer than the returns
     * @throws io.equirisk.error.InvalidBudgetException    when the budgets, or one window's set, are invalid
     * @throws DimensionMismatchException                  when the budgets have neither N nor windows·N values
     * @throws io.equirisk.error.InvalidInputException     as {@link #rollingCovariance} throws
     */
    public BatchSolution rollingRiskBudgeting(Returns returns, int window, int step, CovarianceKind kind,
                                              double lambda, double[] budgets, SolverOptions options) {
        requireNonNull(returns, "returns");
        requireNonNull(kind, "kind");
        requireNonNull(options, "options");
        returns.requireComplete();
        ReturnWindows w = ReturnWindows.rolling(returns.values(), returns.observations(), returns.assetCount(),
                window, step).withNames(returns.assets());
        validateBudgets(returns.assetCount(), w.count(), budgets);
        requireMoreRowsThanAssets(w, budgets);
        FlatWindows.reject(returns, w, kind);
        return backend().covarianceAndSolve(w, kind, lambda, budgets, options);
    }

    /**
     * A covariance of W rows has rank at most W (W − 1 demeaned), so its solve needs more rows than the assets it
     * weighs: all of them without budgets, else window k's assets with a positive budget (a zero budget's asset gets
     * weight 0 and leaves the solve). The rule {@link #scenarioRiskBudgeting} and the command line keep.
     */
    private static void requireMoreRowsThanAssets(ReturnWindows w, double[] budgets) {
        int n = w.assets();
        for (int k = 0; k < (budgets == null || budgets.length == n ? 1 : w.count()); k++) {
            int weighed = 0;
            for (int i = 0; i < n; i++) {
                weighed += budgets == null || budgets[(budgets.length == n ? 0 : k * n) + i] > 0 ? 1 : 0;
            }
            if (w.window() <= weighed) {
                throw new io.equirisk.error.InsufficientDataException("a window of " + w.window() + " rows over "
                        + weighed + " assets" + (budgets == null || budgets.length == n ? "" : " with a positive budget "
                        + "(window " + (k + 1) + " of " + w.count() + ")") + " has a singular covariance; use windows "
                        + "of more rows than assets, or estimate each window with a shrinkage estimator");
            }
        }
    }

    /**
     * The returns of a Monte Carlo scenario set, drawn on the backend: count × rows × N values, scenario first + k's
     * row t, asset i at {@code (k·rows + t)·N + i}. Every engine draws the same numbers, to the bit, from the same
     * seed.
     *
     * @param set the scenarios to draw
     * @return a new array of count × rows × N per-period returns
     * @throws DimensionMismatchException              when that is more than one Java array holds
     * @throws io.equirisk.error.InvalidInputException when {@code set} is null
     */
    public double[] scenarioReturns(ScenarioSet set) {
        requireNonNull(set, "scenario set");
        return backend().scenarioReturns(set);
    }

    /**
     * Risk-budgeting weights for every scenario of a Monte Carlo set: scenario first + k's covariance (of its rows)
     * solved as problem k. How far these weights spread around those of the model's own Σ is what estimation noise
     * over {@code rows} periods does to a risk-parity portfolio; with fat tails (Student-t), also what a crisis
     * regime does. No engine holds all the scenarios' returns: the CPU engine draws each on the thread that solves
     * it, the CUDA backend on the device.
     *
     * @param set     the scenarios, scenario first + k solved as problem k
     * @param kind    SAMPLE or EWMA, the covariance of each scenario's rows
     * @param lambda  the EWMA decay, in (0, 1); ignored for SAMPLE
     * @param budgets N values shared by every scenario, or one set of N per scenario
     * @param options tolerance, iteration cap and method, for every scenario
     * @return scenario first + k's result as problem k; an unconverged scenario is flagged there, not thrown
     * @throws io.equirisk.error.InsufficientDataException when a scenario has no more rows than assets, or a
     *                                                     bootstrap's history no more rows than the assets with a
     *                                                     positive budget
     * @throws io.equirisk.error.ZeroVarianceException     when a bootstrap's history gives a weighed asset the
     *                                                     same return (SAMPLE) or 0 (EWMA) on every row, or
     *                                                     one scenario resamples only such rows of that asset
     * @throws io.equirisk.error.InvalidBudgetException    when the budgets, or one scenario's set, are invalid
     * @throws DimensionMismatchException                  when the budgets have neither N nor count·N values
     * @throws io.equirisk.error.InvalidInputException     when an argument is null, or λ is outside (0, 1) for EWMA
     */
    public BatchSolution scenarioRiskBudgeting(ScenarioSet set, CovarianceKind kind, double lambda, double[] budgets,
                                               SolverOptions options) {
        requireNonNull(options, "options");
        checkScenarios(set, kind, budgets);
        return backend().scenarioRiskBudgeting(set, kind, lambda, budgets, options);
    }

    /**
     * Bytes of covariances a part of host-estimated scenarios holds at once (N = 2000: 8 matrices, 256 MiB), or
     * one matrix per core where that is more.
     */
    public static final long HOST_SCENARIO_BYTES = 256L << 20;

    /**
     * As {@link #scenarioRiskBudgeting(ScenarioSet, CovarianceKind, double, double[], SolverOptions)}, each scenario's
     * covariance made by {@code estimator}: sample and EWMA go to the backend as there (on a GPU drawn, estimated and
     * solved on the device); the shrinkage estimators (Ledoit-Wolf, OAS) are estimated on the host, scenario by
     * scenario on all cores, and the covariances solved on the backend in parts of at most
     * {@link #HOST_SCENARIO_BYTES}. Shrinkage is what a horizon shorter than the number of assets needs: a year of
     * daily returns against a thousand assets, where the sample estimate is singular.
     *
     * @param set       the scenarios, scenario first + k solved as problem k
     * @param estimator each scenario's covariance estimator ({@link io.equirisk.covariance.CovarianceEstimators})
     * @param budgets   N values shared by every scenario, or one set of N per scenario
     * @param options   tolerance, iteration cap and method, for every scenario
     * @return scenario first + k's result as problem k; an unconverged scenario is flagged there, not thrown
     * @throws io.equirisk.error.InsufficientDataException as the sample and EWMA path throws; for shrinkage, when a
     *                                                     scenario has fewer than 2 rows (3 for Ledoit-Wolf, whose
     *                                                     intensity is 0 from 2)
     * @throws io.equirisk.error.ZeroVarianceException     when a bootstrap's history gives a weighed asset the
     *                                                     same return on every row, or one scenario only such rows
     * @throws io.equirisk.error.InvalidInputException     as the sample and EWMA path throws
     */
    public BatchSolution scenarioRiskBudgeting(ScenarioSet set, CovarianceEstimator estimator, double[] budgets,
                                               SolverOptions options) {
        requireNonNull(estimator, "estimator");
        double lambda = io.equirisk.covariance.CovarianceEstimators.ewmaLambda(estimator);
        if (estimator.name().equals("sample")) {
            return scenarioRiskBudgeting(set, CovarianceKind.SAMPLE, 0.0, budgets, options);
        }
        if (!Double.isNaN(lambda)) {
            return scenarioRiskBudgeting(set, CovarianceKind.EWMA, lambda, budgets, options);
        }
        requireNonNull(options, "options");
        checkScenarios(set, estimator, budgets);
        int n = set.assets();
        int count = set.count();
        int threads = Runtime.getRuntime().availableProcessors();
        int per = (int) Math.max(1, Math.min(count, Math.max(threads, HOST_SCENARIO_BYTES / (8L * n * n))));
        BatchSolution out = BatchSolution.allocate(count, n);
        ThreadLocal<double[][]> buffers = ThreadLocal.withInitial(() -> new double[][] {
                new double[io.equirisk.data.ArraySize.of("a scenario of " + set.rows() + " rows × " + n + " assets",
                        1, set.rows(), n)], new double[set.scratchLength()]});
        for (int k0 = 0; k0 < count; k0 += per) {
            int k1 = Math.min(count, k0 + per);
            CovarianceMatrix[] estimated = new CovarianceMatrix[k1 - k0];
            RuntimeException[] failed = new RuntimeException[k1 - k0];
            int from = k0;
            java.util.stream.IntStream.range(k0, k1).parallel().forEach(k -> {
                double[][] b = buffers.get();
                set.returns(k, b[0], 0, b[1]);
                try {
                    /* wrapped, not copied: the estimate is made before this thread draws its next scenario */
                    estimated[k - from] = estimator.estimate(Returns.of(set.rows(), n, b[0],
                            set.source().assets(), null), MissingValuePolicy.DROP_INCOMPLETE_ROWS);
                } catch (io.equirisk.error.InvalidInputException e) {
                    failed[k - from] = e instanceof io.equirisk.error.ZeroVarianceException
                            ? new io.equirisk.error.ZeroVarianceException(set.describe(k) + ": " + e.getMessage())
                            : new io.equirisk.error.InvalidInputException(set.describe(k) + ": " + e.getMessage());
                }
            });
            for (RuntimeException e : failed) {
                if (e != null) {
                    throw e; /* the earliest scenario's, as one after another would report it */
                }
            }
            double[] b = budgets.length == n ? budgets : java.util.Arrays.copyOfRange(budgets, k0 * n, k1 * n);
            BatchSolution part = backend().solve(CovarianceBatch.of(java.util.List.of(estimated)), b, options);
            for (int k = k0; k < k1; k++) {
                out.put(k, part.result(k - k0));
            }
        }
        return out;
    }

    /**
     * The checks {@link #scenarioRiskBudgeting} makes of a set before any engine sees it, on their own: for a caller
     * that solves a large set slice by slice (to report progress) and wants a bad scenario anywhere in it named before
     * the first slice is solved.
     *
     * @param set     the scenarios
     * @param kind    SAMPLE or EWMA
     * @param budgets N values shared by every scenario, or one set of N per scenario
     * @throws io.equirisk.error.InvalidInputException as {@link #scenarioRiskBudgeting} throws them
     */
    public void checkScenarios(ScenarioSet set, CovarianceKind kind, double[] budgets) {
        requireNonNull(set, "scenario set");
        requireNonNull(kind, "kind");
        if (set.rows() <= set.assets()) { /* the command line's rule: NaN weights came back from 2 rows of 4 assets */
            throw new io.equirisk.error.InsufficientDataException("a scenario of " + set.rows() + " rows over "
                    + set.assets() + " assets has a singular covariance; draw more rows than assets");
        }
        validateBudgets(set.assets(), set.count(), budgets);
        if (set.source() instanceof io.equirisk.scenario.HistoricalBootstrap history) {
            requireResampleable(history, kind, budgets);
            FlatScenarios.reject(set, history, kind, budgets);
            ResampledRank.reject(set, history, kind, budgets);
        }
    }

    /**
     * The checks {@link #scenarioRiskBudgeting(ScenarioSet, CovarianceEstimator, double[], SolverOptions)} makes of a
     * set before any engine sees it, on their own (as {@link #checkScenarios(ScenarioSet, CovarianceKind, double[])}
     * for sample and EWMA; for shrinkage at least 2 rows, the budgets, and a bootstrap's flat assets).
     *
     * @param set       the scenarios
     * @param estimator each scenario's covariance estimator
     * @param budgets   N values shared by every scenario, or one set of N per scenario
     * @throws io.equirisk.error.InvalidInputException as that method throws them
     */
    public void checkScenarios(ScenarioSet set, CovarianceEstimator estimator, double[] budgets) {
        requireNonNull(set, "scenario set");
        requireNonNull(estimator, "estimator");
        double lambda = io.equirisk.covariance.CovarianceEstimators.ewmaLambda(estimator);
        if (estimator.name().equals("sample") || !Double.isNaN(lambda)) {
            checkScenarios(set, Double.isNaN(lambda) ? CovarianceKind.SAMPLE : CovarianceKind.EWMA, budgets);
            return;
        }
        if (set.rows() < 2) {
            throw new io.equirisk.error.InsufficientDataException("a scenario of " + set.rows() + " row has no "
                    + "covariance; draw at least 2 rows");
        }
        if (set.rows() == 2 && estimator.name().startsWith("ledoit-wolf")) { /* ±v demeaned: b̄² = 0, so δ = 0 */
            throw new io.equirisk.error.InsufficientDataException("a scenario of 2 rows gives " + estimator.name()
                    + " an intensity of 0 (the two returns are each other's negative once demeaned), so the singular "
                    + "sample estimate; draw at least 3 rows, or use oas");
        }
        validateBudgets(set.assets(), set.count(), budgets);
        if (set.source() instanceof io.equirisk.scenario.HistoricalBootstrap history) {
            FlatScenarios.reject(set, history, CovarianceKind.SAMPLE, budgets); /* shrinkage is demeaned as sample */
        }
    }

    /**
     * A bootstrap's scenarios are rows of its history, so the history decides what no scenario can escape: with too
     * few rows for the assets one scenario weighs (positive budgets) every scenario's covariance is singular, and
     * an asset whose every historical return is the same (sample) or 0 (EWMA) has variance 0 in every scenario. The
     * computed variance of such a column can round to a tiny positive number (the mean of 0.0001 taken 252 times is
     * not exactly 0.0001), which a solve would take for a riskless asset and load with all the weight, so the test
     * is on the returns themselves, exactly, as {@link FlatWindows} does for rolling windows.
     */
    private static void requireResampleable(io.equirisk.scenario.HistoricalBootstrap history, CovarianceKind kind,
                                            double[] budgets) {
        int n = history.size();
        int t = history.historyRows();
        boolean[] weighed = new boolean[n]; /* in some scenario */
        int count = 0; /* the most weighed in one scenario */
        for (int k = 0; k < budgets.length / n; k++) {
            int here = 0;
            for (int i = 0; i < n; i++) {
                if (budgets[k * n + i] > 0) {
                    weighed[i] = true;
                    here++;
                }
            }
            count = Math.max(count, here);
        }
        /* rank: at most t − 1 demeaned (sample), t (EWMA, zero-mean) */
        if (kind == CovarianceKind.SAMPLE ? t <= count : t < count) {
            throw new io.equirisk.error.InsufficientDataException("a bootstrap of " + t + " historical rows over "
                    + count + " assets with a positive budget gives every scenario a singular covariance (its rows "
                    + "are among those " + t + "); give a history of more rows than assets");
        }
        double[] h = history.history();
        for (int j = 0; j < n; j++) {
            boolean flat = weighed[j];
            for (int r = 0; r < t && flat; r++) {
                flat = kind == CovarianceKind.SAMPLE ? h[r * n + j] == h[j] : h[r * n + j] == 0.0;
            }
            if (flat) {
                throw new io.equirisk.error.ZeroVarianceException("bootstrap history: asset "
                        + history.assets().get(j) + " (#" + (j + 1) + ") has " + (kind == CovarianceKind.SAMPLE
                        ? "the same return (" + h[j] + ") on every one of its " + t + " rows" : "a return of 0 on "
                        + "every one of its " + t + " rows (EWMA is zero-mean)") + ", so every scenario gives it "
                        + "variance zero; remove the asset, or give it a zero budget");
            }
        }
    }

    /**
     * Risk-budgeting weights with the default options (tolerance 1e-10, AUTO solver).
     *
     * @param covariance Σ of per-period returns
     * @param budgets    one budget per asset of Σ
     * @return the converged result
     * @throws io.equirisk.error.NotPositiveDefiniteException if Σ is not positive definite
     * @throws ConvergenceException                          if the solver does not meet the tolerance
     * @throws DimensionMismatchException                    if budgets and Σ differ in size
     */
    public RiskBudgetingResult solve(CovarianceMatrix covariance, RiskBudgets budgets) {
        return solve(covariance, budgets, SolverOptions.defaults());
    }

    /**
     * Risk-budgeting weights for one covariance matrix. On the backend, unless it was chosen automatically and the
     * problem has fewer than {@link Backends#GPU_ONE_PROBLEM_MIN_ASSETS} assets: then on the CPU engine, on the
     * calling thread, where such a problem solves faster than on a GPU (larger ones take the GPU's whole-device solve).
     *
     * @param covariance Σ of per-period returns
     * @param budgets    one budget per asset of Σ; an asset with budget 0 gets weight exactly 0
     * @param options    tolerance, iteration cap and method
     * @return the converged result: weights ≥ 0 summing to one, risk contributions within the tolerance of the
     *         budgets
     * @throws io.equirisk.error.NotPositiveDefiniteException if Σ is not positive definite
     * @throws ConvergenceException                          if the solver does not meet the tolerance
     * @throws DimensionMismatchException                    if budgets and Σ differ in size
     * @throws io.equirisk.error.InvalidInputException       if an argument is null
     */
    public RiskBudgetingResult solve(CovarianceMatrix covariance, RiskBudgets budgets, SolverOptions options) {
        requireNonNull(covariance, "covariance");
        requireNonNull(budgets, "budgets");
        requireNonNull(options, "options");
        if (budgets.size() != covariance.size()) {
            throw new DimensionMismatchException("budgets have " + budgets.size() + " entries, covariance has "
                    + covariance.size() + " assets");
        }
        covariance.requirePositiveDefinite();
        CovarianceBatch one = CovarianceBatch.of(java.util.List.of(covariance));
        if (automatic && !(backend() instanceof CpuBackend) && !Backends.oneProblemOnTheGpu(covariance.size())) {
            if (closed) { /* the GPU backend would say so; this problem does not reach it */
                throw new io.equirisk.error.BackendException("this Equirisk is closed (" + backend().name() + ")");
            }
            // the same answer as an Equirisk on the CPU engine; one problem runs on this thread, its kernels (the
            // Newton step's Cholesky) on every processor as they would there (the pool's workers start only if used)
            try (CpuBackend cpu = new CpuBackend()) {
                return requireConverged(cpu.solve(one, budgets.toArray(), options).result(0), covariance);
            }
        }
        return requireConverged(backend().solve(one, budgets.toArray(), options).result(0), covariance);
    }

    /**
     * The result, or the {@link ConvergenceException} that says why not: where the residual is within 10× of what
     * rounding the weights to double alone can move the risk contributions by ({@link
     * io.equirisk.solver.RiskContributions#roundingLimit}), no solver can do better on this Σ, and the message names
     * a tolerance that can be met instead of leaving the caller to guess at iterations.
     */
    private static RiskBudgetingResult requireConverged(RiskBudgetingResult r, CovarianceMatrix covariance) {
        io.equirisk.solver.RiskContributions.PrecisionLimit at =
                io.equirisk.solver.RiskContributions.precisionLimit(covariance, r);
        if (at == null) {
            return r.requireConverged();
        }
        throw new ConvergenceException(String.format(java.util.Locale.ROOT, "risk-budgeting solve (%s) did not "
                + "converge: residual %.3g after %d iterations, as close as double precision allows on this "
                + "covariance (rounding each weight alone moves the risk contributions by up to %.1e); %s", r.solver(),
                r.residual(), r.iterations(), at.limit(), at.certifiable()
                        ? String.format(java.util.Locale.ROOT, "a tolerance of %.0e or more can be met", at.reachable())
                        : "it is too ill-conditioned for risk parity to be certified"), r);
    }

    /**
     * Solves every problem of a batch on the backend. Budgets: N values shared by all problems, or batch·N.
     * Positive definiteness is the caller's to ensure (checking costs N³/3 per matrix).
     *
     * @param batch   the covariance matrices
     * @param budgets N values shared by all problems, or batch·N (problem k's at [k·N, (k+1)·N))
     * @param options tolerance, iteration cap and method, for every problem
     * @return problem k's result as problem k; an unconverged problem is flagged there, not thrown
     *         ({@link BatchSolution#unconvergedCount()})
     * @throws io.equirisk.error.InvalidBudgetException when the budgets, or one problem's set, are invalid
     * @throws DimensionMismatchException              when the budgets have neither N nor batch·N values
     * @throws io.equirisk.error.InvalidInputException  when the batch or the options are null
     */
    public BatchSolution solveBatch(CovarianceBatch batch, double[] budgets, SolverOptions options) {
        requireNonNull(batch, "batch");
        requireNonNull(options, "options");
        validateBudgets(batch, budgets);
        return backend().solve(batch, budgets, options);
    }

    /**
     * Runs the batch on this backend and on the pure-Java engine and compares them.
     *
     * @param batch   the covariance matrices
     * @param budgets N values shared by all problems, or batch·N
     * @param options tolerance, iteration cap and method, for every problem
     * @return the backend's solution, the CPU engine's (the same object when the backend is the CPU engine), and the
     *         largest absolute weight difference
     * @throws io.equirisk.error.InvalidInputException as {@link #solveBatch} throws
     */
    public Verification verify(CovarianceBatch batch, double[] budgets, SolverOptions options) {
        requireNonNull(batch, "batch");
        requireNonNull(options, "options");
        validateBudgets(batch, budgets);
        BatchSolution mine = backend().solve(batch, budgets, options);
        BatchSolution reference;
        if (backend() instanceof CpuBackend) {
            reference = mine;
        } else {
            try (CpuBackend cpu = new CpuBackend()) {
                reference = cpu.solve(batch, budgets, options);
            }
        }
        return new Verification(mine, reference, mine.maxWeightDifference(reference));
    }

    /**
     * Result of {@link #verify}: the backend's answer, the CPU engine's, and their largest weight difference.
     *
     * @param backend             the backend's solution
     * @param cpu                 the pure-Java engine's solution of the same batch
     * @param maxWeightDifference max |w − w'| over every weight ({@link BatchSolution#maxWeightDifference})
     */
    public record Verification(BatchSolution backend, BatchSolution cpu, double maxWeightDifference) {
    }

    private static void validateBudgets(CovarianceBatch batch, double[] budgets) {
        validateBudgets(batch.size(), batch.batchSize(), budgets);
    }

    /** N shared budgets, or one valid set of N per problem. */
    private static void validateBudgets(int n, int problems, double[] budgets) {
        if (budgets == null) {
            throw new io.equirisk.error.InvalidBudgetException("risk budgets are null");
        }
        if (budgets.length == n) {
            RiskBudgets.of(budgets);
            return;
        }
        if (budgets.length != (long) problems * n) {
            throw new DimensionMismatchException("budgets must have N = " + n + " values (shared) or batch·N = "
                    + ((long) problems * n) + ", got " + budgets.length);
        }
        double[] one = new double[n];
        for (int k = 0; k < problems; k++) {
            System.arraycopy(budgets, k * n, one, 0, n);
            try {
                RiskBudgets.of(one);
            } catch (io.equirisk.error.InvalidBudgetException e) {
                throw new io.equirisk.error.InvalidBudgetException("problem " + k + " of the batch: "
                        + e.getMessage());
            }
        }
    }

    private static void requireNonNull(Object value, String name) {
        io.equirisk.error.InvalidInputException.requireNonNull(value, name);
    }

    /** Closes the backend ({@link ComputeBackend#close()}). */
    @Override
    public void close() {
        closed = true;
        selection.close();
    }
}

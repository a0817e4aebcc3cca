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

    private Equirisk(Backends.Selection selection, boolean automatic) {
        this.selection = selection;
        this.automatic = automatic;
    }

    /** Chooses the backend automatically (CUDA when a usable GPU is present, otherwise the CPU engine). */
    public static Equirisk create() {
        return withBackend("auto");
    }

    /** Chooses the backend by name: "auto", "cpu", "cuda", "emulation". */
    public static Equirisk withBackend(String choice) {
        boolean automatic = choice == null || choice.trim().equalsIgnoreCase("auto");
        return new Equirisk(Backends.select(choice), automatic);
    }

    /** The backend in use. */
    public ComputeBackend backend() {
        return selection.backend();
    }

    /** Why that backend was chosen (for logs and users). */
    public String selectionReason() {
        return selection.reason();
    }

    /** Σ estimated from returns; missing values dropped row-wise (see {@link MissingValuePolicy}). */
    public CovarianceMatrix covariance(Returns returns, CovarianceEstimator estimator) {
        requireNonNull(returns, "returns");
        requireNonNull(estimator, "estimator");
        return estimator.estimate(returns, MissingValuePolicy.DROP_INCOMPLETE_ROWS);
    }

    /**
     * One covariance matrix per rolling window of complete returns (rebalance dates), on the backend.
     *
     * @param window rows per window
     * @param step   rows between window starts
     * @throws io.equirisk.error.ZeroVarianceException when an asset's returns are constant (sample) or all zero
     *                                                 (EWMA) in some window: the first such asset by column, at its
     *                                                 first such window, with the window's rows and dates
     */
    public CovarianceBatch rollingCovariance(Returns returns, int window, int step, CovarianceKind kind,
                                             double lambda) {
        requireNonNull(returns, "returns");
        requireNonNull(kind, "kind");
        returns.requireComplete();
        ReturnWindows w = ReturnWindows.rolling(returns.values(), returns.observations(), returns.assetCount(),
                window, step).withNames(returns.assets());
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
     * @param window  rows per window
     * @param step    rows between window starts
     * @param budgets N values shared by every window, or one set of N per window
     * @throws io.equirisk.error.ZeroVarianceException as {@link #rollingCovariance} does
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
        FlatWindows.reject(returns, w, kind);
        return backend().covarianceAndSolve(w, kind, lambda, budgets, options);
    }

    /**
     * The returns of a Monte Carlo scenario set, drawn on the backend: count × rows × N values, scenario first + k's
     * row t, asset i at {@code (k·rows + t)·N + i}. Every engine draws the same numbers, to the bit, from the same
     * seed.
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
     * @param budgets N values shared by every scenario, or one set of N per scenario
     */
    public BatchSolution scenarioRiskBudgeting(ScenarioSet set, CovarianceKind kind, double lambda, double[] budgets,
                                               SolverOptions options) {
        requireNonNull(set, "scenario set");
        requireNonNull(kind, "kind");
        requireNonNull(options, "options");
        if (set.rows() <= set.assets()) { /* the command line's rule: NaN weights came back from 2 rows of 4 assets */
            throw new io.equirisk.error.InsufficientDataException("a scenario of " + set.rows() + " rows over "
                    + set.assets() + " assets has a singular covariance; draw more rows than assets");
        }
        validateBudgets(set.assets(), set.count(), budgets);
        return backend().scenarioRiskBudgeting(set, kind, lambda, budgets, options);
    }

    /** Risk-budgeting weights with the default options (tolerance 1e-10, AUTO solver). */
    public RiskBudgetingResult solve(CovarianceMatrix covariance, RiskBudgets budgets) {
        return solve(covariance, budgets, SolverOptions.defaults());
    }

    /**
     * Risk-budgeting weights for one covariance matrix. On the backend, unless it was chosen automatically and the
     * problem has fewer than {@link Backends#GPU_ONE_PROBLEM_MIN_ASSETS} assets: then on the CPU engine, one thread,
     * where such a problem solves faster than on a GPU (larger ones take the GPU's whole-device solve).
     *
     * @throws io.equirisk.error.NotPositiveDefiniteException if Σ is not positive definite
     * @throws ConvergenceException                          if the solver does not meet the tolerance
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
            try (CpuBackend cpu = new CpuBackend(1)) { // the same answer as an Equirisk on the CPU engine
                return cpu.solve(one, budgets.toArray(), options).result(0).requireConverged();
            }
        }
        return backend().solve(one, budgets.toArray(), options).result(0).requireConverged();
    }

    /**
     * Solves every problem of a batch on the backend. Budgets: N values shared by all problems, or batch·N.
     * Positive definiteness is the caller's to ensure (checking costs N³/3 per matrix).
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
     * @return the backend's solution and the largest absolute weight difference
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

    /** Result of {@link #verify}: the backend's answer, the CPU engine's, and their largest weight difference. */
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

    @Override
    public void close() {
        selection.close();
    }
}

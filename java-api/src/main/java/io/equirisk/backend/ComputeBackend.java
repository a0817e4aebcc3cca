package io.equirisk.backend;

import io.equirisk.covariance.CovarianceBatch;
import io.equirisk.scenario.ScenarioSet;
import io.equirisk.solver.SolverOptions;

/**
 * The service provider interface of the heavy steps: batched covariance and batched risk-budgeting solves. The
 * pure-Java {@link CpuBackend} is the reference; the CUDA backend (module equirisk-native) implements the same
 * contract, and {@code verify} compares the two.
 *
 * <p>Contract: inputs are validated by the caller-facing types ({@link ReturnWindows}, {@link CovarianceBatch});
 * results of problem k do not depend on the other problems in the batch; a backend is safe to call from several
 * threads at once.
 */
public interface ComputeBackend extends AutoCloseable {

    /**
     * Short name: "cpu", "cuda", "emulation".
     *
     * @return the name, as reports print it
     */
    String name();

    /**
     * One line for users: what runs where (device name, threads, vector width).
     *
     * @return the line, e.g. "pure-Java engine, 8 threads, kernels panama-vector(256 bit)"
     */
    String description();

    /**
     * One covariance matrix per window, as {@link ReturnWindows#covariance(int, CovarianceKind, double, double[], int)}
     * defines it (within rounding where a backend updates a window from the one before).
     *
     * @param windows the windows over a complete return table
     * @param kind    SAMPLE or EWMA
     * @param lambda  the EWMA decay, in (0, 1); ignored for SAMPLE
     * @return matrix k for window k, under the windows' asset names
     * @throws io.equirisk.error.InvalidInputException when kind is null or λ is outside (0, 1) for EWMA, or (a
     *                                                 subclass) when a window's matrix is not a valid covariance
     */
    CovarianceBatch covariance(ReturnWindows windows, CovarianceKind kind, double lambda);

    /**
     * Solves every problem of the batch.
     *
     * @param batch   the covariance matrices; positive definiteness is the caller's to ensure
     * @param budgets N values shared by all problems, or batch·N values (problem k's at [k·N, (k+1)·N)), each
     *                set already validated as {@link io.equirisk.solver.RiskBudgets}
     * @param options tolerance, iteration cap and method, for every problem
     * @return problem k's result as problem k; an unconverged problem is flagged there, not thrown
     * @throws io.equirisk.error.DimensionMismatchException when the budgets have neither N nor batch·N values
     */
    BatchSolution solve(CovarianceBatch batch, double[] budgets, SolverOptions options);

    /**
     * The covariance of every window solved as one problem (window k is problem k): {@link #covariance} then
     * {@link #solve}, which is what this default does. A backend with a device overrides it to keep the covariances
     * there, so that only the returns go in and the results come out (rolling rebalancing).
     *
     * @param windows the windows over a complete return table
     * @param kind    SAMPLE or EWMA
     * @param lambda  the EWMA decay, in (0, 1); ignored for SAMPLE
     * @param budgets N values shared by all windows, or count·N values
     * @param options tolerance, iteration cap and method, for every problem
     * @return window k's result as problem k, unconverged ones flagged
     * @throws io.equirisk.error.InvalidInputException as {@link #covariance} and {@link #solve} throw
     */
    default BatchSolution covarianceAndSolve(ReturnWindows windows, CovarianceKind kind, double lambda,
                                             double[] budgets, SolverOptions options) {
        return solve(covariance(windows, kind, lambda), budgets, options);
    }

    /**
     * Every scenario's returns, count × rows × N values (the layout of {@link ScenarioSet#returns()}). This default
     * draws them on the calling thread.
     *
     * @param set the scenarios to draw
     * @return a new array of count × rows × N values
     * @throws io.equirisk.error.DimensionMismatchException when that is more than one Java array holds
     */
    default double[] scenarioReturns(ScenarioSet set) {
        return set.returns();
    }

    /**
     * The covariance of every scenario solved as one problem (scenario first + k is problem k): stress tests and
     * resampled risk parity. This default draws all the returns, then calls {@link #covarianceAndSolve}; the CPU
     * engine draws, estimates and solves one scenario at a time per thread, and the CUDA backend draws a model's
     * returns, or gathers a bootstrap's rows, on the device, so that neither holds count × rows × N values.
     *
     * @param set     the scenarios, scenario first + k solved as problem k
     * @param kind    SAMPLE or EWMA, the covariance of each scenario's rows
     * @param lambda  the EWMA decay, in (0, 1); ignored for SAMPLE
     * @param budgets N values shared by all scenarios, or count·N values
     * @param options tolerance, iteration cap and method, for every problem
     * @return scenario first + k's result as problem k, unconverged ones flagged
     * @throws io.equirisk.error.InvalidInputException as {@link #covarianceAndSolve} throws
     */
    default BatchSolution scenarioRiskBudgeting(ScenarioSet set, CovarianceKind kind, double lambda,
                                                double[] budgets, SolverOptions options) {
        return covarianceAndSolve(ReturnWindows.stacked(scenarioReturns(set), set.count(), set.rows(),
                set.assets()), kind, lambda, budgets, options);
    }

    /** Releases native resources; the CPU backend has none. */
    @Override
    void close();
}

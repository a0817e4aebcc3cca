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

    /** Short name: "cpu", "cuda", "emulation". */
    String name();

    /** One line for users: what runs where (device name, threads, vector width). */
    String description();

    /** One covariance matrix per window. */
    CovarianceBatch covariance(ReturnWindows windows, CovarianceKind kind, double lambda);

    /**
     * Solves every problem of the batch.
     *
     * @param budgets N values shared by all problems, or batch·N values (problem k's at [k·N, (k+1)·N)), each
     *                set already validated as {@link io.equirisk.solver.RiskBudgets}
     */
    BatchSolution solve(CovarianceBatch batch, double[] budgets, SolverOptions options);

    /**
     * The covariance of every window solved as one problem (window k is problem k): {@link #covariance} then
     * {@link #solve}, which is what this default does. A backend with a device overrides it to keep the covariances
     * there, so that only the returns go in and the results come out (rolling rebalancing).
     *
     * @param budgets N values shared by all windows, or count·N values
     */
    default BatchSolution covarianceAndSolve(ReturnWindows windows, CovarianceKind kind, double lambda,
                                             double[] budgets, SolverOptions options) {
        return solve(covariance(windows, kind, lambda), budgets, options);
    }

    /**
     * Every scenario's returns, count × rows × N values (the layout of {@link ScenarioSet#returns()}). This default
     * draws them on the calling thread.
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
     * @param budgets N values shared by all scenarios, or count·N values
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

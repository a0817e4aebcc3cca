package io.equirisk.solver;

import io.equirisk.covariance.CovarianceBatch;
import io.equirisk.covariance.CovarianceMatrix;

/**
 * Solves the long-only risk-budgeting problem: weights w ≥ 0, Σw_i = 1, with RC_i = w_i(Σw)_i / wᵀΣw = b_i.
 * Implementations are stateless and thread-safe.
 */
public interface RiskBudgetingSolver {

    /**
     * Solves one problem. Σ is trusted to be positive definite ({@link CovarianceMatrix#requirePositiveDefinite()}
     * checks it) and is read from its upper triangle.
     *
     * @param covariance Σ of per-period returns
     * @param budgets    one budget per asset of Σ; an asset with budget 0 gets weight exactly 0
     * @param options    tolerance, iteration cap and method
     * @return the answer, converged or not: an unconverged solve is flagged, not thrown
     *         ({@link RiskBudgetingResult#requireConverged()} throws)
     * @throws io.equirisk.error.DimensionMismatchException when the budgets and Σ differ in size
     */
    RiskBudgetingResult solve(CovarianceMatrix covariance, RiskBudgets budgets, SolverOptions options);

    /**
     * Solves problem {@code index} of a batch where it lies (no copy: the batch was validated when it was built).
     *
     * @param batch   the batch
     * @param index   the problem, in [0, batch size)
     * @param budgets one budget per asset
     * @param options tolerance, iteration cap and method
     * @return the answer, converged or not, as {@link #solve(CovarianceMatrix, RiskBudgets, SolverOptions)} gives it
     * @throws io.equirisk.error.DimensionMismatchException when index is outside the batch, or the budgets and the
     *                                                      matrices differ in size
     */
    RiskBudgetingResult solve(CovarianceBatch batch, int index, RiskBudgets budgets, SolverOptions options);

    /**
     * Solves starting from a nearby problem's answer: the weights of the previous rebalancing date, or of the same
     * portfolio before a small change of Σ. A converged {@code near} whose weights are positive exactly where a budget
     * here is positive (and zero elsewhere) is used as the start point, scaled to this Σ. Under
     * {@link SolverMethod#AUTO}, with up to 256 active assets, if Newton finished {@code near} (its solver
     * {@code ccd+newton} or {@code newton}), Newton starts at once, so along a chain of nearby problems Newton stays
     * on once CCD has stalled; should it fail here, the cold solve follows. Otherwise (null, unconverged, another active set) this is
     * {@link #solve(CovarianceMatrix, RiskBudgets, SolverOptions)}. The answer meets the same tolerance either way;
     * its last digits depend on the start.
     *
     * @param covariance Σ of per-period returns
     * @param budgets    one budget per asset of Σ
     * @param options    tolerance, iteration cap and method
     * @param near       a nearby problem's result, or null
     * @return the answer, converged or not
     * @throws io.equirisk.error.DimensionMismatchException when the budgets and Σ differ in size
     */
    default RiskBudgetingResult solve(CovarianceMatrix covariance, RiskBudgets budgets, SolverOptions options,
                                      RiskBudgetingResult near) {
        return solve(covariance, budgets, options);
    }

    /**
     * The pure-Java solver (CCD, Newton, or CCD finished by Newton, as the options say).
     *
     * @return the shared, stateless instance
     */
    static RiskBudgetingSolver standard() {
        return RiskBudgetingEngine.INSTANCE;
    }
}

package io.equirisk.solver;

import io.equirisk.covariance.CovarianceBatch;
import io.equirisk.covariance.CovarianceMatrix;

/**
 * Solves the long-only risk-budgeting problem: weights w ≥ 0, Σw_i = 1, with RC_i = w_i(Σw)_i / wᵀΣw = b_i.
 * Implementations are stateless and thread-safe.
 */
public interface RiskBudgetingSolver {

    RiskBudgetingResult solve(CovarianceMatrix covariance, RiskBudgets budgets, SolverOptions options);

    /**
     * Solves problem {@code index} of a batch where it lies (no copy: the batch was validated when it was built).
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
     */
    default RiskBudgetingResult solve(CovarianceMatrix covariance, RiskBudgets budgets, SolverOptions options,
                                      RiskBudgetingResult near) {
        return solve(covariance, budgets, options);
    }

    /** The pure-Java solver (CCD, Newton, or CCD finished by Newton, as the options say). */
    static RiskBudgetingSolver standard() {
        return RiskBudgetingEngine.INSTANCE;
    }
}

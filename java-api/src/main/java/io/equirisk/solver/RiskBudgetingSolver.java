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

    /** The pure-Java solver (CCD, Newton, or CCD finished by Newton, as the options say). */
    static RiskBudgetingSolver standard() {
        return RiskBudgetingEngine.INSTANCE;
    }
}

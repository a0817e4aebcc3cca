package io.equirisk.solver;

import io.equirisk.covariance.CovarianceMatrix;

/** The pure-Java risk-budgeting solver. (Being written: see issue 2.) */
final class RiskBudgetingEngine implements RiskBudgetingSolver {
    static final RiskBudgetingEngine INSTANCE = new RiskBudgetingEngine();

    @Override
    public RiskBudgetingResult solve(CovarianceMatrix covariance, RiskBudgets budgets, SolverOptions options) {
        throw new UnsupportedOperationException("solver not yet merged");
    }
}

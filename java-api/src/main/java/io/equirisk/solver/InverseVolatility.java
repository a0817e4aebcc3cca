package io.equirisk.solver;

import io.equirisk.covariance.CovarianceMatrix;
import io.equirisk.error.DimensionMismatchException;

/**
 * The naive risk-budgeting portfolio: w_i ∝ b_i/σ_i, ignoring correlations (equal budgets: inverse volatility). With
 * equal budgets it is the risk-budgeting solution when all correlations are equal (zero included); with unequal
 * budgets it is not even for a diagonal Σ, whose solution is w_i ∝ √b_i/σ_i (RC_i ∝ w_i²σ_i²).
 */
public final class InverseVolatility {
    private InverseVolatility() {
    }

    /**
     * The weights w_i = (b_i/σ_i) / Σ_j b_j/σ_j, with σ_i = √Σ_ii; an asset with a zero budget gets weight 0.
     *
     * @param cov     Σ; only its diagonal is read
     * @param budgets one budget per asset
     * @return a new array of N weights summing to one
     * @throws DimensionMismatchException when the budgets and Σ differ in size
     */
    public static double[] weights(CovarianceMatrix cov, RiskBudgets budgets) {
        io.equirisk.error.InvalidInputException.requireNonNull(cov, "covariance");
        io.equirisk.error.InvalidInputException.requireNonNull(budgets, "budgets");
        int n = cov.size();
        if (budgets.size() != n) {
            throw new DimensionMismatchException("budgets have " + budgets.size() + " entries, covariance has " + n);
        }
        double[] w = new double[n];
        double sum = 0;
        for (int i = 0; i < n; i++) {
            w[i] = budgets.get(i) / Math.sqrt(cov.get(i, i));
            sum += w[i];
        }
        for (int i = 0; i < n; i++) {
            w[i] /= sum;
        }
        return w;
    }
}

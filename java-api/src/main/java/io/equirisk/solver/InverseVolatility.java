package io.equirisk.solver;

import io.equirisk.covariance.CovarianceMatrix;
import io.equirisk.error.DimensionMismatchException;

/**
 * The naive risk-budgeting portfolio: w_i ∝ b_i/σ_i, ignoring correlations (equal budgets: inverse volatility). It
 * equals the risk-budgeting solution when Σ is diagonal and budgets are equal, or when all correlations are equal.
 */
public final class InverseVolatility {
    private InverseVolatility() {
    }

    public static double[] weights(CovarianceMatrix cov, RiskBudgets budgets) {
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

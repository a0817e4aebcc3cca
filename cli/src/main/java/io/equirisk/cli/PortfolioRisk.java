package io.equirisk.cli;

import io.equirisk.covariance.CovarianceMatrix;
import io.equirisk.solver.RiskContributions;

/**
 * Risk of any weight vector under Σ: volatility and each asset's share of the variance, for comparing the ERC answer
 * with simpler allocations (equal weight, inverse volatility) whose risk contributions no solver reports.
 */
final class PortfolioRisk {
    final double[] weights;
    final double[] shares;
    final double volatility;

    private PortfolioRisk(double[] weights, double[] shares, double volatility) {
        this.weights = weights;
        this.shares = shares;
        this.volatility = volatility;
    }

    /** RC_i = w_i(Σw)_i / wᵀΣw; volatility sqrt(wᵀΣw) in the units of Σ. */
    static PortfolioRisk of(CovarianceMatrix cov, double[] w) {
        return new PortfolioRisk(w.clone(), RiskContributions.of(cov, w), Math.sqrt(cov.variance(w)));
    }

    static double[] equalWeights(int n) {
        double[] w = new double[n];
        java.util.Arrays.fill(w, 1.0 / n);
        return w;
    }

    /** 1 / Σ RC_i²: how many equally risky bets the portfolio amounts to (N for ERC, fewer when risk concentrates). */
    double effectiveBets() {
        double s = 0;
        for (double r : shares) {
            s += r * r;
        }
        return 1.0 / s;
    }

    double maxShare() {
        double m = Double.NEGATIVE_INFINITY;
        for (double r : shares) {
            m = Math.max(m, r);
        }
        return m;
    }

    double minShare() {
        double m = Double.POSITIVE_INFINITY;
        for (double r : shares) {
            m = Math.min(m, r);
        }
        return m;
    }
}

package io.equirisk.covariance;

import io.equirisk.data.MissingValuePolicy;
import io.equirisk.data.Returns;
import io.equirisk.error.InsufficientDataException;

/**
 * Exponentially weighted covariance, RiskMetrics convention: zero mean, Σ = Σ_t w_t r_t r_tᵀ with
 * w_t ∝ λ^(T−1−t) normalised to sum to one, so the newest row weighs most. Being a weighted mean of T rank-one
 * terms, it is singular when T &lt; N, which is refused.
 *
 * <p>Under {@link MissingValuePolicy#PAIRWISE} with missing values, entry (i, j) uses the rows where both assets
 * have a return, with the weights λ^(T−1−t) of those rows renormalised to sum to one (t keeps its place in the full
 * history, so a gap does not make older rows look newer); the result is repaired with
 * {@link NearestPositiveDefinite#repair}.
 */
final class EwmaCovarianceEstimator implements CovarianceEstimator {
    private final double lambda;
    private final String name;

    EwmaCovarianceEstimator(double lambda, String name) {
        this.lambda = lambda;
        this.name = name;
    }

    double lambda() {
        return lambda;
    }

    @Override
    public CovarianceMatrix estimate(Returns returns, MissingValuePolicy policy) {
        io.equirisk.error.InvalidInputException.requireNonNull(returns, "returns");
        if (policy == MissingValuePolicy.PAIRWISE && returns.hasMissing()) {
            return NearestPositiveDefinite.repair(PairwiseCovariance.ewma(returns, lambda));
        }
        Returns x = Estimation.completeRows(returns, policy, name);
        int n = x.assetCount();
        int t = x.observations();
        if (t < n) {
            throw new InsufficientDataException("EWMA covariance of " + n + " assets from " + t + " rows would be"
                    + " singular (it needs at least as many rows as assets); use the 'ledoit-wolf' or 'oas'"
                    + " estimator, or a longer history");
        }
        double[] out = new double[n * n];
        CovarianceKernels.ewma(x.values(), n, 0, t, lambda, out, 0);
        return Estimation.result(n, out, x, "(all its weighted returns are zero)");
    }

    @Override
    public String name() {
        return name;
    }
}

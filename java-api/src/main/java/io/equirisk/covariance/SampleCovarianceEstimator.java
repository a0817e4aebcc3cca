package io.equirisk.covariance;

import io.equirisk.data.MissingValuePolicy;
import io.equirisk.data.Returns;
import io.equirisk.error.InsufficientDataException;

/**
 * The demeaned, unbiased sample covariance (1/(T−1)) Σ_t (r_t − r̄)(r_t − r̄)ᵀ.
 *
 * <p>Under {@link MissingValuePolicy#PAIRWISE} with missing values, entry (i, j) uses the rows where both assets
 * have a return, demeaned by the means over those same rows (the pandas {@code DataFrame.cov} convention; a variance
 * therefore uses all of its asset's rows), and the result is repaired with {@link NearestPositiveDefinite#repair}.
 */
final class SampleCovarianceEstimator implements CovarianceEstimator {
    static final String NAME = "sample";

    @Override
    public CovarianceMatrix estimate(Returns returns, MissingValuePolicy policy) {
        io.equirisk.error.InvalidInputException.requireNonNull(returns, "returns");
        if (policy == MissingValuePolicy.PAIRWISE && returns.hasMissing()) {
            return NearestPositiveDefinite.repair(PairwiseCovariance.sample(returns));
        }
        Returns x = Estimation.completeRows(returns, policy, NAME);
        int n = x.assetCount();
        int t = x.observations();
        if (t <= n) {
            throw new InsufficientDataException("sample covariance of " + n + " assets from " + t + " rows would be"
                    + " singular (it needs more rows than assets); use the 'ledoit-wolf' or 'oas' estimator, or a"
                    + " longer history");
        }
        Estimation.requireVariation(x);
        double[] out = new double[n * n];
        CovarianceKernels.sample(x.values(), n, 0, t, out, 0);
        return Estimation.result(n, out, x, "over the " + t + " rows used");
    }

    @Override
    public String name() {
        return NAME;
    }
}

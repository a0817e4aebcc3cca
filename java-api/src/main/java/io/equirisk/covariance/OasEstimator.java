package io.equirisk.covariance;

import io.equirisk.data.MissingValuePolicy;
import io.equirisk.data.Returns;

/**
 * Oracle approximating shrinkage, Chen, Wiesel, Eldar &amp; Hero (2010), "Shrinkage algorithms for MMSE covariance
 * estimation", towards μI with μ = tr(S)/N, S = (1/T) Σ_t x_t x_tᵀ of the demeaned rows. The intensity is the one
 * scikit-learn's {@code oas} documents (the paper's eq. 23 without its 2/N terms, negligible for large N):
 * <pre>
 *   α = ‖S‖²_F / N²,   ρ = min(1, (α + μ²) / ((T + 1)(α − μ²/N)))   (ρ = 1 when the denominator is 0)
 * </pre>
 * α − μ²/N is ‖S − μI‖²_F / N², and it is summed in that form ({@link SampleMoments#distanceFromScaledIdentity}):
 * as the difference, on returns whose S is close to μI, it came out negative on about a quarter of the draws, giving
 * ρ ≈ −1e15 and a matrix with invented correlations, or a negative variance.
 * The returned matrix is (T/(T−1))·((1 − ρ)S + ρμI), the unbiased scaling of the {@code sample} estimator
 * (scikit-learn returns the 1/T scaling).
 */
final class OasEstimator implements CovarianceEstimator {
    static final String NAME = "oas";

    @Override
    public CovarianceMatrix estimate(Returns returns, MissingValuePolicy policy) {
        io.equirisk.error.InvalidInputException.requireNonNull(returns, "returns");
        return Estimation.shrink(returns, policy, NAME, SampleMoments::scaledIdentity, (m, f) -> intensity(m));
    }

    static double intensity(SampleMoments m) {
        double mu = m.trace / m.n;
        double alpha = m.frobenius2 / ((double) m.n * m.n);
        double num = alpha + mu * mu;
        double den = (m.t + 1) * (m.distanceFromScaledIdentity() / ((double) m.n * m.n));
        return den > 0 ? Math.min(num / den, 1.0) : 1.0;
    }

    @Override
    public String name() {
        return NAME;
    }
}

package io.equirisk.covariance;

import io.equirisk.data.MissingValuePolicy;
import io.equirisk.data.Returns;

/**
 * Ledoit &amp; Wolf (2004), "A well-conditioned estimator for large-dimensional covariance matrices": shrinkage of
 * the sample covariance towards μI, μ = tr(S)/N.
 *
 * <p>Intensity, with S = (1/T) Σ_t x_t x_tᵀ of the demeaned rows (the normalisation of the paper and of
 * scikit-learn's {@code ledoit_wolf_shrinkage}):
 * <pre>
 *   π̂ = Σ_ij (1/T) Σ_t (x_ti x_tj − s_ij)²  = (1/T) Σ_t ‖x_t‖⁴ − ‖S‖²_F
 *   γ̂ = ‖S − μI‖²_F
 *   δ = max(0, min(1, π̂ / (T γ̂)))            (δ = 0 when γ̂ = 0: S is the target already)
 * </pre>
 * which is the paper's b̄²/d² with b² = min(b̄², d²) (the N-normalised Frobenius norms cancel), written in the π/γ
 * form of Ledoit &amp; Wolf (2003); the identity target has no estimated correlation, so no ρ term. The returned
 * matrix is (T/(T−1))·((1 − δ)S + δμI): the same δ, applied in the unbiased 1/(T−1) scaling of the {@code sample}
 * estimator, so that δ = 0 gives exactly the sample covariance (scikit-learn returns the 1/T scaling: multiply
 * by (T−1)/T to compare).
 */
final class LedoitWolfEstimator implements CovarianceEstimator {
    static final String NAME = "ledoit-wolf";

    @Override
    public CovarianceMatrix estimate(Returns returns, MissingValuePolicy policy) {
        io.equirisk.error.InvalidInputException.requireNonNull(returns, "returns");
        return Estimation.shrink(returns, policy, NAME, SampleMoments::scaledIdentity, (m, f) -> intensity(m));
    }

    /** δ as in the class comment. */
    static double intensity(SampleMoments m) {
        double mu = m.trace / m.n;
        double gamma = m.distanceFromScaledIdentity(); // ‖S − μI‖²
        double pi = m.sumSquaredNorms / m.t - m.frobenius2;
        if (!(gamma > 0)) {
            return 0;
        }
        return Math.max(0, Math.min(1, pi / (m.t * gamma)));
    }

    @Override
    public String name() {
        return NAME;
    }
}

package io.equirisk.covariance;

import io.equirisk.data.MissingValuePolicy;
import io.equirisk.data.Returns;

/**
 * Ledoit &amp; Wolf (2003/2004), "Honey, I shrunk the sample covariance matrix": shrinkage towards the
 * constant-correlation matrix F (f_ii = s_ii, f_ij = r̄ √(s_ii s_jj), r̄ the mean of the N(N−1) off-diagonal sample
 * correlations).
 *
 * <p>With S = (1/T) Σ_t x_t x_tᵀ of the demeaned rows, as in the paper:
 * <pre>
 *   π̂ = Σ_ij π̂_ij,   π̂_ij = (1/T) Σ_t (x_ti x_tj − s_ij)²
 *   ρ̂ = Σ_i π̂_ii + (r̄/2) Σ_{i≠j} ( √(s_jj/s_ii) θ̂_ii,ij + √(s_ii/s_jj) θ̂_jj,ij ),
 *        θ̂_ii,ij = (1/T) Σ_t (x_ti² − s_ii)(x_ti x_tj − s_ij)
 *   γ̂ = ‖F − S‖²_F,   κ̂ = (π̂ − ρ̂)/γ̂,   δ = max(0, min(1, κ̂/T))     (δ = 0 when γ̂ = 0)
 * </pre>
 * The double sums are evaluated in O(NT) through per-row sums ({@link SampleMoments}). The returned matrix is
 * (T/(T−1))·(δF + (1 − δ)S): the paper's estimate in the unbiased 1/(T−1) scaling of the {@code sample} estimator
 * (r̄ does not depend on the scaling).
 */
final class ConstantCorrelationEstimator implements CovarianceEstimator {
    static final String NAME = "ledoit-wolf-cc";

    @Override
    public CovarianceMatrix estimate(Returns returns, MissingValuePolicy policy) {
        io.equirisk.error.InvalidInputException.requireNonNull(returns, "returns");
        return Estimation.shrink(returns, policy, NAME, ConstantCorrelationEstimator::target,
                ConstantCorrelationEstimator::intensity);
    }

    /** The constant-correlation target F (1/T scaling, like S). */
    static double[] target(SampleMoments m) {
        int n = m.n;
        double[] s = m.s;
        double[] sd = new double[n];
        for (int i = 0; i < n; i++) {
            sd[i] = Math.sqrt(s[i * n + i]);
        }
        double rBar = meanCorrelation(m, sd);
        double[] f = new double[n * n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                f[i * n + j] = i == j ? s[i * n + i] : rBar * sd[i] * sd[j];
            }
        }
        return f;
    }

    private static double meanCorrelation(SampleMoments m, double[] sd) {
        int n = m.n;
        if (n < 2) {
            return 0;
        }
        double sum = 0;
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                if (i != j) {
                    sum += m.s[i * n + j] / (sd[i] * sd[j]);
                }
            }
        }
        return sum / ((double) n * (n - 1));
    }

    /** δ as in the class comment, for the target F from {@link #target}. */
    static double intensity(SampleMoments m, double[] f) {
        int n = m.n;
        int t = m.t;
        double[] s = m.s;
        double gamma = 0;
        double diagSquares = 0;
        double crossWeighted = 0; // Σ_{i≠j} √(s_ii s_jj) s_ij
        double rBar = 0;
        for (int i = 0; i < n; i++) {
            double sii = s[i * n + i];
            diagSquares += sii * sii;
            for (int j = 0; j < n; j++) {
                if (i != j) {
                    double d = f[i * n + j] - s[i * n + j];
                    gamma += d * d;
                    crossWeighted += Math.sqrt(sii * s[j * n + j]) * s[i * n + j];
                }
            }
        }
        if (!(gamma > 0)) {
            return 0;
        }
        if (n >= 2) {
            // f_01 = r̄ √(s_00 s_11): recover r̄ from the target rather than recompute it
            rBar = f[1] / Math.sqrt(s[0] * s[n + 1]);
        }
        double pi = m.sumSquaredNorms / t - m.frobenius2;
        double piDiagonal = m.sumFourthPowers / t - diagSquares;
        // Σ_{i≠j} √(s_jj/s_ii) θ̂_ii,ij  =  (1/T)Σ_t u_t z_t − (1/T)Σ_t Σ_i x_ti⁴ − Σ_{i≠j} √(s_ii s_jj) s_ij
        double thetaSum = m.sumCubeCross / t - m.sumFourthPowers / t - crossWeighted;
        double rho = piDiagonal + rBar * thetaSum;
        double kappa = (pi - rho) / gamma;
        return Math.max(0, Math.min(1, kappa / t));
    }

    @Override
    public String name() {
        return NAME;
    }
}

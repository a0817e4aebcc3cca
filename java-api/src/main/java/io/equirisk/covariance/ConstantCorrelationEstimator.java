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
            f[i * n + i] = s[i * n + i];
            for (int j = i + 1; j < n; j++) { /* once per pair, mirrored: (i, j) and (j, i) are the same bits */
                f[i * n + j] = rBar * sd[i] * sd[j];
                f[j * n + i] = f[i * n + j];
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
        double offSquares = 0; // Σ_{i≠j} s_ij²
        double crossWeighted = 0; // Σ_{i≠j} √(s_ii s_jj) s_ij
        double rBar = 0;
        for (int i = 0; i < n; i++) {
            double sii = s[i * n + i];
            for (int j = 0; j < n; j++) {
                if (i != j) {
                    double sij = s[i * n + j];
                    double d = f[i * n + j] - sij;
                    gamma += d * d;
                    offSquares += sij * sij;
                    crossWeighted += Math.sqrt(sii) * Math.sqrt(s[j * n + j]) * sij;
                }
            }
        }
        if (!(gamma > 0)) {
            return 0;
        }
        if (n >= 2) {
            // f_01 = r̄ √(s_00 s_11): recover r̄ from the target rather than recompute it
            rBar = f[1] / (Math.sqrt(s[0]) * Math.sqrt(s[n + 1]));
        }
        // π̂ − ρ̂ without the diagonal terms, which it cancels (Σ_i π̂_ii is in both): the off-diagonal π̂_ij and
        // Σ_{i≠j} √(s_jj/s_ii) θ̂_ii,ij = (1/T)Σ_t Σ_{i≠j} (√s_jj/√s_ii) x_ti³ x_tj − Σ_{i≠j} √(s_ii s_jj) s_ij
        // (the pair sums' two halves, ii,ij and jj,ij, are the same sum with i and j swapped)
        double piOff = m.sumCrossSquares / t - offSquares;
        double thetaSum = m.sumCubeCross / t - crossWeighted;
        double kappa = (piOff - rBar * thetaSum) / gamma;
        return Math.max(0, Math.min(1, kappa / t));
    }

    @Override
    public String name() {
        return NAME;
    }
}

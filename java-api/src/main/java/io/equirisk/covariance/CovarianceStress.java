package io.equirisk.covariance;

import io.equirisk.error.InvalidInputException;

/**
 * A stressed covariance for stress scenarios: every volatility multiplied by {@code m}, every correlation moved a
 * fraction {@code s} of the way to 1 (the diversification a crisis takes away):
 *
 * <pre>  σ'_i = m·σ_i,   ρ'_ij = ρ_ij + s·(1 − ρ_ij) = (1 − s)·ρ_ij + s   (i ≠ j)</pre>
 *
 * <p>The stressed correlation matrix is (1 − s)·C + s·11ᵀ: a positive-definite matrix times 1 − s &gt; 0 plus a
 * positive semi-definite one, so positive definite whenever C is. Each entry is computed once for i &lt; j and
 * mirrored, so the result is exactly symmetric.
 */
public final class CovarianceStress {
    private CovarianceStress() {
    }

    /**
     * Σ stressed as the class comment says.
     *
     * @param sigma                the covariance to stress
     * @param volatilityMultiplier m &gt; 0 (1.5: volatilities half as large again)
     * @param correlationShift     s in [0, 1) (0: correlations unchanged; 0.5: half way to 1)
     * @return Σ itself when m = 1 and s = 0, else the stressed matrix with the same asset names
     * @throws InvalidInputException when sigma is null, m is not positive and finite, or s is outside [0, 1)
     */
    public static CovarianceMatrix apply(CovarianceMatrix sigma, double volatilityMultiplier,
                                         double correlationShift) {
        if (sigma == null) {
            throw new InvalidInputException("covariance to stress is null");
        }
        if (!(volatilityMultiplier > 0) || !Double.isFinite(volatilityMultiplier)) {
            throw new InvalidInputException("volatility multiplier must be positive and finite, got "
                    + volatilityMultiplier);
        }
        if (!(correlationShift >= 0 && correlationShift < 1)) {
            throw new InvalidInputException("correlation shift must be in [0, 1) (the fraction of the way to "
                    + "correlation 1), got " + correlationShift);
        }
        if (volatilityMultiplier == 1 && correlationShift == 0) {
            return sigma;
        }
        int n = sigma.size();
        double[] vol = sigma.volatilities();
        double[] c = sigma.correlation();
        double[] v = new double[n * n];
        for (int i = 0; i < n; i++) {
            double si = volatilityMultiplier * vol[i];
            v[i * n + i] = si * si;
            for (int j = i + 1; j < n; j++) {
                double rho = c[i * n + j] + correlationShift * (1 - c[i * n + j]);
                double e = si * (volatilityMultiplier * vol[j]) * rho;
                v[i * n + j] = e;
                v[j * n + i] = e;
            }
        }
        return CovarianceMatrix.of(n, v, sigma.assets());
    }
}

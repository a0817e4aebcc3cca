package io.equirisk.solver;

import io.equirisk.covariance.CovarianceMatrix;
import io.equirisk.error.InvalidInputException;

/**
 * Scales fully-invested weights to a target annualised volatility: w' = L·w with leverage L = target / σ_annual(w),
 * σ_annual = sqrt(periodsPerYear · wᵀΣw) for a Σ of per-period returns. L > 1 means borrowing, L < 1 holding cash.
 * Scaling leaves risk-contribution shares unchanged.
 *
 * @param weights   the scaled weights (sum = leverage)
 * @param leverage  L
 * @param volatility the annualised volatility before scaling
 */
public record VolatilityTarget(double[] weights, double leverage, double volatility) {

    public static VolatilityTarget scale(CovarianceMatrix cov, double[] weights, double targetAnnualVol,
                                         double periodsPerYear) {
        if (!(targetAnnualVol > 0) || !Double.isFinite(targetAnnualVol)) {
            throw new InvalidInputException("target volatility must be a positive number, got " + targetAnnualVol);
        }
        if (!(periodsPerYear > 0) || !Double.isFinite(periodsPerYear)) {
            throw new InvalidInputException("periods per year must be positive, got " + periodsPerYear);
        }
        double vol = Math.sqrt(periodsPerYear * cov.variance(weights));
        if (!(vol > 0)) {
            throw new InvalidInputException("portfolio volatility is zero; it cannot be scaled to a target");
        }
        double lev = targetAnnualVol / vol;
        double[] w = new double[weights.length];
        for (int i = 0; i < w.length; i++) {
            w[i] = weights[i] * lev;
            if (!Double.isFinite(w[i])) {
                throw new InvalidInputException("target volatility " + targetAnnualVol + " is out of reach: the "
                        + "portfolio's annualised volatility is " + vol + ", and the weights scaled by " + lev
                        + " overflow");
            }
        }
        return new VolatilityTarget(w, lev, vol);
    }
}

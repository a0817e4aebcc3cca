package io.equirisk.solver;

import io.equirisk.covariance.CovarianceMatrix;
import io.equirisk.error.InvalidInputException;

/**
 * Scales fully-invested weights to a target annualised volatility: w' = L·w with leverage L = target / σ_annual(w),
 * σ_annual = sqrt(periodsPerYear · wᵀΣw) for a Σ of per-period returns. L &gt; 1 means borrowing, L &lt; 1 holding
 * cash. Scaling leaves risk-contribution shares unchanged. The record holds the weights array it is given and returns
 * it, not a copy.
 *
 * @param weights    the scaled weights (summing to L when the weights given to {@link #scale} sum to one)
 * @param leverage   L
 * @param volatility the annualised volatility before scaling
 */
public record VolatilityTarget(double[] weights, double leverage, double volatility) {

    /**
     * Scales {@code weights} by L = target / σ_annual(w).
     *
     * @param cov             Σ of per-period returns (not annualised)
     * @param weights         N weights, normally summing to one (not modified)
     * @param targetAnnualVol the target, annualised, as a fraction (0.10 for 10% a year)
     * @param periodsPerYear  the periods of Σ's returns in a year (252 for trading days)
     * @return the scaled weights (a new array), L, and the weights' annualised volatility before scaling
     * @throws InvalidInputException when the target or periodsPerYear is not positive and finite, wᵀΣw is not
     *                               positive, or the scaled weights overflow
     * @throws io.equirisk.error.DimensionMismatchException when the weights are not N
     */
    public static VolatilityTarget scale(CovarianceMatrix cov, double[] weights, double targetAnnualVol,
                                         double periodsPerYear) {
        InvalidInputException.requireNonNull(cov, "covariance");
        InvalidInputException.requireNonNull(weights, "weights");
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

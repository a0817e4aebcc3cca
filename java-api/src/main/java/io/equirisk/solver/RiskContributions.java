package io.equirisk.solver;

import io.equirisk.covariance.CovarianceMatrix;
import io.equirisk.error.DimensionMismatchException;
import io.equirisk.error.InvalidInputException;

/** Risk contributions of any weights: RC_i = w_i(Σw)_i / wᵀΣw, shares of portfolio variance that sum to one. */
public final class RiskContributions {
    private RiskContributions() {
    }

    /**
     * The risk-contribution shares of {@code weights} under {@code covariance}.
     *
     * @param covariance Σ (both triangles as stored are read)
     * @param weights    N weights, any positive multiple of a portfolio (not modified)
     * @return a new array of N shares summing to one (not finite when wᵀΣw is 0)
     * @throws DimensionMismatchException when the weights are not N
     * @throws InvalidInputException      when an argument is null
     */
    public static double[] of(CovarianceMatrix covariance, double[] weights) {
        io.equirisk.error.InvalidInputException.requireNonNull(covariance, "covariance");
        io.equirisk.error.InvalidInputException.requireNonNull(weights, "weights");
        int n = covariance.size();
        if (weights.length != n) {
            throw new DimensionMismatchException("weights have " + weights.length + " entries, covariance has " + n);
        }
        double[] sw = new double[n];
        double[] s = covariance.values();
        for (int i = 0; i < n; i++) {
            double acc = 0;
            for (int j = 0; j < n; j++) {
                acc += s[i * n + j] * weights[j];
            }
            sw[i] = acc;
        }
        return shares(weights, sw);
    }

    /**
     * How far rounding each of these weights to the nearest double can move a risk contribution, to first order:
     * u·max_i w_i·Σ_j |Σ_ij w_j| / wᵀΣw (u = 2⁻⁵³). A residual near it is as small as double-precision weights may
     * get on this Σ; it exceeds 1e-10 only where long positions hedge one another almost exactly (correlations of
     * both signs, a portfolio variance far below the sum of its parts). O(n²).
     *
     * @param covariance Σ
     * @param weights    N weights (not modified)
     * @return the limit, a share of portfolio risk; NaN when wᵀΣw is not positive
     * @throws DimensionMismatchException when the weights are not N
     * @throws InvalidInputException      when an argument is null
     */
    public static double roundingLimit(CovarianceMatrix covariance, double[] weights) {
        InvalidInputException.requireNonNull(covariance, "covariance");
        InvalidInputException.requireNonNull(weights, "weights");
        int n = covariance.size();
        if (weights.length != n) {
            throw new DimensionMismatchException("weights have " + weights.length + " entries, covariance has " + n);
        }
        double[] s = covariance.values();
        double variance = 0;
        double worst = 0;
        double[] gross = new double[n];
        for (int i = 0; i < n; i++) {
            double acc = 0;
            double abs = 0;
            for (int j = 0; j < n; j++) {
                acc += s[i * n + j] * weights[j];
                abs += Math.abs(s[i * n + j] * weights[j]);
            }
            variance += weights[i] * acc;
            gross[i] = weights[i] * abs;
        }
        for (int i = 0; i < n; i++) {
            worst = Math.max(worst, gross[i]);
        }
        return variance > 0 ? 0x1p-53 * worst / variance : Double.NaN; // no portfolio variance: no limit to state
    }

    /**
     * Why an unconverged solve stopped, where the reason is double precision itself: its residual within 10× of
     * {@link #roundingLimit}, so no solver could do better on this Σ.
     *
     * @param limit     what rounding each weight alone can move a risk contribution by
     * @param reachable the smallest power of ten at or above the residual: a tolerance the solve meets
     */
    public record PrecisionLimit(double limit, double reachable) {
        /**
         * Whether {@link #reachable} is a tolerance the solver accepts.
         *
         * @return reachable ≤ {@link SolverOptions#MAX_TOLERANCE}
         */
        public boolean certifiable() {
            return reachable <= SolverOptions.MAX_TOLERANCE;
        }
    }

    /**
     * The double-precision limit an unconverged result stopped at, if that is why it stopped: the verdict the facade
     * and the command line both give such a solve (instead of "more iterations").
     *
     * @param covariance the Σ solved
     * @param result     its result
     * @return the limit, or null when the result converged, has no residual, or stopped short of the limit
     * @throws InvalidInputException when an argument is null
     */
    public static PrecisionLimit precisionLimit(CovarianceMatrix covariance, RiskBudgetingResult result) {
        InvalidInputException.requireNonNull(result, "result");
        if (result.converged() || !Double.isFinite(result.residual())) {
            return null;
        }
        double limit = roundingLimit(covariance, result.weights());
        if (!(result.residual() <= 10 * limit)) {
            return null;
        }
        return new PrecisionLimit(limit, Math.pow(10, Math.ceil(Math.log10(result.residual()))));
    }

    /** RC shares from weights (or any positive multiple of them) and Σ times them. */
    static double[] shares(double[] x, double[] sx) {
        double total = 0;
        for (int i = 0; i < x.length; i++) {
            total += x[i] * sx[i];
        }
        double[] rc = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            rc[i] = x[i] * sx[i] / total;
        }
        return rc;
    }

    /** max_i |x_i(Σx)_i / xᵀΣx − b_i|, from x and Σx. NaN-safe: any NaN gives +∞. */
    static double residual(double[] x, double[] sx, double[] b) {
        double total = 0;
        for (int i = 0; i < x.length; i++) {
            total += x[i] * sx[i];
        }
        double worst = 0;
        for (int i = 0; i < x.length; i++) {
            double d = Math.abs(x[i] * sx[i] / total - b[i]);
            if (!(d <= worst)) {
                worst = Double.isNaN(d) ? Double.POSITIVE_INFINITY : d;
            }
        }
        return worst;
    }
}

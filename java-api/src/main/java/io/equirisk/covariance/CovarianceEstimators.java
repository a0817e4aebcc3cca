package io.equirisk.covariance;

import io.equirisk.error.InvalidInputException;

import java.util.Locale;

/** Builds estimators from a short specification, as the command line takes them. */
public final class CovarianceEstimators {
    /** RiskMetrics' daily decay. */
    public static final double DEFAULT_EWMA_LAMBDA = 0.94;

    private static final String VALID = "valid estimators: sample, ewma (λ = 0.94), ewma:LAMBDA (0 < λ < 1), "
            + "ewma-halflife:PERIODS (> 0; λ = 0.5^(1/PERIODS)), ledoit-wolf, ledoit-wolf-cc, oas";

    private CovarianceEstimators() {
    }

    /**
     * Parses "sample", "ewma" (λ = 0.94), "ewma:LAMBDA", "ewma-halflife:PERIODS" (λ = 0.5^(1/PERIODS)),
     * "ledoit-wolf" (towards the scaled identity), "ledoit-wolf-cc" (towards constant correlation), "oas".
     * Case and surrounding blanks are ignored.
     *
     * @param spec the specification
     * @return the estimator, immutable and thread-safe
     * @throws InvalidInputException naming the bad specification and listing the valid ones
     */
    public static CovarianceEstimator parse(String spec) {
        if (spec == null || spec.isBlank()) {
            throw new InvalidInputException("no covariance estimator given; " + VALID);
        }
        String s = spec.strip().toLowerCase(Locale.ROOT);
        switch (s) {
            case "sample":
                return new SampleCovarianceEstimator();
            case "ewma":
                return ewma(DEFAULT_EWMA_LAMBDA);
            case "ledoit-wolf":
                return new LedoitWolfEstimator();
            case "ledoit-wolf-cc":
                return new ConstantCorrelationEstimator();
            case "oas":
                return new OasEstimator();
            default:
                break;
        }
        if (s.startsWith("ewma-halflife:")) {
            double h = number(spec, s.substring("ewma-halflife:".length()));
            if (!(h > 0) || Double.isInfinite(h)) {
                throw new InvalidInputException("EWMA half-life must be a positive number of periods, got '" + spec
                        + "'; " + VALID);
            }
            double lambda = Math.pow(0.5, 1 / h);
            if (!(lambda > 0 && lambda < 1)) { /* h ≲ 0.00093 underflows λ to 0; h ≳ 1e16 rounds it to 1 */
                throw new InvalidInputException("EWMA half-life " + format(h) + " periods gives λ = " + lambda
                        + ", outside (0, 1): use a half-life between 0.01 and 1e15 periods");
            }
            return new EwmaCovarianceEstimator(lambda, "ewma-halflife:" + format(h));
        }
        if (s.startsWith("ewma:")) {
            double lambda = number(spec, s.substring("ewma:".length()));
            if (!(lambda > 0 && lambda < 1)) {
                throw new InvalidInputException("EWMA decay λ must be in (0, 1), got '" + spec + "'; " + VALID);
            }
            return ewma(lambda);
        }
        throw new InvalidInputException("unknown covariance estimator '" + spec + "'; " + VALID);
    }

    /**
     * The decay λ of an EWMA estimator (from {@link #parse} or {@link #ewma}), or NaN for any other estimator: what
     * the backends' rolling kernels need ({@code CovarianceKind.EWMA} with λ).
     *
     * @param estimator any estimator
     * @return λ in (0, 1), or NaN
     */
    public static double ewmaLambda(CovarianceEstimator estimator) {
        return estimator instanceof EwmaCovarianceEstimator e ? e.lambda() : Double.NaN;
    }

    /**
     * RiskMetrics EWMA with decay λ in (0, 1).
     *
     * @param lambda the weight of a row relative to the next newer one (0.94 for daily returns, as RiskMetrics)
     * @return the estimator, named "ewma:λ"
     * @throws InvalidInputException when λ is not in (0, 1)
     */
    public static CovarianceEstimator ewma(double lambda) {
        if (!(lambda > 0 && lambda < 1)) {
            throw new InvalidInputException("EWMA decay λ must be in (0, 1), got " + lambda);
        }
        return new EwmaCovarianceEstimator(lambda, "ewma:" + format(lambda));
    }

    private static double number(String spec, String text) {
        try {
            return Double.parseDouble(text.strip());
        } catch (NumberFormatException e) {
            throw new InvalidInputException("'" + text.strip() + "' in covariance estimator '" + spec
                    + "' is not a number; " + VALID);
        }
    }

    /** Shortest text that parses back to the same double. */
    private static String format(double v) {
        return v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v) : Double.toString(v);
    }
}

package io.equirisk.covariance;

/** Builds estimators from a short specification, as the command line takes them. */
public final class CovarianceEstimators {
    private CovarianceEstimators() {
    }

    /**
     * Parses "sample", "ewma" (λ = 0.94), "ewma:LAMBDA", "ewma-halflife:PERIODS", "ledoit-wolf" (towards the scaled
     * identity), "ledoit-wolf-cc" (towards constant correlation), "oas".
     */
    public static CovarianceEstimator parse(String spec) {
        throw new UnsupportedOperationException("estimators not yet merged");
    }
}

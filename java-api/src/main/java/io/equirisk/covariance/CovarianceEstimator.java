package io.equirisk.covariance;

import io.equirisk.data.MissingValuePolicy;
import io.equirisk.data.Returns;

/**
 * Estimates a covariance matrix from returns. Implementations are immutable and thread-safe; build them with
 * {@link CovarianceEstimators}.
 */
public interface CovarianceEstimator {

    /**
     * Estimates Σ from {@code returns}, treating missing values (NaN) as {@code policy} says.
     *
     * @throws io.equirisk.error.InsufficientDataException when fewer than 2 rows remain (or fewer rows than assets for
     *                                                     the sample estimator, whose result would then be singular;
     *                                                     the message suggests a shrinkage estimator)
     */
    CovarianceMatrix estimate(Returns returns, MissingValuePolicy policy);

    /** {@link #estimate(Returns, MissingValuePolicy)} with {@link MissingValuePolicy#DROP_INCOMPLETE_ROWS}. */
    default CovarianceMatrix estimate(Returns returns) {
        return estimate(returns, MissingValuePolicy.DROP_INCOMPLETE_ROWS);
    }

    /** The specification this estimator was built from, e.g. "ewma:0.94" (parsable by CovarianceEstimators). */
    String name();
}

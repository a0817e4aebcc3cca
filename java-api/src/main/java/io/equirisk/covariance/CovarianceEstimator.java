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
     * @param returns per-period returns, NaN where missing
     * @param policy  what to do with the missing values
     * @return Σ of the per-period returns (not annualised), under the returns' asset names
     * @throws io.equirisk.error.InsufficientDataException when fewer than 2 rows remain (or, for the sample estimator,
     *                                                     no more rows than assets, and for EWMA fewer rows than
     *                                                     assets: the result would then be singular; the message
     *                                                     suggests a shrinkage estimator)
     * @throws io.equirisk.error.ZeroVarianceException     naming an asset whose variance comes out zero (its returns
     *                                                     constant over the rows used)
     * @throws io.equirisk.error.NonFiniteValueException   under REJECT, naming the first missing return
     * @throws io.equirisk.error.InvalidInputException     when an argument is null, or under PAIRWISE for a shrinkage
     *                                                     estimator on returns with missing values
     */
    CovarianceMatrix estimate(Returns returns, MissingValuePolicy policy);

    /**
     * {@link #estimate(Returns, MissingValuePolicy)} with {@link MissingValuePolicy#DROP_INCOMPLETE_ROWS}.
     *
     * @param returns per-period returns, NaN where missing
     * @return Σ of the per-period returns (not annualised)
     * @throws io.equirisk.error.InvalidInputException as {@link #estimate(Returns, MissingValuePolicy)} throws
     */
    default CovarianceMatrix estimate(Returns returns) {
        return estimate(returns, MissingValuePolicy.DROP_INCOMPLETE_ROWS);
    }

    /**
     * The specification this estimator was built from, e.g. "ewma:0.94" (parsable by CovarianceEstimators).
     *
     * @return the specification, which {@link CovarianceEstimators#parse} turns into an equal estimator
     */
    String name();
}

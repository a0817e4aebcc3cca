package io.equirisk.data;

/**
 * What a covariance estimate does with missing returns (NaN cells), which real histories have: assets list late,
 * delist, or skip days.
 */
public enum MissingValuePolicy {
    /**
     * Keep only the rows (dates) where every asset has a return. Simple and always positive semi-definite, but a
     * single late-listed asset can cost most of the history.
     */
    DROP_INCOMPLETE_ROWS,
    /**
     * Estimate each pair (i, j) from the rows where both are present (each variance from its own rows), then repair
     * the result to the nearest positive-definite matrix, since pairwise estimates need not be one. Uses all data.
     */
    PAIRWISE,
    /** Refuse missing values: any NaN is an error naming its asset and row. */
    REJECT
}

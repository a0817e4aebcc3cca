package io.equirisk.backend;

/** The covariance estimates a backend computes in bulk (the others build on these in the estimators). */
public enum CovarianceKind {
    /** Demeaned, unbiased: (1/(T−1)) Σ_t (r_t − r̄)(r_t − r̄)ᵀ. */
    SAMPLE,
    /**
     * Exponentially weighted, RiskMetrics convention: zero mean, weights λ^(T−1−t) normalised to sum to one, so the
     * newest row weighs most.
     */
    EWMA
}

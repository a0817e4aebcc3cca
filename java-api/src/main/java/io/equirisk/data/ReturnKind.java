package io.equirisk.data;

/** How a return is computed from two consecutive prices p₀ → p₁. */
public enum ReturnKind {
    /** p₁/p₀ − 1. */
    SIMPLE,
    /** ln(p₁/p₀). */
    LOG;

    public double of(double p0, double p1) {
        return this == SIMPLE ? p1 / p0 - 1.0 : Math.log(p1 / p0);
    }
}

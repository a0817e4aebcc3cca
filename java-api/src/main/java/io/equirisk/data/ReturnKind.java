package io.equirisk.data;

/** How a return is computed from two consecutive prices p₀ → p₁. */
public enum ReturnKind {
    /** p₁/p₀ − 1. */
    SIMPLE,
    /** ln(p₁/p₀). */
    LOG;

    /**
     * The return from a price to the next one. The prices are not checked: a zero or negative one gives no meaningful
     * return.
     *
     * @param p0 the earlier price, positive
     * @param p1 the later price, positive
     * @return the return of this kind, as a fraction (0.01 is 1%)
     */
    public double of(double p0, double p1) {
        return this == SIMPLE ? p1 / p0 - 1.0 : Math.log(p1 / p0);
    }
}

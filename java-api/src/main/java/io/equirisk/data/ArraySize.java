package io.equirisk.data;

import io.equirisk.error.DimensionMismatchException;

/**
 * The length of an array of doubles holding a product of sizes (batch × N × N), checked: Java arrays end at
 * 2^31 − 1 elements, and an int product past that wraps to a negative or too-small length, so a batch of 2,048
 * matrices of 1,024² or one covariance of 46,341 assets would fail as NegativeArraySizeException, an index out of
 * bounds, or an allocation of the wrong size. Here it is a typed error that says what did not fit.
 */
public final class ArraySize {
    /** The most elements a Java array can have on HotSpot (a few below Integer.MAX_VALUE are reserved). */
    public static final int MAX = Integer.MAX_VALUE - 8;

    private ArraySize() {
    }

    /**
     * The product of the factors as an int length.
     *
     * @param what    what the array holds, for the message ("a batch of 2048 covariance matrices of 1024 assets")
     * @param factors the sizes to multiply, each ≥ 0
     * @return their product, 0 … {@link #MAX} (1 for no factors)
     * @throws DimensionMismatchException when a factor is negative or the product is more than {@link #MAX}
     */
    public static int of(String what, long... factors) {
        long p = 1;
        for (long f : factors) {
            if (f < 0) {
                throw new DimensionMismatchException(what + ": negative size " + f);
            }
            if (f != 0 && p > MAX / f) {
                throw new DimensionMismatchException(what + ": more than " + MAX + " values, the most one Java array "
                        + "holds");
            }
            p *= f;
        }
        return (int) p;
    }
}

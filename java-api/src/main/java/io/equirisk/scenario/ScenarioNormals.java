package io.equirisk.scenario;

import io.equirisk.error.InvalidInputException;

/**
 * Standard normal draws of a scenario set, each a pure function of (seed, scenario, row, index, domain): one
 * {@link Philox4x32} block for the counter (index / 2, row, scenario, domain) under the key (seed's low and high
 * words) gives two 53-bit integers a and b, and the Box-Muller transform turns them into the pair of normals at
 * indices 2m and 2m + 1: radius √(−2 ln u), u = (a + 1)·2⁻⁵³ ∈ (0, 1], times the cosine, then the sine, of b/2⁵³ of a
 * turn. The GPU computes the same function ({@code kernels/src/philox.cuh}).
 *
 * <p>The logarithm, cosine and sine are {@link ReproducibleMath}'s, a fixed sequence of correctly rounded operations
 * that the GPU and the emulation perform too, so a normal is the same bits on every JVM, platform and engine.
 */
public final class ScenarioNormals {
    /** Domain of the assets' normals. */
    public static final int ASSET_DOMAIN = 0;
    /** Domain of the normals whose squares make a Student-t row's χ² mixing variable. */
    public static final int MIXING_DOMAIN = 1;

    private static final NormalKernel KERNEL = ScenarioKernels.normals();

    private ScenarioNormals() {
    }

    /**
     * The normal at {@code index} of (scenario, row, domain).
     *
     * @param seed     the key
     * @param scenario the scenario's number (its low 32 bits count)
     * @param row      the row in the scenario
     * @param index    the draw's index in the row, ≥ 0
     * @param domain   {@link #ASSET_DOMAIN} or {@link #MIXING_DOMAIN}
     * @return a standard normal draw
     * @throws InvalidInputException when index is negative
     */
    public static double normal(long seed, long scenario, int row, int index, int domain) {
        double[] pair = new double[2];
        fill(seed, scenario, row, domain, index & ~1, pair, 0, 2);
        return pair[index & 1];
    }

    /**
     * The normals at indices {@code from} … {@code from + count − 1} of (scenario, row, domain) into
     * {@code out[off …]}. {@code from} must be even and non-negative (draws come in pairs), or this throws
     * {@link InvalidInputException}.
     *
     * @param seed     the key
     * @param scenario the scenario's number (its low 32 bits count)
     * @param row      the row in the scenario
     * @param domain   {@link #ASSET_DOMAIN} or {@link #MIXING_DOMAIN}
     * @param from     the first index, even and ≥ 0
     * @param out      receives the normals
     * @param off      where in {@code out} they start
     * @param count    the number of normals, ≥ 0 (odd is allowed: the last pair's sine is dropped)
     */
    public static void fill(long seed, long scenario, int row, int domain, int from, double[] out, int off,
                            int count) {
        if (from < 0 || (from & 1) != 0 || count < 0) {
            throw new InvalidInputException("normals are drawn in pairs from an even, non-negative index: from = "
                    + from + ", count = " + count);
        }
        KERNEL.fill((int) seed, (int) (seed >>> 32), (int) scenario, row, domain, from >>> 1, out, off, count);
    }
}

package io.equirisk.scenario;

/**
 * Standard normal draws of a scenario set, each a pure function of (seed, scenario, row, index, domain): one
 * {@link Philox4x32} block for the counter (index / 2, row, scenario, domain) under the key (seed's low and high
 * words) gives two 53-bit uniforms, and the Box-Muller transform turns them into the pair of normals at indices
 * 2m and 2m + 1 (cosine, then sine). The GPU computes the same function ({@code kernels/src/philox.cuh}).
 *
 * <p>{@link StrictMath}'s logarithm and sine are the same on every JVM and platform, so the CPU engine's scenarios
 * are the same to the bit wherever they are drawn; a GPU's libm differs by an ulp or so.
 */
public final class ScenarioNormals {
    /** Domain of the assets' normals. */
    public static final int ASSET_DOMAIN = 0;
    /** Domain of the normals whose squares make a Student-t row's χ² mixing variable. */
    public static final int MIXING_DOMAIN = 1;

    /** 2π rounded to double. */
    private static final double TWO_PI = 6.283185307179586;
    private static final double TWO_TO_MINUS_53 = 0x1.0p-53;

    private ScenarioNormals() {
    }

    /** The normal at {@code index} of (scenario, row, domain). */
    public static double normal(long seed, long scenario, int row, int index, int domain) {
        double[] pair = new double[2];
        fill(seed, scenario, row, domain, index & ~1, pair, 0, 2);
        return pair[index & 1];
    }

    /**
     * The normals at indices {@code from} … {@code from + count − 1} of (scenario, row, domain) into
     * {@code out[off …]}. {@code from} must be even (draws come in pairs).
     */
    public static void fill(long seed, long scenario, int row, int domain, int from, double[] out, int off,
                            int count) {
        int k0 = (int) seed;
        int k1 = (int) (seed >>> 32);
        int[] block = new int[4];
        for (int j = 0; j < count; j += 2) {
            Philox4x32.block((from + j) >>> 1, row, (int) scenario, domain, k0, k1, block);
            long a = ((block[0] & 0xFFFFFFFFL) << 21) | ((block[1] & 0xFFFFFFFFL) >>> 11);
            long b = ((block[2] & 0xFFFFFFFFL) << 21) | ((block[3] & 0xFFFFFFFFL) >>> 11);
            double u1 = (a + 1) * TWO_TO_MINUS_53; /* (0, 1]: the logarithm stays finite; exact in double */
            double u2 = b * TWO_TO_MINUS_53;       /* [0, 1) */
            double radius = Math.sqrt(-2.0 * StrictMath.log(u1));
            double angle = TWO_PI * u2;
            out[off + j] = radius * StrictMath.cos(angle);
            if (j + 1 < count) {
                out[off + j + 1] = radius * StrictMath.sin(angle);
            }
        }
    }
}

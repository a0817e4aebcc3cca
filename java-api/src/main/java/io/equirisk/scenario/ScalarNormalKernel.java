package io.equirisk.scenario;

/** One Philox block and one Box-Muller transform at a time: the reference {@link NormalKernel}. */
final class ScalarNormalKernel implements NormalKernel {
    static final ScalarNormalKernel INSTANCE = new ScalarNormalKernel();

    private ScalarNormalKernel() {
    }

    @Override
    public void fill(int k0, int k1, int scenario, int row, int domain, int firstPair, double[] out, int off,
                     int count) {
        int[] block = new int[4];
        for (int j = 0; j < count; j += 2) {
            Philox4x32.block(firstPair + (j >>> 1), row, scenario, domain, k0, k1, block);
            long a = ((block[0] & 0xFFFFFFFFL) << 21) | ((block[1] & 0xFFFFFFFFL) >>> 11);
            long b = ((block[2] & 0xFFFFFFFFL) << 21) | ((block[3] & 0xFFFFFFFFL) >>> 11);
            double u = (a + 1) * 0x1.0p-53; /* (0, 1]: the logarithm stays finite; exact in double */
            double radius = Math.sqrt(-2.0 * ReproducibleMath.log(u));
            out[off + j] = radius * ReproducibleMath.cosOfTurn(b);
            if (j + 1 < count) {
                out[off + j + 1] = radius * ReproducibleMath.sinOfTurn(b);
            }
        }
    }

    @Override
    public boolean preferred() {
        return true;
    }

    @Override
    public String describe() {
        return "scalar";
    }
}

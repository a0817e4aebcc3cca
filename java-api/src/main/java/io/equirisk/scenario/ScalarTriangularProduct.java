package io.equirisk.scenario;

/** Four rows at a time, four accumulators: the reference {@link TriangularProductKernel}. */
final class ScalarTriangularProduct implements TriangularProductKernel {
    static final ScalarTriangularProduct INSTANCE = new ScalarTriangularProduct();

    private ScalarTriangularProduct() {
    }

    @Override
    public int rowBlock() {
        return 4;
    }

    @Override
    public void rows(double[] chol, double[] mean, int n, double[] z, int work, double[] scale, double[] out,
                     int off) {
        for (int i = 0; i < n; i++) {
            int li = i * n;
            double a0 = 0, a1 = 0, a2 = 0, a3 = 0;
            for (int j = 0; j <= i; j++) {
                double l = chol[li + j];
                a0 = Math.fma(l, z[j], a0);
                a1 = Math.fma(l, z[n + j], a1);
                a2 = Math.fma(l, z[2 * n + j], a2);
                a3 = Math.fma(l, z[3 * n + j], a3);
            }
            out[off + i] = Math.fma(scale[0], a0, mean[i]);
            out[off + n + i] = Math.fma(scale[1], a1, mean[i]);
            out[off + 2 * n + i] = Math.fma(scale[2], a2, mean[i]);
            out[off + 3 * n + i] = Math.fma(scale[3], a3, mean[i]);
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

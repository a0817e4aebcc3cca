package io.equirisk.kernel;

/** Plain-Java loops: the reference implementation and the fallback without the Vector API. */
final class ScalarKernels implements NumericKernels {
    static final ScalarKernels INSTANCE = new ScalarKernels();

    private ScalarKernels() {
    }

    @Override
    public double dot(double[] a, int aOff, double[] b, int bOff, int len) {
        // Four partial sums: breaks the add dependency chain, as the vector version does.
        double s0 = 0, s1 = 0, s2 = 0, s3 = 0;
        int k = 0;
        for (; k + 3 < len; k += 4) {
            s0 += a[aOff + k] * b[bOff + k];
            s1 += a[aOff + k + 1] * b[bOff + k + 1];
            s2 += a[aOff + k + 2] * b[bOff + k + 2];
            s3 += a[aOff + k + 3] * b[bOff + k + 3];
        }
        for (; k < len; k++) {
            s0 += a[aOff + k] * b[bOff + k];
        }
        return (s0 + s1) + (s2 + s3);
    }

    @Override
    public void axpy(double alpha, double[] x, int xOff, double[] y, int yOff, int len) {
        for (int k = 0; k < len; k++) {
            y[yOff + k] += alpha * x[xOff + k];
        }
    }

    @Override
    public void syrkUpper(double[] x, int xOff, int n, int t, double[] shift, double[] weights, double[] c, int cOff,
                          int rowFrom, int rowTo) {
        // Reference: one entry at a time, straight from the definition.
        for (int i = rowFrom; i < rowTo; i++) {
            double mi = shift == null ? 0 : shift[i];
            for (int j = i; j < n; j++) {
                double mj = shift == null ? 0 : shift[j];
                double s = 0;
                for (int r = 0; r < t; r++) {
                    double w = weights == null ? 1 : weights[r];
                    s += w * (x[xOff + r * n + i] - mi) * (x[xOff + r * n + j] - mj);
                }
                c[cOff + i * n + j] += s;
            }
        }
    }

    @Override
    public String name() {
        return "scalar";
    }
}

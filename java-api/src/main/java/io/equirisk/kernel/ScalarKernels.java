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
    public void syrkUpper(double[] x, int n, int t, double[] c, int rowFrom, int rowTo) {
        for (int i = rowFrom; i < rowTo; i++) {
            for (int j = i; j < n; j++) {
                c[i * n + j] += dot(x, i * t, x, j * t, t);
            }
        }
    }

    @Override
    public String name() {
        return "scalar";
    }
}

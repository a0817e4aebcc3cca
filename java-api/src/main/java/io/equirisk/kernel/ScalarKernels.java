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
    public void syrk(double[] x, int xOff, int n, int t, double[] shift, double[] weights, double scale, double[] c,
                     int cOff, int rowFrom, int rowTo) {
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
                c[cOff + i * n + j] = scale * s;
                c[cOff + j * n + i] = scale * s;
            }
        }
    }

    @Override
    public void subtractOuterProducts(double[] p, int pOff, int ldp, int m, int k, double[] c, int cOff, int ldc,
                                      int colFrom, int colTo) {
        for (int j = colFrom; j < colTo; j++) {
            for (int i = j; i < m; i++) {
                double s = 0;
                for (int r = 0; r < k; r++) {
                    s += p[pOff + i * ldp + r] * p[pOff + j * ldp + r];
                }
                c[cOff + i * ldc + j] -= s;
            }
        }
    }

    @Override
    public void dot4(double[] a, int off, int stride, double[] x, int xOff, int len, double[] out) {
        double s0 = 0, s1 = 0, s2 = 0, s3 = 0;
        int r1 = off + stride, r2 = off + 2 * stride, r3 = off + 3 * stride;
        for (int k = 0; k < len; k++) {
            double v = x[xOff + k];
            s0 += a[off + k] * v;
            s1 += a[r1 + k] * v;
            s2 += a[r2 + k] * v;
            s3 += a[r3 + k] * v;
        }
        out[0] = s0;
        out[1] = s1;
        out[2] = s2;
        out[3] = s3;
    }

    @Override
    public void axpy4(double[] coef, double[] a, int off, int stride, double[] y, int yOff, int len) {
        double c0 = coef[0], c1 = coef[1], c2 = coef[2], c3 = coef[3];
        int r1 = off + stride, r2 = off + 2 * stride, r3 = off + 3 * stride;
        for (int k = 0; k < len; k++) {
            y[yOff + k] += c0 * a[off + k] + c1 * a[r1 + k] + c2 * a[r2 + k] + c3 * a[r3 + k];
        }
    }

    @Override
    public double dot2(double[] a, int aOff, double[] b, int bOff, int len) {
        return dot2From(0, 0, a, aOff, b, bOff, 0, len);
    }

    /**
     * Dot2 from a running sum s and error err over the terms k in [from, len), then s + err: the scalar kernel's
     * whole loop, and the vector kernel's tail after its lanes are joined.
     */
    static double dot2From(double s, double err, double[] a, int aOff, double[] b, int bOff, int from, int len) {
        for (int k = from; k < len; k++) {
            double x = a[aOff + k], y = b[bOff + k];
            double p = x * y;
            double pe = Math.fma(x, y, -p);
            double t = s + p;
            double z = t - s;
            err += (s - (t - z)) + (p - z) + pe;
            s = t;
        }
        return s + err;
    }

    @Override
    public void subtractPanel4(double[] a, int aOff, int lda, int p, double[] pt, int ldp, int from, int to) {
        for (int q = 0; q < 4; q++) {
            int row = aOff + q * lda;
            double c0 = -a[row + p], c1 = -a[row + p + 1], c2 = -a[row + p + 2], c3 = -a[row + p + 3];
            for (int c = from; c < to; c++) {
                double y = Math.fma(pt[c], c0, a[row + c]);
                y = Math.fma(pt[ldp + c], c1, y);
                y = Math.fma(pt[2 * ldp + c], c2, y);
                a[row + c] = Math.fma(pt[3 * ldp + c], c3, y);
            }
        }
    }

    @Override
    public String name() {
        return "scalar";
    }
}

package io.equirisk.kernel;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Vector API implementation (jdk.incubator.vector). Each kernel is a small method: the JIT vectorises small methods
 * reliably, and one large method ran 30× slower in a measurement on this machine (DESIGN §6).
 */
final class VectorKernels implements NumericKernels {
    static final VectorKernels INSTANCE = new VectorKernels();
    private static final VectorSpecies<Double> S = DoubleVector.SPECIES_PREFERRED;
    private static final int L = S.length();

    private VectorKernels() {
    }

    @Override
    public double dot(double[] a, int aOff, double[] b, int bOff, int len) {
        DoubleVector acc0 = DoubleVector.zero(S);
        DoubleVector acc1 = DoubleVector.zero(S);
        int k = 0;
        int bound2 = len - 2 * L;
        for (; k <= bound2; k += 2 * L) {
            acc0 = DoubleVector.fromArray(S, a, aOff + k).fma(DoubleVector.fromArray(S, b, bOff + k), acc0);
            acc1 = DoubleVector.fromArray(S, a, aOff + k + L).fma(DoubleVector.fromArray(S, b, bOff + k + L), acc1);
        }
        if (k <= len - L) {
            acc0 = DoubleVector.fromArray(S, a, aOff + k).fma(DoubleVector.fromArray(S, b, bOff + k), acc0);
            k += L;
        }
        double s = acc0.add(acc1).reduceLanes(VectorOperators.ADD);
        for (; k < len; k++) {
            s += a[aOff + k] * b[bOff + k];
        }
        return s;
    }

    @Override
    public void axpy(double alpha, double[] x, int xOff, double[] y, int yOff, int len) {
        DoubleVector va = DoubleVector.broadcast(S, alpha);
        int k = 0;
        int bound = S.loopBound(len);
        for (; k < bound; k += L) {
            DoubleVector.fromArray(S, x, xOff + k).fma(va, DoubleVector.fromArray(S, y, yOff + k))
                    .intoArray(y, yOff + k);
        }
        for (; k < len; k++) {
            y[yOff + k] += alpha * x[xOff + k];
        }
    }

    @Override
    public void syrkUpper(double[] x, int n, int t, double[] c, int rowFrom, int rowTo) {
        // Placeholder-free baseline: dot products; the register-blocked kernel replaces this.
        for (int i = rowFrom; i < rowTo; i++) {
            for (int j = i; j < n; j++) {
                c[i * n + j] += dot(x, i * t, x, j * t, t);
            }
        }
    }

    @Override
    public void dot4(double[] a, int off, int stride, double[] x, int xOff, int len, double[] out) {
        int r1 = off + stride, r2 = off + 2 * stride, r3 = off + 3 * stride;
        DoubleVector s0 = DoubleVector.zero(S), s1 = s0, s2 = s0, s3 = s0;
        int k = 0;
        int bound = S.loopBound(len);
        for (; k < bound; k += L) {
            DoubleVector v = DoubleVector.fromArray(S, x, xOff + k);
            s0 = DoubleVector.fromArray(S, a, off + k).fma(v, s0);
            s1 = DoubleVector.fromArray(S, a, r1 + k).fma(v, s1);
            s2 = DoubleVector.fromArray(S, a, r2 + k).fma(v, s2);
            s3 = DoubleVector.fromArray(S, a, r3 + k).fma(v, s3);
        }
        double t0 = s0.reduceLanes(VectorOperators.ADD), t1 = s1.reduceLanes(VectorOperators.ADD);
        double t2 = s2.reduceLanes(VectorOperators.ADD), t3 = s3.reduceLanes(VectorOperators.ADD);
        for (; k < len; k++) {
            double v = x[xOff + k];
            t0 += a[off + k] * v;
            t1 += a[r1 + k] * v;
            t2 += a[r2 + k] * v;
            t3 += a[r3 + k] * v;
        }
        out[0] = t0;
        out[1] = t1;
        out[2] = t2;
        out[3] = t3;
    }

    @Override
    public void axpy4(double[] coef, double[] a, int off, int stride, double[] y, int yOff, int len) {
        int r1 = off + stride, r2 = off + 2 * stride, r3 = off + 3 * stride;
        double c0 = coef[0], c1 = coef[1], c2 = coef[2], c3 = coef[3];
        DoubleVector v0 = DoubleVector.broadcast(S, c0), v1 = DoubleVector.broadcast(S, c1);
        DoubleVector v2 = DoubleVector.broadcast(S, c2), v3 = DoubleVector.broadcast(S, c3);
        int k = 0;
        int bound = S.loopBound(len);
        for (; k < bound; k += L) {
            DoubleVector acc = DoubleVector.fromArray(S, y, yOff + k);
            acc = DoubleVector.fromArray(S, a, off + k).fma(v0, acc);
            acc = DoubleVector.fromArray(S, a, r1 + k).fma(v1, acc);
            acc = DoubleVector.fromArray(S, a, r2 + k).fma(v2, acc);
            acc = DoubleVector.fromArray(S, a, r3 + k).fma(v3, acc);
            acc.intoArray(y, yOff + k);
        }
        for (; k < len; k++) {
            y[yOff + k] += c0 * a[off + k] + c1 * a[r1 + k] + c2 * a[r2 + k] + c3 * a[r3 + k];
        }
    }

    @Override
    public String name() {
        return "panama-vector(" + S.vectorBitSize() + " bit)";
    }
}

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
    public String name() {
        return "panama-vector(" + S.vectorBitSize() + " bit)";
    }
}

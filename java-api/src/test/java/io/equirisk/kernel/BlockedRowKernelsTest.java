package io.equirisk.kernel;

import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** dot4/axpy4 (the blocked coordinate-descent kernels) against plain loops, at lengths around the vector width. */
class BlockedRowKernelsTest {

    @Test
    void dot4AndAxpy4MatchPlainLoops() {
        Random r = new Random(5);
        for (NumericKernels k : new NumericKernels[] {Kernels.get(), Kernels.scalar()}) {
            for (int len = 0; len <= 19; len++) {
                int stride = len + 3;
                double[] a = new double[7 + 4 * stride];
                for (int i = 0; i < a.length; i++) {
                    a[i] = r.nextGaussian();
                }
                double[] x = new double[len + 2];
                for (int i = 0; i < x.length; i++) {
                    x[i] = r.nextGaussian();
                }
                double[] out = new double[4];
                k.dot4(a, 7, stride, x, 2, len, out);
                double[] coef = {r.nextGaussian(), r.nextGaussian(), r.nextGaussian(), r.nextGaussian()};
                double[] y = new double[len + 1];
                double[] yRef = new double[len + 1];
                for (int i = 0; i < y.length; i++) {
                    y[i] = r.nextGaussian();
                    yRef[i] = y[i];
                }
                k.axpy4(coef, a, 7, stride, y, 1, len);
                for (int row = 0; row < 4; row++) {
                    double s = 0;
                    for (int t = 0; t < len; t++) {
                        s += a[7 + row * stride + t] * x[2 + t];
                        yRef[1 + t] += coef[row] * a[7 + row * stride + t];
                    }
                    assertEquals(s, out[row], 1e-12 * (1 + Math.abs(s)), k.name() + " dot4 len " + len);
                }
                for (int i = 0; i < y.length; i++) {
                    assertEquals(yRef[i], y[i], 1e-12 * (1 + Math.abs(yRef[i])), k.name() + " axpy4 len " + len);
                }
            }
        }
    }
}

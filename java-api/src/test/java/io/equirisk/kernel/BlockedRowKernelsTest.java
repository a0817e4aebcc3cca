package io.equirisk.kernel;

import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * dot4/axpy4 (the blocked coordinate-descent kernels) and subtractPanel4 (the Cholesky panels' update) against plain
 * loops, at lengths around the vector width.
 */
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

    /**
     * Four rows of a matrix (stride 23, coefficients in columns 2–5) minus their panel products over columns
     * [from, to): the plain loop's fma chain to the bit, in every kernel, and nothing else of the array touched.
     */
    @Test
    void subtractPanel4IsFourFmaChainsPerEntry() {
        Random r = new Random(11);
        int lda = 23, ldp = 21, p = 2;
        for (NumericKernels k : new NumericKernels[] {Kernels.get(), Kernels.scalar()}) {
            for (int from = 6; from <= 7; from++) {
                for (int to = from; to <= lda; to++) {
                    double[] a = new double[3 + 4 * lda + 5];
                    for (int i = 0; i < a.length; i++) {
                        a[i] = r.nextGaussian();
                    }
                    double[] pt = new double[4 * ldp + lda];
                    for (int i = 0; i < pt.length; i++) {
                        pt[i] = r.nextGaussian();
                    }
                    double[] want = a.clone();
                    for (int q = 0; q < 4; q++) {
                        int row = 3 + q * lda;
                        for (int c = from; c < to; c++) {
                            double y = want[row + c];
                            for (int t = 0; t < 4; t++) {
                                y = Math.fma(pt[t * ldp + c], -want[row + p + t], y);
                            }
                            want[row + c] = y;
                        }
                    }
                    k.subtractPanel4(a, 3, lda, p, pt, ldp, from, to);
                    assertArrayEquals(want, a, k.name() + " subtractPanel4 [" + from + ", " + to + ")");
                }
            }
        }
    }
}

package io.equirisk.kernel;

import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.math.MathContext;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * dot2 (the compensated inner product the Newton finisher's gradient and residual rest on) against the exact sum in
 * BigDecimal, on sums that cancel by ~1e9, where the plain dot product keeps ~7 digits: both kernels, at lengths
 * around the vector width.
 */
class CompensatedDotTest {
    private static final double U = 0x1p-53;

    /** a·b cancelling to ~1e-9 of its terms' magnitudes: pairs of equal and opposite products, plus small ones. */
    private static double[][] cancelling(int len, Random r) {
        double[] a = new double[len + 3];
        double[] b = new double[len + 2];
        for (int k = 0; k < len; k++) {
            a[3 + k] = r.nextGaussian() * (k % 2 == 0 ? 1e4 : 1e-5);
            b[2 + k] = r.nextGaussian();
        }
        for (int k = 0; k + 1 < len; k += 2) { // the next product nearly cancels this one
            a[3 + k + 1] = -a[3 + k] * (1 + 1e-9 * r.nextGaussian());
            b[2 + k + 1] = b[2 + k];
        }
        return new double[][] {a, b};
    }

    private static BigDecimal exact(double[] a, double[] b, int len) {
        BigDecimal s = BigDecimal.ZERO;
        for (int k = 0; k < len; k++) {
            s = s.add(new BigDecimal(a[3 + k]).multiply(new BigDecimal(b[2 + k])));
        }
        return s;
    }

    @Test
    void dot2IsAsAccurateAsTwiceTheWorkingPrecision() {
        Random r = new Random(17);
        for (NumericKernels k : new NumericKernels[] {Kernels.get(), Kernels.scalar()}) {
            for (int len : new int[] {0, 1, 2, 3, 7, 8, 9, 15, 16, 17, 31, 33, 100, 257}) {
                for (int trial = 0; trial < 20; trial++) {
                    double[][] ab = cancelling(len, r);
                    double got = k.dot2(ab[0], 3, ab[1], 2, len);
                    BigDecimal want = exact(ab[0], ab[1], len);
                    double abs = 0;
                    for (int q = 0; q < len; q++) {
                        abs += Math.abs(ab[0][3 + q] * ab[1][2 + q]);
                    }
                    // Dot2's bound: u·|sum| + γ(n)²·Σ|a_k b_k|, γ(n) = n·u/(1 − n·u)
                    double gamma = len * U / (1 - len * U);
                    double bound = 2 * U * Math.abs(want.doubleValue()) + 2 * gamma * gamma * abs;
                    double error = new BigDecimal(got).subtract(want).abs().doubleValue();
                    assertTrue(error <= bound, k.name() + " len " + len + ": error " + error + " > " + bound
                            + " (sum " + want.round(MathContext.DECIMAL64) + ", Σ|terms| " + abs + ")");
                }
            }
        }
    }

    @Test
    void plainDotLosesWhatDot2Keeps() {
        // the test's sums do defeat a plain product: otherwise it would not show that dot2 is compensated
        Random r = new Random(3);
        double[][] ab = cancelling(100, r);
        BigDecimal want = exact(ab[0], ab[1], 100);
        double plain = Kernels.scalar().dot(ab[0], 3, ab[1], 2, 100);
        double relPlain = new BigDecimal(plain).subtract(want).abs().doubleValue() / Math.abs(want.doubleValue());
        double rel2 = new BigDecimal(Kernels.get().dot2(ab[0], 3, ab[1], 2, 100)).subtract(want).abs().doubleValue()
                / Math.abs(want.doubleValue());
        assertTrue(relPlain > 1e-12, "plain dot relative error " + relPlain);
        assertTrue(rel2 < 1e-15, "dot2 relative error " + rel2);
    }

    @Test
    void dot2IsTheSameOnEveryCall() {
        Random r = new Random(5);
        double[][] ab = cancelling(257, r);
        double first = Kernels.get().dot2(ab[0], 3, ab[1], 2, 257);
        for (int i = 0; i < 100; i++) {
            assertEquals(first, Kernels.get().dot2(ab[0], 3, ab[1], 2, 257), 0.0);
        }
    }
}

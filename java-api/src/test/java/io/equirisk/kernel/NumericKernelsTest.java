package io.equirisk.kernel;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.Random;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Both kernel implementations against a naive triple loop, at sizes that hit every edge of the blocking. */
class NumericKernelsTest {
    private static final double SENTINEL = -12345.678;

    @Test
    void vectorKernelsAreActiveUnderTheTestJvm() {
        // surefire adds jdk.incubator.vector: the tests below must exercise the Vector API code, not only scalar
        assertTrue(ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent());
        assertTrue(Kernels.get().name().startsWith("panama-vector"), Kernels.get().name());
        assertEquals("scalar", Kernels.scalar().name());
    }

    static Stream<Arguments> shapes() {
        // (n, t): n = 1, tiles of 4×8 with remainders, t = 0 (zeros written), t = 2, t not a multiple of the vector
        // length or of the 256-row cache block (and the earlier 512), n past one and two 64-row blocks
        int[][] s = {{1, 2}, {1, 7}, {2, 2}, {3, 5}, {4, 4}, {5, 3}, {7, 13}, {8, 8}, {9, 17}, {12, 31},
            {13, 255}, {17, 256}, {31, 257}, {33, 517}, {67, 40}, {130, 300}, {141, 9}, {9, 511}, {10, 512},
            {11, 513}, {70, 1100}, {6, 0}};
        return Stream.of(s).map(p -> Arguments.of(p[0], p[1]));
    }

    @ParameterizedTest(name = "n={0}, t={1}")
    @MethodSource("shapes")
    void syrkMatchesTripleLoop(int n, int t) {
        Random rnd = new Random(31L * n + t);
        int xOff = 3 * n + 1;
        double[] x = new double[xOff + t * n + 5];
        for (int k = 0; k < x.length; k++) {
            x[k] = rnd.nextGaussian() + 0.3;
        }
        double[] shift = new double[n];
        double[] weights = new double[t];
        for (int j = 0; j < n; j++) {
            shift[j] = 0.3 + 0.1 * rnd.nextGaussian();
        }
        for (int r = 0; r < t; r++) {
            weights[r] = rnd.nextDouble();
        }
        for (boolean useShift : new boolean[] {false, true}) {
            for (boolean useWeights : new boolean[] {false, true}) {
                double[] m = useShift ? shift : null;
                double[] w = useWeights ? weights : null;
                int[][] ranges = {{0, n}, {n / 3, n}, {0, (n + 1) / 2}, {n / 4, n / 4 + Math.min(n, 5)}};
                for (int[] range : ranges) {
                    int from = range[0];
                    int to = Math.min(n, range[1]);
                    for (NumericKernels k : new NumericKernels[] {Kernels.get(), Kernels.scalar()}) {
                        check(k, x, xOff, n, t, m, w, from, to);
                    }
                }
            }
        }
    }

    /**
     * Writes into a C filled with a sentinel, at an offset: the range's rows of the upper triangle and their mirror
     * images must hold scale × the triple-loop value (within 1e-12 of Σ|terms|), and every other entry must be
     * untouched.
     */
    private static void check(NumericKernels k, double[] x, int xOff, int n, int t, double[] m, double[] w, int from,
                              int to) {
        int cOff = 7;
        double scale = 0.75;
        double[] c = new double[cOff + n * n + 3];
        java.util.Arrays.fill(c, SENTINEL);
        k.syrk(x, xOff, n, t, m, w, scale, c, cOff, from, to);
        for (int q = 0; q < c.length; q++) {
            int idx = q - cOff;
            int row = idx >= 0 && idx < n * n ? idx / n : -1;
            int col = idx >= 0 && idx < n * n ? idx % n : -1;
            int i = Math.min(row, col); // the upper-triangle entry this one is, or mirrors
            int j = Math.max(row, col);
            boolean inside = row >= 0 && i >= from && i < to;
            if (!inside) {
                assertEquals(SENTINEL, c[q], 0.0, k.name() + ": entry " + q + " outside the range was written");
                continue;
            }
            double sum = 0;
            double abs = 0;
            for (int r = 0; r < t; r++) {
                double term = (w == null ? 1 : w[r]) * (x[xOff + r * n + i] - (m == null ? 0 : m[i]))
                        * (x[xOff + r * n + j] - (m == null ? 0 : m[j]));
                sum += term;
                abs += Math.abs(term);
            }
            assertEquals(scale * sum, c[q], 1e-12 * scale * abs,
                    k.name() + " (" + row + ", " + col + ") n=" + n + " t=" + t + " rows [" + from + ", " + to + ")");
        }
    }

    /**
     * C −= P·Pᵀ on the lower triangle of a block inside a larger array (row strides larger than the block), against
     * the triple loop; the strict upper triangle and everything outside the block stay as they were. k = 600 takes
     * the kernel's multi-pass path (more than one block of 256 steps).
     */
    @Test
    void subtractOuterProductsMatchesTripleLoop() {
        for (int m : new int[] {1, 5, 8, 9, 63, 64, 65, 130}) {
            for (int k : new int[] {1, 3, 128, 600}) {
                Random rnd = new Random(17L * m + k);
                int ldp = k + 3;
                int ldc = m + 5;
                double[] p = new double[2 + m * ldp];
                for (int q = 0; q < p.length; q++) {
                    p[q] = rnd.nextGaussian();
                }
                double[] c0 = new double[4 + m * ldc + 2];
                for (int q = 0; q < c0.length; q++) {
                    c0[q] = rnd.nextGaussian();
                }
                for (NumericKernels kern : new NumericKernels[] {Kernels.get(), Kernels.scalar()}) {
                    double[] c = c0.clone();
                    // in two column ranges, as two threads would
                    int split = m / 3;
                    kern.subtractOuterProducts(p, 2, ldp, m, k, c, 4, ldc, split, m);
                    kern.subtractOuterProducts(p, 2, ldp, m, k, c, 4, ldc, 0, split);
                    for (int q = 0; q < c.length; q++) {
                        int idx = q - 4;
                        int i = idx >= 0 ? idx / ldc : -1;
                        int j = idx >= 0 ? idx % ldc : -1;
                        if (i < 0 || i >= m || j >= m || j > i) {
                            assertEquals(c0[q], c[q], 0.0, kern.name() + ": entry " + q + " outside the lower block");
                            continue;
                        }
                        double s = 0;
                        double abs = 0;
                        for (int r = 0; r < k; r++) {
                            double term = p[2 + i * ldp + r] * p[2 + j * ldp + r];
                            s += term;
                            abs += Math.abs(term);
                        }
                        assertEquals(c0[q] - s, c[q], 1e-12 * (abs + Math.abs(c0[q])),
                                kern.name() + " (" + i + ", " + j + ") m=" + m + " k=" + k);
                    }
                }
            }
        }
    }

    @Test
    void syrkResultDoesNotDependOnTheRowRange() {
        // Every entry is formed by the same arithmetic whatever range it falls in: split results are bit-identical.
        int n = 203;
        int t = 611;
        Random rnd = new Random(5);
        double[] x = new double[n * t];
        for (int q = 0; q < x.length; q++) {
            x[q] = rnd.nextGaussian();
        }
        double[] whole = new double[n * n];
        Kernels.get().syrk(x, 0, n, t, null, null, 1.0, whole, 0, 0, n);
        double[] split = new double[n * n];
        int[] cuts = {0, 5, 64, 101, 102, 170, n};
        for (int p = 0; p + 1 < cuts.length; p++) {
            Kernels.get().syrk(x, 0, n, t, null, null, 1.0, split, 0, cuts[p], cuts[p + 1]);
        }
        for (int q = 0; q < n * n; q++) {
            assertEquals(whole[q], split[q], 0.0, "entry " + q);
        }
    }

    @Test
    void dotAndAxpyMatchPlainLoops() {
        Random rnd = new Random(9);
        for (int len : new int[] {0, 1, 3, 4, 7, 8, 9, 31, 100}) {
            double[] a = new double[len + 5];
            double[] b = new double[len + 5];
            for (int q = 0; q < a.length; q++) {
                a[q] = rnd.nextGaussian();
                b[q] = rnd.nextGaussian();
            }
            double ref = 0;
            double abs = 0;
            for (int q = 0; q < len; q++) {
                ref += a[q + 2] * b[q + 1];
                abs += Math.abs(a[q + 2] * b[q + 1]);
            }
            for (NumericKernels k : new NumericKernels[] {Kernels.get(), Kernels.scalar()}) {
                assertEquals(ref, k.dot(a, 2, b, 1, len), 1e-14 * abs + 1e-300, k.name() + " dot len " + len);
                double[] y = b.clone();
                k.axpy(0.7, a, 2, y, 1, len);
                for (int q = 0; q < y.length; q++) {
                    double want = q >= 1 && q < 1 + len ? b[q] + 0.7 * a[q + 1] : b[q];
                    assertEquals(want, y[q], 1e-15 * (Math.abs(b[q]) + Math.abs(a[Math.min(q + 1, a.length - 1)])),
                            k.name() + " axpy len " + len + " at " + q);
                }
            }
        }
    }
}

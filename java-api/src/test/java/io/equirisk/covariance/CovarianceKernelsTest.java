package io.equirisk.covariance;

import io.equirisk.error.DimensionMismatchException;
import io.equirisk.error.InsufficientDataException;
import io.equirisk.error.InvalidInputException;
import org.junit.jupiter.api.Test;

import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CovarianceKernelsTest {

    @Test
    void sampleMatchesTheDefinitionOnAWindowInsideATable() {
        int[][] shapes = {{2, 1}, {3, 2}, {17, 5}, {40, 13}, {300, 37}, {260, 130}};
        for (int[] s : shapes) {
            int t = s[0];
            int n = s[1];
            double[] x = Reference.returns(t + 9, n, t * 31L + n);
            double[] out = new double[n * n + 4];
            Arrays.fill(out, Double.NaN);
            CovarianceKernels.sample(x, n, 4, t, out, 2, 1);
            double[] got = Arrays.copyOfRange(out, 2, 2 + n * n);
            double[] want = Reference.covariance(x, n, 4, t, t - 1);
            assertTrue(Reference.relativeError(got, want) < 1e-12, "t=" + t + " n=" + n + ": "
                    + Reference.relativeError(got, want));
            assertTrue(Double.isNaN(out[0]) && Double.isNaN(out[1]) && Double.isNaN(out[n * n + 2]),
                    "nothing written outside the output block");
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < n; j++) {
                    assertEquals(got[i * n + j], got[j * n + i], 0.0, "exactly symmetric");
                }
            }
        }
    }

    @Test
    void ewmaMatchesTheDefinition() {
        int t = 123;
        int n = 11;
        double[] x = Reference.returns(t, n, 3);
        for (double lambda : new double[] {0.94, 0.5, 0.999}) {
            double[] got = new double[n * n];
            CovarianceKernels.ewma(x, n, 0, t, lambda, got, 0, 1);
            assertTrue(Reference.relativeError(got, Reference.ewma(x, n, 0, t, lambda)) < 1e-12, "λ = " + lambda);
        }
        double[] w = CovarianceKernels.ewmaWeights(5, 0.5);
        assertEquals(1.0, Arrays.stream(w).sum(), 1e-15);
        assertEquals(16.0 / 31.0, w[4], 1e-15, "newest row: 1/(1 + 1/2 + … + 1/16)");
        assertEquals(1.0 / 31.0, w[0], 1e-15);
    }

    @Test
    void threadCountDoesNotChangeTheResult() {
        int t = 300;
        int n = 211; // large enough to be split (N²T/2 ≥ 2^22)
        assertTrue((long) n * (n + 1) / 2 * t >= io.equirisk.kernel.TriangleRows.PARALLEL_MIN_WORK);
        double[] x = Reference.returns(t, n, 5);
        double[] one = new double[n * n];
        CovarianceKernels.sample(x, n, 0, t, one, 0, 1);
        for (int threads : new int[] {2, 3, 8}) {
            double[] many = new double[n * n];
            CovarianceKernels.sample(x, n, 0, t, many, 0, threads);
            assertArrayEquals(one, many, "bit-identical with " + threads + " threads");
        }
        assertTrue(Reference.relativeError(one, Reference.covariance(x, n, 0, t, t - 1)) < 1e-12);
    }

    @Test
    void rowCutsCoverAllRowsWithBalancedWork() {
        for (int n : new int[] {1, 5, 100, 1000, 1001}) {
            for (int threads : new int[] {1, 2, 4, 16}) {
                int[] cuts = io.equirisk.kernel.TriangleRows.cuts(n, 10_000, threads);
                assertEquals(0, cuts[0]);
                assertEquals(n, cuts[cuts.length - 1]);
                for (int p = 1; p < cuts.length; p++) {
                    assertTrue(cuts[p] > cuts[p - 1], "increasing: " + Arrays.toString(cuts));
                }
                if (n == 1000 && threads > 1) {
                    double total = 1000.0 * 1001 / 2;
                    double share = total / (cuts.length - 1);
                    for (int p = 1; p < cuts.length; p++) {
                        double work = 0;
                        for (int i = cuts[p - 1]; i < cuts[p]; i++) {
                            work += n - i;
                        }
                        // each cut is rounded to a multiple of 4 rows: at most 2 rows (≤ 2n work) off at each end
                        assertEquals(share, work, 4.0 * n, "piece " + p + " of " + Arrays.toString(cuts));
                    }
                }
            }
        }
    }

    @Test
    void badArgumentsAreTypedErrors() {
        double[] x = new double[20];
        double[] out = new double[4];
        assertThrows(InsufficientDataException.class, () -> CovarianceKernels.sample(x, 2, 0, 1, out, 0, 1));
        assertThrows(DimensionMismatchException.class, () -> CovarianceKernels.sample(x, 2, 5, 6, out, 0, 1));
        assertThrows(DimensionMismatchException.class, () -> CovarianceKernels.sample(x, 2, 0, 5, out, 1, 1));
        assertThrows(InvalidInputException.class, () -> CovarianceKernels.ewma(x, 2, 0, 5, 1.0, out, 0, 1));
        assertThrows(InvalidInputException.class, () -> CovarianceKernels.sample(x, 2, 0, 5, out, 0, 0));
    }
}

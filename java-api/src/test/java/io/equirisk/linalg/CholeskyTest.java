package io.equirisk.linalg;

import io.equirisk.covariance.CovarianceMatrix;
import io.equirisk.error.NotPositiveDefiniteException;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CholeskyTest {

    /** B Bᵀ + δI for a random B: symmetric positive definite. */
    static double[] randomSpd(int n, long seed, double ridge) {
        Random rnd = new Random(seed);
        double[] b = new double[n * n];
        for (int q = 0; q < b.length; q++) {
            b[q] = rnd.nextGaussian();
        }
        double[] a = new double[n * n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                double s = 0;
                for (int k = 0; k < n; k++) {
                    s += b[i * n + k] * b[j * n + k];
                }
                a[i * n + j] = s + (i == j ? ridge : 0);
            }
        }
        return a;
    }

    @Test
    void factorReproducesTheMatrixAndIsLowerTriangular() {
        // sizes around the block of 128 columns and the 4-row panel steps; the input's upper triangle is NaN, since
        // only the lower one may be read
        int block = Cholesky.BLOCK;
        for (int n : new int[] {1, 2, 3, 7, 33, block - 1, block, block + 1, 2 * block + 5, 300}) {
            double[] a = randomSpd(n, n, 0.5);
            double[] l = a.clone();
            for (int i = 0; i < n; i++) {
                for (int j = i + 1; j < n; j++) {
                    l[i * n + j] = Double.NaN;
                }
            }
            Cholesky.factor(l, n);
            double maxDiag = 0;
            for (int i = 0; i < n; i++) {
                maxDiag = Math.max(maxDiag, a[i * n + i]);
                assertTrue(l[i * n + i] > 0, "positive diagonal");
                for (int j = i + 1; j < n; j++) {
                    assertEquals(0.0, l[i * n + j], 0.0, "upper triangle zeroed");
                }
            }
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < n; j++) {
                    double s = 0;
                    for (int k = 0; k < n; k++) {
                        s += l[i * n + k] * l[j * n + k];
                    }
                    assertEquals(a[i * n + j], s, 1e-12 * maxDiag, "LLᵀ at (" + i + ", " + j + "), n = " + n);
                }
            }
        }
    }

    @Test
    void solveGivesSmallResidual() {
        int n = 57;
        double[] a = randomSpd(n, 3, 1.0);
        double[] l = a.clone();
        Cholesky.factor(l, n);
        Random rnd = new Random(4);
        double[] b = new double[n];
        for (int i = 0; i < n; i++) {
            b[i] = rnd.nextGaussian();
        }
        double[] x = b.clone();
        Cholesky.solve(l, n, x);
        for (int i = 0; i < n; i++) {
            double s = 0;
            double abs = 0;
            for (int j = 0; j < n; j++) {
                s += a[i * n + j] * x[j];
                abs += Math.abs(a[i * n + j] * x[j]);
            }
            assertEquals(b[i], s, 1e-12 * abs, "row " + i);
        }
    }

    @Test
    void threadCountDoesNotChangeTheFactor() {
        int n = 450; // the first trailing update (322 × 322, k = 128) is large enough to be split
        assertTrue(io.equirisk.kernel.TriangleRows.cuts(n - Cholesky.BLOCK, Cholesky.BLOCK, 2).length > 2,
                "the update must actually be split, or this test shows nothing");
        double[] a = randomSpd(n, 6, 1.0);
        double[] one = a.clone();
        Cholesky.factor(one, n, null, 1);
        for (int threads : new int[] {2, 3}) {
            double[] many = a.clone();
            Cholesky.factor(many, n, null, threads);
            org.junit.jupiter.api.Assertions.assertArrayEquals(one, many, "bit-identical with " + threads
                    + " threads");
        }
    }

    /**
     * A random SPD matrix whose asset {@code copy} (index) is made a copy of asset {@code of} with {@code scale} of
     * its variance: indefinite for scale < 1 (its pivot about −(1 − scale)·Σ_of,of), breaking down at that asset.
     */
    private static double[] withShrunkCopy(int n, long seed, int copy, int of, double scale) {
        double[] a = randomSpd(n, seed, 0.0);
        for (int j = 0; j < n; j++) {
            a[copy * n + j] = a[of * n + j];
            a[j * n + copy] = a[j * n + of];
        }
        a[copy * n + copy] = scale * a[of * n + of];
        return a;
    }

    private static void assertPivotNamed(double[] a, int n, String asset) {
        NotPositiveDefiniteException e = assertThrows(NotPositiveDefiniteException.class,
                () -> Cholesky.factor(a.clone(), n));
        assertTrue(e.getMessage().contains(asset + " "), e.getMessage());
    }

    @Test
    void failingPivotInALaterBlockIsNamed() {
        // asset 201 (index 200), in the second block of columns, a copy of asset 11 with half its variance
        int n = Cholesky.BLOCK + 90;
        assertPivotNamed(withShrunkCopy(n, 8, 200, 10, 0.5), n, "asset 201");
    }

    @Test
    void failingPivotInsideAGroupOfFourRowsIsNamed() {
        // the diagonal block goes four rows at a time: asset 7 (index 6) is the third of the rows of indices 4–7,
        // a copy of asset 3 with 0.9 of its variance
        assertPivotNamed(withShrunkCopy(12, 5, 6, 2, 0.9), 12, "asset 7");
    }

    @Test
    void duplicatedAssetIsNamedAsTheFailingPivot() {
        // asset C is a copy of asset A: singular, and the elimination breaks down at C
        double[][] rows = {{4, 1, 4}, {1, 3, 1}, {4, 1, 4}};
        double[] a = new double[9];
        for (int i = 0; i < 3; i++) {
            System.arraycopy(rows[i], 0, a, 3 * i, 3);
        }
        NotPositiveDefiniteException e = assertThrows(NotPositiveDefiniteException.class,
                () -> Cholesky.factor(a.clone(), 3, List.of("A", "B", "C")));
        assertTrue(e.getMessage().contains("asset C (3)"), e.getMessage());
        assertFalse(Cholesky.isPositiveDefinite(a, 3));
    }

    @Test
    void indefiniteMatrixIsRefusedByCovarianceMatrix() {
        // correlation 1.2 between two unit-variance assets: eigenvalues 2.2 and −0.2
        CovarianceMatrix bad = CovarianceMatrix.of(new double[][] {{1, 1.2}, {1.2, 1}}, List.of("X", "Y"));
        NotPositiveDefiniteException e = assertThrows(NotPositiveDefiniteException.class,
                bad::requirePositiveDefinite);
        assertTrue(e.getMessage().contains("asset Y"), e.getMessage());
        CovarianceMatrix good = CovarianceMatrix.of(2, randomSpd(2, 8, 0.1));
        assertSame(good, good.requirePositiveDefinite());
    }
}

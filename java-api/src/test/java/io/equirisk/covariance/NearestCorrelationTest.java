package io.equirisk.covariance;

import io.equirisk.error.InvalidInputException;
import io.equirisk.error.NonFiniteValueException;
import io.equirisk.error.NotSymmetricException;
import io.equirisk.linalg.Cholesky;
import io.equirisk.linalg.SymmetricEigen;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class NearestCorrelationTest {

    /** Higham (2002), section 4: the nearest correlation matrix to [[1,1,0],[1,1,1],[0,1,1]], printed to 4 digits. */
    @Test
    void matchesHighamsPublishedExample() {
        double[] a = {1, 1, 0, 1, 1, 1, 0, 1, 1};
        NearestCorrelation nc = NearestCorrelation.of(a, 3, NearestCorrelation.DEFAULT_FLOOR, 1e-12, 10_000);
        double[] x = nc.matrix();
        double[] published = {1, 0.7607, 0.1573, 0.7607, 1, 0.7607, 0.1573, 0.7607, 1};
        for (int q = 0; q < 9; q++) {
            assertEquals(published[q], x[q], 5e-5, "entry " + q);
        }
        assertTrue(nc.iterations() > 1);
    }

    /**
     * The defining property, checked without knowing the answer: X is the projection of A onto the convex set C of
     * correlation matrices with eigenvalues ≥ δ exactly when ⟨A − X, Z − X⟩ ≤ 0 for every Z in C. Random members of
     * C (and X itself valid) must satisfy it, to the tolerance's order.
     */
    @Test
    void satisfiesTheProjectionInequality() {
        int n = 30;
        Random rnd = new Random(5);
        double[] a = new double[n * n];
        for (int i = 0; i < n; i++) {
            a[i * n + i] = 1;
            for (int j = 0; j < i; j++) {
                // pairwise estimates that are individually plausible but jointly indefinite
                double v = Math.max(-1, Math.min(1, 0.3 + 0.7 * rnd.nextGaussian()));
                a[i * n + j] = v;
                a[j * n + i] = v;
            }
        }
        assertTrue(SymmetricEigen.of(a, n).values()[0] < -0.5, "the input must be far from valid");
        double floor = 1e-6;
        double[] x = NearestCorrelation.of(a, n, floor, 1e-12, 100_000).matrix();
        checkValid(x, n, floor);
        double scale = 0;
        for (int q = 0; q < a.length; q++) {
            scale = Math.max(scale, Math.abs(a[q] - x[q]));
        }
        for (int trial = 0; trial < 200; trial++) {
            double[] z = randomCorrelation(n, rnd, trial % 3 == 0 ? 2 : n);
            double inner = 0;
            for (int q = 0; q < a.length; q++) {
                inner += (a[q] - x[q]) * (z[q] - x[q]);
            }
            assertTrue(inner <= 1e-6 * scale * n, "⟨A − X, Z − X⟩ = " + inner + " for random Z " + trial);
        }
    }

    @Test
    void aValidCorrelationMatrixComesBackUnchanged() {
        int n = 12;
        double[] z = randomCorrelation(n, new Random(2), n);
        double[] x = NearestCorrelation.of(z, n, 1e-8, 1e-12, 1000).matrix();
        for (int q = 0; q < z.length; q++) {
            assertEquals(z[q], x[q], 1e-10, "entry " + q);
        }
    }

    @Test
    void repairKeepsVolatilitiesAndGivesAPositiveDefiniteCovariance() {
        double[] vol = {0.01, 0.02, 0.05};
        double[] r = {1, 1, 0, 1, 1, 1, 0, 1, 1};
        double[] s = new double[9];
        for (int i = 0; i < 3; i++) {
            for (int j = 0; j < 3; j++) {
                s[i * 3 + j] = vol[i] * vol[j] * r[i * 3 + j];
            }
        }
        CovarianceMatrix sigma = CovarianceMatrix.of(3, s, java.util.List.of("A", "B", "C"));
        CovarianceMatrix fixed = NearestCorrelation.repair(sigma);
        fixed.requirePositiveDefinite();
        for (int i = 0; i < 3; i++) {
            assertEquals(vol[i], fixed.volatilities()[i], 1e-15);
        }
        assertEquals(0.7607, fixed.correlation()[1], 5e-5);
    }

    @Test
    void nonFiniteEntriesAreNamed() {
        double[] a = {1, Double.NaN, Double.NaN, 1};
        NonFiniteValueException e = assertThrows(NonFiniteValueException.class,
                () -> NearestCorrelation.of(a, 2, 1e-8, 1e-10, 100));
        assertTrue(e.getMessage().contains("(1, 2)"), e.getMessage());
    }

    @Test
    void asymmetricInputIsRefusedAndNamed() {
        double[] a = {1, 0.5, 0.2, 0.5, 1, 0.3, 0.2, 0.9, 1};
        NotSymmetricException e = assertThrows(NotSymmetricException.class,
                () -> NearestCorrelation.of(a, 3, 1e-8, 1e-10, 100));
        assertTrue(e.getMessage().contains("(2, 3)"), e.getMessage());
        double[] valid = {1, 0.5, 0.5, 1};
        InvalidInputException floor = assertThrows(InvalidInputException.class,
                () -> NearestCorrelation.of(valid, 2, 0.0, 1e-10, 100));
        assertTrue(floor.getMessage().contains("floor"), floor.getMessage());
    }

    private static void checkValid(double[] x, int n, double floor) {
        for (int i = 0; i < n; i++) {
            assertEquals(1.0, x[i * n + i], 0.0, "unit diagonal");
            for (int j = 0; j < n; j++) {
                assertEquals(x[i * n + j], x[j * n + i], 1e-14, "symmetric");
            }
        }
        assertTrue(Cholesky.isPositiveDefinite(x, n));
        assertTrue(SymmetricEigen.of(x, n).values()[0] >= 0.5 * floor, "eigenvalue floor");
    }

    /** G Gᵀ rescaled to a unit diagonal, G n × k Gaussian: a random correlation matrix of rank k (+ a ridge). */
    private static double[] randomCorrelation(int n, Random rnd, int k) {
        double[] g = new double[n * k];
        for (int q = 0; q < g.length; q++) {
            g[q] = rnd.nextGaussian();
        }
        double[] c = new double[n * n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                double s = i == j ? 0.05 : 0;
                for (int p = 0; p < k; p++) {
                    s += g[i * k + p] * g[j * k + p];
                }
                c[i * n + j] = s;
            }
        }
        double[] d = new double[n];
        for (int i = 0; i < n; i++) {
            d[i] = 1 / Math.sqrt(c[i * n + i]);
        }
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                c[i * n + j] = i == j ? 1 : c[i * n + j] * d[i] * d[j];
            }
        }
        return c;
    }
}

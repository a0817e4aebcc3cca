package io.equirisk.covariance;

import io.equirisk.error.NotSymmetricException;
import io.equirisk.error.ZeroVarianceException;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The symmetry test at the edges of the double range, where sqrt(Σ_ii·Σ_jj) would overflow. */
class CovarianceMatrixValidationTest {

    /** A subnormal variance keeps a few digits at most (4e-320 has 4): refused as such, not solved. */
    @Test
    void aSubnormalVarianceIsRefusedWithTheRemedy() {
        ZeroVarianceException e = assertThrows(ZeroVarianceException.class,
                () -> CovarianceMatrix.of(2, new double[] {1e-4, 0, 0, 4e-320}, List.of("X", "Y")));
        assertTrue(e.getMessage().contains("asset Y") && e.getMessage().contains("rescale"), e.getMessage());
        assertDoesNotThrow(() -> CovarianceMatrix.of(2, new double[] {1e-4, 0, 0, Double.MIN_NORMAL},
                List.of("X", "Y")));
    }

    @Test
    void asymmetryIsFoundAtAnyScale() {
        for (double scale : new double[] {1e-300, 1.0, 1e154, 1e200, 1e300}) {
            double[] mirrored = {1, 0.5, 0.5, 1};
            double[] flipped = {1, 0.5, -0.5, 1};
            for (int i = 0; i < 4; i++) {
                mirrored[i] *= scale;
                flipped[i] *= scale;
            }
            assertDoesNotThrow(() -> CovarianceMatrix.of(2, mirrored, List.of("X", "Y")), "scale " + scale);
            NotSymmetricException e = assertThrows(NotSymmetricException.class,
                    () -> CovarianceMatrix.of(2, flipped, List.of("X", "Y")), "scale " + scale);
            assertTrue(e.getMessage().contains("(X, Y)"), e.getMessage());
        }
    }

    /**
     * A batch large enough to be checked in parallel (1,000 matrices of 40 assets, 1.6 M values) with offences in
     * three matrices: the first of them is reported, as the type of its own offence, every time; a batch without
     * them is taken; renaming a batch keeps its values.
     */
    @Test
    void aLargeBatchReportsItsFirstBadMatrix() {
        int batch = 1000;
        int n = 40;
        double[] v = new double[batch * n * n];
        for (int k = 0; k < batch; k++) {
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < n; j++) {
                    v[(k * n + i) * n + j] = i == j ? 1.0 + 0.01 * i : 0.3 / (1 + Math.abs(i - j));
                }
            }
        }
        CovarianceBatch ok = assertDoesNotThrow(() -> CovarianceBatch.of(batch, n, v, null));
        assertSame(v, ok.withAssets(java.util.stream.IntStream.range(0, n).mapToObj(i -> "x" + i).toList()).values());
        v[(317 * n + 5) * n + 9] = 0.31;                 // matrix 317: (6, 10) ≠ (10, 6)
        v[(912 * n + 2) * n + 2] = 0.0;                  // matrix 912: a zero variance
        v[(640 * n + 7) * n + 1] = Double.NaN;           // matrix 640: a NaN
        for (int repeat = 0; repeat < 5; repeat++) {
            NotSymmetricException e = assertThrows(NotSymmetricException.class,
                    () -> CovarianceBatch.of(batch, n, v, null));
            assertTrue(e.getMessage().startsWith("batch matrix 317: covariance matrix is not symmetric: entry (A6, "
                    + "A10)"), e.getMessage());
        }
        v[(317 * n + 5) * n + 9] = v[(317 * n + 9) * n + 5];
        io.equirisk.error.NonFiniteValueException nan = assertThrows(io.equirisk.error.NonFiniteValueException.class,
                () -> CovarianceBatch.of(batch, n, v, null));
        assertTrue(nan.getMessage().startsWith("batch matrix 640: covariance entry (A8, A2)"), nan.getMessage());
    }
    /**
     * A rank-deficient Σ (the sample covariance of 40 assets from 12 returns: rank 11) names the first asset that is
     * a combination of those before it, #12, whatever the sign rounding gives the later pivots: the factorisation
     * stops at the first non-positive one, which a review found two assets further on (and a user who removed it met
     * the same error again).
     */
    @Test
    void aRankDeficientMatrixNamesTheFirstDependentAsset() {
        int n = 40;
        int t = 12;
        for (long seed = 1; seed <= 20; seed++) {
            double[] v = io.equirisk.testing.RandomCovariances.sampleOfFewReturns(n, t, seed);
            CovarianceMatrix m = CovarianceMatrix.of(n, v);
            io.equirisk.error.NotPositiveDefiniteException e = assertThrows(
                    io.equirisk.error.NotPositiveDefiniteException.class, m::requirePositiveDefinite);
            assertTrue(e.asset() == t - 1, "seed " + seed + ": " + e.getMessage());
            assertTrue(e.getMessage().contains("(#12)") || e.getMessage().contains("(12)"), e.getMessage());
        }
    }
}

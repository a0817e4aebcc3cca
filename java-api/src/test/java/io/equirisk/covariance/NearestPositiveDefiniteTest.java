package io.equirisk.covariance;

import io.equirisk.error.InvalidInputException;
import io.equirisk.linalg.SymmetricEigen;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class NearestPositiveDefiniteTest {

    @Test
    void clippingRaisesOnlyTheSmallEigenvalues() {
        // eigenvalues of [[2, 3], [3, 2]] are −1 and 5 with vectors (1, −1)/√2 and (1, 1)/√2
        double[] a = {2, 3, 3, 2};
        double[] fixed = NearestPositiveDefinite.clipEigenvalues(a, 2, 0.1);
        // V diag(0.5, 5) Vᵀ = [[2.75, 2.25], [2.25, 2.75]]
        assertEquals(2.75, fixed[0], 1e-14);
        assertEquals(2.25, fixed[1], 1e-14);
        assertEquals(2.25, fixed[2], 1e-14);
        assertEquals(2.75, fixed[3], 1e-14);
    }

    @Test
    void clippingIsTheNearestMatrixRespectingTheFloor() {
        // For symmetric A and the set {X : λ_min(X) ≥ f}, the Frobenius distance from A to the clipped matrix is
        // sqrt(Σ (f − λ_k)² over λ_k < f): check it against that closed form on a random indefinite matrix.
        int n = 30;
        double[] a = new double[n * n];
        java.util.Random rnd = new java.util.Random(2);
        for (int i = 0; i < n; i++) {
            for (int j = 0; j <= i; j++) {
                a[i * n + j] = a[j * n + i] = rnd.nextGaussian();
            }
        }
        double[] ev = SymmetricEigen.of(a, n).values();
        double floor = 1e-3 * ev[n - 1];
        double want = 0;
        for (double v : ev) {
            want += v < floor ? (floor - v) * (floor - v) : 0;
        }
        double[] fixed = NearestPositiveDefinite.clipEigenvalues(a, n, 1e-3);
        double dist = 0;
        for (int q = 0; q < a.length; q++) {
            dist += (fixed[q] - a[q]) * (fixed[q] - a[q]);
        }
        assertEquals(Math.sqrt(want), Math.sqrt(dist), 1e-10 * Math.sqrt(want));
        double[] after = SymmetricEigen.of(fixed, n).values();
        assertTrue(after[0] >= floor * (1 - 1e-9), Arrays.toString(after));
    }

    @Test
    void repairKeepsVariancesAndGivesAPositiveDefiniteCovariance() {
        // correlations 0.9, 0.9, −0.9 cannot coexist
        double[] vol = {0.1, 0.2, 0.3};
        double[][] corr = {{1, 0.9, 0.9}, {0.9, 1, -0.9}, {0.9, -0.9, 1}};
        double[][] cov = new double[3][3];
        for (int i = 0; i < 3; i++) {
            for (int j = 0; j < 3; j++) {
                cov[i][j] = vol[i] * vol[j] * corr[i][j];
            }
        }
        CovarianceMatrix bad = CovarianceMatrix.of(cov, List.of("A", "B", "C"));
        assertThrows(io.equirisk.error.NotPositiveDefiniteException.class, bad::requirePositiveDefinite);
        CovarianceMatrix fixed = NearestPositiveDefinite.repair(bad, 1e-4);
        fixed.requirePositiveDefinite();
        for (int i = 0; i < 3; i++) {
            assertEquals(vol[i] * vol[i], fixed.get(i, i), 1e-17);
        }
        assertEquals(bad.assets(), fixed.assets());
        double[] ev = SymmetricEigen.of(fixed.correlation(), 3).values();
        assertTrue(ev[0] > 0.5e-4 * ev[2], Arrays.toString(ev));
    }

    @Test
    void badFloorOrNoPositiveDirectionIsRefused() {
        assertThrows(InvalidInputException.class, () -> NearestPositiveDefinite.clipEigenvalues(new double[] {1}, 1,
                0));
        assertThrows(InvalidInputException.class, () -> NearestPositiveDefinite.clipEigenvalues(new double[] {-1}, 1,
                1e-6));
    }

    /**
     * A matrix that is positive definite but whose smallest eigenvalue is below the floor is repaired too, not
     * passed through. Correlation ρ = 1 − 10⁻¹² has eigenvalues 1 ± ρ with vectors (1, ±1)/√2; the default floor
     * f = 10⁻¹⁰·(1 + ρ) replaces 1 − ρ, so V diag(f, 1 + ρ) Vᵀ has diagonal (1 + ρ + f)/2 and off-diagonal
     * (1 + ρ − f)/2, and rescaled to unit diagonal ρ' = (1 − 10⁻¹⁰)/(1 + 10⁻¹⁰) (by hand); its eigenvalue ratio
     * (1 − ρ')/(1 + ρ') is exactly the floor 10⁻¹⁰. Left unrepaired, ρ would stay 1 − 10⁻¹² (ratio 5·10⁻¹³).
     */
    @Test
    void aPositiveDefiniteMatrixBelowTheFloorIsRepairedToTheFloor() {
        double rho = 1 - 1e-12;
        double[][] cov = {{0.01, 0.02 * rho}, {0.02 * rho, 0.04}};
        CovarianceMatrix tight = CovarianceMatrix.of(cov, List.of("A", "B"));
        tight.requirePositiveDefinite(); // positive definite already, only below the floor
        CovarianceMatrix fixed = NearestPositiveDefinite.repair(tight);
        double want = (1 - 1e-10) / (1 + 1e-10);
        assertEquals(0.01, fixed.get(0, 0), 1e-17); // σ² back from σ = √0.01: within an ulp or two
        assertEquals(0.04, fixed.get(1, 1), 1e-17);
        assertEquals(0.02 * want, fixed.get(0, 1), 1e-14 * 0.02);
        assertEquals(0.02 * want, fixed.get(1, 0), 1e-14 * 0.02);
        double[] ev = SymmetricEigen.of(fixed.correlation(), 2).values();
        assertTrue(ev[0] >= 0.99e-10 * ev[1], Arrays.toString(ev));
    }
}

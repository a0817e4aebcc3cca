package io.equirisk.solver;

import io.equirisk.covariance.CovarianceMatrix;
import io.equirisk.error.InvalidInputException;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Volatility targeting against a case worked by hand. */
class VolatilityTargetTest {

    @Test
    void scalesToTheAnnualisedTarget() {
        /* Σ = diag(0.04, 0.01) per month, w = (½, ½): wᵀΣw = 0.0125, annualised √(12 · 0.0125) = √0.15 */
        CovarianceMatrix cov = CovarianceMatrix.of(new double[][] {{0.04, 0}, {0, 0.01}});
        VolatilityTarget t = VolatilityTarget.scale(cov, new double[] {0.5, 0.5}, 0.1, 12);
        assertEquals(Math.sqrt(0.15), t.volatility(), 1e-15);
        assertEquals(0.1 / Math.sqrt(0.15), t.leverage(), 1e-15);
        assertArrayEquals(new double[] {0.05 / Math.sqrt(0.15), 0.05 / Math.sqrt(0.15)}, t.weights(), 1e-15);
        assertEquals(0.1, Math.sqrt(12 * cov.variance(t.weights())), 1e-15, "the scaled weights meet the target");
    }

    @Test
    void badTargetsAreRefused() {
        CovarianceMatrix cov = CovarianceMatrix.of(new double[][] {{0.04, 0}, {0, 0.01}});
        assertThrows(InvalidInputException.class, () -> VolatilityTarget.scale(cov, new double[] {0.5, 0.5}, 0, 12));
        assertThrows(InvalidInputException.class, () -> VolatilityTarget.scale(cov, new double[] {0.5, 0.5}, 0.1,
                Double.NaN));
        assertThrows(InvalidInputException.class, () -> VolatilityTarget.scale(cov, new double[] {0, 0}, 0.1, 12));
    }
}

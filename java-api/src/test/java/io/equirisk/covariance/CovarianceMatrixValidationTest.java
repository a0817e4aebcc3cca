package io.equirisk.covariance;

import io.equirisk.error.NotSymmetricException;
import io.equirisk.error.ZeroVarianceException;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
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
}

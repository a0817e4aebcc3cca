package io.equirisk.covariance;

import io.equirisk.error.NotSymmetricException;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The symmetry test at the edges of the double range, where sqrt(Σ_ii·Σ_jj) would overflow. */
class CovarianceMatrixValidationTest {

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

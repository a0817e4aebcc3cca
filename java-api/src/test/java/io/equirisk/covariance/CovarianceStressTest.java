package io.equirisk.covariance;

import io.equirisk.error.InvalidInputException;
import io.equirisk.linalg.Cholesky;
import io.equirisk.testing.RandomCovariances;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Volatilities scaled, correlations moved toward 1 by the asked fraction, positive definiteness kept. */
class CovarianceStressTest {

    @Test
    void volatilitiesAndCorrelationsMoveAsAsked() {
        CovarianceMatrix sigma = RandomCovariances.factorModel(8, 2, 21);
        CovarianceMatrix s = CovarianceStress.apply(sigma, 1.5, 0.4);
        int n = sigma.size();
        for (int i = 0; i < n; i++) {
            assertEquals(1.5 * Math.sqrt(sigma.get(i, i)), Math.sqrt(s.get(i, i)), 1e-15 * Math.sqrt(s.get(i, i)));
            for (int j = 0; j < n; j++) {
                double rho = sigma.get(i, j) / Math.sqrt(sigma.get(i, i) * sigma.get(j, j));
                double rhoStressed = s.get(i, j) / Math.sqrt(s.get(i, i) * s.get(j, j));
                assertEquals(i == j ? 1.0 : 0.6 * rho + 0.4, rhoStressed, 1e-14, "(" + i + ", " + j + ")");
                assertEquals(s.get(i, j), s.get(j, i), 0.0, "exactly symmetric");
            }
        }
        assertEquals(sigma.assets(), s.assets());
        assertSame(sigma, CovarianceStress.apply(sigma, 1, 0));
    }

    /** An ill-conditioned Σ with correlations of both signs stays positive definite under the strongest shifts. */
    @Test
    void positiveDefinitenessIsKept() {
        CovarianceMatrix sigma = RandomCovariances.illConditioned(30, 1e10, 4, 22);
        for (double shift : new double[] {0.1, 0.9, 0.999}) {
            double[] c = CovarianceStress.apply(sigma, 2.0, shift).correlation();
            Cholesky.factor(c, 30); /* throws NotPositiveDefiniteException at a pivot that is not positive */
        }
    }

    @Test
    void badShocksAreRefused() {
        CovarianceMatrix sigma = RandomCovariances.factorModel(3, 1, 23);
        assertThrows(InvalidInputException.class, () -> CovarianceStress.apply(sigma, 0, 0));
        assertThrows(InvalidInputException.class, () -> CovarianceStress.apply(sigma, Double.NaN, 0));
        assertThrows(InvalidInputException.class, () -> CovarianceStress.apply(sigma, 1, 1));
        assertThrows(InvalidInputException.class, () -> CovarianceStress.apply(sigma, 1, -0.1));
        assertThrows(InvalidInputException.class, () -> CovarianceStress.apply(null, 1, 0.5));
    }
}

package io.equirisk.data;

import io.equirisk.covariance.CovarianceBatch;
import io.equirisk.covariance.CovarianceMatrix;
import io.equirisk.error.DimensionMismatchException;
import org.junit.jupiter.api.Test;

import java.util.Collections;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Products of sizes past a Java array's length are typed errors, where an int product would have wrapped. */
class ArraySizeTest {

    @Test
    void productsThatFitAreExactAndOthersAreNamed() {
        assertEquals(46_340 * 46_340, ArraySize.of("m", 46_340, 46_340));
        assertEquals(0, ArraySize.of("empty", 0, 1L << 40));
        DimensionMismatchException e = assertThrows(DimensionMismatchException.class,
                () -> ArraySize.of("a covariance matrix of 46341 assets", 46_341, 46_341));
        assertTrue(e.getMessage().startsWith("a covariance matrix of 46341 assets: more than"), e.getMessage());
        // 2^16 · 2^16 wraps to 0 as an int product
        assertThrows(DimensionMismatchException.class, () -> ArraySize.of("m", 65_536, 65_536));
        assertThrows(DimensionMismatchException.class, () -> ArraySize.of("m", -1, 5));
    }

    /** 2,048 matrices of 1,024²: 2^31 values, which as an int is negative. Refused before any allocation. */
    @Test
    void aBatchTooLargeForOneArrayIsRefusedBeforeAllocating() {
        double[] v = new double[1024 * 1024];
        for (int i = 0; i < 1024; i++) {
            v[i * 1024 + i] = 1.0;
        }
        CovarianceMatrix m = CovarianceMatrix.of(1024, v);
        DimensionMismatchException e = assertThrows(DimensionMismatchException.class,
                () -> CovarianceBatch.of(Collections.nCopies(2048, m)));
        assertTrue(e.getMessage().contains("2048 covariance matrices of 1024 assets"), e.getMessage());
    }
}

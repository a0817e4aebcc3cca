package io.equirisk.scenario;

import io.equirisk.error.InvalidInputException;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The normals have the moments of N(0, 1), and every coordinate of the counter and the key selects a new stream. */
class ScenarioNormalsTest {

    @Test
    void momentsAndTailsAreThoseOfAStandardNormal() {
        int rows = 2000;
        int perRow = 501; /* odd: the last pair's sine is dropped */
        double m = rows * (double) perRow;
        double s1 = 0, s2 = 0, s3 = 0, s4 = 0, beyond3 = 0, lag = 0;
        double[] z = new double[perRow];
        for (int t = 0; t < rows; t++) {
            ScenarioNormals.fill(7, t % 3, t, ScenarioNormals.ASSET_DOMAIN, 0, z, 0, perRow);
            for (int j = 0; j < perRow; j++) {
                double v = z[j];
                s1 += v;
                s2 += v * v;
                s3 += v * v * v;
                s4 += v * v * v * v;
                beyond3 += Math.abs(v) > 3 ? 1 : 0;
                if (j > 0) {
                    lag += v * z[j - 1];
                }
            }
        }
        /* bounds: 6 standard errors of each estimate under N(0, 1) */
        assertEquals(0, s1 / m, 6 / Math.sqrt(m), "mean");
        assertEquals(1, s2 / m, 6 * Math.sqrt(2 / m), "variance");
        assertEquals(0, s3 / m, 6 * Math.sqrt(15 / m), "third moment");
        assertEquals(3, s4 / m, 6 * Math.sqrt(96 / m), "fourth moment");
        assertEquals(0, lag / (m - rows), 6 / Math.sqrt(m - rows), "neighbours (the cosine and sine of a pair) "
                + "are uncorrelated");
        double p3 = 0.0026997960632601866; /* P(|Z| > 3) */
        assertEquals(p3, beyond3 / m, 6 * Math.sqrt(p3 / m), "tail beyond 3σ");
    }

    @Test
    void aDrawIsAFunctionOfItsCoordinatesAlone() {
        double[] row = new double[9];
        ScenarioNormals.fill(11, 4, 3, ScenarioNormals.ASSET_DOMAIN, 0, row, 0, 9);
        for (int j = 0; j < 9; j++) {
            assertEquals(row[j], ScenarioNormals.normal(11, 4, 3, j, ScenarioNormals.ASSET_DOMAIN), "index " + j);
        }
        double[] tail = new double[3];
        ScenarioNormals.fill(11, 4, 3, ScenarioNormals.ASSET_DOMAIN, 6, tail, 0, 3);
        assertEquals(row[6], tail[0]);
        assertEquals(row[8], tail[2]);
    }

    @Test
    void everyCoordinateSelectsAnotherStream() {
        double base = ScenarioNormals.normal(5, 2, 3, 4, 0);
        assertNotEquals(base, ScenarioNormals.normal(5 + (1L << 32), 2, 3, 4, 0), "seed's high word");
        assertNotEquals(base, ScenarioNormals.normal(6, 2, 3, 4, 0), "seed");
        assertNotEquals(base, ScenarioNormals.normal(5, 3, 3, 4, 0), "scenario");
        assertNotEquals(base, ScenarioNormals.normal(5, 2, 4, 4, 0), "row");
        assertNotEquals(base, ScenarioNormals.normal(5, 2, 3, 6, 0), "index");
        assertNotEquals(base, ScenarioNormals.normal(5, 2, 3, 4, 1), "domain");
        assertTrue(Double.isFinite(ScenarioNormals.normal(-1, (1L << 32) - 1, Integer.MAX_VALUE, 0, 1)));
    }

    @Test
    void anOddOrNegativeFirstIndexIsRefused() {
        double[] out = new double[4];
        assertThrows(InvalidInputException.class, () -> ScenarioNormals.fill(1, 0, 0, 0, 3, out, 0, 2));
        assertThrows(InvalidInputException.class, () -> ScenarioNormals.fill(1, 0, 0, 0, -2, out, 0, 2));
        assertThrows(InvalidInputException.class, () -> ScenarioNormals.fill(1, 0, 0, 0, 0, out, 0, -1));
    }

    /**
     * The engines' contract: these draws are pinned to the bit here and in the C driver ({@code PINNED_NORMALS},
     * which checks the header the kernels draw through), so a change to either side's arithmetic fails one of them.
     * The pins are no arbitrary numbers: each is within 4e-16 of Box-Muller computed with fdlibm's log, cos and sin.
     */
    @Test
    void drawsArePinnedToTheBitAcrossEngines() {
        double[] pinned = {-0x1.b0085ec1bb58cp-1, -0x1.8fbc29bec45ecp-3, 0x1.f2e3a248d66e3p-2, 0x1.375609ef15b2ep0,
                0x1.2b08b37de4831p-2, -0x1.537206d91a9a6p0, -0x1.36e4771e32238p1, 0x1.7cc4a2dc83445p-1};
        long seed = 0x0123456789abcdefL;
        int[] block = new int[4];
        for (int j = 0; j < 8; j++) {
            int domain = j % 2;
            assertEquals(pinned[j], ScenarioNormals.normal(seed, 7, 3, j, domain), "normal " + j);
            Philox4x32.block(j >>> 1, 3, 7, domain, (int) seed, (int) (seed >>> 32), block);
            long a = ((block[0] & 0xFFFFFFFFL) << 21) | ((block[1] & 0xFFFFFFFFL) >>> 11);
            long b = ((block[2] & 0xFFFFFFFFL) << 21) | ((block[3] & 0xFFFFFFFFL) >>> 11);
            double radius = Math.sqrt(-2 * StrictMath.log((a + 1) * 0x1p-53));
            double angle = 2 * Math.PI * (b * 0x1p-53);
            double fdlibm = radius * (j % 2 == 0 ? StrictMath.cos(angle) : StrictMath.sin(angle));
            assertEquals(fdlibm, pinned[j], 4e-16 * Math.max(1, radius), "normal " + j + " against fdlibm");
        }
    }
}

package io.equirisk.data;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Returns from prices: row t is the move from date t−1 to date t, labelled with the later date. */
class ReturnsFromPricesTest {
    private static final PriceHistory PRICES = PriceHistory.of(3, 2, new double[] {
            100, 50,
            110, 40,
            99, Double.NaN}, List.of("A", "B"), List.of("2020-01-01", "2020-01-02", "2020-01-03"));

    @Test
    void returnsAreDatedByTheLaterPrice() {
        Returns r = Returns.fromPrices(PRICES, ReturnKind.SIMPLE);
        assertEquals(List.of("2020-01-02", "2020-01-03"), r.dates());
        assertEquals(List.of("A", "B"), r.assets());
    }

    @Test
    void simpleAndLogReturnsByHand() {
        double[] simple = Returns.fromPrices(PRICES, ReturnKind.SIMPLE).values();
        assertEquals(0.1, simple[0], 1e-15);          // 110/100 − 1
        assertEquals(-0.2, simple[1], 1e-15);         // 40/50 − 1
        assertEquals(-0.1, simple[2], 1e-15);         // 99/110 − 1
        assertTrue(Double.isNaN(simple[3]), "a missing price gives a missing return");
        double[] log = Returns.fromPrices(PRICES, ReturnKind.LOG).values();
        assertEquals(0.09531017980432493, log[0], 1e-16);   // ln 1.1 (numpy: np.log(1.1))
        assertEquals(-0.2231435513142097, log[1], 1e-16);   // ln 0.8
        assertEquals(-0.10536051565782628, log[2], 1e-16);  // ln 0.9
    }

    /** Held through a gap: the move over it lands on the first date after it, as if the price were carried forward. */
    @Test
    void carriedReturnsPutAGapsMoveOnTheDateAfterIt() {
        double nan = Double.NaN;
        PriceHistory p = PriceHistory.of(5, 2, new double[] {
                100, nan,
                nan, 50,
                110, nan,
                121, nan,
                nan, 60}, List.of("A", "B"), null);
        double[] plain = Returns.fromPrices(p, ReturnKind.SIMPLE).values();
        double[] held = Returns.fromPricesCarried(p).values();
        /* A: 100, gap, 110, 121, gone; B: none, 50, gap, gap, 60 */
        double[] expected = {nan, nan, 0.10, nan, 0.10, nan, nan, 0.20};
        for (int e = 0; e < expected.length; e++) {
            assertEquals(expected[e], held[e], 1e-15, "entry " + e);
        }
        assertTrue(Double.isNaN(plain[2]) && Double.isNaN(plain[7]), "the plain returns leave both gaps out");
        assertEquals(plain[4], held[4], 0.0, "no gap before: the same return");
    }
}

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
}

package io.equirisk.backtest;

import io.equirisk.error.InvalidInputException;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The summary against figures worked by hand. */
class PerformanceSummaryTest {

    @Test
    void aPathWorkedByHand() {
        /* wealth 1.1, 0.55, 0.66, 0.99: the worst fall is 1.1 → 0.55; mean 0.075, squared deviations
           0.025², 0.575², 0.125², 0.425² sum to 0.5275 */
        PerformanceSummary s = PerformanceSummary.of(new double[]{0.1, -0.5, 0.2, 0.5}, 4);
        assertEquals(4, s.periods());
        assertEquals(-0.01, s.totalReturn(), 1e-15);
        assertEquals(-0.01, s.annualisedReturn(), 1e-15, "four periods at four a year: a year");
        assertEquals(Math.sqrt(0.5275 / 3 * 4), s.annualisedVolatility(), 1e-15);
        assertEquals(0.5, s.maxDrawdown(), 1e-15);
        assertEquals(-0.01 / Math.sqrt(0.5275 / 3 * 4), s.returnToVolatility(), 1e-14);
    }

    @Test
    void returnsAreCompoundedToAYear() {
        PerformanceSummary s = PerformanceSummary.of(new double[]{0.1, 0.1}, 12);
        assertEquals(0.21, s.totalReturn(), 1e-15);
        assertEquals(Math.pow(1.21, 6) - 1, s.annualisedReturn(), 1e-14);
        assertEquals(0.0, s.annualisedVolatility(), 0.0);
        assertTrue(Double.isNaN(s.returnToVolatility()), "no volatility, no ratio");
        assertEquals(0.0, s.maxDrawdown(), 0.0);
    }

    @Test
    void theStartingWealthCountsAsAPeak() {
        PerformanceSummary s = PerformanceSummary.of(new double[]{-0.2, 0.1, -0.1}, 252);
        assertEquals(1 - 0.8 * 1.1 * 0.9, s.maxDrawdown(), 1e-15, "1 → 0.792, below the 0.8 of the first fall");
        assertTrue(Double.isNaN(PerformanceSummary.of(new double[]{0.01}, 252).annualisedVolatility()),
                "one return has no sample standard deviation");
    }

    @Test
    void aTotalLoss() {
        PerformanceSummary s = PerformanceSummary.of(new double[]{-1.0, 0.5}, 252);
        assertEquals(-1.0, s.totalReturn(), 0.0);
        assertEquals(-1.0, s.annualisedReturn(), 0.0);
        assertEquals(1.0, s.maxDrawdown(), 0.0);
    }

    @Test
    void badInputIsRefused() {
        assertThrows(InvalidInputException.class, () -> PerformanceSummary.of(new double[0], 252));
        assertTrue(assertThrows(InvalidInputException.class, () -> PerformanceSummary.of(new double[]{0.1, -1.2},
                252)).getMessage().contains("return 2 is -1.2"));
        assertThrows(InvalidInputException.class, () -> PerformanceSummary.of(new double[]{Double.NaN}, 252));
        assertThrows(InvalidInputException.class, () -> PerformanceSummary.of(new double[]{0.1}, 0));
    }
}

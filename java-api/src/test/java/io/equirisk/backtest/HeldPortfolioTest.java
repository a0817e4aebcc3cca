package io.equirisk.backtest;

import io.equirisk.data.Returns;
import io.equirisk.error.DimensionMismatchException;
import io.equirisk.error.InvalidInputException;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The held portfolio against a hand-worked example and against units bought at prices (a second bookkeeping). */
class HeldPortfolioTest {

    private static Returns returns(double[][] r) {
        return Returns.of(r, null, null);
    }

    @Test
    void aHandWorkedExampleDriftsBetweenRebalancesAndHoldsTheLastWeightsToTheEnd() {
        Returns r = returns(new double[][]{{0.0, 0.0}, {0.10, -0.05}, {0.20, 0.0}, {-0.10, 0.10}, {0.05, 0.02}});
        HeldPortfolio h = HeldPortfolio.of(r, new int[]{0, 2}, new double[]{0.5, 0.5, 0.25, 0.75});
        /* row 1: ½·0.10 + ½·(−0.05) = 0.025, holdings (0.55, 0.475); row 2: 0.55·0.20 / 1.025 = 22/205;
           rebalanced at row 2's close to (¼, ¾): row 3: −0.025 + 0.075 = 0.05, holdings (0.225, 0.825);
           row 4: (0.225·0.05 + 0.825·0.02) / 1.05 = 111/4200 */
        assertArrayEquals(new double[]{0.025, 22.0 / 205, 0.05, 111.0 / 4200}, h.returns(), 1e-16);
        assertEquals(1, h.firstRow());
        assertEquals(0, h.missingAsZero());
        /* at row 2's close the holdings (0.66, 0.475) weigh (132/227, 95/227): trading them to (¼, ¾) moves
           132/227 − ¼ = 301/908 one way; target to target it would be ¼ */
        assertArrayEquals(new double[]{301.0 / 908}, h.turnover(), 1e-16);
        assertEquals(301.0 / 908, h.meanTurnover(), 1e-16);
        assertTrue(Double.isNaN(HeldPortfolio.of(r, new int[]{0}, new double[]{1, 1}).meanTurnover()),
                "one rebalance trades nothing held");
    }

    @Test
    void agreesWithUnitsBoughtAtPricesOnRandomData() {
        Random rnd = new Random(11);
        int t = 300;
        int n = 6;
        double[][] r = new double[t][n];
        for (double[] row : r) {
            for (int i = 0; i < n; i++) {
                row[i] = 0.02 * rnd.nextGaussian() + 0.0003 * i;
            }
        }
        int[] rows = {17, 40, 41, 100, 230, 299};
        double[] w = new double[rows.length * n];
        for (int k = 0; k < rows.length; k++) {
            for (int i = 0; i < n; i++) {
                w[k * n + i] = i == k ? 0 : rnd.nextDouble(); /* each date leaves one asset out; not normalised */
            }
        }
        HeldPortfolio h = HeldPortfolio.of(returns(r), rows, w);

        /* prices from the returns; at each rebalance the wealth buys units w_i·V/Σw / P_i, held to the next */
        double[][] price = new double[t][n];
        for (int s = 0; s < t; s++) {
            for (int i = 0; i < n; i++) {
                price[s][i] = (s == 0 ? 100.0 : price[s - 1][i]) * (1 + r[s][i]);
            }
        }
        double wealth = 1;
        double[] units = new double[n];
        double compounded = 1;
        int k = 0;
        for (int s = rows[0]; s < t; s++) {
            if (s > rows[0]) {
                double v = 0;
                for (int i = 0; i < n; i++) {
                    v += units[i] * price[s][i];
                }
                compounded *= 1 + h.returns()[s - rows[0] - 1];
                assertEquals(v, compounded, 1e-12 * v, "wealth after row " + s);
                wealth = v;
            }
            if (k < rows.length && s == rows[k]) {
                double sum = 0;
                for (int i = 0; i < n; i++) {
                    sum += w[k * n + i];
                }
                if (k > 0) { /* the trades from the units held to the units bought, as a share of the wealth */
                    double traded = 0;
                    for (int i = 0; i < n; i++) {
                        traded += Math.abs(w[k * n + i] / sum * wealth - units[i] * price[s][i]);
                    }
                    assertEquals(0.5 * traded / wealth, h.turnover()[k - 1], 1e-12, "turnover at row " + s);
                }
                for (int i = 0; i < n; i++) {
                    units[i] = w[k * n + i] / sum * wealth / price[s][i];
                }
                k++;
            }
        }
        assertEquals(t - rows[0] - 1, h.returns().length);
        assertEquals(rows.length - 1, h.turnover().length, "the last rebalance, on the last row, counted too");
        assertTrue(wealth > 0);
    }

    @Test
    void aMissingReturnCountsAsZeroOnlyWhereTheAssetIsHeld() {
        double nan = Double.NaN;
        Returns r = returns(new double[][]{{0, 0, 0}, {0.1, nan, nan}, {0.2, 0.1, 0.3}});
        HeldPortfolio h = HeldPortfolio.of(r, new int[]{0}, new double[]{0.5, 0.5, 0.0});
        assertEquals(1, h.missingAsZero(), "asset 2 is held and lacks row 1; asset 3 is not held");
        assertEquals(0.05, h.returns()[0], 1e-16);
        assertEquals((0.55 * 0.2 + 0.5 * 0.1) / 1.05, h.returns()[1], 1e-16);
    }

    @Test
    void aTotalLossLeavesNothingToLose() {
        Returns r = returns(new double[][]{{0}, {-1.0}, {0.5}});
        assertArrayEquals(new double[]{-1.0, 0.0}, HeldPortfolio.of(r, new int[]{0}, new double[]{1}).returns());
    }

    @Test
    void aCostlyTradeIsPaidFromTheEquityItBuys() {
        /* one asset, 1% of the value traded: the first purchase from cash spends E′ + 0.01·E′ = 1, so E′ = 1/1.01 */
        Returns one = returns(new double[][]{{0}, {0.10}, {0.20}});
        HeldPortfolio h = HeldPortfolio.of(one, new int[]{0}, new double[]{1}, null, 0.01);
        assertArrayEquals(new double[]{1.1 / 1.01 - 1, 0.20}, h.returns(), 1e-15);
        assertEquals(0.01 / 1.01, h.costs(), 1e-16);
        assertEquals(0.01 / 1.01 * 252 / 2, h.costsPerYear(252), 1e-13);
        /* two assets from ½/½ at row 0; at row 1's close the holdings (0.55, 0.475)/1.01 are traded back to ½/½ of
           the equity E′ left after paying 1% of |E′/2 − 0.55/1.01| + |E′/2 − 0.475/1.01| = 0.075/1.01 (E′ lies
           between the two holdings' doubles), so E′ = (1.025 − 0.01·0.075)/1.01 */
        Returns two = returns(new double[][]{{0, 0}, {0.10, -0.05}, {0.0, 0.0}});
        HeldPortfolio t = HeldPortfolio.of(two, new int[]{0, 1}, new double[]{0.5, 0.5, 0.5, 0.5}, null, 0.01);
        double e1 = 1.025 / 1.01;
        double e2 = (1.025 - 0.01 * 0.075) / 1.01;
        assertArrayEquals(new double[]{e1 - 1, e2 / e1 - 1}, t.returns(), 1e-15);
        assertEquals((1 - 1 / 1.01) + (e1 - e2) / e1, t.costs(), 1e-15);
        assertEquals(0.075 / 1.025 / 2 * 1.0, t.turnover()[0], 1e-15, "turnover is the trade's, not its cost");
        /* without costs the general form is the three-argument one, to the bit */
        Returns r = returns(new double[][]{{0.0, 0.0}, {0.10, -0.05}, {0.20, 0.0}, {-0.10, 0.10}, {0.05, 0.02}});
        double[] w = {0.5, 0.5, 0.25, 0.75};
        assertArrayEquals(HeldPortfolio.of(r, new int[]{0, 2}, w).returns(),
                HeldPortfolio.of(r, new int[]{0, 2}, w, new double[]{1, 1}, 0).returns(), 0.0);
        assertEquals(0.0, HeldPortfolio.of(r, new int[]{0, 2}, w).costs(), 0.0);
    }

    /**
     * A levered book that pays for its trades, against a ledger of units and cash whose equity after each trade is
     * found by bisection (the solver iterates to a fixed point instead).
     */
    @Test
    void aLeveredCostlyBookAgreesWithALedgerOfUnitsAndCash() {
        Random rnd = new Random(29);
        int t = 260;
        int n = 5;
        double[][] r = new double[t][n];
        for (double[] row : r) {
            for (int i = 0; i < n; i++) {
                row[i] = 0.01 * rnd.nextGaussian() + 0.0002;
            }
        }
        int[] rows = {9, 30, 31, 120, 200};
        double[] w = new double[rows.length * n];
        double[] leverage = {1.0, 2.5, 0.6, 3.0, 1.7};
        for (int k = 0; k < w.length; k++) {
            w[k] = rnd.nextDouble();
        }
        double c = 0.0025;
        HeldPortfolio h = HeldPortfolio.of(returns(r), rows, w, leverage, c);

        double[][] price = new double[t][n];
        for (int s = 0; s < t; s++) {
            for (int i = 0; i < n; i++) {
                price[s][i] = (s == 0 ? 50.0 : price[s - 1][i]) * (1 + r[s][i]);
            }
        }
        double[] units = new double[n];
        double cash = 1;
        double compounded = 1;
        double costs = 0;
        int k = 0;
        for (int s = rows[0]; s < t; s++) {
            double equity = cash;
            for (int i = 0; i < n; i++) {
                equity += units[i] * price[s][i];
            }
            if (s > rows[0]) {
                compounded *= 1 + h.returns()[s - rows[0] - 1];
                assertEquals(equity, compounded, 1e-12 * equity, "equity after row " + s);
            }
            if (k < rows.length && s == rows[k]) {
                double sum = 0;
                for (int i = 0; i < n; i++) {
                    sum += w[k * n + i];
                }
                double lo = 0;
                double hi = equity; /* f(E′) = E′ + c·Σ|L·E′·w_i − p_i| − E rises from ≤ 0 at 0 to ≥ 0 at E */
                for (int it = 0; it < 200; it++) {
                    double mid = 0.5 * (lo + hi);
                    double traded = 0;
                    for (int i = 0; i < n; i++) {
                        traded += Math.abs(leverage[k] * mid * w[k * n + i] / sum - units[i] * price[s][i]);
                    }
                    if (mid + c * traded > equity) {
                        hi = mid;
                    } else {
                        lo = mid;
                    }
                }
                double after = 0.5 * (lo + hi);
                costs += (equity - after) / equity;
                for (int i = 0; i < n; i++) {
                    units[i] = leverage[k] * after * w[k * n + i] / sum / price[s][i];
                }
                cash = after * (1 - leverage[k]);
                k++;
            }
        }
        assertEquals(costs, h.costs(), 1e-12);
        assertTrue(costs > 0.0025 * (1 + 2.5 + 3.0), "each trade paid something: " + costs);
    }

    @Test
    void aLeveredBookThatLosesItsEquityEarnsNothingAfter() {
        /* twice the equity in an asset that falls 60%: the debt of 1 exceeds the 0.8 held */
        Returns r = returns(new double[][]{{0}, {-0.6}, {0.5}, {0.5}});
        HeldPortfolio h = HeldPortfolio.of(r, new int[]{0, 2}, new double[]{1, 1}, new double[]{2, 2}, 0);
        assertArrayEquals(new double[]{-1.0, 0.0, 0.0}, h.returns(), 0.0);
        /* eight times the equity at 10% a trade (a review's case): the first purchase leaves E′ = 1/1.8, A's 10% fall
           leaves 0.111 of equity against 4.0 held, and selling that alone would cost 0.4: the switch to B takes all
           the equity (its root E′ < 0 held B short, which B's fall then turned into a gain of 680%) */
        Returns ab = returns(new double[][]{{0, 0}, {-0.10, 0}, {0, -0.20}, {0.05, 0.05}});
        HeldPortfolio bankrupt = HeldPortfolio.of(ab, new int[]{0, 1}, new double[]{1, 0, 0, 1},
                new double[]{8, 8}, 0.10);
        /* row 1: E′ + 8E′·(−0.10) = 0.2/1.8 of the 1 before the purchase */
        assertArrayEquals(new double[]{0.2 / 1.8 - 1, -1.0, 0.0}, bankrupt.returns(), 1e-15);
        assertEquals(0.8 / 1.8 + 1, bankrupt.costs(), 1e-15, "the first purchase's cost, then all the equity");
        assertArrayEquals(new double[]{0.0}, HeldPortfolio.of(returns(new double[][]{{0}, {-1.0}, {0.5}}),
                new int[]{0, 1}, new double[]{1, 1}).turnover(), 0.0, "nothing held after a total loss: no trade");
        /* below 1, the rest is cash: 0.4 in the asset and 0.6 kept */
        HeldPortfolio half = HeldPortfolio.of(r, new int[]{0}, new double[]{1}, new double[]{0.4}, 0);
        assertArrayEquals(new double[]{-0.24, 0.5 * 0.16 / 0.76, 0.5 * 0.24 / 0.84}, half.returns(), 1e-15);
    }

    @Test
    void badLeverageAndCostsAreRefusedNamingTheRebalance() {
        Returns r = Returns.of(new double[][]{{0}, {0.1}, {0}}, List.of("A"), List.of("d1", "d2", "d3"));
        int[] rows = {0, 1};
        double[] w = {1, 1};
        assertTrue(assertThrows(DimensionMismatchException.class, () -> HeldPortfolio.of(r, rows, w,
                new double[]{1}, 0)).getMessage().contains("need 2 leverages, got 1"));
        assertTrue(assertThrows(InvalidInputException.class, () -> HeldPortfolio.of(r, rows, w,
                new double[]{1, -2}, 0)).getMessage().contains("leverage at rebalance 2 (d2) is -2.0"));
        assertTrue(assertThrows(InvalidInputException.class, () -> HeldPortfolio.of(r, rows, w,
                new double[]{Double.NaN, 1}, 0)).getMessage().contains("rebalance 1 (d1) is NaN"));
        assertTrue(assertThrows(InvalidInputException.class, () -> HeldPortfolio.of(r, rows, w, null, 0.5))
                .getMessage().contains("cost rate is 0.5"));
        assertThrows(InvalidInputException.class, () -> HeldPortfolio.of(r, rows, w, null, -0.001));
        assertThrows(InvalidInputException.class, () -> HeldPortfolio.of(r, rows, w, null, Double.NaN));
        assertTrue(assertThrows(InvalidInputException.class, () -> HeldPortfolio.of(r, rows, w,
                new double[]{1, 20}, 0.05)).getMessage().contains("leverage 20.00 at rebalance 2 (d2)"));
    }

    @Test
    void badInputIsRefusedNamingTheProblem() {
        Returns r = Returns.of(new double[][]{{0, 0}, {0.1, -1.5}, {0, 0}}, List.of("A", "B"),
                List.of("d1", "d2", "d3"));
        assertTrue(assertThrows(DimensionMismatchException.class, () -> HeldPortfolio.of(r, new int[]{0, 1},
                new double[]{1, 0})).getMessage().contains("need 4 weights, got 2"));
        assertTrue(assertThrows(InvalidInputException.class, () -> HeldPortfolio.of(r, new int[]{1, 1},
                new double[]{1, 0, 1, 0})).getMessage().contains("rebalance 2 is at row 1 after row 1"));
        assertTrue(assertThrows(InvalidInputException.class, () -> HeldPortfolio.of(r, new int[]{3},
                new double[]{1, 0})).getMessage().contains("within 0 … 2"));
        assertTrue(assertThrows(InvalidInputException.class, () -> HeldPortfolio.of(r, new int[]{0},
                new double[]{1, -0.1})).getMessage().contains("weight of asset B at rebalance 1 (d1) is -0.1"));
        assertTrue(assertThrows(InvalidInputException.class, () -> HeldPortfolio.of(r, new int[]{0},
                new double[]{0, 0})).getMessage().contains("are all 0"));
        assertTrue(assertThrows(InvalidInputException.class, () -> HeldPortfolio.of(r, new int[]{0},
                new double[]{0.5, 0.5})).getMessage().contains("asset B on d2 is -1.5"));
        /* the same return is not held, so it does not matter */
        assertEquals(0.1, HeldPortfolio.of(r, new int[]{0}, new double[]{1, 0}).returns()[0], 0.0);
        assertThrows(InvalidInputException.class, () -> HeldPortfolio.of(r, new int[0], new double[0]));
    }
}

package io.equirisk.cli;

import io.equirisk.testing.SharedData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code equirisk rolling} end to end: every rebalance's weights checked against a covariance this test computes
 * itself from the window's returns (double loop), the dates and the window arithmetic, EWMA, budgets, the three
 * output forms, the GPU kernels (emulated) against the CPU engine on real data, and bad input.
 */
class RollingCommandTest {
    @TempDir
    Path dir;

    private static final String[] ASSETS = {"EQ", "BOND", "GOLD", "OIL", "FX"};

    /** A returns CSV with dates: 5 assets from 2 factors plus noise, volatilities over a decade. */
    private static double[][] syntheticReturns(int rows, long seed) {
        Random rnd = new Random(seed);
        double[] vol = {0.012, 0.003, 0.009, 0.02, 0.005};
        double[][] load = {{1.0, 0.2}, {-0.3, 0.8}, {0.1, 0.5}, {0.7, -0.2}, {0.2, 0.3}};
        double[][] r = new double[rows][ASSETS.length];
        for (int t = 0; t < rows; t++) {
            double f1 = rnd.nextGaussian();
            double f2 = rnd.nextGaussian();
            for (int j = 0; j < ASSETS.length; j++) {
                r[t][j] = vol[j] * (load[j][0] * f1 + load[j][1] * f2 + 0.6 * rnd.nextGaussian()) / 1.3;
            }
        }
        return r;
    }

    /** Prices from 100 compounding the simple returns r, row 0's return included. */
    private static double[][] pricesOf(double[][] r) {
        double[][] price = new double[r.length][ASSETS.length];
        for (int t = 0; t < r.length; t++) {
            for (int j = 0; j < ASSETS.length; j++) {
                price[t][j] = (t == 0 ? 100 : price[t - 1][j]) * (1 + r[t][j]);
            }
        }
        return price;
    }

    /** n calendar days from 2020-01-01, the dates {@link #writeReturns} gives its rows. */
    private static List<String> daysFrom2020(int n) {
        return java.util.stream.IntStream.range(0, n)
                .mapToObj(t -> java.time.LocalDate.of(2020, 1, 1).plusDays(t).toString()).toList();
    }

    private Path writeReturns(double[][] r, int blankRow) {
        return writeDated("returns.csv", r, (t, j) -> t == blankRow && j == 2);
    }

    /** A file of ASSETS' values (returns or prices), daily from 2020-01-01, the cells {@code blank} names empty. */
    private Path writeDated(String name, double[][] v, java.util.function.BiPredicate<Integer, Integer> blank) {
        StringBuilder sb = new StringBuilder("date," + String.join(",", ASSETS) + "\n");
        java.time.LocalDate d = java.time.LocalDate.of(2020, 1, 1);
        for (int t = 0; t < v.length; t++) {
            sb.append(d.plusDays(t));
            for (int j = 0; j < ASSETS.length; j++) {
                sb.append(',').append(blank.test(t, j) ? "" : Double.toString(v[t][j]));
            }
            sb.append('\n');
        }
        return Cli.write(dir, name, sb.toString());
    }

    /** The window's covariance, computed here: sample (demeaned, 1/(W−1)) or EWMA (zero mean, λ^(W−1−t)/Σ). */
    private static double[][] covariance(double[][] r, int from, int window, double lambda) {
        int n = r[0].length;
        double[] mean = new double[n];
        double[] w = new double[window];
        if (lambda == 0) {
            for (int t = 0; t < window; t++) {
                for (int j = 0; j < n; j++) {
                    mean[j] += r[from + t][j] / window;
                }
                w[t] = 1.0 / (window - 1);
            }
        } else {
            double sum = 0;
            for (int t = 0; t < window; t++) {
                w[t] = Math.pow(lambda, window - 1 - t);
                sum += w[t];
            }
            for (int t = 0; t < window; t++) {
                w[t] /= sum;
            }
        }
        double[][] c = new double[n][n];
        for (int t = 0; t < window; t++) {
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < n; j++) {
                    c[i][j] += w[t] * (r[from + t][i] - mean[i]) * (r[from + t][j] - mean[j]);
                }
            }
        }
        return c;
    }

    /** Weights ≥ 0 summing to 1 whose risk contributions under Σ equal the budgets within tol. */
    private static void assertBudgetsMet(double[][] cov, double[] w, double[] budgets, double tol, String what) {
        int n = w.length;
        double sum = 0;
        for (double v : w) {
            assertTrue(v > 0, what + ": weight " + v);
            sum += v;
        }
        assertEquals(1.0, sum, 1e-12, what);
        double[] sw = new double[n];
        double var = 0;
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                sw[i] += cov[i][j] * w[j];
            }
            var += w[i] * sw[i];
        }
        for (int i = 0; i < n; i++) {
            assertEquals(budgets[i], w[i] * sw[i] / var, tol, what + ": risk contribution of " + ASSETS[i]);
        }
    }

    /**
     * The output CSV: header, then date, N weights, converged, residual, iterations, volatility, assets, and the
     * leverage with --vol-target.
     */
    private static List<String[]> rows(Path csv) throws Exception {
        List<String> lines = Files.readAllLines(csv);
        String header = "date," + String.join(",", ASSETS) + ",converged,residual,iterations,volatility,assets";
        assertTrue(lines.get(0).equals(header) || lines.get(0).equals(header + ",leverage"), lines.get(0));
        return lines.subList(1, lines.size()).stream().map(l -> l.split(",")).toList();
    }

    /** Equal weights over ASSETS at each of {@code count} rebalances. */
    private static List<double[]> equalWeights(int count) {
        double[] e = new double[ASSETS.length];
        java.util.Arrays.fill(e, 1.0 / ASSETS.length);
        return java.util.Collections.nCopies(count, e);
    }

    private static double[] weights(String[] row) {
        double[] w = new double[ASSETS.length];
        for (int j = 0; j < w.length; j++) {
            w[j] = Double.parseDouble(row[1 + j]);
        }
        return w;
    }

    @Test
    void everyRebalanceMeetsTheBudgetsOnTheWindowsOwnCovariance() throws Exception {
        double[][] r = syntheticReturns(700, 11);
        Path in = writeReturns(r, -1);
        Path out = dir.resolve("w.csv");
        Cli.Result res = Cli.run("rolling", "--returns", in.toString(), "--window", "250", "--step", "40",
                "--output", out.toString());
        assertEquals(0, res.code(), res.toString());
        List<String[]> rows = rows(out);
        assertEquals((700 - 250) / 40 + 1, rows.size(), "windows: floor((T − W)/step) + 1");
        // laid back from the last date: the last window ends on the last return, (700 − 250) mod 40 = 10 left out
        assertTrue(res.err().contains("the 10 returns before the first window are left out"), res.toString());
        double[] equal = Checks.equal(ASSETS.length);
        for (int k = 0; k < rows.size(); k++) {
            String[] row = rows.get(k);
            int start = 10 + 40 * k;
            assertEquals(java.time.LocalDate.of(2020, 1, 1).plusDays(start + 249L).toString(), row[0],
                    "window " + k + " is dated by its last return");
            assertEquals("true", row[ASSETS.length + 1]);
            assertTrue(Double.parseDouble(row[ASSETS.length + 2]) <= 1e-10, "reported residual " + row[6]);
            assertBudgetsMet(covariance(r, start, 250, 0), weights(row), equal, 1e-9, "window " + k);
        }
        assertEquals(java.time.LocalDate.of(2020, 1, 1).plusDays(699).toString(), rows.get(rows.size() - 1)[0]);
        assertTrue(res.out().contains("converged:        " + rows.size() + " of " + rows.size()), res.out());
        assertTrue(res.out().contains("rebalances:       " + rows.size() + " (2020-09-16 … "), res.out());
    }

    @Test
    void ewmaWithBudgetsByNameAndTheOutputsAgreeAtFullPrecision() throws Exception {
        double[][] r = syntheticReturns(400, 5);
        Path in = writeReturns(r, -1);
        Path budgets = Cli.write(dir, "b.csv", "FX,0.1\nEQ,0.3\nBOND,0.3\nOIL,0.1\nGOLD,0.2\n");
        Path out = dir.resolve("w.csv");
        Cli.Result json = Cli.run("rolling", "--returns", in.toString(), "--window", "120", "--step", "70",
                "--estimator", "ewma:0.97", "--budgets", budgets.toString(), "--output", out.toString(),
                "--format", "json");
        assertEquals(0, json.code(), json.toString());
        double[] b = {0.3, 0.3, 0.2, 0.1, 0.1};
        List<String[]> rows = rows(out);
        @SuppressWarnings("unchecked")
        Map<String, Object> doc = (Map<String, Object>) MiniJson.parse(json.out());
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> rebalances = (List<Map<String, Object>>) doc.get("rebalances");
        assertEquals(rows.size(), rebalances.size());
        assertEquals(List.of(ASSETS), doc.get("assets"));
        assertEquals("ewma:0.97", doc.get("estimator"));
        for (int k = 0; k < rows.size(); k++) {
            double[] w = weights(rows.get(k));
            assertBudgetsMet(covariance(r, k * 70, 120, 0.97), w, b, 1e-9, "window " + k);
            @SuppressWarnings("unchecked")
            List<Double> jw = (List<Double>) rebalances.get(k).get("weights");
            for (int j = 0; j < w.length; j++) {
                assertEquals(w[j], jw.get(j), 0.0, "JSON and CSV carry the same double");
            }
            assertEquals(rows.get(k)[0], rebalances.get(k).get("date"));
        }
        Cli.Result csv = Cli.run("rolling", "--returns", in.toString(), "--window", "120", "--step", "70",
                "--estimator", "ewma:0.97", "--budgets", budgets.toString(), "--format", "csv");
        assertEquals(Files.readString(out), csv.out());
    }

    /**
     * What each CSV row's weights, bought as units at that date's prices and held to the next row's date (the last
     * to the last price), return on each later price date: a second bookkeeping, in units and prices, of what the
     * command computes from returns and drifting weights.
     */
    private static double[] heldReturns(double[][] price, List<String> priceDates, List<double[]> weights,
                                        List<String> dates) {
        int n = price[0].length;
        int first = priceDates.indexOf(dates.get(0));
        double[] out = new double[price.length - 1 - first];
        double wealth = 1;
        double[] units = new double[n];
        int k = 0;
        for (int s = first; s < price.length; s++) {
            if (s > first) {
                double v = 0;
                for (int i = 0; i < n; i++) {
                    v += units[i] * price[s][i];
                }
                out[s - first - 1] = v / wealth - 1;
                wealth = v;
            }
            if (k < dates.size() && priceDates.get(s).equals(dates.get(k))) {
                for (int i = 0; i < n; i++) {
                    units[i] = weights.get(k)[i] * wealth / price[s][i];
                }
                k++;
            }
        }
        assertEquals(dates.size(), k, "every rebalance date is a price date");
        return out;
    }

    /** The JSON summary's figures against those of the wealth path of r: compounded, sample deviation, peaks. */
    private static void assertSummary(Map<String, Object> json, double[] r, double periods, String what) {
        double wealth = 1;
        double peak = 1;
        double drawdown = 0;
        double mean = 0;
        for (double x : r) {
            wealth *= 1 + x;
            peak = Math.max(peak, wealth);
            drawdown = Math.max(drawdown, 1 - wealth / peak);
            mean += x / r.length;
        }
        double squares = 0;
        for (double x : r) {
            squares += (x - mean) * (x - mean);
        }
        double annual = Math.pow(wealth, periods / r.length) - 1;
        double vol = Math.sqrt(squares / (r.length - 1) * periods);
        assertEquals(wealth - 1, (Double) json.get("total_return"), 1e-12, what + ": total return");
        assertEquals(annual, (Double) json.get("annualised_return"), 1e-12, what + ": annualised return");
        assertEquals(vol, (Double) json.get("annualised_volatility"), 1e-12 * vol, what + ": volatility");
        assertEquals(drawdown, (Double) json.get("max_drawdown"), 1e-12, what + ": max drawdown");
        assertEquals(annual / vol, (Double) json.get("return_to_volatility"), 1e-10, what + ": return/vol");
        assertTrue(drawdown > 0.01 && vol > 0.01, what + ": a path that moves (" + drawdown + ", " + vol + ")");
    }

    @Test
    void outOfSampleEachDatesWeightsAreHeldToTheNextDate() throws Exception {
        double[][] r = syntheticReturns(400, 9);
        double[][] price = pricesOf(r);
        List<String> priceDates = daysFrom2020(r.length);
        Path out = dir.resolve("w.csv");
        Cli.Result res = Cli.run("rolling", "--returns", writeReturns(r, -1).toString(), "--window", "120", "--step",
                "70", "--output", out.toString(), "--format", "json");
        assertEquals(0, res.code(), res.toString());
        List<String[]> rows = rows(out);
        assertEquals(5, rows.size(), "rebalances at rows 120, 190, 260, 330 and 400");
        List<String> dates = rows.stream().map(row -> row[0]).toList();
        List<double[]> weights = rows.stream().map(RollingCommandTest::weights).toList();
        List<double[]> equal = equalWeights(rows.size());
        @SuppressWarnings("unchecked")
        Map<String, Object> doc = (Map<String, Object>) MiniJson.parse(res.out());
        @SuppressWarnings("unchecked")
        Map<String, Object> o = (Map<String, Object>) doc.get("out_of_sample");
        double periods = (Double) doc.get("periods_per_year");
        assertEquals(365.0, periods, "calendar-day dates");
        assertEquals(280.0, o.get("returns"), "rows 121 … 400");
        assertEquals(priceDates.get(120), o.get("from"));
        assertEquals(priceDates.get(399), o.get("to"));
        assertEquals(0.0, o.get("missing_returns_as_zero"));
        @SuppressWarnings("unchecked")
        Map<String, Object> held = (Map<String, Object>) o.get("weights");
        @SuppressWarnings("unchecked")
        Map<String, Object> heldEqual = (Map<String, Object>) o.get("equal_weight");
        assertSummary(held, heldReturns(price, priceDates, weights, dates), periods, "the weights");
        assertSummary(heldEqual, heldReturns(price, priceDates, equal, dates), periods, "equal weight");
        Cli.Result table = Cli.run("rolling", "--returns", writeReturns(r, -1).toString(), "--window", "120",
                "--step", "70");
        assertTrue(table.out().contains("out of sample:    each date's weights held to the next date (drifting, no "
                + "costs): 280 returns, " + priceDates.get(120) + " … " + priceDates.get(399)), table.out());
        assertTrue(table.out().contains("  these weights:  return " + TextTable.percent((Double) held.get(
                "annualised_return")) + "/yr, vol " + TextTable.percent((Double) held.get("annualised_volatility"))
                + "/yr"), table.out());
    }

    /**
     * Under --universe complete the windows skip a date on which one asset lacks a price, but the portfolio is held
     * through it: its other assets moved that day, and the blank one moves over the gap (a review: five blank GLD
     * prices took the held equal-weight return from 34.9% to 48.3% when those dates were skipped). Checked in units
     * and prices, the blank price carried forward here.
     */
    @Test
    void outOfSampleUnderCompleteHoldsThroughTheDatesTheWindowsDrop() throws Exception {
        double[][] r = syntheticReturns(300, 17);
        java.util.Set<Integer> blank = java.util.Set.of(30, 150, 151, 222, 260); /* GOLD's price, none a rebalance */
        StringBuilder csv = new StringBuilder("date," + String.join(",", ASSETS) + "\n");
        double[][] price = new double[r.length][ASSETS.length];
        List<String> priceDates = new java.util.ArrayList<>();
        for (int t = 0; t < r.length; t++) {
            priceDates.add(java.time.LocalDate.of(2021, 3, 1).plusDays(t).toString());
            csv.append(priceDates.get(t));
            for (int j = 0; j < ASSETS.length; j++) {
                price[t][j] = t == 0 ? 50 + 10 * j : price[t - 1][j] * (1 + 3 * r[t][j]);
                csv.append(',').append(j == 2 && blank.contains(t) ? "" : Double.toString(price[t][j]));
            }
            csv.append('\n');
        }
        double[][] carried = new double[r.length][];
        for (int t = 0; t < r.length; t++) {
            carried[t] = price[t].clone();
            if (blank.contains(t)) {
                carried[t][2] = carried[t - 1][2];
            }
        }
        Path prices = Cli.write(dir, "gaps.csv", csv.toString());
        Path out = dir.resolve("w.csv");
        Cli.Result res = Cli.run("rolling", "--prices", prices.toString(), "--window", "60", "--step", "20",
                "--output", out.toString(), "--format", "json");
        assertEquals(0, res.code(), res.toString());
        List<String[]> rows = rows(out);
        List<String> dates = rows.stream().map(row -> row[0]).toList();
        @SuppressWarnings("unchecked")
        Map<String, Object> doc = (Map<String, Object>) MiniJson.parse(res.out());
        @SuppressWarnings("unchecked")
        Map<String, Object> o = (Map<String, Object>) doc.get("out_of_sample");
        int first = priceDates.indexOf(dates.get(0));
        assertEquals((double) (r.length - 1 - first), o.get("returns"), "every date after the first rebalance");
        assertEquals(4.0, o.get("missing_returns_as_zero"), "GOLD's blanks after the first rebalance: 150, 151, "
                + "222, 260 (its move over each gap lands on the next date)");
        double periods = (Double) doc.get("periods_per_year");
        @SuppressWarnings("unchecked")
        Map<String, Object> held = (Map<String, Object>) o.get("weights");
        assertSummary(held, heldReturns(carried, priceDates, rows.stream().map(RollingCommandTest::weights).toList(),
                dates), periods, "the weights");
        List<double[]> equal = equalWeights(rows.size());
        @SuppressWarnings("unchecked")
        Map<String, Object> heldEqual = (Map<String, Object>) o.get("equal_weight");
        assertSummary(heldEqual, heldReturns(carried, priceDates, equal, dates), periods, "equal weight");
    }

    /**
     * --vol-target: each rebalance's leverage is the target over its window's annualised volatility, and the
     * targeted book is checked in units, cash and prices here: at each rebalance the equity buys leverage × weight of
     * each asset, the rest borrowed at 0, then held.
     */
    @Test
    void aVolTargetLeversEachRebalanceAndItsBookIsHeldInUnits() throws Exception {
        double[][] r = syntheticReturns(400, 23);
        double[][] price = pricesOf(r);
        List<String> priceDates = daysFrom2020(r.length);
        Path out = dir.resolve("w.csv");
        Cli.Result res = Cli.run("rolling", "--returns", writeReturns(r, -1).toString(), "--window", "120", "--step",
                "70", "--vol-target", "0.1", "--output", out.toString(), "--format", "json");
        assertEquals(0, res.code(), res.toString());
        List<String> lines = Files.readAllLines(out);
        assertTrue(lines.get(0).endsWith(",volatility,assets,leverage"), lines.get(0));
        @SuppressWarnings("unchecked")
        Map<String, Object> doc = (Map<String, Object>) MiniJson.parse(res.out());
        double periods = (Double) doc.get("periods_per_year");
        List<String> dates = new java.util.ArrayList<>();
        List<double[]> levered = new java.util.ArrayList<>();
        for (String line : lines.subList(1, lines.size())) {
            String[] c = line.split(",");
            double vol = Double.parseDouble(c[ASSETS.length + 4]);
            double leverage = Double.parseDouble(c[ASSETS.length + 6]);
            assertEquals(0.1 / (vol * Math.sqrt(periods)), leverage, 1e-15 * leverage, c[0]);
            dates.add(c[0]);
            double[] w = new double[ASSETS.length + 1]; /* leverage × weights, and the cash: 1 − leverage */
            for (int j = 0; j < ASSETS.length; j++) {
                w[j] = leverage * Double.parseDouble(c[1 + j]);
            }
            w[ASSETS.length] = 1 - leverage;
            levered.add(w);
        }
        double[][] withCash = new double[price.length][];
        for (int t = 0; t < price.length; t++) {
            withCash[t] = java.util.Arrays.copyOf(price[t], ASSETS.length + 1);
            withCash[t][ASSETS.length] = 1.0; /* cash (or debt) at 0 */
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> o = (Map<String, Object>) doc.get("out_of_sample");
        @SuppressWarnings("unchecked")
        Map<String, Object> targeted = (Map<String, Object>) o.get("vol_targeted");
        assertSummary(targeted, heldReturns(withCash, priceDates, levered, dates), periods, "vol-targeted");
        assertEquals(0.1, (Double) doc.get("target_volatility"));
        /* windows that do not converge are held all the same: their weights' leverage, and every summary stays */
        Cli.Result capped = Cli.run("rolling", "--returns", writeReturns(r, -1).toString(), "--window", "120",
                "--step", "70", "--vol-target", "0.1", "--solver", "ccd", "--max-iter", "2", "--format", "json");
        assertEquals(Main.EXIT_FAILURE, capped.code(), "unconverged windows: " + capped);
        @SuppressWarnings("unchecked")
        Map<String, Object> cappedOut = (Map<String, Object>) ((Map<String, Object>) MiniJson.parse(capped.out()))
                .get("out_of_sample");
        assertTrue(cappedOut.containsKey("weights") && cappedOut.containsKey("equal_weight")
                && cappedOut.containsKey("vol_targeted"), capped.toString());
    }

    /**
     * A ledger of units and cash that pays {@code costRate} of the value of each trade from the equity: the equity
     * left after a trade, E′, buys leverage × E′ of the weights once the trade is paid, found here by bisection.
     * Returns the held returns, and the costs (each as a share of the equity before its trade) summed in
     * {@code costs[0]}.
     */
    private static double[] ledgerWithCosts(double[][] price, List<String> priceDates, List<double[]> weights,
                                            double[] leverage, List<String> dates, double costRate, double[] costs) {
        int n = price[0].length;
        int first = priceDates.indexOf(dates.get(0));
        double[] out = new double[price.length - 1 - first];
        double[] units = new double[n];
        double cash = 1;
        double before = 1;
        int k = 0;
        for (int s = first; s < price.length; s++) {
            double equity = cash;
            for (int i = 0; i < n; i++) {
                equity += units[i] * price[s][i];
            }
            if (s > first) {
                out[s - first - 1] = equity / before - 1;
            }
            if (k < dates.size() && priceDates.get(s).equals(dates.get(k))) {
                double[] w = weights.get(k);
                double sum = java.util.Arrays.stream(w).sum();
                double lev = leverage == null ? 1 : leverage[k];
                double lo = 0;
                double hi = equity;
                for (int it = 0; it < 200; it++) {
                    double mid = 0.5 * (lo + hi);
                    double traded = 0;
                    for (int i = 0; i < n; i++) {
                        traded += Math.abs(lev * mid * w[i] / sum - units[i] * price[s][i]);
                    }
                    if (mid + costRate * traded > equity) {
                        hi = mid;
                    } else {
                        lo = mid;
                    }
                }
                double after = 0.5 * (lo + hi);
                if (s < price.length - 1) { /* a trade after the last return is not paid within the series */
                    costs[0] += (equity - after) / equity;
                }
                for (int i = 0; i < n; i++) {
                    units[i] = lev * after * w[i] / sum / price[s][i];
                }
                cash = after * (1 - lev);
                k++;
            }
            before = equity;
        }
        assertEquals(dates.size(), k, "every rebalance date is a price date");
        return out;
    }

    /**
     * --cost-bps: every book pays the rate on the value it trades (the first rebalance buys from cash), checked
     * against a ledger of units and cash; costs only ever lower the return.
     */
    @Test
    void tradingCostsArePaidByEveryBookAsALedgerPaysThem() throws Exception {
        double[][] r = syntheticReturns(400, 31);
        double[][] price = pricesOf(r);
        List<String> priceDates = daysFrom2020(r.length);
        Path out = dir.resolve("w.csv");
        String returns = writeReturns(r, -1).toString();
        Cli.Result res = Cli.run("rolling", "--returns", returns, "--window", "120", "--step", "35", "--vol-target",
                "0.1", "--cost-bps", "25", "--output", out.toString(), "--format", "json");
        assertEquals(0, res.code(), res.toString());
        List<String[]> rows = rows(out);
        List<String> dates = rows.stream().map(row -> row[0]).toList();
        List<double[]> weights = rows.stream().map(RollingCommandTest::weights).toList();
        double[] leverage = rows.stream().mapToDouble(row -> Double.parseDouble(row[ASSETS.length + 6])).toArray();
        List<double[]> equal = equalWeights(rows.size());
        @SuppressWarnings("unchecked")
        Map<String, Object> doc = (Map<String, Object>) MiniJson.parse(res.out());
        double periods = (Double) doc.get("periods_per_year");
        @SuppressWarnings("unchecked")
        Map<String, Object> o = (Map<String, Object>) doc.get("out_of_sample");
        assertEquals(25.0, (Double) o.get("cost_bps"), 1e-12);
        String[] books = {"weights", "equal_weight", "vol_targeted"};
        List<List<double[]>> held = List.of(weights, equal, weights);
        for (int b = 0; b < books.length; b++) {
            double[] costs = new double[1];
            double[] ledger = ledgerWithCosts(price, priceDates, held.get(b), b == 2 ? leverage : null, dates,
                    0.0025, costs);
            @SuppressWarnings("unchecked")
            Map<String, Object> summary = (Map<String, Object>) o.get(books[b]);
            assertSummary(summary, ledger, periods, books[b]);
            assertEquals(costs[0] * periods / ledger.length, (Double) summary.get("costs_per_year"),
                    1e-12 * costs[0], books[b] + ": costs per year");
            assertTrue(costs[0] > 0.0025, books[b] + ": at least the first purchase's cost: " + costs[0]);
        }
        /* the same run without costs returns more, book by book, and pays nothing */
        @SuppressWarnings("unchecked")
        Map<String, Object> free = (Map<String, Object>) ((Map<String, Object>) MiniJson.parse(Cli.run("rolling",
                "--returns", returns, "--window", "120", "--step", "35", "--vol-target", "0.1", "--format", "json")
                .out())).get("out_of_sample");
        for (String book : books) {
            @SuppressWarnings("unchecked")
            Map<String, Object> paid = (Map<String, Object>) o.get(book);
            @SuppressWarnings("unchecked")
            Map<String, Object> gross = (Map<String, Object>) free.get(book);
            assertTrue((Double) paid.get("total_return") < (Double) gross.get("total_return"), book);
            assertEquals(0.0, (Double) gross.get("costs_per_year"), 0.0, book);
        }
        Path series = dir.resolve("oos.csv");
        Cli.Result table = Cli.run("rolling", "--returns", returns, "--window", "120", "--step", "35",
                "--cost-bps", "25", "--vol-target", "0.1", "--chart", dir.resolve("c.html").toString(),
                "--out-of-sample", series.toString());
        assertEquals(0, table.code(), table.toString());
        /* the series file: each held date's return of each book, the ledgers' to rounding */
        List<String> lines = Files.readAllLines(series);
        assertEquals("date,weights,equal_weight,vol_targeted", lines.get(0));
        for (int b = 0; b < books.length; b++) {
            double[] ledger = ledgerWithCosts(price, priceDates, held.get(b), b == 2 ? leverage : null, dates,
                    0.0025, new double[1]);
            assertEquals(ledger.length, lines.size() - 1, "one row per held date");
            for (int t = 0; t < ledger.length; t++) {
                String[] c = lines.get(t + 1).split(",");
                assertEquals(priceDates.get(priceDates.size() - ledger.length + t), c[0], "row " + t);
                assertEquals(ledger[t], Double.parseDouble(c[1 + b]), 1e-13, books[b] + " on " + c[0]);
            }
        }
        assertTrue(table.out().contains("(drifting, paying 25.0 bps of each trade's value)"), table.out());
        assertTrue(table.out().matches("(?s).*these weights: .*, costs \\d+\\.\\d\\d%/yr\\n.*"), table.out());
        String page = Files.readString(dir.resolve("c.html"));
        assertTrue(page.contains("paying 25.0 bps of each trade") && page.contains("vol-targeted (10.00%)"), page);
        Cli.Result negative = Cli.run("rolling", "--returns", returns, "--window", "120", "--cost-bps", "-1");
        assertEquals(Main.EXIT_USAGE, negative.code(), negative.toString());
        assertTrue(negative.err().contains("--cost-bps must be between 0 and 1000 basis points"), negative.err());
        Cli.Result fraction = Cli.run("rolling", "--returns", returns, "--window", "120", "--cost-bps", "0.001");
        assertEquals(0, fraction.code(), fraction.toString());
        assertTrue(fraction.err().contains("it is in basis points (10 for 0.10%)"), fraction.err());
    }

    /**
     * A vol-targeted book whose leverage × cost rate is refused (a review: stablecoins took the leverage to 154 at
     * 60 bps) leaves only itself out; and one rebalance on the last complete date is held over the dates after it.
     */
    @Test
    void aBookThatCannotBeHeldLeavesTheOthersAndOneRebalanceIsHeldToTheFilesEnd() throws Exception {
        double[][] r = syntheticReturns(300, 37);
        String returns = writeReturns(r, -1).toString();
        Cli.Result res = Cli.run("rolling", "--returns", returns, "--window", "120", "--step", "60", "--vol-target",
                "5", "--cost-bps", "1000", "--format", "json");
        assertEquals(0, res.code(), res.toString());
        @SuppressWarnings("unchecked")
        Map<String, Object> o = (Map<String, Object>) ((Map<String, Object>) MiniJson.parse(res.out()))
                .get("out_of_sample");
        assertTrue(o != null && o.containsKey("weights") && o.containsKey("equal_weight")
                && !o.containsKey("vol_targeted"), res.out());
        assertTrue(((String) o.get("vol_targeted_unavailable")).contains("could cost about as much as it buys"),
                res.out());
        Cli.Result table = Cli.run("rolling", "--returns", returns, "--window", "120", "--step", "60",
                "--vol-target", "5", "--cost-bps", "1000");
        assertTrue(table.out().contains("  vol-targeted:   n/a (leverage ") && table.out().contains("  these "
                + "weights:  return "), table.out());
        /* a book levered so far that one day's fall takes all its equity: said, with the date */
        double[][] crash = syntheticReturns(300, 37);
        for (int j = 0; j < ASSETS.length; j++) {
            crash[250][j] = -0.5;
        }
        Cli.Result wiped = Cli.run("rolling", "--returns", writeReturns(crash, -1).toString(), "--window", "120",
                "--step", "60", "--vol-target", "1");
        assertEquals(0, wiped.code(), wiped.toString());
        assertTrue(wiped.out().contains("note:           the vol-targeted book lost all its equity on 2020-09-07"),
                wiped.out());
        /* the last row lacks a return of GOLD: the one window ends on the row before, and is held over the last */
        Cli.Result one = Cli.run("rolling", "--returns", writeReturns(r, r.length - 1).toString(), "--window",
                Integer.toString(r.length - 1), "--format", "json");
        assertEquals(0, one.code(), one.toString());
        @SuppressWarnings("unchecked")
        Map<String, Object> held = (Map<String, Object>) ((Map<String, Object>) MiniJson.parse(one.out()))
                .get("out_of_sample");
        assertTrue(held != null && (Double) held.get("returns") == 1.0, one.out());
        /* a date without any return is not held as a flat day (it was, under complete only) */
        Path blankDay = writeDated("blank.csv", r, (t, j) -> t == 250);
        for (String universe : new String[] {"complete", "window"}) {
            Cli.Result b = Cli.run("rolling", "--returns", blankDay.toString(), "--window", "120", "--step", "60",
                    "--universe", universe, "--format", "json");
            @SuppressWarnings("unchecked")
            Map<String, Object> bo = (Map<String, Object>) ((Map<String, Object>) MiniJson.parse(b.out()))
                    .get("out_of_sample");
            /* 299 dates with returns, windows of 120 laid back every 60: the first ends on the 179th, and the
               120 after it are held (121 with the blank date held as 0) */
            assertEquals(120, (Double) bo.get("returns"), 0.0, universe + ": " + b.out());
            assertEquals(0.0, (Double) bo.get("missing_returns_as_zero"), 0.0, universe);
        }
    }

    @Test
    void outOfSampleFromLogReturnsOfPricesIsWhatThePricesReturn() throws Exception {
        double[][] r = syntheticReturns(300, 13);
        StringBuilder csv = new StringBuilder("date," + String.join(",", ASSETS) + "\n");
        double[][] price = new double[r.length][ASSETS.length];
        List<String> priceDates = new java.util.ArrayList<>();
        for (int t = 0; t < r.length; t++) {
            priceDates.add(java.time.LocalDate.of(2021, 3, 1).plusDays(t).toString());
            csv.append(priceDates.get(t));
            for (int j = 0; j < ASSETS.length; j++) {
                price[t][j] = t == 0 ? 50 + 10 * j : price[t - 1][j] * Math.exp(r[t][j]);
                csv.append(',').append(price[t][j]);
            }
            csv.append('\n');
        }
        Path prices = Cli.write(dir, "prices.csv", csv.toString());
        Path out = dir.resolve("w.csv");
        Cli.Result res = Cli.run("rolling", "--prices", prices.toString(), "--returns-kind", "log", "--window", "100",
                "--step", "33", "--output", out.toString(), "--format", "json");
        assertEquals(0, res.code(), res.toString());
        List<String[]> rows = rows(out);
        @SuppressWarnings("unchecked")
        Map<String, Object> doc = (Map<String, Object>) MiniJson.parse(res.out());
        @SuppressWarnings("unchecked")
        Map<String, Object> o = (Map<String, Object>) doc.get("out_of_sample");
        @SuppressWarnings("unchecked")
        Map<String, Object> held = (Map<String, Object>) o.get("weights");
        assertSummary(held, heldReturns(price, priceDates, rows.stream().map(RollingCommandTest::weights).toList(),
                rows.stream().map(row -> row[0]).toList()), (Double) doc.get("periods_per_year"), "log returns");
        double[][] logs = syntheticReturns(300, 13);
        logs[250][1] = -1.5; /* a log return below −1 in a held period: not a simple return anyone can hold */
        Cli.Result below = Cli.run("rolling", "--returns", writeReturns(logs, -1).toString(), "--window", "100",
                "--step", "33", "--format", "json");
        assertEquals(0, below.code(), below.toString());
        assertTrue(below.err().contains("no out-of-sample summary: return of asset BOND on 2020-09-07")
                && below.err().contains("is -1.5"), below.err());
        Map<?, ?> belowDoc = (Map<?, ?>) MiniJson.parse(below.out());
        assertTrue(!belowDoc.containsKey("out_of_sample") && ((String) belowDoc.get("out_of_sample_unavailable"))
                .contains("return of asset BOND on 2020-09-07"), "the weights stand, and the JSON says why: " + below);
        Cli.Result one = Cli.run("rolling", "--prices", prices.toString(), "--window", "299", "--format", "json");
        assertEquals(0, one.code(), one.toString());
        assertTrue(!((Map<?, ?>) MiniJson.parse(one.out())).containsKey("out_of_sample"),
                "one rebalance, on the last date: nothing held after it");
    }

    @Test
    void aLargeUniverseNearEqualWeightsDrawsItsLargestAssetsAsLines() throws Exception {
        int n = 40; /* alike: the 12 drawn hold ~30%, and an area of the other 28 would fill the chart */
        Path in = SyntheticReturns.write(dir, n, 200, 33, 0);
        Path out = dir.resolve("w40.csv");
        Path page = dir.resolve("rolling40.html");
        Cli.Result res = Cli.run("rolling", "--returns", in.toString(), "--window", "120", "--step", "20", "--output",
                out.toString(), "--chart", page.toString());
        assertEquals(0, res.code(), res.toString());
        List<String> lines = Files.readAllLines(out);
        List<String> header = List.of(lines.get(0).split(","));
        List<String[]> rows = lines.subList(1, lines.size()).stream().map(l -> l.split(",")).toList();
        List<Map<String, Object>> drawn = ChartPages.series(ChartPages.options(page).get(0));
        assertEquals(12, drawn.size(), "the 12 largest, and no series for the rest");
        assertTrue(drawn.stream().noneMatch(a -> a.containsKey("stack") || a.containsKey("areaStyle")), "lines");
        double[] mean = new double[n];
        for (String[] r : rows) {
            for (int j = 0; j < n; j++) {
                mean[j] += Double.parseDouble(r[1 + j]) / rows.size();
            }
        }
        double drawnMean = 0;
        double smallestDrawn = Double.POSITIVE_INFINITY;
        for (Map<String, Object> line : drawn) {
            int j = header.indexOf((String) line.get("name")) - 1;
            assertTrue(j >= 0, "an asset of the file: " + line.get("name"));
            drawnMean += mean[j];
            smallestDrawn = Math.min(smallestDrawn, mean[j]);
            assertEquals(100 * Double.parseDouble(rows.get(0)[1 + j]), (Double) ChartPages.data(line).get(0), 1e-12);
        }
        double largestLeft = 0;
        for (int j = 0; j < n; j++) {
            if (!drawnNames(drawn).contains(header.get(1 + j))) {
                largestLeft = Math.max(largestLeft, mean[j]);
            }
        }
        assertTrue(smallestDrawn >= largestLeft, "the largest by mean weight are drawn");
        String others = String.format(java.util.Locale.ROOT, "the other 28, not drawn, hold %.1f%% on average",
                100 * (1 - drawnMean));
        assertTrue(drawnMean < 0.5 && Files.readString(page).contains(others), others);
    }

    private static List<Object> drawnNames(List<Map<String, Object>> series) {
        return series.stream().map(s -> s.get("name")).toList();
    }

    /** Returns of n assets whose volatilities rise with j ({@link SyntheticReturns}). */
    private Path manyAssets(int n, int rows, long seed) {
        return SyntheticReturns.write(dir, n, rows, seed, 1);
    }

    @Test
    void theChartPageDrawsWhatTheOutputsHold() throws Exception {
        int n = 15; /* more than the chart draws one by one: the smallest three are summed */
        Path in = manyAssets(n, 260, 21);
        Path out = dir.resolve("w.csv");
        Path page = dir.resolve("rolling.html");
        Cli.Result res = Cli.run("rolling", "--returns", in.toString(), "--window", "100", "--step", "40", "--output",
                out.toString(), "--chart", page.toString(), "--format", "json");
        assertEquals(0, res.code(), res.toString());
        List<String> lines = Files.readAllLines(out);
        List<String> header = List.of(lines.get(0).split(","));
        List<String[]> rows = lines.subList(1, lines.size()).stream().map(l -> l.split(",")).toList();
        @SuppressWarnings("unchecked")
        Map<String, Object> doc = (Map<String, Object>) MiniJson.parse(res.out());
        double periods = (Double) doc.get("periods_per_year");

        List<Map<String, Object>> options = ChartPages.options(page);
        assertEquals(3, options.size(), "weights, out-of-sample growth, volatility");
        List<Map<String, Object>> areas = ChartPages.series(options.get(0));
        assertEquals(13, areas.size(), "12 assets and the rest");
        assertEquals("the other 3", areas.get(12).get("name"));
        assertTrue(areas.stream().allMatch(a -> "total".equals(a.get("stack"))), "stacked areas");
        assertEquals(rows.stream().map(r -> r[0]).toList(), ChartPages.categories(options.get(0)));
        double[] mean = new double[n];
        for (String[] r : rows) {
            for (int j = 0; j < n; j++) {
                mean[j] += Double.parseDouble(r[1 + j]);
            }
        }
        java.util.Set<Integer> drawn = new java.util.HashSet<>();
        for (int s = 0; s < 12; s++) {
            int j = header.indexOf((String) areas.get(s).get("name")) - 1;
            assertTrue(j >= 0 && drawn.add(j), "a distinct asset of the file: " + areas.get(s).get("name"));
            for (int k = 0; k < rows.size(); k++) {
                assertEquals(100 * Double.parseDouble(rows.get(k)[1 + j]), (Double) ChartPages.data(areas.get(s))
                        .get(k), 1e-12, "weight of " + areas.get(s).get("name") + " at " + rows.get(k)[0]);
            }
            if (s > 0) {
                int before = header.indexOf((String) areas.get(s - 1).get("name")) - 1;
                assertTrue(mean[before] >= mean[j], "largest mean weight first");
            }
        }
        for (int j = 0; j < n; j++) {
            if (!drawn.contains(j)) {
                for (int s = 0; s < 12; s++) {
                    int d = header.indexOf((String) areas.get(s).get("name")) - 1;
                    assertTrue(mean[d] >= mean[j], "A" + j + " summed, " + areas.get(s).get("name") + " drawn");
                }
            }
        }
        for (int k = 0; k < rows.size(); k++) {
            double total = 0;
            for (Map<String, Object> area : areas) {
                total += (Double) ChartPages.data(area).get(k);
            }
            assertEquals(100, total, 1e-9, "the areas stack to 100% at " + rows.get(k)[0]);
        }

        @SuppressWarnings("unchecked")
        Map<String, Object> o = (Map<String, Object>) doc.get("out_of_sample");
        List<Map<String, Object>> growth = ChartPages.series(options.get(1));
        List<Object> days = ChartPages.categories(options.get(1));
        assertEquals(rows.get(0)[0], days.get(0), "growth starts at 1 on the first rebalance date");
        assertEquals(o.get("to"), days.get(days.size() - 1));
        assertEquals(((Double) o.get("returns")).intValue() + 1, days.size());
        String[] keys = {"weights", "equal_weight"};
        for (int s = 0; s < 2; s++) {
            List<Object> g = ChartPages.data(growth.get(s));
            @SuppressWarnings("unchecked")
            Map<String, Object> summary = (Map<String, Object>) o.get(keys[s]);
            assertEquals(1.0, (Double) g.get(0), 0.0);
            assertEquals(1 + (Double) summary.get("total_return"), (Double) g.get(g.size() - 1), 1e-12, keys[s]);
        }
        List<Object> vol = ChartPages.data(ChartPages.series(options.get(2)).get(0));
        int volColumn = header.indexOf("volatility");
        for (int k = 0; k < rows.size(); k++) {
            assertEquals(100 * Double.parseDouble(rows.get(k)[volColumn]) * Math.sqrt(periods), (Double) vol.get(k),
                    1e-12, "annualised volatility at " + rows.get(k)[0]);
        }
        assertUsage(Cli.run("rolling", "--returns", in.toString(), "--window", "100", "--chart",
                dir.resolve("missing/x.html").toString()), "--chart");
    }

    @Test
    void incompleteDatesAreDroppedAndSaidSo() throws Exception {
        double[][] r = syntheticReturns(300, 3);
        Path in = writeReturns(r, 10);
        Path out = dir.resolve("w.csv");
        Cli.Result res = Cli.run("rolling", "--returns", in.toString(), "--window", "200", "--step", "99",
                "--output", out.toString());
        assertEquals(0, res.code(), res.toString());
        assertTrue(res.err().contains("1 of 300 dates lack a return for some asset and are dropped"), res.err());
        double[][] kept = new double[299][];
        for (int t = 0, k = 0; t < 300; t++) {
            if (t != 10) {
                kept[k++] = r[t];
            }
        }
        List<String[]> rows = rows(out);
        assertEquals(2, rows.size());
        for (int k = 0; k < rows.size(); k++) {
            assertBudgetsMet(covariance(kept, k * 99, 200, 0), weights(rows.get(k)), Checks.equal(5), 1e-9,
                    "window " + k);
        }
    }

    @Test
    void shrinkageEstimatorsSolveEachWindowAsSolveDoesOnThatWindow() throws Exception {
        double[][] r = syntheticReturns(90, 8);
        Path in = writeReturns(r, -1);
        Path out = dir.resolve("w.csv");
        /* a window of 4 returns for 5 assets: only shrinkage makes it positive definite */
        Cli.Result res = Cli.run("rolling", "--returns", in.toString(), "--window", "4", "--step", "43",
                "--estimator", "ledoit-wolf", "--output", out.toString());
        assertEquals(0, res.code(), res.toString());
        List<String[]> rows = rows(out);
        assertEquals(3, rows.size());
        for (int k = 0; k < rows.size(); k++) {
            StringBuilder sb = new StringBuilder(String.join(",", ASSETS) + "\n");
            for (int t = k * 43; t < k * 43 + 4; t++) {
                for (int j = 0; j < ASSETS.length; j++) {
                    sb.append(j == 0 ? "" : ",").append(r[t][j]);
                }
                sb.append('\n');
            }
            Path win = Cli.write(dir, "win" + k + ".csv", sb.toString());
            Path one = dir.resolve("one" + k + ".csv");
            Cli.Result solve = Cli.run("solve", "--returns", win.toString(), "--estimator", "ledoit-wolf",
                    "--output", one.toString());
            assertEquals(0, solve.code(), solve.toString());
            double[] expected = Checks.readWeights(one).weights();
            double[] w = weights(rows.get(k));
            for (int j = 0; j < w.length; j++) {
                assertEquals(expected[j], w[j], 1e-9, "window " + k + ", " + ASSETS[j]);
            }
        }
        assertUsage(Cli.run("rolling", "--returns", in.toString(), "--window", "4"), "--estimator ledoit-wolf");
        /* a window in which one asset does not move is named, with the asset */
        for (int t = 43; t < 47; t++) {
            r[t][1] = 0.001;
        }
        Path flat = writeReturns(r, -1);
        assertUsage(Cli.run("rolling", "--returns", flat.toString(), "--window", "4", "--step", "43", "--estimator",
                "ledoit-wolf"), "window 2 (ending 2020-02-16): asset BOND");
        /* the windows are estimated side by side: with the last one flat too, the earliest is still the one named */
        for (int t = 86; t < 90; t++) {
            r[t][2] = -0.002;
        }
        Path twoFlat = writeReturns(r, -1);
        assertUsage(Cli.run("rolling", "--returns", twoFlat.toString(), "--window", "4", "--step", "43",
                "--estimator", "ledoit-wolf"), "window 2 (ending 2020-02-16): asset BOND");
    }

    @Test
    void aLateListingThatCostsMostDatesIsNamed() {
        double[][] r = syntheticReturns(300, 4);
        StringBuilder sb = new StringBuilder(String.join(",", ASSETS) + "\n");
        for (int t = 0; t < r.length; t++) {
            for (int j = 0; j < ASSETS.length; j++) {
                sb.append(j == 0 ? "" : ",").append(j == 3 && t < 180 ? "" : Double.toString(r[t][j]));
            }
            sb.append('\n');
        }
        Path in = Cli.write(dir, "late.csv", sb.toString());
        Cli.Result res = Cli.run("rolling", "--returns", in.toString(), "--window", "100", "--step", "20");
        assertEquals(0, res.code(), res.toString());
        assertTrue(res.err().contains("180 of 300 dates lack a return for some asset and are dropped; without the "
                + "column of OIL, 300 would be kept"), res.err());
        assertTrue(res.out().contains("rebalances:       2 "), res.out());
    }

    /** The members' covariance of a window, computed here (sample), as a matrix over the members only. */
    private static double[][] membersCovariance(double[][] r, int from, int window, int[] cols) {
        double[][] sub = new double[window][cols.length];
        for (int t = 0; t < window; t++) {
            for (int a = 0; a < cols.length; a++) {
                sub[t][a] = r[from + t][cols[a]];
            }
        }
        return covariance(sub, 0, window, 0);
    }

    @Test
    void eachWindowHoldsTheAssetsWithAFullHistoryInIt() throws Exception {
        double[][] r = syntheticReturns(301, 9);
        StringBuilder sb = new StringBuilder("date," + String.join(",", ASSETS) + "\n");
        for (int t = 0; t < r.length; t++) {
            sb.append("d").append(1000 + t);
            for (int j = 0; j < ASSETS.length; j++) {
                /* OIL lists at row 180; on row 250 no asset has a return (a holiday); GOLD lacks row 40 */
                boolean missing = (j == 3 && t < 180) || t == 250 || (j == 2 && t == 40);
                sb.append(',').append(missing ? "" : Double.toString(r[t][j]));
            }
            sb.append('\n');
        }
        Path in = Cli.write(dir, "ragged.csv", sb.toString());
        double[][] kept = new double[300][];
        for (int t = 0, k = 0; t < 301; t++) {
            if (t != 250) {
                kept[k++] = r[t];
            }
        }
        Path budgets = Cli.write(dir, "b.csv", "EQ,0.4\nBOND,0.2\nGOLD,0.1\nOIL,0.2\nFX,0.1\n");
        Path out = dir.resolve("w.csv");
        Cli.Result res = Cli.run("rolling", "--returns", in.toString(), "--window", "100", "--step", "20",
                "--universe", "window", "--budgets", budgets.toString(), "--output", out.toString());
        assertEquals(0, res.code(), res.toString());
        assertTrue(res.err().contains("1 of 301 dates have no return for any asset and are dropped"), res.err());
        double[] b = {0.4, 0.2, 0.1, 0.2, 0.1};
        List<String[]> rows = rows(out);
        assertEquals(11, rows.size());
        for (int k = 0; k < rows.size(); k++) {
            int from = 20 * k;
            boolean oil = from >= 180;
            boolean gold = from > 40 || from + 100 <= 40;
            int[] cols = java.util.stream.IntStream.range(0, 5).filter(j -> (j != 3 || oil) && (j != 2 || gold))
                    .toArray();
            String[] row = rows.get(k);
            assertEquals(Integer.toString(cols.length), row[ASSETS.length + 5], "members of window " + k);
            double[] w = weights(row);
            double bsum = 0;
            for (int j : cols) {
                bsum += b[j];
            }
            double[] wm = new double[cols.length];
            double[] bm = new double[cols.length];
            for (int a = 0; a < cols.length; a++) {
                wm[a] = w[cols[a]];
                bm[a] = b[cols[a]] / bsum;
            }
            if (!oil) {
                assertEquals(0.0, w[3], 0.0, "OIL before its listing, window " + k);
            }
            if (!gold) {
                assertEquals(0.0, w[2], 0.0, "GOLD in a window with its missing date, window " + k);
            }
            double[][] cov = membersCovariance(kept, from, 100, cols);
            double sum = 0;
            double[] sw = new double[cols.length];
            double var = 0;
            for (int a = 0; a < cols.length; a++) {
                sum += wm[a];
                for (int c = 0; c < cols.length; c++) {
                    sw[a] += cov[a][c] * wm[c];
                }
            }
            for (int a = 0; a < cols.length; a++) {
                var += wm[a] * sw[a];
            }
            assertEquals(1.0, sum, 1e-12, "window " + k);
            for (int a = 0; a < cols.length; a++) {
                assertEquals(bm[a], wm[a] * sw[a] / var, 1e-9, "window " + k + ": RC of " + ASSETS[cols[a]]);
            }
        }
        /* the same windows through the emulated GPU kernels (fillers and per-window budgets cross the C ABI) */
        Cli.Result emu = Cli.run("rolling", "--returns", in.toString(), "--window", "100", "--step", "20",
                "--universe", "window", "--budgets", budgets.toString(), "--backend", "emulation", "--verify");
        Checks.assertEmulationAgrees(emu, "CPU part checked; ");
        assertTrue(emu.out().contains("universe:         each window's own: 3–5 of 5 assets"), emu.out());
    }

    @Test
    void emulatedGpuKernelsAgreeWithTheCpuEngineOnRealPrices() {
        Path prices = SharedData.resolve("data/etf_6_yahoo_2006_2020/adj_close_wide.csv");
        Cli.Result res = Cli.run("rolling", "--prices", prices.toString(), "--window", "252", "--step", "63",
                "--backend", "emulation", "--verify");
        Checks.assertEmulationAgrees(res, "");
        assertTrue(res.out().contains("converged:        51 of 51"), res.out());
        assertTrue(res.out().contains("backend:          emulation"), res.out());
    }

    @Test
    void badInputIsAUsageErrorNamingTheProblem() {
        Path in = writeReturns(syntheticReturns(100, 1), -1);
        String f = in.toString();
        assertUsage(Cli.run("rolling", "--returns", f, "--window", "5"), "--window 5 must be larger than the number "
                + "of assets (5)");
        assertUsage(Cli.run("rolling", "--returns", f, "--window", "101"), "--window 101 needs 101 dates with a "
                + "return for every asset; there are 100");
        assertUsage(Cli.run("rolling", "--returns", f, "--window", "50", "--step", "0"), "--step must be at least 1");
        assertUsage(Cli.run("rolling", "--returns", f, "--window", "50", "--estimator", "median"),
                "valid estimators");
        assertUsage(Cli.run("rolling", "--returns", f), "--window");
        assertUsage(Cli.run("rolling", "--returns", f, "--window", "50", "--format", "xml"), "--format");
        assertUsage(Cli.run("rolling", "--returns", f, "--window", "50", "--universe", "some"), "--universe");
        // Ledoit-Wolf's intensity is 0 from two returns: the rank-1 sample matrix, named instead of NaN weights
        assertUsage(Cli.run("rolling", "--returns", f, "--window", "2", "--estimator", "ledoit-wolf"),
                "window 1 (ending 2020-01-16): the ledoit-wolf estimate from 2 returns: covariance matrix is not "
                + "positive definite");
        double[][] r = syntheticReturns(100, 2);
        for (int t = 60; t < 90; t++) {
            r[t][3] = 2e-4; /* OIL accrues a constant return */
        }
        assertUsage(Cli.run("rolling", "--returns", writeReturns(r, -1).toString(), "--window", "30", "--step", "10"),
                "window 7 of 8 (2020-03-01 … 2020-03-30): asset OIL (#4) has the same return");
    }

    /**
     * Under --universe window an asset whose price went stale for a whole window (returns 0) is out of that window,
     * as if its returns were missing there, on every estimator and on the emulated kernels; under complete the
     * error says so. Checked here: OIL's weight is 0 in the stale window and positive in the others, and every
     * window's members meet their budgets on the members' own sample covariance, computed here.
     */
    @Test
    void aStalePriceIsLeftOutOfTheWindowsWhereItIsFlat() throws Exception {
        double[][] r = syntheticReturns(100, 4);
        for (int t = 60; t < 90; t++) {
            r[t][3] = 0.0; /* OIL's price stale over rows 60–89: exactly window 7 of 30 returns every 10 */
        }
        Path in = writeReturns(r, -1);
        Cli.Result complete = Cli.run("rolling", "--returns", in.toString(), "--window", "30", "--step", "10");
        assertUsage(complete, "(or --universe window, which leaves it out of the windows where it is flat)");
        for (String estimator : List.of("sample", "ewma", "ledoit-wolf")) {
            Path out = dir.resolve("w-" + estimator + ".csv");
            Cli.Result res = Cli.run("rolling", "--returns", in.toString(), "--window", "30", "--step", "10",
                    "--universe", "window", "--estimator", estimator, "--output", out.toString());
            assertEquals(0, res.code(), estimator + ": " + res);
            assertTrue(res.err().contains("as if the returns were missing: OIL (1 window)"), res.err());
            List<String[]> rows = rows(out);
            assertEquals(8, rows.size());
            for (int k = 0; k < rows.size(); k++) {
                double oil = weights(rows.get(k))[3];
                assertTrue(k == 6 ? oil == 0.0 : oil > 0.01, estimator + ", window " + k + ": OIL " + oil);
                if (estimator.equals("sample")) {
                    int[] cols = k == 6 ? new int[] {0, 1, 2, 4} : new int[] {0, 1, 2, 3, 4};
                    double[][] cov = membersCovariance(r, 10 * k, 30, cols);
                    double[] w = weights(rows.get(k));
                    double[] wm = new double[cols.length];
                    double[] equal = new double[cols.length];
                    for (int a = 0; a < cols.length; a++) {
                        wm[a] = w[cols[a]];
                        equal[a] = 1.0 / cols.length;
                    }
                    assertBudgetsMet(cov, wm, equal, 1e-9, "window " + k);
                }
            }
        }
        Cli.Result emu = Cli.run("rolling", "--returns", in.toString(), "--window", "30", "--step", "10",
                "--universe", "window", "--backend", "emulation", "--verify");
        Checks.assertEmulationAgrees(emu, "CPU part checked; ");
    }

    private static void assertUsage(Cli.Result r, String text) {
        assertEquals(Main.EXIT_USAGE, r.code(), r.toString());
        assertTrue(r.err().toLowerCase(Locale.ROOT).contains(text.toLowerCase(Locale.ROOT)), r.toString());
    }

    /**
     * The summary's turnover is the mean over the rebalances after the first of ½ Σ_i |w_i(k) − w̃_i(k)|, w̃(k) the
     * weights of the rebalance before drifted with their assets' returns up to this one, and its portfolio volatility
     * the last window's per-period figure times √(periods per year): both recomputed here from the CSV.
     */
    @Test
    void summaryTurnoverAndAnnualisedVolatilityFollowFromTheWeights() throws Exception {
        double[][] r = syntheticReturns(400, 7);
        Path in = writeReturns(r, -1); // daily dates, weekends included: 365 periods a year
        Path out = dir.resolve("w.csv");
        Cli.Result res = Cli.run("rolling", "--returns", in.toString(), "--window", "120", "--step", "30",
                "--output", out.toString());
        assertEquals(0, res.code(), res.toString());
        List<String[]> rows = rows(out);
        assertTrue(rows.size() >= 5, "several rebalances");
        double sum = 0;
        double targetToTarget = 0;
        for (int k = 1; k < rows.size(); k++) {
            double[] a = weights(rows.get(k - 1));
            double[] b = weights(rows.get(k));
            int from = row(rows.get(k - 1)[0]);
            int to = row(rows.get(k)[0]);
            double[] drifted = a.clone();
            double total = 0;
            for (int j = 0; j < a.length; j++) {
                for (int t = from + 1; t <= to; t++) {
                    drifted[j] *= 1 + r[t][j];
                }
                total += drifted[j];
            }
            for (int j = 0; j < a.length; j++) {
                sum += Math.abs(b[j] - drifted[j] / total);
                targetToTarget += Math.abs(b[j] - a[j]);
            }
        }
        double turnover = 0.5 * sum / (rows.size() - 1);
        assertTrue(Math.abs(turnover - 0.5 * targetToTarget / (rows.size() - 1)) > 1e-4, "the drift matters here");
        assertTrue(res.out().contains("turnover:         " + TextTable.percent(turnover) + " one-way"), res.out());
        String[] last = rows.get(rows.size() - 1);
        double[] w = weights(last);
        int start = 400 - 120;
        double[][] cov = covariance(r, start, 120, 0);
        double var = 0;
        for (int i = 0; i < w.length; i++) {
            for (int j = 0; j < w.length; j++) {
                var += w[i] * cov[i][j] * w[j];
            }
        }
        assertEquals(Math.sqrt(var), Double.parseDouble(last[ASSETS.length + 4]), 1e-12, "per-period volatility");
        String annual = TextTable.percent(Math.sqrt(var) * Math.sqrt(365));
        assertTrue(res.out().contains("portfolio vol:    " + annual + " annualised"), res.out());
        Cli.Result json = Cli.run("rolling", "--returns", in.toString(), "--window", "120", "--step", "30",
                "--format", "json");
        @SuppressWarnings("unchecked")
        Map<String, Object> doc = (Map<String, Object>) MiniJson.parse(json.out());
        assertEquals(turnover, ((Number) doc.get("mean_turnover")).doubleValue(), 1e-15);
        assertEquals(365, ((Number) doc.get("periods_per_year")).intValue());
    }

    /** The row of writeReturns' file that carries a date (daily from 2020-01-01). */
    private static int row(String date) {
        return (int) java.time.temporal.ChronoUnit.DAYS.between(java.time.LocalDate.of(2020, 1, 1),
                java.time.LocalDate.parse(date));
    }

    /**
     * In a window universe an asset that stops trading while held earns 0 until the next rebalance drops it (its
     * price carried forward), and the summary counts those returns; the fillers that keep the engines' Σ positive are
     * not returns. Recomputed here from the file and the CSV's weights.
     */
    @Test
    void aWindowUniverseHoldsAnAssetThatStopsAtReturnZeroAndCountsIt() throws Exception {
        double[][] r = syntheticReturns(300, 17);
        int stop = 250; /* GOLD has no return from row 250 on */
        Path in = writeDated("stops.csv", r, (t, j) -> j == 2 && t >= stop);
        Path out = dir.resolve("w.csv");
        Cli.Result res = Cli.run("rolling", "--returns", in.toString(), "--window", "100", "--step", "25",
                "--universe", "window", "--output", out.toString(), "--format", "json");
        assertEquals(0, res.code(), res.toString());
        List<String[]> rows = rows(out);
        double wealth = 1;
        double[] money = new double[ASSETS.length];
        int missing = 0;
        int k = 0;
        for (int t = row(rows.get(0)[0]) + 1; t < r.length; t++) {
            if (k < rows.size() && t - 1 == row(rows.get(k)[0])) {
                double[] w = weights(rows.get(k++));
                for (int j = 0; j < w.length; j++) {
                    money[j] = w[j] * wealth;
                }
            }
            wealth = 0;
            for (int j = 0; j < money.length; j++) {
                boolean gone = j == 2 && t >= stop;
                if (gone && money[j] > 0) {
                    missing++;
                }
                money[j] *= 1 + (gone ? 0 : r[t][j]);
                wealth += money[j];
            }
        }
        assertEquals(25, missing, "held from the window ending on row 249 through rows 250 … 274");
        @SuppressWarnings("unchecked")
        Map<String, Object> o = (Map<String, Object>) ((Map<String, Object>) MiniJson.parse(res.out()))
                .get("out_of_sample");
        assertEquals((double) missing, o.get("missing_returns_as_zero"));
        @SuppressWarnings("unchecked")
        Map<String, Object> held = (Map<String, Object>) o.get("weights");
        assertEquals(wealth - 1, (Double) held.get("total_return"), 1e-12);
        Cli.Result table = Cli.run("rolling", "--returns", in.toString(), "--window", "100", "--step", "25",
                "--universe", "window");
        assertTrue(table.out().contains("25 missing returns of held assets counted as 0"), table.out());
    }

    /**
     * From prices, an asset held through a one-day gap earns the move over the gap on the date after it (its price
     * carried forward), not 0 on both dates whose returns the gap removes. Recomputed here from units bought at
     * carried-forward prices.
     */
    @Test
    void aWindowUniverseHoldsAPriceGapsMoveOnTheDateAfterIt() throws Exception {
        double[][] r = syntheticReturns(300, 23);
        int gap = 260; /* GOLD has no price on row 260 */
        double[][] price = pricesOf(r);
        Path in = writeDated("gap.csv", price, (t, j) -> j == 2 && t == gap);
        Path out = dir.resolve("w.csv");
        Cli.Result res = Cli.run("rolling", "--prices", in.toString(), "--window", "100", "--step", "25",
                "--universe", "window", "--output", out.toString(), "--format", "json");
        assertEquals(0, res.code(), res.toString());
        List<String[]> rows = rows(out);
        double wealth = 1;
        double[] units = new double[ASSETS.length];
        int k = 0;
        boolean heldOverGap = false;
        for (int t = row(rows.get(0)[0]); t < r.length; t++) {
            if (t > row(rows.get(0)[0])) {
                wealth = 0;
                for (int j = 0; j < ASSETS.length; j++) {
                    wealth += units[j] * (j == 2 && t == gap ? price[t - 1][j] : price[t][j]);
                }
            }
            if (k < rows.size() && t == row(rows.get(k)[0])) {
                double[] w = weights(rows.get(k++));
                for (int j = 0; j < w.length; j++) {
                    units[j] = w[j] * wealth / price[t][j];
                }
                heldOverGap |= t < gap && (k == rows.size() || row(rows.get(k)[0]) > gap) && w[2] > 0;
            }
        }
        assertTrue(heldOverGap, "GOLD is held across its gap");
        @SuppressWarnings("unchecked")
        Map<String, Object> o = (Map<String, Object>) ((Map<String, Object>) MiniJson.parse(res.out()))
                .get("out_of_sample");
        assertEquals(1.0, o.get("missing_returns_as_zero"), "the gap's day only; the day after has its return");
        @SuppressWarnings("unchecked")
        Map<String, Object> held = (Map<String, Object>) o.get("weights");
        assertEquals(wealth - 1, (Double) held.get("total_return"), 1e-12);
    }

    @Test
    void oneRebalanceHasNoOutOfSampleSeriesAndNoTurnover() throws Exception {
        Path in = writeReturns(syntheticReturns(150, 3), -1);
        Cli.Result res = Cli.run("rolling", "--returns", in.toString(), "--window", "120", "--step", "100");
        assertEquals(0, res.code(), res.toString());
        assertTrue(res.out().contains("turnover:         n/a") && res.out().contains("out of sample:    none (one "
                + "rebalance, on the last date: nothing is held after it)"), res.out());
        Cli.Result json = Cli.run("rolling", "--returns", in.toString(), "--window", "120", "--step", "100",
                "--format", "json");
        Map<?, ?> doc = (Map<?, ?>) MiniJson.parse(json.out());
        assertTrue(doc.containsKey("mean_turnover") && doc.get("mean_turnover") == null, json.out());
        Cli.Result oneReturn = Cli.run("rolling", "--returns", in.toString(), "--window", "149", "--step", "1");
        assertTrue(oneReturn.out().contains("vol n/a/yr") && !oneReturn.out().contains("NaN"), oneReturn.out());
    }

    /** With CHART_ASSETS + 1 assets every one is drawn by itself: never a summed area "the other 1". */
    @Test
    void theChartDrawsOneAssetMoreThanItsLimitByItself() throws Exception {
        int n = RollingCommand.CHART_ASSETS + 1;
        Path in = manyAssets(n, 160, 5);
        Path page = dir.resolve("rolling13.html");
        Cli.Result res = Cli.run("rolling", "--returns", in.toString(), "--window", "100", "--step", "30", "--chart",
                page.toString());
        assertEquals(0, res.code(), res.toString());
        List<Map<String, Object>> areas = ChartPages.series(ChartPages.options(page).get(0));
        java.util.Set<Object> names = new java.util.HashSet<>();
        for (Map<String, Object> a : areas) {
            names.add(a.get("name"));
        }
        java.util.Set<Object> assets = new java.util.HashSet<>();
        for (int j = 0; j < n; j++) {
            assets.add("A" + j);
        }
        assertEquals(assets, names, "each of the " + n + " assets its own area");
    }
}

package io.equirisk.cli;

import io.equirisk.testing.SharedData;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

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

    private Path writeReturns(double[][] r, int blankRow) {
        StringBuilder sb = new StringBuilder("date," + String.join(",", ASSETS) + "\n");
        java.time.LocalDate d = java.time.LocalDate.of(2020, 1, 1);
        for (int t = 0; t < r.length; t++) {
            sb.append(d.plusDays(t));
            for (int j = 0; j < ASSETS.length; j++) {
                sb.append(',').append(t == blankRow && j == 2 ? "" : Double.toString(r[t][j]));
            }
            sb.append('\n');
        }
        return Cli.write(dir, "returns.csv", sb.toString());
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

    /** The output CSV: header, then date, N weights, converged, residual, iterations, volatility, assets. */
    private static List<String[]> rows(Path csv) throws Exception {
        List<String> lines = Files.readAllLines(csv);
        assertEquals("date," + String.join(",", ASSETS) + ",converged,residual,iterations,volatility,assets",
                lines.get(0));
        return lines.subList(1, lines.size()).stream().map(l -> l.split(",")).toList();
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
        if (emu.code() != 0 && emu.err().contains("backend 'emulation' is not available")
                && !Boolean.getBoolean("equirisk.requireEmulation")) {
            Assumptions.abort("CPU part checked; emulation library unavailable here: " + emu.err());
        }
        assertEquals(0, emu.code(), emu.toString());
        Matcher m = Pattern.compile("max \\|w − w_cpu\\| = (\\S+)").matcher(emu.out());
        assertTrue(m.find(), emu.out());
        assertTrue(Double.parseDouble(m.group(1)) <= 1e-9, emu.out());
        assertTrue(emu.out().contains("universe:         each window's own: 3–5 of 5 assets"), emu.out());
    }

    @Test
    void emulatedGpuKernelsAgreeWithTheCpuEngineOnRealPrices() {
        Path prices = SharedData.resolve("data/etf_6_yahoo_2006_2020/adj_close_wide.csv");
        Cli.Result res = Cli.run("rolling", "--prices", prices.toString(), "--window", "252", "--step", "63",
                "--backend", "emulation", "--verify");
        if (res.code() != 0 && res.err().contains("backend 'emulation' is not available")
                && !Boolean.getBoolean("equirisk.requireEmulation")) {
            Assumptions.abort("emulation library unavailable here: " + res.err());
        }
        assertEquals(0, res.code(), res.toString());
        assertTrue(res.out().contains("converged:        51 of 51"), res.out());
        Matcher m = Pattern.compile("max \\|w − w_cpu\\| = (\\S+)").matcher(res.out());
        assertTrue(m.find(), res.out());
        double diff = Double.parseDouble(m.group(1));
        assertTrue(diff <= 1e-9, "emulated kernels vs CPU engine: " + diff);
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
                "window 7 of 8 (rows 61–90, 2020-03-01 … 2020-03-30): asset OIL (#4) has the same return");
        // with each window's own assets and a shrinkage estimator, the asset keeps its column's number (EQ, missing
        // on one date of the window, is not a member there: OIL is the window's third member but column 4)
        StringBuilder gap = new StringBuilder("date," + String.join(",", ASSETS) + "\n");
        for (int t = 0; t < 100; t++) {
            gap.append(java.time.LocalDate.of(2020, 1, 1).plusDays(t));
            for (int j = 0; j < ASSETS.length; j++) {
                gap.append(',').append(j == 0 && t == 65 ? "" : Double.toString(r[t][j]));
            }
            gap.append('\n');
        }
        assertUsage(Cli.run("rolling", "--returns", Cli.write(dir, "gap.csv", gap.toString()).toString(), "--window",
                "30", "--step", "10", "--universe", "window", "--estimator", "ledoit-wolf"), "asset OIL (#4) has the "
                + "same return");
    }

    private static void assertUsage(Cli.Result r, String text) {
        assertEquals(Main.EXIT_USAGE, r.code(), r.toString());
        assertTrue(r.err().toLowerCase(Locale.ROOT).contains(text.toLowerCase(Locale.ROOT)), r.toString());
    }
}

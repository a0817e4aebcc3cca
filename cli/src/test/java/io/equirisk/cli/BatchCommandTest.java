package io.equirisk.cli;

import io.equirisk.covariance.CovarianceMatrix;
import io.equirisk.testing.SharedData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code equirisk batch}: many covariance matrices solved in one call, checked against an independent peer's ERC
 * weights through two properties of risk budgeting: scaling Σ leaves the weights alone, and reordering the assets
 * reorders them.
 */
class BatchCommandTest {
    @TempDir
    Path dir;

    /** Σ with a header of names, its rows and columns in {@code order}, times {@code scale}. */
    private static String named(CovarianceMatrix cov, int[] order, double scale) {
        int n = cov.size();
        StringBuilder s = new StringBuilder();
        for (int a = 0; a < n; a++) {
            s.append(a == 0 ? "" : ",").append("S").append(order[a] + 1);
        }
        s.append('\n');
        for (int a = 0; a < n; a++) {
            for (int b = 0; b < n; b++) {
                s.append(b == 0 ? "" : ",").append(scale * cov.get(order[a], order[b]));
            }
            s.append('\n');
        }
        return s.toString();
    }

    private static int[] identity(int n) {
        return java.util.stream.IntStream.range(0, n).toArray();
    }

    @Test
    void scaledAndReorderedCopiesOfAPeerSolvedMatrixGiveThePeersWeights() throws Exception {
        CovarianceMatrix cov = Checks.cov(SharedData.resolve("reference/erc/fm_n50/cov.csv"));
        double[] reference = SharedData.readVector(SharedData.resolve("reference/erc/fm_n50/weights.txt"));
        int n = cov.size();
        int[] reversed = new int[n];
        for (int i = 0; i < n; i++) {
            reversed[i] = n - 1 - i;
        }
        Path scenarios = Files.createDirectories(dir.resolve("scenarios"));
        Cli.write(scenarios, "a-base.csv", named(cov, identity(n), 1));
        Cli.write(scenarios, "b-stressed.csv", named(cov, identity(n), 4)); /* every volatility doubled */
        Cli.write(scenarios, "c-reordered.csv", named(cov, reversed, 0.25));
        Cli.write(scenarios, "notes.txt", "not a matrix");
        Path out = dir.resolve("w.csv");
        Cli.Result r = Cli.run("batch", "--cov", scenarios.toString(), "--output", out.toString(), "--format",
                "json");
        assertEquals(0, r.code(), r.toString());
        List<String> lines = Files.readAllLines(out);
        assertEquals(4, lines.size(), "a header and the three .csv files, by name: " + lines);
        assertTrue(lines.get(0).startsWith("name,S1,S2,") && lines.get(0).endsWith(",S50,converged,residual,"
                + "iterations,volatility,base_volatility,base_rc_error,turnover_from_base"), lines.get(0));
        String[] names = {"a-base", "b-stressed", "c-reordered"};
        double[] vols = new double[3];
        for (int k = 0; k < 3; k++) {
            String[] c = lines.get(k + 1).split(",");
            assertEquals(names[k], c[0]);
            double[] w = new double[n];
            for (int i = 0; i < n; i++) {
                w[i] = Double.parseDouble(c[1 + i]);
                /* in the first file's order, whatever the file's own */
                assertEquals(reference[i], w[i], 1e-8 * reference[i], names[k] + ": weight of S" + (i + 1));
            }
            assertEquals("true", c[n + 1]);
            vols[k] = Double.parseDouble(c[n + 4]);
            double var = cov.variance(w);
            assertEquals(Math.sqrt(var * (k == 0 ? 1 : k == 1 ? 4 : 0.25)), vols[k], 1e-12 * vols[k], names[k]);
            /* the same weights in every problem: the base's volatility is each one's own, and nothing to trade */
            assertEquals(vols[k], Double.parseDouble(c[n + 5]), 1e-9 * vols[k], names[k] + ": base volatility");
            assertTrue(Double.parseDouble(c[n + 6]) <= 1e-9 && Double.parseDouble(c[n + 7]) <= 1e-8, lines.get(k + 1));
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> doc = (Map<String, Object>) MiniJson.parse(r.out());
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> problems = (List<Map<String, Object>>) doc.get("problems");
        assertEquals(3, problems.size());
        for (int k = 0; k < 3; k++) {
            Map<String, Object> p = problems.get(k);
            assertEquals(names[k], p.get("name"));
            assertTrue(((String) p.get("file")).endsWith(names[k] + ".csv"), p.toString());
            @SuppressWarnings("unchecked")
            List<Double> rc = (List<Double>) p.get("risk_contributions");
            for (double v : rc) {
                assertEquals(1.0 / n, v, 1e-10, names[k]);
            }
            assertEquals(vols[k], (Double) p.get("volatility"), 0.0, "per period without --periods-per-year");
        }
        assertEquals(false, doc.get("volatility_annualised"));
        assertEquals(0.0, (Double) doc.get("unconverged"), 0.0);
    }

    @Test
    void theTableShowsFewProblemsSideBySideAndManyAsARange() throws Exception {
        String cov = "EQ,BOND,GOLD\n0.04,0.001,0.002\n0.001,0.0025,0.0005\n0.002,0.0005,0.0225\n";
        String reordered = "GOLD,EQ,BOND\n0.0225,0.002,0.0005\n0.002,0.04,0.001\n0.0005,0.001,0.0025\n";
        Path a = Cli.write(dir, "calm.csv", cov);
        Path b = Cli.write(dir, "shock.csv", reordered);
        Cli.Result two = Cli.run("batch", "--cov", a.toString(), b.toString(), "--periods-per-year", "252");
        assertEquals(0, two.code(), two.toString());
        /* the calm weights held under a shock that doubles EQ's volatility, computed here */
        String shocked = "EQ,BOND,GOLD\n0.16,0.002,0.002\n0.002,0.0025,0.0005\n0.002,0.0005,0.0225\n";
        Cli.Result base = Cli.run("batch", "--cov", a.toString(), Cli.write(dir, "shocked.csv", shocked).toString(),
                "--format", "csv");
        assertEquals(0, base.code(), base.toString());
        String[] calm = base.out().lines().toList().get(1).split(",");
        String[] shock = base.out().lines().toList().get(2).split(",");
        double[][] sigma = {{0.16, 0.002, 0.002}, {0.002, 0.0025, 0.0005}, {0.002, 0.0005, 0.0225}};
        double[] w = {Double.parseDouble(calm[1]), Double.parseDouble(calm[2]), Double.parseDouble(calm[3])};
        double var = 0;
        double[] sw = new double[3];
        for (int i = 0; i < 3; i++) {
            for (int j = 0; j < 3; j++) {
                sw[i] += sigma[i][j] * w[j];
            }
            var += w[i] * sw[i];
        }
        double error = 0;
        double traded = 0;
        for (int i = 0; i < 3; i++) {
            error = Math.max(error, Math.abs(w[i] * sw[i] / var - 1.0 / 3));
            traded += Math.abs(Double.parseDouble(shock[1 + i]) - w[i]);
        }
        assertEquals(Math.sqrt(var), Double.parseDouble(shock[8]), 1e-14, "the calm weights' volatility in the shock");
        assertEquals(error, Double.parseDouble(shock[9]), 1e-12, "their distance from parity there");
        assertTrue(error > 0.1, "a shock that moves the risk: " + error);
        assertEquals(0.5 * traded, Double.parseDouble(shock[10]), 1e-15, "the trade back to parity");
        /* --base names another problem: the shocked weights held under the calm Σ */
        Cli.Result other = Cli.run("batch", "--cov", a.toString(), dir.resolve("shocked.csv").toString(), "--base",
                "shocked", "--format", "csv");
        String[] calmRow = other.out().lines().toList().get(1).split(",");
        double[][] calmSigma = {{0.04, 0.001, 0.002}, {0.001, 0.0025, 0.0005}, {0.002, 0.0005, 0.0225}};
        double v = 0;
        for (int i = 0; i < 3; i++) {
            for (int j = 0; j < 3; j++) {
                v += Double.parseDouble(shock[1 + i]) * calmSigma[i][j] * Double.parseDouble(shock[1 + j]);
            }
        }
        assertEquals(Math.sqrt(v), Double.parseDouble(calmRow[8]), 1e-14, "--base shocked: " + other.out());
        /* --vol-target: each problem's leverage, and the calm book levered to 10% held in the shock */
        Cli.Result target = Cli.run("batch", "--cov", a.toString(), dir.resolve("shocked.csv").toString(),
                "--vol-target", "0.1", "--periods-per-year", "252", "--format", "csv");
        assertEquals(0, target.code(), target.toString());
        List<String> levered = target.out().lines().toList();
        assertTrue(levered.get(0).endsWith(",turnover_from_base,leverage,base_levered_volatility"), levered.get(0));
        String[] calmLevered = levered.get(1).split(",");
        String[] shockLevered = levered.get(2).split(",");
        double calmLeverage = 0.1 / (Double.parseDouble(calmLevered[7]) * Math.sqrt(252));
        assertEquals(calmLeverage, Double.parseDouble(calmLevered[11]), 1e-12 * calmLeverage);
        assertEquals(0.1 / (Double.parseDouble(shockLevered[7]) * Math.sqrt(252)),
                Double.parseDouble(shockLevered[11]), 1e-12);
        assertEquals(calmLeverage * Math.sqrt(var), Double.parseDouble(shockLevered[12]), 1e-14,
                "the levered calm book's volatility per period in the shock");
        Cli.Result percent = Cli.run("batch", "--cov", a.toString(), "--vol-target", "10", "--periods-per-year",
                "252");
        assertTrue(percent.err().contains("--vol-target 10.0 is 1000% a year; it is a fraction"), percent.err());
        Cli.Result json = Cli.run("batch", "--cov", a.toString(), dir.resolve("shocked.csv").toString(), "--base",
                "shocked", "--format", "json");
        assertEquals("shocked", ((Map<?, ?>) MiniJson.parse(json.out())).get("base"), json.out());
        Cli.Result unknownPeriods = Cli.run("batch", "--cov", a.toString(), "--vol-target", "0.1");
        assertTrue(unknownPeriods.code() == Main.EXIT_USAGE && unknownPeriods.err().contains("give "
                + "--periods-per-year"), unknownPeriods.toString());
        Cli.Result none = Cli.run("batch", "--cov", a.toString(), b.toString(), "--base", "nope");
        assertTrue(none.code() == Main.EXIT_USAGE && none.err().contains("--base nope names none of the problems: "
                + "calm, shock"), none.toString());
        assertTrue(two.out().lines().findFirst().orElseThrow().matches("asset\\s+calm\\s+shock"), two.out());
        String eq = two.out().lines().filter(l -> l.startsWith("EQ ")).findFirst().orElseThrow();
        String[] cells = eq.trim().split("\\s+");
        assertEquals(cells[1], cells[2], "the same matrix, reordered: the same weight for EQ");
        assertTrue(two.out().contains("vol (annualised)"), two.out());
        assertTrue(two.out().contains("input:            2 covariance matrices × 3 assets"), two.out());
        /* eight problems: the weights' mean, min and max, and a line each */
        StringBuilder args = new StringBuilder();
        for (int k = 0; k < 8; k++) {
            double s = 1 + k;
            String m = "EQ,BOND,GOLD\n" + 0.04 * s + ",0.001,0.002\n0.001,0.0025,0.0005\n0.002,0.0005,0.0225\n";
            args.append(Cli.write(dir, "s" + k + ".csv", m)).append(' ');
        }
        Cli.Result eight = Cli.run(("batch --cov " + args).trim().split(" "));
        assertEquals(0, eight.code(), eight.toString());
        assertTrue(eight.out().lines().findFirst().orElseThrow().matches("asset\\s+mean weight\\s+min\\s+max"),
                eight.out());
        assertEquals(8, eight.out().lines().filter(l -> l.matches("s\\d\\s+yes\\s.*")).count(), eight.out());
    }

    @Test
    void mismatchedAssetsAndBadMatricesAreNamedByFile() throws Exception {
        Path a = Cli.write(dir, "a.csv", "EQ,BOND\n0.04,0.001\n0.001,0.0025\n");
        Path other = Cli.write(dir, "b.csv", "EQ,GOLD\n0.04,0.001\n0.001,0.0225\n");
        Cli.Result missing = Cli.run("batch", "--cov", a.toString(), "--cov", other.toString());
        assertEquals(Main.EXIT_USAGE, missing.code(), missing.toString());
        assertTrue(missing.err().contains(other + ": has no asset BOND, which " + a + " has"), missing.err());
        Path bigger = Cli.write(dir, "c.csv", "0.04,0.001,0\n0.001,0.0025,0\n0,0,0.01\n");
        Cli.Result size = Cli.run("batch", "--cov", a.toString(), "--cov", bigger.toString());
        assertEquals(Main.EXIT_USAGE, size.code(), size.toString());
        assertTrue(size.err().contains(bigger + ": 3 assets, but " + a + " has 2 (matched by position"),
                size.err());
        Path notPd = Cli.write(dir, "d.csv", "EQ,BOND\n0.04,0.05\n0.05,0.0025\n");
        Cli.Result pd = Cli.run("batch", "--cov", a.toString(), "--cov", notPd.toString());
        assertEquals(Main.EXIT_USAGE, pd.code(), pd.toString());
        assertTrue(pd.err().contains(notPd + ": the correlation of EQ and BOND is 5.000, beyond ±1"), pd.err());
        /* correlations set by hand that contradict one another: said, and --repair takes the nearest valid ones */
        String three = "EQ,BOND,GOLD\n0.04,0.009,0.009\n0.009,0.0025,-0.00225\n0.009,-0.00225,0.0025\n";
        Path contradict = Cli.write(dir, "e.csv", three);
        Path calm = Cli.write(dir, "calm3.csv", "EQ,BOND,GOLD\n0.04,0.001,0.002\n0.001,0.0025,0.0005\n"
                + "0.002,0.0005,0.0225\n");
        Cli.Result indefinite = Cli.run("batch", "--cov", calm.toString(), contradict.toString());
        assertEquals(Main.EXIT_USAGE, indefinite.code(), indefinite.toString());
        assertTrue(indefinite.err().contains("its correlations contradict one another: the smallest eigenvalue of its "
                + "correlation matrix is -0.") && indefinite.err().contains("--repair moves it"), indefinite.err());
        Cli.Result repaired = Cli.run("batch", "--cov", calm.toString(), contradict.toString(), "--repair");
        assertEquals(0, repaired.code(), repaired.toString());
        Cli.Result strict = Cli.run("batch", "--cov", contradict.toString(), calm.toString(), "--repair", "--tol",
                "1e-15", "--solver", "ccd", "--max-iter", "3");
        assertTrue(strict.code() == Main.EXIT_FAILURE && strict.err().contains("it was repaired (--repair) to a "
                + "nearly singular matrix"), "a repaired matrix's failed solve is told to loosen --tol: " + strict);
        assertTrue(repaired.err().contains(contradict + " is not positive definite") && repaired.err().contains(
                "repaired to the nearest correlation matrix"), repaired.err());
        /* an unknown option after --cov's files is an unknown option, not a missing file */
        Cli.Result option = Cli.run("batch", "--cov", a.toString(), "--window", "252");
        assertTrue(option.code() == Main.EXIT_USAGE && option.err().contains("unknown option '--window'"),
                option.toString());
        /* a correlation matrix given for a covariance (1 to rounding, as cov / outer(σ, σ) gives it), one in
           percent² */
        Cli.Result units = Cli.run("batch", "--cov", Cli.write(dir, "corr.csv", "EQ,BOND\n1.0000000000000002,0.2\n"
                + "0.2,0.9999999999999998\n")
                .toString(), Cli.write(dir, "pct.csv", "EQ,BOND\n4,0.1\n0.1,0.25\n").toString());
        assertEquals(0, units.code(), units.toString());
        assertTrue(units.err().contains("has every variance exactly 1: a correlation matrix?") && units.err()
                .contains("has a volatility of 2.00 (200%) a period: a covariance of returns in percent"), units.err());
        /* a folder of nothing but the budgets and an earlier output: no matrices, and why */
        Path only = Files.createDirectories(dir.resolve("only"));
        Path bud = Cli.write(only, "budgets.csv", "EQ,0.5\nBOND,0.5\n");
        Cli.Result first = Cli.run("batch", "--cov", a.toString(), "--output", only.resolve("w.csv").toString());
        assertEquals(0, first.code(), first.toString());
        Cli.Result skipped = Cli.run("batch", "--cov", only.toString(), "--budgets", bud.toString());
        assertTrue(skipped.code() == Main.EXIT_USAGE && skipped.err().contains("the folder holds no covariance "
                + "matrices (its 2 .csv files are hidden, the --budgets file or earlier outputs)"), skipped.toString());
        Path empty = Files.createDirectories(dir.resolve("empty"));
        Cli.Result none = Cli.run("batch", "--cov", empty.toString());
        assertEquals(Main.EXIT_USAGE, none.code(), none.toString());
        assertTrue(none.err().contains("--cov " + empty + ": the folder holds no covariance matrices (no .csv files)"), none.err());
        /* a first file without names, then named files in one order: read in their order, by position */
        Path bare = Cli.write(dir, "bare.csv", "0.0025,0.001\n0.001,0.04\n");
        Path swapped = Cli.write(dir, "swapped.csv", "BOND,EQ\n0.0025,0.001\n0.001,0.04\n");
        Cli.Result positional = Cli.run("batch", "--cov", bare.toString(), swapped.toString(), "--format", "csv");
        assertEquals(0, positional.code(), positional.toString());
        List<String> rows = positional.out().lines().toList();
        assertTrue(rows.get(0).startsWith("name,BOND,EQ,"), "the named file's names: " + rows.get(0));
        assertEquals(rows.get(1).split(",")[1], rows.get(2).split(",")[1], "the same matrix: " + rows);
        /* named files in different orders (matched by name to each other): a file without names is refused, as
           its order is unknown (a review: read in whichever named order came first, the labels wrong) */
        Cli.Result unknownOrder = Cli.run("batch", "--cov", bare.toString(), a.toString(), swapped.toString());
        assertTrue(unknownOrder.code() == Main.EXIT_USAGE && unknownOrder.err().contains(bare + " has no asset names, "
                + "and the files that name them list them in different orders"), unknownOrder.toString());
        Cli.Result named = Cli.run("batch", "--cov", a.toString(), swapped.toString(), "--format", "csv");
        List<String> byName = named.out().lines().toList();
        assertEquals(byName.get(1).split(",")[1], byName.get(2).split(",")[1], "EQ's weight, matched by name: "
                + byName);
        Cli.Result twice = Cli.run("batch", "--cov", dir.toString(), "--cov", a.toString());
        assertTrue(twice.code() == Main.EXIT_USAGE && twice.err().contains(a + " is given twice"), twice.toString());
        Cli.Result self = Cli.run("batch", "--cov", a.toString(), "--output", a.toString());
        assertEquals(Main.EXIT_USAGE, self.code(), self.toString());
        assertTrue(self.err().contains("is the input file"), self.err());
    }

    @Test
    void budgetsApplyToEveryProblemAndUnconvergedOnesAreWrittenThenFail() throws Exception {
        CovarianceMatrix cov = Checks.cov(SharedData.resolve("reference/erc/budget_n200/cov.csv"));
        double[] reference = SharedData.readVector(SharedData.resolve("reference/erc/budget_n200/weights.txt"));
        Path budgets = SharedData.resolve("reference/erc/budget_n200/budget.csv");
        int n = cov.size();
        Path one = Cli.write(dir, "one.csv", named(cov, identity(n), 1));
        Path two = Cli.write(dir, "two.csv", named(cov, identity(n), 9));
        Path out = dir.resolve("w.csv");
        Cli.Result r = Cli.run("batch", "--cov", one.toString(), two.toString(), "--budgets", budgets.toString(),
                "--output", out.toString());
        assertEquals(0, r.code(), r.toString());
        List<String> lines = Files.readAllLines(out);
        for (int k = 1; k <= 2; k++) {
            String[] c = lines.get(k).split(",");
            for (int i = 0; i < n; i++) {
                assertEquals(reference[i], Double.parseDouble(c[1 + i]), 1e-8 * reference[i], "weight " + i);
            }
        }
        Cli.Result capped = Cli.run("batch", "--cov", one.toString(), two.toString(), "--solver", "ccd",
                "--max-iter", "1", "--output", out.toString());
        assertEquals(Main.EXIT_FAILURE, capped.code(), capped.toString());
        assertTrue(capped.err().contains("2 of 2 problems did not converge (the first, one: residual"),
                capped.err());
        assertTrue(Files.readAllLines(out).get(1).contains(",false,"), "written before the failure");
        /* the budgets and the weights kept in the folder of the matrices are not read as matrices, the next run
           either, whatever it names its output; an output naming a matrix there is refused, not written over it */
        Path folder = Files.createDirectories(dir.resolve("folder"));
        Files.copy(one, folder.resolve("one.csv"));
        Files.copy(two, folder.resolve("two.csv"));
        Path kept = Files.copy(budgets, folder.resolve("budgets.csv"));
        for (String name : new String[] {"weights.csv", "weights.csv", "weights-v2.csv"}) {
            Cli.Result again = Cli.run("batch", "--cov", folder.toString(), "--budgets", kept.toString(),
                    "--output", folder.resolve(name).toString());
            assertEquals(0, again.code(), name + ": " + again);
            assertEquals(3, Files.readAllLines(folder.resolve(name)).size(), "two problems: " + name);
        }
        Cli.Result noted = Cli.run("batch", "--cov", folder.toString(), "--budgets", kept.toString());
        assertTrue(noted.err().contains(folder.resolve("weights.csv") + " is left out of --cov " + folder + ": it is "
                + "an equirisk batch output"), noted.err());
        String matrix = Files.readString(folder.resolve("one.csv"));
        Cli.Result over = Cli.run("batch", "--cov", folder.toString(), "--budgets", kept.toString(), "--output",
                folder.resolve("one.csv").toString());
        assertTrue(over.code() == Main.EXIT_USAGE && over.err().contains("is the input file"), over.toString());
        assertEquals(matrix, Files.readString(folder.resolve("one.csv")), "the matrix is untouched");
    }

    @Test
    void manyUnconvergedProblemsAreCountedWhereNotAllAreListed() throws Exception {
        CovarianceMatrix cov = Checks.cov(SharedData.resolve("reference/erc/fm_n50/cov.csv"));
        Path many = Files.createDirectories(dir.resolve("many"));
        for (int k = 0; k < 24; k++) {
            Cli.write(many, String.format("m%02d.csv", k), named(cov, identity(cov.size()), 1 + k));
        }
        Cli.Result r = Cli.run("batch", "--cov", many.toString(), "--solver", "ccd", "--max-iter", "1");
        assertEquals(Main.EXIT_FAILURE, r.code(), r.toString());
        assertTrue(r.out().contains("input:            24 covariance matrices × 50 assets (") && r.out().contains(
                "; the first 20 of the 24 unconverged listed above"), r.out());
    }

    @Test
    void theEmulatedKernelsAgreeWithTheCpuEngine() {
        String cov = "EQ,BOND,GOLD\n0.04,0.001,0.002\n0.001,0.0025,0.0005\n0.002,0.0005,0.0225\n";
        String other = "EQ,BOND,GOLD\n0.09,0.003,0.002\n0.003,0.0025,-0.0005\n0.002,-0.0005,0.0225\n";
        Cli.Result r = Cli.run("batch", "--cov", Cli.write(dir, "a.csv", cov).toString(),
                Cli.write(dir, "b.csv", other).toString(), "--backend", "emulation", "--verify");
        Checks.assertEmulationAgrees(r, "");
    }
}

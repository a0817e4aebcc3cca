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

/** {@code equirisk solve} end to end on covariance input: output file, JSON, budgets by name, vol target. */
class SolveCommandTest {
    @TempDir
    Path dir;

    private static final String COV4 = "EQ,BOND,GOLD,OIL\n"
            + "0.0400,0.0010,0.0020,0.0100\n"
            + "0.0010,0.0025,0.0005,-0.0010\n"
            + "0.0020,0.0005,0.0225,0.0040\n"
            + "0.0100,-0.0010,0.0040,0.0900\n";

    @Test
    void matchesTheIndependentReferenceSolutionOnABareBlock() {
        Path cov = SharedData.resolve("reference/erc/fm_n50/cov.csv");
        double[] reference = SharedData.readVector(SharedData.resolve("reference/erc/fm_n50/weights.txt"));
        Path out = dir.resolve("w.csv");
        Cli.Result r = Cli.run("solve", "--cov", cov.toString(), "--output", out.toString());
        assertEquals(0, r.code(), r.toString());
        Checks.Weights w = Checks.readWeights(out);
        assertEquals(reference.length, w.weights().length);
        for (int i = 0; i < reference.length; i++) {
            assertEquals(reference[i], w.weights()[i], 1e-8 * reference[i], "weight " + i);
        }
        Checks.assertRiskBudgeting(Checks.cov(cov), w.weights(), w.rc(), Checks.equal(50), 1e-10);
        assertTrue(r.out().contains("converged:        yes"), r.out());
        assertTrue(r.out().contains("per period"), "a given covariance is not annualised unless asked: " + r.out());
    }

    @Test
    void aWindowLongerThanTheHistorySaysAllIsUsed() throws Exception {
        Path in = SyntheticReturns.write(dir, 3, 50, 1, 1);
        Cli.Result r = Cli.run("solve", "--returns", in.toString(), "--window", "100");
        assertEquals(0, r.code(), r.toString());
        assertTrue(r.err().contains("--window 100 is longer than the 50 returns in " + in + ": all of them are used"),
                r.err());
    }

    @Test
    void theChartPageDrawsTheWeightsRiskContributionsAndBudgets() throws Exception {
        Path cov = Cli.write(dir, "c.csv", COV4);
        Path budgets = Cli.write(dir, "b.csv", "0.4,0.3,0.2,0.1\n");
        Path out = dir.resolve("w.csv");
        Path page = dir.resolve("solve.html");
        Cli.Result r = Cli.run("solve", "--cov", cov.toString(), "--budgets", budgets.toString(), "--output",
                out.toString(), "--chart", page.toString());
        assertEquals(0, r.code(), r.toString());
        Checks.Weights w = Checks.readWeights(out);
        List<Map<String, Object>> options = ChartPages.options(page);
        assertEquals(1, options.size());
        assertEquals(List.of("EQ", "BOND", "GOLD", "OIL"), ChartPages.categories(options.get(0)));
        List<Map<String, Object>> bars = ChartPages.series(options.get(0));
        assertEquals(List.of("weight", "risk contribution", "budget"), bars.stream().map(b -> b.get("name")).toList());
        double[] b = {0.4, 0.3, 0.2, 0.1};
        for (int i = 0; i < 4; i++) {
            assertEquals(100 * w.weights()[i], (Double) ChartPages.data(bars.get(0)).get(i), 1e-12);
            assertEquals(100 * w.rc()[i], (Double) ChartPages.data(bars.get(1)).get(i), 1e-12);
            assertEquals(100 * b[i], (Double) ChartPages.data(bars.get(2)).get(i), 1e-12);
            assertEquals(100 * b[i], (Double) ChartPages.data(bars.get(1)).get(i), 1e-6, "risk contribution on budget");
        }
        assertEquals(0, Cli.run("solve", "--cov", cov.toString(), "--chart", page.toString()).code());
        assertEquals(List.of("weight", "risk contribution"), ChartPages.series(ChartPages.options(page).get(0))
                .stream().map(x -> x.get("name")).toList(), "equal budgets: no budget bars");
    }

    /**
     * A date with no price for any asset (a holiday in a merged calendar) is skipped before returns are taken: the
     * return spans it, and the answer is the file's without that row, to the bit. Taken across it, the row cost
     * every asset two returns and the move over the gap (a review's find).
     */
    @Test
    void aDateWithNoPriceForAnyAssetIsSkipped() throws Exception {
        java.util.Random rnd = new java.util.Random(3);
        StringBuilder with = new StringBuilder("date,EQ,BOND,GOLD\n");
        StringBuilder without = new StringBuilder(with);
        double[] p = {100, 50, 20};
        for (int d = 0; d < 60; d++) {
            String date = java.time.LocalDate.of(2021, 1, 1).plusDays(d).toString();
            if (d == 23) {
                with.append(date).append(",,,\n");
                continue;
            }
            StringBuilder row = new StringBuilder(date);
            for (int j = 0; j < 3; j++) {
                p[j] *= 1 + 0.01 * (j + 1) * rnd.nextGaussian();
                row.append(',').append(p[j]);
            }
            with.append(row).append('\n');
            without.append(row).append('\n');
        }
        Path a = dir.resolve("a.csv");
        Path b = dir.resolve("b.csv");
        Cli.Result holiday = Cli.run("solve", "--prices", Cli.write(dir, "h.csv", with.toString()).toString(),
                "--output", a.toString());
        Cli.Result plain = Cli.run("solve", "--prices", Cli.write(dir, "p.csv", without.toString()).toString(),
                "--output", b.toString());
        assertEquals(0, holiday.code(), holiday.toString());
        assertEquals(0, plain.code(), plain.toString());
        assertTrue(holiday.err().contains("1 date has no price for any asset and is skipped"), holiday.toString());
        assertEquals(Files.readString(b), Files.readString(a));
        assertTrue(holiday.out().contains("58 returns"), holiday.out());
    }

    @Test
    void outputCsvJsonAndStdoutCsvAgreeAtFullPrecision() throws Exception {
        Path cov = Cli.write(dir, "cov.csv", COV4);
        Path out = dir.resolve("w.csv");
        Cli.Result json = Cli.run("solve", "--cov", cov.toString(), "--output", out.toString(), "--format", "json");
        assertEquals(0, json.code(), json.toString());
        @SuppressWarnings("unchecked")
        Map<String, Object> doc = (Map<String, Object>) MiniJson.parse(json.out());
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> assets = (List<Map<String, Object>>) doc.get("assets");
        Checks.Weights file = Checks.readWeights(out);
        assertEquals(List.of("EQ", "BOND", "GOLD", "OIL"), file.assets());
        assertEquals(4, assets.size());
        for (int i = 0; i < 4; i++) {
            assertEquals(file.assets().get(i), assets.get(i).get("asset"));
            assertEquals(file.weights()[i], (Double) assets.get(i).get("weight"), 0.0, "JSON and CSV carry the "
                    + "same double");
            assertEquals(file.rc()[i], (Double) assets.get(i).get("risk_contribution"), 0.0);
        }
        assertEquals(Boolean.TRUE, doc.get("converged"));
        assertTrue((Double) doc.get("residual") <= 1e-10);
        assertTrue(((String) doc.get("backend_reason")).contains("cpu"));
        CovarianceMatrix m = Checks.cov(cov);
        Checks.assertRiskBudgeting(m, file.weights(), file.rc(), Checks.equal(4), 1e-10);
        double vol = Math.sqrt(m.variance(file.weights()));
        assertEquals(vol, (Double) doc.get("portfolio_volatility"), 1e-14);

        Cli.Result csv = Cli.run("solve", "--cov", cov.toString(), "--format", "csv");
        assertEquals(Files.readString(out), csv.out());
    }

    @Test
    void budgetsAreMatchedByNameWhateverTheirOrder() {
        Path cov = Cli.write(dir, "cov.csv", COV4);
        Path byName = Cli.write(dir, "named.csv", "asset,budget\nOIL,0.1\nGOLD,0.2\nEQ,0.4\nBOND,0.3\n");
        Path out = dir.resolve("w.csv");
        Cli.Result r = Cli.run("solve", "--cov", cov.toString(), "--budgets", byName.toString(), "-o",
                out.toString());
        assertEquals(0, r.code(), r.toString());
        Checks.Weights w = Checks.readWeights(out);
        Checks.assertRiskBudgeting(Checks.cov(cov), w.weights(), w.rc(), new double[] {0.4, 0.3, 0.2, 0.1}, 1e-10);
        assertTrue(r.out().contains("budget"), "table shows the budget column: " + r.out());

        Path positional = Cli.write(dir, "pos.csv", "4,3,2,1\n");
        Path out2 = dir.resolve("w2.csv");
        Cli.Result n = Cli.run("solve", "--cov", cov.toString(), "--budgets", positional.toString(),
                "--normalize-budgets", "-o", out2.toString());
        assertEquals(0, n.code(), n.toString());
        Checks.Weights w2 = Checks.readWeights(out2);
        for (int i = 0; i < 4; i++) {
            assertEquals(w.weights()[i], w2.weights()[i], 1e-12, "normalized 4:3:2:1 = named 0.4/0.3/0.2/0.1");
        }
    }

    @Test
    void zeroBudgetGivesZeroWeight() {
        Path cov = Cli.write(dir, "cov.csv", COV4);
        Path b = Cli.write(dir, "b.csv", "0.5,0.5,0,0\n");
        Path out = dir.resolve("w.csv");
        Cli.Result r = Cli.run("solve", "--cov", cov.toString(), "--budgets", b.toString(), "-o", out.toString());
        assertEquals(0, r.code(), r.toString());
        Checks.Weights w = Checks.readWeights(out);
        assertEquals(0.0, w.weights()[2]);
        assertEquals(0.0, w.weights()[3]);
        Checks.assertRiskBudgeting(Checks.cov(cov), w.weights(), w.rc(), new double[] {0.5, 0.5, 0, 0}, 1e-10);
    }

    @Test
    void volTargetScalesToTheTargetAndReportsLeverage() {
        Path cov = Cli.write(dir, "cov.csv", COV4);
        Cli.Result r = Cli.run("solve", "--cov", cov.toString(), "--vol-target", "0.10", "--periods-per-year", "12",
                "--format", "json");
        assertEquals(0, r.code(), r.toString());
        @SuppressWarnings("unchecked")
        Map<String, Object> doc = (Map<String, Object>) MiniJson.parse(r.out());
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> assets = (List<Map<String, Object>>) doc.get("assets");
        double[] scaled = new double[4];
        double sum = 0;
        for (int i = 0; i < 4; i++) {
            scaled[i] = (Double) assets.get(i).get("scaled_weight");
            sum += scaled[i];
        }
        CovarianceMatrix m = Checks.cov(cov);
        assertEquals(0.10, Math.sqrt(m.variance(scaled) * 12), 1e-12, "annualised vol of the scaled weights");
        assertEquals((Double) doc.get("leverage"), sum, 1e-12, "leverage = sum of scaled weights");
        assertEquals(Boolean.TRUE, doc.get("volatility_annualised"));

        Cli.Result table = Cli.run("solve", "--cov", cov.toString(), "--vol-target", "0.10", "--periods-per-year",
                "252");
        assertTrue(table.out().contains("leverage"), table.out());
        assertTrue(table.out().contains("scaled weight"), table.out());
        // a covariance file's period is unknown: an annual target needs it said, not 252 assumed
        Cli.Result unknown = Cli.run("solve", "--cov", cov.toString(), "--vol-target", "0.10");
        assertEquals(Main.EXIT_USAGE, unknown.code(), unknown.toString());
        assertTrue(unknown.err().contains("--periods-per-year"), unknown.toString());
        Cli.Result overflow = Cli.run("solve", "--cov", cov.toString(), "--vol-target", "1e308", "--periods-per-year",
                "1");
        assertEquals(Main.EXIT_USAGE, overflow.code(), overflow.toString());
        assertTrue(overflow.err().contains("out of reach"), overflow.toString());
    }

    @Test
    void verifyReportsTheDifferenceToTheCpuEngine() {
        Path cov = Cli.write(dir, "cov.csv", COV4);
        Cli.Result r = Cli.run("solve", "--cov", cov.toString(), "--verify", "--solver", "newton", "--format",
                "json");
        assertEquals(0, r.code(), r.toString());
        @SuppressWarnings("unchecked")
        Map<String, Object> doc = (Map<String, Object>) MiniJson.parse(r.out());
        double d = (Double) doc.get("verify_max_weight_difference");
        assertTrue(d >= 0 && d < 1e-9, "difference " + d);
    }

    @Test
    void nonConvergenceIsAnErrorNotAnAnswer() {
        Path cov = Cli.write(dir, "cov.csv", COV4);
        Path out = dir.resolve("w.csv");
        Cli.Result r = Cli.run("solve", "--cov", cov.toString(), "--solver", "ccd", "--max-iter", "1", "--tol",
                "1e-14", "-o", out.toString());
        assertEquals(Main.EXIT_FAILURE, r.code(), r.toString());
        assertTrue(r.err().contains("did not converge"), r.err());
        assertEquals("", r.out());
        assertTrue(!Files.exists(out), "no weights file for an unconverged solve");
    }

    /**
     * A correlation matrix of condition 1e10 with both signs on which rounding each ERC weight to double moves the
     * risk contributions by up to 2.4e-9: no double-precision answer meets 1e-10. The error says so and names a
     * tolerance that can be met (rather than suggesting more iterations), and that tolerance converges.
     */
    @Test
    void aToleranceBeyondDoublePrecisionIsNamedAsSuch() {
        io.equirisk.covariance.CovarianceMatrix m = io.equirisk.testing.RandomCovariances.illConditioned(6, 1e10, 0,
                4);
        StringBuilder csv = new StringBuilder();
        for (int i = 0; i < 6; i++) {
            for (int j = 0; j < 6; j++) {
                csv.append(j == 0 ? "" : ",").append(m.values()[i * 6 + j]);
            }
            csv.append('\n');
        }
        Path cov = Cli.write(dir, "hedged.csv", csv.toString());
        Cli.Result r = Cli.run("solve", "--cov", cov.toString());
        assertEquals(Main.EXIT_FAILURE, r.code(), r.toString());
        assertTrue(r.err().contains("as close as double precision allows") && r.err().contains("use --tol 1e-09"),
                r.err());
        Cli.Result loose = Cli.run("solve", "--cov", cov.toString(), "--tol", "1e-9");
        assertEquals(0, loose.code(), loose.toString());
    }

    @Test
    void helpAndVersion() {
        Cli.Result help = Cli.run("solve", "--help");
        assertEquals(0, help.code());
        assertTrue(help.out().contains("Examples:") && help.out().contains("--normalize-budgets"), help.out());
        for (String cmd : new String[] {"cov", "demo", "bench", "devices"}) {
            Cli.Result h = Cli.run(cmd, "--help");
            assertEquals(0, h.code(), cmd);
            assertTrue(h.out().contains("Example"), cmd + ": " + h.out());
        }
        Cli.Result v = Cli.run("--version");
        assertEquals(0, v.code());
        assertTrue(v.out().startsWith("equirisk "), v.out());
        assertTrue(v.out().contains("Java "), v.out());
        /* picocli formats each description (a lone % breaks it) and warns on System.err, not the command's writer */
        java.io.ByteArrayOutputStream warnings = new java.io.ByteArrayOutputStream();
        java.io.PrintStream stderr = System.err;
        System.setErr(new java.io.PrintStream(warnings, true, java.nio.charset.StandardCharsets.UTF_8));
        List<String> helps = new java.util.ArrayList<>();
        try {
            for (String cmd : new String[] {"", "solve", "batch", "rolling", "scenarios", "cov", "demo", "bench",
                    "devices"}) {
                Cli.Result h = cmd.isEmpty() ? Cli.run("--help") : Cli.run(cmd, "--help");
                assertEquals("", h.err(), cmd + " --help");
                helps.add(h.out());
            }
        } finally {
            System.setErr(stderr);
        }
        assertEquals("", warnings.toString(java.nio.charset.StandardCharsets.UTF_8), "the help formats cleanly");
        for (String out : helps) {
            String cmd = out.lines().filter(l -> l.startsWith("Usage: ")).findFirst().orElse(out);
            List<String> lines = out.lines().toList();
            int at = Math.max(lines.indexOf("Examples:"), lines.indexOf("Example:"));
            assertTrue(at >= 0, cmd + ": " + out);
            /* an example wrapped by the help's width would run without its last options when pasted */
            for (int i = at + 1; i < lines.size() && !lines.get(i).isBlank(); i++) {
                String line = lines.get(i);
                boolean continued = lines.get(i - 1).endsWith(" \\") && line.startsWith("      --");
                assertTrue(line.length() <= 80 && (line.startsWith("  equirisk ") || continued),
                        cmd + " --help: example line '" + line + "' is not a command or its continuation");
            }
        }
        for (String cmd : new String[] {"solve", "batch", "rolling", "scenarios", "cov", "demo", "bench", "devices"}) {
            Cli.Result sub = Cli.run(cmd, "-V");
            assertEquals(0, sub.code(), cmd);
            assertEquals(v.out(), sub.out(), cmd + " -V: the same version as equirisk --version");
        }
    }
}

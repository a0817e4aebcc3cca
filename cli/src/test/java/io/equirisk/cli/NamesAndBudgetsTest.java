package io.equirisk.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Asset names as markets have them (numeric tickers such as 7203 beside SPY, names that read as missing marks) are
 * read as names everywhere: a header without a date column, a covariance that {@code cov} wrote, a budgets file.
 * And budgets the solver cannot honour are refused by name.
 */
class NamesAndBudgetsTest {
    @TempDir
    Path dir;

    /** Prices of four assets, without a date column, under {@code header}. */
    private Path prices(String name, String header) {
        return prices(name, header, false);
    }

    /** Prices of four assets under {@code header}, with a date column first when {@code dated}. */
    private Path prices(String name, String header, boolean dated) {
        StringBuilder sb = new StringBuilder(dated ? "date," : "").append(header).append('\n');
        java.time.LocalDate d = java.time.LocalDate.of(2022, 3, 1);
        java.util.Random rnd = new java.util.Random(5);
        double[] p = {430, 2200.5, 12000, 6500};
        for (int t = 0; t < 120; t++, d = d.plusDays(1)) {
            sb.append(dated ? d + "," : "");
            for (int j = 0; j < 4; j++) {
                p[j] *= Math.exp(0.01 * (j + 1) * rnd.nextGaussian());
                sb.append(j > 0 ? "," : "").append(p[j]);
            }
            sb.append('\n');
        }
        return Cli.write(dir, name, sb.toString());
    }

    private static List<String> column(String csv, int c) {
        return csv.lines().skip(1).map(l -> l.split(",")[c]).toList();
    }

    @Test
    void aTextTickerBeforeNumericOnesIsAHeaderWithoutADateColumn() {
        Path p = prices("mixed.csv", "SPY,7203,6758,9984");
        Cli.Result r = Cli.run("solve", "--prices", p.toString(), "--format", "csv");
        assertEquals(0, r.code(), r.toString());
        assertEquals(List.of("SPY", "7203", "6758", "9984"), column(r.out(), 0));
        Cli.Result told = Cli.run("solve", "--prices", p.toString(), "--format", "csv", "--header", "yes");
        assertEquals(told.out(), r.out(), "as with --header yes");
    }

    @Test
    void covWritesWhatSolveCovReadsBackWithAnyNames() {
        for (String header : List.of("SPY,7203,6758,9984", "NA,None,INF,7203")) {
            Path p = prices("p.csv", header, header.startsWith("NA")); /* names that read as marks need dates */
            Path cov = dir.resolve("cov.csv");
            Cli.Result written = Cli.run("cov", "--prices", p.toString(), "-o", cov.toString());
            assertEquals(0, written.code(), written.toString());
            Cli.Result fromPrices = Cli.run("solve", "--prices", p.toString(), "--format", "csv");
            Cli.Result fromCov = Cli.run("solve", "--cov", cov.toString(), "--format", "csv");
            assertEquals(0, fromCov.code(), header + ": " + fromCov);
            assertEquals(fromPrices.out(), fromCov.out(), header + ": the same names and weights, bit for bit");
        }
    }

    @Test
    void budgetsNameNumericTickers() {
        Path p = prices("p.csv", "SPY,7203,6758,9984");
        Cli.Result positional = Cli.run("solve", "--prices", p.toString(), "--format", "csv", "--budgets",
                Cli.write(dir, "b0.csv", "0.4,0.3,0.2,0.1\n").toString());
        assertEquals(0, positional.code(), positional.toString());
        for (String budgets : List.of("SPY,0.4\n7203,0.3\n6758,0.2\n9984,0.1\n",
                "asset,budget\n9984,0.1\n6758,0.2\n7203,0.3\nSPY,0.4\n",
                "9984,6758,SPY,7203\n0.1,0.2,0.4,0.3\n")) {
            Cli.Result r = Cli.run("solve", "--prices", p.toString(), "--format", "csv", "--budgets",
                    Cli.write(dir, "b.csv", budgets).toString());
            assertEquals(0, r.code(), budgets + ": " + r);
            assertEquals(positional.out(), r.out(), budgets);
        }
        Cli.Result cased = Cli.run("solve", "--prices", p.toString(), "--budgets",
                Cli.write(dir, "bc.csv", "spy,0.4\n7203,0.3\n6758,0.2\n9984,0.1\n").toString());
        assertEquals(Main.EXIT_USAGE, cased.code(), cased.toString());
        assertTrue(cased.err().contains("did you mean 'SPY'?"), cased.err());
    }

    @Test
    void budgetsTheSolverCannotHonourAreRefusedByName() {
        Path cov = Cli.write(dir, "cov.csv", "A,B,C\n0.04,-0.01,0.0\n-0.01,0.09,0.02\n0.0,0.02,0.16\n");
        Cli.Result tiny = Cli.run("solve", "--cov", cov.toString(), "--budgets",
                Cli.write(dir, "b.csv", "A,0.99999\nB,0.00001\nC,0\n").toString(), "--tol", "1e-4");
        assertEquals(Main.EXIT_USAGE, tiny.code(), tiny.toString());
        assertTrue(tiny.err().contains("risk budget of asset B (0.00001) is not above the solver tolerance 0.0001")
                && tiny.err().contains("a tolerance of 1e-06 or less"), tiny.err());
        Cli.Result loose = Cli.run("solve", "--cov", cov.toString(), "--tol", "0.5");
        assertEquals(Main.EXIT_USAGE, loose.code(), loose.toString());
        Cli.Result zeros = Cli.run("solve", "--cov", cov.toString(), "--budgets",
                Cli.write(dir, "z.csv", "0,0,0\n").toString());
        assertEquals(Main.EXIT_USAGE, zeros.code(), zeros.toString());
        assertTrue(zeros.err().contains("all zero") && !zeros.err().contains("--normalize-budgets"), zeros.err());
        Cli.Result exact = Cli.run("solve", "--cov", cov.toString(), "--tol", "1.5e-10");
        assertTrue(exact.out().contains("tolerance 1.5e-10)"), exact.out());
        Cli.Result percent = Cli.run("solve", "--cov", cov.toString(), "--vol-target", "10", "--periods-per-year",
                "12");
        assertEquals(0, percent.code(), percent.toString());
        assertTrue(percent.err().contains("--vol-target 10.0 is 1000% a year; it is a fraction"), percent.err());
    }
    /** Large-universe inputs, as a review found them: each fault named where it is, each estimate's limits said. */
    @Test
    void largeUniverseFaultsAreNamedWhereTheyAre() {
        Path cov = Cli.write(dir, "cz.csv", "A,B,C\n1,0.1,0.2\nzz,2,0.3\n0.2,0.3,3\n");
        Cli.Result text = Cli.run("solve", "--cov", cov.toString());
        assertEquals(Main.EXIT_USAGE, text.code(), text.toString());
        assertTrue(text.err().contains("line 3, column 1") && text.err().contains("'zz' is not a number"),
                text.err());
        Path big = Cli.write(dir, "cbig.csv", "A,B\n1,1e400\n0.1,2\n");
        Cli.Result overflow = Cli.run("solve", "--cov", big.toString());
        assertTrue(overflow.err().contains("line 2, column 2") && overflow.err().contains("'1e400' is beyond"),
                overflow.err());
        Path prices = Cli.write(dir, "pbig.csv", "date,A,B\n2020-01-01,1,2\n2020-01-02,1e400,2.1\n"
                + "2020-01-03,1.1,2.2\n");
        Cli.Result overflowP = Cli.run("solve", "--prices", prices.toString());
        assertTrue(overflowP.err().contains("line 3, column 2 (asset A, 2020-01-02)")
                && overflowP.err().contains("'1e400' is beyond"), overflowP.err());
        Path series = Cli.write(dir, "series.csv", "date,A,B\n2020-01-01,1,2\n2020-01-02,1.1,2.1\n2020-01-03,1.2,2\n"
                + "2020-01-06,1.1,2.2\n2020-01-07,1.3,2.1\n");
        Cli.Result asCov = Cli.run("solve", "--cov", series.toString());
        assertTrue(asCov.err().contains("5 rows × 2 columns (after the column of names); its rows are dated")
                && asCov.err().contains("give it with --prices or --returns"), asCov.err());
        assertEquals("0.0333%", TextTable.share(1.0 / 3000));
        assertEquals("25.00%", TextTable.share(0.25));
        assertEquals("0.00%", TextTable.share(0));
    }

    /**
     * 100 assets, 40 prices, one of them missing: the pairwise estimate of 39 returns has rank ≤ 39, and its repair
     * to positive definite failed in the eigen-decomposition (60 QL sweeps, then an internal error); and an EWMA
     * estimate that weighs fewer returns than there are assets is said to be singular.
     */
    @Test
    void fewReturnsOfManyAssetsAreRepairedAndEwmaRankIsSaid() {
        StringBuilder sb = new StringBuilder("date");
        int n = 100;
        for (int j = 0; j < n; j++) {
            sb.append(",S").append(j);
        }
        sb.append('\n');
        java.util.Random rnd = new java.util.Random(11);
        double[] p = new double[n];
        java.util.Arrays.fill(p, 100);
        java.time.LocalDate d = java.time.LocalDate.of(2024, 1, 1);
        for (int t = 0; t < 40; t++, d = d.plusDays(1)) {
            sb.append(d);
            double market = 0.01 * rnd.nextGaussian();
            for (int j = 0; j < n; j++) {
                p[j] *= Math.exp(market + 0.02 * rnd.nextGaussian());
                sb.append(',').append(t == 20 && j == 7 ? "" : Double.toString(p[j]));
            }
            sb.append('\n');
        }
        Path prices = Cli.write(dir, "p100.csv", sb.toString());
        Cli.Result pairwise = Cli.run("solve", "--prices", prices.toString(), "--missing", "pairwise", "--format",
                "csv");
        assertEquals(0, pairwise.code(), pairwise.toString());
        Cli.Result ewma = Cli.run("cov", "--prices", prices.toString(), "--estimator", "ewma:0.5", "--missing",
                "pairwise");
        assertTrue(ewma.err().contains("100 assets but only ") && ewma.err().contains("returns: the ewma:0.5 "
                + "estimate is singular"), ewma.err()); /* the rows bind, not rounding (λ = 0.5 weighs 52 above it) */
        Cli.Result rounding = Cli.run("cov", "--prices", prices.toString(), "--estimator", "ewma:0.1", "--missing",
                "pairwise");
        assertTrue(rounding.err().contains("ewma:0.1 weighs only the newest 16 returns above double rounding, fewer "
                + "than the 100 assets"), rounding.err());
    }
    /**
     * The layouts of a covariance a last review tried: a bad first cell is named (it had been read as a header, and
     * the smaller block solved with numbers for names); rows named SPY, 7203, 6758 without a header; pandas' blank
     * corner above numeric tickers; a file missing its last row; an integer matrix. And equal budgets above a loose
     * tolerance are refused as what they are, and a chart is a file.
     */
    @Test
    void covarianceLayoutsAreReadOneWayEach() {
        String block = "0.04,0.006,0.002\n0.006,0.09,0.003\n0.002,0.003,0.01\n";
        Cli.Result ref = Cli.run("solve", "--cov", Cli.write(dir, "ref.csv", "#REF!" + block.substring(4)).toString());
        assertEquals(Main.EXIT_USAGE, ref.code(), ref.toString());
        assertTrue(ref.err().contains("line 1, column 1: covariance entry '#REF!' is not a number"), ref.err());
        String[] rows = block.split("\n");
        Cli.Result tokyo = Cli.run("solve", "--cov", Cli.write(dir, "tokyo.csv", "SPY," + rows[0] + "\n7203,"
                + rows[1] + "\n6758," + rows[2] + "\n").toString(), "--format", "csv");
        assertEquals(List.of("SPY", "7203", "6758"), column(tokyo.out(), 0), tokyo.toString());
        Cli.Result pandas = Cli.run("solve", "--cov", Cli.write(dir, "pandas.csv", ",7203,6758,9984\n7203," + rows[0]
                + "\n6758," + rows[1] + "\n9984," + rows[2] + "\n").toString(), "--format", "csv");
        assertEquals(List.of("7203", "6758", "9984"), column(pandas.out(), 0), pandas.toString());
        Cli.Result shortFile = Cli.run("solve", "--cov", Cli.write(dir, "short.csv", "a,b,c\n" + rows[0] + "\n"
                + rows[1] + "\n").toString());
        assertTrue(shortFile.err().contains("not square: 2 rows × 3 columns"), shortFile.err());
        Cli.Result identity = Cli.run("solve", "--cov", Cli.write(dir, "id.csv", "1,0,0\n0,1,0\n0,0,1\n").toString(),
                "--format", "csv");
        assertEquals(0, identity.code(), identity.toString());
        Path returns = Cli.write(dir, "ret.csv", "#VALUE!,0.0082,0.0033\n0.001,0.002,-0.003\n-0.002,0.001,0.004\n"
                + "0.003,-0.001,0.002\n0.0015,0.003,-0.001\n");
        Cli.Result bad = Cli.run("solve", "--returns", returns.toString());
        assertEquals(Main.EXIT_USAGE, bad.code(), "a bad cell above returns is neither a header nor a label: " + bad);
        assertTrue(bad.err().contains("line 1, column 1") && bad.err().contains("'#VALUE!' is not a number"),
                bad.err());
        StringBuilder wide = new StringBuilder();
        for (int i = 0; i < 150; i++) {
            for (int j = 0; j < 150; j++) {
                wide.append(j > 0 ? "," : "").append(i == j ? "0.04" : "0.001");
            }
            wide.append('\n');
        }
        Cli.Result loose = Cli.run("solve", "--cov", Cli.write(dir, "c150.csv", wide.toString()).toString(), "--tol",
                "0.01");
        assertEquals(Main.EXIT_USAGE, loose.code(), loose.toString());
        assertTrue(loose.err().contains("equal budgets of 150 assets are 1/150 = 0.00667, not above --tol 0.01")
                && loose.err().contains("use --tol 7e-04 or less"), loose.err());
        Cli.Result chart = Cli.run("solve", "--cov", Cli.write(dir, "c.csv", "A,B\n0.04,0.01\n0.01,0.09\n")
                .toString(), "--chart", "-");
        assertEquals(Main.EXIT_USAGE, chart.code(), chart.toString());
        assertTrue(chart.err().contains("--chart writes an HTML page to a file"), chart.err());
    }
}

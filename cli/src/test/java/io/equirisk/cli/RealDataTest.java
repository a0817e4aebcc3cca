package io.equirisk.cli;

import io.equirisk.covariance.CovarianceMatrix;
import io.equirisk.testing.SharedData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Real price files from ../shared (skipped visibly when absent): prices → covariance → weights, through the
 * {@code cov} and {@code solve} commands, checked against the defining property of the answer.
 */
class RealDataTest {
    @TempDir
    Path dir;

    /** cov writes Σ; solve --cov on it must give exactly what solve --prices gives; the answer is ERC. */
    private Checks.Weights pricesToWeights(Path prices, String... options) throws Exception {
        Path cov = dir.resolve("cov.csv");
        String[] covArgs = concat(new String[] {"cov", "--prices", prices.toString(), "-o", cov.toString()}, options);
        Cli.Result c = Cli.run(covArgs);
        assertEquals(0, c.code(), c.toString());
        assertTrue(c.err().contains("wrote"), c.err());

        Path w = dir.resolve("w.csv");
        Cli.Result s = Cli.run(concat(new String[] {"solve", "--prices", prices.toString(), "-o", w.toString()},
                options));
        assertEquals(0, s.code(), s.toString());
        // annualised by the dates' own frequency: the ETFs trade on weekdays, the coins every day
        String periods = prices.toString().contains("crypto") ? "365 periods/year, daily dates, weekends included"
                : "252 periods/year, daily dates, trading days";
        assertTrue(s.out().contains("annualised (" + periods + ")"), s.out());

        Path w2 = dir.resolve("w2.csv");
        Cli.Result s2 = Cli.run("solve", "--cov", cov.toString(), "-o", w2.toString());
        assertEquals(0, s2.code(), s2.toString());
        assertEquals(Files.readString(w), Files.readString(w2), "Σ written at full precision gives the same answer");

        Checks.Weights weights = Checks.readWeights(w);
        CovarianceMatrix m = Checks.cov(cov);
        assertEquals(m.assets(), weights.assets());
        Checks.assertRiskBudgeting(m, weights.weights(), weights.rc(), Checks.equal(m.size()), 1e-10);
        return weights;
    }

    private static String[] concat(String[] a, String[] b) {
        String[] r = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, r, a.length, b.length);
        return r;
    }

    @Test
    void sixEtfsWithLateListings() throws Exception {
        Path prices = SharedData.resolve("data/etf_6_yahoo_2006_2020/adj_close_wide.csv");
        Checks.Weights w = pricesToWeights(prices);
        assertEquals(java.util.List.of("AGG", "DBC", "DBV", "EEM", "GLD", "SPY"), w.assets());
        // The bond fund is by far the least volatile: risk parity gives it the largest weight.
        for (int i = 1; i < 6; i++) {
            assertTrue(w.weights()[0] > w.weights()[i], "AGG outweighs " + w.assets().get(i));
        }
        pricesToWeights(prices, "--window", "500", "--returns-kind", "log");
    }

    /**
     * Fama-French returns are in percent: the CLI warns when a returns file looks like it, and --returns-unit percent
     * rescales it. Weights do not depend on the unit; volatilities (and a vol target's leverage) do, by 100×.
     */
    @Test
    void percentReturnsAreDetectedAndRescaled(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        Path returns = SharedData.resolve("data/fama_french_industry/12ind_daily__average_value_weighted_returns_daily.csv");
        Path wPct = dir.resolve("pct.csv");
        Path wRaw = dir.resolve("raw.csv");
        Cli.Result raw = Cli.run("solve", "--returns", returns.toString(), "--window", "756", "--format", "json",
                "-o", wRaw.toString());
        assertEquals(0, raw.code(), raw.err());
        assertTrue(raw.err().contains("--returns-unit percent"), raw.err());
        /* the factors file: a risk-free column of ~0.01 (%) a day pulled the whole file's median below the line */
        Path factors = SharedData.resolve("data/fama_french_industry/ff3_factors_daily.csv");
        Cli.Result ff3 = Cli.run("solve", "--returns", factors.toString(), "--window", "756");
        assertEquals(0, ff3.code(), ff3.toString());
        assertTrue(ff3.err().contains("the median absolute return of Mkt-RF, SMB, HML in ") && ff3.err().contains(
                "--returns-unit percent"), ff3.err());
        /* monthly returns as fractions: a month of crypto moves 20–50%, so the line for monthly dates is 100% */
        Path monthly = dir.resolve("monthly.csv");
        StringBuilder m = new StringBuilder("date,ETH,BTC\n");
        java.util.Random rnd = new java.util.Random(4);
        for (int t = 0; t < 60; t++) {
            m.append(java.time.YearMonth.of(2017, 1).plusMonths(t).atEndOfMonth()).append(',')
                    .append(Math.expm1(0.45 * rnd.nextGaussian())).append(',')
                    .append(Math.expm1(0.3 * rnd.nextGaussian())).append('\n');
        }
        java.nio.file.Files.writeString(monthly, m.toString());
        Cli.Result crypto = Cli.run("solve", "--returns", monthly.toString());
        assertEquals(0, crypto.code(), crypto.toString());
        assertTrue(!crypto.err().contains("warning"), crypto.err());
        Path ff49 = SharedData.resolve("data/fama_french_industry/49ind__average_value_weighted_returns_monthly.csv");
        Cli.Result pctMonthly = Cli.run("solve", "--returns", ff49.toString(), "--window", "120");
        assertTrue(pctMonthly.err().contains("above 100% per period; if the file is in percent"), pctMonthly.err());
        Cli.Result pct = Cli.run("solve", "--returns", returns.toString(), "--window", "756", "--returns-unit",
                "percent", "--format", "json", "-o", wPct.toString());
        assertEquals(0, pct.code(), pct.err());
        assertTrue(!pct.err().contains("warning"), pct.err());
        java.util.List<String> a = java.nio.file.Files.readAllLines(wRaw);
        java.util.List<String> b = java.nio.file.Files.readAllLines(wPct);
        assertEquals(a.size(), b.size());
        for (int i = 1; i < a.size(); i++) {
            double wa = Double.parseDouble(a.get(i).split(",")[1]);
            double wb = Double.parseDouble(b.get(i).split(",")[1]);
            assertEquals(wa, wb, 1e-9 * wa, "weight of " + a.get(i).split(",")[0]);
        }
    }

    /**
     * French's files mark a missing return −99.99 (or −999); the shared copy has them blank. Written back as
     * published, in percent they are read as missing (the same weights as the blank file), and a marker that is left
     * in a file of fractions draws a warning of a return below −100%.
     */
    @Test
    void famaFrenchMissingMarkersAreMissingAndReturnsBelowATotalLossAreWarned(@org.junit.jupiter.api.io.TempDir Path dir)
            throws Exception {
        Path ff49 = SharedData.resolve("data/fama_french_industry/49ind__average_value_weighted_returns_monthly.csv");
        java.util.List<String> lines = java.nio.file.Files.readAllLines(ff49);
        StringBuilder marked = new StringBuilder(lines.get(0)).append('\n');
        for (String line : lines.subList(1, lines.size())) {
            marked.append(line.replace(",,", ",-99.99,").replace(",,", ",-99.99,")
                    .replaceAll(",$", ",-999")).append('\n');
        }
        Path published = Cli.write(dir, "ff49_marked.csv", marked.toString());
        Path blank = dir.resolve("blank.csv");
        Path read = dir.resolve("read.csv");
        Cli.Result a = Cli.run("solve", "--returns", ff49.toString(), "--returns-unit", "percent", "-o",
                blank.toString());
        Cli.Result b = Cli.run("solve", "--returns", published.toString(), "--returns-unit", "percent", "-o",
                read.toString());
        assertEquals(0, a.code(), a.err());
        assertEquals(0, b.code(), b.err());
        assertTrue(b.err().contains("hold −99.99 or −999, the Fama-French files' mark of a missing return, and are "
                + "read as missing (Soda, Hlth,"), b.err());
        assertEquals(java.nio.file.Files.readAllLines(blank), java.nio.file.Files.readAllLines(read));
        /* one marker left in a file of fractions */
        java.util.List<String> fractions = new java.util.ArrayList<>(java.util.List.of("date,A,B,C"));
        java.util.Random rnd = new java.util.Random(8);
        for (int t = 0; t < 60; t++) {
            fractions.add(java.time.YearMonth.of(2015, 1).plusMonths(t).atEndOfMonth() + "," + (t == 17 ? "-999"
                    : 0.05 * rnd.nextGaussian()) + "," + 0.03 * rnd.nextGaussian() + "," + 0.02 * rnd.nextGaussian());
        }
        Path f = Cli.write(dir, "fractions.csv", String.join("\n", fractions) + "\n");
        Cli.Result c = Cli.run("solve", "--returns", f.toString());
        assertTrue(c.err().contains("has 1 return below −100% (A on 2016-06-30: -999.0 as a fraction)"), c.err());
    }

    @Test
    void semicolonCryptoFileDropAndPairwise() throws Exception {
        Path prices = SharedData.resolve("data/crypto_yahoo_14coins_2020_2023/crypto_prices.csv");
        Checks.Weights drop = pricesToWeights(prices, "--missing", "drop");
        assertEquals(14, drop.assets().size());
        Cli.Result said = Cli.run("solve", "--prices", prices.toString(), "--format", "json");
        assertTrue(said.err().contains("1076 of 1460 returns lack a value for some asset and are dropped: the "
                + "estimate uses 384, 2021-09-21 … 2022-10-09; without the columns of SOL1-USD"), said.err());
        pricesToWeights(prices, "--missing", "pairwise");
    }

    @Test
    void raggedCryptoHistoryDropAndPairwise() throws Exception {
        Path prices = SharedData.resolve("data/crypto_yahoo_26coins_2014_2022/crypto_prices_clean.csv");
        pricesToWeights(prices, "--missing", "drop");
        pricesToWeights(prices, "--missing", "pairwise");
    }

    private static List<String> readLines(Path file) {
        try {
            return java.nio.file.Files.readAllLines(file);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void rawCryptoFileWithZeroPricesIsRejectedNamingTheCell() {
        Path prices = SharedData.resolve("data/crypto_yahoo_26coins_2014_2022/crypto_prices.csv");
        Cli.Result r = Cli.run("solve", "--prices", prices.toString(), "--missing", "pairwise");
        assertEquals(Main.EXIT_USAGE, r.code(), r.toString());
        assertTrue(r.err().contains("SHIB-USD") && r.err().contains("price is 0") && r.err().contains("line ")
                && r.err().contains("column 21"), r.err());
        /* counted, against the file read here: every later 0 of the column, and the last one's date */
        List<String> lines = readLines(prices);
        int zeros = 0;
        String last = null;
        for (String line : lines.subList(1, lines.size())) {
            String[] c = line.split(",", -1);
            if (!c[20].isEmpty() && Double.parseDouble(c[20]) <= 0) {
                zeros++;
                last = c[0];
            }
        }
        assertTrue(zeros > 100, "the file's zeros: " + zeros);
        assertTrue(r.err().contains("; " + (zeros - 1) + " more of its prices are 0 or below, the last on " + last),
                r.err());
    }

    @Test
    void namedCovarianceFromPyPortfolioOpt() {
        Path cov = SharedData.resolve("data/pypfopt_test_resources/cov_matrix.csv");
        Path w = dir.resolve("w.csv");
        Cli.Result r = Cli.run("solve", "--cov", cov.toString(), "-o", w.toString());
        assertEquals(0, r.code(), r.toString());
        Checks.Weights weights = Checks.readWeights(w);
        CovarianceMatrix m = Checks.cov(cov);
        assertEquals("AAPL", weights.assets().get(0));
        Checks.assertRiskBudgeting(m, weights.weights(), weights.rc(), Checks.equal(m.size()), 1e-10);
    }
}

package io.equirisk.cli;

import io.equirisk.data.SyntheticMarket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** demo, bench, devices and cov on synthetic data, end to end. */
class OtherCommandsTest {
    @TempDir
    Path dir;

    @Test
    void demoComparesTheThreeAllocationsAndErcEqualisesRisk() {
        Cli.Result r = Cli.run("demo", "--all");
        assertEquals(0, r.code(), r.toString());
        for (String s : new String[] {"crypto", "equity", "bond", "commodity", "portfolio volatility",
            "effective bets", "ERC: converged"}) {
            assertTrue(r.out().contains(s), s + " in: " + r.out());
        }
        // Every asset row: the ERC risk share is the last column and must be 2.00% (1/50).
        Pattern row = Pattern.compile("^([A-Z]+\\d+) .* ([0-9.]+)%$", Pattern.MULTILINE);
        Matcher m = row.matcher(r.out());
        int rows = 0;
        while (m.find()) {
            assertEquals("2.00", m.group(2), m.group());
            rows++;
        }
        assertEquals(50, rows, r.out());
        // The effective number of bets: ERC reaches 50.0, equal weight far fewer.
        Matcher bets = Pattern.compile("effective bets.*?\\s+([0-9.]+)\\s+([0-9.]+)\\s+([0-9.]+)").matcher(r.out());
        assertTrue(bets.find(), r.out());
        assertEquals("50.0", bets.group(3));
        assertTrue(Double.parseDouble(bets.group(1)) < 25, "equal weight concentrates risk: " + bets.group());
        assertEquals(r.out(), Cli.run("demo", "--all").out(), "seeded: the same every run");
    }

    @Test
    void benchQuickRunsEveryWorkload() {
        Cli.Result r = Cli.run("bench", "--quick", "--repetitions", "1", "--warmup", "0", "--threads", "1");
        assertEquals(0, r.code(), r.toString());
        for (String s : new String[] {"cores", "java:", "kernels:", "backend:", "sample covariance",
            "single ERC solve", "batch ERC solve", "rolling ERC", "Monte Carlo ERC", "scenarios/s", "N = 500",
            "converged", "GFLOP/s"}) {
            assertTrue(r.out().contains(s), s + " in: " + r.out());
        }
        assertTrue(r.out().contains("1 thread"), r.out());
    }

    @Test
    void benchTimesAUserMatrix() {
        Path cov = Cli.write(dir, "cov.csv", "A,B\n0.04,0.01\n0.01,0.09\n");
        Cli.Result r = Cli.run("bench", "--cov", cov.toString(), "--repetitions", "3", "--warmup", "1");
        assertEquals(0, r.code(), r.toString());
        assertTrue(r.out().contains("solve cov.csv") && r.out().contains("N = 2"), r.out());
    }

    /**
     * Out of memory is one line with the remedy, not a stack trace: a child JVM with a 24 MB heap simulates 100,000
     * days of 50 returns (40 MB). A too-long demo is a usage error.
     */
    @Test
    void outOfMemoryIsOneLineAndTooManyDaysAUsageError() throws Exception {
        Cli.Result tooLong = Cli.run("demo", "--days", "100000000");
        assertEquals(Main.EXIT_USAGE, tooLong.code(), tooLong.toString());
        assertTrue(tooLong.err().contains("--days must be at most 100000"), tooLong.toString());
        String javaBin = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder(javaBin, "-Xmx24m", "-XX:+UseSerialGC", "--add-modules", "jdk.incubator.vector",
                "-cp", System.getProperty("java.class.path"), Main.class.getName(), "demo", "--days", "100000",
                "--backend", "cpu").redirectErrorStream(true).start();
        String text = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertEquals(Main.EXIT_FAILURE, p.waitFor(), text);
        assertTrue(text.contains("equirisk: error: out of memory (the Java heap is "), text);
        assertTrue(text.contains(" MB); give Java more with EQUIRISK_JAVA_OPTS=-Xmx1g"), text);
        assertTrue(!text.contains("\tat "), "no stack trace: " + text);
    }

    @Test
    void theOutOfMemoryHintDoublesTheHeapItRanOutOf() {
        assertEquals("out of memory (the Java heap is 5.8 GB); give Java more with EQUIRISK_JAVA_OPTS=-Xmx12g (or a "
                + "smaller problem)", Main.outOfMemory(5_900L << 20));
        assertEquals("out of memory (the Java heap is 16.0 GB); give Java more with EQUIRISK_JAVA_OPTS=-Xmx32g (or a "
                + "smaller problem)", Main.outOfMemory(16L << 30));
        assertTrue(Main.outOfMemory(700L << 20).startsWith("out of memory (the Java heap is 700 MB); give Java more "
                + "with EQUIRISK_JAVA_OPTS=-Xmx2g"), Main.outOfMemory(700L << 20));
    }

    @Test
    void devicesListsTheCpuEngine() {
        Cli.Result r = Cli.run("devices");
        assertEquals(0, r.code(), r.toString());
        assertTrue(r.out().contains("cpu") && r.out().contains("yes"), r.out());
        assertTrue(r.out().contains("--backend auto selects"), r.out());
        // the details are text: each starts in the same column, so the short ones are not padded out to the longest
        String[] lines = r.out().split("\\R");
        int column = lines[0].indexOf("details");
        assertTrue(column > 0, lines[0]);
        for (String line : lines) {
            if (line.startsWith("cpu ")) {
                assertTrue(line.substring(column).startsWith("pure-Java engine"), "details of the cpu row in column "
                        + column + ": " + line);
            }
        }
    }

    @Test
    void devicesAsJsonSaysTheSameAsTheTable() {
        Cli.Result table = Cli.run("devices");
        Cli.Result r = Cli.run("devices", "--format", "json");
        assertEquals(0, r.code(), r.toString());
        @SuppressWarnings("unchecked")
        java.util.Map<String, Object> doc = (java.util.Map<String, Object>) MiniJson.parse(r.out());
        @SuppressWarnings("unchecked")
        List<java.util.Map<String, Object>> backends = (List<java.util.Map<String, Object>>) doc.get("backends");
        java.util.Map<String, Object> cpu = backends.stream().filter(b -> b.get("name").equals("cpu")).findFirst()
                .orElseThrow();
        assertEquals(Boolean.TRUE, cpu.get("available"));
        for (java.util.Map<String, Object> b : backends) {
            assertTrue(table.out().contains((String) b.get("details")), b + " in\n" + table.out());
        }
        @SuppressWarnings("unchecked")
        java.util.Map<String, Object> auto = (java.util.Map<String, Object>) doc.get("auto");
        assertTrue(table.out().contains("--backend auto selects: " + auto.get("reason")), r.out());
        Cli.Result bad = Cli.run("devices", "--format", "csv");
        assertEquals(Main.EXIT_USAGE, bad.code(), bad.toString());
        assertTrue(bad.err().contains("--format must be table or json, got 'csv'"), bad.err());
    }

    @Test
    void covOfSimulatedReturnsIsTheSampleCovariance() throws Exception {
        // Returns from the synthetic market, written as CSV with a date column; cov must give their sample
        // covariance, recomputed here with a double loop.
        SyntheticMarket market = SyntheticMarket.of(1, 2, 1, 1, 5);
        io.equirisk.data.Returns returns = market.simulate(300);
        StringBuilder csv = new StringBuilder("date," + String.join(",", market.assets()) + "\n");
        for (int t = 0; t < 300; t++) {
            csv.append("d").append(t);
            for (int j = 0; j < market.size(); j++) {
                csv.append(',').append(returns.get(t, j));
            }
            csv.append('\n');
        }
        Path in = Cli.write(dir, "returns.csv", csv.toString());
        Path out = dir.resolve("cov.csv");
        Cli.Result r = Cli.run("cov", "--returns", in.toString(), "--output", out.toString());
        assertEquals(0, r.code(), r.toString());
        io.equirisk.covariance.CovarianceMatrix m = Checks.cov(out);
        assertEquals(market.assets(), m.assets());
        int n = market.size();
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                double mi = 0;
                double mj = 0;
                for (int t = 0; t < 300; t++) {
                    mi += returns.get(t, i) / 300;
                    mj += returns.get(t, j) / 300;
                }
                double c = 0;
                for (int t = 0; t < 300; t++) {
                    c += (returns.get(t, i) - mi) * (returns.get(t, j) - mj);
                }
                c /= 299;
                assertEquals(c, m.get(i, j), 1e-12 * Math.sqrt(m.get(i, i) * m.get(j, j)), "(" + i + ", " + j + ")");
            }
        }
        Cli.Result stdout = Cli.run("cov", "--returns", in.toString(), "--window", "100");
        assertEquals(0, stdout.code(), stdout.toString());
        assertEquals(n + 1, stdout.out().strip().lines().count());
    }

    @Test
    void fewerObservationsThanAssetsWarnsAndSuggestsShrinkage() {
        StringBuilder csv = new StringBuilder();
        for (int t = 0; t < 4; t++) {
            for (int j = 0; j < 6; j++) {
                csv.append(j > 0 ? "," : "").append(Math.sin(7 * t + j) * 0.01);
            }
            csv.append('\n');
        }
        Path in = Cli.write(dir, "short.csv", csv.toString());
        Cli.Result r = Cli.run("solve", "--returns", in.toString());
        assertTrue(r.err().contains("warning") && r.err().contains("ledoit-wolf"), r.toString());
        assertTrue(r.code() != 0, "a singular sample covariance cannot be solved: " + r);
    }

    /** --returns-kind log takes ln(p_t/p_{t−1}); the default, simple, p_t/p_{t−1} − 1 (figures from numpy.cov). */
    @Test
    void covFromPricesUsesTheRequestedReturnKind() {
        Path prices = Cli.write(dir, "p.csv", "date,A,B\n2020-01-01,100,50\n2020-01-02,101,49\n"
                + "2020-01-03,99.5,50.5\n2020-01-06,102,51\n2020-01-07,104,50\n2020-01-08,103,52.5\n"
                + "2020-01-09,105,52\n");
        Path logCov = dir.resolve("log.csv");
        Cli.Result log = Cli.run("cov", "--prices", prices.toString(), "--returns-kind", "log", "-o",
                logCov.toString());
        assertEquals(0, log.code(), log.toString());
        double[] l = Checks.cov(logCov).values();
        double[] expectLog = {0.00027644048741513487, -0.0003533226083868294, -0.0003533226083868294,
            0.0008044488018602631};
        Path simpleCov = dir.resolve("simple.csv");
        Cli.Result simple = Cli.run("cov", "--prices", prices.toString(), "-o", simpleCov.toString());
        assertEquals(0, simple.code(), simple.toString());
        double[] s = Checks.cov(simpleCov).values();
        double[] expectSimple = {0.0002788814752260438, -0.0003597402821483641, -0.0003597402821483641,
            0.0008249807420407558};
        for (int q = 0; q < 4; q++) {
            assertEquals(expectLog[q], l[q], 1e-12 * Math.abs(expectLog[q]), "log, entry " + q);
            assertEquals(expectSimple[q], s[q], 1e-12 * Math.abs(expectSimple[q]), "simple, entry " + q);
        }
    }
}

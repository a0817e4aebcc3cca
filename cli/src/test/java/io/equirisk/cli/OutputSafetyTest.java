package io.equirisk.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What the command writes reaches its reader whole, or the command says it did not: a failed write to stdout is an
 * error, a closed pipe ends quietly, an output file never overwrites an input, and {@code -o -} is stdout once.
 */
class OutputSafetyTest {
    @TempDir
    Path dir;

    private static final String COV3 = "A,B,C\n0.04,0.01,0.0\n0.01,0.09,0.02\n0.0,0.02,0.16\n";

    /** Standard output that fails as a full disk or a closed pipe does, after {@code room} bytes. */
    private static final class FailingStdout extends OutputStream {
        private final String reason;
        private int room;

        FailingStdout(String reason, int room) {
            this.reason = reason;
            this.room = room;
        }

        @Override
        public void write(int b) throws IOException {
            if (--room < 0) {
                throw new IOException(reason);
            }
        }
    }

    private static Cli.Result run(OutputStream stdout, String... args) {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Main.execute(args, stdout, err);
        return new Cli.Result(code, "", err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void aFailedWriteToStandardOutputIsAnError() {
        Path cov = Cli.write(dir, "cov.csv", COV3);
        Cli.Result full = run(new FailingStdout("No space left on device", 10), "solve", "--cov", cov.toString(),
                "--format", "csv");
        assertEquals(Main.EXIT_FAILURE, full.code(), full.toString());
        assertTrue(full.err().contains("cannot write standard output: No space left on device"), full.err());
    }

    @Test
    void aClosedPipeEndsQuietly() {
        Path cov = Cli.write(dir, "cov.csv", COV3);
        Cli.Result closed = run(new FailingStdout("Broken pipe", 10), "solve", "--cov", cov.toString());
        assertEquals(Main.EXIT_READER_CLOSED, closed.code(), closed.toString());
        assertEquals("", closed.err().strip(), "no message for `| head`");
        /* the run's own failure keeps its status */
        Cli.Result bad = run(new FailingStdout("Broken pipe", 10), "solve", "--cov", dir.resolve("none.csv")
                .toString());
        assertEquals(Main.EXIT_USAGE, bad.code(), bad.toString());
    }

    @Test
    void anOutputFileMayNotBeAnInputFile() throws IOException {
        Path cov = Cli.write(dir, "cov.csv", COV3);
        Cli.Result r = Cli.run("solve", "--cov", cov.toString(), "-o", cov.toString());
        assertEquals(Main.EXIT_USAGE, r.code(), r.toString());
        assertTrue(r.err().contains("--output " + cov + " is the input file"), r.err());
        assertEquals(COV3, Files.readString(cov), "the input is untouched");
        /* another spelling of the same file, and the chart */
        Path other = dir.resolve("sub/../cov.csv");
        Files.createDirectories(dir.resolve("sub"));
        Cli.Result chart = Cli.run("solve", "--cov", cov.toString(), "--chart", other.toString());
        assertEquals(Main.EXIT_USAGE, chart.code(), chart.toString());
        assertTrue(chart.err().contains("--chart"), chart.err());
        Path budgets = Cli.write(dir, "b.csv", "A,0.2\nB,0.3\nC,0.5\n");
        Cli.Result b = Cli.run("solve", "--cov", cov.toString(), "--budgets", budgets.toString(), "-o",
                budgets.toString());
        assertEquals(Main.EXIT_USAGE, b.code(), b.toString());
        Path out = dir.resolve("w.csv");
        Files.writeString(out, "old");
        Cli.Result both = Cli.run("solve", "--cov", cov.toString(), "-o", out.toString(), "--chart", out.toString());
        assertEquals(Main.EXIT_USAGE, both.code(), both.toString());
        assertTrue(both.err().contains("--output and --chart name the same file"), both.err());
        Path fresh = dir.resolve("new.out"); /* neither written yet: the same name in the same folder */
        Path freshToo = dir.resolve("sub").resolve("..").resolve("new.out");
        Cli.Result bothNew = Cli.run("solve", "--cov", cov.toString(), "-o", fresh.toString(), "--chart",
                freshToo.toString());
        assertEquals(Main.EXIT_USAGE, bothNew.code(), bothNew.toString());
        assertTrue(bothNew.err().contains("--output and --chart name the same file"), bothNew.err());
        assertTrue(!Files.exists(fresh), "refused before any work");
        Cli.Result apart = Cli.run("solve", "--cov", cov.toString(), "-o", fresh.toString(), "--chart",
                dir.resolve("sub").resolve("new.out").toString());
        assertEquals(0, apart.code(), "the same name in another folder: " + apart);
        Cli.Result ok = Cli.run("solve", "--cov", cov.toString(), "-o", out.toString());
        assertEquals(0, ok.code(), ok.toString());
        assertTrue(Files.readString(out).startsWith("asset,weight"), "an existing output file is replaced");
        /* rolling's third output file: not an input, not another output, not standard output */
        Path returns = Cli.write(dir, "r.csv", "A,B\n0.01,0.02\n-0.01,0.01\n0.02,-0.01\n0.00,0.01\n");
        Cli.Result series = Cli.run("rolling", "--returns", returns.toString(), "--window", "3", "--out-of-sample",
                returns.toString());
        assertEquals(Main.EXIT_USAGE, series.code(), series.toString());
        assertTrue(series.err().contains("--out-of-sample " + returns + " is the input file"), series.err());
        Cli.Result twice = Cli.run("rolling", "--returns", returns.toString(), "--window", "3", "--chart",
                fresh.toString(), "--out-of-sample", freshToo.toString());
        assertTrue(twice.code() == Main.EXIT_USAGE
                && twice.err().contains("--chart and --out-of-sample name the same file"), twice.toString());
        Cli.Result dash = Cli.run("rolling", "--returns", returns.toString(), "--window", "3", "--out-of-sample",
                "-");
        assertTrue(dash.code() == Main.EXIT_USAGE && dash.err().contains("--out-of-sample writes its series to a "
                + "file; give it a file name, not -"), dash.toString());
    }

    @Test
    void dashAsOutputIsStandardOutputOnce() {
        Path cov = Cli.write(dir, "cov.csv", COV3);
        Cli.Result csv = Cli.run("solve", "--cov", cov.toString(), "--format", "csv");
        Cli.Result dash = Cli.run("solve", "--cov", cov.toString(), "-o", "-");
        assertEquals(0, dash.code(), dash.toString());
        assertEquals(csv.out(), dash.out(), "the CSV alone, in place of the table");
        assertTrue(!Files.exists(dir.resolve("-")) && !Files.exists(Path.of("-")), "no file named '-'");
        Path prices = Cli.write(dir, "p.csv", "date,A,B\n2020-01-01,1,2\n2020-01-02,1.1,2.1\n2020-01-03,1.05,2.3\n"
                + "2020-01-06,1.2,2.2\n2020-01-07,1.1,2.0\n");
        Cli.Result cov2 = Cli.run("cov", "--prices", prices.toString(), "-o", "-");
        assertEquals(0, cov2.code(), cov2.toString());
        assertTrue(cov2.out().startsWith("A,B\n"), cov2.out());
    }

    @Test
    void assetsNamedAsAFixedColumnAreWarnedOf() {
        StringBuilder sb = new StringBuilder("date,converged,B,C\n");
        java.util.Random rnd = new java.util.Random(4);
        java.time.LocalDate d = java.time.LocalDate.of(2021, 1, 4);
        for (int t = 0; t < 60; t++, d = d.plusDays(1)) {
            sb.append(d).append(',').append(0.01 * rnd.nextGaussian()).append(',').append(0.02 * rnd.nextGaussian())
                    .append(',').append(0.015 * rnd.nextGaussian()).append('\n');
        }
        Path returns = Cli.write(dir, "r.csv", sb.toString());
        Cli.Result r = Cli.run("rolling", "--returns", returns.toString(), "--window", "20", "--step", "20",
                "--format", "csv");
        assertEquals(0, r.code(), r.toString());
        assertTrue(r.err().contains("asset converged shares a name with a fixed column"), r.err());
        Cli.Result table = Cli.run("rolling", "--returns", returns.toString(), "--window", "20", "--step", "20");
        assertTrue(!table.err().contains("fixed column"), "no CSV, no warning: " + table.err());
    }

    @Test
    void tablesAlignWideCharactersAndShowTinyWeights() {
        assertEquals(4, TextTable.displayWidth("日経"));
        assertEquals(4, TextTable.displayWidth("Cafe\u0301"));
        assertEquals(3, TextTable.displayWidth("AGG"));
        assertEquals("1.0e-08", TextTable.fixed(1e-8, 6));
        assertEquals("0.000000", TextTable.fixed(0.0, 6));
        assertEquals("0.000001", TextTable.fixed(6e-7, 6));
        java.io.StringWriter s = new java.io.StringWriter();
        TextTable t = new TextTable("asset", "weight");
        t.row("日経225", "0.5");
        t.row("AGG", "0.25");
        t.print(new java.io.PrintWriter(s, true));
        java.util.List<Integer> widths = s.toString().lines().filter(l -> !l.startsWith("-"))
                .map(TextTable::displayWidth).toList();
        assertEquals(1, widths.stream().distinct().count(), "every row as wide on a terminal: " + s);
    }
}

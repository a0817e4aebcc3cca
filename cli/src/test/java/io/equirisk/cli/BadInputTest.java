package io.equirisk.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every kind of bad input ends in exit status 2 and ONE line on stderr that says what is wrong and where (file,
 * line, column, asset), with nothing on stdout.
 */
class BadInputTest {
    @TempDir
    Path dir;

    /** A valid 3×3 covariance, for tests whose fault is elsewhere. */
    private static final String COV3 = "A,B,C\n0.04,0.01,0.0\n0.01,0.09,0.02\n0.0,0.02,0.16\n";

    private static Cli.Result assertUsageError(Cli.Result r, String... fragments) {
        assertEquals(Main.EXIT_USAGE, r.code(), r.toString());
        assertEquals("", r.out(), "nothing on stdout on error");
        String err = r.err().strip();
        assertEquals(1, err.lines().count(), "one line on stderr: " + err);
        assertTrue(err.startsWith("equirisk: error: "), err);
        for (String f : fragments) {
            assertTrue(err.contains(f), "stderr should mention '" + f + "': " + err);
        }
        return r;
    }

    private Path file(String name, String content) {
        return Cli.write(dir, name, content);
    }

    @Test
    void emptyFile() {
        Path p = file("empty.csv", "");
        assertUsageError(Cli.run("solve", "--prices", p.toString()), "empty.csv", "empty");
        Path blank = file("blank.csv", "\n\n  \n");
        assertUsageError(Cli.run("solve", "--cov", blank.toString()), "blank.csv", "empty");
    }

    /** Messages in the user's terms: the flag, the file, the parser's words (not its exception's class). */
    @Test
    void messagesNameTheFlagTheFileAndNotTheParsersClass() {
        Path cov = file("cov.csv", COV3);
        assertUsageError(Cli.run("solve", "--cov", cov.toString(), "--tol", "-1"), "--tol must be a positive number");
        assertUsageError(Cli.run("solve", "--cov", cov.toString(), "--tol", "1"), "--tol 1.0 would accept",
                "at most 0.01");
        assertUsageError(Cli.run("rolling", "--returns", cov.toString(), "--window", "3", "--tol", "0.5"), "--tol 0.5");
        Path few = file("few.csv", "A,B,C\n0.01,0.02,-0.01\n0.02,-0.01,0.015\n0.005,0.01,0.02\n");
        Cli.Result lw = assertUsageError(Cli.run("solve", "--returns", few.toString(), "--window", "2",
                "--estimator", "ledoit-wolf"), "the ledoit-wolf estimate from 2 returns", "use more returns");
        assertTrue(!lw.err().contains("use a shrinkage estimator"), lw.err());
        assertUsageError(Cli.run("solve", "--cov", cov.toString(), "--missing", "pairwise"), "--missing",
                "not to a covariance given with --cov");
        assertUsageError(Cli.run("solve", "--cov", cov.toString(), "--returns-unit", "percent"), "--returns-unit");
        assertUsageError(Cli.run("solve", "--prices", cov.toString(), "--returns-unit", "percent"),
                "--returns-unit applies to --returns");
        assertUsageError(Cli.run("solve", "--returns", cov.toString(), "--returns-kind", "log"),
                "--returns-kind applies to --prices");
        assertUsageError(Cli.run("solve", "--cov", cov.toString(), "--max-iter", "0"), "--max-iter must be at least 1");
        Path indefinite = file("indef.csv", "A,B,C\n1,2,0\n2,1,0\n0,0,1\n");
        assertUsageError(Cli.run("solve", "--cov", indefinite.toString()), "indef.csv: ", "not positive definite");
        Path quote = file("quote.csv", "\"unterminated,1,2\n3,4,5\n");
        Cli.Result r = assertUsageError(Cli.run("solve", "--prices", quote.toString()), "quote.csv", "malformed CSV");
        assertTrue(!r.err().contains("Exception"), r.err());
    }

    /** An unusable --output is refused before any work, in every command that writes one. */
    @Test
    void outputThatCannotBeWritten() {
        Path cov = file("cov.csv", COV3);
        String missingDir = dir.resolve("nodir").resolve("w.csv").toString();
        assertUsageError(Cli.run("solve", "--cov", cov.toString(), "--output", missingDir), "--output", "nodir",
                "does not exist");
        assertUsageError(Cli.run("solve", "--cov", cov.toString(), "-o", dir.toString()), "is a directory");
        Path prices = file("p.csv", "date,A,B\n2020-01-01,1,2\n2020-01-02,1.1,2.1\n2020-01-03,1.2,2.0\n"
                + "2020-01-04,1.1,2.2\n");
        assertUsageError(Cli.run("cov", "--prices", prices.toString(), "--output", missingDir), "does not exist");
        assertUsageError(Cli.run("rolling", "--prices", prices.toString(), "--window", "2", "--output", missingDir),
                "does not exist");
    }

    /**
     * The backend opens while the input is read (EarlyBackend), yet a fault in the input is still the error reported,
     * whether or not the named backend could open here (cuda, on a machine without a GPU, could not).
     */
    @Test
    void anInputErrorIsReportedBeforeTheBackendsOwn() {
        Path empty = file("empty-for-backend.csv", "");
        for (String backend : new String[] {"cuda", "cpu"}) {
            assertUsageError(Cli.run("rolling", "--prices", empty.toString(), "--window", "2", "--backend", backend),
                    "empty-for-backend.csv");
            assertUsageError(Cli.run("scenarios", "--prices", empty.toString(), "--backend", backend),
                    "empty-for-backend.csv");
        }
    }

    @Test
    void headerOnly() {
        Path p = file("header.csv", "date,A,B\n");
        assertUsageError(Cli.run("solve", "--prices", p.toString()), "header.csv", "no data rows", "line 1");
    }

    @Test
    void raggedRows() {
        Path p = file("ragged.csv", "date,A,B\n2020-01-01,1,2\n2020-01-02,1\n2020-01-03,1,2\n");
        assertUsageError(Cli.run("solve", "--prices", p.toString()), "ragged.csv", "line 3", "2 cells", "has 3");
    }

    @Test
    void nonNumericCell() {
        Path p = file("text.csv", "date,A,B\n2020-01-01,1,2\n2020-01-02,1.1,abc\n");
        assertUsageError(Cli.run("solve", "--prices", p.toString()), "text.csv", "line 3", "column 3", "asset B",
                "2020-01-02", "'abc' is not a number");
    }

    @Test
    void infiniteCell() {
        Path p = file("inf.csv", "A,B\n0.01,0.02\n0.01,inf\n");
        assertUsageError(Cli.run("solve", "--returns", p.toString()), "inf.csv", "line 3", "column 2", "asset B",
                "infinite", "leave the cell empty to mark it missing");
    }

    @Test
    void duplicateAssetNames() {
        Path p = file("dup.csv", "date,A,B,A\n2020-01-01,1,2,3\n2020-01-02,1,2,3\n");
        assertUsageError(Cli.run("solve", "--prices", p.toString()), "dup.csv", "line 1", "column 4",
                "duplicate asset name 'A'", "column 2");
    }

    @Test
    void duplicateDates() {
        Path p = file("dates.csv", "date,A,B\n2020-01-01,1,2\n2020-01-02,1.1,2.1\n2020-01-02,1.2,2.2\n");
        assertUsageError(Cli.run("solve", "--prices", p.toString()), "dates.csv", "line 4", "duplicate date "
                + "2020-01-02", "line 3");
    }

    @Test
    void unsortedDates() {
        Path p = file("order.csv", "date,A,B\n2020-01-01,1,2\n2020-01-03,1.1,2.1\n2020-01-02,1.2,2.2\n");
        assertUsageError(Cli.run("solve", "--prices", p.toString()), "order.csv", "line 4", "sort the file");
    }

    @Test
    void zeroPriceNamesAssetLineAndColumn() {
        Path p = file("zero.csv", "date,A,B\n2020-01-01,1,2\n2020-01-02,0,2.1\n");
        assertUsageError(Cli.run("solve", "--prices", p.toString()), "zero.csv", "line 3", "column 2", "asset A",
                "price is 0", "positive");
    }

    @Test
    void covarianceNotSquare() {
        Path p = file("rect.csv", "0.04,0.01,0.0\n0.01,0.09,0.02\n");
        assertUsageError(Cli.run("solve", "--cov", p.toString()), "rect.csv", "not square", "2 rows × 3 columns");
    }

    @Test
    void covarianceRowAndColumnNamesDisagree() {
        Path p = file("names.csv", ",A,B\nA,0.04,0.01\nC,0.01,0.09\n");
        assertUsageError(Cli.run("solve", "--cov", p.toString()), "names.csv", "line 3", "'C'", "'B'");
    }

    @Test
    void covarianceMissingEntry() {
        /* not one of the triangles (those read as symmetric): a hole */
        Path p = file("hole.csv", "A,B,C\n0.04,,0.002\n0.01,0.09,0.001\n0.002,0.001,0.0225\n");
        assertUsageError(Cli.run("solve", "--cov", p.toString()), "hole.csv", "line 2", "column 2", "(A, B)",
                "missing");
    }

    @Test
    void covarianceNotSymmetric() {
        Path p = file("asym.csv", "A,B\n0.04,0.01\n0.02,0.09\n");
        assertUsageError(Cli.run("solve", "--cov", p.toString()), "asym.csv", "not symmetric", "(A, B)");
    }

    @Test
    void covarianceZeroVariance() {
        Path p = file("zerovar.csv", "A,B\n0.04,0\n0,0\n");
        assertUsageError(Cli.run("solve", "--cov", p.toString()), "zerovar.csv", "asset B", "variance");
    }

    @Test
    void missingRejectNamesTheAssetAndTheDate() {
        Path p = file("gap.csv", "date,A,B\n2020-01-01,1,2\n2020-01-02,1.1,\n2020-01-03,1.2,2.2\n"
                + "2020-01-06,1.3,2.3\n");
        assertUsageError(Cli.run("solve", "--prices", p.toString(), "--missing", "reject"), "gap.csv: asset B has no "
                + "return on 2020-01-02 (its price is missing on that date or the one before), and --missing reject "
                + "refuses a missing value");
    }

    @Test
    void anUnknownSeparatorOrADecimalCommaIsNamed() {
        Path pipes = file("pipes.csv", "date|A|B\n2020-01-01|1|2\n2020-01-02|1.1|2.1\n2020-01-03|1.2|2.2\n");
        assertUsageError(Cli.run("solve", "--prices", pipes.toString()), "no asset columns",
                "separated by '|', and only ',', ';' and tab separate cells");
        Path commas = file("eu.csv", "date;A;B\n2020-01-01;20,5;2\n2020-01-02;20,6;2,1\n2020-01-03;20,7;2,2\n");
        assertUsageError(Cli.run("solve", "--prices", commas.toString()), "line 2, column 2",
                "'20,5' is not a number (a decimal comma: write 20.5)");
        Path thousands = file("k.csv", "date,A,B\n2020-01-01,\"2,345\",2\n2020-01-02,2350,2.1\n"
                + "2020-01-03,2360,2.2\n");
        assertUsageError(Cli.run("solve", "--prices", thousands.toString()), "'2,345' is not a number (a thousands "
                + "separator or a decimal comma: write 2345 or 2.345, as the file means)");
    }

    @Test
    void everyColumnWithoutReturnsIsNamedInOneRun() {
        Path one = file("one.csv", "date,A,B,C\n2020-01-01,1,,2\n2020-01-02,1.1,,2.1\n2020-01-03,1.2,,2.2\n");
        assertUsageError(Cli.run("solve", "--prices", one.toString()),
                "asset B (0 returns) has fewer than the 2 returns needed", "remove the column");
        Path two = file("two.csv", "date,A,B,C,D\n2020-01-01,1,,2,\n2020-01-02,1.1,,2.1,3\n2020-01-03,1.2,,2.2,\n");
        assertUsageError(Cli.run("solve", "--prices", two.toString()), "2 assets have fewer than the 2 returns "
                + "needed in the data used: B (0 returns), D (0 returns)", "remove those columns");
    }

    @Test
    void covarianceNotPositiveDefinite() {
        // B and C are the same asset twice: singular.
        Path p = file("singular.csv", "A,B,C\n0.04,0.01,0.01\n0.01,0.09,0.09\n0.01,0.09,0.09\n");
        assertUsageError(Cli.run("solve", "--cov", p.toString()), "not positive definite", "asset C",
                "from returns (--prices or --returns) with a shrinkage estimator (--estimator ledoit-wolf");
    }

    @Test
    void missingFile() {
        assertUsageError(Cli.run("solve", "--cov", dir.resolve("nope.csv").toString()), "nope.csv", "no such file");
    }

    @Test
    void budgetsNotSummingToOneSuggestNormalize() {
        Path cov = file("cov.csv", COV3);
        Path b = file("b.csv", "1,1,2\n");
        assertUsageError(Cli.run("solve", "--cov", cov.toString(), "--budgets", b.toString()), "b.csv",
                "sum to 4", "--normalize-budgets");
    }

    @Test
    void budgetsForUnknownOrMissingAssets() {
        Path cov = file("cov.csv", COV3);
        Path unknown = file("unknown.csv", "A,0.5\nB,0.25\nX,0.25\n");
        assertUsageError(Cli.run("solve", "--cov", cov.toString(), "--budgets", unknown.toString()), "unknown.csv",
                "line 3", "unknown asset 'X'");
        Path missing = file("missing.csv", "asset,budget\nA,0.5\nB,0.5\n");
        assertUsageError(Cli.run("solve", "--cov", cov.toString(), "--budgets", missing.toString()), "missing.csv",
                "no budget for asset 'C'");
        Path twice = file("twice.csv", "A,0.5\nB,0.25\nA,0.25\n");
        assertUsageError(Cli.run("solve", "--cov", cov.toString(), "--budgets", twice.toString()), "twice.csv",
                "line 3", "second budget for asset 'A'");
    }

    @Test
    void budgetsWrongCountOrNegative() {
        Path cov = file("cov.csv", COV3);
        Path count = file("count.csv", "0.5,0.5\n");
        assertUsageError(Cli.run("solve", "--cov", cov.toString(), "--budgets", count.toString()), "count.csv",
                "2 budgets for 3 assets");
        Path negative = file("neg.csv", "0.5,0.6,-0.1\n");
        assertUsageError(Cli.run("solve", "--cov", cov.toString(), "--budgets", negative.toString()), "neg.csv",
                "line 1", "column 3", "asset C", "negative");
    }

    @Test
    void assetWithoutDataAndDropLeavingNothing() {
        Path empty = file("emptycol.csv", "date,A,B\n2020-01-01,1,\n2020-01-02,1.1,\n2020-01-03,1.2,\n");
        assertUsageError(Cli.run("solve", "--prices", empty.toString()), "emptycol.csv", "asset B", "0 returns");
        Path disjoint = file("disjoint.csv", "date,A,B\n2020-01-01,1,\n2020-01-02,1.1,\n2020-01-03,1.2,\n"
                + "2020-01-04,,2\n2020-01-05,,2.1\n2020-01-06,,2.2\n");
        assertUsageError(Cli.run("solve", "--prices", disjoint.toString()), "disjoint.csv", "--missing pairwise",
                "asset B");
    }

    @Test
    void badUsageIsExitTwoWithOneLine() {
        Path cov = file("cov.csv", COV3);
        assertUsageError(Cli.run("solve", "--cov", cov.toString(), "--prices", cov.toString()), "mutually exclusive");
        assertUsageError(Cli.run("solve"), "--prices", "--cov");
        assertUsageError(Cli.run("solve", "--cov", cov.toString(), "--solver", "magic"), "unknown solver 'magic'");
        assertUsageError(Cli.run("solve", "--cov", cov.toString(), "--format", "xml"), "--format");
        assertUsageError(Cli.run("solve", "--cov", cov.toString(), "--tol", "abc"), "--tol");
        assertUsageError(Cli.run("solve", "--cov", cov.toString(), "--backend", "quantum"), "unknown backend");
        assertUsageError(Cli.run("frobnicate"), "unknown command 'frobnicate': choose one of solve, batch, rolling");
        assertUsageError(Cli.run("backtest", "--help"), "unknown command 'backtest'"); /* not the help, exit 0 */
        assertUsageError(Cli.run("--debug", "backtest"), "unknown command 'backtest'");
        assertUsageError(Cli.run(), "missing command");
    }

    @Test
    void debugPrintsTheStackTrace() {
        Path p = file("rect.csv", "0.04,0.01,0.0\n0.01,0.09,0.02\n");
        Cli.Result r = Cli.run("solve", "--debug", "--cov", p.toString());
        assertEquals(Main.EXIT_USAGE, r.code());
        assertTrue(r.err().contains("DimensionMismatchException"), r.err());
        assertTrue(r.err().contains("\tat io.equirisk."), r.err());
        assertTrue(r.err().strip().endsWith("equirisk: error: " + p + ": covariance matrix is not square: 2 rows × "
                + "3 columns"), r.err());
    }
}

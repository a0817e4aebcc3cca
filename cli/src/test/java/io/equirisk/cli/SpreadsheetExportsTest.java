package io.equirisk.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Price files as spreadsheets and data vendors export them (a review's list): each must give the weights of the
 * same prices written with ISO dates, oldest first, or fail naming its line. The EWMA estimate weighs the newest
 * returns most, so a file read in the wrong order gives other weights.
 */
class SpreadsheetExportsTest {
    @TempDir
    Path dir;

    private static final int DAYS = 260;

    /** Business days from 2006-01-03 and four assets' prices. */
    private static List<LocalDate> days() {
        List<LocalDate> out = new ArrayList<>();
        for (LocalDate d = LocalDate.of(2006, 1, 3); out.size() < DAYS; d = d.plusDays(1)) {
            if (d.getDayOfWeek().getValue() <= 5) {
                out.add(d);
            }
        }
        return out;
    }

    private static List<String> priceRows() {
        Random rnd = new Random(5);
        double[] p = {63.2, 23.1, 53.1, 94.9};
        double[] vol = {0.003, 0.02, 0.012, 0.011};
        List<String> rows = new ArrayList<>();
        for (int t = 0; t < DAYS; t++) {
            double f = rnd.nextGaussian();
            StringBuilder sb = new StringBuilder();
            for (int j = 0; j < 4; j++) {
                p[j] *= 1 + vol[j] * (0.5 * f + rnd.nextGaussian());
                sb.append(',').append(String.format(Locale.ROOT, "%.6f", p[j]));
            }
            rows.add(sb.toString());
        }
        return rows;
    }

    /** The prices under {@code header}, each date written by {@code date}, newest first if asked. */
    private Path file(String name, String header, Function<LocalDate, String> date, boolean newestFirst,
                      String... extraLines) {
        List<LocalDate> days = days();
        List<String> rows = priceRows();
        List<String> lines = new ArrayList<>();
        for (int t = 0; t < DAYS; t++) {
            lines.add(date.apply(days.get(t)) + rows.get(t));
        }
        if (newestFirst) {
            Collections.reverse(lines);
        }
        lines.addAll(List.of(extraLines));
        lines.addFirst(header + ",AGG,DBC,GLD,SPY");
        return Cli.write(dir, name, String.join("\r\n", lines) + "\r\n");
    }

    private static Cli.Result solve(Path file) {
        return Cli.run("solve", "--prices", file.toString(), "--estimator", "ewma", "--format", "csv");
    }

    @Test
    void datesAsSpreadsheetsWriteThemGiveTheWeightsOfIsoDates() {
        Cli.Result iso = solve(file("iso.csv", "date", LocalDate::toString, false));
        assertEquals(0, iso.code(), iso.err());
        DateTimeFormatter dMmmY = DateTimeFormatter.ofPattern("dd-MMM-yyyy", Locale.ENGLISH);
        DateTimeFormatter mmmDY = DateTimeFormatter.ofPattern("MMM dd, yyyy", Locale.ENGLISH);
        DateTimeFormatter mdyy = DateTimeFormatter.ofPattern("M/d/yy", Locale.ENGLISH);
        List<Path> variants = List.of(
                file("dmmmy.csv", "Date", dMmmY::format, true),
                file("mmmdy.csv", "Date", d -> '"' + mmmDY.format(d) + '"', true),
                file("mdyy.csv", "Date", mdyy::format, true),
                /* Excel serial day numbers under a header the reader does not know, newest first */
                file("serial.csv", "Datum", d -> Long.toString(d.toEpochDay() - LocalDate.of(1899, 12, 30)
                        .toEpochDay()), true),
                file("clock.csv", "date", d -> d + " 16:00:00 America/New_York", false));
        for (Path v : variants) {
            Cli.Result r = solve(v);
            assertEquals(0, r.code(), v + ": " + r.err());
            assertEquals(iso.out(), r.out(), v + " read otherwise: " + r.err());
        }
        Cli.Result serial = solve(dir.resolve("serial.csv"));
        assertTrue(serial.err().contains("are read as Excel serial dates (39083 = 2007-01-01)"), serial.err());
        assertTrue(serial.err().contains("dates run newest first; reversed"), serial.err());
    }

    @Test
    void aSummaryRowBelowTheDatesIsRefusedNamingItsLine() {
        int last = DAYS + 2; /* the header is line 1 */
        for (String label : List.of("Total", "Average", "2006-12-29 Total")) {
            Path f = file("summary.csv", "date", LocalDate::toString, false, label + ",1,2,3,4");
            Cli.Result r = solve(f);
            assertEquals(2, r.code(), label + ": " + r.out() + r.err());
            assertTrue(r.err().contains("line " + last + ", column 1: '" + label + "' is not a calendar date, unlike "
                    + DAYS + " of the column's " + (DAYS + 1) + " labels"), r.err());
        }
        Cli.Result total = solve(file("total.csv", "date", LocalDate::toString, false, "Total,1,2,3,4"));
        assertTrue(total.err().contains("a summary row (a total, an average) or a note? remove it"), total.err());
    }
}

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
                file("clock.csv", "date", d -> d + " 16:00:00 America/New_York", false),
                /* Unix times as exchange APIs write them: milliseconds newest first, seconds oldest first */
                file("epoch-ms.csv", "open_time", d -> Long.toString(d.atStartOfDay(java.time.ZoneOffset.UTC)
                        .toEpochSecond() * 1000), true),
                file("epoch-s.csv", "timestamp", d -> Long.toString(d.atStartOfDay(java.time.ZoneOffset.UTC)
                        .toEpochSecond()), false));
        for (Path v : variants) {
            Cli.Result r = solve(v);
            assertEquals(0, r.code(), v + ": " + r.err());
            assertEquals(iso.out(), r.out(), v + " read otherwise: " + r.err());
        }
        Cli.Result serial = solve(dir.resolve("serial.csv"));
        assertTrue(serial.err().contains("are read as Excel serial dates (39083 = 2007-01-01)"), serial.err());
        assertTrue(serial.err().contains("dates run newest first; reversed"), serial.err());
        /* seconds before 2001-09-09 have 9 digits; hourly bars keep one layout, midnight's time written too */
        Cli.Result early = Cli.run("solve", "--prices", Cli.write(dir, "early.csv", "t,A,B\n959817600,1,2\n"
                + "959904000,1.01,2.1\n959990400,1.02,2.05\n960076800,0.99,2.2\n").toString(), "--format", "json");
        assertTrue(early.err().contains("(959817600, …) are read as Unix times in seconds, UTC (959817600 = "
                + "2000-06-01)"), early.err());
        StringBuilder bars = new StringBuilder("t,A,B\n"); /* 21:00 … 03:00 */
        for (int h = 0; h < 7; h++) {
            bars.append(1672520400L + 3600L * h).append(',').append(1 + 0.01 * (h % 3)).append(',')
                    .append(2 + 0.05 * ((h * 7) % 5)).append('\n');
        }
        Cli.Result hourly = Cli.run("rolling", "--prices", Cli.write(dir, "hourly.csv", bars.toString()).toString(),
                "--window", "3", "--step", "1", "-o", "-");
        assertTrue(hourly.out().contains("\n2023-01-01 00:00:00,") && hourly.out().contains("\n2023-01-01 01:00:00,"),
                hourly.toString());
        Cli.Result epoch = solve(dir.resolve("epoch-ms.csv"));
        assertTrue(epoch.err().contains("(1167609600000, …) are read as Unix times in milliseconds, UTC (1167609600000 = 2007-01-01)")
                && epoch.err().contains("dates run newest first; reversed"), epoch.err());
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

    /** The same prices in the encodings and shapes Excel writes: the weights of the plain UTF-8 file. */
    @Test
    void excelEncodingsAndLayoutsReadAsThePlainFile() throws Exception {
        Path plain = file("plain.csv", "date", LocalDate::toString, false);
        Cli.Result expected = solve(plain);
        assertEquals(0, expected.code(), expected.err());
        String text = java.nio.file.Files.readString(plain);
        java.util.Map<String, byte[]> variants = new java.util.LinkedHashMap<>();
        byte[] le = text.getBytes(java.nio.charset.StandardCharsets.UTF_16LE);
        variants.put("utf16le-bom.csv", concat(new byte[] {(byte) 0xFF, (byte) 0xFE}, le));
        variants.put("utf16le.csv", le);
        variants.put("utf16be-bom.csv", text.getBytes(java.nio.charset.StandardCharsets.UTF_16)); /* FE FF first */
        variants.put("sep.csv", ("sep=,\r\n" + text).getBytes(java.nio.charset.StandardCharsets.UTF_8));
        /* rows a spreadsheet cleared inside its used range: separators only */
        variants.put("cleared.csv", text.replaceFirst("\r\n", "\r\n,,,,\r\n").concat(",,,,\r\n,,,,\r\n")
                .getBytes(java.nio.charset.StandardCharsets.UTF_8));
        for (var v : variants.entrySet()) {
            Path f = dir.resolve(v.getKey());
            java.nio.file.Files.write(f, v.getValue());
            Cli.Result r = solve(f);
            assertEquals(0, r.code(), v.getKey() + ": " + r.err());
            assertEquals(expected.out(), r.out(), v.getKey());
        }
        /* Bloomberg's missing marks read as missing: the weights of the same cells left empty */
        String[] lines = text.split("\r\n");
        lines[5] = lines[5].replaceFirst(",[^,]*$", ",#N/A N/A");
        Path bbg = Cli.write(dir, "bbg.csv", String.join("\n", lines) + "\n");
        lines[5] = lines[5].replace("#N/A N/A", "");
        Path empty = Cli.write(dir, "empty.csv", String.join("\n", lines) + "\n");
        assertEquals(solve(empty).out(), solve(bbg).out());
    }

    /** What Excel or a vendor writes that cannot be read: one line naming the cell and what to do. */
    @Test
    void unreadableExportsSayWhatToDo() {
        String text = "date,AGG,DBC\n2020-01-02,63.27,23.12\n2020-01-03,63.42,23.33\n2020-01-06,63.5,23.2\n";
        Cli.Result title = solve(Cli.write(dir, "title.csv", "Adjusted close prices,,\n" + text));
        assertEquals(2, title.code());
        assertTrue(title.err().contains("line 1, column 1: 'Adjusted close prices' looks like a title above the "
                + "table (one cell, and 3 on the next line): delete the lines above the header row"), title.err());
        Cli.Result dash = solve(Cli.write(dir, "dash.csv", text.replace("63.42", "-")));
        assertEquals(2, dash.code());
        assertTrue(dash.err().contains("'-' is not a number (if it means no value, leave the cell empty"),
                dash.err());
        Cli.Result thousands = solve(Cli.write(dir, "k.csv", text.replace("63.42", "\"6,327.2469\"")));
        assertTrue(thousands.err().contains("'6,327.2469' is not a number (a thousands separator: write "
                + "6327.2469)"), thousands.err());
    }

    /** A covariance written as its lower triangle (Excel's Analysis ToolPak) or its upper: the full matrix's weights. */
    @Test
    void aCovarianceWrittenAsOneTriangleIsReadAsSymmetric() {
        String full = "A,B,C\n0.04,0.006,0.002\n0.006,0.01,0.001\n0.002,0.001,0.0225\n";
        String lower = "A,B,C\n0.04,,\n0.006,0.01,\n0.002,0.001,0.0225\n";
        String upper = "A,B,C\n0.04,0.006,0.002\n,0.01,0.001\n,,0.0225\n";
        Cli.Result f = Cli.run("solve", "--cov", Cli.write(dir, "full.csv", full).toString(), "--format", "csv");
        assertEquals(0, f.code(), f.err());
        for (String tri : List.of(lower, upper)) {
            Cli.Result r = Cli.run("solve", "--cov", Cli.write(dir, "tri.csv", tri).toString(), "--format", "csv");
            assertEquals(f.out(), r.out(), r.err());
        }
        Cli.Result hole = Cli.run("solve", "--cov", Cli.write(dir, "hole.csv", full.replace("0.001,0.0225",
                ",0.0225")).toString());
        assertEquals(2, hole.code());
        assertTrue(hole.err().contains("covariance entry is missing"), hole.err());
        /* a bad cell of the written half is named where it is, not at its blank mirror */
        Cli.Result bad = Cli.run("solve", "--cov", Cli.write(dir, "bad.csv", lower.replace("0.002,0.001,", "0.002,zz,"))
                .toString());
        assertTrue(bad.err().contains("line 4, column 2 (C, B): covariance entry 'zz' is not a number"), bad.err());
        Cli.Result trailing = Cli.run("solve", "--cov", Cli.write(dir, "trail.csv", full.replace("\n", ",\n"))
                .toString());
        assertTrue(trailing.err().contains("the last column is empty on every row: remove the separator that ends "
                + "each line"), trailing.err());
    }

    /**
     * A second review's cases: serial dates with a footer or a Total row; timestamps as ZonedDateTime writes them;
     * pandas' row numbers; whole-number prices that rise; a first period with no values; a month-name typo.
     */
    @Test
    void datesTheFirstChangesMisreadAreReadAsBefore() {
        Cli.Result iso = solve(file("iso.csv", "date", LocalDate::toString, false));
        Function<LocalDate, String> serial = d -> Long.toString(d.toEpochDay() - LocalDate.of(1899, 12, 30)
                .toEpochDay());
        Cli.Result footer = solve(file("serial_footer.csv", "Datum", serial, true, "Source: vendor,,,,"));
        assertEquals(iso.out(), footer.out(), footer.err());
        Cli.Result total = solve(file("serial_total.csv", "Datum", serial, false, "Total,1,2,3,4"));
        assertEquals(2, total.code(), total.out() + total.err());
        assertTrue(total.err().contains("'Total' is not a calendar date"), total.err());
        Cli.Result zoned = solve(file("zoned.csv", "date", d -> d + "T16:00-05:00[America/New_York]", true));
        assertEquals(iso.out(), zoned.out(), zoned.err());
        Cli.Result weekday = solve(file("weekday.csv", "date", d -> d + " " + d.getDayOfWeek().toString()
                .substring(0, 3), true));
        assertEquals(iso.out(), weekday.out(), weekday.err());
        /* pandas' index (header "") numbers rows: not dates, so no 365 a year from consecutive "days" */
        List<String> pandas = new ArrayList<>(List.of(",A,B,C"));
        Random rnd = new Random(2);
        for (int t = 0; t < 300; t++) {
            pandas.add((20000 + t) + "," + (100 + t + rnd.nextDouble()) + "," + (50 + rnd.nextDouble()) + ","
                    + (70 - 0.1 * t + rnd.nextDouble()));
        }
        Cli.Result index = Cli.run("solve", "--prices", Cli.write(dir, "pandas.csv", String.join("\n", pandas)
                + "\n").toString());
        assertEquals(0, index.code(), index.err());
        assertTrue(index.err().contains("step by 1 like row numbers (pandas' index), so they are not read as Excel "
                + "serial dates") && index.out().contains("252 periods/year"), index.out() + index.err());
        /* a short file of whole-number index levels rising a few dozen points a row: read as serial dates (a date
           column read as an asset took 99% of the weight; the rarer mistake), with a note naming the column */
        Cli.Result levels = Cli.run("solve", "--prices", Cli.write(dir, "levels.csv", "N225,SPX,TOPIX\n"
                + "38720,4700.5,2600.1\n38755,4710.2,2590.3\n38790,4690.1,2610.7\n38830,4720.9,2605.2\n"
                + "38870,4705.3,2620.4\n38900,4730.8,2615.9\n38955,4712.6,2630.1\n").toString(), "--format",
                "csv");
        assertEquals(0, levels.code(), levels.err());
        assertTrue(levels.err().contains("(38720, …, headed 'N225') are read as Excel serial dates"), levels.err());
        /* headerless, the first period without values: data, not a title */
        Cli.Result quarters = Cli.run("solve", "--returns", Cli.write(dir, "q.csv", "Q1-2020,,\n"
                + "Q2-2020,0.01,0.02\nQ3-2020,-0.02,0.01\nQ4-2020,0.03,-0.01\nQ1-2021,0.01,0.03\n").toString());
        assertEquals(0, quarters.code(), quarters.err());
        /* a mistyped month-name date is a typo to correct, not a summary row to remove */
        DateTimeFormatter dMmmY = DateTimeFormatter.ofPattern("dd-MMM-yyyy", Locale.ENGLISH);
        Path typo = file("typo.csv", "Date", d -> d.equals(LocalDate.of(2006, 2, 28)) ? "30-Feb-2006"
                : dMmmY.format(d), false);
        Cli.Result t = solve(typo);
        assertEquals(2, t.code());
        assertTrue(t.err().contains("'30-Feb-2006' is not a calendar date") && t.err().contains("correct it"),
                t.err());
    }

    /** UTF-16 without a mark, asset names in Japanese (一 is U+4E00: a NUL on the other side of its pair). */
    @Test
    void utf16WithoutAMarkAndCjkNamesIsRead() throws Exception {
        String text = "date,AGG,\u7B2C\u4E00\u751F\u547D\n2020-01-02,63.27,23.12\n2020-01-03,63.42,23.33\n"
                + "2020-01-06,63.5,23.2\n2020-01-07,63.1,23.6\n";
        Path utf8 = Cli.write(dir, "cjk8.csv", text);
        Path utf16 = dir.resolve("cjk16.csv");
        java.nio.file.Files.write(utf16, text.getBytes(java.nio.charset.StandardCharsets.UTF_16LE));
        Cli.Result a = Cli.run("solve", "--prices", utf8.toString(), "--format", "csv");
        Cli.Result b = Cli.run("solve", "--prices", utf16.toString(), "--format", "csv");
        assertEquals(0, b.code(), b.err());
        assertEquals(a.out(), b.out());
    }

    /**
     * A third review's cases: serial dates with a holiday gap of 5 days, under "Datum" and with no header, read as
     * dates (a step rule had made the column an asset with 99% of the weight); calendar-daily serials without a
     * header too; a title above a header of numeric tickers; bad cells named in file order; upper-case weekdays,
     * 12-hour clocks and old Mac line ends.
     */
    @Test
    void serialDatesAcrossHolidaysAndOtherThirdReviewCases() throws Exception {
        List<String> iso = java.nio.file.Files.readAllLines(file("gap.csv", "date", LocalDate::toString, false));
        List<String> kept = new ArrayList<>(iso);
        int monday = 101;
        while (LocalDate.parse(kept.get(monday).split(",")[0]).getDayOfWeek() != java.time.DayOfWeek.MONDAY) {
            monday++;
        }
        kept.remove(monday); /* a Monday and a Tuesday closed: Friday to Wednesday is 5 days */
        kept.remove(monday);
        assertEquals(5, LocalDate.parse(kept.get(monday).split(",")[0]).toEpochDay()
                - LocalDate.parse(kept.get(monday - 1).split(",")[0]).toEpochDay());
        Function<String, String> toSerial = line -> {
            String[] c = line.split(",", 2);
            return (LocalDate.parse(c[0]).toEpochDay() - LocalDate.of(1899, 12, 30).toEpochDay()) + "," + c[1];
        };
        Path isoGap = Cli.write(dir, "iso_gap.csv", String.join("\n", kept) + "\n");
        List<String> serial = new ArrayList<>(kept.subList(1, kept.size()).stream().map(toSerial).toList());
        Path datum = Cli.write(dir, "datum_gap.csv", "Datum,AGG,DBC,GLD,SPY\n" + String.join("\n", serial) + "\n");
        Path none = Cli.write(dir, "none_gap.csv", String.join("\n", serial) + "\n");
        String expected = solve(isoGap).out();
        for (Path f : List.of(datum, none)) {
            Cli.Result r = solve(f);
            assertEquals(0, r.code(), f + ": " + r.err());
            assertTrue(r.err().contains("read as Excel serial dates"), r.err());
            String[] want = expected.split("\n");
            String[] got = r.out().split("\n");
            assertEquals(want.length, got.length, r.out());
            for (int k = 1; k < want.length; k++) { /* headerless: the assets are A1 … A4 */
                assertEquals(want[k].substring(want[k].indexOf(',')), got[k].substring(got[k].indexOf(',')));
            }
        }
        /* calendar-daily serials (crypto), no header: dates, every step 1 notwithstanding */
        StringBuilder daily = new StringBuilder();
        Random rnd = new Random(6);
        for (int t = 0; t < 60; t++) {
            daily.append(44000 + t).append(',').append(100 + t + rnd.nextDouble()).append(',')
                    .append(50 + rnd.nextDouble()).append('\n');
        }
        Cli.Result crypto = Cli.run("solve", "--prices", Cli.write(dir, "daily.csv", daily.toString()).toString());
        assertEquals(0, crypto.code(), crypto.err());
        assertTrue(crypto.out().contains("365 periods/year") && !crypto.out().contains("A3"), crypto.out());
        /* a fourth review's: a won ETF's whole prices rising a few won a row, no date column: an asset, whether its
           prices would be dates to come (51,000: 2039) or past ones on every day of the week (41,000: 2012) */
        for (int base : new int[] {51_000, 41_000}) {
            StringBuilder won = new StringBuilder("KODEX,AAA,BBB\n");
            int price = base;
            for (int t = 0; t < 40; t++) {
                price += 3 + rnd.nextInt(10);
                won.append(price).append(',').append(100 + rnd.nextDouble()).append(',').append(50 + rnd.nextDouble())
                        .append('\n');
            }
            Cli.Result r = Cli.run("solve", "--prices", Cli.write(dir, "won.csv", won.toString()).toString(),
                    "--format", "csv");
            assertEquals(0, r.code(), r.err());
            assertTrue(r.out().contains("KODEX,") && !r.err().contains("Excel serial"), base + ": " + r.out() + r.err());
        }
        /* a title above a header of numeric tickers */
        Cli.Result title = Cli.run("solve", "--prices", Cli.write(dir, "tse.csv", "Close prices TSE\n"
                + "Date,7203,6758,9984\n2020-01-06,2000.5,3000.5,4000.5\n2020-01-07,2010.5,3010.5,4040.5\n"
                + "2020-01-08,2005.5,3030.5,4020.5\n2020-01-09,2020.5,3020.5,4050.5\n").toString());
        assertTrue(title.err().contains("'Close prices TSE' looks like a title"), title.err());
        /* the first bad thing in file order: a bad cell above a duplicate date */
        Cli.Result order = Cli.run("solve", "--prices", Cli.write(dir, "order.csv", "date,A,B\n2020-01-01,1,2\n"
                + "2020-01-02,abc,2\n2020-01-03,1,2\n2020-01-03,1,2\n2020-01-06,1,2\n").toString());
        assertTrue(order.err().contains("line 3, column 2 (asset A, 2020-01-02): 'abc' is not a number"),
                order.err());
        Cli.Result lower = Cli.run("solve", "--cov", Cli.write(dir, "lower2.csv", ",A,B,C,D\nA,0.04,,,\n"
                + "B,0.01,y,,\nC,0.002,0.003,0.16,\nD,x,0.004,0.005,0.25\n").toString());
        assertTrue(lower.err().contains("line 3, column 3 (B, B): covariance entry 'y'"), lower.err());
        /* upper-case weekdays; a 12-hour clock sorted on 24 hours; old Mac line ends numbered */
        Cli.Result upper = solve(file("upper.csv", "date", d -> d + " " + d.getDayOfWeek(), true));
        assertEquals(solve(file("iso2.csv", "date", LocalDate::toString, false)).out(), upper.out(), upper.err());
        Cli.Result ampm = Cli.run("solve", "--returns", Cli.write(dir, "ampm.csv", "date,A,B\n"
                + "1/2/2020 11:30 AM,0.01,0.02\n1/2/2020 12:30 PM,-0.01,0.01\n1/2/2020 1:00 PM,0.02,-0.01\n"
                + "1/2/2020 2:00 PM,0.01,0.01\n").toString());
        assertEquals(0, ampm.code(), ampm.err());
        Cli.Result mac = Cli.run("solve", "--prices", Cli.write(dir, "mac.csv", "date,A,B\r2020-01-01,1,2\r"
                + "2020-01-02,1,x\r").toString());
        assertTrue(mac.err().contains("line 3, column 3"), mac.err());
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}

package io.equirisk.cli.io;

import io.equirisk.error.DataFormatException;
import io.equirisk.error.InvalidInputException;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Reads a wide time-series CSV (rows are dates, columns are assets) of prices or returns.
 *
 * <p>Layout detection: the first row is a header when any of its cells after the first is not a number (a lone
 * column's header when its cell is not a number), or when its first cell names the date column (date, time, …) or
 * is text above a date, so that numeric asset names (Tokyo tickers such as 7203) stay names; and when, with no date
 * column, its cells are distinct whole numbers above a row of fractions (tickers again: read as data, they made a
 * first "return" of thousands of percent), with a note. {@link HeaderRow} overrides the guess. The first column holds
 * dates (row labels) when any of its data cells is not a number, when the header names it date/time/timestamp/
 * period/day/month or leaves it blank, or when all of its cells are numeric calendar dates in order (19260701 or
 * 192607, whatever the header calls it). Empty, NaN, null, NA, N/A cells are missing.
 *
 * <p>Dates must be unique. When every date is a calendar date in one layout ({@link DateColumn}: ISO, 20200131,
 * 01/31/2020, 31.01.2020, 03-Jan-2020, …; Excel serial day numbers are turned into ISO dates first) they must be in
 * order: a file sorted newest first is reversed, with a note; one out of order is an error naming the line. A row
 * with neither a date nor a number (a footer) is skipped, with a note; a label that is no date among dates (Total,
 * 2015Q4, a typo) is an error naming its line, since its numbers would be read as one more date's. Labels that are
 * not dates at all (Q1-2020, Q2-2020) are taken in file order, with a note.
 */
public final class SeriesCsv {
    /** What the numbers are: prices must be positive where present. */
    public enum Kind {
        PRICES("price"), RETURNS("return");

        private final String noun;

        Kind(String noun) {
            this.noun = noun;
        }
    }

    /**
     * A read table, row-major, NaN where missing.
     *
     * @param notes things the reader did that the user should know (e.g. reversed a newest-first file)
     */
    public record Series(String file, int rows, int cols, double[] values, List<String> assets, List<String> dates,
                         List<String> notes) {
    }

    /** Whether the first row holds asset names: guessed from the cells (see the class comment), or as told. */
    public enum HeaderRow {
        AUTO, YES, NO
    }

    /** A label shaped like a date (digits in three groups, or eight digits): a typo if it is not one. */
    private static final java.util.regex.Pattern DECIMAL_COMMA = java.util.regex.Pattern.compile("[-+]?\\d+,\\d+");
    private static final java.util.regex.Pattern THOUSANDS = java.util.regex.Pattern.compile("[-+]?\\d{1,3}(,\\d{3})+");
    private static final java.util.regex.Pattern THOUSANDS_AND_DECIMALS =
            java.util.regex.Pattern.compile("[-+]?\\d{1,3}(,\\d{3})+\\.\\d*");
    private static final java.util.regex.Pattern DATE_SHAPED =
            java.util.regex.Pattern.compile("\\d{1,4}[-/.]\\d{1,2}[-/.]\\d{1,4}(?:[ T].*)?|\\d{8}");

    private static final Set<String> LABEL_HEADERS = Set.of("", "date", "dates", "time", "timestamp", "datetime",
            "period", "day", "month", "index");

    private SeriesCsv() {
    }

    /**
     * After a price of 0 or below on row {@code from}: how many more of the column's prices are, and the dates of the
     * last (a review: 258 zero prices of one coin, which one message at a time took 258 runs to find); "" if none.
     */
    private static String morePrices(List<CsvTable.Row> data, List<String> dates, int from, int column) {
        int count = 0;
        int last = from;
        for (int t = from + 1; t < data.size(); t++) {
            String cell = data.get(t).cell(column);
            if (Cells.isNumber(cell) && Cells.parse(cell) <= 0) {
                count++;
                last = t;
            }
        }
        return count == 0 ? "" : "; " + count + " more of its prices are 0 or below, the last on " + dates.get(last);
    }

    /** The calendar days of a series' dates, oldest first, or null where they are not calendar dates. */
    public static List<java.time.LocalDate> calendarDays(List<String> dates) {
        return dates == null || dates.isEmpty() ? null : DateColumn.days(dates);
    }

    /** The instants of a series' dates (a date alone is its midnight), oldest first, or null as there. */
    public static List<java.time.LocalDateTime> calendarTimes(List<String> dates) {
        return dates == null || dates.isEmpty() ? null : DateColumn.times(dates);
    }

    public static Series read(Path path, Kind kind) {
        return read(CsvTable.read(path), kind, HeaderRow.AUTO);
    }

    public static Series read(Path path, Kind kind, HeaderRow headerRow) {
        return read(CsvTable.read(path), kind, headerRow);
    }

    public static Series read(CsvTable table, Kind kind) {
        return read(table, kind, HeaderRow.AUTO);
    }

    public static Series read(CsvTable table, Kind kind, HeaderRow headerRow) {
        List<CsvTable.Row> all = table.rows();
        CsvTable.Row first = all.get(0);
        requireNoTitle(table, all);
        List<String> notes = new ArrayList<>();
        boolean header = switch (headerRow) {
            case YES -> true;
            case NO -> false;
            case AUTO -> {
                if (isHeader(first) || namesTheDateColumn(first, all)) {
                    yield true;
                }
                if (wholeNumbersAboveFractions(first, all)) {
                    notes.add("line " + first.line() + " of " + table.file() + " holds distinct whole numbers above"
                            + " fractional " + kind.noun + "s: read as asset names (tickers such as 7203); pass"
                            + " --header no to read it as data");
                    yield true;
                }
                if (wholeNumbersFarFromNext(first, all, false)) {
                    notes.add("line " + first.line() + " of " + table.file() + " holds distinct whole numbers far "
                            + "from the row below (" + first.cell(0) + " above " + all.get(1).cell(0) + "): read as "
                            + "data; if they are asset names (tickers such as 7203), pass --header yes");
                }
                yield false;
            }
        };
        List<CsvTable.Row> data = header ? all.subList(1, all.size()) : all;
        if (data.isEmpty()) {
            throw new DataFormatException(table.file() + ": has a header row (line " + first.line()
                    + ") but no data rows");
        }
        boolean labels = hasLabelColumn(header ? first : null, data);
        int width = first.size();
        for (CsvTable.Row r : data) {
            if (r.size() != width) {
                throw new DataFormatException(table.file() + ", line " + r.line() + ": row has " + r.size()
                        + " cells but " + (header ? "the header (line " + first.line() + ")" : "the first row")
                        + " has " + width + " (ragged rows)");
            }
        }
        int off = labels ? 1 : 0;
        int cols = width - off;
        if (cols < 1) {
            String line = first.cell(0);
            String other = line.contains("|") ? "'|'" : line.contains(" ") ? "spaces" : null;
            throw new DataFormatException(table.file() + ": no asset columns, only the date column" + (other == null
                    ? "" : "; its cells are separated by " + other + ", and only ',', ';' and tab separate cells"));
        }
        List<String> assets = assetNames(table, header ? first : null, off, cols);
        int rows = data.size();
        double[] values = new double[Math.multiplyExact(rows, cols)];
        List<String> dates = new ArrayList<>(rows);
        Map<String, Integer> dateLine = new HashMap<>();
        DataFormatException dateError = null; /* thrown after any bad cell above its row: the first in file order */
        int dateErrorRow = rows;
        for (int t = 0; t < rows; t++) {
            CsvTable.Row r = data.get(t);
            String date = labels ? r.cell(0) : "row " + (t + 1);
            if (labels && dateError == null) {
                Integer before = date.isEmpty() ? null : dateLine.putIfAbsent(date, r.line());
                if (date.isEmpty() || before != null) {
                    dateError = new DataFormatException(table.where(r.line(), 1) + (date.isEmpty() ? ": empty date"
                            : ": duplicate date " + date + " (also on line " + before + ")"));
                    dateErrorRow = t;
                }
            }
            dates.add(date);
        }
        /* the cells parsed side by side (millions in a wide file); should one not be a number, a missing mark or a
           positive price, the loop below, in file order, names the first */
        final List<CsvTable.Row> rowsOf = data;
        final int offset = off;
        final double[] into = values;
        boolean parsed = dateError == null && java.util.stream.IntStream.range(0, rows).parallel().allMatch(t -> {
            CsvTable.Row r = rowsOf.get(t);
            for (int j = 0; j < cols; j++) {
                double v;
                if (r.isNumber(j + offset)) {
                    v = r.number(j + offset);
                    if (Double.isInfinite(v)) {
                        return false; /* 1e400: named below */
                    }
                } else if (Cells.isMissing(r.cell(j + offset))) {
                    v = Double.NaN;
                } else {
                    return false;
                }
                if (kind == Kind.PRICES && v <= 0) {
                    return false;
                }
                into[t * cols + j] = v;
            }
            return true;
        });
        for (int t = 0; t < rows && !parsed; t++) {
            if (t == dateErrorRow) {
                throw dateError;
            }
            CsvTable.Row r = data.get(t);
            String date = dates.get(t);
            for (int j = 0; j < cols; j++) {
                String cell = r.cell(j + off);
                double v;
                if (Cells.isMissing(cell)) {
                    v = Double.NaN;
                } else if (Cells.isNumber(cell) && Double.isInfinite(Cells.parse(cell))) {
                    throw new DataFormatException(table.where(r.line(), j + off + 1) + " (asset " + assets.get(j)
                            + ", " + date + "): " + kind.noun + " '" + cell + "' is beyond the range of a double "
                            + "(±1.8e308)");
                } else if (Cells.isNumber(cell)) {
                    v = Cells.parse(cell);
                } else if (Cells.isInfinite(cell)) {
                    throw new DataFormatException(table.where(r.line(), j + off + 1) + " (asset " + assets.get(j)
                            + ", " + date + "): " + kind.noun + " '" + cell + "' is infinite (a division by zero or "
                            + "an overflow where the file was made?); leave the cell empty to mark it missing");
                } else {
                    throw new DataFormatException(table.where(r.line(), j + off + 1) + " (asset " + assets.get(j)
                            + ", " + date + "): '" + cell + "' is not a number" + commaHint(cell)
                            + Cells.missingHint(cell));
                }
                if (kind == Kind.PRICES && v <= 0) {
                    throw new InvalidInputException(table.where(r.line(), j + off + 1) + " (asset " + assets.get(j)
                            + ", " + date + "): price is " + cell + "; prices must be positive (remove the asset, "
                            + "or leave the cell empty to mark it missing)" + morePrices(data, dates, t, j + off));
                }
                values[t * cols + j] = v;
            }
        }
        if (labels) { /* a footer such as "Source: vendor" with no numbers: skipped, so the dates stay in order */
            List<Integer> skip = new ArrayList<>();
            boolean anyDate = false;
            for (int t = 0; t < rows; t++) {
                boolean date = DateColumn.isDate(dates.get(t)) || isSerial(dates.get(t));
                anyDate |= date;
                if (!date && allMissing(values, t, cols)) {
                    skip.add(t);
                }
            }
            if (anyDate && !skip.isEmpty()) {
                CsvTable.Row at = data.get(skip.getFirst());
                notes.add(table.file() + ": line " + at.line() + " ('" + dates.get(skip.getFirst()) + "')"
                        + (skip.size() > 1 ? " and " + (skip.size() - 1) + " more" : "") + " with no date and no "
                        + "numbers skipped");
                double[] kept = new double[(rows - skip.size()) * cols];
                List<CsvTable.Row> keptRows = new ArrayList<>(rows - skip.size());
                List<String> keptDates = new ArrayList<>(rows - skip.size());
                for (int t = 0, k = 0, next = 0; t < rows; t++) {
                    if (next < skip.size() && skip.get(next) == t) {
                        next++;
                        continue;
                    }
                    System.arraycopy(values, t * cols, kept, k++ * cols, cols);
                    keptRows.add(data.get(t));
                    keptDates.add(dates.get(t));
                }
                values = kept;
                data = keptRows;
                dates = keptDates;
                rows = keptRows.size();
            }
        }
        String headerCell = header ? first.cell(0) : null;
        if (labels && epochLike(dates)) {
            String one = dates.get(0);
            boolean millis = Long.parseLong(one) >= EPOCH_MILLIS_FROM;
            boolean midnights = dates.stream().allMatch(d -> epochToUtc(d).toLocalTime().equals(
                    java.time.LocalTime.MIDNIGHT));
            notes.add(table.file() + ": the first column's whole numbers (" + one + ", …) are read as Unix times in "
                    + (millis ? "milliseconds" : "seconds") + ", UTC (" + one + " = " + epochToIso(one, midnights)
                    + ")");
            dates.replaceAll(d -> epochToIso(d, midnights));
        }
        boolean serialLabels = labels && serialLike(dates, headerCell);
        if (serialLabels && serialDates(dates, headerCell)) {
            String one = dates.stream().filter(SeriesCsv::isSerial).findFirst().orElseThrow();
            notes.add(table.file() + ": the first column's whole numbers (" + one + ", …" + (headerCell == null
                    || headerCell.isEmpty() || DATE_HEADERS.contains(headerCell.toLowerCase(Locale.ROOT)) ? ""
                    : ", headed '" + headerCell + "'") + ") are read as Excel serial dates (" + one + " = "
                    + excelSerialToIso(one) + ")");
            dates.replaceAll(d -> isSerial(d) ? excelSerialToIso(d) : d);
        } else if (serialLabels) {
            notes.add(table.file() + ": the first column's whole numbers (" + dates.get(0) + ", …) " + ("index"
                    .equalsIgnoreCase(headerCell) ? "are headed 'index', as pandas heads its row numbers"
                    : "step by 1 like row numbers (pandas' index)") + ", so they are not read as Excel serial dates; "
                    + "if they are dates, head the column 'date'");
        }
        if (labels) {
            orderDates(table, data, dates, values, cols, notes);
        }
        return new Series(table.file(), rows, cols, values, assets, List.copyOf(dates), List.copyOf(notes));
    }

    /**
     * A first line of one filled cell of text ("Adjusted close prices", padded with separators or not) above wider
     * rows is a title, not the header: it was called the header of a ragged file, or, padded, turned the real header
     * into a row of data ("'AGG' is not a number").
     */
    private static void requireNoTitle(CsvTable table, List<CsvTable.Row> all) {
        if (all.size() < 2) {
            return;
        }
        CsvTable.Row first = all.get(0);
        int filled = 0;
        for (int j = 0; j < first.size(); j++) {
            filled += first.cell(j).isEmpty() ? 0 : 1;
        }
        int below = 0;
        for (int j = 0; j < all.get(1).size(); j++) {
            below += all.get(1).cell(j).isEmpty() ? 0 : 1;
        }
        String cell = first.cell(0);
        if (filled == 1 && !cell.isEmpty() && below >= 2 && !Cells.isNumeric(cell) && !DateColumn.isDate(cell)
                && (isHeader(all.get(1)) || all.size() > 2 && namesTheDateColumn(all.get(1), all.subList(1,
                all.size())))) { /* a header below it (tickers such as 7203 too), not a first period without values */
            throw new DataFormatException(table.where(first.line(), 1) + ": '" + cell + "' looks like a title above "
                    + "the table (one cell, and " + below + " on the next line): delete the lines above the header "
                    + "row");
        }
    }

    static boolean isHeader(CsvTable.Row first) {
        if (first.size() == 1) {
            return !Cells.isNumeric(first.cell(0));
        }
        for (int j = 1; j < first.size(); j++) {
            if (!Cells.isNumeric(first.cell(j))) {
                return true;
            }
        }
        return false;
    }

    /**
     * A first row of distinct whole numbers (digits only) over a second row with a fraction in it, where no date
     * column holds yyyymmdd dates, and where some cell is no plausible neighbour of the number below it (outside half
     * to twice it): asset names, since prices or returns of a real table are not whole numbers in exactly their first
     * row, and tickers (7203 above 2200.5) are far from the prices below them. Names must be distinct, so a row of
     * 100s (prices indexed to 100) stays data, as do whole prices near the next day's (yen, won: 2345 above 2351.5).
     */
    private static boolean wholeNumbersAboveFractions(CsvTable.Row first, List<CsvTable.Row> all) {
        return wholeNumbersFarFromNext(first, all, true);
    }

    /**
     * As {@link #wholeNumbersAboveFractions}, the fraction below aside ({@code fractionBelow} false): whole prices
     * under whole numbers (7203 above 2150 yen) could be names or data, and no rule tells.
     */
    private static boolean wholeNumbersFarFromNext(CsvTable.Row first, List<CsvTable.Row> all,
                                                   boolean fractionBelow) {
        if (all.size() < 2 || first.size() != all.get(1).size()) {
            return false;
        }
        CsvTable.Row second = all.get(1);
        if (first.size() > 1 && DateColumn.isDate(first.cell(0)) && DateColumn.isDate(second.cell(0))) {
            return false; /* a date column of yyyymmdd numbers: the row is data */
        }
        boolean farFromNext = false;
        for (int j = 0; j < first.size(); j++) {
            if (Cells.isNumber(first.cell(j)) && Cells.isNumber(second.cell(j))) {
                double ratio = Cells.parse(first.cell(j)) / Cells.parse(second.cell(j));
                farFromNext |= !(ratio >= 0.5 && ratio <= 2);
            }
        }
        if (!farFromNext) {
            return false;
        }
        Set<String> seen = new java.util.HashSet<>();
        for (int j = 0; j < first.size(); j++) {
            String cell = first.cell(j);
            if (cell.isEmpty() || !cell.chars().allMatch(c -> c >= '0' && c <= '9') || !seen.add(cell)) {
                return false;
            }
        }
        for (int j = 0; j < all.get(1).size(); j++) {
            String cell = all.get(1).cell(j);
            if (Cells.isNumber(cell) && !cell.chars().allMatch(c -> c >= '0' && c <= '9')) {
                return true;
            }
        }
        return !fractionBelow;
    }

    /**
     * A first row whose other cells are all numbers is still a header when its first cell names the date column
     * (date, time, …) or is text above a calendar date, or is text above a number, where there is no date column
     * and the first cell names an asset (SPY above 431.2): the numbers are then asset names (7203, 6758 on Tokyo).
     */
    private static boolean namesTheDateColumn(CsvTable.Row first, List<CsvTable.Row> all) {
        if (first.size() < 2 || all.size() < 2 || Cells.isNumber(first.cell(0)) || Cells.isInfinite(first.cell(0))) {
            return false;
        }
        String cell = first.cell(0);
        if (!cell.isEmpty() && LABEL_HEADERS.contains(cell.toLowerCase(Locale.ROOT))) {
            return true;
        }
        String below = all.get(1).cell(0);
        return !DateColumn.isDate(cell) && (DateColumn.isDate(below)
                || !Cells.isNumeric(cell) && Cells.isNumber(below) && all.get(1).size() == first.size()
                && tickersOnly(first, 1));
    }

    /**
     * Whether the cells from {@code from} on could be asset names: text, or whole numbers (tickers such as 7203);
     * a fraction is a price or a return, so a row with one is data (a first row "#VALUE!,0.0082,0.0033" is a bad
     * cell above returns, not a header).
     */
    static boolean tickersOnly(CsvTable.Row row, int from) {
        for (int j = from; j < row.size(); j++) {
            if (isFraction(row.cell(j))) {
                return false;
            }
        }
        return true;
    }

    /** A number that is not a whole one (0.0082, 1e-3): a price or a return, never a ticker. */
    private static boolean isFraction(String cell) {
        String digits = cell.startsWith("-") || cell.startsWith("+") ? cell.substring(1) : cell;
        return Cells.isNumber(cell) && !digits.chars().allMatch(c -> c >= '0' && c <= '9');
    }

    private static boolean hasLabelColumn(CsvTable.Row header, List<CsvTable.Row> data) {
        if (data.get(0).size() < 2 && header == null) {
            return false;
        }
        if (header != null && header.size() >= 2
                && LABEL_HEADERS.contains(header.cell(0).toLowerCase(Locale.ROOT))) {
            return true;
        }
        int text = 0;
        int fractions = 0;
        for (CsvTable.Row r : data) {
            String cell = r.size() > 0 ? r.cell(0) : "";
            text += Cells.isNumeric(cell) ? 0 : 1;
            fractions += isFraction(cell) ? 1 : 0;
        }
        /* text among the first cells makes them labels, unless most are fractions: prices or returns of an asset,
           with a bad cell (#VALUE!) that the reading below names, not a column of labels that hid the asset */
        if (text > 0 && fractions * 2 <= data.size()) {
            return true;
        }
        if (header != null && !Cells.isNumeric(header.cell(0)) && eightDigitDates(data)) {
            return true; /* a text header (trade_date, caldt, Code) over yyyymmdd dates: whatever their order */
        }
        List<String> first = new ArrayList<>(data.size());
        data.forEach(r -> first.add(r.cell(0)));
        return numericDates(data) || serialLike(first, header == null ? null : header.cell(0)) || epochLike(first);
    }

    /** Unix times {@link #epochLike} reads: 2000-01-01 on (946684800 s), at most a week after today. */
    private static final long EPOCH_MIN_SECONDS = 946_684_800L;

    /** Where milliseconds start: 2000-01-01 in them (946684800000); seconds stay below 10¹⁰ until 2286. */
    private static final long EPOCH_MILLIS_FROM = EPOCH_MIN_SECONDS * 1000;

    /**
     * Whether first-column labels are Unix times, as exchange APIs write them (Binance, CCXT: milliseconds; others:
     * seconds): at least three whole numbers, all in seconds (9 or 10 digits) or all in milliseconds (12 or 13), from
     * 2000 to a week after today, strictly one way. Before,
     * they were labels taken in file order, so a newest-first file was used backwards (a review) and the periods per
     * year were assumed.
     */
    static boolean epochLike(List<String> labels) {
        if (labels.size() < 3) {
            return false;
        }
        long max = java.time.Instant.now().plus(java.time.Duration.ofDays(7)).getEpochSecond();
        int direction = 0;
        long before = 0;
        Boolean millis = null;
        for (int t = 0; t < labels.size(); t++) {
            String c = labels.get(t);
            if (c.length() < 9 || c.length() > 13 || !c.chars().allMatch(Character::isDigit)) {
                return false;
            }
            long v = Long.parseLong(c);
            boolean ms = v >= EPOCH_MILLIS_FROM;
            if (millis != null && ms != millis) {
                return false;
            }
            millis = ms;
            long seconds = ms ? v / 1000 : v;
            if (seconds < EPOCH_MIN_SECONDS || seconds > max) {
                return false;
            }
            if (t > 0) {
                int step = Long.signum(v - before);
                if (step == 0 || direction != 0 && step != direction) {
                    return false;
                }
                direction = step;
            }
            before = v;
        }
        return true;
    }

    /** A Unix time in seconds or milliseconds, in UTC. */
    private static java.time.LocalDateTime epochToUtc(String c) {
        long v = Long.parseLong(c);
        return java.time.LocalDateTime.ofInstant(v >= EPOCH_MILLIS_FROM ? java.time.Instant.ofEpochMilli(v)
                : java.time.Instant.ofEpochSecond(v), java.time.ZoneOffset.UTC);
    }

    /**
     * A Unix time as UTC: the ISO date where every time of the column is a midnight, else "yyyy-MM-dd HH:mm:ss" (one
     * layout for the whole column: a review found the midnights written without a time among bars with one).
     */
    static String epochToIso(String c, boolean midnights) {
        java.time.LocalDateTime t = epochToUtc(c);
        return midnights ? t.toLocalDate().toString()
                : t.format(java.time.format.DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss"));
    }

    /** Excel's serial day numbers that {@link #serialDates} reads: 1950-01-01 … 2099-12-31. */
    private static final int EXCEL_SERIAL_MIN = 18264;
    private static final int EXCEL_SERIAL_MAX = 73050;
    /** Excel's day 0 in its 1900 date system, after its 1900 leap-year slip (from day 61 on). */
    private static final java.time.LocalDate EXCEL_DAY_ZERO = java.time.LocalDate.of(1899, 12, 30);

    /** Headers that say the first column holds dates ("" and "index" do not: pandas writes them above row numbers). */
    private static final Set<String> DATE_HEADERS = Set.of("date", "dates", "time", "timestamp", "datetime", "period",
            "day", "month");

    private static boolean isSerial(String c) {
        if (c.length() != 5 || !c.chars().allMatch(Character::isDigit)) {
            return false;
        }
        int v = Integer.parseInt(c);
        return v >= EXCEL_SERIAL_MIN && v <= EXCEL_SERIAL_MAX;
    }

    /**
     * Whether first-column labels look like Excel serial dates (whole numbers 18264 … 73050, 1950 to 2099; 38720 =
     * 2006-01-03), as a date column exported without its format does: at least three, besides them only a few text
     * labels (a Total row, which {@link #orderDates} then refuses as among dates), and, unless the header names dates
     * (whose order is checked later, as any dates'), strictly one way, 1 to 92 days apart (holidays, month-ends and
     * quarters included), none after next week; trading days (steps of a few days) on weekdays but for a tenth,
     * weekly dates mostly on one weekday. Such a column is never an asset: whole prices that step like dates every
     * row are too rare to take a date column for one (it took 99% of the weight).
     */
    static boolean serialLike(List<String> labels, String headerCell) {
        String named = headerCell == null ? null : headerCell.toLowerCase(Locale.ROOT);
        List<Integer> serials = serials(labels);
        if (serials == null) {
            return false;
        }
        if (named != null && DATE_HEADERS.contains(named)) {
            return true;
        }
        int direction = Integer.signum(serials.get(1) - serials.get(0));
        int[] steps = new int[serials.size() - 1];
        int[] weekdays = new int[8];
        java.time.LocalDate today = java.time.LocalDate.now(java.time.ZoneOffset.UTC);
        for (int t = 0; t < serials.size(); t++) {
            if (t > 0) {
                steps[t - 1] = (serials.get(t) - serials.get(t - 1)) * direction;
                if (steps[t - 1] <= 0 || steps[t - 1] > 92) {
                    return false;
                }
            }
            java.time.LocalDate day = EXCEL_DAY_ZERO.plusDays(serials.get(t));
            if (day.isAfter(today.plusDays(7))) {
                return false; /* no history is dated after today: whole prices rising (51,000 won read as 2039) */
            }
            weekdays[day.getDayOfWeek().getValue()]++;
        }
        int[] sorted = steps.clone();
        java.util.Arrays.sort(sorted);
        int median = sorted[sorted.length / 2];
        int n = serials.size();
        if (median <= 4 && sorted[sorted.length - 1] > 1) { /* trading days: on weekdays but for a tenth */
            return (weekdays[6] + weekdays[7]) * 10 <= n;
        }
        if (median >= 5 && median <= 9) { /* weekly: most on one weekday */
            return java.util.Arrays.stream(weekdays).max().orElse(0) * 10 >= n * 7;
        }
        return true; /* calendar days (every step 1), months, quarters */
    }

    /**
     * Whether labels {@link #serialLike} accepted are read as dates: not under "index", nor under "" when every step
     * is exactly 1, as pandas writes its row numbers; those stay labels in file order, with a note that says so. With
     * no header at all, steps of 1 are calendar days (crypto), and read as dates.
     */
    static boolean serialDates(List<String> labels, String headerCell) {
        String named = headerCell == null ? null : headerCell.toLowerCase(Locale.ROOT);
        if ("index".equals(named)) {
            return false;
        }
        return !"".equals(named) || !rowNumbers(serials(labels));
    }

    private static boolean rowNumbers(List<Integer> serials) {
        for (int t = 1; t < serials.size(); t++) {
            if (Math.abs(serials.get(t) - serials.get(t - 1)) != 1) {
                return false;
            }
        }
        return true;
    }

    /** The serials among the labels, or null where they are fewer than three or other labels are more than a few. */
    private static List<Integer> serials(List<String> labels) {
        List<Integer> serials = new ArrayList<>(labels.size());
        int others = 0;
        for (String c : labels) {
            if (isSerial(c)) {
                serials.add(Integer.parseInt(c));
            } else if (Cells.isNumeric(c) || DateColumn.isDate(c)) {
                return null;
            } else {
                others++;
            }
        }
        return serials.size() < 3 || others > 1 && others * 10 > labels.size() ? null : serials;
    }

    /** Excel's serial day n as an ISO date. */
    private static String excelSerialToIso(String serial) {
        return EXCEL_DAY_ZERO.plusDays(Integer.parseInt(serial)).toString();
    }

    /** Every first cell a calendar date written yyyymmdd (a price never is one: 20200106). */
    private static boolean eightDigitDates(List<CsvTable.Row> data) {
        List<String> cells = new ArrayList<>(data.size());
        for (CsvTable.Row r : data) {
            if (!r.cell(0).matches("\\d{8}")) {
                return false;
            }
            cells.add(r.cell(0));
        }
        return !DateColumn.readings(cells).isEmpty();
    }

    /**
     * Whether an all-numeric first column is a date column anyway: at least three cells, every one a calendar date,
     * strictly in order: yyyymmdd (19260701), or yyyymm (192607) a month apart (a price or a return never is all of
     * that; prices that rise like 200101, 200105, 200110 could pass as months, so those must be consecutive).
     */
    private static boolean numericDates(List<CsvTable.Row> data) {
        if (data.size() < 3) {
            return false;
        }
        List<String> cells = new ArrayList<>(data.size());
        boolean months = data.get(0).cell(0).length() == 6;
        for (CsvTable.Row r : data) {
            if (!r.cell(0).matches(months ? "\\d{6}" : "\\d{8}")) {
                return false;
            }
            cells.add(r.cell(0));
        }
        for (DateColumn.Reading reading : DateColumn.readings(cells)) {
            int direction = DateColumn.direction(reading.keys());
            if (direction != 0 && (!months || consecutiveMonths(cells, direction))) {
                return true;
            }
        }
        return false;
    }

    private static boolean consecutiveMonths(List<String> yyyymm, int direction) {
        for (int t = 1; t < yyyymm.size(); t++) {
            int a = Integer.parseInt(yyyymm.get(t - 1));
            int b = Integer.parseInt(yyyymm.get(t));
            int step = (b / 100 * 12 + b % 100) - (a / 100 * 12 + a % 100);
            if (step != direction) {
                return false;
            }
        }
        return true;
    }

    static List<String> assetNames(CsvTable table, CsvTable.Row header, int off, int cols) {
        List<String> names = new ArrayList<>(cols);
        if (header == null) {
            for (int j = 0; j < cols; j++) {
                names.add("A" + (j + 1));
            }
            return names;
        }
        Map<String, Integer> seen = new HashMap<>();
        for (int j = 0; j < cols; j++) {
            String name = header.cell(j + off);
            if (name.isEmpty()) {
                throw new DataFormatException(table.where(header.line(), j + off + 1) + ": empty asset name in the "
                        + "header");
            }
            Integer before = seen.putIfAbsent(name, j + off + 1);
            if (before != null) {
                throw new DataFormatException(table.where(header.line(), j + off + 1) + ": duplicate asset name '"
                        + name + "' (also column " + before + ")");
            }
            names.add(name);
        }
        return names;
    }

    /**
     * Puts calendar dates in order: ascending stays, strictly descending is reversed (with a note), anything else is
     * an error naming the first line out of order. Labels that are not dates are taken in file order, with a note.
     */
    private static void orderDates(CsvTable table, List<CsvTable.Row> data, List<String> dates, double[] values,
                                   int cols, List<String> notes) {
        List<DateColumn.Reading> readings = DateColumn.readings(dates);
        if (readings.isEmpty()) {
            int good = -1;
            for (int t = 0; t < dates.size() && good < 0; t++) {
                good = DateColumn.isDate(dates.get(t)) ? t : -1;
            }
            int bad = -1;
            int nonDates = 0;
            for (int t = 0; t < dates.size(); t++) {
                if (!DateColumn.isDate(dates.get(t))) {
                    nonDates++;
                    String label = dates.get(t);
                    if (bad < 0 && (DATE_SHAPED.matcher(label).matches() || DateColumn.isDateShaped(label)
                            || good >= 0 && typoOf(label, dates.get(good)))) {
                        bad = t;
                    }
                }
            }
            if (nonDates == 0) { /* every label a date, but not all in one layout */
                int other = Math.min(DateColumn.firstOutOfLayout(dates), dates.size() - 1);
                throw new DataFormatException(table.where(data.get(other).line(), 1) + ": date " + dates.get(other)
                        + " is not written like the dates above it (such as " + dates.get(other - 1) + "); write "
                        + "the dates one way, ISO (2020-01-31) for one");
            }
            // a few labels that are no dates among dates: a mistyped date (shaped like one) or a summary row (Total,
            // Average, 2015Q4) that would be read as one more date's prices and turn off the order checks
            if (good >= 0 && (nonDates * 10 <= dates.size() || nonDates == 1 && dates.size() >= 3)) {
                boolean typo = bad >= 0;
                int at = typo ? bad : firstNonDate(dates);
                throw new DataFormatException(table.where(data.get(at).line(), 1) + ": '" + dates.get(at) + "' is "
                        + "not a calendar date, unlike " + (dates.size() - nonDates) + " of the column's "
                        + dates.size() + " labels (such as " + dates.get(good) + "); " + (typo ? "correct it"
                        : "a summary row (a total, an average) or a note? remove it: its numbers would be read as "
                        + "one more date's"));
            }
            notes.add(table.file() + ": the first column's labels are not all calendar dates (such as " + example(dates)
                    + "); rows are taken in file order");
            return;
        }
        int n = dates.size();
        int direction = 0;
        List<String> fitting = new ArrayList<>(); /* layouts in which the dates run in order */
        for (DateColumn.Reading r : readings) {
            int d = DateColumn.direction(r.keys());
            if (d != 0 && direction != 0 && d != direction) {
                throw new DataFormatException(table.file() + ": dates such as " + dates.get(0) + " read as "
                        + readings.get(0).layout() + " run one way and as " + r.layout() + " the other; write them "
                        + "as ISO dates (2020-01-31)");
            }
            direction = d != 0 ? d : direction;
            if (d != 0) {
                fitting.add(r.layout());
            }
        }
        if (fitting.size() > 1) { /* 01/02/2020, 01/03/2020, …: no day above 12 tells */
            notes.add(table.file() + ": dates such as " + dates.get(Math.min(1, n - 1)) + " are read as "
                    + fitting.get(0) + ", as in the US; they read as " + fitting.get(1) + " too (no day is above 12): "
                    + "if that is what they are, write them as ISO dates (2020-01-31)");
        }
        if (direction > 0 || n < 2) {
            return;
        }
        if (direction < 0) {
            Collections.reverse(dates);
            double[] row = new double[cols];
            for (int a = 0, b = n - 1; a < b; a++, b--) {
                System.arraycopy(values, a * cols, row, 0, cols);
                System.arraycopy(values, b * cols, values, a * cols, cols);
                System.arraycopy(row, 0, values, b * cols, cols);
            }
            notes.add(table.file() + ": dates run newest first; reversed to oldest first");
            return;
        }
        List<String> keys = readings.get(0).keys();
        int up = 0;
        for (int t = 1; t < n; t++) {
            up += Integer.signum(keys.get(t).compareTo(keys.get(t - 1)));
        }
        for (int t = 1; t < n; t++) {
            int c = keys.get(t).compareTo(keys.get(t - 1));
            if (c == 0 || Integer.signum(c) != (up >= 0 ? 1 : -1)) {
                throw new DataFormatException(table.where(data.get(t).line(), 1) + ": date " + dates.get(t)
                        + (c == 0 ? " is the same day as " : " comes after ") + dates.get(t - 1)
                        + " (read as " + readings.get(0).layout() + "); " + (c == 0 ? "keep one row per date"
                        : "sort the file by date (oldest first)"));
            }
        }
    }

    /**
     * What a number with a comma in it may be: 2,345 reads as a thousands separator as well as a decimal comma
     * (1000× apart), so both are named; 20,5 only as a decimal comma.
     */
    private static String commaHint(String cell) {
        if (THOUSANDS.matcher(cell).matches()) {
            return " (a thousands separator or a decimal comma: write " + cell.replace(",", "") + " or "
                    + cell.replace(',', '.') + ", as the file means)";
        }
        if (THOUSANDS_AND_DECIMALS.matcher(cell).matches()) {
            return " (a thousands separator: write " + cell.replace(",", "") + ")";
        }
        return DECIMAL_COMMA.matcher(cell).matches() ? " (a decimal comma: write " + cell.replace(',', '.') + ")" : "";
    }

    /**
     * A label that looks like a mistyped date of the column: as long as a good one (at least six characters), and
     * digits but for at most one character (196713 or 19671x among 196712 and 196801), and no period label such as
     * 2015Q4 (a summary row, taken in file order with a note, as before).
     */
    private static boolean typoOf(String label, String date) {
        if (label.length() != date.length() || label.length() < 6 || PERIOD_LABEL.matcher(label).matches()) {
            return false;
        }
        long digits = label.chars().filter(Character::isDigit).count();
        return digits >= label.length() - 1;
    }

    /** Labels of periods, not mistyped dates: 2015Q4, 2020H1, FY2020, 2020FY. */
    private static final java.util.regex.Pattern PERIOD_LABEL =
            java.util.regex.Pattern.compile("(?i)\\d{4}[QH]\\d|FY\\d{2,4}|\\d{4}FY");

    private static boolean allMissing(double[] values, int t, int cols) {
        for (int j = 0; j < cols; j++) {
            if (!Double.isNaN(values[t * cols + j])) {
                return false;
            }
        }
        return true;
    }

    private static int firstNonDate(List<String> dates) {
        for (int t = 0; t < dates.size(); t++) {
            if (!DateColumn.isDate(dates.get(t))) {
                return t;
            }
        }
        return 0;
    }

    private static String example(List<String> dates) {
        for (String d : dates) {
            if (!DateColumn.isDate(d)) {
                return "'" + d + "'";
            }
        }
        return "'" + dates.get(0) + "'";
    }
}

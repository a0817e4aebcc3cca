package io.equirisk.cli.io;

import java.time.DateTimeException;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads a column of date cells as dates, in whichever one layout fits every cell: ISO (2020-01-31, 2020/1/31, with
 * an optional time after a space or T), compact (20200131), month (202001, 2020-01), or a day and a month before the
 * year (01/31/2020 as spreadsheets in the US write it, 31/01/2020 or 31.01.2020 as most of Europe does). The reading
 * is chosen for the whole column: a cell such as 03/04/2020 is April 3 in a column that also holds 25/04/2020.
 * Dotted dates (31.01.2020) are read day first only: the US does not write dates with dots.
 *
 * <p>Only calendar dates count (month 1–12, a day the month has) in years 1800–2200, so that a column of numbers is
 * taken for dates only when every one of them is one.
 */
final class DateColumn {
    /** How a column was read: the layout's name and one sortable key per cell (same order as the cells). */
    record Reading(String layout, List<String> keys) {
    }

    /**
     * A layout: its pattern and where year, month and day are among the groups (day 0: the 1st). A month group may
     * hold an English month name (Jan, January); a two-digit year is read as Excel reads it, 00–29 as 2000–2029 and
     * 30–99 as 1930–1999.
     */
    private record Layout(String name, Pattern pattern, int year, int month, int day, int rest) {
        String key(String cell) {
            Matcher m = pattern.matcher(cell);
            if (!m.matches()) {
                return null;
            }
            int y = Integer.parseInt(m.group(year));
            if (m.group(year).length() == 2) {
                y += y < 30 ? 2000 : 1900;
            }
            int mo = monthNumber(m.group(month));
            int d = day == 0 ? 1 : Integer.parseInt(m.group(day));
            if (y < 1800 || y > 2200) {
                return null;
            }
            try {
                LocalDate.of(y, mo, d);
            } catch (DateTimeException notACalendarDate) {
                return null;
            }
            String time = rest == 0 || m.group(rest) == null ? "" : timeKey(m.group(rest).substring(1).trim());
            return String.format(java.util.Locale.ROOT, "%04d%02d%02d %s", y, mo, d, time);
        }
    }

    private static final String[] MONTHS = {"jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct",
            "nov", "dec"};

    /** A month's number from its digits or its English name (three letters or in full, any case); 0 if neither. */
    private static int monthNumber(String text) {
        if (Character.isDigit(text.charAt(0))) {
            return Integer.parseInt(text);
        }
        String t = text.toLowerCase(java.util.Locale.ROOT);
        for (int i = 0; i < MONTHS.length; i++) {
            if (t.startsWith(MONTHS[i]) && ("sept".equals(t) || java.time.Month.of(i + 1).name()
                    .toLowerCase(java.util.Locale.ROOT).startsWith(t))) {
                return i + 1;
            }
        }
        return 0;
    }

    /**
     * What may follow a date (after a space or T): a time of day, 16:00 or 09:30:00.000, and after it anything (a
     * zone: Z, +01:00, UTC, [America/New_York] as {@code ZonedDateTime} writes it; AM/PM); or a weekday's name
     * (2020-01-02 Thu). Not any text: "2020-05-15 Total" (a spreadsheet's subtotal row) is no date.
     */
    private static final String TIME = "([ T]\\d{1,2}:\\d{2}.*|[ ](?i:(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*\\.?))?";
    private static final String MONTH_NAME = "([A-Za-z]{3,9})\\.?";
    private static final Pattern CLOCK = Pattern.compile("(\\d{1,2}):(\\d{2})(?::(\\d{2}))?(.*)");
    private static final Pattern TWELVE_HOUR = Pattern.compile("(?i)\\s*([ap])\\.?m\\.?\\b.*");

    /**
     * A time of day as a sortable key: 9:30 before 10:30 (as text "10" sorts first), 12:30 PM before 1:00 PM (a
     * 12-hour clock is keyed on 24 hours); other text as it is.
     */
    private static String timeKey(String time) {
        Matcher m = CLOCK.matcher(time);
        if (!m.matches()) {
            return time;
        }
        int hour = Integer.parseInt(m.group(1));
        Matcher half = TWELVE_HOUR.matcher(m.group(4));
        if (half.matches() && hour >= 1 && hour <= 12) {
            hour = hour % 12 + (Character.toLowerCase(half.group(1).charAt(0)) == 'p' ? 12 : 0);
        }
        return String.format(java.util.Locale.ROOT, "%02d:%s:%s%s", hour, m.group(2),
                m.group(3) == null ? "00" : m.group(3), m.group(4));
    }
    private static final List<Layout> LAYOUTS = List.of(
            new Layout("ISO (year-month-day)", Pattern.compile("(\\d{4})[-/.](\\d{1,2})[-/.](\\d{1,2})" + TIME),
                    1, 2, 3, 4),
            new Layout("yyyymmdd", Pattern.compile("(\\d{4})(\\d{2})(\\d{2})"), 1, 2, 3, 0),
            new Layout("year-month", Pattern.compile("(\\d{4})-?(\\d{2})"), 1, 2, 0, 0),
            /* no dots: 01.02.2020 is February 1 wherever dates are written with them */
            new Layout("month/day/year", Pattern.compile("(\\d{1,2})[/-](\\d{1,2})[/-](\\d{4})" + TIME),
                    3, 1, 2, 4),
            new Layout("day/month/year", Pattern.compile("(\\d{1,2})[/.-](\\d{1,2})[/.-](\\d{4})" + TIME),
                    3, 2, 1, 4),
            /* as spreadsheets and data vendors write them: 03-Jan-2006, 3 Jan 2006, 03-Jan-06; Jan 3, 2006 */
            new Layout("day-month name-year", Pattern.compile("(\\d{1,2})[-/ ]" + MONTH_NAME + "[-/ ](\\d{4}|\\d{2})"
                    + TIME), 3, 2, 1, 4),
            new Layout("month name day, year", Pattern.compile(MONTH_NAME + " (\\d{1,2}),? (\\d{4})" + TIME),
                    3, 1, 2, 4),
            /* two-digit years (1/3/06): read as month first or day first, as the four-digit ones */
            new Layout("month/day/yy", Pattern.compile("(\\d{1,2})/(\\d{1,2})/(\\d{2})" + TIME), 3, 1, 2, 4),
            new Layout("day/month/yy", Pattern.compile("(\\d{1,2})[/.](\\d{1,2})[/.](\\d{2})" + TIME), 3, 2, 1, 4));

    private DateColumn() {
    }

    /**
     * Whether a cell is written in some layout's shape, its numbers aside: 2019-13-45 and 30-Feb-2006 are, as
     * mistyped dates; Total is not.
     */
    static boolean isDateShaped(String cell) {
        for (Layout l : LAYOUTS) {
            if (l.pattern().matcher(cell).matches()) {
                return true;
            }
        }
        return false;
    }

    /** Whether one cell is a date in some layout (the first row's test: a header cell is not). */
    static boolean isDate(String cell) {
        for (Layout l : LAYOUTS) {
            if (l.key(cell) != null) {
                return true;
            }
        }
        return false;
    }

    /**
     * Every layout that reads all of the cells as dates (usually one; two for a column such as 01/02/2020,
     * 03/04/2020 whose day and month are all ≤ 12). Empty when the cells are not all dates.
     */
    static List<Reading> readings(List<String> cells) {
        List<Reading> out = new ArrayList<>(2);
        for (Layout l : LAYOUTS) {
            List<String> keys = new ArrayList<>(cells.size());
            for (String c : cells) {
                String k = l.key(c);
                if (k == null) {
                    break;
                }
                keys.add(k);
            }
            if (keys.size() == cells.size()) {
                out.add(new Reading(l.name(), keys));
            }
        }
        if (out.isEmpty()) { /* year first is never ambiguous: a column may mix 2020-01-08 and 20200107 */
            List<String> keys = new ArrayList<>(cells.size());
            for (String c : cells) {
                String k = null;
                for (int l = 0; l < YEAR_FIRST && k == null; l++) {
                    k = LAYOUTS.get(l).key(c);
                }
                if (k == null) {
                    return out;
                }
                keys.add(k);
            }
            out.add(new Reading("year first (mixed layouts)", keys));
        }
        return out;
    }

    /**
     * The calendar days of date cells in ascending order (times of day dropped), or null where they are not all dates
     * in one layout that ascends: the reading a file's date column was sorted by.
     */
    static List<LocalDate> days(List<String> cells) {
        List<java.time.LocalDateTime> times = times(cells);
        if (times == null) {
            return null;
        }
        List<LocalDate> out = new ArrayList<>(times.size());
        times.forEach(t -> out.add(t.toLocalDate()));
        return out;
    }

    /**
     * As {@link #days}, with each cell's time of day where it gives one as hours and minutes (midnight where it does
     * not): the instants of an intraday series, in the zone it was written in. Null as there.
     */
    static List<java.time.LocalDateTime> times(List<String> cells) {
        for (Reading r : readings(cells)) {
            List<String> keys = r.keys();
            boolean ascending = true;
            for (int t = 1; t < keys.size() && ascending; t++) {
                ascending = keys.get(t).compareTo(keys.get(t - 1)) >= 0;
            }
            if (ascending) {
                List<java.time.LocalDateTime> out = new ArrayList<>(keys.size());
                for (String k : keys) {
                    LocalDate day = LocalDate.of(Integer.parseInt(k.substring(0, 4)),
                            Integer.parseInt(k.substring(4, 6)), Integer.parseInt(k.substring(6, 8)));
                    Matcher clock = KEYED_CLOCK.matcher(k.substring(9));
                    out.add(clock.lookingAt() ? day.atTime(Integer.parseInt(clock.group(1)) % 24,
                            Integer.parseInt(clock.group(2)), Integer.parseInt(clock.group(3)) % 60)
                            : day.atStartOfDay());
                }
                return out;
            }
        }
        return null;
    }

    /** A time of day as {@link #timeKey} writes it: HH:MM:SS, then whatever followed (a zone, fractions). */
    private static final Pattern KEYED_CLOCK = Pattern.compile("(\\d{2}):(\\d{2}):(\\d{2})");

    /**
     * Where dates written two ways part (2020-01-02 then 01/03/2020; 13/02/2020 then 02/25/2020): the first cell that
     * the layout reading the most cells from the top cannot read (year-first layouts count as one, as
     * {@link #readings} lets them mix). At least 1; the size when one layout reads every cell.
     */
    static int firstOutOfLayout(List<String> cells) {
        int best = 0;
        for (int l = -1; l < LAYOUTS.size(); l++) { /* −1: the year-first layouts together */
            int t = 0;
            while (t < cells.size() && readsCell(l, cells.get(t))) {
                t++;
            }
            best = Math.max(best, t);
        }
        return Math.max(1, best);
    }

    private static boolean readsCell(int layout, String cell) {
        if (layout >= 0) {
            return LAYOUTS.get(layout).key(cell) != null;
        }
        for (int l = 0; l < YEAR_FIRST; l++) {
            if (LAYOUTS.get(l).key(cell) != null) {
                return true;
            }
        }
        return false;
    }

    /** The first layouts of {@link #LAYOUTS}, which put the year first. */
    private static final int YEAR_FIRST = 3;

    /** +1 when the keys strictly ascend, −1 when they strictly descend, 0 otherwise (or fewer than two). */
    static int direction(List<String> keys) {
        boolean up = true;
        boolean down = true;
        for (int t = 1; t < keys.size(); t++) {
            int c = keys.get(t).compareTo(keys.get(t - 1));
            up &= c > 0;
            down &= c < 0;
        }
        return keys.size() < 2 ? 0 : up ? 1 : down ? -1 : 0;
    }
}

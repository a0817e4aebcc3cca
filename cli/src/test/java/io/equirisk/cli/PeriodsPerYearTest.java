package io.equirisk.cli;

import org.junit.jupiter.api.Test;

import java.time.DayOfWeek;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Periods per year from the dates' spacing: the annualisation a demanding user checks first. */
class PeriodsPerYearTest {

    private static List<String> dates(LocalDate from, int count, java.util.function.UnaryOperator<LocalDate> next) {
        List<String> out = new ArrayList<>();
        LocalDate d = from;
        for (int t = 0; t < count; t++) {
            out.add(d.toString());
            d = next.apply(d);
        }
        return out;
    }

    private static LocalDate nextWeekday(LocalDate d) {
        LocalDate n = d.plusDays(1);
        while (n.getDayOfWeek() == DayOfWeek.SATURDAY || n.getDayOfWeek() == DayOfWeek.SUNDAY) {
            n = n.plusDays(1);
        }
        return n;
    }

    @Test
    void theDatesSayHowOften() {
        LocalDate start = LocalDate.of(2020, 1, 6);
        assertEquals(252, PeriodsPerYear.of(null, dates(start, 100, PeriodsPerYearTest::nextWeekday)).value(),
                "weekdays over less than half a year: not enough to tell filled holidays from a calendar without any");
        PeriodsPerYear filled = PeriodsPerYear.of(null, dates(start, 800, PeriodsPerYearTest::nextWeekday));
        assertEquals(261, filled.value(), "every weekday for three years: holidays filled, 261 a year");
        assertEquals("261 periods/year, daily dates, every weekday (holidays kept)", filled.describe());
        for (int rows : new int[] {252, 261, 262, 300}) { /* a review: 252, 252, 261, 262 from these before */
            assertEquals(261, PeriodsPerYear.of(null, dates(start, rows, PeriodsPerYearTest::nextWeekday)).value(),
                    rows + " weekdays");
        }
        List<String> gappy = dates(start, 800, PeriodsPerYearTest::nextWeekday); /* a few blank prices dropped */
        gappy.removeAll(List.of("2021-03-15", "2021-06-15"));
        assertEquals(261, PeriodsPerYear.of(null, gappy).value(), "99% of the weekdays: " + gappy.size());
        List<String> nyse = dates(start, 800, PeriodsPerYearTest::nextWeekday); /* about 9 holidays a year */
        nyse.removeIf(s -> s.endsWith("-01-01") || s.endsWith("-12-25") || s.endsWith("-07-04")
                || s.endsWith("-01-20") || s.endsWith("-02-17") || s.endsWith("-05-26") || s.endsWith("-09-01")
                || s.endsWith("-11-27") || s.endsWith("-04-10"));
        assertEquals(252, PeriodsPerYear.of(null, nyse).value(), "an exchange calendar: " + nyse.size());
        assertEquals(365, PeriodsPerYear.of(null, dates(start, 300, d -> d.plusDays(1))).value(), "every day");
        assertEquals(52, PeriodsPerYear.of(null, dates(start, 100, d -> d.plusWeeks(1))).value());
        assertEquals(12, PeriodsPerYear.of(null, dates(LocalDate.of(2000, 1, 31), 120, d -> d.plusMonths(1)
                .withDayOfMonth(d.plusMonths(1).lengthOfMonth()))).value(), "month ends");
        assertEquals(4, PeriodsPerYear.of(null, dates(start, 40, d -> d.plusMonths(3))).value());
        assertEquals(1, PeriodsPerYear.of(null, dates(start, 20, d -> d.plusYears(1))).value());
        // a trading calendar with holidays is still daily: most gaps are one day
        List<String> holidays = dates(start, 300, PeriodsPerYearTest::nextWeekday);
        holidays.removeIf(s -> s.endsWith("-01") || s.endsWith("-25"));
        assertEquals(252, PeriodsPerYear.of(null, holidays).value());
        // a six-day week for a fifth of the span, then every weekday (as the Fama-French daily files): their rate
        List<String> saturdays = dates(LocalDate.of(1948, 1, 5), 300, d -> d.plusDays(d.getDayOfWeek()
                == DayOfWeek.SATURDAY ? 2 : 1));
        LocalDate after = LocalDate.parse(saturdays.getLast());
        saturdays.addAll(dates(nextWeekday(after), 1200, PeriodsPerYearTest::nextWeekday));
        PeriodsPerYear mixedWeek = PeriodsPerYear.of(null, saturdays);
        /* 300 dates at 6 a week (313 a year), then 1200 at 261 a year: 1500 dates over 5.6 years */
        assertTrue(mixedWeek.value() >= 265 && mixedWeek.value() <= 272, mixedWeek.describe());
        assertTrue(mixedWeek.how().contains("of them on weekends"), mixedWeek.describe());
        // other layouts of the same dates
        assertEquals(12, PeriodsPerYear.of(null, List.of("20200131", "20200228", "20200331", "20200430")).value());
        assertEquals(52, PeriodsPerYear.of(null, List.of("01/06/2020", "01/13/2020", "01/20/2020", "01/27/2020"))
                .value());
    }

    @Test
    void givenWinsAndNoDatesAssume252() {
        assertEquals(new PeriodsPerYear(12, "given"), PeriodsPerYear.of(12, List.of("2020-01-01", "2020-01-02")));
        PeriodsPerYear none = PeriodsPerYear.of(null, null);
        assertEquals(252, none.value());
        assertEquals("252 periods/year, assumed: no calendar dates to read it from", none.describe());
        assertEquals(252, PeriodsPerYear.of(null, List.of("r1", "r2", "r3", "r4")).value(), "labels, not dates");
        PeriodsPerYear morning = PeriodsPerYear.of(null, List.of("2020-01-02 09:30", "2020-01-02 10:30",
                "2020-01-02 11:30", "2020-01-02 12:30"));
        assertEquals(252, morning.value(), "a morning's bars: too short to count");
        assertTrue(morning.how().contains("give --periods-per-year"), morning.how());
    }

    private static List<String> bars(java.time.LocalDateTime from, int count,
                                     java.util.function.UnaryOperator<java.time.LocalDateTime> next) {
        List<String> out = new ArrayList<>();
        java.time.LocalDateTime t = from;
        for (int k = 0; k < count; k++) {
            out.add(t.toString().replace('T', ' '));
            t = next.apply(t);
        }
        return out;
    }

    /**
     * Bars within a day count at their own rate over a span of four weeks or more (a review: hourly crypto was
     * annualised by 252, its volatility 6× low): a market open every hour 24 × 365.25 a year, every 4 hours a sixth of
     * that, and a 9:30–16:00 session's hourly bars about 7 per weekday.
     */
    @Test
    void intradayBarsCountAtTheirOwnRate() {
        java.time.LocalDateTime start = java.time.LocalDateTime.of(2022, 1, 1, 0, 0);
        PeriodsPerYear hourly = PeriodsPerYear.of(null, bars(start, 60 * 24, t -> t.plusHours(1)));
        assertEquals(8766, hourly.value(), hourly.describe());
        assertEquals("8766 periods/year, intraday times a median 1 h apart, 8766 a year over their span",
                hourly.describe());
        assertEquals(2192, PeriodsPerYear.of(null, bars(start, 6 * 90, t -> t.plusHours(4))).value(), "4-hourly");
        /* two a day: day gaps of 0 and 1, a median of 1, read as daily before (a review) */
        assertEquals(731, PeriodsPerYear.of(null, bars(start, 2 * 200, t -> t.plusHours(12))).value(), "12-hourly");
        assertEquals(731, PeriodsPerYear.of(null, bars(start.plusHours(12), 2 * 200, t -> t.plusHours(12)))
                .value(), "12-hourly from noon");
        java.util.function.UnaryOperator<java.time.LocalDateTime> session = t -> { /* 09:30, 10:30, … 15:30 */
            java.time.LocalDateTime n = t.plusHours(1);
            if (n.getHour() < 16) {
                return n;
            }
            LocalDate d = nextWeekday(t.toLocalDate());
            return d.atTime(9, 30);
        };
        int perYear = PeriodsPerYear.of(null, bars(java.time.LocalDateTime.of(2020, 1, 6, 9, 30), 7 * 130,
                session)).value();
        /* over half a year the span misses the last weekend, 2.75 of 182 days: 1.4% above 7 × 261 */
        assertTrue(Math.abs(perYear - 7 * 261) <= 0.02 * 7 * 261, "7 bars on each weekday: " + perYear);
        assertEquals(105192, PeriodsPerYear.of(null, bars(start, 12 * 24 * 30, t -> t.plusMinutes(5))).value(),
                "5-minute bars of a market never shut: 12 × 24 × 365.25");
    }

    /**
     * Spacings with no name: the dates' count over their span, to the nearest whole count (not down); regular
     * spacings give 365.25/gap, and weekday samplings their own rate, not 365.25 over the median gap (every other
     * weekday is 2 or 4 days apart, a median of 2: read as 183 a year, not ~130).
     */
    @Test
    void otherSpacingsRoundToTheNearestCount() {
        LocalDate start = LocalDate.of(2020, 1, 6);
        java.util.function.UnaryOperator<LocalDate> otherWeekday = d -> nextWeekday(nextWeekday(d));
        assertEquals(131, PeriodsPerYear.of(null, dates(start, 500, otherWeekday)).value(),
                "every other weekday: 499 gaps over 1396 days, 130.6");
        java.util.function.UnaryOperator<LocalDate> monWedFri = d -> d.plusDays(d.getDayOfWeek().getValue() == 5
                ? 3 : 2);
        assertEquals(157, PeriodsPerYear.of(null, dates(start, 500, monWedFri)).value(), "3 × 52.18 weeks");
        assertTrue(PeriodsPerYear.of(null, dates(start, 500, monWedFri)).how().contains("a median 2 days apart, 157 "
                + "a year over their span"));
        assertEquals(37, PeriodsPerYear.of(null, dates(start, 40, d -> d.plusDays(10))).value(), "365.25/10 = 36.525");
        assertEquals(122, PeriodsPerYear.of(null, dates(start, 40, d -> d.plusDays(3))).value(), "365.25/3 = 121.75");
        assertEquals(26, PeriodsPerYear.of(null, dates(start, 40, d -> d.plusDays(14))).value(), "fortnightly");
    }

    /**
     * A short weekday-only daily history is trading days: with 3–9 dates the weekend share's integer threshold was 0,
     * so it read as calendar-daily and volatilities were annualised with √365 instead of √252 (20% too high).
     */
    @Test
    void shortWeekdayHistoryIsTradingDays() {
        LocalDate monday = LocalDate.of(2020, 1, 6);
        for (int count = 3; count <= 12; count++) {
            assertEquals(252, PeriodsPerYear.of(null, dates(monday, count, PeriodsPerYearTest::nextWeekday)).value(),
                    count + " weekday dates");
        }
    }
}

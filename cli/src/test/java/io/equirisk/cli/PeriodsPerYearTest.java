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
        assertEquals(252, PeriodsPerYear.of(null, List.of("2020-01-02 09:30", "2020-01-02 10:30",
                "2020-01-02 11:30", "2020-01-02 12:30")).value(), "intraday: not guessed");
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

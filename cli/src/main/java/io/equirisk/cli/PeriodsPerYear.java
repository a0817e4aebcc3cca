package io.equirisk.cli;

import io.equirisk.cli.io.SeriesCsv;

import java.time.DayOfWeek;
import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.List;

/**
 * How many return periods make a year, to annualise volatilities: as given, or read from the spacing of the dates.
 * Always 252 before, whatever the data: monthly returns' volatilities came out √21 too large (72% for the
 * Fama-French industries, 16% in truth), and a crypto market open every day was annualised as if it closed at
 * weekends, so `--vol-target` leverage was off by the same factors.
 *
 * @param value the periods per year
 * @param how   how it was chosen, for the report ("given", "daily dates, weekends included", …)
 */
record PeriodsPerYear(int value, String how) {

    /** The default where nothing says otherwise: trading days. */
    static final int TRADING_DAYS = 252;

    /** Weekdays in a year: 365.25 × 5/7. */
    static final int EVERY_WEEKDAY = 261;

    /** Weekdays from {@code a} to {@code b}, both included. */
    private static long weekdaysBetween(LocalDate a, LocalDate b) {
        long count = 0;
        for (LocalDate d = a; !d.isAfter(b); d = d.plusDays(1)) {
            count += d.getDayOfWeek() == DayOfWeek.SATURDAY || d.getDayOfWeek() == DayOfWeek.SUNDAY ? 0 : 1;
        }
        return count;
    }

    /** {@code given} where set; else from {@code dates}' median spacing; else 252, assumed. */
    static PeriodsPerYear of(Integer given, List<String> dates) {
        if (given != null) {
            return new PeriodsPerYear(given, "given");
        }
        List<LocalDate> days = SeriesCsv.calendarDays(dates);
        if (days == null || days.size() < 3) {
            return new PeriodsPerYear(TRADING_DAYS, "assumed: no calendar dates to read it from");
        }
        boolean repeats = false; /* a day with two dates or more: bars within a day, however few (12-hourly bars
                                    alternate day gaps of 0 and 1, a median of 1: read as daily, a review found) */
        for (int t = 1; t < days.size() && !repeats; t++) {
            repeats = days.get(t).equals(days.get(t - 1));
        }
        if (repeats) {
            PeriodsPerYear intraday = fromTimes(SeriesCsv.calendarTimes(dates));
            return intraday != null ? intraday : new PeriodsPerYear(TRADING_DAYS, SEVERAL_A_DAY);
        }
        return fromDays(days);
    }

    private static final String SEVERAL_A_DAY = "assumed: several returns a day, too few weeks of them to count; give "
            + "--periods-per-year";

    /** The shortest span of intraday times whose rate counts: four weeks, their nights and weekends averaged. */
    static final long INTRADAY_MIN_DAYS = 28;

    /**
     * Bars within a day (hourly, every 4 hours, an exchange's session in minutes): their own rate over their span,
     * which counts the hours a market is shut as the days between weekly dates do (hourly bars of a market open every
     * hour: 8766 a year; of a 6.5-hour session, 7 a weekday: about 7 × 261). Before, 252 was assumed: hourly crypto's volatility came
     * out 6× low, and a vol target's leverage 6× high (a review). Null where the times do not step forward, or span
     * under {@link #INTRADAY_MIN_DAYS} (a morning's bars would count its hours as if the market never shut).
     */
    static PeriodsPerYear fromTimes(List<java.time.LocalDateTime> times) {
        if (times == null || times.size() < 3) {
            return null;
        }
        long[] steps = new long[times.size() - 1];
        for (int t = 1; t < times.size(); t++) {
            steps[t - 1] = ChronoUnit.SECONDS.between(times.get(t - 1), times.get(t));
        }
        long span = ChronoUnit.SECONDS.between(times.getFirst(), times.getLast());
        Arrays.sort(steps);
        long median = steps[steps.length / 2];
        if (median <= 0 || span < INTRADAY_MIN_DAYS * 86_400) {
            return null;
        }
        int n = (int) Math.max(1, Math.round((times.size() - 1) * 365.25 * 86_400 / span));
        String step = median % 3600 == 0 ? median / 3600 + " h" : median % 60 == 0 ? median / 60 + " min"
                : median + " s";
        return new PeriodsPerYear(n, "intraday times a median " + step + " apart, " + n + " a year over their span");
    }

    /** The median gap between consecutive dates names the frequency; daily dates say by their weekends which. */
    static PeriodsPerYear fromDays(List<LocalDate> days) {
        long[] gaps = new long[days.size() - 1];
        int weekend = 0;
        for (int t = 0; t < days.size(); t++) {
            if (t > 0) {
                gaps[t - 1] = ChronoUnit.DAYS.between(days.get(t - 1), days.get(t));
            }
            DayOfWeek d = days.get(t).getDayOfWeek();
            weekend += d == DayOfWeek.SATURDAY || d == DayOfWeek.SUNDAY ? 1 : 0;
        }
        Arrays.sort(gaps);
        long median = gaps[gaps.length / 2];
        if (median == 0) {
            return new PeriodsPerYear(TRADING_DAYS, SEVERAL_A_DAY);
        }
        if (median == 1) {
            /* a tenth of the dates on weekends; weekend > 0 as well, or with under 10 dates the integer tenth is 0
               and a week of weekday dates read as 365 a year (a review's find) */
            if (weekend > 0 && weekend * 10 >= days.size()) {
                return new PeriodsPerYear(365, "daily dates, weekends included");
            }
            /* every weekday, holidays kept (index files filled forward: 261 a year, not 252; a review found returns
               3.6% and volatilities 1.8% low): 99% of the weekdays of the span present, over half a year at least,
               where every exchange closes on 3 or more of its ~126 weekdays (97.6%); the rate itself is not used,
               as over a short span it is noisy (a review: 262 or 263 from a year of weekdays) */
            long span = ChronoUnit.DAYS.between(days.getFirst(), days.getLast());
            if (weekend > 0) {
                /* some weekend dates, too few for a market open every day: a six-day week in part of the span (the
                   Fama-French daily files trade Saturdays until 1952, then weekdays without holidays: "every
                   weekday" described neither, a review) or a few weekend sessions; their rate over the span */
                int n = (int) Math.round((days.size() - 1) * 365.25 / span);
                return new PeriodsPerYear(n, "daily dates, " + weekend + " of them on weekends, " + n + " a year "
                        + "over their span");
            }
            long weekdays = weekdaysBetween(days.getFirst(), days.getLast());
            if (span >= 182 && days.size() >= 0.99 * weekdays) {
                return new PeriodsPerYear(EVERY_WEEKDAY, "daily dates, every weekday (holidays kept)");
            }
            return new PeriodsPerYear(TRADING_DAYS, "daily dates, trading days");
        }
        if (median >= 5 && median <= 9) {
            return new PeriodsPerYear(52, "weekly dates");
        }
        if (median >= 27 && median <= 33) {
            return new PeriodsPerYear(12, "monthly dates");
        }
        if (median >= 85 && median <= 95) {
            return new PeriodsPerYear(4, "quarterly dates");
        }
        if (median >= 360 && median <= 370) {
            return new PeriodsPerYear(1, "annual dates");
        }
        /* no named frequency (every other trading day, Mon/Wed/Fri, twice a week): the dates' own rate over their
           span, since 365.25 / median gap ignored the weekends they skip (every other trading day read as 183 a year,
           not 126: volatilities 21% high, a review found) */
        long span = ChronoUnit.DAYS.between(days.getFirst(), days.getLast());
        int n = (int) Math.max(1, Math.round((days.size() - 1) * 365.25 / span));
        return new PeriodsPerYear(n, "dates a median " + median + " days apart, " + n + " a year over their span");
    }

    /** "252 periods/year, daily dates, trading days". */
    String describe() {
        return value + " periods/year, " + how;
    }
}

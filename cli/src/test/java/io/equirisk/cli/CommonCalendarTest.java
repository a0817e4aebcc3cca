package io.equirisk.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code --calendar common}: crypto (every day) beside equities (weekdays) in one prices file. Returns run between
 * the dates on which every asset has a price, as if the file held only those dates, which is what the test writes
 * to compare with; the default drops every Monday (the equities' Sunday has no price), and says so.
 */
class CommonCalendarTest {
    @TempDir
    Path dir;

    /** 200 calendar days from a Friday: BTC and ETH every day, SPY and TLT on weekdays only (or with weekdaysOnly). */
    private Path mixed(String name, boolean weekdaysOnly) {
        java.util.Random rnd = new java.util.Random(21);
        double[] p = {30000, 2000, 400, 140};
        StringBuilder sb = new StringBuilder("date,BTC,ETH,SPY,TLT\n");
        java.time.LocalDate d = java.time.LocalDate.of(2021, 1, 1);
        for (int t = 0; t < 200; t++, d = d.plusDays(1)) {
            boolean weekend = d.getDayOfWeek().getValue() >= 6;
            for (int j = 0; j < 4; j++) {
                if (j < 2 || !weekend) { /* equities do not move while closed */
                    p[j] *= Math.exp((j < 2 ? 0.03 : 0.01) * rnd.nextGaussian());
                }
            }
            if (weekend && weekdaysOnly) {
                continue;
            }
            sb.append(d);
            for (int j = 0; j < 4; j++) {
                sb.append(',').append(j >= 2 && weekend ? "" : Double.toString(p[j]));
            }
            sb.append('\n');
        }
        return Cli.write(dir, name, sb.toString());
    }

    @Test
    void returnsRunBetweenTheDatesEveryAssetHasAPrice() {
        Path file = mixed("mixed.csv", false);
        Path weekdays = mixed("weekdays.csv", true);
        Cli.Result each = Cli.run("solve", "--prices", file.toString(), "--format", "json");
        assertEquals(0, each.code(), each.toString());
        assertTrue(each.err().contains("28 more returns run between the 141 of these dates on which every asset has "
                + "a price (another market's weekends or holidays between them?): --calendar common"), each.err());
        Cli.Result window = Cli.run("solve", "--prices", file.toString(), "--window", "70");
        assertTrue(window.err().contains("more returns run between the 50 of these dates"), "counted in the window: "
                + window.err());
        Cli.Result common = Cli.run("solve", "--prices", file.toString(), "--calendar", "common", "--format", "csv");
        assertEquals(0, common.code(), common.toString());
        assertTrue(common.err().contains("--calendar common: 142 of 200 dates have a price for every asset"),
                common.err());
        Cli.Result byHand = Cli.run("solve", "--prices", weekdays.toString(), "--format", "csv");
        assertEquals(byHand.out(), common.out(), "as the file of the common dates alone, to the bit");
        Cli.Result cov = Cli.run("cov", "--prices", file.toString(), "--calendar", "common");
        Cli.Result covByHand = Cli.run("cov", "--prices", weekdays.toString());
        assertEquals(covByHand.out(), cov.out());
    }

    /** The common dates' note names the latest listing that cut them, and a return spanning a gap in the data. */
    @Test
    void theNoteNamesTheLatestListingAndTheLongestReturn() {
        StringBuilder sb = new StringBuilder("date,A,B,C\n");
        java.util.Random rnd = new java.util.Random(3);
        java.time.LocalDate d = java.time.LocalDate.of(2021, 1, 1);
        for (int t = 0; t < 120; t++, d = d.plusDays(1)) {
            sb.append(d).append(',').append(100 + rnd.nextGaussian()).append(',')
                    .append(t >= 60 && t < 76 ? "" : Double.toString(50 + rnd.nextGaussian())).append(',')
                    .append(t < 30 ? "" : Double.toString(20 + rnd.nextGaussian())).append('\n');
        }
        Cli.Result r = Cli.run("solve", "--prices", Cli.write(dir, "late.csv", sb.toString()).toString(),
                "--calendar", "common");
        assertEquals(0, r.code(), r.toString());
        assertTrue(r.err().contains("74 of 120 dates have a price for every asset; the returns run between them; the "
                + "latest first price is C's, on 2021-01-31 (leave such an asset out to keep more dates); the longest "
                + "return spans 17 days, 2021-03-01 … 2021-03-18"), r.err());
        /* the default's hint for common says so too: that return is a gap, not a weekend */
        Cli.Result each = Cli.run("solve", "--prices", dir.resolve("late.csv").toString());
        assertTrue(each.err().contains("--calendar common, though the longest return spans 17 days"), each.err());
    }

    /**
     * Where the dates count 365 a year but SPY and TLT have no weekend prices, their volatilities are annualised as
     * if they traded every day: said, in solve, scenarios, rolling and cov (a review: SPY 18.6% beside crypto, 15.7%
     * on its own calendar); not with --calendar common, which puts every asset on one calendar.
     */
    @Test
    void weekdayAssetsAnnualisedByEveryDayAreWarnedOf() {
        String file = mixed("mixed.csv", false).toString();
        String warning = "2 of 4 assets have no weekend returns while others do (SPY, TLT): no one number of periods "
                + "a year annualises both";
        for (List<String> args : List.of(List.of("solve"), List.of("solve", "--missing", "pairwise"),
                List.of("scenarios", "--scenarios", "3"), List.of("rolling", "--window", "60"))) {
            List<String> all = new java.util.ArrayList<>(args);
            all.addAll(List.of("--prices", file));
            Cli.Result r = Cli.run(all.toArray(String[]::new));
            assertEquals(0, r.code(), r.toString());
            assertTrue(r.err().contains(warning) && r.out().contains("365 periods/year"), args + ": " + r);
            all.addAll(List.of("--calendar", "common"));
            Cli.Result common = Cli.run(all.toArray(String[]::new));
            assertTrue(!common.err().contains("no weekend returns") && common.out().contains("261 periods/year"),
                    args + " --calendar common: " + common);
        }
        /* drop-assets says why they are left out: not a listing nor a delisting (a review: "from …, until …") */
        Cli.Result dropped = Cli.run("solve", "--prices", file, "--missing", "drop-assets");
        assertTrue(dropped.err().contains("left out (--missing drop-assets): SPY (no weekend prices), TLT (no weekend "
                + "prices)"), dropped.err());
        /* a number of periods given fits one of the calendars only: still said (a review: 252 put BTC 17% low) */
        Cli.Result given = Cli.run("solve", "--prices", file, "--periods-per-year", "252");
        assertTrue(given.err().contains(warning), given.err());
        Cli.Result toStdout = Cli.run("cov", "--prices", file);
        assertTrue(toStdout.err().contains(warning), "cov, whose matrix solve --cov annualises: " + toStdout.err());
        /* a covariance written to a file says the periods its dates gave, which solve --cov then needs */
        Path cov = dir.resolve("cov.csv");
        Cli.Result written = Cli.run("cov", "--prices", file, "--output", cov.toString());
        assertTrue(written.err().contains("per period: 365 periods/year, daily dates, weekends included, which "
                + "'solve --cov' needs as --periods-per-year"), written.err());
        Cli.Result target = Cli.run("solve", "--cov", cov.toString(), "--vol-target", "0.1");
        assertTrue(target.code() == Main.EXIT_USAGE && target.err().contains("365 for a market open every day"),
                target.toString());
    }

    /**
     * An every-weekday file is annualised by 261 in rolling too, also when a few blank prices drop dates from the
     * windows: the held portfolio runs on every date, so the file's calendar decides (it had read 252 from the
     * complete dates, a review found).
     */
    @Test
    void rollingAnnualisesByTheFilesCalendarNotTheCompleteDates() throws Exception {
        List<String> lines = new java.util.ArrayList<>(java.nio.file.Files.readAllLines(mixed("weekdays.csv", true)));
        for (int t : new int[] {20, 45, 70, 95}) { /* a blank SPY price on four dates */
            String[] c = lines.get(t).split(",", -1);
            c[3] = "";
            lines.set(t, String.join(",", c));
        }
        Path gappy = Cli.write(dir, "gappy.csv", String.join("\n", lines) + "\n");
        Cli.Result r = Cli.run("rolling", "--prices", gappy.toString(), "--window", "30", "--step", "10");
        assertEquals(0, r.code(), r.toString());
        assertTrue(r.out().contains("(261 periods/year, daily dates, every weekday (holidays kept))"), r.out());
        /* solve's window of 30 returns is too short to tell: the file's calendar says */
        Cli.Result solve = Cli.run("solve", "--prices", gappy.toString(), "--window", "30");
        assertTrue(solve.out().contains("(261 periods/year, daily dates, every weekday (holidays kept))"),
                solve.out());
    }

    @Test
    void itAppliesToPricesWithTheCompleteUniverseOnly() {
        Path file = mixed("mixed.csv", false);
        Path returns = Cli.write(dir, "r.csv", "date,A,B\n2021-01-04,0.01,0.02\n2021-01-05,-0.01,0.01\n"
                + "2021-01-06,0.02,-0.02\n");
        Cli.Result r = Cli.run("solve", "--returns", returns.toString(), "--calendar", "common");
        assertEquals(Main.EXIT_USAGE, r.code(), r.toString());
        assertTrue(r.err().contains("--calendar applies to --prices"), r.err());
        Cli.Result w = Cli.run("rolling", "--prices", file.toString(), "--window", "30", "--universe", "window",
                "--calendar", "common");
        assertEquals(Main.EXIT_USAGE, w.code(), w.toString());
        assertTrue(w.err().contains("use it with --universe complete"), w.err());
        Cli.Result never = Cli.run("rolling", "--prices", file.toString(), "--window", "30", "--step", "10",
                "--universe", "window");
        assertEquals(0, never.code(), never.toString());
        assertTrue(never.err().contains("2 of 4 assets are in no window (in none of the windows of 30 returns has "
                + "each a return on every date): SPY, TLT; they have no weekend prices and others do: a weekday "
                + "market beside one open every day needs --universe complete --calendar common"), never.err());
        Path late = Cli.write(dir, "late.csv", "date,A,B\n" + java.util.stream.IntStream.range(0, 80).mapToObj(t ->
                java.time.LocalDate.of(2021, 1, 1).plusDays(t) + "," + (100 + Math.sin(t)) + ","
                + (t < 60 ? "" : Double.toString(50 + Math.cos(t)))).collect(java.util.stream.Collectors.joining("\n")));
        Cli.Result listing = Cli.run("rolling", "--prices", late.toString(), "--window", "30", "--universe",
                "window");
        assertTrue(listing.err().contains("1 of 2 assets are in no window") && !listing.err().contains(
                "--calendar"), "a late listing is not a calendar matter: " + listing.err());
        Cli.Result rolling = Cli.run("rolling", "--prices", file.toString(), "--window", "30", "--step", "10",
                "--calendar", "common");
        assertEquals(0, rolling.code(), rolling.toString());
        assertTrue(rolling.out().contains("261 periods/year, daily dates, every weekday"), "the common dates are "
                + "the weekdays (this file's have no holidays): " + rolling.out());
        Cli.Result bad = Cli.run("solve", "--prices", file.toString(), "--calendar", "union");
        assertEquals(Main.EXIT_USAGE, bad.code(), bad.toString());
        assertTrue(bad.err().contains("--calendar must be each or common, got 'union'"), bad.err());
    }
}

package io.equirisk.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A price carried forward after its asset stopped trading, or rounded so coarsely that most days do not move it,
 * looks less volatile than it is, and risk parity gives it the most weight (a review: LUNA carried forward for 448
 * days took 73% of a crypto book): the commands warn, naming the asset and the date its price last moved.
 */
class StalePriceTest {
    @TempDir
    Path dir;

    /** 300 daily prices of A…E; C frozen over the last {@code frozen} dates, D rounded to {@code tick}. */
    private Path prices(int frozen, double tick) {
        java.util.Random rnd = new java.util.Random(5);
        double[] p = {100, 50, 20, 1.0, 70};
        StringBuilder sb = new StringBuilder("date,A,B,C,D,E\n");
        java.time.LocalDate d = java.time.LocalDate.of(2022, 1, 1);
        for (int t = 0; t < 300; t++, d = d.plusDays(1)) {
            sb.append(d);
            for (int j = 0; j < 5; j++) {
                if (!(j == 2 && t >= 300 - frozen)) {
                    p[j] *= Math.exp(0.02 * rnd.nextGaussian());
                }
                double v = j == 3 && tick > 0 ? Math.max(tick, Math.round(p[j] / tick) * tick) : p[j];
                sb.append(',').append(v);
            }
            sb.append('\n');
        }
        return Cli.write(dir, "p" + frozen + "-" + tick + ".csv", sb.toString());
    }

    @Test
    void aFrozenOrCoarselyRoundedPriceIsNamed() {
        Cli.Result stale = Cli.run("solve", "--prices", prices(40, 0).toString());
        assertEquals(0, stale.code(), stale.toString());
        assertTrue(stale.err().contains("warning: a stale price looks less volatile than it is")
                && stale.err().contains("C (the last 40 of its 299 returns are 0: unchanged since 2022-09-17)"),
                stale.err());
        assertFalse(stale.err().contains(" D ("), stale.err());
        /* D at 1.0 rounded to 0.05: a 2% daily move is mostly within a tick */
        Cli.Result rounded = Cli.run("rolling", "--prices", prices(0, 0.05).toString(), "--window", "100");
        assertEquals(0, rounded.code(), rounded.toString());
        assertTrue(rounded.err().contains("warning: a price rounded to coarse steps moves by whole steps or not at all, "
                + "which overstates its volatility") && rounded.err().matches("(?s).*D \\(\\d+ of its 299 returns are "
                + "0, and it moves \\d\\.\\d% or more when it moves\\).*"), rounded.err());
        Cli.Result clean = Cli.run("solve", "--prices", prices(5, 0).toString());
        assertFalse(clean.err().contains("stale"), "five flat days are not a stale price: " + clean.err());
        /* in rolling, only the assets some window holds: one listed for the last 40 dates (frozen for 15 of them)
           is in no window of 100, and has weight 0 throughout (a review: warned of all the same) */
        StringBuilder late = new StringBuilder("date,A,B,LATE\n");
        java.util.Random r = new java.util.Random(4);
        double[] p = {100, 50, 20};
        java.time.LocalDate day = java.time.LocalDate.of(2022, 1, 1);
        for (int t = 0; t < 300; t++, day = day.plusDays(1)) {
            for (int j = 0; j < 3; j++) {
                p[j] *= j == 2 && t >= 285 ? 1 : Math.exp(0.02 * r.nextGaussian());
            }
            late.append(day).append(',').append(p[0]).append(',').append(p[1]).append(',')
                    .append(t >= 260 ? Double.toString(p[2]) : "").append('\n');
        }
        Path lateFile = Cli.write(dir, "late.csv", late.toString());
        Cli.Result windows = Cli.run("rolling", "--prices", lateFile.toString(), "--window", "100", "--universe",
                "window");
        assertEquals(0, windows.code(), windows.toString());
        assertTrue(windows.err().contains("are in no window") && !windows.err().contains("stale"), windows.err());
        Cli.Result pairwise = Cli.run("solve", "--prices", lateFile.toString(), "--missing", "pairwise");
        assertTrue(pairwise.err().contains("LATE (the last 15 of its 39 returns are 0"), pairwise.err());
        /* a cash-like fund: a cent a day on 90, so many days flat, but its moves are its ticks (a review: BIL) */
        StringBuilder sb = new StringBuilder("date,BILL,EQ\n");
        java.util.Random rnd = new java.util.Random(8);
        double bill = 90;
        double eq = 100;
        java.time.LocalDate d = java.time.LocalDate.of(2022, 1, 3);
        for (int t = 0; t < 300; t++, d = d.plusDays(1)) {
            bill += 0.003 + 0.006 * rnd.nextGaussian();
            eq *= Math.exp(0.01 * rnd.nextGaussian());
            sb.append(d).append(',').append(Math.round(bill * 100) / 100.0).append(',').append(eq).append('\n');
        }
        Cli.Result cash = Cli.run("solve", "--prices", Cli.write(dir, "bill.csv", sb.toString()).toString());
        assertEquals(0, cash.code(), cash.toString());
        assertFalse(cash.err().contains("stale"), cash.err());
    }
}

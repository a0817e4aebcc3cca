package io.equirisk.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code --missing drop-assets}: a ragged history (late listings, delistings, gaps) over a window keeps its dates and
 * leaves out the assets that do not cover them. Checked against the same command on a file written without those
 * columns, which is what a user does by hand without the option.
 */
class DropAssetsTest {
    private static final String[] NAMES = {"OLD", "LATE_IN", "GAPPY", "GONE", "LATE_OUT", "BOND"};
    private static final int DATES = 200;
    private static final int WINDOW = 120;

    @TempDir
    Path dir;

    /**
     * Dated prices: OLD and BOND on every date; LATE_IN lists before the window (row 40), LATE_OUT inside it (row
     * 150), GONE is delisted inside it (after row 160), GAPPY misses one price inside it (row 170). With
     * {@code only}, just those columns.
     */
    private Path prices(String name, List<String> only) {
        java.util.Random rnd = new java.util.Random(11);
        double[] p = {100, 50, 20, 80, 10, 100};
        StringBuilder sb = new StringBuilder("date");
        for (String a : NAMES) {
            if (only == null || only.contains(a)) {
                sb.append(',').append(a);
            }
        }
        sb.append('\n');
        java.time.LocalDate d = java.time.LocalDate.of(2021, 1, 4);
        for (int t = 0; t < DATES; t++, d = d.plusDays(d.getDayOfWeek() == java.time.DayOfWeek.FRIDAY ? 3 : 1)) {
            sb.append(d);
            for (int j = 0; j < NAMES.length; j++) {
                p[j] *= Math.exp(0.004 * (j + 1) * rnd.nextGaussian() + 0.002 * rnd.nextGaussian());
                boolean present = switch (NAMES[j]) {
                    case "LATE_IN" -> t >= 40;
                    case "LATE_OUT" -> t >= 150;
                    case "GONE" -> t <= 160;
                    case "GAPPY" -> t != 170;
                    default -> true;
                };
                if (only == null || only.contains(NAMES[j])) {
                    sb.append(',').append(present ? Double.toString(p[j]) : "");
                }
            }
            sb.append('\n');
        }
        return Cli.write(dir, name, sb.toString());
    }

    private static final List<String> KEPT = List.of("OLD", "LATE_IN", "BOND");

    @Test
    void theAssetsWithoutAReturnOnEveryDateOfTheWindowAreLeftOutAndTheRestSolvedAsIfAlone() {
        Path ragged = prices("ragged.csv", null);
        Path reduced = prices("reduced.csv", KEPT);
        Cli.Result r = Cli.run("solve", "--prices", ragged.toString(), "--window", "" + WINDOW, "--missing",
                "drop-assets", "--format", "csv");
        assertEquals(0, r.code(), r.toString());
        Cli.Result byHand = Cli.run("solve", "--prices", reduced.toString(), "--window", "" + WINDOW, "--format",
                "csv");
        assertEquals(0, byHand.code(), byHand.toString());
        assertEquals(byHand.out(), r.out(), "the same weights as the file without those columns, to the bit");
        assertTrue(r.err().contains("3 of 6 assets lack a return on some of the 120 dates used and are left out "
                + "(--missing drop-assets): GAPPY (gaps), GONE (until 2021-08-16), LATE_OUT (from 2021-08-03)"), r.err());

        Cli.Result json = Cli.run("solve", "--prices", ragged.toString(), "--window", "" + WINDOW, "--missing",
                "drop-assets", "--format", "json");
        @SuppressWarnings("unchecked")
        Map<String, Object> doc = (Map<String, Object>) MiniJson.parse(json.out());
        assertEquals(List.of("GAPPY", "GONE", "LATE_OUT"), doc.get("left_out"));
        assertEquals(3, ((List<?>) doc.get("assets")).size());
        Cli.Result table = Cli.run("solve", "--prices", ragged.toString(), "--window", "" + WINDOW, "--missing",
                "drop-assets");
        assertTrue(table.out().contains("left out:         3 assets without a return on every date used"),
                table.out());
        assertTrue(table.out().contains("× 3 assets (3 of 6 left out: without a return on every date used "
                + "(--missing drop-assets))"), table.out());
    }

    @Test
    void withoutTheOptionTheDatesGoAndTheHintNamesIt() {
        Path ragged = prices("ragged.csv", null);
        Cli.Result r = Cli.run("solve", "--prices", ragged.toString(), "--window", "" + WINDOW);
        assertEquals(0, r.code(), r.toString()); /* on the few dates every asset has a return */
        Cli.Result json = Cli.run("solve", "--prices", ragged.toString(), "--window", "" + WINDOW, "--format", "json");
        @SuppressWarnings("unchecked")
        Map<String, Object> doc = (Map<String, Object>) MiniJson.parse(json.out());
        assertEquals(List.of(), doc.get("left_out"), "nothing is left out under --missing drop");
        assertTrue(r.err().contains("--missing drop-assets"), r.err());
    }

    @Test
    void namedBudgetsOfTheFileAreRescaledOverTheKeptAssets() {
        Path ragged = prices("ragged.csv", null);
        Path reduced = prices("reduced.csv", KEPT);
        Path all = Cli.write(dir, "all.csv", "asset,budget\nOLD,0.2\nLATE_IN,0.1\nGAPPY,0.2\nGONE,0.1\n"
                + "LATE_OUT,0.2\nBOND,0.2\n");
        Path kept = Cli.write(dir, "kept.csv", "asset,budget\nOLD,0.4\nLATE_IN,0.2\nBOND,0.4\n");
        Cli.Result r = Cli.run("solve", "--prices", ragged.toString(), "--window", "" + WINDOW, "--missing",
                "drop-assets", "--budgets", all.toString(), "--format", "csv");
        assertEquals(0, r.code(), r.toString());
        assertTrue(r.err().contains("the assets left out held 50.00% of the risk budget; the 3 kept assets' budgets "
                + "are rescaled to sum to 1"), r.err());
        Cli.Result byHand = Cli.run("solve", "--prices", reduced.toString(), "--window", "" + WINDOW, "--budgets",
                kept.toString(), "--format", "csv");
        assertEquals(0, byHand.code(), byHand.toString());
        List<String> got = r.out().lines().toList();
        List<String> want = byHand.out().lines().toList();
        assertEquals(want.size(), got.size());
        for (int i = 1; i < got.size(); i++) {
            String[] g = got.get(i).split(",");
            String[] w = want.get(i).split(",");
            assertEquals(w[0], g[0]);
            for (int c = 1; c < 3; c++) { /* the rescaled 0.2/0.5 may differ from 0.4 in the last bit */
                double a = Double.parseDouble(g[c]);
                double b = Double.parseDouble(w[c]);
                assertEquals(b, a, 1e-12 * Math.abs(b), "row " + i + " column " + c);
            }
        }
    }

    @Test
    void aBudgetsFileOfTheKeptAssetsOnlyIsTakenAsItIs() {
        Path ragged = prices("ragged.csv", null);
        Path reduced = prices("reduced.csv", KEPT);
        Path kept = Cli.write(dir, "kept.csv", "asset,budget\nOLD,0.5\nLATE_IN,0.3\nBOND,0.2\n");
        Cli.Result r = Cli.run("solve", "--prices", ragged.toString(), "--window", "" + WINDOW, "--missing",
                "drop-assets", "--budgets", kept.toString(), "--format", "csv");
        assertEquals(0, r.code(), r.toString());
        Cli.Result byHand = Cli.run("solve", "--prices", reduced.toString(), "--window", "" + WINDOW, "--budgets",
                kept.toString(), "--format", "csv");
        assertEquals(byHand.out(), r.out());
        Path neither = Cli.write(dir, "neither.csv", "asset,budget\nOLD,0.5\nBOND,0.5\n");
        Cli.Result bad = Cli.run("solve", "--prices", ragged.toString(), "--window", "" + WINDOW, "--missing",
                "drop-assets", "--budgets", neither.toString());
        assertEquals(2, bad.code(), bad.toString());
        assertTrue(bad.err().contains("LATE_IN"), "the error against the file's assets: " + bad.err());
    }

    @Test
    void scenariosNameTheLeftOutAssetsToo() {
        Path ragged = prices("ragged.csv", null);
        Cli.Result r = Cli.run("scenarios", "--prices", ragged.toString(), "--window", "" + WINDOW, "--missing",
                "drop-assets", "--scenarios", "5", "--backend", "cpu", "--format", "json");
        assertEquals(0, r.code(), r.toString());
        @SuppressWarnings("unchecked")
        Map<String, Object> doc = (Map<String, Object>) MiniJson.parse(r.out());
        assertEquals(List.of("GAPPY", "GONE", "LATE_OUT"), doc.get("left_out"));
        assertEquals(KEPT, doc.get("assets"));
        Cli.Result table = Cli.run("scenarios", "--prices", ragged.toString(), "--window", "" + WINDOW, "--missing",
                "drop-assets", "--scenarios", "5", "--backend", "cpu");
        assertTrue(table.out().contains("left out:         3 assets without a return on every date used (--missing "
                + "drop-assets): GAPPY, GONE, LATE_OUT"), table.out());
    }

    @Test
    void budgetsOnlyOnLeftOutAssetsAreRefused() {
        Path ragged = prices("ragged.csv", null);
        Path gone = Cli.write(dir, "gone.csv", "asset,budget\nOLD,0\nLATE_IN,0\nGAPPY,0.5\nGONE,0.5\n"
                + "LATE_OUT,0\nBOND,0\n");
        Cli.Result r = Cli.run("solve", "--prices", ragged.toString(), "--window", "" + WINDOW, "--missing",
                "drop-assets", "--budgets", gone.toString());
        assertEquals(2, r.code(), r.toString());
        assertTrue(r.err().contains("every asset with a positive budget was left out, without a return on every "
                + "date used (--missing drop-assets)"),
                r.err());
    }

    @Test
    void covWritesTheKeptAssetsMatrix() {
        Path ragged = prices("ragged.csv", null);
        Path reduced = prices("reduced.csv", KEPT);
        Cli.Result r = Cli.run("cov", "--prices", ragged.toString(), "--window", "" + WINDOW, "--missing",
                "drop-assets", "--estimator", "ledoit-wolf");
        Cli.Result byHand = Cli.run("cov", "--prices", reduced.toString(), "--window", "" + WINDOW, "--estimator",
                "ledoit-wolf");
        assertEquals(0, r.code(), r.toString());
        assertEquals(byHand.out(), r.out(), "the shrinkage target sees only the kept assets");
    }

    /**
     * A cash line (a constant price) has no variance: refused with the way out named; given budget 0 it is left out
     * of the estimate and the others are solved as if it were not in the file.
     */
    @Test
    void aCashLineWithBudgetZeroIsLeftOut() {
        StringBuilder sb = new StringBuilder("date,A,CASH,B,C\n");
        StringBuilder without = new StringBuilder("date,A,B,C\n");
        java.util.Random rnd = new java.util.Random(8);
        double[] p = {100, 50, 20};
        java.time.LocalDate d = java.time.LocalDate.of(2022, 1, 3);
        for (int t = 0; t < 150; t++, d = d.plusDays(1)) {
            for (int j = 0; j < 3; j++) {
                p[j] *= Math.exp(0.01 * (j + 1) * rnd.nextGaussian());
            }
            sb.append(d).append(',').append(p[0]).append(",1.0,").append(p[1]).append(',').append(p[2]).append('\n');
            without.append(d).append(',').append(p[0]).append(',').append(p[1]).append(',').append(p[2]).append('\n');
        }
        Path withCash = Cli.write(dir, "cash.csv", sb.toString());
        Path noCash = Cli.write(dir, "nocash.csv", without.toString());
        Cli.Result refused = Cli.run("solve", "--prices", withCash.toString());
        assertEquals(2, refused.code(), refused.toString());
        assertTrue(refused.err().contains("asset CASH (#2) has the same return (0.0)") && refused.err().contains(
                "(or give it a budget of 0 with --budgets, which leaves it out)"), refused.err());
        Path budgets = Cli.write(dir, "b.csv", "A,0.5\nCASH,0\nB,0.25\nC,0.25\n");
        Path kept = Cli.write(dir, "k.csv", "A,0.5\nB,0.25\nC,0.25\n");
        Cli.Result r = Cli.run("solve", "--prices", withCash.toString(), "--budgets", budgets.toString(), "--format",
                "csv");
        assertEquals(0, r.code(), r.toString());
        assertTrue(r.err().contains("budget 0 and the same return on every date (no variance: a cash line, a stale "
                + "price), so left out of the estimate: CASH"), r.err());
        Cli.Result byHand = Cli.run("solve", "--prices", noCash.toString(), "--budgets", kept.toString(), "--format",
                "csv");
        assertEquals(byHand.out(), r.out());
        Cli.Result json = Cli.run("solve", "--prices", withCash.toString(), "--budgets", budgets.toString(),
                "--format", "json");
        assertEquals(List.of("CASH"), ((Map<?, ?>) MiniJson.parse(json.out())).get("left_out"));
        for (String universe : List.of("complete", "window")) { /* rolling the same way, both universes */
            Cli.Result rolled = Cli.run("rolling", "--prices", withCash.toString(), "--budgets", budgets.toString(),
                    "--window", "60", "--step", "20", "--universe", universe, "--format", "csv");
            assertEquals(0, rolled.code(), universe + ": " + rolled);
            Cli.Result rolledByHand = Cli.run("rolling", "--prices", noCash.toString(), "--budgets", kept.toString(),
                    "--window", "60", "--step", "20", "--universe", universe, "--format", "csv");
            assertEquals(rolledByHand.out(), rolled.out(), universe);
            Cli.Result rolledJson = Cli.run("rolling", "--prices", withCash.toString(), "--budgets",
                    budgets.toString(), "--window", "60", "--step", "20", "--universe", universe, "--format", "json");
            assertEquals(List.of("CASH"), ((Map<?, ?>) MiniJson.parse(rolledJson.out())).get("left_out"));
        }
    }

    /**
     * A cash line beside a late listing under --missing drop-assets: both left out, whichever form the budgets file
     * takes (every asset, or the kept ones and the cash line); another flat asset with a positive budget is named by
     * its column in the file.
     */
    @Test
    void aCashLineAndALateListingAreLeftOutTogether() {
        StringBuilder sb = new StringBuilder("date,A,CASH,LATE,B,C\n");
        StringBuilder without = new StringBuilder("date,A,B,C\n");
        java.util.Random rnd = new java.util.Random(9);
        double[] p = {100, 70, 50, 20};
        java.time.LocalDate d = java.time.LocalDate.of(2022, 1, 3);
        for (int t = 0; t < 150; t++, d = d.plusDays(1)) {
            for (int j = 0; j < 4; j++) {
                p[j] *= Math.exp(0.01 * (j + 1) * rnd.nextGaussian());
            }
            sb.append(d).append(',').append(p[0]).append(",1.0,").append(t < 100 ? "" : Double.toString(p[1]))
                    .append(',').append(p[2]).append(',').append(p[3]).append('\n');
            without.append(d).append(',').append(p[0]).append(',').append(p[2]).append(',').append(p[3])
                    .append('\n');
        }
        Path file = Cli.write(dir, "cashlate.csv", sb.toString());
        Path reduced = Cli.write(dir, "reduced.csv", without.toString());
        Path kept = Cli.write(dir, "kept.csv", "A,0.5\nB,0.25\nC,0.25\n");
        Cli.Result byHand = Cli.run("solve", "--prices", reduced.toString(), "--budgets", kept.toString(), "--format",
                "csv");
        for (String budgets : List.of("A,0.5\nCASH,0\nLATE,0\nB,0.25\nC,0.25\n", "A,0.5\nCASH,0\nB,0.25\nC,0.25\n",
                "0.5,0,0,0.25,0.25\n")) {
            Path b = Cli.write(dir, "b.csv", budgets);
            Cli.Result r = Cli.run("solve", "--prices", file.toString(), "--missing", "drop-assets", "--budgets",
                    b.toString(), "--format", "csv");
            assertEquals(0, r.code(), budgets + ": " + r);
            assertEquals(byHand.out(), r.out(), budgets);
        }
        /* the cash line moves once, on a date the estimate drops (LATE has no price then): flat where it counts */
        Path blip = Cli.write(dir, "blip.csv", sb.toString().replaceFirst("(?m)^(2022-02-01,[^,]+,)1\\.0,",
                "$11.001,"));
        assertTrue(!sb.toString().equals(sb.toString().replaceFirst("(?m)^(2022-02-01,[^,]+,)1\\.0,", "$11.001,")),
                "the blip is in the file");
        Cli.Result dropped = Cli.run("solve", "--prices", blip.toString(), "--budgets",
                Cli.write(dir, "b1.csv", "A,0.5\nCASH,0\nLATE,0\nB,0.25\nC,0.25\n").toString(), "--format", "json");
        assertEquals(0, dropped.code(), dropped.toString());
        assertEquals(List.of("CASH"), ((Map<?, ?>) MiniJson.parse(dropped.out())).get("left_out"));
        Path flatB = Cli.write(dir, "flatb.csv", /* B's price constant on every date, its name kept */
                sb.toString().replaceAll("(?m)^(\\d[^,]*,[^,]+,[^,]+,[^,]*,)[^,]+,", "$11.5,"));
        Cli.Result named = Cli.run("solve", "--prices", flatB.toString(), "--missing", "drop-assets", "--budgets",
                Cli.write(dir, "b2.csv", "A,0.5\nCASH,0\nLATE,0\nB,0.25\nC,0.25\n").toString());
        assertEquals(2, named.code(), named.toString());
        assertTrue(named.err().contains("asset B (#4) has the same return"), "B is the file's column 4: "
                + named.err());
    }

    @Test
    void noCompleteAssetIsAnErrorNamingTheWayOut() {
        Path staggered = Cli.write(dir, "staggered.csv", "date,A,B\n2021-01-04,1,\n2021-01-05,1.1,\n"
                + "2021-01-06,1.2,2\n2021-01-07,,2.1\n2021-01-08,,2.2\n");
        Cli.Result r = Cli.run("solve", "--prices", staggered.toString(), "--missing", "drop-assets");
        assertEquals(2, r.code(), r.toString());
        assertTrue(r.err().contains("no asset has a return on every one of the 4 dates"), r.err());
        assertTrue(r.err().contains("--missing pairwise"), r.err());
        Cli.Result cov = Cli.run("solve", "--cov", staggered.toString(), "--missing", "drop-assets");
        assertEquals(2, cov.code(), cov.toString());
        assertTrue(cov.err().contains("apply to --prices and --returns"), cov.err());
    }

    /**
     * Why each left-out asset is out, from its returns alone: a listing and a stop by their dates, gaps between
     * present returns beside them (a review: a listing hidden behind its gaps), a weekday market beside one open
     * every day by its weekends and Mondays, its holidays aside, and no weekend reason where the calendar has none.
     */
    @Test
    void theReasonsNameListingsStopsGapsAndWeekdayMarkets() {
        int t = 70;
        java.time.LocalDate start = java.time.LocalDate.of(2021, 1, 1); /* a Friday */
        List<String> days = new java.util.ArrayList<>();
        double[][] r = new double[t][4];
        for (int row = 0; row < t; row++) {
            java.time.LocalDate d = start.plusDays(row);
            days.add(d.toString());
            int dow = d.getDayOfWeek().getValue();
            r[row][0] = row < 20 ? Double.NaN : 0.01;                                  /* listed late */
            r[row][1] = row < 20 || row == 40 || row == 41 ? Double.NaN : 0.01;        /* late, and a gap */
            r[row][2] = dow >= 6 || dow == 1 || row == 46 ? Double.NaN : 0.01;         /* weekdays, a holiday */
            r[row][3] = row > 60 ? Double.NaN : 0.01;                                  /* stopped */
        }
        io.equirisk.data.Returns returns = io.equirisk.data.Returns.of(r, List.of("NEW", "NEWGAP", "SPY", "GONE"),
                days);
        assertEquals(List.of("NEW (from 2021-01-21)", "NEWGAP (from 2021-01-21, gaps)", "SPY (no weekend prices)",
                "GONE (until 2021-03-02)"), CovarianceInput.why(returns, returns.assets()));
        /* the same weekday pattern in a calendar without weekends is no weekday market: its Mondays are gaps */
        List<String> weekdays = new java.util.ArrayList<>();
        List<double[]> rows = new java.util.ArrayList<>();
        for (int row = 0; row < t; row++) {
            if (start.plusDays(row).getDayOfWeek().getValue() <= 5) {
                weekdays.add(days.get(row));
                rows.add(new double[] {r[row][2]});
            }
        }
        io.equirisk.data.Returns plain = io.equirisk.data.Returns.of(rows.toArray(double[][]::new), List.of("SPY"),
                weekdays);
        assertEquals(List.of("SPY (gaps)"), CovarianceInput.why(plain, plain.assets()));
    }
}

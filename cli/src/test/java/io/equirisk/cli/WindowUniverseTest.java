package io.equirisk.cli;

import io.equirisk.data.Returns;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** --universe window: an asset belongs to a window when it has a return on every one of the window's rows. */
class WindowUniverseTest {

    /**
     * 8 rows, window 4, step 1 (windows start at rows 0 … 4). B lacks only row 3, the LAST row of windows 0 and the
     * first row of window 3; C lacks only row 0, the FIRST row of window 0. By hand: B belongs to window 4 only
     * (rows 4–7), C to windows 1 … 4, A to all.
     */
    @Test
    void aReturnMissingOnAWindowsFirstOrLastRowKeepsTheAssetOut() {
        double nan = Double.NaN;
        double[] v = {
            0.01, 0.02, nan,
            -0.01, 0.01, 0.03,
            0.02, -0.02, 0.01,
            0.00, nan, -0.01,
            0.01, 0.01, 0.02,
            -0.02, 0.03, 0.00,
            0.01, -0.01, 0.01,
            0.03, 0.02, -0.02};
        Returns r = Returns.of(8, 3, v, List.of("A", "B", "C"),
                List.of("2020-01-01", "2020-01-02", "2020-01-03", "2020-01-04", "2020-01-05", "2020-01-06",
                        "2020-01-07", "2020-01-08"));
        WindowUniverse u = WindowUniverse.of(r, 4, 1);
        assertEquals(0, u.dropped());
        assertEquals(5, u.members().length);
        boolean[][] want = {
            {true, false, false}, // rows 0–3: B lacks row 3, C lacks row 0
            {true, false, true},  // rows 1–4
            {true, false, true},  // rows 2–5
            {true, false, true},  // rows 3–6: B lacks row 3
            {true, true, true}};  // rows 4–7
        for (int k = 0; k < want.length; k++) {
            assertArrayEquals(want[k], u.members()[k], "members of window " + k);
        }
        assertArrayEquals(new int[] {1, 2, 2, 2, 3}, u.sizes());
        double[] b = u.budgets(new double[] {0.5, 0.3, 0.2});
        assertArrayEquals(new double[] {1, 0, 0}, java.util.Arrays.copyOfRange(b, 0, 3), 0.0, "window 0");
        assertArrayEquals(new double[] {0.5 / 0.7, 0, 0.2 / 0.7}, java.util.Arrays.copyOfRange(b, 3, 6), 1e-15,
                "window 1");
        assertArrayEquals(new double[] {0.5, 0.3, 0.2}, java.util.Arrays.copyOfRange(b, 12, 15), 1e-15, "window 4");
    }

    /**
     * An asset whose returns in a window are all equal (sample) or all 0 (the zero-mean EWMA) is no member there: 6
     * rows, window 3, step 1. B is 0 on rows 1–3 (a stale price): out of window 1 under both rules. C is 0.002 on
     * rows 2–5 (a constant accrual): out of windows 2 and 3 under the sample rule, a member under the EWMA rule.
     */
    @Test
    void aFlatRunLeavesTheAssetOutOfTheWindowsItCovers() {
        double[] v = {
            0.01, 0.02, 0.001,
            -0.01, 0.0, 0.003,
            0.02, 0.0, 0.002,
            0.00, 0.0, 0.002,
            0.01, 0.01, 0.002,
            -0.02, 0.03, 0.002};
        Returns r = Returns.of(6, 3, v, List.of("A", "B", "C"), null);
        WindowUniverse sample = WindowUniverse.of(r, r, 3, 1, false);
        boolean[][] want = {
            {true, true, true},
            {true, false, true},
            {true, true, false},
            {true, true, false}};
        for (int k = 0; k < want.length; k++) {
            assertArrayEquals(want[k], sample.members()[k], "sample: members of window " + k);
            for (int j = 0; j < 3; j++) {
                assertEquals(!want[k][j], sample.flat()[k][j], "sample: flat " + k + "," + j);
            }
        }
        assertEquals(List.of("B (1 window)", "C (2 windows)"), sample.flatAssets());
        WindowUniverse ewma = WindowUniverse.of(r, r, 3, 1, true);
        for (int k = 0; k < want.length; k++) {
            assertArrayEquals(new boolean[] {true, k != 1, true}, ewma.members()[k], "EWMA: members of window " + k);
        }
        assertEquals(List.of("B (1 window)"), ewma.flatAssets());
        assertEquals(true, ewma.anyFlat());
        assertEquals(false, WindowUniverse.of(r.rows(0, 3), 3, 1).anyFlat(), "rows 0–2: nothing flat");
    }
}

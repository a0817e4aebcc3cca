package io.equirisk.cli;

import io.equirisk.data.Returns;

import java.util.ArrayList;
import java.util.List;

/**
 * Rolling windows whose asset set is their own ({@code equirisk rolling --universe window}): asset j belongs to
 * window k when it has a return on every date of the window and they are not all equal (all 0 for the zero-mean
 * EWMA): a stale price, a suspension, a peg that did not move has no risk to budget there, and the estimate would
 * have variance 0. The others get budget 0, so weight 0, and the budgets of the members are rescaled to sum to 1.
 * Dates on which no asset has a return are dropped.
 *
 * <p>The backends need complete numbers, so a missing return is replaced by a filler: ±1e-4 alternating by row. It
 * only ever sits in the column of an asset that is not a member of the windows that contain it, and a non-member
 * is outside the solve's active set (budget 0), so its entries of Σ do not enter any member's weight; the filler
 * only keeps that asset's variance positive, which the engines require of every asset.
 *
 * @param returns  the returns with the fillers (dates on which no asset has one dropped)
 * @param observed the same dates' returns to hold, missing ones NaN: what a held asset earned (the fillers are not
 *                 returns); for prices, a gap's move on the date after it
 * @param dropped  dates dropped because no asset has a return on them
 * @param members  members[k][j]: asset j belongs to window k
 * @param sizes    members per window
 * @param flat     flat[k][j]: asset j has a return on every date of window k, all equal (all 0 with a zero mean),
 *                 so it is not a member; its column there is real returns, not fillers, and has variance 0
 */
record WindowUniverse(Returns returns, Returns observed, int dropped, boolean[][] members, int[] sizes,
                      boolean[][] flat) {

    static final double FILLER = 1e-4;

    static WindowUniverse of(Returns all, int window, int step) {
        return of(all, all, window, step, false);
    }

    /**
     * As {@link #of(Returns, int, int)}, {@code observed} taken from {@code held} (the same rows as {@code all}):
     * what a held asset earns, which for prices spans a gap ({@link Returns#fromPricesCarried}); with
     * {@code zeroMean} (EWMA) a window is flat where its returns are all 0, otherwise where they are all equal.
     */
    static WindowUniverse of(Returns all, Returns held, int window, int step, boolean zeroMean) {
        int n = all.assetCount();
        List<Integer> keep = new ArrayList<>();
        for (int t = 0; t < all.observations(); t++) {
            for (int j = 0; j < n; j++) {
                if (!Double.isNaN(all.get(t, j))) {
                    keep.add(t);
                    break;
                }
            }
        }
        int rows = keep.size();
        double[] values = new double[rows * n];
        double[] observed = new double[rows * n];
        List<String> dates = new ArrayList<>(rows);
        /* missing[(t · n) + j]: missing returns of asset j in rows before t, so a window's count is a difference */
        int[] missing = new int[(rows + 1) * n];
        for (int r = 0; r < rows; r++) {
            int t = keep.get(r);
            dates.add(all.dates().get(t));
            for (int j = 0; j < n; j++) {
                double v = all.get(t, j);
                observed[r * n + j] = held.get(t, j);
                missing[(r + 1) * n + j] = missing[r * n + j];
                if (Double.isNaN(v)) {
                    missing[(r + 1) * n + j]++;
                    v = (r % 2 == 0) ? FILLER : -FILLER;
                }
                values[r * n + j] = v;
            }
        }
        int count = rows < window ? 0 : (rows - window) / step + 1;
        boolean[][] members = new boolean[count][n];
        boolean[][] flat = new boolean[count][n];
        int[] sizes = new int[count];
        /* runStart[t]: where the run of equal (zero-mean: zero) returns ending at row t began; a window is flat when
           the run at its last row began at or before its first row (the rule of the library's FlatWindows) */
        int[] runStart = new int[rows];
        for (int j = 0; j < n; j++) {
            for (int t = 0; t < rows; t++) {
                double v = values[t * n + j];
                double before = t > 0 ? values[(t - 1) * n + j] : Double.NaN;
                boolean continues = t > 0 && (zeroMean ? v == 0.0 && before == 0.0 : v == before);
                runStart[t] = continues ? runStart[t - 1] : (!zeroMean || v == 0.0 ? t : t + 1);
            }
            for (int k = 0; k < count; k++) {
                int from = k * step;
                boolean complete = missing[(from + window) * n + j] == missing[from * n + j];
                flat[k][j] = complete && runStart[from + window - 1] <= from;
                members[k][j] = complete && !flat[k][j];
                if (members[k][j]) {
                    sizes[k]++;
                }
            }
        }
        Returns filled = Returns.of(rows, n, values, all.assets(), dates);
        Returns read = Returns.of(rows, n, observed, all.assets(), dates);
        return new WindowUniverse(filled, read, all.observations() - rows, members, sizes, flat);
    }

    /** Whether some window leaves out an asset for being flat there (its column then has variance 0). */
    boolean anyFlat() {
        for (boolean[] row : flat) {
            for (boolean f : row) {
                if (f) {
                    return true;
                }
            }
        }
        return false;
    }

    /** The assets flat in some window, each with the number of such windows, in column order: "SUSP (4 windows)". */
    List<String> flatAssets() {
        List<String> out = new ArrayList<>();
        for (int j = 0; j < returns.assetCount(); j++) {
            int c = 0;
            for (boolean[] row : flat) {
                c += row[j] ? 1 : 0;
            }
            if (c > 0) {
                out.add(returns.assets().get(j) + " (" + c + (c == 1 ? " window)" : " windows)"));
            }
        }
        return out;
    }

    /** Window k's budgets: the members' shares of {@code budgets}, rescaled to sum to 1; 0 for the others. */
    double[] budgets(double[] budgets) {
        int n = budgets.length;
        double[] out = new double[members.length * n];
        for (int k = 0; k < members.length; k++) {
            double sum = 0;
            for (int j = 0; j < n; j++) {
                if (members[k][j]) {
                    sum += budgets[j];
                }
            }
            for (int j = 0; j < n; j++) {
                out[k * n + j] = members[k][j] && sum > 0 ? budgets[j] / sum : 0.0;
            }
        }
        return out;
    }
}

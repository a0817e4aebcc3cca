package io.equirisk;

import io.equirisk.backend.CovarianceKind;
import io.equirisk.error.ZeroVarianceException;
import io.equirisk.scenario.HistoricalBootstrap;
import io.equirisk.scenario.ScenarioSet;

/**
 * Rejects a bootstrap scenario in which an asset it weighs never moves, naming the scenario and the asset, before
 * any backend sees the set. An asset with runs of one return (a cash accrual, a stale price carried forward) can be
 * drawn only from those runs: its computed variance then rounds to ~1e-40 instead of 0, and the solve, taking it
 * for a riskless asset, gives it all the weight and reports convergence. So the test is on the rows each scenario
 * resamples, exactly, as {@link FlatWindows} does for rolling windows: the sample estimate is flat where every drawn
 * return is equal, the (zero-mean) EWMA estimate where every drawn return is 0.
 *
 * <p>One backward pass per weighed asset over the history gives the last row of the run of equal (or zero) returns
 * from each row; only an asset with a run as long as a scenario's first block can be flat in a scenario, and only
 * those are followed through the scenarios' blocks, which stop at the first block that moves (the second, nearly
 * always). Without such runs, O(T·N); with them, about two block starts per scenario and suspect asset.
 */
final class FlatScenarios {
    private FlatScenarios() {
    }

    static void reject(ScenarioSet set, HistoricalBootstrap history, CovarianceKind kind, double[] budgets) {
        int n = history.size();
        int t = history.historyRows();
        int rows = set.rows();
        int block = history.block();
        boolean shared = budgets.length == n;
        double[] h = history.history();
        int[][] runEnd = new int[n][]; /* null: the asset cannot be flat in any scenario it is weighed in */
        boolean anySuspect = false;
        for (int j = 0; j < n; j++) {
            if (weighedSomewhere(budgets, n, j)) {
                runEnd[j] = suspectRuns(h, n, t, j, Math.min(block, rows), kind);
                anySuspect |= runEnd[j] != null;
            }
        }
        if (!anySuspect) {
            return;
        }
        for (int k = 0; k < set.count(); k++) { /* scenarios in order: the lowest flat one is named */
            for (int j = 0; j < n; j++) {
                if (runEnd[j] != null && (shared ? budgets[j] > 0 : budgets[k * n + j] > 0)
                        && flat(set, history, k, j, runEnd[j], h, n, rows, block)) {
                    throw new ZeroVarianceException(set.describe(k) + ": asset " + history.assets().get(j) + " (#"
                            + (j + 1) + ") has " + (kind == CovarianceKind.SAMPLE ? "the same return on every one"
                            : "a return of 0 (EWMA is zero-mean) on every one") + " of its " + rows + " rows (every "
                            + "block it resampled is one where that asset did not move), so its variance is zero; "
                            + "longer scenarios or longer blocks make that unlikely, a zero budget leaves it out");
                }
            }
        }
    }

    private static boolean weighedSomewhere(double[] budgets, int n, int j) {
        for (int k = j; k < budgets.length; k += n) {
            if (budgets[k] > 0) {
                return true;
            }
        }
        return false;
    }

    /**
     * For each row r, the last row of the run of equal returns (zero returns for EWMA) of asset j that starts at r
     * (r − 1 where EWMA's return at r is not 0); null when no run is as long as {@code firstBlock} rows.
     */
    private static int[] suspectRuns(double[] h, int n, int t, int j, int firstBlock, CovarianceKind kind) {
        int[] end = new int[t];
        boolean longEnough = false;
        for (int r = t - 1; r >= 0; r--) {
            double v = h[r * n + j];
            if (kind == CovarianceKind.EWMA && v != 0.0) {
                end[r] = r - 1;
            } else {
                end[r] = r + 1 < t && h[(r + 1) * n + j] == v ? end[r + 1] : r;
            }
            longEnough |= end[r] - r + 1 >= firstBlock;
        }
        return longEnough ? end : null;
    }

    /** Whether every block of scenario k covers a run of asset j, all at one value. */
    private static boolean flat(ScenarioSet set, HistoricalBootstrap history, int k, int j, int[] runEnd,
                                double[] h, int n, int rows, int block) {
        double value = 0;
        for (int t0 = 0, b = 0; t0 < rows; t0 += block, b++) {
            int start = history.blockStart(set.seed(), set.first() + k, b);
            int len = Math.min(block, rows - t0);
            double v = h[start * n + j];
            if (runEnd[start] < start + len - 1 || (b > 0 && v != value)) {
                return false;
            }
            value = v;
        }
        return true;
    }
}

package io.equirisk;

import io.equirisk.backend.CovarianceKind;
import io.equirisk.backend.ReturnWindows;
import io.equirisk.data.Returns;
import io.equirisk.error.ZeroVarianceException;

/**
 * Rejects rolling windows in which an asset's covariance would have variance 0, naming the window, its dates and
 * the asset, before any backend sees them: a stale price (returns all 0) or a constant accrual (the same return
 * every day). Computed, a constant column's sample variance can round to a tiny positive number instead of 0
 * (the mean of 0.0001 taken ten times is not exactly 0.0001), which the solve would take for a nearly riskless
 * asset and load with weight; so the test is on the returns themselves, exactly. The sample estimate is flat where
 * every return of the window is equal, the (zero-mean) EWMA estimate where every return is 0.
 *
 * <p>One pass per asset over the rows: the start of the run of equal (or zero) returns that ends at each row, so a
 * window is flat when the run at its last row began at or before its first row. O(T·N + windows·N).
 */
final class FlatWindows {
    private FlatWindows() {
    }

    static void reject(Returns returns, ReturnWindows w, CovarianceKind kind) {
        int n = w.assets();
        int rows = w.rows();
        double[] r = w.returns();
        int[] runStart = new int[rows];
        for (int j = 0; j < n; j++) {
            for (int t = 0; t < rows; t++) {
                double v = r[t * n + j];
                boolean continues = t > 0 && (kind == CovarianceKind.SAMPLE ? v == r[(t - 1) * n + j]
                        : v == 0.0 && r[(t - 1) * n + j] == 0.0);
                runStart[t] = continues ? runStart[t - 1] : (kind == CovarianceKind.SAMPLE || v == 0.0 ? t : t + 1);
            }
            for (int k = 0; k < w.count(); k++) {
                int from = w.starts()[k];
                int last = from + w.window() - 1;
                if (runStart[last] <= from) {
                    double v = r[from * n + j];
                    throw new ZeroVarianceException("window " + (k + 1) + " of " + w.count() + " (rows " + (from + 1)
                            + "–" + (last + 1) + ", " + returns.dates().get(from) + " … " + returns.dates().get(last)
                            + "): asset " + returns.assets().get(j) + " (#" + (j + 1) + ") has "
                            + (kind == CovarianceKind.SAMPLE ? "the same return (" + v + ") on every date"
                                    : "a return of 0 on every date (EWMA is zero-mean)")
                            + ", so its variance is zero; remove the asset, or mark its stale prices as missing");
                }
            }
        }
    }
}

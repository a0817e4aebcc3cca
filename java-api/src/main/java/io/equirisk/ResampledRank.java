package io.equirisk;

import io.equirisk.backend.CovarianceKind;
import io.equirisk.error.InsufficientDataException;
import io.equirisk.scenario.HistoricalBootstrap;
import io.equirisk.scenario.ScenarioSet;

/**
 * Rejects a bootstrap set whose scenarios' covariances are singular however many rows they draw: a scenario is made
 * of the historical rows its blocks cover, and repeated rows add no rank, so its sample estimate has rank at most
 * (distinct rows − 1), the zero-mean EWMA at most (distinct rows). Drawn with replacement, T rows from a history of
 * T cover about 63% of it (1 − 1/e), so 500 returns of 362 ETFs in blocks of 1 gave every scenario rank 300–321,
 * solved and reported converged (a review). The count is exact: per scenario, the union of its blocks' intervals.
 * About rows/block block starts and a sort of them per scenario.
 */
final class ResampledRank {
    private ResampledRank() {
    }

    static void reject(ScenarioSet set, HistoricalBootstrap history, CovarianceKind kind, double[] budgets) {
        int n = history.size();
        int rows = set.rows();
        int block = history.block();
        int blocks = (rows + block - 1) / block;
        long[] intervals = new long[blocks]; /* start << 32 | length, sorted by start */
        int first = -1;
        int firstDistinct = 0;
        int firstWeighed = 0;
        int singular = 0;
        for (int k = 0; k < set.count(); k++) {
            int weighed = 0;
            int base = budgets.length == n ? 0 : k * n;
            for (int j = 0; j < n; j++) {
                weighed += budgets[base + j] > 0 ? 1 : 0;
            }
            for (int t0 = 0, b = 0; t0 < rows; t0 += block, b++) {
                intervals[b] = ((long) history.blockStart(set.seed(), set.first() + k, b) << 32)
                        | Math.min(block, rows - t0);
            }
            java.util.Arrays.sort(intervals);
            int distinct = 0;
            long coveredTo = -1; /* the row after the last one counted */
            for (long iv : intervals) {
                long start = iv >>> 32;
                long end = start + (iv & 0xFFFFFFFFL);
                if (end > coveredTo) {
                    distinct += (int) (end - Math.max(start, coveredTo));
                    coveredTo = end;
                }
            }
            int rank = kind == CovarianceKind.SAMPLE ? distinct - 1 : distinct;
            if (rank < weighed) {
                singular++;
                if (first < 0) {
                    first = k;
                    firstDistinct = distinct;
                    firstWeighed = weighed;
                }
            }
        }
        if (first >= 0) {
            throw new InsufficientDataException(set.describe(first) + " resamples " + firstDistinct + " distinct rows"
                    + " of the " + history.historyRows() + "-row history (repeated rows add no rank), so its "
                    + (kind == CovarianceKind.SAMPLE ? "sample" : "EWMA") + " covariance has rank at most "
                    + (kind == CovarianceKind.SAMPLE ? firstDistinct - 1 : firstDistinct) + ", below the "
                    + firstWeighed + " assets weighed: singular (" + singular + " of the " + set.count()
                    + " scenarios are); estimate the scenarios with shrinkage (ledoit-wolf, oas), or draw longer "
                    + "scenarios (longer blocks do not help: they cover no more rows on average, and spread more)");
        }
    }
}

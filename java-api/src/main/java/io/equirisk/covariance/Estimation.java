package io.equirisk.covariance;

import io.equirisk.data.MissingValuePolicy;
import io.equirisk.data.Returns;
import io.equirisk.error.InsufficientDataException;
import io.equirisk.error.InvalidInputException;
import io.equirisk.error.NonFiniteValueException;
import io.equirisk.error.ZeroVarianceException;

import java.util.List;

/** What the estimators share: applying the missing-value policy, and the checks every estimate needs. */
final class Estimation {
    private Estimation() {
    }

    /**
     * The complete rows the estimator will use: all rows under REJECT (after checking there is no NaN), the rows
     * without NaN otherwise. At least two must remain.
     */
    static Returns completeRows(Returns returns, MissingValuePolicy policy, String estimator) {
        requireMatrixFits(returns.assetCount());
        if (policy == null) {
            throw new InvalidInputException("missing-value policy must not be null; use one of "
                    + java.util.Arrays.toString(MissingValuePolicy.values()));
        }
        if (policy == MissingValuePolicy.REJECT) {
            returns.requireComplete();
        }
        Returns kept = returns.completeRows();
        if (kept.observations() < 2) {
            throw new InsufficientDataException(estimator + " covariance needs at least 2 rows, but "
                    + kept.observations() + " of the " + returns.observations() + " rows"
                    + (kept.observations() == returns.observations() ? " remain" : " have a return for every asset"
                    + mostMissing(returns)));
        }
        return kept;
    }

    /** "; asset X is missing in K rows" for the asset missing most often, to say what to drop. */
    private static String mostMissing(Returns r) {
        int n = r.assetCount();
        int[] missing = new int[n];
        double[] v = r.values();
        for (int t = 0; t < r.observations(); t++) {
            for (int j = 0; j < n; j++) {
                if (Double.isNaN(v[t * n + j])) {
                    missing[j]++;
                }
            }
        }
        int worst = 0;
        for (int j = 1; j < n; j++) {
            if (missing[j] > missing[worst]) {
                worst = j;
            }
        }
        return " (asset " + r.assets().get(worst) + " is missing in " + missing[worst] + " rows); drop that asset"
                + " or use the PAIRWISE missing-value policy";
    }

    /** An N × N matrix of doubles must fit one Java array: N ≤ 46,340. */
    static void requireMatrixFits(int n) {
        io.equirisk.data.ArraySize.of("a covariance matrix of " + n + " assets", n, n);
    }

    /** Throws ZeroVarianceException for the first asset whose returns are all equal. */
    static void requireVariation(Returns x) {
        int n = x.assetCount();
        int t = x.observations();
        double[] v = x.values();
        for (int j = 0; j < n; j++) {
            double first = v[j];
            boolean constant = true;
            for (int r = 1; r < t && constant; r++) {
                constant = v[r * n + j] == first;
            }
            if (constant) {
                throw new ZeroVarianceException("asset " + x.assets().get(j) + " (#" + (j + 1) + ") has the same"
                        + " return (" + first + ") in all " + t + " rows used, so its variance is zero; remove it");
            }
        }
    }

    /**
     * Wraps a computed matrix, first turning a non-positive variance, or an entry that left double's range, into an
     * error that names the asset (and says to rescale where the returns vary but their products do not fit).
     */
    static CovarianceMatrix result(int n, double[] values, Returns x, String why) {
        for (int j = 0; j < n; j++) {
            double d = values[j * n + j];
            if (!(d > 0) && !Double.isNaN(d)) {
                throw new ZeroVarianceException("asset " + x.assets().get(j) + " (#" + (j + 1) + ") has "
                        + "variance " + d + " " + why + (varies(x, j)
                        ? ", though its returns vary: their (weighted) squares underflow double; rescale the returns (to"
                        + " percent, say)" : "; remove it"));
            }
        }
        for (int q = 0; q < values.length; q++) {
            if (Double.isInfinite(values[q])) {
                List<String> a = x.assets();
                throw new NonFiniteValueException("covariance entry (" + a.get(q / n) + ", " + a.get(q % n) + ") is "
                        + values[q] + ": products of the returns overflow double (returns above ~1e154); rescale"
                        + " the returns");
            }
        }
        for (int j = 0; j < n; j++) {
            if (Double.isNaN(values[j * n + j])) {
                throw new ZeroVarianceException("asset " + x.assets().get(j) + " (#" + (j + 1) + ") has "
                        + "variance NaN " + why + "; remove it");
            }
        }
        return CovarianceMatrix.of(n, values, x.assets());
    }

    /** Whether asset j's returns (missing ones skipped) take more than one value. */
    private static boolean varies(Returns x, int j) {
        int n = x.assetCount();
        double[] v = x.values();
        double first = Double.NaN;
        for (int r = 0; r < x.observations(); r++) {
            double a = v[r * n + j];
            if (Double.isNaN(a)) {
                continue;
            }
            if (Double.isNaN(first)) {
                first = a;
            } else if (a != first) {
                return true;
            }
        }
        return false;
    }

    /**
     * The shrinkage estimators' common path: refuse ragged data under PAIRWISE, keep the complete rows, require
     * variation, take the moments, and return (1 − δ)S + δF for the target F and the intensity δ, both derived from
     * the moments.
     */
    static CovarianceMatrix shrink(Returns returns, MissingValuePolicy policy, String estimator,
                                   java.util.function.Function<SampleMoments, double[]> targetOf,
                                   java.util.function.ToDoubleBiFunction<SampleMoments, double[]> intensityOf) {
        if (policy == MissingValuePolicy.PAIRWISE && returns.hasMissing()) {
            throw pairwiseUnsupported(estimator);
        }
        Returns x = completeRows(returns, policy, estimator);
        requireVariation(x);
        SampleMoments m = SampleMoments.of(x);
        double[] target = targetOf.apply(m);
        return result(m.n, m.shrink(intensityOf.applyAsDouble(m, target), target), x, "after shrinkage");
    }

    static InvalidInputException pairwiseUnsupported(String estimator) {
        return new InvalidInputException(estimator + " does not support the PAIRWISE missing-value policy on data"
                + " with missing values: its shrinkage intensity assumes every asset is observed on the same dates."
                + " Use DROP_INCOMPLETE_ROWS, or the sample or EWMA estimator with PAIRWISE");
    }

    static double[] means(Returns x) {
        return CovarianceKernels.columnMeans(x.values(), x.assetCount(), 0, x.observations());
    }
}

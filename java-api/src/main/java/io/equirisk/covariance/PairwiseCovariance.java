package io.equirisk.covariance;

import io.equirisk.data.Returns;
import io.equirisk.error.InsufficientDataException;
import io.equirisk.error.ZeroVarianceException;

import java.util.List;

/**
 * Covariances from pairwise-complete rows, for histories with gaps: entry (i, j) uses exactly the rows where both
 * assets have a return. The result is symmetric with a positive diagonal but need not be positive semi-definite:
 * the estimators repair it with {@link NearestPositiveDefinite}. Plain loops, O(N²T): this path is for ragged data,
 * complete data goes through {@link CovarianceKernels}.
 */
final class PairwiseCovariance {
    private PairwiseCovariance() {
    }

    /** Unbiased sample covariance per pair, each pair demeaned by its own rows' means (pandas' convention). */
    static CovarianceMatrix sample(Returns r) {
        int n = r.assetCount();
        Estimation.requireMatrixFits(n);
        int t = r.observations();
        double[] x = r.values();
        double[] out = new double[n * n];
        for (int i = 0; i < n; i++) {
            for (int j = i; j < n; j++) {
                int count = 0;
                double si = 0;
                double sj = 0;
                for (int s = 0; s < t; s++) {
                    double a = x[s * n + i];
                    double b = x[s * n + j];
                    if (!Double.isNaN(a) && !Double.isNaN(b)) {
                        count++;
                        si += a;
                        sj += b;
                    }
                }
                requireRows(r, i, j, count);
                double mi = si / count;
                double mj = sj / count;
                double c = 0;
                for (int s = 0; s < t; s++) {
                    double a = x[s * n + i];
                    double b = x[s * n + j];
                    if (!Double.isNaN(a) && !Double.isNaN(b)) {
                        c += (a - mi) * (b - mj);
                    }
                }
                out[i * n + j] = c / (count - 1);
                out[j * n + i] = out[i * n + j];
            }
            requirePositive(r, i, out[i * n + i]);
        }
        return CovarianceMatrix.of(n, out, r.assets());
    }

    /**
     * RiskMetrics EWMA per pair: weights λ^(T−1−t) of the pair's rows, renormalised over those rows. The weights are
     * taken relative to the pair's newest common row, λ^(last−t), which the renormalisation cancels: from the
     * history's end, a pair seen only 1,100 rows back at λ = 0.5 had every weight underflow, and 0/0 for its entry.
     */
    static CovarianceMatrix ewma(Returns r, double lambda) {
        int n = r.assetCount();
        Estimation.requireMatrixFits(n);
        int t = r.observations();
        double[] x = r.values();
        double[] w = new double[t]; /* w[k] = λ^k */
        double p = 1;
        for (int k = 0; k < t; k++) {
            w[k] = p;
            p *= lambda;
        }
        double[] out = new double[n * n];
        for (int i = 0; i < n; i++) {
            for (int j = i; j < n; j++) {
                int last = t - 1;
                while (last >= 0 && (Double.isNaN(x[last * n + i]) || Double.isNaN(x[last * n + j]))) {
                    last--;
                }
                int count = 0;
                double norm = 0;
                double c = 0;
                for (int s = 0; s <= last; s++) {
                    double a = x[s * n + i];
                    double b = x[s * n + j];
                    if (!Double.isNaN(a) && !Double.isNaN(b)) {
                        count++;
                        norm += w[last - s];
                        c += w[last - s] * a * b;
                    }
                }
                requireRows(r, i, j, count);
                out[i * n + j] = c / norm;
                out[j * n + i] = out[i * n + j];
            }
            requirePositive(r, i, out[i * n + i]);
        }
        return CovarianceMatrix.of(n, out, r.assets());
    }

    private static void requireRows(Returns r, int i, int j, int count) {
        if (count < 2) {
            List<String> a = r.assets();
            throw new InsufficientDataException((i == j ? "asset " + a.get(i) + " has"
                    : "assets " + a.get(i) + " and " + a.get(j) + " have") + " " + count + " row"
                    + (count == 1 ? "" : "s") + " with returns" + (i == j ? "" : " on the same dates")
                    + "; a covariance needs at least 2");
        }
    }

    private static void requirePositive(Returns r, int i, double variance) {
        if (!(variance > 0)) {
            throw new ZeroVarianceException("asset " + r.assets().get(i) + " (#" + (i + 1) + ") has variance "
                    + variance + " over its rows with returns; remove it");
        }
    }
}

package io.equirisk.cli;

import io.equirisk.covariance.CovarianceMatrix;
import io.equirisk.error.NotPositiveDefiniteException;
import io.equirisk.kernel.Kernels;
import io.equirisk.kernel.NumericKernels;

/**
 * Checks Σ is positive definite before solving, by a Cholesky factorisation of the correlation matrix (scale-free, so
 * a bond's tiny variance and a coin's large one are judged alike). Names the asset whose pivot fails: it is (close
 * to) a combination of the assets before it, such as a near-duplicate listing.
 */
final class PositiveDefinite {
    /** Pivots below this (on the unit-diagonal scale) mean the matrix is singular to working precision. */
    static final double PIVOT_FLOOR = 1e-12;

    private PositiveDefinite() {
    }

    static void require(CovarianceMatrix cov) {
        int n = cov.size();
        double[] l = cov.correlation();
        NumericKernels dot = Kernels.get();
        for (int j = 0; j < n; j++) {
            double d = l[j * n + j] - dot.dot(l, j * n, l, j * n, j);
            if (!(d > PIVOT_FLOOR)) {
                throw new NotPositiveDefiniteException("covariance matrix is not positive definite: asset "
                        + cov.assets().get(j) + " (column " + (j + 1) + ") is a linear combination of the assets "
                        + "before it (Cholesky pivot " + String.format(java.util.Locale.ROOT, "%.3g", d) + "); remove near-duplicate "
                        + "assets, or use a shrinkage estimator (--estimator ledoit-wolf)");
            }
            double root = Math.sqrt(d);
            l[j * n + j] = root;
            for (int i = j + 1; i < n; i++) {
                double v = l[i * n + j] - dot.dot(l, i * n, l, j * n, j);
                l[i * n + j] = v / root;
            }
        }
    }
}

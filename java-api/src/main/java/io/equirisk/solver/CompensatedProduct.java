package io.equirisk.solver;

/**
 * y = Σx with each inner product accumulated in twice the working precision (the Dot2 algorithm of Ogita, Rump &amp;
 * Oishi 2005: error-free products by fma, error-free sums by TwoSum). On ill-conditioned covariances with
 * correlations of both signs, (Σx)_i is a small difference of large terms (cancellation of 1e9 seen in tests), so
 * a plain product cannot even measure a residual of 1e-10; this one can. About ten times the cost of a plain
 * product: used by the Newton finisher and its final report only.
 */
final class CompensatedProduct {
    private CompensatedProduct() {
    }

    /** y = Σx for the full row-major matrix at {@code sigma[off..]}. */
    static void multiply(double[] sigma, int off, int n, double[] x, double[] y) {
        for (int i = 0; i < n; i++) {
            int row = off + i * n;
            double s = 0;
            double err = 0;
            for (int j = 0; j < n; j++) {
                double xj = x[j];
                if (xj == 0) {
                    continue;
                }
                double p = sigma[row + j] * xj;
                double pe = Math.fma(sigma[row + j], xj, -p);
                double t = s + p;
                double z = t - s;
                err += (s - (t - z)) + (p - z) + pe;
                s = t;
            }
            y[i] = s + err;
        }
    }
}

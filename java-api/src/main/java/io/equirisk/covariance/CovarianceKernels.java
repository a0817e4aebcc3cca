package io.equirisk.covariance;

/**
 * The bulk covariance computations the CPU backend and the estimators share: sample and EWMA covariance of one
 * window of a row-major T×N return table, written into a caller's array. Inputs are complete (no NaN).
 */
public final class CovarianceKernels {
    private CovarianceKernels() {
    }

    /**
     * Demeaned, unbiased sample covariance of rows [start, start+window) into {@code out[outOff, outOff+N²)}.
     */
    public static void sample(double[] returns, int n, int start, int window, double[] out, int outOff) {
        double[] mean = new double[n];
        for (int t = start; t < start + window; t++) {
            for (int j = 0; j < n; j++) {
                mean[j] += returns[t * n + j];
            }
        }
        for (int j = 0; j < n; j++) {
            mean[j] /= window;
        }
        double[] x = new double[n * window];
        for (int t = 0; t < window; t++) {
            for (int j = 0; j < n; j++) {
                x[j * window + t] = returns[(start + t) * n + j] - mean[j];
            }
        }
        gram(x, n, window, 1.0 / (window - 1), out, outOff);
    }

    /**
     * EWMA covariance (zero mean, RiskMetrics): Σ_t w_t r_t r_tᵀ with w_t ∝ λ^(window−1−t), Σw_t = 1.
     */
    public static void ewma(double[] returns, int n, int start, int window, double lambda, double[] out, int outOff) {
        double[] x = new double[n * window];
        double norm = 0;
        for (int t = 0; t < window; t++) {
            norm += Math.pow(lambda, window - 1 - t);
        }
        for (int t = 0; t < window; t++) {
            double s = Math.sqrt(Math.pow(lambda, window - 1 - t) / norm);
            for (int j = 0; j < n; j++) {
                x[j * window + t] = returns[(start + t) * n + j] * s;
            }
        }
        gram(x, n, window, 1.0, out, outOff);
    }

    /** out = scale·XXᵀ for X asset-major N×T, full symmetric result. */
    static void gram(double[] x, int n, int t, double scale, double[] out, int outOff) {
        double[] c = new double[n * n];
        io.equirisk.kernel.Kernels.get().syrkUpper(x, n, t, c, 0, n);
        for (int i = 0; i < n; i++) {
            for (int j = i; j < n; j++) {
                double v = c[i * n + j] * scale;
                out[outOff + i * n + j] = v;
                out[outOff + j * n + i] = v;
            }
        }
    }
}

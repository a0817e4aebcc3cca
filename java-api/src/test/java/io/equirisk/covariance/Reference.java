package io.equirisk.covariance;

import java.util.Random;

/** Straight-from-the-definition estimates, written as plain loops, for the tests to compare against. */
final class Reference {
    private Reference() {
    }

    /** Gaussian returns with a common factor (so correlations are not zero), T×N row-major. */
    static double[] returns(int t, int n, long seed) {
        Random rnd = new Random(seed);
        double[] x = new double[t * n];
        double[] beta = new double[n];
        double[] vol = new double[n];
        for (int j = 0; j < n; j++) {
            beta[j] = 0.5 + rnd.nextDouble();
            vol[j] = 0.005 + 0.02 * rnd.nextDouble();
        }
        for (int s = 0; s < t; s++) {
            double f = 0.01 * rnd.nextGaussian();
            for (int j = 0; j < n; j++) {
                x[s * n + j] = 0.0004 + beta[j] * f + vol[j] * rnd.nextGaussian();
            }
        }
        return x;
    }

    /** Column means of rows [start, start+t). */
    static double[] means(double[] x, int n, int start, int t) {
        double[] m = new double[n];
        for (int j = 0; j < n; j++) {
            double s = 0;
            for (int r = start; r < start + t; r++) {
                s += x[r * n + j];
            }
            m[j] = s / t;
        }
        return m;
    }

    /** (1/divisor) Σ_r (x_ri − m_i)(x_rj − m_j). */
    static double[] covariance(double[] x, int n, int start, int t, double divisor) {
        double[] m = means(x, n, start, t);
        double[] c = new double[n * n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                double s = 0;
                for (int r = start; r < start + t; r++) {
                    s += (x[r * n + i] - m[i]) * (x[r * n + j] - m[j]);
                }
                c[i * n + j] = s / divisor;
            }
        }
        return c;
    }

    /** Σ_r w_r x_ri x_rj with w_r = λ^(t−1−r) / Σ λ^k. */
    static double[] ewma(double[] x, int n, int start, int t, double lambda) {
        double norm = 0;
        for (int r = 0; r < t; r++) {
            norm += Math.pow(lambda, t - 1 - r);
        }
        double[] c = new double[n * n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                double s = 0;
                for (int r = 0; r < t; r++) {
                    s += Math.pow(lambda, t - 1 - r) / norm * x[(start + r) * n + i] * x[(start + r) * n + j];
                }
                c[i * n + j] = s;
            }
        }
        return c;
    }

    /** max |a − b| / max |b|. */
    static double relativeError(double[] a, double[] b) {
        double num = 0;
        double den = 0;
        for (int q = 0; q < a.length; q++) {
            num = Math.max(num, Math.abs(a[q] - b[q]));
            den = Math.max(den, Math.abs(b[q]));
        }
        return num / den;
    }
}

package io.equirisk.nativ;

/**
 * An independent risk-budgeting solver for the tests: Spinu's damped Newton on min ½yᵀCy − Σ b_i log y_i over the
 * correlation matrix C (assets with b_i = 0 removed and given weight 0), run to the limit of double precision
 * rather than to a tolerance, so it serves as the reference for the backends' answers.
 */
final class ReferenceRiskBudgeting {
    private ReferenceRiskBudgeting() {
    }

    /** Weights (sum 1) for covariance {@code s} (row-major n×n) and budgets {@code b}. */
    static double[] solve(double[] s, double[] b, int n) {
        int m = 0;
        int[] idx = new int[n];
        for (int i = 0; i < n; i++) {
            if (b[i] > 0) {
                idx[m++] = i;
            }
        }
        double[] vol = new double[m];
        double[] c = new double[m * m];
        double[] bb = new double[m];
        for (int a = 0; a < m; a++) {
            vol[a] = Math.sqrt(s[idx[a] * n + idx[a]]);
            bb[a] = b[idx[a]];
        }
        for (int a = 0; a < m; a++) {
            for (int d = 0; d < m; d++) {
                c[a * m + d] = s[idx[a] * n + idx[d]] / (vol[a] * vol[d]);
            }
        }
        double[] y = new double[m];
        double bcb = 0;
        for (int a = 0; a < m; a++) {
            for (int d = 0; d < m; d++) {
                bcb += bb[a] * c[a * m + d] * bb[d];
            }
        }
        for (int a = 0; a < m; a++) {
            y[a] = bb[a] / Math.sqrt(bcb);
        }
        double[] g = new double[m];
        double[] h = new double[m * m];
        double[] dx = new double[m];
        double best = Double.POSITIVE_INFINITY;
        int sinceBest = 0;
        for (int step = 0; step < 500 && sinceBest < 3; step++) {
            for (int a = 0; a < m; a++) {
                double cy = 0;
                for (int d = 0; d < m; d++) {
                    cy += c[a * m + d] * y[d];
                }
                g[a] = cy - bb[a] / y[a];
                for (int d = 0; d < m; d++) {
                    h[a * m + d] = c[a * m + d];
                }
                h[a * m + a] += bb[a] / (y[a] * y[a]);
            }
            cholesky(h, m);
            // dx = H⁻¹g; Newton decrement λ = sqrt(gᵀH⁻¹g) = |L⁻¹g|
            double lambda2 = 0;
            for (int a = 0; a < m; a++) {
                double t = g[a];
                for (int d = 0; d < a; d++) {
                    t -= h[a * m + d] * dx[d];
                }
                dx[a] = t / h[a * m + a];
                lambda2 += dx[a] * dx[a];
            }
            for (int a = m - 1; a >= 0; a--) {
                double t = dx[a];
                for (int d = a + 1; d < m; d++) {
                    t -= h[d * m + a] * dx[d];
                }
                dx[a] = t / h[a * m + a];
            }
            double lambda = Math.sqrt(lambda2);
            double t = lambda > 0.25 ? 1 / (1 + lambda) : 1; // Spinu: damped steps keep y > 0, then full steps
            for (int a = 0; a < m; a++) {
                y[a] -= t * dx[a];
            }
            double r = residualOnCorrelation(c, y, bb, m);
            // stop once full Newton steps no longer halve the residual: double precision is exhausted
            if (r < best * 0.5) {
                best = r;
                sinceBest = 0;
            } else if (t == 1) {
                sinceBest++;
            }
        }
        double[] w = new double[n];
        double sum = 0;
        for (int a = 0; a < m; a++) {
            sum += y[a] / vol[a];
        }
        for (int a = 0; a < m; a++) {
            w[idx[a]] = y[a] / vol[a] / sum;
        }
        return w;
    }

    private static double residualOnCorrelation(double[] c, double[] y, double[] b, int m) {
        double[] rc = riskContributions(c, y, m);
        double r = 0;
        for (int a = 0; a < m; a++) {
            r = Math.max(r, Math.abs(rc[a] - b[a]));
        }
        return r;
    }

    /** RC_i = w_i (Σw)_i / wᵀΣw. */
    static double[] riskContributions(double[] s, double[] w, int n) {
        double[] sw = new double[n];
        double v = 0;
        for (int i = 0; i < n; i++) {
            double a = 0;
            for (int j = 0; j < n; j++) {
                a += s[i * n + j] * w[j];
            }
            sw[i] = a;
            v += w[i] * a;
        }
        double[] rc = new double[n];
        for (int i = 0; i < n; i++) {
            rc[i] = w[i] * sw[i] / v;
        }
        return rc;
    }

    /** In place: the lower triangle becomes L with LLᵀ = A. */
    private static void cholesky(double[] a, int n) {
        for (int j = 0; j < n; j++) {
            double d = a[j * n + j];
            for (int k = 0; k < j; k++) {
                d -= a[j * n + k] * a[j * n + k];
            }
            if (!(d > 0)) {
                throw new IllegalStateException("reference Newton: Hessian not positive definite at column " + j);
            }
            d = Math.sqrt(d);
            a[j * n + j] = d;
            for (int i = j + 1; i < n; i++) {
                double t = a[i * n + j];
                for (int k = 0; k < j; k++) {
                    t -= a[i * n + k] * a[j * n + k];
                }
                a[i * n + j] = t / d;
            }
        }
    }
}

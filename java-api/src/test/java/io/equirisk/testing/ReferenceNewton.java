package io.equirisk.testing;

/**
 * An independent reference for risk budgeting, written separately from the engine: Newton on Spinu's objective in
 * the original variables (no rescaling), the step from Gaussian elimination with partial pivoting (not Cholesky),
 * Armijo backtracking on the objective (not the self-concordant damping), no coordinate descent. Slow (n³ per step)
 * and simple: for tests only.
 * Zero budgets are handled by solving on the positive-budget subset.
 */
public final class ReferenceNewton {
    private ReferenceNewton() {
    }

    /** Long-only weights summing to one with RC = b, to about machine precision. */
    public static double[] solve(double[] sigma, int n, double[] b) {
        int m = 0;
        for (double v : b) {
            if (v > 0) {
                m++;
            }
        }
        int[] idx = new int[m];
        for (int i = 0, c = 0; i < n; i++) {
            if (b[i] > 0) {
                idx[c++] = i;
            }
        }
        double[] s = new double[m * m];
        double[] bb = new double[m];
        for (int a = 0; a < m; a++) {
            bb[a] = b[idx[a]];
            for (int c = 0; c < m; c++) {
                s[a * m + c] = sigma[idx[a] * n + idx[c]];
            }
        }
        double[] x = new double[m];
        for (int a = 0; a < m; a++) {
            x[a] = bb[a] / Math.sqrt(s[a * m + a]);
        }
        // scale so that xᵀΣx = 1 (= Σb at the solution)
        double q = quad(s, m, x);
        for (int a = 0; a < m; a++) {
            x[a] /= Math.sqrt(q);
        }
        // Newton on f(x) = ½xᵀΣx − Σ b ln x in the original variables, LU solve, Armijo backtracking on f.
        for (int it = 0; it < 500; it++) {
            double[] sx = mul(s, m, x);
            double[] g = new double[m];
            double[] h = s.clone();
            double gmax = 0;
            for (int a = 0; a < m; a++) {
                g[a] = sx[a] - bb[a] / x[a];
                h[a * m + a] += bb[a] / (x[a] * x[a]);
                gmax = Math.max(gmax, Math.abs(g[a] * x[a]));
            }
            if (gmax < 1e-16) {
                break;
            }
            double[] d = gauss(h, m, g);
            double slope = 0;
            for (int a = 0; a < m; a++) {
                slope += g[a] * d[a];
            }
            double f0 = objective(s, m, x, bb);
            double t = 1;
            double[] trial = new double[m];
            boolean accepted = false;
            while (t > 1e-20) {
                boolean pos = true;
                for (int a = 0; a < m; a++) {
                    trial[a] = x[a] - t * d[a];
                    pos &= trial[a] > 0;
                }
                if (pos && objective(s, m, trial, bb) <= f0 - 1e-4 * t * slope) {
                    accepted = true;
                    break;
                }
                t *= 0.5;
            }
            if (!accepted) {
                break; // no further decrease representable: at the optimum to machine precision
            }
            System.arraycopy(trial, 0, x, 0, m);
        }
        double sum = 0;
        for (double v : x) {
            sum += v;
        }
        double[] w = new double[n];
        for (int a = 0; a < m; a++) {
            w[idx[a]] = x[a] / sum;
        }
        return w;
    }

    private static double objective(double[] s, int m, double[] x, double[] b) {
        double f = 0.5 * quad(s, m, x);
        for (int a = 0; a < m; a++) {
            f -= b[a] * Math.log(x[a]);
        }
        return f;
    }

    private static double[] mul(double[] s, int m, double[] x) {
        double[] y = new double[m];
        for (int a = 0; a < m; a++) {
            double acc = 0;
            for (int c = 0; c < m; c++) {
                acc += s[a * m + c] * x[c];
            }
            y[a] = acc;
        }
        return y;
    }

    private static double quad(double[] s, int m, double[] x) {
        double[] y = mul(s, m, x);
        double q = 0;
        for (int a = 0; a < m; a++) {
            q += x[a] * y[a];
        }
        return q;
    }

    /** Solves A x = rhs (A copied) by Gaussian elimination with partial pivoting. */
    static double[] gauss(double[] aIn, int m, double[] rhs) {
        double[] a = aIn.clone();
        double[] r = rhs.clone();
        for (int col = 0; col < m; col++) {
            int piv = col;
            for (int i = col + 1; i < m; i++) {
                if (Math.abs(a[i * m + col]) > Math.abs(a[piv * m + col])) {
                    piv = i;
                }
            }
            if (piv != col) {
                for (int j = 0; j < m; j++) {
                    double t = a[col * m + j];
                    a[col * m + j] = a[piv * m + j];
                    a[piv * m + j] = t;
                }
                double t = r[col];
                r[col] = r[piv];
                r[piv] = t;
            }
            for (int i = col + 1; i < m; i++) {
                double f = a[i * m + col] / a[col * m + col];
                if (f != 0) {
                    for (int j = col; j < m; j++) {
                        a[i * m + j] -= f * a[col * m + j];
                    }
                    r[i] -= f * r[col];
                }
            }
        }
        double[] x = new double[m];
        for (int i = m - 1; i >= 0; i--) {
            double s = r[i];
            for (int j = i + 1; j < m; j++) {
                s -= a[i * m + j] * x[j];
            }
            x[i] = s / a[i * m + i];
        }
        return x;
    }
}

package io.equirisk.nativ;

import java.util.Random;

/** Random test inputs: returns, factor-model covariances, and ill-conditioned covariances with a set spectrum. */
final class TestMatrices {
    private TestMatrices() {
    }

    /** T×N returns, row-major, with asset-specific scales and some common factor. */
    static double[] returns(Random rnd, int rows, int n) {
        double[] r = new double[rows * n];
        double[] scale = new double[n];
        for (int j = 0; j < n; j++) {
            scale[j] = 0.005 + 0.03 * rnd.nextDouble();
        }
        for (int t = 0; t < rows; t++) {
            double f = rnd.nextGaussian();
            for (int j = 0; j < n; j++) {
                r[t * n + j] = scale[j] * (0.6 * f + rnd.nextGaussian()) + 0.0005;
            }
        }
        return r;
    }

    /** Σ = B Bᵀ + D: k factors with loadings of both signs and idiosyncratic variances. */
    static double[] factorModel(Random rnd, int n, int k) {
        double[] b = new double[n * k];
        for (int i = 0; i < b.length; i++) {
            b[i] = 0.1 * rnd.nextGaussian() + (i % k == 0 ? 0.15 : 0);
        }
        double[] s = new double[n * n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                double v = 0;
                for (int f = 0; f < k; f++) {
                    v += b[i * k + f] * b[j * k + f];
                }
                s[i * n + j] = v;
            }
            s[i * n + i] += 0.01 + 0.04 * rnd.nextDouble();
        }
        return s;
    }

    /**
     * Σ = D Q Λ Qᵀ D with Q a random orthogonal matrix (Gram-Schmidt of a Gaussian matrix), eigenvalues λ spread
     * log-uniformly over {@code decades} decades (so the correlation matrix has condition number about 10^decades),
     * and volatilities D spread evenly (in log) over {@code volDecades} decades: correlations of both signs, badly conditioned.
     */
    static double[] illConditioned(Random rnd, int n, double decades, double volDecades) {
        double[] q = orthogonal(rnd, n);
        double[] lambda = new double[n];
        for (int i = 0; i < n; i++) {
            lambda[i] = Math.pow(10, -decades * i / (n - 1));
        }
        double[] c = new double[n * n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j <= i; j++) {
                double v = 0;
                for (int m = 0; m < n; m++) {
                    v += q[i * n + m] * lambda[m] * q[j * n + m];
                }
                c[i * n + j] = v;
                c[j * n + i] = v;
            }
        }
        double[] vol = new double[n];
        for (int i = 0; i < n; i++) {
            vol[i] = Math.pow(10, -volDecades * i / (n - 1)) * 0.3;
        }
        for (int i = n - 1; i > 0; i--) { // shuffled, so the small and large volatilities fall anywhere
            int j = rnd.nextInt(i + 1);
            double t = vol[i];
            vol[i] = vol[j];
            vol[j] = t;
        }
        double[] s = new double[n * n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                s[i * n + j] = c[i * n + j] * vol[i] * vol[j];
            }
        }
        return s;
    }

    /** Ratio of the largest to the smallest eigenvalue of symmetric {@code s}, by cyclic Jacobi rotations. */
    static double conditionNumber(double[] s, int n) {
        double[] a = s.clone();
        for (int sweep = 0; sweep < 100; sweep++) {
            double off = 0;
            for (int p = 0; p < n; p++) {
                for (int q = p + 1; q < n; q++) {
                    double apq = a[p * n + q];
                    off += apq * apq;
                    if (apq == 0) {
                        continue;
                    }
                    double theta = (a[q * n + q] - a[p * n + p]) / (2 * apq);
                    double t = (theta >= 0 ? 1 : -1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
                    double c = 1 / Math.sqrt(t * t + 1);
                    double sn = t * c;
                    for (int k = 0; k < n; k++) {
                        double akp = a[k * n + p];
                        double akq = a[k * n + q];
                        a[k * n + p] = c * akp - sn * akq;
                        a[k * n + q] = sn * akp + c * akq;
                    }
                    for (int k = 0; k < n; k++) {
                        double apk = a[p * n + k];
                        double aqk = a[q * n + k];
                        a[p * n + k] = c * apk - sn * aqk;
                        a[q * n + k] = sn * apk + c * aqk;
                    }
                }
            }
            if (off < 1e-300) {
                break;
            }
        }
        double min = Double.POSITIVE_INFINITY;
        double max = 0;
        for (int i = 0; i < n; i++) {
            min = Math.min(min, a[i * n + i]);
            max = Math.max(max, a[i * n + i]);
        }
        return max / min;
    }

    /** Columns of a Gaussian matrix orthonormalised twice (modified Gram-Schmidt), row-major N×N. */
    static double[] orthogonal(Random rnd, int n) {
        double[] a = new double[n * n];
        for (int i = 0; i < a.length; i++) {
            a[i] = rnd.nextGaussian();
        }
        for (int pass = 0; pass < 2; pass++) {
            for (int col = 0; col < n; col++) {
                for (int prev = 0; prev < col; prev++) {
                    double dot = 0;
                    for (int r = 0; r < n; r++) {
                        dot += a[r * n + col] * a[r * n + prev];
                    }
                    for (int r = 0; r < n; r++) {
                        a[r * n + col] -= dot * a[r * n + prev];
                    }
                }
                double norm = 0;
                for (int r = 0; r < n; r++) {
                    norm += a[r * n + col] * a[r * n + col];
                }
                norm = Math.sqrt(norm);
                for (int r = 0; r < n; r++) {
                    a[r * n + col] /= norm;
                }
            }
        }
        return a;
    }

    /** Budgets proportional to random positive numbers, some set to zero when {@code zeros} > 0. */
    static double[] budgets(Random rnd, int n, int zeros) {
        double[] b = new double[n];
        double sum = 0;
        for (int i = 0; i < n; i++) {
            b[i] = i < zeros ? 0 : 0.2 + rnd.nextDouble();
            sum += b[i];
        }
        for (int i = 0; i < n; i++) {
            b[i] /= sum;
        }
        return b;
    }

    static double[] equalBudgets(int n) {
        double[] b = new double[n];
        java.util.Arrays.fill(b, 1.0 / n);
        return b;
    }
}

package io.equirisk.testing;

import io.equirisk.covariance.CovarianceMatrix;

import java.util.Random;

/**
 * Covariance matrices for tests, of the kinds the engine must handle: factor models (like real equity/crypto
 * universes), and ill-conditioned ones built from a random orthogonal basis and a spread spectrum, then given
 * volatilities over several decades (mixed-sign correlations).
 */
public final class RandomCovariances {
    private RandomCovariances() {
    }

    /**
     * The sample covariance (divided by t − 1, exactly symmetric) of t independent standard normal returns of n
     * assets: with t ≤ n, of rank t − 1, the matrix the repairs and the positive-definiteness check meet when a
     * history is shorter than the universe is wide.
     *
     * @return n² values, row-major
     */
    public static double[] sampleOfFewReturns(int n, int t, long seed) {
        Random rnd = new Random(seed);
        double[] x = new double[t * n];
        for (int i = 0; i < x.length; i++) {
            x[i] = rnd.nextGaussian();
        }
        double[] mean = new double[n];
        for (int r = 0; r < t; r++) {
            for (int j = 0; j < n; j++) {
                mean[j] += x[r * n + j] / t;
            }
        }
        double[] s = new double[n * n];
        for (int i = 0; i < n; i++) {
            for (int j = i; j < n; j++) {
                double c = 0;
                for (int r = 0; r < t; r++) {
                    c += (x[r * n + i] - mean[i]) * (x[r * n + j] - mean[j]);
                }
                s[i * n + j] = c / (t - 1);
                s[j * n + i] = s[i * n + j];
            }
        }
        return s;
    }

    /**
     * k-factor model: Σ = D (B Bᵀ + diag(ψ)) D rescaled to vols spread in [volLo, volHi], loadings mostly positive
     * (a market factor) with sector factors of both signs.
     */
    public static CovarianceMatrix factorModel(int n, int factors, long seed) {
        Random r = new Random(seed);
        double[] load = new double[n * factors];
        for (int i = 0; i < n; i++) {
            load[i * factors] = 0.3 + 0.6 * r.nextDouble();
            for (int f = 1; f < factors; f++) {
                load[i * factors + f] = 0.4 * r.nextGaussian();
            }
        }
        double[] vol = new double[n];
        for (int i = 0; i < n; i++) {
            vol[i] = 0.005 + 0.04 * r.nextDouble(); // daily vols 0.5% .. 4.5%
        }
        double[] c = new double[n * n];
        for (int i = 0; i < n; i++) {
            double ss = 0;
            for (int f = 0; f < factors; f++) {
                ss += load[i * factors + f] * load[i * factors + f];
            }
            double idio = 0.2 + 0.8 * r.nextDouble();
            for (int j = 0; j <= i; j++) {
                double v = 0;
                for (int f = 0; f < factors; f++) {
                    v += load[i * factors + f] * load[j * factors + f];
                }
                if (i == j) {
                    v = ss + idio;
                }
                c[i * n + j] = v;
                c[j * n + i] = v;
            }
        }
        return withVolatilities(n, c, vol);
    }

    /**
     * QΛQᵀ with a Haar-like random orthogonal Q and eigenvalues log-spaced over {@code condition}, normalised to a
     * correlation matrix (whose condition number is then of the order of {@code condition}), scaled to vols spread
     * log-uniformly over [1e-3, 10^(decades−3)]. Correlations have both signs; the covariance's condition number is
     * roughly {@code condition} times the vol spread squared (1e6 and 3 decades: ~1e12).
     */
    public static CovarianceMatrix illConditioned(int n, double condition, int decades, long seed) {
        Random r = new Random(seed);
        double[] q = randomOrthogonal(n, r);
        double[] lambda = new double[n];
        for (int i = 0; i < n; i++) {
            lambda[i] = Math.pow(condition, -(double) i / Math.max(1, n - 1));
        }
        double[] a = new double[n * n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j <= i; j++) {
                double s = 0;
                for (int k = 0; k < n; k++) {
                    s += q[i * n + k] * lambda[k] * q[j * n + k];
                }
                a[i * n + j] = s;
                a[j * n + i] = s;
            }
        }
        // to a correlation, then to vols over decades
        double[] d = new double[n];
        for (int i = 0; i < n; i++) {
            d[i] = Math.sqrt(a[i * n + i]);
        }
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                a[i * n + j] /= d[i] * d[j];
            }
        }
        double[] vol = new double[n];
        for (int i = 0; i < n; i++) {
            vol[i] = 1e-3 * Math.pow(10, decades * r.nextDouble());
        }
        return withVolatilities(n, a, vol);
    }

    /** Random orthogonal matrix by Gram-Schmidt (twice, for accuracy) on Gaussian columns; row-major. */
    public static double[] randomOrthogonal(int n, Random r) {
        double[] q = new double[n * n];
        for (int i = 0; i < n * n; i++) {
            q[i] = r.nextGaussian();
        }
        for (int col = 0; col < n; col++) {
            for (int pass = 0; pass < 2; pass++) {
                for (int prev = 0; prev < col; prev++) {
                    double dot = 0;
                    for (int i = 0; i < n; i++) {
                        dot += q[i * n + col] * q[i * n + prev];
                    }
                    for (int i = 0; i < n; i++) {
                        q[i * n + col] -= dot * q[i * n + prev];
                    }
                }
            }
            double norm = 0;
            for (int i = 0; i < n; i++) {
                norm += q[i * n + col] * q[i * n + col];
            }
            norm = Math.sqrt(norm);
            for (int i = 0; i < n; i++) {
                q[i * n + col] /= norm;
            }
        }
        return q;
    }

    /** Σ_ij = vol_i·vol_j·C_ij/sqrt(C_ii C_jj), symmetric exactly. */
    static CovarianceMatrix withVolatilities(int n, double[] c, double[] vol) {
        double[] s = new double[n * n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j <= i; j++) {
                double v = vol[i] * vol[j] * c[i * n + j] / Math.sqrt(c[i * n + i] * c[j * n + j]);
                s[i * n + j] = v;
                s[j * n + i] = v;
            }
        }
        return CovarianceMatrix.of(n, s);
    }

    /**
     * Correlation −(1 − 1e-6)/(n − 1) between every pair (as negative as a positive definite equicorrelation gets:
     * condition ~1e9 at n = 100), volatilities over two decades in random order.
     */
    public static CovarianceMatrix negativeEquicorrelation(int n, long seed) {
        Random r = new Random(seed);
        double[] vol = new double[n];
        for (int i = 0; i < n; i++) {
            vol[i] = Math.pow(10, -2 + 2.0 * i / Math.max(1, n - 1));
        }
        for (int i = n - 1; i > 0; i--) {
            int j = r.nextInt(i + 1);
            double t = vol[i];
            vol[i] = vol[j];
            vol[j] = t;
        }
        double[] c = new double[n * n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                c[i * n + j] = i == j ? 1 : -(1 - 1e-6) / (n - 1);
            }
        }
        return withVolatilities(n, c, vol);
    }

    /**
     * A copy of {@code cov}'s values whose upper triangle is moved by ±rel·σ_iσ_j (random signs), the lower kept: the
     * two triangles differ by as much as {@link CovarianceMatrix#SYMMETRY_TOLERANCE} allows at rel = 1e-10 (a file
     * written at 11 digits, say).
     */
    public static double[] nearlySymmetric(CovarianceMatrix cov, double rel, long seed) {
        int n = cov.size();
        double[] v = cov.values().clone();
        Random r = new Random(seed);
        for (int i = 0; i < n; i++) {
            for (int j = i + 1; j < n; j++) {
                v[i * n + j] += (r.nextBoolean() ? 1 : -1) * rel * Math.sqrt(v[i * n + i] * v[j * n + j]);
            }
        }
        return v;
    }

    /** Random budgets > 0 summing to one, with {@code zeros} leading entries (after shuffling) set to zero. */
    public static double[] budgets(int n, int zeros, long seed) {
        Random r = new Random(seed);
        double[] b = new double[n];
        double sum = 0;
        for (int i = 0; i < n; i++) {
            b[i] = 0.1 + r.nextDouble();
        }
        for (int z = 0; z < zeros; z++) {
            b[r.nextInt(n)] = 0;
        }
        for (double v : b) {
            sum += v;
        }
        for (int i = 0; i < n; i++) {
            b[i] /= sum;
        }
        return b;
    }
}

package io.equirisk.covariance;

import io.equirisk.data.Returns;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Ledoit-Wolf (identity and constant-correlation targets) and OAS against their published formulas, written here
 * term by term with explicit loops over dates and pairs (no factored sums), and against a case worked by hand.
 */
class ShrinkageEstimatorsTest {

    private static Returns returns(int t, int n, long seed) {
        return Returns.of(t, n, Reference.returns(t, n, seed), null, null);
    }

    /** Demeaned rows. */
    private static double[][] demeaned(Returns r) {
        int t = r.observations();
        int n = r.assetCount();
        double[] m = Reference.means(r.values(), n, 0, t);
        double[][] x = new double[t][n];
        for (int s = 0; s < t; s++) {
            for (int j = 0; j < n; j++) {
                x[s][j] = r.get(s, j) - m[j];
            }
        }
        return x;
    }

    /** LW 2004 in the paper's notation: m, d², b̄², b² = min(b̄², d²), δ = b²/d²; result in the 1/(T−1) scaling. */
    static double[] ledoitWolf(Returns r) {
        int t = r.observations();
        int n = r.assetCount();
        double[][] x = demeaned(r);
        double[] s = Reference.covariance(r.values(), n, 0, t, t);
        double m = 0;
        for (int i = 0; i < n; i++) {
            m += s[i * n + i] / n;
        }
        double d2 = 0;
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                double v = s[i * n + j] - (i == j ? m : 0);
                d2 += v * v / n;
            }
        }
        double b2bar = 0;
        for (int k = 0; k < t; k++) {
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < n; j++) {
                    double v = x[k][i] * x[k][j] - s[i * n + j];
                    b2bar += v * v / n;
                }
            }
        }
        b2bar /= (double) t * t;
        double delta = Math.min(b2bar, d2) / d2;
        double[] out = new double[n * n];
        for (int q = 0; q < out.length; q++) {
            out[q] = (double) t / (t - 1) * ((1 - delta) * s[q] + (q % (n + 1) == 0 ? delta * m : 0));
        }
        return out;
    }

    /** "Honey, I shrunk": π̂, ρ̂ (with θ̂ in its symmetric form), γ̂ from their definitions; 1/(T−1) scaling. */
    static double[] constantCorrelation(Returns r) {
        int t = r.observations();
        int n = r.assetCount();
        double[][] x = demeaned(r);
        double[] s = Reference.covariance(r.values(), n, 0, t, t);
        double rBar = 0;
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                if (i != j) {
                    rBar += s[i * n + j] / Math.sqrt(s[i * n + i] * s[j * n + j]) / (n * (n - 1.0));
                }
            }
        }
        double[] f = new double[n * n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                f[i * n + j] = i == j ? s[i * n + i] : rBar * Math.sqrt(s[i * n + i] * s[j * n + j]);
            }
        }
        double pi = 0;
        double rho = 0;
        double gamma = 0;
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                double pij = 0;
                double thetaI = 0; // θ̂_ii,ij
                double thetaJ = 0; // θ̂_jj,ij
                for (int k = 0; k < t; k++) {
                    double cross = x[k][i] * x[k][j] - s[i * n + j];
                    pij += cross * cross / t;
                    thetaI += (x[k][i] * x[k][i] - s[i * n + i]) * cross / t;
                    thetaJ += (x[k][j] * x[k][j] - s[j * n + j]) * cross / t;
                }
                pi += pij;
                if (i == j) {
                    rho += pij;
                } else {
                    rho += rBar / 2 * (Math.sqrt(s[j * n + j] / s[i * n + i]) * thetaI
                            + Math.sqrt(s[i * n + i] / s[j * n + j]) * thetaJ);
                }
                gamma += (f[i * n + j] - s[i * n + j]) * (f[i * n + j] - s[i * n + j]);
            }
        }
        double delta = Math.max(0, Math.min(1, (pi - rho) / gamma / t));
        double[] out = new double[n * n];
        for (int q = 0; q < out.length; q++) {
            out[q] = (double) t / (t - 1) * (delta * f[q] + (1 - delta) * s[q]);
        }
        return out;
    }

    /** OAS as scikit-learn documents it, with tr(S²) and tr(S) by loops; 1/(T−1) scaling. */
    static double[] oas(Returns r) {
        int t = r.observations();
        int n = r.assetCount();
        double[] s = Reference.covariance(r.values(), n, 0, t, t);
        double tr = 0;
        double tr2 = 0;
        for (int i = 0; i < n; i++) {
            tr += s[i * n + i];
            for (int j = 0; j < n; j++) {
                tr2 += s[i * n + j] * s[j * n + i];
            }
        }
        double mu = tr / n;
        double alpha = tr2 / n / n;
        double rho = Math.min(1, (alpha + mu * mu) / ((t + 1) * (alpha - mu * mu / n)));
        double[] out = new double[n * n];
        for (int q = 0; q < out.length; q++) {
            out[q] = (double) t / (t - 1) * ((1 - rho) * s[q] + (q % (n + 1) == 0 ? rho * mu : 0));
        }
        return out;
    }

    @Test
    void ledoitWolfMatchesThePublishedFormula() {
        for (int[] shape : new int[][] {{60, 15}, {10, 25}, {200, 3}, {7, 2}}) {
            Returns r = returns(shape[0], shape[1], shape[0] + 100L * shape[1]);
            double[] got = CovarianceEstimators.parse("ledoit-wolf").estimate(r).values();
            double err = Reference.relativeError(got, ledoitWolf(r));
            assertTrue(err < 1e-12, "T=" + shape[0] + " N=" + shape[1] + ": " + err);
        }
    }

    @Test
    void ledoitWolfWorkedByHand() {
        // Rows (2,0), (−2,0), (0,1), (0,−1): means 0, S (1/T) = diag(2, 1/2), μ = 5/4.
        // d² = ((3/4)² + (3/4)²)/2 = 9/16; each ‖x_t x_tᵀ − S‖² = 17/4, so b̄² = (4·17/4)/(16·2) = 17/32;
        // δ = (17/32)/(9/16) = 17/18. (1 − δ)S + δμI = diag(23.25/18, 21.75/18); times T/(T−1) = 4/3:
        // diag(31/18, 29/18), off-diagonal 0.
        Returns r = Returns.of(new double[][] {{2, 0}, {-2, 0}, {0, 1}, {0, -1}});
        double[] got = CovarianceEstimators.parse("ledoit-wolf").estimate(r).values();
        assertEquals(31.0 / 18, got[0], 1e-15);
        assertEquals(29.0 / 18, got[3], 1e-15);
        assertEquals(0.0, got[1], 1e-15);
        assertEquals(0.0, got[2], 1e-15);
    }

    @Test
    void ledoitWolfIntensityIsClippedAtOne() {
        // Rows (1,0), (0,1), (−1,−1): means 0, S (1/T) = [[2,1],[1,2]]/3, μ = 2/3, d² = ‖S − μI‖² = 2/9;
        // Σ_t ‖x_t‖⁴ = 1 + 1 + 4 = 6, so b̄² = (6/3 − ‖S‖²_F)/T = (2 − 10/9)/3 = 8/27 and b̄²/d² = 4/3 > 1:
        // δ = min(b̄², d²)/d² = 1 (Ledoit & Wolf 2004, lemma 3.3), the estimate is the target μI times T/(T−1) = 3/2,
        // i.e. exactly the identity. Unclipped (δ = 4/3) the off-diagonal would be −1/6.
        Returns r = Returns.of(new double[][] {{1, 0}, {0, 1}, {-1, -1}});
        double[] got = CovarianceEstimators.parse("ledoit-wolf").estimate(r).values();
        assertEquals(1.0, got[0], 1e-15);
        assertEquals(1.0, got[3], 1e-15);
        assertEquals(0.0, got[1], 1e-15);
        assertEquals(0.0, got[2], 1e-15);
    }

    @Test
    void constantCorrelationMatchesThePublishedFormula() {
        for (int[] shape : new int[][] {{60, 15}, {12, 20}, {300, 4}, {9, 2}}) {
            Returns r = returns(shape[0], shape[1], 7 * shape[0] + shape[1]);
            double[] got = CovarianceEstimators.parse("ledoit-wolf-cc").estimate(r).values();
            double err = Reference.relativeError(got, constantCorrelation(r));
            assertTrue(err < 1e-12, "T=" + shape[0] + " N=" + shape[1] + ": " + err);
        }
    }

    @Test
    void constantCorrelationShrinksFullyWhenTheSampleIsExactlyTheTarget() {
        // two perfectly co-moving assets (r̄ = 1, correlation 1): F = S, γ̂ = 0, δ = 0, result = sample
        Returns r = Returns.of(new double[][] {{1, 2}, {-1, -2}, {3, 6}, {0, 0}});
        double[] got = CovarianceEstimators.parse("ledoit-wolf-cc").estimate(r).values();
        double[] sample = Reference.covariance(r.values(), 2, 0, 4, 3);
        assertTrue(Reference.relativeError(got, sample) < 1e-15);
    }

    @Test
    void oasMatchesTheDocumentedFormula() {
        for (int[] shape : new int[][] {{60, 15}, {10, 30}, {500, 3}}) {
            Returns r = returns(shape[0], shape[1], 11 * shape[0] + shape[1]);
            double[] got = CovarianceEstimators.parse("oas").estimate(r).values();
            double err = Reference.relativeError(got, oas(r));
            assertTrue(err < 1e-12, "T=" + shape[0] + " N=" + shape[1] + ": " + err);
        }
    }

    /**
     * Returns whose sample covariance is a multiple of the identity to rounding (orthonormal demeaned columns × 0.01,
     * as whitened factor returns are): every intensity in [0, 1] gives μI. The distance from μI is then rounding
     * noise, which as the difference α − μ²/N came out negative on about a quarter of these draws: ρ ≈ −1e15, and a
     * code review saw "asset A has variance 0.0 after shrinkage", or invented correlations of 0.1.
     */
    @Test
    void oasOnWhitenedReturnsIsTheScaledIdentity() {
        int t = 8;
        int n = 3;
        for (long seed = 0; seed < 60; seed++) {
            java.util.Random rng = new java.util.Random(seed);
            double[][] unit = new double[n][t];
            for (int j = 0; j < n; j++) { // Gram-Schmidt on demeaned Gaussian columns
                double[] c = new double[t];
                double mean = 0;
                for (int s = 0; s < t; s++) {
                    c[s] = rng.nextGaussian();
                    mean += c[s] / t;
                }
                for (int s = 0; s < t; s++) {
                    c[s] -= mean;
                }
                for (int k = 0; k < j; k++) {
                    double dot = 0;
                    for (int s = 0; s < t; s++) {
                        dot += c[s] * unit[k][s];
                    }
                    for (int s = 0; s < t; s++) {
                        c[s] -= dot * unit[k][s];
                    }
                }
                double norm = 0;
                for (double v : c) {
                    norm += v * v;
                }
                for (int s = 0; s < t; s++) {
                    unit[j][s] = c[s] / Math.sqrt(norm);
                }
            }
            double[][] x = new double[t][n];
            for (int s = 0; s < t; s++) {
                for (int j = 0; j < n; j++) {
                    x[s][j] = 0.01 * unit[j][s];
                }
            }
            Returns r = Returns.of(x);
            double rho = OasEstimator.intensity(SampleMoments.of(r));
            assertTrue(rho >= 0 && rho <= 1, "seed " + seed + ": ρ = " + rho);
            double mu = 1e-4 / (t - 1); // each column's squared norm is 1e-4; the sample divides by T − 1
            double[] got = CovarianceEstimators.parse("oas").estimate(r).values();
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < n; j++) {
                    assertEquals(i == j ? mu : 0, got[i * n + j], 1e-12 * mu, "seed " + seed + " (" + i + ", " + j
                            + ")");
                }
            }
        }
    }

    /** The constant-correlation target's pair (i, j) is computed once: the estimate is symmetric to the bit. */
    @Test
    void constantCorrelationEstimateIsExactlySymmetric() {
        Returns r = returns(250, 21, 3);
        CovarianceMatrix got = CovarianceEstimators.parse("ledoit-wolf-cc").estimate(r);
        for (int i = 0; i < 21; i++) {
            for (int j = 0; j < i; j++) {
                assertEquals(got.get(i, j), got.get(j, i), 0.0, "(" + i + ", " + j + ")");
            }
        }
    }

    /**
     * Volatilities 1e100 apart: the one power-of-two scale for the moments leaves the small asset's cubes below
     * double's range. The estimate must be what it is at moderate spreads, checked by scaling one asset (which moves
     * δ only through that asset's weight in the sums, negligible here at either spread).
     */
    @Test
    void constantCorrelationWithVolatilitiesFarApartKeepsItsIntensity() {
        int t = 120;
        double[] base = Reference.returns(t, 3, 17);
        double[] near = base.clone();
        double[] far = base.clone();
        for (int s = 0; s < t; s++) {
            near[s * 3] *= 1e-20;
            far[s * 3] *= 1e-100;
            near[s * 3 + 2] *= 1e10;
            far[s * 3 + 2] *= 1e50;
        }
        CovarianceMatrix a = CovarianceEstimators.parse("ledoit-wolf-cc").estimate(Returns.of(t, 3, near, null, null));
        CovarianceMatrix b = CovarianceEstimators.parse("ledoit-wolf-cc").estimate(Returns.of(t, 3, far, null, null));
        for (int i = 0; i < 3; i++) {
            for (int j = 0; j < 3; j++) {
                double ca = a.get(i, j) / Math.sqrt(a.get(i, i) * a.get(j, j));
                double cb = b.get(i, j) / Math.sqrt(b.get(i, i)) / Math.sqrt(b.get(j, j));
                assertEquals(ca, cb, 1e-9, "correlation (" + i + ", " + j + ")");
            }
        }
    }

    @Test
    void shrinkageGivesPositiveDefiniteEstimatesWithFewerRowsThanAssets() {
        Returns r = returns(20, 60, 99);
        for (String spec : new String[] {"ledoit-wolf", "ledoit-wolf-cc", "oas"}) {
            CovarianceEstimators.parse(spec).estimate(r).requirePositiveDefinite();
        }
    }
}

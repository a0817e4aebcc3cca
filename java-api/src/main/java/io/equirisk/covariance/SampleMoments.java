package io.equirisk.covariance;

import io.equirisk.data.Returns;

/**
 * The moments the shrinkage estimators need from complete returns X (T×N), demeaned (x_t = r_t − r̄):
 * S = (1/T) Σ_t x_t x_tᵀ (the maximum-likelihood scaling the papers use for the intensity), tr S, ‖S‖²_F, and three
 * fourth-moment sums, each O(NT) because the double sums over pairs factor through per-row sums:
 * <ul>
 *   <li>{@code sumSquaredNorms} = Σ_t ‖x_t‖⁴ = Σ_t Σ_ij x_ti² x_tj²,</li>
 *   <li>{@code sumCrossSquares} = Σ_t Σ_{i≠j} x_ti² x_tj²,</li>
 *   <li>{@code sumCubeCross} = Σ_t Σ_{i≠j} (√s_jj/√s_ii) x_ti³ x_tj.</li>
 * </ul>
 * The two sums over i ≠ j run over each row's pairs through prefix sums (pair (i, j) met at the later of the two),
 * not as the whole row's product less its diagonal: where one asset's volatility is 10⁴ times the others', its
 * x⁴ terms are 10¹⁶ times theirs, and the difference kept nothing of the pairs (the constant-correlation intensity
 * went from δ = 0 to 1).
 * Fourth powers leave double's range for deviations beyond ~1e±76 (returns in basis points of basis points, or
 * mis-scaled data): 1e-80 underflowed to a 22% wrong intensity, 1e80 overflowed to NaN. So returns whose largest
 * deviation lies outside 2^±60 are taken times a power of two 2^k that brings it near one, every moment is of the
 * scaled returns, and {@link #shrink} scales the estimate back by 2^−2k. Scaling by a power of two is exact, and the
 * intensity is a ratio of moments of equal degree, so the result is the one exact arithmetic would give at any
 * scale; data within the range is not copied or touched.
 */
final class SampleMoments {
    final int n;
    final int t;
    /** S with 1/T, row-major, full. */
    final double[] s;
    final double trace;
    final double frobenius2;
    final double sumSquaredNorms;
    final double sumCrossSquares;
    final double sumCubeCross;
    /** The moments are of the returns times 2^scale (see the class comment). */
    final int scale;

    private SampleMoments(int n, int t, double[] s, double trace, double frobenius2, double sumSquaredNorms,
                          double sumCrossSquares, double sumCubeCross, int scale) {
        this.n = n;
        this.t = t;
        this.s = s;
        this.trace = trace;
        this.frobenius2 = frobenius2;
        this.sumSquaredNorms = sumSquaredNorms;
        this.sumCrossSquares = sumCrossSquares;
        this.sumCubeCross = sumCubeCross;
        this.scale = scale;
    }

    /** From complete rows with at least one varying value per asset (the estimators check both first). */
    static SampleMoments of(Returns x) {
        int n = x.assetCount();
        int t = x.observations();
        double[] r = x.values();
        double[] mean = Estimation.means(x);
        int scale = scaleExponent(r, n, mean);
        if (scale != 0) {
            double[] scaled = new double[r.length];
            for (int q = 0; q < r.length; q++) {
                scaled[q] = Math.scalb(r[q], scale);
            }
            r = scaled;
            mean = CovarianceKernels.columnMeans(r, n, 0, t);
        }
        double[] s = new double[n * n];
        CovarianceKernels.product(r, n, 0, t, mean, null, 1.0 / t, s, 0, CovarianceKernels.defaultThreads());
        double trace = 0;
        double[] sd = new double[n];
        for (int i = 0; i < n; i++) {
            trace += s[i * n + i];
            sd[i] = Math.sqrt(s[i * n + i]);
        }
        double frob = 0;
        for (double v : s) {
            frob += v * v;
        }
        double norms = 0;
        double cross = 0;
        double cube = 0;
        for (int k = 0; k < t; k++) {
            int row = k * n;
            double q = 0; /* Σ_{i<k} x_i², and at the end ‖x_t‖² */
            double c = 0; /* Σ_{i<j} x_i² x_j² */
            double a = 0; /* Σ_{i<k} x_i³/√s_ii */
            double z = 0; /* Σ_{i<k} √s_ii x_i */
            double m = 0; /* Σ_{i≠j, both < k} (x_i³/√s_ii)(√s_jj x_j) */
            for (int i = 0; i < n; i++) {
                double v = r[row + i] - mean[i];
                double v2 = v * v;
                double ai = v2 * (v / sd[i]); /* v/σ first: v³ underflows for an asset ~1e-100 of the largest's scale */
                double zi = sd[i] * v;
                c += v2 * q;
                m += ai * z + zi * a;
                q += v2;
                a += ai;
                z += zi;
            }
            norms += q * q;
            cross += 2 * c;
            cube += m;
        }
        return new SampleMoments(n, t, s, trace, frob, norms, cross, cube, scale);
    }

    /**
     * k such that the returns times 2^k have their largest deviation from the mean near one, or 0 where it already
     * lies within 2^±60 (fourth powers and their sums over 10⁴ assets then stay far inside double's range). Capped so
     * that the scaled returns themselves stay finite.
     */
    private static int scaleExponent(double[] r, int n, double[] mean) {
        double maxAbs = 0;
        double maxDev = 0;
        for (int q = 0; q < r.length; q++) {
            maxAbs = Math.max(maxAbs, Math.abs(r[q]));
            maxDev = Math.max(maxDev, Math.abs(r[q] - mean[q % n]));
        }
        if (!Double.isFinite(maxDev)) { // the means or deviations overflowed: bring the returns themselves near one
            return -Math.getExponent(maxAbs);
        }
        if (maxDev == 0 || (maxDev <= 0x1p60 && maxDev >= 0x1p-60)) {
            return 0;
        }
        return Math.min(-Math.getExponent(maxDev), 1000 - Math.getExponent(maxAbs));
    }

    /**
     * (T/(T−1))·((1 − δ)·S + δ·target): the shrunk estimate in the unbiased scaling of the sample estimator, of the
     * returns as given (the target is in the moments' scale).
     */
    double[] shrink(double delta, double[] target) {
        double unbias = (double) t / (t - 1);
        double[] out = new double[n * n];
        for (int q = 0; q < out.length; q++) {
            out[q] = Math.scalb(unbias * ((1 - delta) * s[q] + delta * target[q]), -2 * scale);
        }
        return out;
    }

    /**
     * ‖S − μI‖²_F with μ = tr(S)/N, as a sum of squares, never negative: as ‖S‖²_F − Nμ² it is rounding noise where S
     * is close to a multiple of the identity (whitened factor returns), and negative on about a quarter of such draws.
     */
    double distanceFromScaledIdentity() {
        double mu = trace / n;
        double sum = 0;
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                double d = s[i * n + j] - (i == j ? mu : 0);
                sum += d * d;
            }
        }
        return sum;
    }

    /** μI with μ = tr(S)/N. */
    double[] scaledIdentity() {
        double mu = trace / n;
        double[] f = new double[n * n];
        for (int i = 0; i < n; i++) {
            f[i * n + i] = mu;
        }
        return f;
    }
}

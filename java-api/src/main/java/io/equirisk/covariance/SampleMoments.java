package io.equirisk.covariance;

import io.equirisk.data.Returns;

/**
 * The moments the shrinkage estimators need from complete returns X (T×N), demeaned (x_t = r_t − r̄):
 * S = (1/T) Σ_t x_t x_tᵀ (the maximum-likelihood scaling the papers use for the intensity), tr S, ‖S‖²_F, and three
 * fourth-moment sums, each O(NT) because the double sums over pairs factor through per-row sums:
 * <ul>
 *   <li>{@code sumSquaredNorms} = Σ_t ‖x_t‖⁴ = Σ_t Σ_ij x_ti² x_tj²,</li>
 *   <li>{@code sumFourthPowers} = Σ_t Σ_i x_ti⁴,</li>
 *   <li>{@code sumCubeCross} = Σ_t (Σ_i x_ti³/√s_ii)(Σ_j √s_jj x_tj) = Σ_t Σ_ij (√s_jj/√s_ii) x_ti³ x_tj.</li>
 * </ul>
 */
final class SampleMoments {
    final int n;
    final int t;
    /** S with 1/T, row-major, full. */
    final double[] s;
    final double trace;
    final double frobenius2;
    final double sumSquaredNorms;
    final double sumFourthPowers;
    final double sumCubeCross;

    private SampleMoments(int n, int t, double[] s, double trace, double frobenius2, double sumSquaredNorms,
                          double sumFourthPowers, double sumCubeCross) {
        this.n = n;
        this.t = t;
        this.s = s;
        this.trace = trace;
        this.frobenius2 = frobenius2;
        this.sumSquaredNorms = sumSquaredNorms;
        this.sumFourthPowers = sumFourthPowers;
        this.sumCubeCross = sumCubeCross;
    }

    /** From complete rows with at least one varying value per asset (the estimators check both first). */
    static SampleMoments of(Returns x) {
        int n = x.assetCount();
        int t = x.observations();
        double[] r = x.values();
        double[] mean = Estimation.means(x);
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
        double fourth = 0;
        double cube = 0;
        for (int k = 0; k < t; k++) {
            int row = k * n;
            double q = 0;
            double f = 0;
            double u = 0;
            double z = 0;
            for (int i = 0; i < n; i++) {
                double v = r[row + i] - mean[i];
                double v2 = v * v;
                q += v2;
                f += v2 * v2;
                u += v2 * v / sd[i];
                z += sd[i] * v;
            }
            norms += q * q;
            fourth += f;
            cube += u * z;
        }
        return new SampleMoments(n, t, s, trace, frob, norms, fourth, cube);
    }

    /** (T/(T−1))·((1 − δ)·S + δ·target): the shrunk estimate in the unbiased scaling of the sample estimator. */
    double[] shrink(double delta, double[] target) {
        double unbias = (double) t / (t - 1);
        double[] out = new double[n * n];
        for (int q = 0; q < out.length; q++) {
            out[q] = unbias * ((1 - delta) * s[q] + delta * target[q]);
        }
        return out;
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

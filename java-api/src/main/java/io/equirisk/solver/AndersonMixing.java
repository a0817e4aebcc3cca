package io.equirisk.solver;

import io.equirisk.error.NotPositiveDefiniteException;
import io.equirisk.kernel.NumericKernels;
import io.equirisk.linalg.Cholesky;

/**
 * Anderson acceleration (type II, Walker &amp; Ni 2011) of the fixed-point map "one forward and one backward sweep".
 * Near the solution that map is a linear contraction with real eigenvalues (symmetric Gauss-Seidel), which
 * Anderson's least-squares combination of the last few steps removes several components of at once: on
 * factor-model covariances it saves a quarter to a half of the sweeps to 1e-10. Costs O(depth·N) per pair of sweeps
 * against O(N²) for the sweeps.
 *
 * <p>The accelerated point is an affine combination of the last sweep outputs, x' = g − Σ_j γ_j Δg_j (weights that
 * sum to one), so any quantity linear in x combines the same way. The sweeps' cached dot products (the backward
 * sweep's products of each row with x beyond its block, which the next forward sweep reuses instead of reading Σ
 * for them) are carried along: mixing then costs the forward sweep nothing. The least-squares fit weighs each
 * coordinate's step by 1/x_i, so that small and large weights count alike (to first order, mixing in ln x).
 *
 * <p>Safeguards: an extrapolation that moves any coordinate by more than a factor e relative to the plain sweep
 * (which also keeps every coordinate positive), or a near-singular least-squares system, is refused (the plain sweep
 * result is kept) and the history restarts.
 */
final class AndersonMixing {
    private final NumericKernels k;
    private final int n;
    private final int depth;
    private final double[][] dg;
    private final double[][] df;
    private final double[][] du;
    private final double[] prevG;
    private final double[] prevF;
    private final double[] prevU;
    private final double[] f;
    private final double[] w;
    private final double[] z;
    /** The weighted steps W·Δf_j of the current call, and W·f. */
    private final double[][] wdf;
    private final double[] wf;
    private int stored;
    private int next;
    private boolean havePrev;

    AndersonMixing(NumericKernels k, int n, int depth) {
        this.k = k;
        this.n = n;
        this.depth = depth;
        this.dg = new double[depth][n];
        this.df = new double[depth][n];
        this.du = new double[depth][n];
        this.prevG = new double[n];
        this.prevF = new double[n];
        this.prevU = new double[n];
        this.f = new double[n];
        this.w = new double[n];
        this.z = new double[n];
        this.wdf = new double[depth][n];
        this.wf = new double[n];
    }

    /**
     * @param before x at the start of the pair of sweeps
     * @param x      x after it (the map's value); replaced by the accelerated point
     * @param up     a vector linear in x that belongs to {@code x} (the cached dot products); replaced by its value
     *               at the accelerated point
     * @param b      budgets: coordinates with b_i = 0 stay at 0 and are ignored
     * @return true when x (and up) were replaced, false when the plain sweep result was kept
     */
    boolean mix(double[] before, double[] x, double[] up, double[] b) {
        for (int i = 0; i < n; i++) {
            f[i] = x[i] - before[i];
            w[i] = b[i] > 0 ? 1.0 / x[i] : 0.0;
        }
        if (havePrev) {
            for (int i = 0; i < n; i++) {
                dg[next][i] = x[i] - prevG[i];
                df[next][i] = f[i] - prevF[i];
                du[next][i] = up[i] - prevU[i];
            }
            next = (next + 1) % depth;
            stored = Math.min(stored + 1, depth);
        }
        System.arraycopy(x, 0, prevG, 0, n);
        System.arraycopy(f, 0, prevF, 0, n);
        System.arraycopy(up, 0, prevU, 0, n);
        havePrev = true;
        if (stored == 0) {
            return false;
        }
        double[] gamma = leastSquares();
        if (gamma == null) {
            restart();
            return false;
        }
        System.arraycopy(x, 0, z, 0, n);
        for (int j = 0; j < stored; j++) {
            k.axpy(-gamma[j], dg[j], 0, z, 0, n);
        }
        for (int i = 0; i < n; i++) {
            // within a factor e of the plain result: positive, and no wild extrapolation (zero budgets: z = x = 0)
            if (b[i] > 0 && !(z[i] > x[i] * (1 / Math.E) && z[i] < x[i] * Math.E)) {
                restart();
                return false;
            }
        }
        System.arraycopy(z, 0, x, 0, n);
        for (int j = 0; j < stored; j++) {
            k.axpy(-gamma[j], du[j], 0, up, 0, n);
        }
        return true;
    }

    private void restart() {
        stored = 0;
        next = 0;
    }

    /**
     * γ minimising ||W(f − ΔF γ)||₂, W = diag(1/x), through the normal equations (at most depth × depth), or null
     * if ill-posed.
     */
    private double[] leastSquares() {
        int m = stored;
        for (int i = 0; i < n; i++) {
            wf[i] = w[i] * f[i];
        }
        for (int p = 0; p < m; p++) {
            double[] src = df[p];
            double[] dst = wdf[p];
            for (int i = 0; i < n; i++) {
                dst[i] = w[i] * src[i];
            }
        }
        double[] a = new double[m * m];
        double[] rhs = new double[m];
        for (int p = 0; p < m; p++) {
            for (int q = 0; q <= p; q++) {
                double s = k.dot(wdf[p], 0, wdf[q], 0, n);
                a[p * m + q] = s;
                a[q * m + p] = s;
            }
            rhs[p] = k.dot(wdf[p], 0, wf, 0, n);
        }
        double scale = 0;
        for (int p = 0; p < m; p++) {
            scale = Math.max(scale, a[p * m + p]);
        }
        if (!(scale > 0)) {
            return null;
        }
        for (int p = 0; p < m; p++) {
            a[p * m + p] += 1e-12 * scale; // regularises nearly collinear histories
        }
        try {
            Cholesky.factor(a, m);
        } catch (NotPositiveDefiniteException e) {
            return null;
        }
        double[] gamma = rhs;
        Cholesky.solve(a, m, gamma);
        for (double v : gamma) {
            if (!Double.isFinite(v)) {
                return null;
            }
        }
        return gamma;
    }
}

package io.equirisk.solver;

import io.equirisk.error.NotPositiveDefiniteException;
import io.equirisk.linalg.Cholesky;

/**
 * Anderson acceleration (type II, Walker &amp; Ni 2011) of the fixed-point map "one forward and one backward sweep",
 * in log-coordinates z = ln x so that every extrapolated point stays positive. Near the solution that map is a
 * linear contraction with real eigenvalues (symmetric Gauss-Seidel), which Anderson's least-squares combination of
 * the last few steps removes several components of at once: on factor-model covariances it roughly halves the
 * sweeps to 1e-10. Costs O(depth·N) per pair of sweeps against O(N²) for the sweeps.
 *
 * <p>Safeguards: an extrapolation that moves any coordinate by more than a factor e relative to the plain sweep,
 * or a near-singular least-squares system, is refused (the plain sweep result is kept) and the history restarts.
 */
final class AndersonMixing {
    private final int n;
    private final int depth;
    private final double[][] dg;
    private final double[][] df;
    private final double[] prevG;
    private final double[] prevF;
    private final double[] g;
    private final double[] f;
    private int stored;
    private int next;
    private boolean havePrev;

    AndersonMixing(int n, int depth) {
        this.n = n;
        this.depth = depth;
        this.dg = new double[depth][n];
        this.df = new double[depth][n];
        this.prevG = new double[n];
        this.prevF = new double[n];
        this.g = new double[n];
        this.f = new double[n];
    }

    /**
     * @param before x at the start of the pair of sweeps
     * @param x      x after it (the map's value); replaced by the accelerated point
     * @param b      budgets: coordinates with b_i = 0 stay at 0 and are ignored
     */
    void mix(double[] before, double[] x, double[] b) {
        for (int i = 0; i < n; i++) {
            if (b[i] > 0) {
                g[i] = Math.log(x[i]);
                f[i] = g[i] - Math.log(before[i]);
            } else {
                g[i] = 0;
                f[i] = 0;
            }
        }
        if (havePrev) {
            for (int i = 0; i < n; i++) {
                dg[next][i] = g[i] - prevG[i];
                df[next][i] = f[i] - prevF[i];
            }
            next = (next + 1) % depth;
            stored = Math.min(stored + 1, depth);
        }
        System.arraycopy(g, 0, prevG, 0, n);
        System.arraycopy(f, 0, prevF, 0, n);
        havePrev = true;
        if (stored == 0) {
            return;
        }
        double[] gamma = leastSquares();
        if (gamma == null) {
            restart();
            return;
        }
        double[] z = new double[n];
        for (int i = 0; i < n; i++) {
            if (b[i] > 0) {
                double v = g[i];
                for (int j = 0; j < stored; j++) {
                    v -= gamma[j] * dg[j][i];
                }
                if (!(Math.abs(v - g[i]) <= 1.0)) {
                    restart();
                    return;
                }
                z[i] = v;
            }
        }
        for (int i = 0; i < n; i++) {
            if (b[i] > 0) {
                x[i] = Math.exp(z[i]);
            }
        }
    }

    private void restart() {
        stored = 0;
        next = 0;
    }

    /** γ minimising ||f − ΔF γ||₂ through the normal equations (at most depth × depth), or null if ill-posed. */
    private double[] leastSquares() {
        int m = stored;
        double[] a = new double[m * m];
        double[] rhs = new double[m];
        for (int p = 0; p < m; p++) {
            for (int q = 0; q <= p; q++) {
                double s = 0;
                for (int i = 0; i < n; i++) {
                    s += df[p][i] * df[q][i];
                }
                a[p * m + q] = s;
                a[q * m + p] = s;
            }
            double s = 0;
            for (int i = 0; i < n; i++) {
                s += df[p][i] * f[i];
            }
            rhs[p] = s;
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

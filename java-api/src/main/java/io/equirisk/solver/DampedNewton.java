package io.equirisk.solver;

import io.equirisk.error.NotPositiveDefiniteException;
import io.equirisk.linalg.Cholesky;

/**
 * Damped Newton on Spinu's form f(x) = ½xᵀΣx − Σ b_i ln x_i over the active assets, stepping in correlation
 * coordinates y = Dx (D = diag σ) for conditioning: there the Hessian is H = C + diag(b/y²) with C = D⁻¹ΣD⁻¹, which
 * stays positive definite even where C is nearly singular. The objective is self-concordant, so the damped step
 * 1/(1+λ) with the Newton decrement λ = sqrt(gᵀH⁻¹g) converges from any positive start (Spinu 2013); full steps once
 * λ ≤ 0.25 give quadratic convergence. A step that would leave the positive orthant is halved.
 *
 * <p>The gradient and the residual are evaluated on the original Σ with compensated products
 * ({@link CompensatedProduct}); the Hessian may be rounded, since it only shapes the step. So the attainable
 * accuracy is that of the problem, not of the rounding of C or of cancellation in Σx.
 *
 * <p>Each step costs one Cholesky factorisation, m³/3 flops: this is the finisher for problems where coordinate
 * descent stalls (condition numbers of 1e10 and beyond), not the default for large well-conditioned ones.
 */
final class DampedNewton {
    static final int MAX_STEPS = 200;
    /**
     * Full steps in a row that may fail to halve the best residual before Newton stops: full steps (λ ≤ 0.25) converge
     * quadratically in Newton's decrement, and the residual max|RC − b| follows within a few steps (with budgets from
     * 1e-6 to 0.5 of the total it lagged for five in a row from the inverse-volatility start); eight that gain less
     * than a factor of two mean the residual has reached what double precision can show on this Σ (DESIGN §4).
     * Without it, such problems ran to the 200-step cap: 200 factorisations for nothing, seconds at a few hundred
     * assets.
     */
    static final int STALL_STEPS = 8;

    private final double[] sigma;
    private final int off;
    private final int n;
    private final int[] active;
    private final double[] vol;
    private final double[] corr;
    private final double[] b;
    private final double[] x;
    private final double[] sx;
    private final double[] h;
    private final double[] g;
    private final double[] d;
    private final int m;

    int steps;
    double residual = Double.POSITIVE_INFINITY;
    boolean factorizationFailed;
    /** Whether the last step was a full one (t = 1: the quadratic phase). */
    private boolean lastStepFull;

    /**
     * @param sigma Σ at {@code sigma[off..]}, n×n row-major (not modified)
     * @param b     budgets (length n); the active assets are those with b_i > 0
     * @param x     start point, x_i > 0 on the active set and 0 elsewhere; updated in place
     */
    DampedNewton(double[] sigma, int off, int n, double[] b, double[] x, int[] active) {
        this.sigma = sigma;
        this.off = off;
        this.n = n;
        this.b = b;
        this.x = x;
        this.active = active;
        this.m = active.length;
        this.vol = new double[m];
        for (int a = 0; a < m; a++) {
            vol[a] = Math.sqrt(sigma[off + active[a] * n + active[a]]);
        }
        this.corr = new double[m * m];
        for (int a = 0; a < m; a++) {
            int row = off + active[a] * n;
            for (int c = 0; c < m; c++) {
                corr[a * m + c] = a == c ? 1.0 : sigma[row + active[c]] / (vol[a] * vol[c]);
            }
        }
        this.sx = new double[n];
        this.h = new double[m * m];
        this.g = new double[m];
        this.d = new double[m];
    }

    /**
     * Iterates until the residual is ≤ tol, {@code maxSteps}, or {@link #STALL_STEPS} full steps that do not halve
     * the best residual (then from the best point), then takes one polishing step (kept only if it lowers the
     * residual): Newton converges quadratically, so the extra step buys the digits that ill-conditioned problems,
     * whose weights are most sensitive, need. Returns true when converged.
     */
    boolean run(double tol, int maxSteps) {
        evaluate();
        double best = residual;
        double[] bestX = x.clone();
        int stale = 0;
        while (residual > tol && steps < maxSteps) {
            if (!step(false)) {
                return false;
            }
            boolean gained = residual < 0.5 * best;
            if (residual < best) {
                best = residual;
                System.arraycopy(x, 0, bestX, 0, n);
            }
            stale = lastStepFull && !gained ? stale + 1 : 0;
            if (stale >= STALL_STEPS) { // at what double precision can show: back to the best point, and stop
                System.arraycopy(bestX, 0, x, 0, n);
                evaluate();
                break;
            }
        }
        if (residual <= tol && residual > 1e-15 && steps < maxSteps) {
            step(true);
        }
        return residual <= tol;
    }

    /** Σx (compensated) and the residual at the current x. */
    private void evaluate() {
        CompensatedProduct.multiply(sigma, off, n, x, sx);
        residual = RiskContributions.residual(x, sx, b);
    }

    /** Σx at the final point, as compensated products (valid after {@link #run}). */
    double[] sigmaX() {
        return sx;
    }

    /** One damped Newton step; with {@code polish}, undone unless it lowers the residual. */
    private boolean step(boolean polish) {
        for (int a = 0; a < m; a++) {
            int i = active[a];
            g[a] = (sx[i] - b[i] / x[i]) / vol[a];
        }
        // H = C + diag(b/y²) with y = σx; the factorisation reads the lower triangle.
        System.arraycopy(corr, 0, h, 0, m * m);
        for (int a = 0; a < m; a++) {
            double y = vol[a] * x[active[a]];
            h[a * m + a] += b[active[a]] / (y * y);
        }
        try {
            Cholesky.factor(h, m);
        } catch (NotPositiveDefiniteException e) {
            factorizationFailed = true; // only if C itself is indefinite: b/y² > 0 is added to its diagonal
            return false;
        }
        System.arraycopy(g, 0, d, 0, m);
        Cholesky.solve(h, m, d);
        double lambda2 = 0;
        for (int a = 0; a < m; a++) {
            lambda2 += g[a] * d[a];
            d[a] /= vol[a]; // back to x coordinates
        }
        double lambda = Math.sqrt(Math.max(lambda2, 0));
        double t = lambda > 0.25 ? 1.0 / (1.0 + lambda) : 1.0;
        while (!stepKeepsPositive(t)) {
            t *= 0.5;
        }
        lastStepFull = t == 1.0;
        double[] saved = polish ? x.clone() : null;
        double before = residual;
        for (int a = 0; a < m; a++) {
            x[active[a]] -= t * d[a];
        }
        evaluate();
        if (polish && !(residual < before)) {
            System.arraycopy(saved, 0, x, 0, n);
            evaluate();
            return true;
        }
        steps++;
        return Double.isFinite(residual);
    }

    private boolean stepKeepsPositive(double t) {
        if (t < 1e-30) {
            return true; // cannot happen for finite d; stops an endless loop on NaN
        }
        for (int a = 0; a < m; a++) {
            if (!(x[active[a]] - t * d[a] > 0)) {
                return false;
            }
        }
        return true;
    }
}

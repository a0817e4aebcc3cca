package io.equirisk.solver;

import io.equirisk.kernel.NumericKernels;

/**
 * Damped Newton on Spinu's form f(y) = ½yᵀCy − Σ b_i ln y_i over the active assets, in correlation space
 * (C = D⁻¹ΣD⁻¹, y = Dx) for conditioning. Gradient g = Cy − b/y, Hessian H = C + diag(b/y²), which stays positive
 * definite even where C is nearly singular. The objective is self-concordant, so the damped step 1/(1+λ) with the
 * Newton decrement λ = sqrt(gᵀH⁻¹g) converges from any positive start (Spinu 2013); full steps once λ ≤ 0.25 give
 * quadratic convergence. A step that would leave the positive orthant is halved.
 *
 * <p>Each step costs one Cholesky factorisation, m³/3 flops: this is the finisher for problems where coordinate
 * descent stalls (condition numbers of 1e10 and beyond), not the default for large well-conditioned ones.
 */
final class DampedNewton {
    static final int MAX_STEPS = 200;

    private final NumericKernels k;
    private final int m;
    private final double[] corr;
    private final double[] b;
    private final double[] y;
    private final double[] cy;
    private final double[] h;
    private final double[] g;
    private final double[] d;

    int steps;
    double residual = Double.POSITIVE_INFINITY;
    boolean factorizationFailed;

    /**
     * @param corr active-set correlation matrix, m×m row-major (not modified)
     * @param b    active budgets, all > 0
     * @param y    start point in correlation space, all > 0; updated in place
     */
    DampedNewton(NumericKernels k, double[] corr, int m, double[] b, double[] y) {
        this.k = k;
        this.m = m;
        this.corr = corr;
        this.b = b;
        this.y = y;
        this.cy = new double[m];
        this.h = new double[m * m];
        this.g = new double[m];
        this.d = new double[m];
    }

    /**
     * Iterates until the residual is ≤ tol or {@code maxSteps}, then takes one polishing step (kept only if it lowers
     * the residual): Newton converges quadratically, so the extra step buys the digits that ill-conditioned problems,
     * whose weights are most sensitive, need. Returns true when converged.
     */
    boolean run(double tol, int maxSteps) {
        CoordinateDescent.symmetricProduct(k, corr, 0, m, y, cy);
        residual = RiskContributions.residual(y, cy, b);
        while (residual > tol && steps < maxSteps) {
            if (!step(false)) {
                return false;
            }
        }
        if (residual <= tol && residual > 1e-15 && steps < maxSteps) {
            step(true);
        }
        return residual <= tol;
    }

    /** One damped Newton step; with {@code polish}, undone unless it lowers the residual. */
    private boolean step(boolean polish) {
        for (int i = 0; i < m; i++) {
            g[i] = cy[i] - b[i] / y[i];
        }
        // H = C + diag(b/y²); the factorisation reads the lower triangle.
        System.arraycopy(corr, 0, h, 0, m * m);
        for (int i = 0; i < m; i++) {
            h[i * m + i] += b[i] / (y[i] * y[i]);
        }
        if (!choleskyLower(k, h, m)) {
            factorizationFailed = true;
            return false;
        }
        solveLower(h, m, g, d);
        double lambda2 = 0;
        for (int i = 0; i < m; i++) {
            lambda2 += g[i] * d[i];
        }
        double lambda = Math.sqrt(Math.max(lambda2, 0));
        double t = lambda > 0.25 ? 1.0 / (1.0 + lambda) : 1.0;
        while (!stepKeepsPositive(t)) {
            t *= 0.5;
        }
        double[] saved = polish ? y.clone() : null;
        double before = residual;
        for (int i = 0; i < m; i++) {
            y[i] -= t * d[i];
        }
        CoordinateDescent.symmetricProduct(k, corr, 0, m, y, cy);
        residual = RiskContributions.residual(y, cy, b);
        if (polish && !(residual < before)) {
            System.arraycopy(saved, 0, y, 0, m);
            CoordinateDescent.symmetricProduct(k, corr, 0, m, y, cy);
            residual = before;
            return true;
        }
        steps++;
        return Double.isFinite(residual);
    }

    private boolean stepKeepsPositive(double t) {
        if (t < 1e-30) {
            return true; // cannot happen for finite d; stops an endless loop on NaN
        }
        for (int i = 0; i < m; i++) {
            if (!(y[i] - t * d[i] > 0)) {
                return false;
            }
        }
        return true;
    }

    /**
     * In-place Cholesky A = LLᵀ of a row-major SPD matrix; L overwrites the lower triangle. Row-oriented, so each
     * inner product runs over two contiguous row prefixes. Returns false when a pivot is not positive.
     */
    static boolean choleskyLower(NumericKernels k, double[] a, int n) {
        for (int i = 0; i < n; i++) {
            int ri = i * n;
            for (int j = 0; j < i; j++) {
                int rj = j * n;
                double s = a[ri + j] - k.dot(a, ri, a, rj, j);
                a[ri + j] = s / a[rj + j];
            }
            double dgl = a[ri + i] - k.dot(a, ri, a, ri, i);
            if (!(dgl > 0)) {
                return false;
            }
            a[ri + i] = Math.sqrt(dgl);
        }
        return true;
    }

    /** Solves LLᵀx = rhs with L from {@link #choleskyLower}. */
    static void solveLower(double[] l, int n, double[] rhs, double[] x) {
        for (int i = 0; i < n; i++) {
            double s = rhs[i];
            int ri = i * n;
            for (int j = 0; j < i; j++) {
                s -= l[ri + j] * x[j];
            }
            x[i] = s / l[ri + i];
        }
        for (int i = n - 1; i >= 0; i--) {
            double s = x[i];
            for (int j = i + 1; j < n; j++) {
                s -= l[j * n + i] * x[j];
            }
            x[i] = s / l[i * n + i];
        }
    }
}

package io.equirisk.solver;

import io.equirisk.kernel.NumericKernels;

/**
 * Cyclical coordinate descent on Spinu's convex form min ½xᵀΣx − Σ b_i ln x_i, x > 0 (Griveau-Billion, Richard &
 * Roncalli 2013). Each coordinate step is exact: x_i is the positive root of Σ_ii x_i² + c_i x_i − b_i = 0 with
 * c_i = Σ_{j≠i} Σ_ij x_j. Coordinate minimisation is invariant to rescaling the assets, so the iterates equal those
 * on the correlation matrix and no scaled copy of Σ is made.
 *
 * <p>Memory traffic is what limits a sweep for large N (Σ does not fit in cache), so each sweep reads only half of
 * Σ: a forward sweep reads row i's upper part once for both the dot product with the not-yet-updated x_j (j > i) and
 * the axpy that accumulates Σ_ij·x_i(new) for the later coordinates; a backward sweep does the same with the lower
 * part. Forward and backward sweeps alternate (symmetric Gauss-Seidel), so two sweeps read Σ once.
 *
 * <p>The exact residual max_i |RC_i − b_i| needs Σx, a further half-matrix pass; it is computed only when a cheap
 * proxy (the largest relative change of x in the sweep, scaled by a factor calibrated at each exact check) predicts
 * convergence. The instance holds per-solve scratch arrays; not thread-safe.
 */
final class CoordinateDescent {
    private final NumericKernels k;
    private final double[] sigma;
    private final int off;
    private final int n;
    private final double[] b;
    private final double[] x;
    private final double[] acc;
    private final double[] sx;

    /** Sweeps done, and whether the last exact check met the tolerance. */
    int sweeps;
    double residual = Double.POSITIVE_INFINITY;
    boolean stalled;

    /**
     * @param sigma matrix values, row-major N×N starting at {@code off}
     * @param b     budgets (zero budgets: the coordinate stays at x = 0)
     * @param x     start point, x_i > 0 where b_i > 0 and 0 elsewhere; updated in place
     */
    CoordinateDescent(NumericKernels k, double[] sigma, int off, int n, double[] b, double[] x) {
        this.k = k;
        this.sigma = sigma;
        this.off = off;
        this.n = n;
        this.b = b;
        this.x = x;
        this.acc = new double[n];
        this.sx = new double[n];
    }

    /**
     * Runs sweeps until the exact residual is ≤ tol, the sweep cap is reached, or (when {@code watchStall}) the
     * convergence rate predicts more than {@code stallSweeps} further sweeps.
     *
     * @return true when converged
     */
    boolean run(double tol, int maxSweeps, boolean watchStall, int stallSweeps) {
        final int window = 5;
        double[] history = new double[window + 1];
        double kappa = Double.NaN; // residual ≈ kappa × (largest relative step); calibrated at each exact check
        while (sweeps < maxSweeps) {
            double delta = (sweeps & 1) == 0 ? forwardSweep() : backwardSweep();
            sweeps++;
            history[sweeps % (window + 1)] = delta;
            if (!Double.isFinite(delta)) {
                stalled = true;
                return false;
            }
            boolean check = Double.isNaN(kappa) ? sweeps >= 2 : kappa * delta <= 0.5 * tol;
            if (check || delta == 0 || sweeps == maxSweeps) {
                residual = exactResidual();
                if (residual <= tol) {
                    return true;
                }
                kappa = delta > 0 ? residual / delta : Double.NaN;
            }
            if (watchStall && sweeps > window) {
                double rate = Math.pow(delta / history[(sweeps - window) % (window + 1)], 1.0 / window);
                if (!(rate < 1)) {
                    stalled = true;
                    return false;
                }
                double predicted = Double.isNaN(kappa) ? delta : kappa * delta;
                double remaining = Math.log(0.5 * tol / predicted) / Math.log(rate);
                if (remaining > stallSweeps) {
                    stalled = true;
                    return false;
                }
            }
        }
        return residual <= tol; // the last sweep (sweeps == maxSweeps) ended with an exact check
    }

    /** Forward sweep over rows' upper parts; returns max_i |Δx_i| / x_i. */
    private double forwardSweep() {
        java.util.Arrays.fill(acc, 0.0);
        double maxRel = 0;
        for (int i = 0; i < n; i++) {
            int row = off + i * n;
            int len = n - i - 1;
            if (b[i] > 0) {
                double c = acc[i] + (len > 0 ? k.dot(sigma, row + i + 1, x, i + 1, len) : 0.0);
                double xi = root(sigma[row + i], c, b[i]);
                maxRel = Math.max(maxRel, Math.abs(xi - x[i]) / xi);
                x[i] = xi;
                if (len > 0) {
                    k.axpy(xi, sigma, row + i + 1, acc, i + 1, len);
                }
            }
        }
        return maxRel;
    }

    /** Backward sweep over rows' lower parts; returns max_i |Δx_i| / x_i. */
    private double backwardSweep() {
        java.util.Arrays.fill(acc, 0.0);
        double maxRel = 0;
        for (int i = n - 1; i >= 0; i--) {
            int row = off + i * n;
            if (b[i] > 0) {
                double c = acc[i] + (i > 0 ? k.dot(sigma, row, x, 0, i) : 0.0);
                double xi = root(sigma[row + i], c, b[i]);
                maxRel = Math.max(maxRel, Math.abs(xi - x[i]) / xi);
                x[i] = xi;
                if (i > 0) {
                    k.axpy(xi, sigma, row, acc, 0, i);
                }
            }
        }
        return maxRel;
    }

    /**
     * Positive root of a·z² + c·z − b = 0 (a > 0, b > 0), in the form that does not cancel when c > 0.
     */
    static double root(double a, double c, double b) {
        double disc = Math.sqrt(c * c + 4 * a * b);
        return c >= 0 ? 2 * b / (c + disc) : (disc - c) / (2 * a);
    }

    /** Computes Σx exactly into {@link #sx} (reading half of Σ) and returns max_i |RC_i − b_i|. */
    private double exactResidual() {
        symmetricProduct(k, sigma, off, n, x, sx);
        return RiskContributions.residual(x, sx, b);
    }

    /** Σx from the last exact residual computation (valid after {@link #run}). */
    double[] sigmaX() {
        return sx;
    }

    /** y = Σx using the upper triangle only (one read of half of Σ). */
    static void symmetricProduct(NumericKernels k, double[] sigma, int off, int n, double[] x, double[] y) {
        java.util.Arrays.fill(y, 0.0);
        for (int i = 0; i < n; i++) {
            int row = off + i * n;
            int len = n - i - 1;
            double s = sigma[row + i] * x[i];
            if (len > 0) {
                s += k.dot(sigma, row + i + 1, x, i + 1, len);
                if (x[i] != 0) {
                    k.axpy(x[i], sigma, row + i + 1, y, i + 1, len);
                }
            }
            y[i] += s;
        }
    }
}

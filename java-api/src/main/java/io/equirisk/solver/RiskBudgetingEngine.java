package io.equirisk.solver;

import io.equirisk.covariance.CovarianceBatch;
import io.equirisk.covariance.CovarianceMatrix;
import io.equirisk.error.DimensionMismatchException;
import io.equirisk.kernel.Kernels;
import io.equirisk.kernel.NumericKernels;

/**
 * The pure-Java risk-budgeting solver (DESIGN §4). Assets with a zero budget are held at weight exactly zero; the
 * rest solve Spinu's convex problem by coordinate descent, which {@link SolverMethod#AUTO} watches: when its
 * convergence rate predicts more than 2m + 50 further sweeps (m active assets), or it reaches its sweep cap, damped
 * Newton finishes from the current point. The result's residual is recomputed from the final weights on the
 * original Σ.
 *
 * <p>The solver trusts Σ to be positive definite (checking costs a Cholesky factorisation, N³/3 flops, more than the
 * solve itself for large N); {@link CovarianceMatrix#requirePositiveDefinite()} checks it, and the facade and the
 * command line call it.
 */
final class RiskBudgetingEngine implements RiskBudgetingSolver {
    static final RiskBudgetingEngine INSTANCE = new RiskBudgetingEngine();

    /**
     * Newton at once from a nearby Newton answer up to this many active assets. It saves the sweeps CCD would spend
     * before stalling, ~n² each against a Newton step's n³/3: a fifth of the solve at n = 100, a few percent at
     * n = 1000. And it keeps Newton on along a chain of nearby problems, which costs most where the problems turn
     * easy for CCD, and more the larger n (a Newton step at n = 1000 is ~100 sweeps).
     */
    static final int NEWTON_AT_ONCE_MAX_ASSETS = 256;

    @Override
    public RiskBudgetingResult solve(CovarianceMatrix covariance, RiskBudgets budgets, SolverOptions options) {
        requireArguments(covariance, "covariance", budgets, options);
        int n = covariance.size();
        if (budgets.size() != n) {
            throw new DimensionMismatchException("budgets have " + budgets.size() + " entries, covariance has " + n
                    + " assets");
        }
        return solve(covariance.symmetricValues(), 0, n, budgets.toArray(), options);
    }

    @Override
    public RiskBudgetingResult solve(CovarianceBatch batch, int index, RiskBudgets budgets, SolverOptions options) {
        requireArguments(batch, "covariance batch", budgets, options);
        int n = batch.size();
        if (index < 0 || index >= batch.batchSize()) {
            throw new DimensionMismatchException("problem " + index + " is outside the batch of "
                    + batch.batchSize());
        }
        if (budgets.size() != n) {
            throw new DimensionMismatchException("budgets have " + budgets.size() + " entries, covariance has " + n
                    + " assets");
        }
        if (!batch.isExactlySymmetric()) { /* Σ is its upper triangle (CovarianceMatrix's class comment) */
            return solve(CovarianceMatrix.mirrorUpper(batch.values(), index * n * n, n), 0, n, budgets.toArray(),
                    options);
        }
        return solve(batch.values(), index * n * n, n, budgets.toArray(), options);
    }

    @Override
    public RiskBudgetingResult solve(CovarianceMatrix covariance, RiskBudgets budgets, SolverOptions options,
                                     RiskBudgetingResult near) {
        requireArguments(covariance, "covariance", budgets, options); /* near may be null: a cold start */
        int n = covariance.size();
        if (budgets.size() != n) {
            throw new DimensionMismatchException("budgets have " + budgets.size() + " entries, covariance has " + n
                    + " assets");
        }
        return solve(covariance.symmetricValues(), 0, n, budgets.toArray(), options, near);
    }

    /** The typed error the API promises for a null argument, not the JDK's NullPointerException. */
    private static void requireArguments(Object covariance, String what, RiskBudgets budgets, SolverOptions options) {
        io.equirisk.error.InvalidInputException.requireNonNull(covariance, what);
        if (budgets == null) {
            throw new io.equirisk.error.InvalidBudgetException("risk budgets are null");
        }
        if (options == null) {
            throw new io.equirisk.error.InvalidInputException("solver options are null");
        }
        budgets.requireAboveTolerance(options.tolerance(), null);
    }

    /**
     * Solves the problem whose Σ occupies {@code sigma[off, off + n²)} (validated by the caller), budgets {@code b}
     * (validated, length n).
     */
    RiskBudgetingResult solve(double[] sigma, int off, int n, double[] b, SolverOptions options) {
        return solve(sigma, off, n, b, options, null);
    }

    /** The same, from {@code near}'s weights when they fit (see {@link RiskBudgetingSolver}), else cold. */
    RiskBudgetingResult solve(double[] sigma, int off, int n, double[] b, SolverOptions options,
                              RiskBudgetingResult near) {
        NumericKernels k = Kernels.get();
        int[] active = activeSet(b);
        int m = active.length;
        double[] x = new double[n];
        if (m == 1) {
            x[active[0]] = 1.0;
            return report(k, sigma, off, n, b, x, null, 0, "diagonal", options.tolerance());
        }
        double[] startUps = new double[n];
        boolean warm = near != null && warmStart(k, sigma, off, n, b, near, x, startUps);
        int warmSteps = 0;
        if (warm && options.method() == SolverMethod.AUTO && !"ccd".equals(near.solver())
                && m <= NEWTON_AT_ONCE_MAX_ASSETS) {
            // from a nearby answer that Newton finished, Newton at once: CCD stalled there, and from a point this
            // close its sweeps only wander (252-day windows of a 10-factor market: 4.9 Newton steps warm, against
            // CCD's 16 sweeps and 5.1 steps cold). AUTO's Newton cap, as cold; should it still fail, the cold path.
            DampedNewton newton = newton(k, sigma, off, n, b, active, x, 0.5 * options.tolerance(),
                    DampedNewton.MAX_STEPS);
            RiskBudgetingResult r = report(k, sigma, off, n, b, x, newton.sigmaX(), newton.steps, "newton",
                    options.tolerance());
            if (r.converged()) {
                return r;
            }
            warmSteps = newton.steps;
            warm = false;
        }
        if (!warm) {
            startPoint(k, sigma, off, n, b, x, startUps);
        }

        String used;
        int iterations;
        double[] sx = null;
        if (options.method() == SolverMethod.NEWTON) {
            DampedNewton newton = newton(k, sigma, off, n, b, active, x, 0.5 * options.tolerance(),
                    Math.min(options.maxIterations(), DampedNewton.MAX_STEPS));
            iterations = newton.steps;
            sx = newton.sigmaX();
            used = "newton";
        } else {
            CoordinateDescent ccd = new CoordinateDescent(k, sigma, off, n, b, x, startUps,
                    CoordinateDescent.mixes(n, options.method()));
            boolean auto = options.method() == SolverMethod.AUTO;
            boolean ok = ccd.run(options.tolerance(), options.maxIterations(), auto, 2 * m + 50);
            iterations = ccd.sweeps;
            used = "ccd";
            if (ok) {
                sx = ccd.sigmaX();
            } else if (auto) {
                if (!allPositive(x, b)) {
                    startPoint(k, sigma, off, n, b, x, null); // a diverged CCD iterate is no start for Newton
                }
                DampedNewton newton = newton(k, sigma, off, n, b, active, x, 0.5 * options.tolerance(),
                        DampedNewton.MAX_STEPS);
                iterations += newton.steps;
                sx = newton.sigmaX();
                used = "ccd+newton";
            }
        }
        return report(k, sigma, off, n, b, x, sx, warmSteps + iterations, used, options.tolerance());
    }

    /**
     * x₀ = u / sqrt(uᵀΣu) with u_i = b_i/σ_i: the inverse-volatility point, scaled so that x₀ᵀΣx₀ = 1 = Σb (the
     * value at the solution). On the correlation matrix this is y₀ = b / sqrt(bᵀCb). The pass that computes uᵀΣu
     * leaves the products of each 4-row block with x₀ beyond it in {@code ups} (when not null), scaled as x₀ is.
     */
    private static void startPoint(NumericKernels k, double[] sigma, int off, int n, double[] b, double[] x,
                                   double[] ups) {
        for (int i = 0; i < n; i++) {
            x[i] = b[i] > 0 ? b[i] / Math.sqrt(sigma[off + i * n + i]) : 0.0;
        }
        double q = CoordinateDescent.quadraticForm(k, sigma, off, n, x, ups); // leaves the first rows cache-warm
        double scale = 1.0 / Math.sqrt(q);
        for (int i = 0; i < n; i++) {
            x[i] *= scale;
            if (ups != null) {
                ups[i] *= scale;
            }
        }
    }

    /**
     * x = near's weights scaled so that xᵀΣx = 1 (as the solution has), with the start pass's products in
     * {@code ups} (as {@link #startPoint}); false, x untouched, unless near converged and its weights are positive
     * and finite exactly where a budget is positive and zero elsewhere (a result is a public record: anyone can
     * make one).
     */
    private static boolean warmStart(NumericKernels k, double[] sigma, int off, int n, double[] b,
                                     RiskBudgetingResult near, double[] x, double[] ups) {
        double[] w = near.weights();
        if (!near.converged() || w == null || w.length != n) {
            return false;
        }
        for (int i = 0; i < n; i++) {
            boolean fits = b[i] > 0 ? w[i] > 0 && Double.isFinite(w[i]) : w[i] == 0;
            if (!fits) {
                return false;
            }
        }
        double[] u = w.clone();
        double q = CoordinateDescent.quadraticForm(k, sigma, off, n, u, ups);
        if (!(q > 0 && Double.isFinite(q))) {
            return false;
        }
        double scale = 1.0 / Math.sqrt(q);
        for (int i = 0; i < n; i++) {
            x[i] = u[i] * scale;
            ups[i] *= scale;
        }
        return true;
    }

    /** Damped Newton from x (updated in place); returns it so the caller can read steps and Σx. */
    private static DampedNewton newton(NumericKernels k, double[] sigma, int off, int n, double[] b, int[] active,
                                       double[] x, double tol, int maxSteps) {
        DampedNewton newton = new DampedNewton(sigma, off, n, b, x, active);
        newton.run(tol, maxSteps);
        return newton;
    }

    /**
     * The final report, computed on the original Σ from the normalised weights. The residual decides `converged`, so
     * it must hold for the weights returned, not only for the solver's x: (Σw)_i is a sum of n products, and on
     * ill-conditioned Σ with correlations of both signs it is a small difference of large terms, which a plain product
     * (and the rounding of w = x/Σx) gets wrong by up to ~(m + 2)·u·σ_i(σᵀw). So the residual is first taken from
     * the products at hand, with that bound on its error carried to the risk contributions; when the bound leaves a
     * convergence open (tol − residual ≤ bound, which well-diversified portfolios never meet), Σw is computed again
     * at w itself with compensated products (twice the precision), and RC and the residual from it decide: converged
     * then means that the weights returned meet the tolerance. Only a convergence is certified, never an unconverged
     * result turned converged (the kernels cannot tell a residual above tol from another failure), so a result may
     * be unconverged with an exact residual within the bound below tol; an unconverged residual within ten bounds is
     * measured the same way, its verdict kept, and reported as the larger of the two figures: never below the
     * weights' own (the plain figure was up to 4× low), and above tol, as the verdict says. On
     * condition-1e10 matrices the plain figure was off by up to 50× (2.6e-11 reported, 1.4e-9 at the weights
     * returned); such a solve is now reported unconverged, as it is: rounding each weight to double moves its risk
     * contributions by more than the tolerance. The GPU's kernels apply the same rule (solve.cu's certify_* kernels),
     * so `converged` means the same on every engine.
     */
    private static RiskBudgetingResult report(NumericKernels k, double[] sigma, int off, int n, double[] b, double[] x,
                                              double[] sxOrNull, int iterations, String used, double tol) {
        double sum = 0;
        for (double v : x) {
            sum += v;
        }
        double[] w = new double[n];
        for (int i = 0; i < n; i++) {
            w[i] = x[i] / sum;
        }
        double[] sw = new double[n];
        if (sxOrNull != null) {
            for (int i = 0; i < n; i++) {
                sw[i] = sxOrNull[i] / sum;
            }
        } else {
            CoordinateDescent.symmetricProduct(k, sigma, off, n, w, sw);
        }
        double[] rc = new double[n];
        double residual = contributions(w, sw, b, rc);
        double variance = variance(w, sw);
        boolean finite = Double.isFinite(variance) && variance > 0 && Double.isFinite(residual);
        for (int i = 0; i < n; i++) {
            finite &= Double.isFinite(w[i]) && w[i] >= 0;
        }
        boolean claimed = finite && residual <= tol;
        if (finite) {
            // a convergence the bound leaves open; or an unconverged residual within ten bounds, which the plain
            // figure understated by up to 4× (the command line names a reachable tolerance from it): measured again,
            // and only a convergence judged again
            double bound = residualErrorBound(sigma, off, n, w, variance);
            if (claimed ? tol - residual <= bound : residual <= 10 * bound) {
                CompensatedProduct.multiply(sigma, off, n, w, sw);
                double measured = contributions(w, sw, b, rc);
                residual = claimed ? measured : Math.max(residual, measured); // unconverged: never below its own
                variance = variance(w, sw);
                finite = Double.isFinite(variance) && variance > 0 && Double.isFinite(residual);
            }
        }
        boolean converged = claimed && finite && residual <= tol;
        /* no residual where wᵀΣw ≤ 0 (Σ not positive definite) or a weight is not finite and ≥ 0: NaN, as the
           kernels report it, so every engine says the same of such a problem */
        return new RiskBudgetingResult(w, rc, iterations, finite ? residual : Double.NaN, converged, used,
                Math.sqrt(variance));
    }

    /** wᵀ(Σw). */
    private static double variance(double[] w, double[] sw) {
        double v = 0;
        for (int i = 0; i < w.length; i++) {
            v += w[i] * sw[i];
        }
        return v;
    }

    /** rc_i = w_i(Σw)_i / wᵀΣw into {@code rc}; returns max_i |rc_i − b_i| (+∞ for NaN). */
    private static double contributions(double[] w, double[] sw, double[] b, double[] rc) {
        double variance = variance(w, sw);
        double residual = 0;
        for (int i = 0; i < w.length; i++) {
            rc[i] = w[i] == 0 ? 0.0 : w[i] * sw[i] / variance; /* not −0.0 where (Σw)_i < 0, as the kernels */
            double d = Math.abs(rc[i] - b[i]);
            residual = Double.isNaN(d) ? Double.POSITIVE_INFINITY : Math.max(residual, d);
        }
        return residual;
    }

    /**
     * A bound on the residual's error from products rounded in double: with m weights nonzero, each (Σw)_i is off by
     * at most (m + 2)·u·Σ_j |Σ_ij| w_j ≤ (m + 2)·u·σ_i·S (|Σ_ij| ≤ σ_iσ_j for a positive semi-definite Σ; S = σᵀw),
     * which moves RC_i by w_iσ_i·S/V times that and wᵀΣw by S²·(m + 2)·u; so |ΔRC_i| ≤ 2(m + 4)·u·S²/V. O(n): S²/V
     * is the squared diversification ratio, 1–10 on real portfolios (bound ~1e-13 at m = 100), large only where
     * hedges cancel.
     */
    private static double residualErrorBound(double[] sigma, int off, int n, double[] w, double variance) {
        double s = 0;
        int m = 0;
        for (int i = 0; i < n; i++) {
            if (w[i] != 0) {
                s += Math.sqrt(sigma[off + i * n + i]) * w[i];
                m++;
            }
        }
        return 2.0 * (m + 4) * 0x1p-53 * s * s / variance;
    }

    private static int[] activeSet(double[] b) {
        int m = 0;
        for (double v : b) {
            if (v > 0) {
                m++;
            }
        }
        int[] a = new int[m];
        int c = 0;
        for (int i = 0; i < b.length; i++) {
            if (b[i] > 0) {
                a[c++] = i;
            }
        }
        return a;
    }

    private static boolean allPositive(double[] x, double[] b) {
        for (int i = 0; i < x.length; i++) {
            if (b[i] > 0 && !(x[i] > 0 && Double.isFinite(x[i]))) {
                return false;
            }
        }
        return true;
    }
}

package io.equirisk.solver;

import io.equirisk.kernel.NumericKernels;

/**
 * Cyclical coordinate descent on Spinu's convex form min ½xᵀΣx − Σ b_i ln x_i, x > 0 (Griveau-Billion, Richard &
 * Roncalli 2013). Each coordinate step is exact: x_i is the positive root of Σ_ii x_i² + c_i x_i − b_i = 0 with
 * c_i = Σ_{j≠i} Σ_ij x_j. Coordinate minimisation is invariant to rescaling the assets, so the iterates equal those
 * on the correlation matrix and no scaled copy of Σ is made.
 *
 * <p>Memory traffic is what limits a sweep (Σ streams from L3 or memory), so every sweep reads only the upper
 * triangle of Σ: a forward sweep reads row i's upper part once for both the dot product with the not-yet-updated
 * x_j (j > i) and the axpy that accumulates Σ_ij·x_i(new) for the later coordinates; the backward sweep that follows
 * reads the same rows in reverse order (cache-warm) and needs no axpy at all (see {@link #backwardSweep}), and the
 * next forward sweep reuses the backward sweep's dot products instead of reading Σ for them. Forward and backward
 * sweeps alternate (symmetric Gauss-Seidel), and where {@link #mixes} says so (from {@link #MIXING_MIN_ASSETS} assets
 * on, or CCD alone) each pair is accelerated by Anderson mixing, which carries the cached dot products along.
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
    private final double[] far = new double[BLOCK];
    private final double[] up;
    /**
     * True at the start and from the end of a backward sweep until the next forward sweep: up[] then holds the
     * products of each block's rows with x beyond the block (mixed along with x when the pair is accelerated).
     */
    private boolean upFresh;
    /**
     * Anderson mixing from this many assets on. It carries the cached dot products along (see {@link AndersonMixing}),
     * so it costs only O(depth·N) per pair of sweeps, about a fifth of a sweep at N = 200, where the sweeps it saves
     * (15 → 13 at N = 200 on factor models) no longer pay for it. Measured on a 2-core Zen 3 (benchmarks/RESULTS.md):
     * 11 instead of 16 sweeps and 15% faster at N = 300, 11 instead of 13 and ~10% faster at N = 1000.
     */
    static final int MIXING_MIN_ASSETS = 256;

    /**
     * Whether to mix: from {@link #MIXING_MIN_ASSETS} on, and at every size when CCD runs alone. With Newton behind it
     * (AUTO) a slow CCD is handed over, and below 256 assets mixing does not pay on the problems that converge; alone,
     * CCD must finish by itself, and on ill-conditioned Σ mixing is what lets it: n = 100, correlation spectrum over
     * four decades, 267–573 sweeps mixed against 1,430 to over 2,000 plain (the GPU's mixed CCD: 141–265; table in
     * benchmarks/RESULTS.md).
     */
    static boolean mixes(int n, SolverMethod method) {
        return n >= MIXING_MIN_ASSETS || method == SolverMethod.CCD;
    }

    private final AndersonMixing mixing;
    private final double[] pairStart;
    private final double[] coef = new double[BLOCK];
    private static final int BLOCK = 4;
    /** Depth 3 cut sweeps to 1e-10 by 10–25% on factor models; deeper gave nothing more. */
    private static final int ANDERSON_DEPTH = 3;

    /** Sweeps done, exact residual computations done, and the last exact residual. */
    int sweeps;
    int exactChecks;
    double residual = Double.POSITIVE_INFINITY;
    boolean stalled;

    /**
     * @param sigma    matrix values, row-major N×N starting at {@code off}
     * @param b        budgets (zero budgets: the coordinate stays at x = 0)
     * @param x        start point, x_i > 0 where b_i > 0 and 0 elsewhere; updated in place
     * @param startUps the products of each block's rows with x beyond the block at the start point (as
     *                 {@link #quadraticForm} leaves them), so that the first forward sweep need not compute them; or
     *                 null. Taken over, not copied.
     * @param mix      accelerate the sweep pairs by Anderson mixing (see {@link #mixes})
     */
    CoordinateDescent(NumericKernels k, double[] sigma, int off, int n, double[] b, double[] x, double[] startUps,
                      boolean mix) {
        this.k = k;
        this.sigma = sigma;
        this.off = off;
        this.n = n;
        this.b = b;
        this.x = x;
        this.acc = new double[n];
        this.sx = new double[n];
        this.mixing = mix ? new AndersonMixing(k, n, ANDERSON_DEPTH) : null;
        this.pairStart = mixing != null ? new double[n] : null;
        this.up = startUps != null ? startUps : new double[n];
        this.upFresh = startUps != null;
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
        // residual ≈ kappa × (largest relative step of a sweep); recalibrated at each exact check. The prior is a
        // little optimistic (measured: 0.3–0.4 × the largest budget without mixing, less with it): a check that comes
        // one sweep early costs one pass over Σ, a check that comes late costs several sweeps.
        double kappa = 0.1 * maxBudget();
        while (sweeps < maxSweeps) {
            boolean forward = (sweeps & 1) == 0;
            if (forward && mixing != null) {
                System.arraycopy(x, 0, pairStart, 0, n);
            }
            double delta = forward ? forwardSweep() : backwardSweep();
            sweeps++;
            history[sweeps % (window + 1)] = delta;
            if (!Double.isFinite(delta)) {
                stalled = true;
                return false;
            }
            // check once the calibrated estimate is within 10% of the tolerance (0.5 cost a sweep at N = 1000)
            boolean check = kappa * delta <= 0.9 * tol;
            if (check || delta == 0 || sweeps == maxSweeps) {
                exactChecks++;
                residual = exactResidual();
                if (residual <= tol) {
                    return true;
                }
                if (delta > 0) {
                    kappa = residual / delta;
                }
            }
            if (!forward && mixing != null) {
                // the plain pair's result was checked above; the mixed point carries its cached dot products along
                mixing.mix(pairStart, x, up, b);
            }
            if (watchStall && sweeps > window) {
                double rate = Math.pow(delta / history[(sweeps - window) % (window + 1)], 1.0 / window);
                if (!(rate < 1)) {
                    stalled = true;
                    return false;
                }
                double remaining = Math.log(0.5 * tol / (kappa * delta)) / Math.log(rate);
                if (remaining > stallSweeps) {
                    stalled = true;
                    return false;
                }
            }
        }
        return residual <= tol; // the last sweep (sweeps == maxSweeps) ended with an exact check
    }

    private double maxBudget() {
        double m = 0;
        for (double v : b) {
            m = Math.max(m, v);
        }
        return m;
    }

    /**
     * Forward sweep over rows' upper parts, four rows at a time: the dot products of the block's rows with the old x
     * beyond the block share one read of x, the coordinates inside the 4×4 diagonal block are solved in order, and
     * the block's new values enter the accumulator of later rows in one pass. Same iterates as one row at a time.
     * Right after a backward sweep (mixed or not), that sweep's dot products over the same row segments (taken with
     * the very x values this sweep needs) are reused and only the accumulation pass remains; so are the start
     * point's, for the first sweep.
     * Returns max_i |Δx_i| / x_i.
     */
    private double forwardSweep() {
        boolean reuse = upFresh;
        upFresh = false;
        java.util.Arrays.fill(acc, 0.0);
        double maxRel = 0;
        for (int i0 = 0; i0 < n; i0 += BLOCK) {
            int bs = Math.min(BLOCK, n - i0);
            int tail = i0 + bs;
            int len = n - tail;
            int rows = off + i0 * n;
            if (reuse) {
                System.arraycopy(up, i0, far, 0, bs);
            } else {
                blockDots(k, sigma, rows + tail, n, bs, x, tail, len, far);
            }
            maxRel = Math.max(maxRel, solveBlock(i0, bs, true));
            if (len > 0) {
                blockAxpy(k, x, i0, coef, sigma, rows + tail, n, bs, acc, tail, len);
            }
        }
        return maxRel;
    }

    /**
     * Backward sweep, which must directly follow a forward sweep: it reads the same upper parts of the rows, in
     * reverse order (the rows the forward sweep read last are still in cache), and needs no accumulation pass: the
     * forward sweep left acc_i = Σ_{j before i's block} Σ_ij·x_j, and those x_j do not change until after row i is
     * done here, while the dot product over the row's upper part now meets the x_j (j > i) already updated by this
     * sweep. Blocks are the forward sweep's, in reverse. Returns max_i |Δx_i| / x_i.
     */
    private double backwardSweep() {
        double maxRel = 0;
        for (int i0 = ((n - 1) / BLOCK) * BLOCK; i0 >= 0; i0 -= BLOCK) {
            int bs = Math.min(BLOCK, n - i0);
            int tail = i0 + bs;
            int len = n - tail;
            int rows = off + i0 * n;
            blockDots(k, sigma, rows + tail, n, bs, x, tail, len, far);
            System.arraycopy(far, 0, up, i0, bs);
            maxRel = Math.max(maxRel, solveBlock(i0, bs, false));
        }
        upFresh = true;
        return maxRel;
    }

    /**
     * Coordinates i0..i0+bs−1, in increasing order ({@code forward}) or decreasing, given far[] (terms beyond the
     * block) and acc[] (terms before it); the 4×4 diagonal block's terms are taken with the current x. Returns
     * max |Δx_i| / x_i over the block.
     */
    private double solveBlock(int i0, int bs, boolean forward) {
        double maxRel = 0;
        for (int step = 0; step < bs; step++) {
            int r = forward ? step : bs - 1 - step;
            int i = i0 + r;
            if (b[i] > 0) {
                int row = off + i * n;
                double c = acc[i] + far[r];
                for (int q = 0; q < bs; q++) {
                    if (q != r) {
                        c += sigma[row + i0 + q] * x[i0 + q];
                    }
                }
                double xi = root(sigma[row + i], c, b[i]);
                maxRel = Math.max(maxRel, Math.abs(xi - x[i]) / xi);
                x[i] = xi;
            }
        }
        return maxRel;
    }

    /** s + Σ_q sigma[at + q]·v[i0 + q] for q < bs: one row of a 4×4 diagonal block against the block's v. */
    private static double plusDiagonalBlock(double s, double[] sigma, int at, double[] v, int i0, int bs) {
        for (int q = 0; q < bs; q++) {
            s += sigma[at + q] * v[i0 + q];
        }
        return s;
    }

    /** out[r] = row r of the block (bs rows from {@code rows}, stride n) · v[from, from+len). */
    private static void blockDots(NumericKernels k, double[] sigma, int rows, int n, int bs, double[] v, int from,
                                  int len, double[] out) {
        if (bs == BLOCK) {
            k.dot4(sigma, rows, n, v, from, len, out);
        } else {
            for (int r = 0; r < bs; r++) {
                out[r] = k.dot(sigma, rows + r * n, v, from, len);
            }
        }
    }

    /** target[from, from+len) += Σ_r x[i0+r] · row r of the block; {@code coef} is scratch of length BLOCK. */
    private static void blockAxpy(NumericKernels k, double[] x, int i0, double[] coef, double[] sigma, int rows, int n,
                                  int bs, double[] target, int from, int len) {
        if (bs == BLOCK) {
            System.arraycopy(x, i0, coef, 0, BLOCK);
            k.axpy4(coef, sigma, rows, n, target, from, len);
        } else {
            for (int r = 0; r < bs; r++) {
                k.axpy(x[i0 + r], sigma, rows + r * n, target, from, len);
            }
        }
    }

    /**
     * Positive root of a·z² + c·z − b = 0 (a > 0, b > 0), in the form that does not cancel when c > 0.
     */
    static double root(double a, double c, double b) {
        double disc = Math.sqrt(c * c + 4 * a * b);
        return c >= 0 ? 2 * b / (c + disc) : (disc - c) / (2 * a);
    }

    /**
     * Computes Σx exactly into {@link #sx} and returns max_i |RC_i − b_i|. Right after a sweep one of the two halves
     * of every row's product is already at hand, so this reads the upper triangle once with one FMA per entry.
     */
    private double exactResidual() {
        if (upFresh) {
            productAfterBackwardSweep();
        } else {
            productAfterForwardSweep();
        }
        return RiskContributions.residual(x, sx, b);
    }

    /**
     * Σx right after a forward sweep: the sweep left acc[i] = Σ_{j before i's block} Σ_ij·x_j with the final x
     * (every x_j was updated once, before it entered the accumulator), so only the products of each block's rows with
     * x beyond the block remain: dot products only, last block first, over the rows the sweep just left in cache.
     */
    private void productAfterForwardSweep() {
        for (int i0 = ((n - 1) / BLOCK) * BLOCK; i0 >= 0; i0 -= BLOCK) {
            int bs = Math.min(BLOCK, n - i0);
            int tail = i0 + bs;
            int len = n - tail;
            int rows = off + i0 * n;
            blockDots(k, sigma, rows + tail, n, bs, x, tail, len, far);
            for (int r = 0; r < bs; r++) {
                double s = plusDiagonalBlock(acc[i0 + r] + far[r], sigma, rows + r * n + i0, x, i0, bs);
                sx[i0 + r] = s;
            }
        }
    }

    /**
     * Σx right after a backward sweep, at half the cost of {@link #symmetricProduct}: the sweep left up[] = the
     * products of each block's rows with the (final) x beyond the block, so only the products with x before the block
     * remain — one accumulation pass, in forward order over rows the sweep just left in cache.
     */
    private void productAfterBackwardSweep() {
        java.util.Arrays.fill(acc, 0.0);
        for (int i0 = 0; i0 < n; i0 += BLOCK) {
            int bs = Math.min(BLOCK, n - i0);
            int tail = i0 + bs;
            int len = n - tail;
            int rows = off + i0 * n;
            for (int r = 0; r < bs; r++) {
                double s = plusDiagonalBlock(acc[i0 + r] + up[i0 + r], sigma, rows + r * n + i0, x, i0, bs);
                sx[i0 + r] = s;
            }
            if (len > 0) {
                blockAxpy(k, x, i0, coef, sigma, rows + tail, n, bs, acc, tail, len);
            }
        }
    }

    /**
     * uᵀΣu from the upper triangle with dot products only (one FMA per entry), blocks last to first so the rows a
     * forward sweep reads first are left in cache. The dot products of each block's rows with u beyond the block go
     * to {@code ups} (length n) when it is not null: for the start point they spare the first sweep that work.
     */
    static double quadraticForm(NumericKernels k, double[] sigma, int off, int n, double[] u, double[] ups) {
        double[] part = new double[BLOCK];
        double q = 0;
        for (int i0 = ((n - 1) / BLOCK) * BLOCK; i0 >= 0; i0 -= BLOCK) {
            int bs = Math.min(BLOCK, n - i0);
            int tail = i0 + bs;
            int len = n - tail;
            int rows = off + i0 * n;
            blockDots(k, sigma, rows + tail, n, bs, u, tail, len, part);
            if (ups != null) {
                System.arraycopy(part, 0, ups, i0, bs);
            }
            for (int r = 0; r < bs; r++) {
                double inBlock = plusDiagonalBlock(0, sigma, rows + r * n + i0, u, i0, bs);
                q += u[i0 + r] * (inBlock + 2 * part[r]);
            }
        }
        return q;
    }

    /** Σx from the last exact residual computation (valid after {@link #run}). */
    double[] sigmaX() {
        return sx;
    }

    /**
     * y = Σx reading only the upper triangle (half of Σ), four rows at a time: each block's rows give their dot
     * products with x beyond the block and, by symmetry, add the block's x into y beyond it.
     */
    static void symmetricProduct(NumericKernels k, double[] sigma, int off, int n, double[] x, double[] y) {
        java.util.Arrays.fill(y, 0.0);
        double[] part = new double[BLOCK];
        double[] coef = new double[BLOCK];
        for (int i0 = 0; i0 < n; i0 += BLOCK) {
            int bs = Math.min(BLOCK, n - i0);
            int tail = i0 + bs;
            int len = n - tail;
            int rows = off + i0 * n;
            blockDots(k, sigma, rows + tail, n, bs, x, tail, len, part);
            blockAxpy(k, x, i0, coef, sigma, rows + tail, n, bs, y, tail, len);
            for (int r = 0; r < bs; r++) {
                double s = plusDiagonalBlock(part[r], sigma, rows + r * n + i0, x, i0, bs);
                y[i0 + r] += s;
            }
        }
    }
}

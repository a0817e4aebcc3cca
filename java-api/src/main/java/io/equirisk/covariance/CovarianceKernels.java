package io.equirisk.covariance;

import io.equirisk.error.DimensionMismatchException;
import io.equirisk.error.InsufficientDataException;
import io.equirisk.error.InvalidInputException;
import io.equirisk.kernel.Kernels;
import io.equirisk.kernel.NumericKernels;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinTask;
import java.util.concurrent.RecursiveAction;

/**
 * The bulk covariance computations the CPU backend and the estimators share: sample and EWMA covariance of one
 * window of a row-major T×N return table, written (full, both triangles) into a caller's array. Inputs are complete
 * (no NaN).
 *
 * <p>The returns are read in place: the kernel subtracts the means and applies the weights while it packs its
 * cache blocks, so no demeaned or transposed copy of the window is made. Large problems are split over threads by
 * balanced row ranges of the upper triangle (row i has N − i entries); the pieces run as fork-join tasks in the pool
 * of the calling thread, or in a pool of this class (one daemon worker per processor) when the caller is not a
 * fork-join worker, so a batch that already runs in parallel shares its pool instead of oversubscribing the machine.
 * Each entry is computed by the same arithmetic whatever the split: results are identical for any thread count.
 */
public final class CovarianceKernels {
    /** Below this many multiply-adds (N(N+1)/2·T) one thread does the whole product: about a millisecond of work. */
    static final long PARALLEL_MIN_WORK = 1L << 22;
    /** Row ranges are cut at multiples of the kernel's row tile. */
    private static final int ROW_ALIGN = 4;

    private CovarianceKernels() {
    }

    /** The number of threads used when none is given: every available processor. */
    public static int defaultThreads() {
        return Runtime.getRuntime().availableProcessors();
    }

    /**
     * Demeaned, unbiased sample covariance of rows [start, start+window) into {@code out[outOff, outOff+N²)}, using up
     * to {@link #defaultThreads()} threads.
     */
    public static void sample(double[] returns, int n, int start, int window, double[] out, int outOff) {
        sample(returns, n, start, window, out, outOff, defaultThreads());
    }

    /**
     * Demeaned, unbiased sample covariance (1/(T−1)) Σ_t (r_t − r̄)(r_t − r̄)ᵀ of rows [start, start+window) into
     * {@code out[outOff, outOff+N²)}, using at most {@code threads} threads (1: the calling thread only).
     */
    public static void sample(double[] returns, int n, int start, int window, double[] out, int outOff, int threads) {
        check(returns, n, start, window, out, outOff, threads);
        if (window < 2) {
            throw new InsufficientDataException("sample covariance needs at least 2 rows, got " + window);
        }
        double[] mean = columnMeans(returns, n, start, window);
        product(returns, n, start, window, mean, null, 1.0 / (window - 1), out, outOff, threads);
    }

    /** EWMA covariance with up to {@link #defaultThreads()} threads; see the overload with a thread count. */
    public static void ewma(double[] returns, int n, int start, int window, double lambda, double[] out, int outOff) {
        ewma(returns, n, start, window, lambda, out, outOff, defaultThreads());
    }

    /**
     * EWMA covariance (zero mean, RiskMetrics): Σ_t w_t r_t r_tᵀ with w_t ∝ λ^(window−1−t), Σw_t = 1, so the newest
     * row weighs most.
     */
    public static void ewma(double[] returns, int n, int start, int window, double lambda, double[] out, int outOff,
                            int threads) {
        check(returns, n, start, window, out, outOff, threads);
        if (!(lambda > 0 && lambda < 1)) {
            throw new InvalidInputException("EWMA decay λ must be in (0, 1), got " + lambda);
        }
        product(returns, n, start, window, null, ewmaWeights(window, lambda), 1.0, out, outOff, threads);
    }

    /** RiskMetrics weights λ^(window−1−t) normalised to sum to one; the last (newest) is the largest. */
    public static double[] ewmaWeights(int window, double lambda) {
        double[] w = new double[window];
        double p = 1;
        double sum = 0;
        for (int t = window - 1; t >= 0; t--) {
            w[t] = p;
            sum += p;
            p *= lambda;
        }
        for (int t = 0; t < window; t++) {
            w[t] /= sum;
        }
        return w;
    }

    /** Column means of rows [start, start+window). */
    static double[] columnMeans(double[] returns, int n, int start, int window) {
        NumericKernels k = Kernels.get();
        double[] mean = new double[n];
        for (int t = start; t < start + window; t++) {
            k.axpy(1.0, returns, t * n, mean, 0, n);
        }
        for (int j = 0; j < n; j++) {
            mean[j] /= window;
        }
        return mean;
    }

    /**
     * out = scale · Σ_t w_t (r_t − m)(r_t − m)ᵀ over rows [start, start+window), full symmetric; null m means zero,
     * null w means one. The general form the estimators build on.
     */
    static void product(double[] returns, int n, int start, int window, double[] shift, double[] weights,
                        double scale, double[] out, int outOff, int threads) {
        int[] cuts = rowCuts(n, window, threads);
        int pieces = cuts.length - 1;
        if (pieces == 1) {
            rows(returns, n, start, window, shift, weights, scale, out, outOff, 0, n);
            return;
        }
        List<RecursiveAction> tasks = new ArrayList<>(pieces);
        for (int p = 0; p < pieces; p++) {
            int from = cuts[p];
            int to = cuts[p + 1];
            tasks.add(new RecursiveAction() {
                @Override
                protected void compute() {
                    rows(returns, n, start, window, shift, weights, scale, out, outOff, from, to);
                }
            });
        }
        if (ForkJoinTask.inForkJoinPool()) {
            // already a worker (a batch running in parallel): share that pool instead of oversubscribing
            ForkJoinTask.invokeAll(tasks);
        } else {
            // the common pool has one worker fewer than processors (the caller is meant to help) and an external
            // caller's join ran every piece itself here: use workers of our own
            Workers.POOL.invoke(new RecursiveAction() {
                @Override
                protected void compute() {
                    invokeAll(tasks);
                }
            });
        }
    }

    /** Daemon fork-join workers, one per processor, created on first use. */
    private static final class Workers {
        static final ForkJoinPool POOL = new ForkJoinPool(Runtime.getRuntime().availableProcessors());
    }

    /** One thread's share: rows [from, to) of the upper triangle and their mirror images in the lower one. */
    private static void rows(double[] x, int n, int start, int window, double[] shift, double[] weights, double scale,
                             double[] out, int outOff, int from, int to) {
        Kernels.get().syrk(x, start * n, n, window, shift, weights, scale, out, outOff, from, to);
    }

    /**
     * Cuts [0, n) into row ranges of about equal work (row i costs n − i), aligned to the kernel's row tile; a
     * single range when the product is small or one thread is asked for. Twice as many ranges as threads, so that
     * a thread slowed by other load does not hold up the rest.
     */
    static int[] rowCuts(int n, int window, int threads) {
        long work = (long) n * (n + 1) / 2 * window;
        int pieces = threads <= 1 || work < PARALLEL_MIN_WORK ? 1 : Math.min(2 * threads, Math.max(1, n / ROW_ALIGN));
        if (pieces == 1) {
            return new int[] {0, n};
        }
        double total = (double) n * (n + 1) / 2;
        int[] cuts = new int[pieces + 1];
        cuts[pieces] = n;
        for (int p = 1; p < pieces; p++) {
            // solve r·n − r(r−1)/2 = total·p/pieces for r (cumulative work of rows [0, r))
            double target = total * p / pieces;
            double b = n + 0.5;
            double r = b - Math.sqrt(b * b - 2 * target);
            int cut = (int) Math.round(r / ROW_ALIGN) * ROW_ALIGN;
            cuts[p] = Math.max(cuts[p - 1], Math.min(n, cut));
        }
        // drop empty ranges
        return Arrays.stream(cuts).distinct().toArray();
    }

    private static void check(double[] returns, int n, int start, int window, double[] out, int outOff,
                              int threads) {
        if (n < 1 || window < 0 || start < 0) {
            throw new DimensionMismatchException("covariance window needs n ≥ 1, start ≥ 0, window ≥ 0, got n = " + n
                    + ", start = " + start + ", window = " + window);
        }
        if ((long) (start + (long) window) * n > returns.length) {
            throw new DimensionMismatchException("rows [" + start + ", " + (start + (long) window) + ") of " + n
                    + " assets need " + ((start + (long) window) * n) + " values, the table has " + returns.length);
        }
        if (outOff < 0 || outOff + (long) n * n > out.length) {
            throw new DimensionMismatchException("output needs " + ((long) n * n) + " values from offset " + outOff
                    + ", the array has " + out.length);
        }
        if (threads < 1) {
            throw new InvalidInputException("thread count must be at least 1, got " + threads);
        }
    }
}

package io.equirisk.covariance;

import io.equirisk.error.DimensionMismatchException;
import io.equirisk.error.InsufficientDataException;
import io.equirisk.error.InvalidInputException;
import io.equirisk.kernel.Kernels;
import io.equirisk.kernel.NumericKernels;
import io.equirisk.kernel.TriangleRows;

/**
 * The bulk covariance computations the CPU backend and the estimators share: sample and EWMA covariance of one
 * window of a row-major T×N return table, written (full, both triangles) into a caller's array. Inputs are complete
 * (no NaN).
 *
 * <p>The returns are read in place: the kernel subtracts the means and applies the weights while it packs its
 * cache blocks, so no demeaned or transposed copy of the window is made. Large problems are split over threads by
 * balanced row ranges of the upper triangle ({@link TriangleRows}: in the calling thread's fork-join pool when it has
 * one, so a batch that already runs in parallel does not oversubscribe the machine). Each entry is computed by the
 * same arithmetic whatever the split: results are identical for any thread count.
 */
public final class CovarianceKernels {
    private CovarianceKernels() {
    }

    /**
     * The number of threads used when none is given: every available processor.
     *
     * @return the JVM's available processors
     */
    public static int defaultThreads() {
        return TriangleRows.defaultThreads();
    }

    /**
     * Demeaned, unbiased sample covariance of rows [start, start+window) into {@code out[outOff, outOff+N²)}, using up
     * to {@link #defaultThreads()} threads.
     *
     * @param returns the T×N table, row-major, complete (read in place, not modified)
     * @param n       N, the table's columns
     * @param start   the window's first row
     * @param window  the window's rows, at least 2
     * @param out     receives the N×N matrix, row-major, both triangles
     * @param outOff  where in {@code out} it starts
     * @throws DimensionMismatchException when the rows lie outside the table or {@code out} is too short
     * @throws InsufficientDataException  when the window has fewer than 2 rows
     */
    public static void sample(double[] returns, int n, int start, int window, double[] out, int outOff) {
        sample(returns, n, start, window, out, outOff, defaultThreads());
    }

    /**
     * Demeaned, unbiased sample covariance (1/(T−1)) Σ_t (r_t − r̄)(r_t − r̄)ᵀ of rows [start, start+window) into
     * {@code out[outOff, outOff+N²)}, using at most {@code threads} threads (1: the calling thread only).
     *
     * @param returns the T×N table, row-major, complete (read in place, not modified)
     * @param n       N, the table's columns
     * @param start   the window's first row
     * @param window  the window's rows, at least 2
     * @param out     receives the N×N matrix, row-major, both triangles
     * @param outOff  where in {@code out} it starts
     * @param threads at least 1; the result is the same for any count
     * @throws DimensionMismatchException when the rows lie outside the table or {@code out} is too short
     * @throws InsufficientDataException  when the window has fewer than 2 rows
     * @throws InvalidInputException      when threads is below 1
     */
    public static void sample(double[] returns, int n, int start, int window, double[] out, int outOff, int threads) {
        check(returns, n, start, window, out, outOff, threads);
        if (window < 2) {
            throw new InsufficientDataException("sample covariance needs at least 2 rows, got " + window);
        }
        double[] mean = columnMeans(returns, n, start, window);
        product(returns, n, start, window, mean, null, 1.0 / (window - 1), out, outOff, threads);
    }

    /**
     * EWMA covariance with up to {@link #defaultThreads()} threads; see the overload with a thread count.
     *
     * @param returns the T×N table, row-major, complete (read in place, not modified)
     * @param n       N, the table's columns
     * @param start   the window's first row
     * @param window  the window's rows
     * @param lambda  the decay, in (0, 1)
     * @param out     receives the N×N matrix, row-major, both triangles
     * @param outOff  where in {@code out} it starts
     * @throws DimensionMismatchException when the rows lie outside the table or {@code out} is too short
     * @throws InvalidInputException      when λ is not in (0, 1)
     */
    public static void ewma(double[] returns, int n, int start, int window, double lambda, double[] out, int outOff) {
        ewma(returns, n, start, window, lambda, out, outOff, defaultThreads());
    }

    /**
     * EWMA covariance (zero mean, RiskMetrics): Σ_t w_t r_t r_tᵀ with w_t ∝ λ^(window−1−t), Σw_t = 1, so the newest
     * row weighs most.
     *
     * @param returns the T×N table, row-major, complete (read in place, not modified)
     * @param n       N, the table's columns
     * @param start   the window's first row
     * @param window  the window's rows
     * @param lambda  the decay, in (0, 1)
     * @param out     receives the N×N matrix, row-major, both triangles
     * @param outOff  where in {@code out} it starts
     * @param threads at least 1 (1: the calling thread only); the result is the same for any count
     * @throws DimensionMismatchException when the rows lie outside the table or {@code out} is too short
     * @throws InvalidInputException      when λ is not in (0, 1), or threads is below 1
     */
    public static void ewma(double[] returns, int n, int start, int window, double lambda, double[] out, int outOff,
                            int threads) {
        check(returns, n, start, window, out, outOff, threads);
        if (!(lambda > 0 && lambda < 1)) {
            throw new InvalidInputException("EWMA decay λ must be in (0, 1), got " + lambda);
        }
        product(returns, n, start, window, null, ewmaWeights(window, lambda), 1.0, out, outOff, threads);
    }

    /**
     * RiskMetrics weights λ^(window−1−t) normalised to sum to one; the last (newest) is the largest.
     *
     * @param window the number of rows
     * @param lambda the decay, in (0, 1) (not checked here)
     * @return a new array of {@code window} weights, oldest row first
     */
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
     * null w means one. The general form the estimators build on. Each range of rows writes its part of the upper
     * triangle and the mirror images: disjoint entries.
     */
    static void product(double[] returns, int n, int start, int window, double[] shift, double[] weights,
                        double scale, double[] out, int outOff, int threads) {
        NumericKernels k = Kernels.get();
        TriangleRows.run(n, window, threads, (from, to) ->
                k.syrk(returns, start * n, n, window, shift, weights, scale, out, outOff, from, to));
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

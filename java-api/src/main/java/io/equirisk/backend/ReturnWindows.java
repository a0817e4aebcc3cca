package io.equirisk.backend;

import io.equirisk.covariance.CovarianceKernels;
import io.equirisk.error.DimensionMismatchException;
import io.equirisk.error.InsufficientDataException;
import io.equirisk.error.InvalidInputException;
import io.equirisk.error.NonFiniteValueException;

import java.util.List;

/**
 * Windows over one T×N return table, each {@code window} rows long and starting at {@code starts[k]}: rolling
 * windows (starts 0, s, 2s, …) or stacked scenario sets (starts 0, W, 2W, …). One covariance matrix per window.
 * The returns must be complete (no NaN): handle missing values before batching. {@code names}, the assets' names
 * (null: A1 … AN), and window numbers from 1 are what error messages use.
 *
 * @param returns the T×N table, row-major; not copied: it must not change while the windows are in use
 * @param rows    T, the table's rows
 * @param assets  N, the table's columns
 * @param starts  each window's first row, from 0; not copied
 * @param window  rows per window, at least 2
 * @param names   the assets' names (copied), or null
 */
public record ReturnWindows(double[] returns, int rows, int assets, int[] starts, int window, List<String> names) {

    /**
     * Windows whose assets are named A1 … AN in messages.
     *
     * @param returns the T×N table, row-major, complete (not copied)
     * @param rows    T
     * @param assets  N
     * @param starts  each window's first row (not copied)
     * @param window  rows per window, at least 2
     * @throws InvalidInputException as the canonical constructor throws
     */
    public ReturnWindows(double[] returns, int rows, int assets, int[] starts, int window) {
        this(returns, rows, assets, starts, window, null);
    }

    /**
     * Checks the windows against the table, and every return (O(T·N)).
     *
     * @throws DimensionMismatchException when assets is below 1, returns do not hold rows·assets values, names are
     *                                    not N, or a window runs outside the rows
     * @throws InsufficientDataException  when window is below 2
     * @throws InvalidInputException      when no windows are given
     * @throws NonFiniteValueException    naming the first NaN or infinite return
     */
    public ReturnWindows {
        if (assets < 1) {
            throw new DimensionMismatchException("need at least one asset, got " + assets);
        }
        if ((long) rows * assets != returns.length) {
            throw new DimensionMismatchException("returns of " + rows + " × " + assets + " need "
                    + ((long) rows * assets) + " values, got " + returns.length);
        }
        if (window < 2) {
            throw new InsufficientDataException("a covariance window needs at least 2 rows, got " + window);
        }
        if (starts.length == 0) {
            throw new InvalidInputException("no windows given");
        }
        if (names != null) {
            names = List.copyOf(names);
            if (names.size() != assets) {
                throw new DimensionMismatchException(assets + " assets but " + names.size() + " names");
            }
        }
        for (int k = 0; k < starts.length; k++) {
            if (starts[k] < 0 || (long) starts[k] + window > rows) {
                throw new DimensionMismatchException("window " + k + " covers rows [" + starts[k] + ", "
                        + ((long) starts[k] + window) + ") but the returns have " + rows + " rows");
            }
        }
        for (int i = 0; i < returns.length; i++) {
            if (!Double.isFinite(returns[i])) {
                throw new NonFiniteValueException("return at row " + (i / assets + 1) + ", asset column "
                        + (i % assets + 1) + " is " + returns[i] + "; batched covariance needs complete returns");
            }
        }
    }

    /**
     * One window over all rows.
     *
     * @param returns the T×N table, row-major, complete (not copied)
     * @param rows    T, at least 2
     * @param assets  N
     * @return one window starting at row 0
     * @throws InvalidInputException as the canonical constructor throws
     */
    public static ReturnWindows whole(double[] returns, int rows, int assets) {
        return new ReturnWindows(returns, rows, assets, new int[] {0}, rows);
    }

    /**
     * Rolling windows of {@code window} rows, advancing by {@code step}, as many as fit.
     *
     * @param returns the T×N table, row-major, complete (not copied)
     * @param rows    T
     * @param assets  N
     * @param window  rows per window, 2 … T
     * @param step    rows from one window's start to the next, at least 1
     * @return ⌊(T − window)/step⌋ + 1 windows starting at rows 0, step, 2·step, …: the newest (T − window) mod step
     *         rows are in none (drop that many oldest rows first to end the last window at the last row)
     * @throws InvalidInputException     when step is below 1, or as the canonical constructor throws
     * @throws InsufficientDataException when window is below 2 or above T
     */
    public static ReturnWindows rolling(double[] returns, int rows, int assets, int window, int step) {
        if (step < 1) {
            throw new InvalidInputException("rolling step must be at least 1, got " + step);
        }
        if (window < 2) { // before rows − window, which a very negative window would overflow
            throw new InsufficientDataException("a covariance window needs at least 2 rows, got " + window);
        }
        if (window > rows) {
            throw new InsufficientDataException("window of " + window + " rows is longer than the " + rows
                    + " rows of returns");
        }
        int count = (rows - window) / step + 1;
        int[] s = new int[count];
        for (int k = 0; k < count; k++) {
            s[k] = k * step;
        }
        return new ReturnWindows(returns, rows, assets, s, window);
    }

    /**
     * {@code count} tables of {@code rows} rows one after another (scenario sets): window k is table k.
     *
     * @param returns count × rows × N values, complete (not copied)
     * @param count   number of tables, at least 1
     * @param rows    rows per table, at least 2
     * @param assets  N
     * @return count windows of {@code rows} rows, starting at 0, rows, 2·rows, …
     * @throws InvalidInputException      when count is below 1, or as the canonical constructor throws
     * @throws DimensionMismatchException when count·rows exceeds 2³¹ − 1
     */
    public static ReturnWindows stacked(double[] returns, int count, int rows, int assets) {
        if (count < 1) {
            throw new InvalidInputException("no windows given");
        }
        if ((long) count * rows > Integer.MAX_VALUE) {
            throw new DimensionMismatchException(count + " tables of " + rows + " rows exceed 2³¹ − 1 rows");
        }
        int[] s = new int[count];
        for (int k = 0; k < count; k++) {
            s[k] = k * rows;
        }
        return new ReturnWindows(returns, count * rows, assets, s, rows);
    }

    /**
     * The number of windows.
     *
     * @return {@code starts().length}
     */
    public int count() {
        return starts.length;
    }

    /**
     * The same windows, their assets called {@code assetNames} in messages.
     *
     * @param assetNames N names, or null for A1 … AN
     * @return new windows over the same (shared) returns and starts
     * @throws DimensionMismatchException when the names are not N
     */
    public ReturnWindows withNames(List<String> assetNames) {
        return new ReturnWindows(returns, rows, assets, starts, window, assetNames);
    }

    /**
     * The assets' names: as given, or A1 … AN.
     *
     * @return N names, immutable
     */
    public List<String> assetNames() {
        return names != null ? names : io.equirisk.covariance.CovarianceMatrix.defaultNames(assets);
    }

    /**
     * Window k's covariance (n × n, row-major) into {@code out} from {@code off}, made afresh from its rows: the
     * definition the backends are checked against. (The CPU engine's batch calls make rolling windows in runs, each
     * updated from the one before: within ~1e3·ε per update of this on the correlation scale, 1e-14 in practice,
     * and this to the bit at the start of each run.)
     *
     * @param k      the window, in [0, count())
     * @param kind   SAMPLE or EWMA
     * @param lambda the EWMA decay, in (0, 1); ignored for SAMPLE
     * @param out    receives N² values, row-major, both triangles
     * @param off    where in {@code out} they start
     * @throws DimensionMismatchException when {@code out} holds fewer than off + N² values
     * @throws InvalidInputException      when λ is outside (0, 1) for EWMA
     */
    public void covariance(int k, CovarianceKind kind, double lambda, double[] out, int off) {
        covariance(k, kind, lambda, out, off, CovarianceKernels.defaultThreads());
    }

    /**
     * {@link #covariance(int, CovarianceKind, double, double[], int)} on up to {@code threads} threads.
     *
     * @param k       the window, in [0, count())
     * @param kind    SAMPLE or EWMA
     * @param lambda  the EWMA decay, in (0, 1); ignored for SAMPLE
     * @param out     receives N² values, row-major, both triangles
     * @param off     where in {@code out} they start
     * @param threads the most threads to use, at least 1 (1: the calling thread only); the result is the same
     * @throws DimensionMismatchException when {@code out} holds fewer than off + N² values
     * @throws InvalidInputException      when λ is outside (0, 1) for EWMA, or threads is below 1
     */
    public void covariance(int k, CovarianceKind kind, double lambda, double[] out, int off, int threads) {
        if (kind == CovarianceKind.SAMPLE) {
            CovarianceKernels.sample(returns, assets, starts[k], window, out, off, threads);
        } else {
            CovarianceKernels.ewma(returns, assets, starts[k], window, lambda, out, off, threads);
        }
    }

    /**
     * How messages name window k (index from 0, as in {@link #starts}): "window k + 1 of count (rows a–b)", counted
     * from 1 as the facade and the command line count.
     *
     * @param k the window, from 0
     * @return e.g. "window 3 of 20 (rows 43–294)"
     */
    public String describe(int k) {
        return "window " + (k + 1) + " of " + starts.length + " (rows " + (starts[k] + 1) + "–" + (starts[k] + window)
                + ")";
    }
}

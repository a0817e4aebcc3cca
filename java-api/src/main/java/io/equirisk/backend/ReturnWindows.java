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
 */
public record ReturnWindows(double[] returns, int rows, int assets, int[] starts, int window, List<String> names) {

    /** Windows whose assets are named A1 … AN in messages. */
    public ReturnWindows(double[] returns, int rows, int assets, int[] starts, int window) {
        this(returns, rows, assets, starts, window, null);
    }

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

    /** One window over all rows. */
    public static ReturnWindows whole(double[] returns, int rows, int assets) {
        return new ReturnWindows(returns, rows, assets, new int[] {0}, rows);
    }

    /** Rolling windows of {@code window} rows, advancing by {@code step}, as many as fit. */
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

    /** {@code count} tables of {@code rows} rows one after another (scenario sets): window k is table k. */
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

    public int count() {
        return starts.length;
    }

    /** The same windows, their assets called {@code assetNames} in messages. */
    public ReturnWindows withNames(List<String> assetNames) {
        return new ReturnWindows(returns, rows, assets, starts, window, assetNames);
    }

    /** The assets' names: as given, or A1 … AN. */
    public List<String> assetNames() {
        return names != null ? names : io.equirisk.covariance.CovarianceMatrix.defaultNames(assets);
    }

    /**
     * Window k's covariance (n × n, row-major) into {@code out} from {@code off}, made afresh from its rows: the
     * definition the backends are checked against. (The CPU engine's batch calls make rolling windows in runs, each
     * updated from the one before: within ~1e3·ε per update of this on the correlation scale, 1e-14 in practice,
     * and this to the bit at the start of each run.)
     */
    public void covariance(int k, CovarianceKind kind, double lambda, double[] out, int off) {
        covariance(k, kind, lambda, out, off, CovarianceKernels.defaultThreads());
    }

    /** {@link #covariance(int, CovarianceKind, double, double[], int)} on up to {@code threads} threads. */
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
     */
    public String describe(int k) {
        return "window " + (k + 1) + " of " + starts.length + " (rows " + (starts[k] + 1) + "–" + (starts[k] + window)
                + ")";
    }
}

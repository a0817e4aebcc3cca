package io.equirisk.data;

import io.equirisk.error.DataFormatException;
import io.equirisk.error.DimensionMismatchException;
import io.equirisk.error.InsufficientDataException;
import io.equirisk.error.InvalidInputException;
import io.equirisk.error.NonFiniteValueException;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * A T×N table of per-period returns (rows are dates, oldest first; columns are assets), row-major. NaN marks a
 * missing return; ±Inf is never allowed. Row labels (dates) are optional text.
 */
public final class Returns {
    private final int rows;
    private final int cols;
    private final double[] values;
    private final List<String> assets;
    private final List<String> dates;

    private Returns(int rows, int cols, double[] values, List<String> assets, List<String> dates) {
        this.rows = rows;
        this.cols = cols;
        this.values = values;
        this.assets = assets;
        this.dates = dates;
    }

    /**
     * Wraps row-major values (not copied). NaN is allowed and means missing.
     *
     * @param rows   T, the number of dates, ≥ 0
     * @param cols   N, the number of assets, ≥ 1
     * @param values T·N per-period returns, row-major, oldest date first; shared, not copied: do not modify
     * @param assets names, unique; null for A1..AN
     * @param dates  row labels; null for "row 1" … "row T"
     * @return the checked returns
     * @throws DimensionMismatchException when the sizes disagree with each other or with the names or dates
     * @throws NonFiniteValueException    naming the asset and row of an infinite return
     * @throws InvalidInputException      when values are null, or (a subclass) a name is blank or repeated or a date
     *                                    is null
     */
    public static Returns of(int rows, int cols, double[] values, List<String> assets, List<String> dates) {
        InvalidInputException.requireNonNull(values, "return values");
        if (rows < 0 || cols < 1) {
            throw new DimensionMismatchException("returns need at least one asset, got " + rows + " × " + cols);
        }
        if (values.length != (long) rows * cols) {
            throw new DimensionMismatchException("returns of " + rows + " rows × " + cols + " assets need "
                    + ((long) rows * cols) + " values, got " + values.length);
        }
        List<String> names = checkNames(assets, cols);
        List<String> labels = checkLabels(dates, rows, "returns");
        for (int t = 0; t < rows; t++) {
            for (int j = 0; j < cols; j++) {
                double v = values[t * cols + j];
                if (Double.isInfinite(v)) {
                    throw new NonFiniteValueException("return of asset " + names.get(j) + " on " + labels.get(t)
                            + " (row " + (t + 1) + ") is " + v);
                }
            }
        }
        return new Returns(rows, cols, values, names, labels);
    }

    /**
     * From an array of rows (copied); every row must have the same length.
     *
     * @param data   T rows of N per-period returns, oldest first, NaN where missing
     * @param assets names, unique; null for A1..AN
     * @param dates  row labels; null for "row 1" … "row T"
     * @return the checked returns
     * @throws InsufficientDataException  when there are no rows
     * @throws DimensionMismatchException when a row's length differs from the first's
     * @throws InvalidInputException      as {@link #of(int, int, double[], List, List)} throws, or when the array
     *                                    or a row after the first is null
     */
    public static Returns of(double[][] data, List<String> assets, List<String> dates) {
        int t = InvalidInputException.requireNonNull(data, "return rows").length;
        if (t == 0) {
            throw new InsufficientDataException("returns table is empty");
        }
        int n = InvalidInputException.requireNonNull(data[0], "returns row 1").length;
        double[] v = new double[t * n];
        for (int i = 0; i < t; i++) {
            if (InvalidInputException.requireNonNull(data[i], "returns row " + (i + 1)).length != n) {
                throw new DimensionMismatchException("returns row " + (i + 1) + " has " + data[i].length
                        + " values, the first row has " + n);
            }
            System.arraycopy(data[i], 0, v, i * n, n);
        }
        return of(t, n, v, assets, dates);
    }

    /**
     * From an array of rows (copied), the assets named A1 … AN and the rows "row 1" … "row T".
     *
     * @param data T rows of N per-period returns, oldest first, NaN where missing
     * @return the checked returns
     * @throws InvalidInputException as {@link #of(double[][], List, List)} throws
     */
    public static Returns of(double[][] data) {
        return of(data, null, null);
    }

    /**
     * Returns from prices: row t is the return from date t−1 to date t, for T prices → T−1 returns (labelled with the
     * later date). A return is missing (NaN) when either price is missing. Prices must be positive where present.
     *
     * @param prices the prices, T ≥ 2 rows
     * @param kind   simple or log returns
     * @return T − 1 rows of new values, under the prices' asset names
     * @throws InsufficientDataException when there are fewer than 2 rows of prices
     * @throws NonFiniteValueException   when two prices are too far apart for their ratio to be finite
     * @throws InvalidInputException     when an argument is null
     */
    public static Returns fromPrices(PriceHistory prices, ReturnKind kind) {
        InvalidInputException.requireNonNull(prices, "prices");
        InvalidInputException.requireNonNull(kind, "return kind");
        int t = prices.observations();
        int n = prices.assetCount();
        if (t < 2) {
            throw new InsufficientDataException("need at least 2 prices per asset to form a return, got " + t
                    + " row" + (t == 1 ? "" : "s"));
        }
        double[] p = prices.values();
        double[] r = new double[(t - 1) * n];
        for (int i = 1; i < t; i++) {
            for (int j = 0; j < n; j++) {
                double p0 = p[(i - 1) * n + j];
                double p1 = p[i * n + j];
                double v = Double.isNaN(p0) || Double.isNaN(p1) ? Double.NaN : kind.of(p0, p1);
                if (Double.isInfinite(v)) { // prices at the ends of the range: p1/p0 overflows
                    throw new NonFiniteValueException("return of asset " + prices.assets().get(j) + " on "
                            + prices.dates().get(i) + " (row " + (i + 1) + ") is " + v + ": its prices " + p0
                            + " and " + p1 + " are too far apart for double precision");
                }
                r[(i - 1) * n + j] = v;
            }
        }
        return new Returns(t - 1, n, r, prices.assets(), prices.dates().subList(1, t));
    }

    /**
     * Simple returns for holding through gaps: where P_t is present, r_t = P_t / P_s − 1 with s the last earlier row
     * with a price, so the move over a gap lands on the first date after it, as if the price had been carried
     * forward through the gap; NaN where P_t is missing (held, it earns 0) or no earlier price exists. For a held
     * portfolio ({@link io.equirisk.backtest.HeldPortfolio}), not for estimation: its returns span unequal periods.
     *
     * @param prices the prices, T ≥ 2 rows
     * @return T − 1 rows, row t the return to date t, as {@link #fromPrices} lays them
     * @throws InsufficientDataException when there are fewer than 2 rows of prices
     * @throws NonFiniteValueException   when two prices are too far apart for their ratio to be finite
     * @throws InvalidInputException     when the prices are null
     */
    public static Returns fromPricesCarried(PriceHistory prices) {
        Returns plain = fromPrices(prices, ReturnKind.SIMPLE); /* its checks; its values where no gap precedes */
        int t = prices.observations();
        int n = prices.assetCount();
        double[] p = prices.values();
        double[] r = plain.values;
        for (int j = 0; j < n; j++) {
            double last = Double.NaN;
            for (int i = 0; i < t; i++) {
                double now = p[i * n + j];
                if (i > 0 && !Double.isNaN(now) && Double.isNaN(p[(i - 1) * n + j]) && !Double.isNaN(last)) {
                    double v = ReturnKind.SIMPLE.of(last, now);
                    if (Double.isInfinite(v)) {
                        throw new NonFiniteValueException("return of asset " + prices.assets().get(j) + " on "
                                + prices.dates().get(i) + " across a gap is " + v + ": its prices " + last + " and "
                                + now + " are too far apart for double precision");
                    }
                    r[(i - 1) * n + j] = v;
                }
                if (!Double.isNaN(now)) {
                    last = now;
                }
            }
        }
        return plain;
    }

    static List<String> checkNames(List<String> assets, int cols) {
        return AssetNames.check(assets, cols);
    }

    /** Row labels: "row 1" … for null; else one non-null label per row (a null one named by its row). */
    static List<String> checkLabels(List<String> dates, int rows, String what) {
        if (dates == null) {
            return rowNumbers(rows);
        }
        if (dates.size() != rows) {
            throw new DimensionMismatchException(what + " have " + rows + " rows but " + dates.size() + " dates");
        }
        for (int t = 0; t < rows; t++) {
            if (dates.get(t) == null) {
                throw new DataFormatException("the date (row label) of row " + (t + 1) + " is null");
            }
        }
        return List.copyOf(dates);
    }

    static List<String> rowNumbers(int rows) {
        List<String> s = new ArrayList<>(rows);
        for (int i = 0; i < rows; i++) {
            s.add("row " + (i + 1));
        }
        return List.copyOf(s);
    }

    /**
     * The number of dates.
     *
     * @return T
     */
    public int observations() {
        return rows;
    }

    /**
     * The number of assets.
     *
     * @return N
     */
    public int assetCount() {
        return cols;
    }

    /**
     * Row-major T×N values, NaN for missing. Shared, not copied: do not modify.
     *
     * @return the values, row t at [t·N, (t+1)·N)
     */
    public double[] values() {
        return values;
    }

    /**
     * One return.
     *
     * @param row   the date's row, from 0
     * @param asset the asset's column, from 0
     * @return the return, NaN when missing
     */
    public double get(int row, int asset) {
        return values[row * cols + asset];
    }

    /**
     * The asset names, in column order.
     *
     * @return N names, immutable
     */
    public List<String> assets() {
        return assets;
    }

    /**
     * The row labels, oldest first.
     *
     * @return T labels, immutable: as given, or "row 1" … "row T"
     */
    public List<String> dates() {
        return dates;
    }

    /**
     * True when any cell is missing (NaN).
     *
     * @return whether some value is NaN
     */
    public boolean hasMissing() {
        for (double v : values) {
            if (Double.isNaN(v)) {
                return true;
            }
        }
        return false;
    }

    /**
     * The rows in which every asset has a return (DROP_INCOMPLETE_ROWS).
     *
     * @return this object when no value is missing, else new returns of the complete rows (values copied) and their
     *         dates; possibly none
     */
    public Returns completeRows() {
        int kept = 0;
        boolean[] keep = new boolean[rows];
        for (int t = 0; t < rows; t++) {
            boolean ok = true;
            for (int j = 0; j < cols && ok; j++) {
                ok = !Double.isNaN(values[t * cols + j]);
            }
            keep[t] = ok;
            if (ok) {
                kept++;
            }
        }
        if (kept == rows) {
            return this;
        }
        double[] v = new double[kept * cols];
        List<String> d = new ArrayList<>(kept);
        int k = 0;
        for (int t = 0; t < rows; t++) {
            if (keep[t]) {
                System.arraycopy(values, t * cols, v, k * cols, cols);
                d.add(dates.get(t));
                k++;
            }
        }
        return new Returns(kept, cols, v, assets, List.copyOf(d));
    }

    /**
     * The assets with a return on every date on which some asset has one: the other way round from
     * {@link #completeRows()}, which keeps every asset and drops dates. For a ragged history (late listings, delisted
     * assets) over a recent window this keeps the dates and leaves out the assets that do not cover them. Dates on
     * which no asset has a return (an empty row, a holiday) are dropped first, or they would leave out every asset.
     *
     * @return this object when no value is missing, else new returns of the complete assets (values copied), in their
     *         order, over the dates on which some asset has a return
     * @throws InsufficientDataException when no asset has a return on every such date (or there is none)
     */
    public Returns completeAssets() {
        if (!hasMissing()) {
            return this;
        }
        boolean[] anyOnRow = new boolean[rows];
        int kept = 0;
        for (int t = 0; t < rows; t++) {
            for (int j = 0; j < cols && !anyOnRow[t]; j++) {
                anyOnRow[t] = !Double.isNaN(values[t * cols + j]);
            }
            kept += anyOnRow[t] ? 1 : 0;
        }
        boolean[] complete = new boolean[cols];
        int members = 0;
        for (int j = 0; j < cols; j++) {
            boolean ok = kept > 0;
            for (int t = 0; t < rows && ok; t++) {
                ok = !anyOnRow[t] || !Double.isNaN(values[t * cols + j]);
            }
            complete[j] = ok;
            members += ok ? 1 : 0;
        }
        if (members == 0) {
            throw new InsufficientDataException("no asset has a return on every one of the " + kept + " dates on "
                    + "which some asset has one");
        }
        double[] v = new double[kept * members];
        List<String> names = new ArrayList<>(members);
        List<String> d = new ArrayList<>(kept);
        for (int j = 0; j < cols; j++) {
            if (complete[j]) {
                names.add(assets.get(j));
            }
        }
        int k = 0;
        for (int t = 0; t < rows; t++) {
            if (anyOnRow[t]) {
                d.add(dates.get(t));
                int c = 0;
                for (int j = 0; j < cols; j++) {
                    if (complete[j]) {
                        v[k * members + c++] = values[t * cols + j];
                    }
                }
                k++;
            }
        }
        return new Returns(kept, members, v, List.copyOf(names), List.copyOf(d));
    }

    /**
     * The last {@code window} rows (all rows if fewer).
     *
     * @param window the number of rows, at least 1
     * @return this object when it has no more rows, else new returns of copies of the last rows and their dates
     * @throws InvalidInputException when window is below 1
     */
    public Returns lastRows(int window) {
        if (window < 1) {
            throw new InvalidInputException("window must be at least 1, got " + window);
        }
        if (window >= rows) {
            return this;
        }
        int from = rows - window;
        double[] v = new double[window * cols];
        System.arraycopy(values, from * cols, v, 0, window * cols);
        return new Returns(window, cols, v, assets, dates.subList(from, rows));
    }

    /**
     * Rows [from, to).
     *
     * @param from the first row, from 0
     * @param to   the row after the last
     * @return new returns of copies of those rows and their dates
     * @throws InvalidInputException unless 0 ≤ from ≤ to ≤ T
     */
    public Returns rows(int from, int to) {
        if (from < 0 || to > rows || from > to) {
            throw new InvalidInputException("row range [" + from + ", " + to + ") is outside 0.." + rows);
        }
        double[] v = new double[(to - from) * cols];
        System.arraycopy(values, from * cols, v, 0, v.length);
        return new Returns(to - from, cols, v, assets, dates.subList(from, to));
    }

    /**
     * Throws {@link io.equirisk.error.NonFiniteValueException} naming the first missing cell, if any. Used by
     * estimators under {@link MissingValuePolicy#REJECT}.
     */
    public void requireComplete() {
        for (int t = 0; t < rows; t++) {
            for (int j = 0; j < cols; j++) {
                if (Double.isNaN(values[t * cols + j])) {
                    throw new NonFiniteValueException("return of asset " + assets.get(j) + " on " + dates.get(t)
                            + " (row " + (t + 1) + ") is missing (NaN)");
                }
            }
        }
    }
}

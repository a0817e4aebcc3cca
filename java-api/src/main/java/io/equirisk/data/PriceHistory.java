package io.equirisk.data;

import io.equirisk.error.DimensionMismatchException;
import io.equirisk.error.InvalidInputException;
import io.equirisk.error.NonFiniteValueException;

import java.util.List;

/**
 * A T×N table of prices (rows are dates, oldest first), row-major. NaN marks a missing price (an asset not yet
 * listed, delisted, or a gap). Present prices must be finite and positive.
 */
public final class PriceHistory {
    private final int rows;
    private final int cols;
    private final double[] values;
    private final List<String> assets;
    private final List<String> dates;

    private PriceHistory(int rows, int cols, double[] values, List<String> assets, List<String> dates) {
        this.rows = rows;
        this.cols = cols;
        this.values = values;
        this.assets = assets;
        this.dates = dates;
    }

    /**
     * Wraps row-major prices (not copied) after checking them.
     *
     * @param rows   T, the number of dates, ≥ 0
     * @param cols   N, the number of assets, ≥ 1
     * @param values T·N prices, row-major, oldest date first, NaN where missing; shared, not copied: do not modify
     * @param assets N names, or null for A1 … AN
     * @param dates  T row labels, or null for "row 1" … "row T"
     * @return the checked prices
     * @throws InvalidInputException      naming the asset and row of a zero or negative price; or when values are
     *                                    null, or (a subclass) a name is blank or repeated or a date is null
     * @throws NonFiniteValueException    naming the asset and row of an infinite price
     * @throws DimensionMismatchException when the sizes disagree with each other or with the names or dates
     */
    public static PriceHistory of(int rows, int cols, double[] values, List<String> assets, List<String> dates) {
        InvalidInputException.requireNonNull(values, "price values");
        if (rows < 0 || cols < 1) {
            throw new DimensionMismatchException("prices need at least one asset, got " + rows + " × " + cols);
        }
        if (values.length != (long) rows * cols) {
            throw new DimensionMismatchException("prices of " + rows + " rows × " + cols + " assets need "
                    + ((long) rows * cols) + " values, got " + values.length);
        }
        List<String> names = Returns.checkNames(assets, cols);
        List<String> labels = Returns.checkLabels(dates, rows, "prices");
        for (int t = 0; t < rows; t++) {
            for (int j = 0; j < cols; j++) {
                double p = values[t * cols + j];
                if (Double.isNaN(p)) {
                    continue;
                }
                if (Double.isInfinite(p)) {
                    throw new NonFiniteValueException("price of asset " + names.get(j) + " on " + labels.get(t)
                            + " (row " + (t + 1) + ") is " + p);
                }
                if (p <= 0) {
                    throw new InvalidInputException("price of asset " + names.get(j) + " on " + labels.get(t)
                            + " (row " + (t + 1) + ") is " + p + "; prices must be positive (drop the asset, or "
                            + "mark the cell missing)");
                }
            }
        }
        return new PriceHistory(rows, cols, values, names, labels);
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
     * Row-major values. Shared, not copied: do not modify.
     *
     * @return T·N prices, NaN where missing
     */
    public double[] values() {
        return values;
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
}

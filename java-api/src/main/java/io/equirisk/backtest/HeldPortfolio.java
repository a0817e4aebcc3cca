package io.equirisk.backtest;

import io.equirisk.data.Returns;
import io.equirisk.error.DimensionMismatchException;
import io.equirisk.error.InvalidInputException;

/**
 * The per-period returns of a portfolio set to given weights at the close of rebalance rows and held, without
 * trading, until the next: between two rebalances each holding grows with its own asset, so the weights drift (buy
 * and hold, no costs). Weights set at row t_k earn the returns of rows t_k + 1 … t_{k+1}; the last weights earn the
 * rows after theirs, if any. The rows before the first rebalance earn nothing and are not in the series.
 *
 * <p>Returns are simple (p₁/p₀ − 1). A missing return (NaN) of an asset the portfolio holds counts as 0, as if its
 * price were carried forward, and {@link #missingAsZero()} says how many there were; an asset it does not hold may
 * have any.
 *
 * <p>Each rebalance after the first trades the drifted holdings back to the new weights; its one-way turnover is
 * ½ Σ_i |w_i(k) − w̃_i(k)|, with w(k) the new weights (normalised) and w̃(k) the weights set at the rebalance before,
 * drifted to the close of row t_k. Between target weights alone (½ Σ |w(k) − w(k−1)|) it would miss the trades that
 * undo the drift.
 *
 * <p>The record holds the arrays it is given and returns them, not copies.
 *
 * @param returns       the portfolio's return in each held period, oldest first
 * @param firstRow      the row of {@code simpleReturns} that {@code returns[0]} belongs to
 * @param missingAsZero held (asset, row) cells whose missing return counted as 0
 * @param turnover      the one-way turnover at each rebalance after the first (one fewer than the rebalances)
 */
public record HeldPortfolio(double[] returns, int firstRow, int missingAsZero, double[] turnover) {

    /**
     * The mean of {@link #turnover()}; NaN with a single rebalance, which trades nothing held.
     *
     * @return the mean one-way turnover per rebalance after the first, as a fraction of the portfolio
     */
    public double meanTurnover() {
        double sum = 0;
        for (double t : turnover) {
            sum += t;
        }
        return turnover.length == 0 ? Double.NaN : sum / turnover.length;
    }

    /**
     * The returns of the portfolio set to {@code weights} at each rebalance row and held to the next.
     *
     * @param simpleReturns  T × N simple returns
     * @param rebalanceRows  strictly increasing rows in [0, T) at whose close the weights are set
     * @param weights        row-major, one row of N non-negative weights per rebalance, each summing to more than 0
     *                       (normalised here, so weights that sum to 1 up to rounding are held exactly as given)
     * @return the returns of rows rebalanceRows[0] + 1 … T − 1 (none when the first rebalance is on the last row),
     *         with the turnover at each later rebalance
     * @throws InvalidInputException      when an argument is null, there is no rebalance row, the rows do not
     *                                    increase strictly within [0, T), a weight is negative, NaN or infinite, a
     *                                    rebalance's weights are all 0, or a held asset's return is below −1
     * @throws DimensionMismatchException when the weights are not rebalances × N
     */
    public static HeldPortfolio of(Returns simpleReturns, int[] rebalanceRows, double[] weights) {
        InvalidInputException.requireNonNull(simpleReturns, "returns");
        InvalidInputException.requireNonNull(rebalanceRows, "rebalance rows");
        InvalidInputException.requireNonNull(weights, "weights");
        int t = simpleReturns.observations();
        int n = simpleReturns.assetCount();
        int count = rebalanceRows.length;
        if (count == 0) {
            throw new InvalidInputException("a held portfolio needs at least one rebalance row");
        }
        if (weights.length != (long) count * n) {
            throw new DimensionMismatchException(count + " rebalances of " + n + " assets need " + ((long) count * n)
                    + " weights, got " + weights.length);
        }
        for (int k = 0; k < count; k++) {
            int row = rebalanceRows[k];
            if (row < 0 || row >= t || (k > 0 && row <= rebalanceRows[k - 1])) {
                throw new InvalidInputException("rebalance rows must increase strictly within 0 … " + (t - 1)
                        + "; rebalance " + (k + 1) + " is at row " + row
                        + (k > 0 ? " after row " + rebalanceRows[k - 1] : ""));
            }
            double sum = 0;
            for (int i = 0; i < n; i++) {
                double w = weights[k * n + i];
                if (!(w >= 0) || Double.isInfinite(w)) {
                    throw new InvalidInputException("weight of asset " + simpleReturns.assets().get(i) + " at "
                            + "rebalance " + (k + 1) + " (" + simpleReturns.dates().get(row) + ") is " + w + "; held "
                            + "weights must be finite and non-negative");
                }
                sum += w;
            }
            if (!(sum > 0)) {
                throw new InvalidInputException("the weights at rebalance " + (k + 1) + " ("
                        + simpleReturns.dates().get(row) + ") are all 0");
            }
        }
        int first = rebalanceRows[0] + 1;
        double[] out = new double[t - first];
        double[] held = new double[n];
        double[] turnover = new double[count - 1];
        int missing = 0;
        int k = 0;
        for (int row = first; row < t; row++) {
            if (row == rebalanceRows[k] + 1) { /* the weights set at the close of the row before */
                double traded = trade(held, weights, k);
                if (k > 0) {
                    turnover[k - 1] = traded;
                }
                if (k + 1 < count) {
                    k++;
                }
            }
            double before = 0;
            double gain = 0;
            for (int i = 0; i < n; i++) {
                if (held[i] == 0) {
                    continue;
                }
                double r = simpleReturns.get(row, i);
                if (Double.isNaN(r)) {
                    missing++;
                    r = 0;
                } else if (r < -1) {
                    throw new InvalidInputException("return of asset " + simpleReturns.assets().get(i) + " on "
                            + simpleReturns.dates().get(row) + " is " + r + ": a simple "
                            + "return below −1 (a loss of more than everything) cannot be held");
                }
                before += held[i];
                gain += held[i] * r;
                held[i] *= 1 + r;
            }
            out[row - first] = before > 0 ? gain / before : 0; /* nothing left to lose after a total loss */
        }
        if (count > 1 && rebalanceRows[count - 1] == t - 1) { /* the last rebalance, on the last row, trades too */
            turnover[count - 2] = trade(held, weights, count - 1);
        }
        return new HeldPortfolio(out, first, missing, turnover);
    }

    /** Sets {@code held} to rebalance k's weights (normalised); returns the one-way turnover from the drifted ones. */
    private static double trade(double[] held, double[] weights, int k) {
        int n = held.length;
        double sum = 0;
        double drifted = 0;
        for (int i = 0; i < n; i++) {
            sum += weights[k * n + i];
            drifted += held[i];
        }
        double traded = 0;
        for (int i = 0; i < n; i++) {
            double before = drifted > 0 ? held[i] / drifted : 0; /* after a total loss, nothing is held */
            held[i] = weights[k * n + i] / sum;
            traded += Math.abs(held[i] - before);
        }
        return 0.5 * traded;
    }
}

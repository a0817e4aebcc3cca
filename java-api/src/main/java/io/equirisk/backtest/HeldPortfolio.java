package io.equirisk.backtest;

import io.equirisk.data.Returns;
import io.equirisk.error.DimensionMismatchException;
import io.equirisk.error.InvalidInputException;

/**
 * The per-period returns of a portfolio set to given weights at the close of rebalance rows and held, without
 * trading, until the next: between two rebalances each holding grows with its own asset, so the weights drift (buy
 * and hold). Weights set at row t_k earn the returns of rows t_k + 1 … t_{k+1}; the last weights earn the rows after
 * theirs, if any. The rows before the first rebalance earn nothing and are not in the series.
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
 * <p>The book may be levered and may pay for its trades ({@link #of(Returns, int[], double[], double[], double)}): at
 * rebalance k it holds L_k times its equity E in the weights, the rest borrowed (or, below 1, kept in cash) at a rate
 * of 0, and each trade costs c times the value traded, buys and sells alike, paid from the equity. The first
 * rebalance buys from cash. The equity after a trade, E′, is the one whose positions L_k·E′·w(k) leave exactly E′
 * once the trade from the drifted positions p is paid: E′ = E − c Σ_i |L_k E′ w_i(k) − p_i|, solved by fixed-point
 * iteration (a contraction while c·L_k < 1). A trade on the last row, after the last return, is in the turnover but
 * not in the costs. A levered book that loses all its equity earns nothing after (that return is −1), as does one
 * whose trade would cost all the equity left (c Σ_i |p_i| ≥ E: even selling everything costs it all; the equation's
 * root would be a short book).
 *
 * <p>The record holds the arrays it is given and returns them, not copies.
 *
 * @param returns       the portfolio's return on its equity in each held period, oldest first, net of the costs of
 *                      the trade at the start of the period
 * @param firstRow      the row of {@code simpleReturns} that {@code returns[0]} belongs to
 * @param missingAsZero held (asset, row) cells whose missing return counted as 0
 * @param turnover      the one-way turnover at each rebalance after the first (one fewer than the rebalances)
 * @param costs         the costs of the trades before the held returns, each as a fraction of the equity just
 *                      before it, summed (0 without costs)
 */
public record HeldPortfolio(double[] returns, int firstRow, int missingAsZero, double[] turnover, double costs) {

    /** Fixed-point steps for a trade's equity after costs: each shrinks the error by c·L, below 0.9 (ample: 0.9^500). */
    private static final int COST_ITERATIONS = 500;

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
     * The costs paid per year: {@link #costs()} over the years the returns span.
     *
     * @param periodsPerYear the returns' periods in a year
     * @return the summed cost fractions per year; 0 without costs, NaN without returns
     */
    public double costsPerYear(double periodsPerYear) {
        return returns.length == 0 ? Double.NaN : costs * periodsPerYear / returns.length;
    }

    /**
     * The returns of the portfolio set to {@code weights} at each rebalance row and held to the next, unlevered and
     * without costs.
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
        return of(simpleReturns, rebalanceRows, weights, null, 0);
    }

    /**
     * The returns on the equity of a book that holds {@code leverage[k]} times its equity in rebalance k's weights
     * and pays {@code costRate} times the value of each trade.
     *
     * @param simpleReturns  T × N simple returns
     * @param rebalanceRows  strictly increasing rows in [0, T) at whose close the weights are set
     * @param weights        row-major, one row of N non-negative weights per rebalance, each summing to more than 0
     *                       (normalised here)
     * @param leverage       the exposure per unit of equity at each rebalance, finite and ≥ 0; null for 1 throughout
     * @param costRate       the cost per unit of value traded, in [0, 0.5) (0.001 for 10 basis points)
     * @return the returns of rows rebalanceRows[0] + 1 … T − 1, net of costs, with the turnover and the costs
     * @throws InvalidInputException      as {@link #of(Returns, int[], double[])}, and when a leverage is negative or
     *                                    not finite, the cost rate is outside [0, 0.5), or c times a leverage is 0.9
     *                                    or more (a trade could cost about as much as it buys)
     * @throws DimensionMismatchException when the weights are not rebalances × N or the leverages not one per
     *                                    rebalance
     */
    public static HeldPortfolio of(Returns simpleReturns, int[] rebalanceRows, double[] weights, double[] leverage,
                                   double costRate) {
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
        if (leverage != null && leverage.length != count) {
            throw new DimensionMismatchException(count + " rebalances need " + count + " leverages, got "
                    + leverage.length);
        }
        if (!(costRate >= 0 && costRate < 0.5)) {
            throw new InvalidInputException("the cost rate is " + costRate + "; it is a fraction of the value "
                    + "traded in [0, 0.5) (0.001 for 10 basis points)");
        }
        for (int k = 0; leverage != null && k < count; k++) {
            if (!(leverage[k] >= 0) || Double.isInfinite(leverage[k])) {
                throw new InvalidInputException("leverage at rebalance " + (k + 1) + " ("
                        + simpleReturns.dates().get(rebalanceRows[k]) + ") is " + leverage[k] + "; it must be "
                        + "finite and non-negative");
            }
            if (costRate * leverage[k] >= 0.9) {
                throw new InvalidInputException("leverage " + String.format(java.util.Locale.ROOT, "%.4g",
                        leverage[k]) + " at rebalance " + (k + 1) + " ("
                        + simpleReturns.dates().get(rebalanceRows[k]) + ") at a cost rate of " + costRate + " could "
                        + "cost about as much as it buys: their product must stay below 0.9");
            }
        }
        int first = rebalanceRows[0] + 1;
        double[] out = new double[t - first];
        double[] held = new double[n]; /* the value of each position */
        double[] turnover = new double[count - 1];
        double cash = 1; /* negative when borrowed; the equity is cash + Σ held */
        double costs = 0;
        int missing = 0;
        int k = 0;
        for (int row = first; row < t; row++) {
            double equity = cash + sum(held);
            double cost = 0;
            if (row == rebalanceRows[k] + 1) { /* the weights set at the close of the row before */
                if (k > 0) {
                    turnover[k - 1] = oneWay(held, weights, k);
                }
                if (equity > 0) {
                    double lev = leverage == null ? 1 : leverage[k];
                    double after = trade(held, weights, k, lev, costRate, equity);
                    cost = equity - after;
                    cash = after * (1 - lev); /* exactly 0 unlevered, so a total loss leaves exactly nothing; and
                                                 0 where the trade cost all the equity */
                    costs += cost / equity;
                }
                if (k + 1 < count) {
                    k++;
                }
            }
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
                gain += held[i] * r;
                held[i] *= 1 + r;
            }
            if (equity > 0) {
                out[row - first] = Math.max(-1, (gain - cost) / equity);
            }
            if (!(equity - cost + gain > 0)) { /* nothing left: a levered book's debt may exceed what it holds */
                java.util.Arrays.fill(held, 0);
                cash = 0;
            }
        }
        if (count > 1 && rebalanceRows[count - 1] == t - 1) { /* the last rebalance, on the last row, trades too */
            turnover[count - 2] = oneWay(held, weights, count - 1);
        }
        return new HeldPortfolio(out, first, missing, turnover, costs);
    }

    private static double sum(double[] v) {
        double s = 0;
        for (double x : v) {
            s += x;
        }
        return s;
    }

    /** The one-way turnover from the drifted holdings' weights to rebalance k's (normalised); 0 after a total loss. */
    private static double oneWay(double[] held, double[] weights, int k) {
        int n = held.length;
        double target = 0;
        double drifted = sum(held);
        if (!(drifted > 0)) { /* nothing held, nothing to trade from (nor anything to buy with) */
            return 0;
        }
        for (int i = 0; i < n; i++) {
            target += weights[k * n + i];
        }
        double traded = 0;
        for (int i = 0; i < n; i++) {
            double before = held[i] / drifted;
            traded += Math.abs(weights[k * n + i] / target - before);
        }
        return 0.5 * traded;
    }

    /**
     * Sets {@code held} to rebalance k's positions, L·E′·w (w normalised), and returns E′: the equity left once the
     * trade from the drifted positions is paid at {@code costRate}.
     */
    private static double trade(double[] held, double[] weights, int k, double lev, double costRate, double equity) {
        int n = held.length;
        double target = 0;
        for (int i = 0; i < n; i++) {
            target += weights[k * n + i];
        }
        double after = equity;
        double closing = 0; /* what selling everything held would cost */
        for (double p : held) {
            closing += costRate * Math.abs(p);
        }
        if (closing >= equity) {
            /* E′ + c Σ |L E′ w_i − p_i| rises from c Σ |p_i| at E′ = 0: no equity is left after any trade (the
               equation's root is negative, a short book): the trade takes all of it, and nothing is held after */
            java.util.Arrays.fill(held, 0);
            return 0;
        }
        if (costRate > 0) {
            /* E′ ↦ E − c Σ |L E′ w_i − p_i| is a contraction by c·L < 0.9 (c·L ~ 1e-3 in practice: 5 or 6 steps) */
            for (int it = 0; it < COST_ITERATIONS; it++) {
                double traded = 0;
                for (int i = 0; i < n; i++) {
                    traded += Math.abs(lev * after * (weights[k * n + i] / target) - held[i]);
                }
                double next = equity - costRate * traded;
                boolean settled = Math.abs(next - after) <= 0x1p-52 * equity;
                after = next;
                if (settled) {
                    break;
                }
            }
        }
        for (int i = 0; i < n; i++) {
            held[i] = lev * after * (weights[k * n + i] / target);
        }
        return after;
    }
}

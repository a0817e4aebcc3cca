package io.equirisk.backtest;

import io.equirisk.error.InvalidInputException;

/**
 * The usual summary of a series of simple per-period returns.
 *
 * @param periods                how many returns
 * @param totalReturn            Π(1 + r) − 1
 * @param annualisedReturn       geometric: (1 + total)^(P / periods) − 1
 * @param annualisedVolatility   the returns' sample standard deviation (divided by periods − 1) × √P; NaN for
 *                               fewer than 2 returns
 * @param maxDrawdown            the largest fall of wealth from its running peak, as a fraction of the peak (0 … 1);
 *                               wealth starts at 1, which counts as a peak
 * @param periodsPerYear         P
 */
public record PerformanceSummary(int periods, double totalReturn, double annualisedReturn,
                                 double annualisedVolatility, double maxDrawdown, double periodsPerYear) {

    /**
     * {@code annualisedReturn / annualisedVolatility} (no risk-free rate); NaN when the volatility is 0 or NaN.
     *
     * @return the annualised return per unit of annualised volatility
     */
    public double returnToVolatility() {
        return annualisedVolatility > 0 ? annualisedReturn / annualisedVolatility : Double.NaN;
    }

    /**
     * The summary of a return series.
     *
     * @param returns        simple per-period returns, oldest first, each finite and at least −1 (not modified)
     * @param periodsPerYear P, the returns' periods in a year (252 for trading days, 12 for months)
     * @return the summary; its volatility is NaN for a single return
     * @throws InvalidInputException when the returns are null or empty, a return is NaN, infinite or below −1, or P
     *                               is not positive and finite
     */
    public static PerformanceSummary of(double[] returns, double periodsPerYear) {
        InvalidInputException.requireNonNull(returns, "returns");
        if (!(periodsPerYear > 0) || Double.isInfinite(periodsPerYear)) {
            throw new InvalidInputException("periods per year must be positive and finite, got " + periodsPerYear);
        }
        int t = returns.length;
        if (t == 0) {
            throw new InvalidInputException("a performance summary needs at least one return");
        }
        double logWealth = 0; /* sums of log1p keep a long series' wealth exact to rounding */
        double peak = 0;
        double worst = 0;
        double mean = 0;
        for (int i = 0; i < t; i++) {
            double r = returns[i];
            if (!(r >= -1) || Double.isInfinite(r)) {
                throw new InvalidInputException("return " + (i + 1) + " is " + r + "; simple returns must be finite "
                        + "and at least −1");
            }
            logWealth += Math.log1p(r);
            peak = Math.max(peak, logWealth);
            worst = Math.max(worst, -Math.expm1(logWealth - peak));
            mean += r;
        }
        mean /= t;
        double squares = 0;
        for (double r : returns) {
            squares += (r - mean) * (r - mean);
        }
        double vol = t > 1 ? Math.sqrt(squares / (t - 1) * periodsPerYear) : Double.NaN;
        double total = Math.expm1(logWealth);
        double annual = Math.expm1(logWealth * periodsPerYear / t);
        return new PerformanceSummary(t, total, annual, vol, worst, periodsPerYear);
    }
}

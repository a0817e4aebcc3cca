package io.equirisk.solver;

import io.equirisk.error.InvalidBudgetException;

import java.util.Arrays;

/**
 * Risk budgets b: the share of portfolio risk each asset should carry. Every b_i is finite and ≥ 0, at least one is
 * positive, and they sum to one within {@link #SUM_TOLERANCE}. An asset with b_i = 0 gets weight exactly zero.
 *
 * <p>Budgets that do not sum to one are rejected by {@link #of}, because silently rescaling hides a caller's
 * mistake; {@link #normalized} rescales on purpose.
 */
public final class RiskBudgets {
    /** How far from one the budgets given to {@link #of} may sum. */
    public static final double SUM_TOLERANCE = 1e-8;
    private final double[] b;

    private RiskBudgets(double[] b) {
        this.b = b;
    }

    /**
     * Equal budgets 1/N: the equal-risk-contribution (ERC) portfolio.
     *
     * @param n N, the number of assets
     * @return N budgets of 1/N
     * @throws InvalidBudgetException when n is below 1
     */
    public static RiskBudgets equal(int n) {
        if (n < 1) {
            throw new InvalidBudgetException("need at least one asset, got " + n);
        }
        double[] b = new double[n];
        Arrays.fill(b, 1.0 / n);
        return new RiskBudgets(b);
    }

    /**
     * Budgets as given; they must sum to one within {@link #SUM_TOLERANCE}. The stored budgets are divided by their
     * sum, so that they sum to one to the last bit: risk contributions do, and budgets rounded in a file (three times
     * 0.333333333) would otherwise leave a residual no solver can remove.
     *
     * @param budgets one per asset, each finite and ≥ 0, not all 0 (copied)
     * @return the budgets, divided by their sum
     * @throws InvalidBudgetException when the budgets are null or empty, one is NaN, infinite or negative, all are 0,
     *                                or their sum is more than {@link #SUM_TOLERANCE} from one
     */
    public static RiskBudgets of(double... budgets) {
        double sum = check(budgets);
        if (Math.abs(sum - 1.0) > SUM_TOLERANCE) {
            throw new InvalidBudgetException("risk budgets sum to " + sum + ", not 1 (use RiskBudgets.normalized, "
                    + "or --normalize-budgets on the command line, to rescale them)");
        }
        return normalized(budgets);
    }

    /**
     * Budgets rescaled to sum to one (copied).
     *
     * @param budgets one per asset, each finite and ≥ 0, not all 0; any positive sum
     * @return the budgets, divided by their sum
     * @throws InvalidBudgetException when the budgets are null or empty, one is NaN, infinite or negative, or all
     *                                are 0
     */
    public static RiskBudgets normalized(double... budgets) {
        double sum = check(budgets);
        double[] b = new double[budgets.length];
        double scale = 1.0;
        if (sum == Double.POSITIVE_INFINITY) { /* finite budgets near 1e308 overflow the sum: scale them down first */
            scale = 0.0;
            for (double v : budgets) {
                scale = Math.max(scale, v);
            }
            sum = 0;
            for (double v : budgets) {
                sum += v / scale;
            }
        }
        for (int i = 0; i < b.length; i++) {
            b[i] = budgets[i] / scale / sum;
        }
        return new RiskBudgets(b);
    }

    private static double check(double[] budgets) {
        if (budgets == null) {
            throw new InvalidBudgetException("risk budgets are null");
        }
        if (budgets.length == 0) {
            throw new InvalidBudgetException("risk budgets are empty");
        }
        double sum = 0;
        for (int i = 0; i < budgets.length; i++) {
            double v = budgets[i];
            if (!Double.isFinite(v)) {
                throw new InvalidBudgetException("risk budget of asset " + (i + 1) + " is " + v);
            }
            if (v < 0) {
                throw new InvalidBudgetException("risk budget of asset " + (i + 1) + " is negative (" + v + ")");
            }
            sum += v;
        }
        if (!(sum > 0)) {
            throw new InvalidBudgetException("risk budgets are all zero");
        }
        return sum;
    }

    /**
     * Checks that every positive budget is above the solver's tolerance. The convergence test is absolute,
     * max_i |RC_i − b_i| ≤ tol: for a budget at or below tol it leaves that asset's risk contribution free to be zero
     * or negative (the asset a hedge), and a solver may stop at a portfolio that is not the risk-budgeting one, the
     * other assets' weights off by percents (a review found Newton doing so from its first point). Every engine
     * refuses such budgets rather than answer that way; a zero budget leaves an asset out.
     *
     * @param tolerance the solver tolerance ({@link SolverOptions#tolerance()})
     * @param names     asset names for the message, or null to name assets by position
     * @return these budgets
     * @throws InvalidBudgetException naming the asset with the smallest positive budget when it is ≤ tolerance
     */
    public RiskBudgets requireAboveTolerance(double tolerance, java.util.List<String> names) {
        int smallest = -1;
        for (int i = 0; i < b.length; i++) {
            if (b[i] > 0 && (smallest < 0 || b[i] < b[smallest])) {
                smallest = i;
            }
        }
        if (smallest >= 0 && b[smallest] <= tolerance) {
            double reachable = b[smallest] / 10;
            String asset = names != null && smallest < names.size() ? names.get(smallest) : "#" + (smallest + 1);
            throw new InvalidBudgetException("risk budget of asset " + asset + " (" + decimal(b[smallest])
                    + ") is not above the solver tolerance " + decimal(tolerance) + ": the test max|RC − b| ≤ tolerance would leave "
                    + "its risk contribution free to be zero or negative, and the weights far from risk parity; "
                    + "give the asset 0 to leave it out" + (reachable >= SolverOptions.MIN_TOLERANCE
                    ? String.format(java.util.Locale.ROOT, ", or a tolerance of %.0e or less", reachable) : ""));
        }
        return this;
    }

    /** A double as its shortest decimal, in e-notation where Java uses it: 1e-10, 1.5e-10, 0.005. */
    private static String decimal(double v) {
        return new java.math.BigDecimal(Double.toString(v)).stripTrailingZeros().toString().replace("E", "e");
    }

    /**
     * The number of assets.
     *
     * @return N
     */
    public int size() {
        return b.length;
    }

    /**
     * One asset's budget.
     *
     * @param i the asset, from 0
     * @return b_i, a share of portfolio risk
     */
    public double get(int i) {
        return b[i];
    }

    /**
     * A copy of the budgets.
     *
     * @return a new array of N budgets summing to one
     */
    public double[] toArray() {
        return b.clone();
    }

    /**
     * True when every budget is 1/N (exactly as {@link #equal} makes them, or within 1e-15).
     *
     * @return whether these are equal budgets
     */
    public boolean isEqual() {
        double e = 1.0 / b.length;
        for (double v : b) {
            if (Math.abs(v - e) > 1e-15) {
                return false;
            }
        }
        return true;
    }

    @Override
    public String toString() {
        return "RiskBudgets" + Arrays.toString(b);
    }
}

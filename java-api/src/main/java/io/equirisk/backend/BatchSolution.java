package io.equirisk.backend;

import io.equirisk.solver.RiskBudgetingResult;

/**
 * Results of a batched solve, in the contiguous layout the backends fill: problem k's weights and risk
 * contributions occupy {@code [k·N, (k+1)·N)}. The record holds the arrays it is given and returns them, not copies;
 * an unconverged problem is reported here, never thrown.
 *
 * @param batch             number of problems
 * @param n                 assets per problem, N
 * @param weights           batch·N weights, each problem's N summing to one
 * @param riskContributions batch·N risk-contribution shares, laid out as the weights
 * @param iterations        per problem: CCD sweeps plus Newton steps
 * @param residuals         per problem: max_i |RC_i − b_i| at its weights
 * @param converged         per problem: residual ≤ tolerance, with every weight finite and ≥ 0
 * @param solvers           per problem: what ran, "ccd", "newton", "ccd+newton" or "diagonal"
 * @param volatilities      per problem: portfolio volatility sqrt(wᵀΣw), in the units of Σ (not annualised)
 */
public record BatchSolution(int batch, int n, double[] weights, double[] riskContributions, int[] iterations,
                            double[] residuals, boolean[] converged, String[] solvers, double[] volatilities) {

    /**
     * An empty solution for a backend to fill, problem by problem ({@link #put}).
     *
     * @param batch number of problems
     * @param n     assets per problem
     * @return zeroed arrays (solver names null)
     * @throws io.equirisk.error.DimensionMismatchException when batch·n is negative or more than one Java array holds
     */
    public static BatchSolution allocate(int batch, int n) {
        int values = io.equirisk.data.ArraySize.of("weights of " + batch + " problems of " + n + " assets", batch, n);
        return new BatchSolution(batch, n, new double[values], new double[values], new int[batch],
                new double[batch], new boolean[batch], new String[batch], new double[batch]);
    }

    /**
     * Problem k as a standalone result (arrays copied).
     *
     * @param k the problem, from 0
     * @return its weights, risk contributions, iterations, residual, flag, solver and volatility
     * @throws IndexOutOfBoundsException when k is not in [0, batch)
     */
    public RiskBudgetingResult result(int k) {
        java.util.Objects.checkIndex(k, batch); /* "index 99 out of bounds for length 40", not arraycopy's words */
        double[] w = new double[n];
        double[] rc = new double[n];
        System.arraycopy(weights, k * n, w, 0, n);
        System.arraycopy(riskContributions, k * n, rc, 0, n);
        return new RiskBudgetingResult(w, rc, iterations[k], residuals[k], converged[k], solvers[k], volatilities[k]);
    }

    /**
     * Stores a standalone result as problem k (its arrays copied in), replacing what was there. Neither argument is
     * checked: k must be in [0, batch) and the result's arrays N long.
     *
     * @param k the problem, from 0
     * @param r the result to store
     */
    public void put(int k, RiskBudgetingResult r) {
        System.arraycopy(r.weights(), 0, weights, k * n, n);
        System.arraycopy(r.riskContributions(), 0, riskContributions, k * n, n);
        iterations[k] = r.iterations();
        residuals[k] = r.residual();
        converged[k] = r.converged();
        solvers[k] = r.solver();
        volatilities[k] = r.volatility();
    }

    /**
     * Number of problems that did not converge.
     *
     * @return the count of false entries in {@link #converged()}; 0 when every problem met the tolerance
     */
    public int unconvergedCount() {
        int c = 0;
        for (boolean b : converged) {
            if (!b) {
                c++;
            }
        }
        return c;
    }

    /**
     * Largest |w − w'| over every weight of the two solutions of the same batch (verification).
     *
     * @param other a solution of the same batch size and N
     * @return the largest absolute difference; NaN when a weight is NaN
     * @throws io.equirisk.error.DimensionMismatchException when the batch sizes or N differ
     */
    public double maxWeightDifference(BatchSolution other) {
        if (other.batch != batch || other.n != n) {
            throw new io.equirisk.error.DimensionMismatchException("solutions of " + batch + " × " + n + " and "
                    + other.batch + " × " + other.n + " problems cannot be compared");
        }
        double d = 0;
        for (int e = 0; e < weights.length; e++) {
            d = Math.max(d, Math.abs(weights[e] - other.weights[e]));
        }
        return d;
    }

    /**
     * Largest residual over the batch.
     *
     * @return the largest of {@link #residuals()}; NaN when a problem has none (its Σ not positive definite: see
     *         {@link RiskBudgetingResult#residual()})
     */
    public double maxResidual() {
        double m = 0;
        for (double r : residuals) {
            m = Math.max(m, r);
        }
        return m;
    }
}

package io.equirisk.backend;

import io.equirisk.solver.RiskBudgetingResult;

/**
 * Results of a batched solve, in the contiguous layout the backends fill: problem k's weights and risk
 * contributions occupy {@code [k·N, (k+1)·N)}.
 */
public record BatchSolution(int batch, int n, double[] weights, double[] riskContributions, int[] iterations,
                            double[] residuals, boolean[] converged, String[] solvers, double[] volatilities) {

    public static BatchSolution allocate(int batch, int n) {
        int values = io.equirisk.data.ArraySize.of("weights of " + batch + " problems of " + n + " assets", batch, n);
        return new BatchSolution(batch, n, new double[values], new double[values], new int[batch],
                new double[batch], new boolean[batch], new String[batch], new double[batch]);
    }

    /** Problem k as a standalone result (arrays copied). */
    public RiskBudgetingResult result(int k) {
        java.util.Objects.checkIndex(k, batch); /* "index 99 out of bounds for length 40", not arraycopy's words */
        double[] w = new double[n];
        double[] rc = new double[n];
        System.arraycopy(weights, k * n, w, 0, n);
        System.arraycopy(riskContributions, k * n, rc, 0, n);
        return new RiskBudgetingResult(w, rc, iterations[k], residuals[k], converged[k], solvers[k], volatilities[k]);
    }

    /** Stores a standalone result as problem k. */
    public void put(int k, RiskBudgetingResult r) {
        System.arraycopy(r.weights(), 0, weights, k * n, n);
        System.arraycopy(r.riskContributions(), 0, riskContributions, k * n, n);
        iterations[k] = r.iterations();
        residuals[k] = r.residual();
        converged[k] = r.converged();
        solvers[k] = r.solver();
        volatilities[k] = r.volatility();
    }

    /** Number of problems that did not converge. */
    public int unconvergedCount() {
        int c = 0;
        for (boolean b : converged) {
            if (!b) {
                c++;
            }
        }
        return c;
    }

    /** Largest |w − w'| over every weight of the two solutions of the same batch (verification). */
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

    /** Largest residual over the batch. */
    public double maxResidual() {
        double m = 0;
        for (double r : residuals) {
            m = Math.max(m, r);
        }
        return m;
    }
}

package io.equirisk.solver;

import io.equirisk.error.ConvergenceException;

/**
 * The answer of one risk-budgeting solve. The record holds the arrays it is given and returns them, not copies.
 *
 * @param weights           long-only weights summing to one
 * @param riskContributions RC_i = w_i(Σw)_i / wᵀΣw, shares of portfolio variance summing to one
 * @param iterations        CCD sweeps plus Newton steps taken
 * @param residual          max_i |RC_i − b_i|, recomputed from the final weights; NaN where there is none (a
 *                          weight not finite or negative, or wᵀΣw ≤ 0: Σ not positive definite), never converged
 * @param converged         residual ≤ tolerance and every weight finite and ≥ 0
 * @param solver            what ran: "ccd", "newton", "ccd+newton" or "diagonal"
 * @param volatility        portfolio volatility sqrt(wᵀΣw), in the units of Σ (not annualised)
 */
public record RiskBudgetingResult(double[] weights, double[] riskContributions, int iterations, double residual,
                                  boolean converged, String solver, double volatility) {

    /**
     * This result, or a {@link ConvergenceException} carrying it when it did not converge.
     *
     * @return this result, converged
     * @throws ConvergenceException when {@link #converged()} is false, with this result as its
     *                              {@link ConvergenceException#result()}
     */
    public RiskBudgetingResult requireConverged() {
        if (!converged) {
            throw new ConvergenceException("risk-budgeting solve (" + solver + ") did not converge: residual "
                    + residual + " after " + iterations + " iterations", this);
        }
        return this;
    }
}

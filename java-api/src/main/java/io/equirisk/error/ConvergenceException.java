package io.equirisk.error;

/**
 * A solver stopped without meeting its tolerance. Carries the final state so that a caller who accepts an
 * approximate answer can still read it; equirisk never returns such an answer without saying so.
 */
public class ConvergenceException extends EquiriskException {
    private static final long serialVersionUID = 1L;
    private final transient Object result;

    public ConvergenceException(String message, Object result) {
        super(message);
        this.result = result;
    }

    /** The unconverged result (a {@code RiskBudgetingResult}), for inspection. */
    public Object result() {
        return result;
    }
}

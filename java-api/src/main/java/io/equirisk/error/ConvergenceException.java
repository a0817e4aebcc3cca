package io.equirisk.error;

/**
 * A solver stopped without meeting its tolerance. Carries the final state so that a caller who accepts an
 * approximate answer can still read it; equirisk never returns such an answer without saying so.
 */
public class ConvergenceException extends EquiriskException {
    private static final long serialVersionUID = 1L;
    private final transient Object result;

    /**
     * A stop short of the tolerance.
     *
     * @param message what did not converge, and how far it got
     * @param result  the final state (see {@link #result()}), or null where there is none to offer
     */
    public ConvergenceException(String message, Object result) {
        super(message);
        this.result = result;
    }

    /**
     * The unconverged result, for inspection: a {@code RiskBudgetingResult} from a risk-budgeting solve, a
     * {@code NearestCorrelation} (its last iterate, made valid) from the nearest-correlation iteration, null from the
     * eigen-decomposition. Not serialised: null in a deserialised copy.
     *
     * @return the result, to be cast to the type its thrower gives, or null
     */
    public Object result() {
        return result;
    }

    /**
     * The unconverged result as the type the caller expects, without a cast:
     * {@code e.result(RiskBudgetingResult.class).map(RiskBudgetingResult::weights)}.
     *
     * @param type the result's expected type
     * @param <T>  that type
     * @return the result when there is one of that type, else empty
     */
    public <T> java.util.Optional<T> result(Class<T> type) {
        return type.isInstance(result) ? java.util.Optional.of(type.cast(result)) : java.util.Optional.empty();
    }
}

package io.equirisk.error;

/** Risk budgets are negative, non-finite, all zero, or do not sum to one. */
public class InvalidBudgetException extends InvalidInputException {
    private static final long serialVersionUID = 1L;

    /**
     * Unusable budgets, described by {@code message}.
     *
     * @param message which budget is wrong (by asset number) and why, or what the budgets sum to
     */
    public InvalidBudgetException(String message) {
        super(message);
    }
}

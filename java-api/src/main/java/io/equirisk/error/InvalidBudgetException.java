package io.equirisk.error;

/** Risk budgets are negative, non-finite, all zero, or do not sum to one. */
public class InvalidBudgetException extends InvalidInputException {
    private static final long serialVersionUID = 1L;

    public InvalidBudgetException(String message) {
        super(message);
    }
}

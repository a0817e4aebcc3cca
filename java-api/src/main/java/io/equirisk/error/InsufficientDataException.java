package io.equirisk.error;

/** Too few observations: fewer than two, or fewer than the estimator needs. */
public class InsufficientDataException extends InvalidInputException {
    private static final long serialVersionUID = 1L;

    /**
     * Too few rows, described by {@code message}.
     *
     * @param message how many rows there are and how many are needed, and what to do about it
     */
    public InsufficientDataException(String message) {
        super(message);
    }
}

package io.equirisk.error;

/** Too few observations: fewer than two, or fewer than the estimator needs. */
public class InsufficientDataException extends InvalidInputException {
    private static final long serialVersionUID = 1L;

    public InsufficientDataException(String message) {
        super(message);
    }
}

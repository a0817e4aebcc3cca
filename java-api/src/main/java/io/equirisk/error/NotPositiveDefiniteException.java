package io.equirisk.error;

/** A covariance matrix is not positive definite (or not positive semi-definite where that is enough). */
public class NotPositiveDefiniteException extends InvalidInputException {
    private static final long serialVersionUID = 1L;

    public NotPositiveDefiniteException(String message) {
        super(message);
    }
}

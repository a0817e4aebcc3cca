package io.equirisk.error;

/** A covariance matrix is not positive definite (or not positive semi-definite where that is enough). */
public class NotPositiveDefiniteException extends InvalidInputException {
    private static final long serialVersionUID = 1L;

    /**
     * A matrix that is not positive definite, described by {@code message}.
     *
     * @param message the asset whose Cholesky pivot failed, the pivot, and what to do about it
     */
    public NotPositiveDefiniteException(String message) {
        super(message);
    }
}

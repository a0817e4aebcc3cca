package io.equirisk.error;

/** A covariance matrix is not symmetric within tolerance. */
public class NotSymmetricException extends InvalidInputException {
    private static final long serialVersionUID = 1L;

    /**
     * An asymmetric matrix, described by {@code message}.
     *
     * @param message the first pair of entries that disagree, with both values
     */
    public NotSymmetricException(String message) {
        super(message);
    }
}

package io.equirisk.error;

/** A covariance matrix is not symmetric within tolerance. */
public class NotSymmetricException extends InvalidInputException {
    private static final long serialVersionUID = 1L;

    public NotSymmetricException(String message) {
        super(message);
    }
}

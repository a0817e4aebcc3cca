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
        this(message, -1);
    }

    /**
     * A matrix whose factorisation failed at {@code asset}.
     *
     * @param message the asset whose Cholesky pivot failed, the pivot, and what to do about it
     * @param asset   the 0-based index of that asset, or −1 when unknown
     */
    public NotPositiveDefiniteException(String message, int asset) {
        super(message);
        this.asset = asset;
    }

    private final int asset;

    /**
     * The asset whose pivot failed.
     *
     * @return its 0-based index, or −1 when the message names none
     */
    public int asset() {
        return asset;
    }
}

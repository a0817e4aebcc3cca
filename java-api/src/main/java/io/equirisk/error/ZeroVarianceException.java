package io.equirisk.error;

/** An asset has zero (or negative) variance, so its risk contribution is undefined. */
public class ZeroVarianceException extends InvalidInputException {
    private static final long serialVersionUID = 1L;

    /**
     * An asset without variance, described by {@code message}.
     *
     * @param message the asset, its variance or its constant return, and what to do about it
     */
    public ZeroVarianceException(String message) {
        super(message);
    }
}

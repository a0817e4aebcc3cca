package io.equirisk.error;

/** An asset has zero (or negative) variance, so its risk contribution is undefined. */
public class ZeroVarianceException extends InvalidInputException {
    private static final long serialVersionUID = 1L;

    public ZeroVarianceException(String message) {
        super(message);
    }
}

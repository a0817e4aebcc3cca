package io.equirisk.error;

/** A value is NaN or infinite where a finite number is required. */
public class NonFiniteValueException extends InvalidInputException {
    private static final long serialVersionUID = 1L;

    public NonFiniteValueException(String message) {
        super(message);
    }
}

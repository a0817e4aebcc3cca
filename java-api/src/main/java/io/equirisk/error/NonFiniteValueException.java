package io.equirisk.error;

/** A value is NaN or infinite where a finite number is required. */
public class NonFiniteValueException extends InvalidInputException {
    private static final long serialVersionUID = 1L;

    /**
     * A NaN or infinity where a number is needed, described by {@code message}.
     *
     * @param message the value and where it is (asset and row, or matrix entry)
     */
    public NonFiniteValueException(String message) {
        super(message);
    }
}

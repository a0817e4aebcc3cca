package io.equirisk.error;

/** Two inputs that must agree in size do not (assets, rows, budgets, batch). */
public class DimensionMismatchException extends InvalidInputException {
    private static final long serialVersionUID = 1L;

    public DimensionMismatchException(String message) {
        super(message);
    }
}

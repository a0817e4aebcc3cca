package io.equirisk.error;

/** Two inputs that must agree in size do not (assets, rows, budgets, batch). */
public class DimensionMismatchException extends InvalidInputException {
    private static final long serialVersionUID = 1L;

    /**
     * Sizes that disagree, described by {@code message}.
     *
     * @param message both sizes and what they count ("budgets have 3 entries, covariance has 4 assets")
     */
    public DimensionMismatchException(String message) {
        super(message);
    }
}

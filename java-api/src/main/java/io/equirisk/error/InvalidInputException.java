package io.equirisk.error;

/**
 * The caller's data cannot be used as given. The message names the problem and where it is (asset, row, cell),
 * so that it can be shown to a user unchanged. Subclasses say which kind of problem it is.
 */
public class InvalidInputException extends EquiriskException {
    private static final long serialVersionUID = 1L;

    /**
     * Bad input of no more specific kind.
     *
     * @param message the problem and where it is (asset, row, cell)
     */
    public InvalidInputException(String message) {
        super(message);
    }

    /**
     * Bad input found through another exception (see {@link #withMessage}).
     *
     * @param message the problem and where it is
     * @param cause   the exception that found it
     */
    public InvalidInputException(String message, Throwable cause) {
        super(message, cause);
    }

    /**
     * A null argument is bad input like any other: a typed error that names it, not a NullPointerException.
     *
     * @param <T>   the argument's type
     * @param value the argument
     * @param name  how the message names it ("returns", "covariance values")
     * @return {@code value}, which is not null
     * @throws InvalidInputException "NAME is null" when {@code value} is null
     */
    public static <T> T requireNonNull(T value, String name) {
        if (value == null) {
            throw new InvalidInputException(name + " is null");
        }
        return value;
    }

    /**
     * This problem with {@code where} in front of its message ("batch matrix 3: asset A2 …", "window 8 of 20 (rows 8–259):
     * …", "cov.csv: …"), as the same kind of exception, so that a caller catching the kind still catches it.
     *
     * @param where the location to prefix, without the colon
     * @return a new exception, as {@link #withMessage} makes it; this one is its cause
     */
    public InvalidInputException located(String where) {
        return withMessage(where + ": " + getMessage());
    }

    /**
     * The same kind of exception (what went wrong) with another message; this one is its cause.
     *
     * @param message the new message
     * @return a new exception of this one's class, made by its public (String) constructor; a plain
     *         {@code InvalidInputException} where the class has none
     */
    public InvalidInputException withMessage(String message) {
        try {
            InvalidInputException copy = getClass().getConstructor(String.class).newInstance(message);
            copy.initCause(this);
            return copy;
        } catch (ReflectiveOperationException | IllegalStateException e) { /* no (String) constructor: the general kind */
            return new InvalidInputException(message, this);
        }
    }
}

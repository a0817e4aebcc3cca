package io.equirisk.error;

/** Root of every exception equirisk throws on purpose. Unchecked: callers handle the kinds they care about. */
public class EquiriskException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /**
     * An error with no underlying exception.
     *
     * @param message what went wrong, fit to show a user unchanged
     */
    public EquiriskException(String message) {
        super(message);
    }

    /**
     * An error found through another exception.
     *
     * @param message what went wrong, fit to show a user unchanged
     * @param cause   the exception that reported it
     */
    public EquiriskException(String message, Throwable cause) {
        super(message, cause);
    }
}

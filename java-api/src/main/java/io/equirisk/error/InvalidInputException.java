package io.equirisk.error;

/**
 * The caller's data cannot be used as given. The message names the problem and where it is (asset, row, cell),
 * so that it can be shown to a user unchanged. Subclasses say which kind of problem it is.
 */
public class InvalidInputException extends EquiriskException {
    private static final long serialVersionUID = 1L;

    public InvalidInputException(String message) {
        super(message);
    }

    public InvalidInputException(String message, Throwable cause) {
        super(message, cause);
    }
}

package io.equirisk.error;

/** Root of every exception equirisk throws on purpose. Unchecked: callers handle the kinds they care about. */
public class EquiriskException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public EquiriskException(String message) {
        super(message);
    }

    public EquiriskException(String message, Throwable cause) {
        super(message, cause);
    }
}

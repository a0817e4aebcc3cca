package io.equirisk.error;

/** A compute backend could not be loaded or failed while running (for CUDA: the CUDA error text is in the message). */
public class BackendException extends EquiriskException {
    private static final long serialVersionUID = 1L;

    public BackendException(String message) {
        super(message);
    }

    public BackendException(String message, Throwable cause) {
        super(message, cause);
    }
}

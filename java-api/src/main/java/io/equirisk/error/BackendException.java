package io.equirisk.error;

/** A compute backend could not be loaded or failed while running (for CUDA: the CUDA error text is in the message). */
public class BackendException extends EquiriskException {
    private static final long serialVersionUID = 1L;

    /**
     * A backend failure with no underlying exception.
     *
     * @param message what failed (for CUDA, with the CUDA error text)
     */
    public BackendException(String message) {
        super(message);
    }

    /**
     * A backend failure found through another exception (a native call, a worker thread, an interrupt).
     *
     * @param message what failed
     * @param cause   the exception that reported it
     */
    public BackendException(String message, Throwable cause) {
        super(message, cause);
    }
}

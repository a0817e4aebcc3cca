package io.equirisk.backend;

/**
 * Registers a {@link ComputeBackend} through {@link java.util.ServiceLoader} (META-INF/services). Probing must be
 * cheap and must never throw or crash: a missing driver or device is an ordinary answer.
 */
public interface BackendProvider {

    /** The name users select it by, e.g. "cuda". */
    String name();

    /** Preference under "auto": the available provider with the highest priority wins; the CPU engine is 0. */
    int priority();

    /** Whether this backend can run here, and why not if it cannot. */
    Availability probe();

    /** Opens the backend; only called after a successful probe. */
    ComputeBackend open();

    /** @param reason for users: the device found, or what is missing */
    record Availability(boolean available, String reason) {
    }
}

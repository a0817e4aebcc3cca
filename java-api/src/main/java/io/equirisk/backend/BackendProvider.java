package io.equirisk.backend;

/**
 * Registers a {@link ComputeBackend} through {@link java.util.ServiceLoader} (META-INF/services). Probing must be
 * cheap and must never throw or crash: a missing driver or device is an ordinary answer.
 */
public interface BackendProvider {

    /**
     * The name users select it by, e.g. "cuda".
     *
     * @return the name, in lower case: {@link Backends#select(String)} compares it with the user's choice lower-cased
     */
    String name();

    /**
     * Preference under "auto": the available provider with the highest priority wins; the CPU engine is 0.
     *
     * @return the priority; below 0, "auto" never chooses this provider (it runs only when named)
     */
    int priority();

    /**
     * Whether this backend can run here, and why not if it cannot.
     *
     * @return the answer and its reason (an exception thrown here is reported as "probe failed" and unavailable)
     */
    Availability probe();

    /**
     * Opens the backend; only called after a successful probe.
     *
     * @return the opened backend, which the caller closes; under "auto", an exception here makes the selection go
     *         on to the next provider
     */
    ComputeBackend open();

    /**
     * The answer of {@link #probe()}.
     *
     * @param available whether the backend can run on this machine
     * @param reason    for users: the device found, or what is missing
     */
    record Availability(boolean available, String reason) {
    }
}

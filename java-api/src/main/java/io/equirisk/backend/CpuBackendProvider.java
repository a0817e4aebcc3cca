package io.equirisk.backend;

/** Registers the pure-Java engine; always available. */
public final class CpuBackendProvider implements BackendProvider {
    @Override
    public String name() {
        return "cpu";
    }

    @Override
    public int priority() {
        return 0;
    }

    @Override
    public Availability probe() {
        return new Availability(true, "pure-Java engine (always available)");
    }

    @Override
    public ComputeBackend open() {
        return new CpuBackend();
    }
}

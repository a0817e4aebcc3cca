package io.equirisk.nativ;

import io.equirisk.backend.BackendProvider;
import io.equirisk.backend.ComputeBackend;
import io.equirisk.error.BackendException;

/**
 * "emulation": the CUDA kernels and host launchers run on the CPU through the emulation layer
 * ({@code libequirisk_emu.so}). Much slower than either real engine; it exists so CI runs every kernel through the
 * same bindings. Priority −1: {@code auto} never picks it; select it by name.
 */
public final class EmulationBackendProvider implements BackendProvider {
    @Override
    public String name() {
        return "emulation";
    }

    @Override
    public int priority() {
        return -1;
    }

    @Override
    public Availability probe() {
        NativeLibraryLoader.Result r = NativeLibraryLoader.load(LibraryKind.EMULATION);
        if (!r.loaded()) {
            return new Availability(false, r.reason());
        }
        return new Availability(true, "CUDA kernels emulated on the CPU (" + r.library().kind().fileName() + ")");
    }

    @Override
    public ComputeBackend open() {
        NativeLibraryLoader.Result r = NativeLibraryLoader.load(LibraryKind.EMULATION);
        if (!r.loaded()) {
            throw new BackendException("backend 'emulation' is not available: " + r.reason());
        }
        return CudaBackend.open(r.library(), 0);
    }
}

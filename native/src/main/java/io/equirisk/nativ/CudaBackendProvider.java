package io.equirisk.nativ;

import io.equirisk.backend.BackendProvider;
import io.equirisk.backend.ComputeBackend;
import io.equirisk.error.BackendException;

/**
 * "cuda": chosen by {@code auto} ahead of the CPU engine (priority 100) when {@code libequirisk_cuda.so} is in the jar,
 * loads, and finds a device. The probe never throws: without the library, the driver or a device it says why.
 */
public final class CudaBackendProvider implements BackendProvider {
    /** Device index to open (default 0). */
    public static final String DEVICE_PROPERTY = "equirisk.cuda.device";

    @Override
    public String name() {
        return "cuda";
    }

    @Override
    public int priority() {
        return 100;
    }

    @Override
    public Availability probe() {
        NativeLibraryLoader.Result r = NativeLibraryLoader.load(LibraryKind.CUDA);
        if (!r.loaded()) {
            return new Availability(false, r.reason());
        }
        NativeLibrary.DeviceCount dc = r.library().deviceCount();
        if (dc.count() <= 0) {
            // the library's own text already reads "no usable CUDA device: <CUDA error>" or "no CUDA device is present"
            String why = dc.reason().isBlank() ? "no CUDA device found" : dc.reason();
            why = why.startsWith("no ") ? why : "no CUDA device: " + why;
            /* error 35 ("driver version is insufficient") is also what the static runtime says when there is no
               driver at all: on a machine with no NVIDIA device nodes, say that first, or it reads as an old driver */
            if (why.contains("CUDA error 35") && !java.nio.file.Files.exists(java.nio.file.Path.of("/dev/nvidiactl"))) {
                why = "no NVIDIA GPU driver on this machine (no /dev/nvidiactl; the CUDA runtime reports: "
                        + why.replaceFirst("^no usable CUDA device: ", "") + ")";
            }
            return new Availability(false, why);
        }
        int device = device();
        if (device < 0 || device >= dc.count()) {
            return new Availability(false, DEVICE_PROPERTY + " = " + device + " but there are " + dc.count()
                    + " device(s)");
        }
        try {
            return new Availability(true, r.library().deviceInfo(device).describe());
        } catch (BackendException e) {
            return new Availability(false, e.getMessage());
        }
    }

    @Override
    public ComputeBackend open() {
        NativeLibraryLoader.Result r = NativeLibraryLoader.load(LibraryKind.CUDA);
        if (!r.loaded()) {
            throw new BackendException("backend 'cuda' is not available: " + r.reason());
        }
        return CudaBackend.open(r.library(), device());
    }

    private static int device() {
        String s = System.getProperty(DEVICE_PROPERTY, "0").trim();
        try {
            return Integer.parseInt(s);
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}

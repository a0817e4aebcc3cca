package io.equirisk.nativ;

import io.equirisk.backend.BackendProvider;
import io.equirisk.backend.ComputeBackend;
import io.equirisk.error.BackendException;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * "cuda": chosen by {@code auto} ahead of the CPU engine (priority 100) when {@code libequirisk_cuda.so} is in the jar,
 * loads, and finds a device. The probe never throws: without the library, the driver or a device it says why.
 *
 * <p>Without the NVIDIA driver's device nodes no CUDA call can find a GPU, so the probe says so without loading the
 * library: extracting and binding its 18 MB took ~0.5 s of every command's start on machines without a GPU, the
 * default {@code auto} included (benchmarks/RESULTS.md, "Thirteenth GPU session").
 */
public final class CudaBackendProvider implements BackendProvider {
    /** Device index to open (default 0). */
    public static final String DEVICE_PROPERTY = "equirisk.cuda.device";

    /** The driver's control device: {@code nvidiactl} on Linux, {@code dxg} under WSL 2 (where the GPU is shared). */
    static final List<String> DRIVER_NODES = List.of("nvidiactl", "dxg");

    private final Path devices;
    private final BooleanSupplier packaged;
    private final Supplier<NativeLibraryLoader.Result> loader;

    /** The provider ServiceLoader makes: /dev, and the library from the jar (or {@code equirisk.native.dir}). */
    public CudaBackendProvider() {
        this(Path.of("/dev"), () -> NativeLibraryLoader.packaged(LibraryKind.CUDA),
                () -> NativeLibraryLoader.load(LibraryKind.CUDA));
    }

    /** For tests: where the device nodes are, whether the library is there to load, and how it is loaded. */
    CudaBackendProvider(Path devices, BooleanSupplier packaged, Supplier<NativeLibraryLoader.Result> loader) {
        this.devices = devices;
        this.packaged = packaged;
        this.loader = loader;
    }

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
        // a library that is not there to load is named first: that is what the user can fix here
        if (packaged.getAsBoolean() && !driverPresent()) {
            return new Availability(false, "no NVIDIA GPU driver on this machine (no " + devices.resolve("nvidiactl")
                    + "; the CUDA library was not loaded)");
        }
        NativeLibraryLoader.Result r = loader.get();
        if (!r.loaded()) {
            return new Availability(false, r.reason());
        }
        NativeLibrary.DeviceCount dc = r.library().deviceCount();
        if (dc.count() <= 0) {
            // the library's own text already reads "no usable CUDA device: <CUDA error>" or "no CUDA device is present"
            String why = dc.reason().isBlank() ? "no CUDA device found" : dc.reason();
            return new Availability(false, why.startsWith("no ") ? why : "no CUDA device: " + why);
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

    /** Whether any of the driver's control devices exists (it does in a container given a GPU, too). */
    boolean driverPresent() {
        for (String node : DRIVER_NODES) {
            if (Files.exists(devices.resolve(node))) {
                return true;
            }
        }
        return false;
    }

    @Override
    public ComputeBackend open() {
        NativeLibraryLoader.Result r = loader.get();
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

package io.equirisk.backend;

import io.equirisk.error.BackendException;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@link Backends#select} among providers made here, for the cases a machine of this kind cannot show. */
class BackendsTest {

    /** A GPU provider whose probe finds a device but whose open fails (held exclusively, out of memory, …). */
    private static final class FoundButFails implements BackendProvider {
        @Override
        public String name() {
            return "gpu";
        }

        @Override
        public int priority() {
            return 10;
        }

        @Override
        public Availability probe() {
            return new Availability(true, "one device");
        }

        @Override
        public ComputeBackend open() {
            throw new BackendException("cudaSetDevice: all CUDA-capable devices are busy or unavailable");
        }
    }

    /** Under auto, a GPU that is found but cannot be opened leaves the CPU engine, with both reasons; asked for by
     *  name it is an error carrying the device's. */
    @Test
    void autoFallsBackToTheCpuWhenAFoundGpuFailsToOpen() {
        List<BackendProvider> providers = List.of(new FoundButFails(), new CpuBackendProvider());
        try (Backends.Selection s = Backends.select("auto", false, providers)) {
            assertEquals("cpu", s.backend().name(), s.reason());
            assertTrue(s.reason().contains("gpu available but failed to open: cudaSetDevice: all CUDA-capable "
                    + "devices are busy"), s.reason());
        }
        BackendException named = assertThrows(BackendException.class,
                () -> Backends.select("gpu", false, providers));
        assertTrue(named.getMessage().contains("busy"), named.getMessage());
    }

    /** One problem goes to the GPU from GPU_ONE_PROBLEM_MIN_ASSETS assets on; below it (documented) to the CPU. */
    @Test
    void oneProblemGoesToTheGpuFromTheThresholdOn() {
        int min = Backends.GPU_ONE_PROBLEM_MIN_ASSETS;
        assertTrue(min > 1, "a threshold, not every problem");
        assertFalse(Backends.oneProblemOnTheGpu(1));
        assertFalse(Backends.oneProblemOnTheGpu(min - 1));
        assertTrue(Backends.oneProblemOnTheGpu(min));
        assertTrue(Backends.oneProblemOnTheGpu(min + 1));
    }

    /** A provider that is installed but finds nothing to run on. */
    private record Unavailable(String name, String why) implements BackendProvider {
        @Override
        public int priority() {
            return 5;
        }

        @Override
        public Availability probe() {
            return new Availability(false, why);
        }

        @Override
        public ComputeBackend open() {
            throw new AssertionError("an unavailable provider is never opened");
        }
    }

    /** The reason auto gives for the CPU names every GPU provider it tried, separated by "; ", and nothing after. */
    @Test
    void autoReasonNamesEachProviderTriedAndEndsCleanly() {
        List<BackendProvider> two = List.of(new Unavailable("gpu", "no CUDA device"),
                new Unavailable("emulation", "library not found"), new CpuBackendProvider());
        try (Backends.Selection s = Backends.select("auto", false, two)) {
            assertEquals("cpu", s.backend().name());
            assertEquals("auto: cpu (gpu unavailable: no CUDA device; emulation unavailable: library not found)",
                    s.reason());
        }
        try (Backends.Selection s = Backends.select("auto", false, List.of(new CpuBackendProvider()))) {
            assertEquals("auto: cpu (no GPU backend is installed: equirisk-native is not on the class path)",
                    s.reason());
        }
    }

    /** The GPU backends' own names, where their jar is missing, say so; a typo is still a typo. */
    @Test
    void aKnownBackendWhoseJarIsMissingIsNamedAsMissingNotUnknown() {
        List<BackendProvider> cpuOnly = List.of(new CpuBackendProvider());
        for (String name : List.of("cuda", "EMULATION")) {
            BackendException e = assertThrows(BackendException.class, () -> Backends.select(name, false, cpuOnly));
            assertTrue(e.getMessage().startsWith("backend '" + name.toLowerCase(java.util.Locale.ROOT)
                    + "' is in the equirisk-native jar, which is not on the class path"), e.getMessage());
        }
        assertThrows(io.equirisk.error.InvalidInputException.class, () -> Backends.select("cudaa", false, cpuOnly));
    }
}

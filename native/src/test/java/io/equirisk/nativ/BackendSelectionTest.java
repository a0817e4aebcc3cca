package io.equirisk.nativ;

import io.equirisk.Equirisk;
import io.equirisk.backend.BackendProvider;
import io.equirisk.backend.Backends;
import io.equirisk.covariance.CovarianceMatrix;
import io.equirisk.error.BackendException;
import io.equirisk.solver.RiskBudgetingResult;
import io.equirisk.solver.RiskBudgets;
import io.equirisk.solver.SolverOptions;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The providers as ServiceLoader finds them, and what {@link Backends#select} makes of them on this machine. */
class BackendSelectionTest {

    @Test
    void providersAreRegisteredWithTheirPriorities() {
        List<BackendProvider> all = Backends.providers();
        List<String> names = all.stream().map(BackendProvider::name).toList();
        assertTrue(names.contains("cuda") && names.contains("emulation") && names.contains("cpu"), names.toString());
        assertEquals("cuda", names.get(0), "cuda has the highest priority: " + names);
        assertEquals("emulation", names.get(names.size() - 1), "emulation is last (priority −1): " + names);
    }

    @Test
    void autoPicksCudaWhenADeviceIsPresentElseCpuSayingWhy() {
        BackendProvider.Availability cuda = new CudaBackendProvider().probe();
        try (Backends.Selection s = Backends.select("auto")) {
            if (cuda.available()) {
                assertEquals("cuda", s.backend().name(), s.reason());
                assertTrue(s.reason().contains(cuda.reason()), s.reason());
            } else {
                assertEquals("cpu", s.backend().name(), s.reason());
                assertTrue(s.reason().contains("cuda unavailable: " + cuda.reason()), s.reason());
            }
            assertNotEquals("emulation", s.backend().name(), "auto never picks the emulation");
        }
    }

    @Test
    void explicitCudaIsRefusedWithTheReasonWhenUnavailable() {
        BackendProvider.Availability cuda = new CudaBackendProvider().probe();
        if (cuda.available()) {
            try (Backends.Selection s = Backends.select("cuda")) {
                assertEquals("cuda", s.backend().name());
                assertTrue(s.backend().description().contains(cuda.reason()), s.backend().description());
            }
            return;
        }
        assertFalse(cuda.reason().isBlank());
        BackendException e = assertThrows(BackendException.class, () -> Backends.select("cuda"));
        assertTrue(e.getMessage().contains(cuda.reason()), e.getMessage());
    }

    /** What is missing on this machine, the library, the driver or a device, is what the reason names. */
    @Test
    void cudaReasonNamesWhatIsMissing() {
        BackendProvider.Availability cuda = new CudaBackendProvider().probe();
        boolean driver = java.nio.file.Files.exists(java.nio.file.Path.of("/dev/nvidiactl"))
                || java.nio.file.Files.exists(java.nio.file.Path.of("/dev/dxg"));
        if (!NativeLibraryLoader.packaged(LibraryKind.CUDA)) {
            assertFalse(cuda.available());
            assertTrue(cuda.reason().contains("libequirisk_cuda.so"), cuda.reason());
        } else if (!driver) {
            assertEquals("no NVIDIA GPU driver on this machine (no /dev/nvidiactl; the CUDA library was not loaded)",
                    cuda.reason());
        } else {
            NativeLibraryLoader.Result lib = NativeLibraryLoader.load(LibraryKind.CUDA);
            if (!lib.loaded()) {
                assertTrue(cuda.reason().contains("libequirisk_cuda.so"), cuda.reason());
            } else if (!cuda.available()) {
                assertTrue(cuda.reason().startsWith("no ") && cuda.reason().contains("CUDA device"), cuda.reason());
                assertEquals(0, lib.library().deviceCount().count());
            } else {
                assertTrue(cuda.reason().matches(".+, compute \\d+\\.\\d+, [0-9.]+ GiB, driver .+"), cuda.reason());
            }
        }
    }

    /**
     * Without the driver's device nodes the probe answers without loading the library (~0.5 s of a command's start
     * where there is no GPU); with either node, or without the library to load, it asks the loader, whose reason it
     * gives.
     */
    @Test
    void withoutTheDriversDeviceNodesTheLibraryIsNotLoaded(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dev)
            throws java.io.IOException {
        java.util.concurrent.atomic.AtomicInteger loads = new java.util.concurrent.atomic.AtomicInteger();
        java.util.function.Supplier<NativeLibraryLoader.Result> loader = () -> {
            loads.incrementAndGet();
            return NativeLibraryLoader.Result.failed("libequirisk_cuda.so: the test loader's answer");
        };
        BackendProvider.Availability none = new CudaBackendProvider(dev, () -> true, loader).probe();
        assertFalse(none.available());
        assertEquals("no NVIDIA GPU driver on this machine (no " + dev.resolve("nvidiactl")
                + "; the CUDA library was not loaded)", none.reason());
        assertEquals(0, loads.get(), "no device nodes: the library is not loaded");

        BackendProvider.Availability notBuilt = new CudaBackendProvider(dev, () -> false, loader).probe();
        assertEquals("libequirisk_cuda.so: the test loader's answer", notBuilt.reason(),
                "a library that is not there is named, driver or not");
        assertEquals(1, loads.get());

        for (String node : CudaBackendProvider.DRIVER_NODES) {
            java.nio.file.Path p = java.nio.file.Files.createFile(dev.resolve(node));
            int before = loads.get();
            BackendProvider.Availability a = new CudaBackendProvider(dev, () -> true, loader).probe();
            assertEquals(before + 1, loads.get(), "/dev/" + node + " present: the library is loaded");
            assertEquals("libequirisk_cuda.so: the test loader's answer", a.reason());
            java.nio.file.Files.delete(p);
        }
    }

    @Test
    void emulationIsSelectedByName() {
        NativeTestBackend.library(); // skips (or fails when required) if the emulation library is absent
        if (NativeTestBackend.kind() != LibraryKind.EMULATION) {
            return;
        }
        try (Backends.Selection s = Backends.select("emulation")) {
            assertEquals("emulation", s.backend().name());
            assertTrue(s.reason().startsWith("emulation (requested;"), s.reason());
            assertTrue(s.backend().description().contains("libequirisk_emu.so"), s.backend().description());
        }
    }

    /**
     * Under auto a program's one problem goes to the CPU engine, GPU or not (opening the GPU costs more), and the
     * reason says why; a named backend is honoured. Through the facade the answer is the CPU engine's to the bit (on a GPU machine this
     * checks the routing: the CUDA kernels' answers differ from the CPU engine's by up to ~1e-10).
     */
    @Test
    void oneProblemGoesToTheCpuEngineUnderAuto() {
        BackendProvider.Availability cuda = new CudaBackendProvider().probe();
        try (Backends.Selection s = Backends.selectForOneProblem("auto")) {
            assertEquals("cpu", s.backend().name(), s.reason());
            String expected = cuda.available() ? "auto: cpu for one problem (cuda available: " + cuda.reason()
                    : "cuda unavailable: " + cuda.reason();
            assertTrue(s.reason().contains(expected), s.reason());
        }
        if (cuda.available()) {
            try (Backends.Selection s = Backends.selectForOneProblem("cuda")) {
                assertEquals("cuda", s.backend().name(), "a named backend is honoured");
            }
        }
        int n = 40;
        CovarianceMatrix cov = CovarianceMatrix.of(n, TestMatrices.factorModel(new Random(7), n, 5));
        RiskBudgets equal = RiskBudgets.equal(n);
        RiskBudgetingResult reference;
        try (Equirisk cpu = Equirisk.withBackend("cpu")) {
            reference = cpu.solve(cov, equal);
        }
        try (Equirisk er = Equirisk.create()) {
            assertArrayEquals(reference.weights(), er.solve(cov, equal).weights(), er.selectionReason());
        }
    }
    /**
     * With a GPU open under auto, one problem of {@link Backends#GPU_ONE_PROBLEM_MIN_ASSETS} assets takes its
     * whole-device solve (reported "newton", weights within 1e-9 relative of the CPU engine's at tol 1e-12; the CPU
     * engine reports "ccd" on this factor model), and one asset fewer stays on the CPU engine, to the bit. Skipped
     * without a usable GPU: then auto opens no GPU at all.
     */
    @Test
    void aLargeProblemGoesToTheOpenGpuUnderAuto() {
        BackendProvider.Availability cuda = new CudaBackendProvider().probe();
        Assumptions.assumeTrue(cuda.available(), "no usable GPU: " + cuda.reason());
        int n = Backends.GPU_ONE_PROBLEM_MIN_ASSETS;
        double[] big = TestMatrices.factorModel(new Random(11), n, n / 3);
        CovarianceMatrix large = CovarianceMatrix.of(n, big);
        double[] smaller = new double[(n - 1) * (n - 1)]; // its leading block: still positive definite
        for (int i = 0; i < n - 1; i++) {
            System.arraycopy(big, i * n, smaller, i * (n - 1), n - 1);
        }
        CovarianceMatrix small = CovarianceMatrix.of(n - 1, smaller);
        SolverOptions tight = SolverOptions.defaults().withTolerance(1e-12); // at 1e-10 weights differ by ~1e-9
        RiskBudgetingResult refLarge;
        RiskBudgetingResult refSmall;
        try (Equirisk cpu = Equirisk.withBackend("cpu")) {
            refLarge = cpu.solve(large, RiskBudgets.equal(n), tight);
            refSmall = cpu.solve(small, RiskBudgets.equal(n - 1), tight);
        }
        assertEquals("ccd", refLarge.solver(), "the CPU engine's solver on this model");
        try (Equirisk er = Equirisk.create()) {
            assertEquals("cuda", er.backend().name(), er.selectionReason());
            RiskBudgetingResult got = er.solve(large, RiskBudgets.equal(n), tight);
            assertEquals("newton", got.solver(), "n = " + n + ": the whole-device solve");
            for (int i = 0; i < n; i++) {
                assertEquals(refLarge.weights()[i], got.weights()[i], 1e-9 * refLarge.weights()[i], "weight " + i);
            }
            assertArrayEquals(refSmall.weights(), er.solve(small, RiskBudgets.equal(n - 1), tight).weights(),
                    "n = " + (n - 1) + ": the CPU engine's answer");
        }
    }
}

package io.equirisk.nativ;

import io.equirisk.backend.BatchSolution;
import io.equirisk.backend.CovarianceKind;
import io.equirisk.backend.ReturnWindows;
import io.equirisk.covariance.CovarianceBatch;
import io.equirisk.solver.SolverOptions;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** Several Java threads sharing one backend, or two backends on one device, get exactly what sequential calls get. */
class NativeConcurrencyTest {

    @Test
    void sixThreadsMatchSequentialResults() throws Exception {
        int tasks = 12;
        List<ReturnWindows> windows = new ArrayList<>();
        List<NativeSolveTest.Mixed> problems = new ArrayList<>();
        for (int t = 0; t < tasks; t++) {
            Random rnd = new Random(100 + t);
            windows.add(ReturnWindows.rolling(TestMatrices.returns(rnd, 40, 5), 40, 5, 20, 10));
            problems.add(NativeSolveTest.mixedBatch(6, 200 + t));
        }
        SolverOptions opts = SolverOptions.defaults();
        try (CudaBackend backend = NativeTestBackend.open()) {
            double[][] seqCov = new double[tasks][];
            double[][] seqW = new double[tasks][];
            for (int t = 0; t < tasks; t++) {
                seqCov[t] = covariance(backend, windows.get(t), t);
                seqW[t] = solve(backend, problems.get(t), opts).weights();
            }
            ExecutorService pool = Executors.newFixedThreadPool(6);
            try {
                List<Future<double[][]>> futures = new ArrayList<>();
                for (int t = 0; t < tasks; t++) {
                    int task = t;
                    futures.add(pool.submit(() -> new double[][] {
                            covariance(backend, windows.get(task), task),
                            solve(backend, problems.get(task), opts).weights()}));
                }
                for (int t = 0; t < tasks; t++) {
                    double[][] got = futures.get(t).get();
                    assertArrayEquals(seqCov[t], got[0], "covariance of task " + t);
                    assertArrayEquals(seqW[t], got[1], "weights of task " + t);
                }
            } finally {
                pool.shutdownNow();
            }
        }
    }

    /** Two backends called from two threads at once (they share the device's context) get what sequential calls get. */
    @Test
    void twoBackendsOnTwoThreadsMatchSequentialResults() throws Exception {
        SolverOptions opts = SolverOptions.defaults();
        NativeSolveTest.Mixed a = NativeSolveTest.mixedBatch(7, 301);
        NativeSolveTest.Mixed b = NativeSolveTest.mixedBatch(12, 302);
        try (CudaBackend first = NativeTestBackend.open(); CudaBackend second = NativeTestBackend.open()) {
            double[] wa = solve(first, a, opts).weights();
            double[] wb = solve(second, b, opts).weights();
            ExecutorService pool = Executors.newFixedThreadPool(2);
            try {
                for (int round = 0; round < 3; round++) {
                    Future<double[]> fa = pool.submit(() -> solve(first, a, opts).weights());
                    Future<double[]> fb = pool.submit(() -> solve(second, b, opts).weights());
                    assertArrayEquals(wa, fa.get(), "first backend, round " + round);
                    assertArrayEquals(wb, fb.get(), "second backend, round " + round);
                }
            } finally {
                pool.shutdownNow();
            }
            first.close();
            assertArrayEquals(wb, solve(second, b, opts).weights(), "the second backend outlives the first");
        }
    }

    /**
     * A backend that has run a batch larger than the device, and is idle, leaves the device to another backend: with
     * a context per backend, the first kept its buffers (a chunked call sizes itself to 31/32 of the memory it can
     * get), and the second was refused even one problem of 8 assets until the first closed. The emulated device is
     * shrunk to 60 kB beyond what is in use (EQUIRISK_EMU_DEVICE_MEMORY, read at every call).
     */
    @Test
    void anIdleBackendLeavesTheDeviceToAnother() {
        Assumptions.assumeTrue(NativeTestBackend.kind() == LibraryKind.EMULATION,
                "the emulated device's size is the emulation library's (EQUIRISK_EMU_DEVICE_MEMORY)");
        NativeLibrary lib = NativeTestBackend.library();
        SolverOptions opts = SolverOptions.defaults();
        Random rnd = new Random(303);
        int n = 20;
        int count = 60; // 192 kB of Σ alone: several chunks on a 60 kB device
        double[] cov = new double[count * n * n];
        for (int k = 0; k < count; k++) {
            System.arraycopy(TestMatrices.factorModel(rnd, n, 3), 0, cov, k * n * n, n * n);
        }
        CovarianceBatch big = CovarianceBatch.of(count, n, cov, null);
        CovarianceBatch one = CovarianceBatch.of(1, 8, TestMatrices.factorModel(rnd, 8, 2), null);
        try (CudaBackend first = NativeTestBackend.open(); CudaBackend second = NativeTestBackend.open()) {
            DeviceInfo d = lib.deviceInfo(0);
            LibcEnvironment.set("EQUIRISK_EMU_DEVICE_MEMORY", Long.toString(d.totalMemory() - d.freeMemory() + 60_000));
            try {
                BatchSolution all = first.solve(big, TestMatrices.equalBudgets(n), opts);
                assertEquals(0, all.unconvergedCount(), "the chunked batch");
                BatchSolution alone = second.solve(one, TestMatrices.equalBudgets(8), opts);
                assertEquals(0, alone.unconvergedCount(), "one problem on the second backend");
            } finally {
                LibcEnvironment.set("EQUIRISK_EMU_DEVICE_MEMORY", null);
            }
        }
    }

    private static double[] covariance(CudaBackend b, ReturnWindows w, int task) {
        CovarianceBatch c = b.covariance(w, task % 2 == 0 ? CovarianceKind.SAMPLE : CovarianceKind.EWMA, 0.94);
        return c.values();
    }

    private static BatchSolution solve(CudaBackend b, NativeSolveTest.Mixed m, SolverOptions o) {
        return b.solve(m.batch(), m.budgets(), o);
    }
}

package io.equirisk.nativ;

import io.equirisk.backend.CovarianceKind;
import io.equirisk.backend.ReturnWindows;
import io.equirisk.covariance.CovarianceBatch;
import io.equirisk.solver.SolverOptions;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * No native memory leak: 10,000 calls (9,500 covariance calls and 500 solves, alternating the critical and the
 * staged path, plus 100 context create/use/destroy cycles) must not grow the process's resident set by more than
 * {@link #BOUND}. Leaking the inputs and outputs of each covariance call (41 KB) would cost about 390 MB; the bound catches
 * any per-call leak above about 5 KB. (Measured here: glibc's bytes in use stay flat over rounds of calls while its
 * arenas settle 6–22 MB higher from fragmentation, hence a bound well above that.) The
 * module's test JVM runs with a fixed, pre-touched heap (see the pom), so the Java heap does not move the RSS.
 * Sizes are small because the emulation costs about 1–5 ms per call.
 */
class NativeMemoryTest {
    private static final int CALLS = 10_000;
    private static final long BOUND = 48L << 20;

    @Test
    void tenThousandCallsDoNotGrowResidentMemory() throws IOException {
        Assumptions.assumeTrue(Files.isReadable(Path.of("/proc/self/status")), "needs /proc/self/status (Linux)");
        Random rnd = new Random(41);
        int n = 64; // wide and short: the most bytes per call for the least emulated work (about 1 ms)
        int window = 16;
        ReturnWindows w = new ReturnWindows(TestMatrices.returns(rnd, window, n), window, n, new int[] {0}, window);
        int m = 2;
        CovarianceBatch batch = CovarianceBatch.of(1, m, TestMatrices.factorModel(rnd, m, 1), null);
        double[] budgets = {0.3, 0.7};
        SolverOptions opts = SolverOptions.defaults();
        try (CudaBackend critical = NativeTestBackend.open(Long.MAX_VALUE, Long.MAX_VALUE);
             CudaBackend offHeap = NativeTestBackend.open(0, Long.MAX_VALUE)) {
            Runnable round = new Runnable() {
                int i;

                @Override
                public void run() {
                    CudaBackend b = (i & 1) == 0 ? critical : offHeap;
                    if (i % 20 == 0) {
                        b.solve(batch, budgets, opts);
                    } else {
                        b.covariance(w, (i & 2) == 0 ? CovarianceKind.SAMPLE : CovarianceKind.EWMA, 0.94);
                    }
                    if (i % 100 == 0) {
                        // a context created, given its page-locked staging area (2 MiB: 100 of them leaked would
                        // cross the bound), and destroyed
                        try (CudaBackend fresh = NativeTestBackend.open(0, 1)) {
                            fresh.covariance(w, CovarianceKind.SAMPLE, 0);
                        }
                    }
                    i++;
                }
            };
            for (int i = 0; i < 500; i++) {
                round.run(); // warm up: allocator pools, JIT, the library's reusable buffers
            }
            long before = residentBytes();
            for (int i = 0; i < CALLS; i++) {
                round.run();
            }
            long after = residentBytes();
            long growth = after - before;
            System.out.printf("RSS before %d KiB, after %d KiB over %d calls: growth %d KiB%n", before >> 10,
                    after >> 10, CALLS, growth >> 10);
            assertTrue(growth < BOUND, "resident memory grew by " + (growth >> 10) + " KiB over " + CALLS
                    + " calls (bound " + (BOUND >> 10) + " KiB)");
        }
    }
    private static long residentBytes() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", "")) << 10;
            }
        }
        throw new IOException("no VmRSS in /proc/self/status");
    }
}

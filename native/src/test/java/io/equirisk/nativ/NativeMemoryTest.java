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
 * No native memory leak: 10,000 calls (covariance and solve, through both the critical and the off-heap path, plus
 * context create/destroy cycles) must not grow the process's resident set by more than a bound far below what
 * leaking any per-call buffer would cost. Sizes are chosen so leaking the inputs of each call alone would cost tens of MB.
 */
class NativeMemoryTest {
    private static final int CALLS = 10_000;
    private static final long BOUND = 24L << 20;

    @Test
    void tenThousandCallsDoNotGrowResidentMemory() throws IOException {
        Assumptions.assumeTrue(Files.isReadable(Path.of("/proc/self/status")), "needs /proc/self/status (Linux)");
        Random rnd = new Random(41);
        int n = 16;
        int count = 4;
        double[] v = new double[count * n * n];
        for (int k = 0; k < count; k++) {
            System.arraycopy(TestMatrices.factorModel(rnd, n, 2), 0, v, k * n * n, n * n);
        }
        CovarianceBatch batch = CovarianceBatch.of(count, n, v, null);
        double[] budgets = TestMatrices.equalBudgets(n);
        ReturnWindows w = ReturnWindows.rolling(TestMatrices.returns(rnd, 40, n), 40, n, 24, 4);
        SolverOptions opts = SolverOptions.defaults();
        try (CudaBackend critical = NativeTestBackend.open(Long.MAX_VALUE, Long.MAX_VALUE);
             CudaBackend offHeap = NativeTestBackend.open(0, Long.MAX_VALUE)) {
            Runnable round = new Runnable() {
                int i;

                @Override
                public void run() {
                    CudaBackend b = (i & 2) == 0 ? critical : offHeap;
                    if ((i & 1) == 0) {
                        b.solve(batch, budgets, opts);
                    } else {
                        b.covariance(w, CovarianceKind.SAMPLE, 0);
                    }
                    if (i % 100 == 0) {
                        NativeTestBackend.open(0, 1).close(); // a context created and destroyed
                    }
                    i++;
                }
            };
            for (int i = 0; i < 1_000; i++) {
                round.run(); // warm up: allocator pools, JIT, the library's reusable buffers
            }
            System.gc();
            long before = residentBytes();
            for (int i = 0; i < CALLS; i++) {
                round.run();
            }
            System.gc();
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

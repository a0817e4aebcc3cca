package io.equirisk.nativ;

import io.equirisk.backend.BatchSolution;
import io.equirisk.backend.CovarianceKind;
import io.equirisk.backend.ReturnWindows;
import io.equirisk.covariance.CovarianceBatch;
import io.equirisk.solver.SolverOptions;
import org.junit.jupiter.api.Test;

import java.lang.foreign.MemorySegment;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * How large calls stage their data: the context's page-locked area and ordinary off-heap memory hand out aligned,
 * disjoint slices, and give the same bits as the critical path, which passes the Java arrays themselves (the copies
 * split over threads are {@link BulkCopyTest}'s: data that large takes minutes to solve on the emulation).
 */
class NativeStagingTest {
    private static final SolverOptions OPTS = SolverOptions.defaults();

    @Test
    void pinnedAreaIsAlignedDisjointAndGrows() {
        try (CudaBackend b = NativeTestBackend.open()) {
            NativeContext context = NativeContext.create(b.library().api(), 0);
            try {
                context.call(ctx -> {
                    try (HostStaging staging = new HostStaging(b.library().api(), ctx, true)) {
                        HostStaging.Slices area = staging.area(3 * HostStaging.ALIGN + 100);
                        assertTrue(staging.pinned(), "the emulation library's staging is never refused");
                        MemorySegment x = area.take(10);
                        MemorySegment y = area.take(HostStaging.ALIGN + 1);
                        MemorySegment z = area.take(100);
                        for (MemorySegment s : new MemorySegment[] {x, y, z}) {
                            assertEquals(0, s.address() % HostStaging.ALIGN, "slice at " + s.address());
                        }
                        assertEquals(x.address() + HostStaging.ALIGN, y.address());
                        assertEquals(y.address() + 2 * HostStaging.ALIGN, z.address());
                        z.fill((byte) 7); // the last slice lies inside the area
                        MemorySegment big = staging.area(8L << 20).take(8L << 20);
                        big.fill((byte) 1);
                        assertTrue(staging.pinned());
                    }
                    return null;
                });
            } finally {
                context.close();
            }
        }
    }

    @Test
    void pageableAreaNeedsNoContext() {
        try (HostStaging staging = new HostStaging(null, null, false)) {
            MemorySegment a = staging.area(1000).take(1000);
            a.fill((byte) 3);
            MemorySegment b = staging.area(500).take(500); // fits: the same area again
            assertEquals(a.address(), b.address());
            assertFalse(staging.pinned());
        }
    }

    @Test
    void solveStagedPinnedOrPageableMatchesCriticalPath() {
        int n = 30;
        int count = 24;
        Random rnd = new Random(41);
        double[] cov = new double[count * n * n];
        double[] budgets = new double[count * n];
        for (int k = 0; k < count; k++) {
            System.arraycopy(TestMatrices.factorModel(rnd, n, 1 + k % 5), 0, cov, k * n * n, n * n);
            System.arraycopy(TestMatrices.budgets(rnd, n, k % 3), 0, budgets, k * n, n);
        }
        CovarianceBatch batch = CovarianceBatch.of(count, n, cov, null);
        try (CudaBackend critical = NativeTestBackend.open(Long.MAX_VALUE, Long.MAX_VALUE);
             CudaBackend pinned = staged(true);
             CudaBackend pageable = staged(false)) {
            BatchSolution ref = critical.solve(batch, budgets, OPTS);
            for (CudaBackend b : new CudaBackend[] {pinned, pageable}) {
                BatchSolution got = b.solve(batch, budgets, OPTS);
                assertArrayEquals(ref.weights(), got.weights());
                assertArrayEquals(ref.riskContributions(), got.riskContributions());
                assertArrayEquals(ref.iterations(), got.iterations());
                assertArrayEquals(ref.residuals(), got.residuals());
                assertArrayEquals(ref.converged(), got.converged());
            }
        }
    }

    @Test
    void covarianceAndFusedStagedMatchCriticalPath() {
        int n = 30;
        int rows = 150;
        Random rnd = new Random(42);
        double[] r = TestMatrices.returns(rnd, rows, n);
        ReturnWindows w = ReturnWindows.rolling(r, rows, n, 100, 2);
        double[] equal = TestMatrices.equalBudgets(n);
        try (CudaBackend critical = NativeTestBackend.open(Long.MAX_VALUE, Long.MAX_VALUE);
             CudaBackend pinned = staged(true);
             CudaBackend pageable = staged(false)) {
            double[] ref = critical.covariance(w, CovarianceKind.EWMA, 0.97).values();
            BatchSolution refSolved = critical.covarianceAndSolve(w, CovarianceKind.SAMPLE, 0, equal, OPTS);
            for (CudaBackend b : new CudaBackend[] {pinned, pageable}) {
                assertArrayEquals(ref, b.covariance(w, CovarianceKind.EWMA, 0.97).values());
                BatchSolution got = b.covarianceAndSolve(w, CovarianceKind.SAMPLE, 0, equal, OPTS);
                assertArrayEquals(refSolved.weights(), got.weights());
                assertArrayEquals(refSolved.iterations(), got.iterations());
            }
        }
    }

    /** Every call staged (no critical path), in the default 64 MB chunks, pinned or pageable. */
    private static CudaBackend staged(boolean pinned) {
        NativeTestBackend.open().close(); // probes (and skips or fails) like the other tests
        return new CudaBackend(NativeTestBackend.library(), 0, 0, CudaBackend.DEFAULT_CHUNK_BYTES, pinned);
    }
}

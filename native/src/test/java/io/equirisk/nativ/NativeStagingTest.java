package io.equirisk.nativ;

import io.equirisk.backend.BatchSolution;
import io.equirisk.backend.CovarianceKind;
import io.equirisk.backend.ReturnWindows;
import io.equirisk.covariance.CovarianceBatch;
import io.equirisk.nativ.ffi.EquiriskH;
import io.equirisk.solver.SolverOptions;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * How large calls stage their data: the context's page-locked area and ordinary off-heap memory hand out aligned,
 * disjoint slots and slices; staged calls, in one chunk or pipelined over several, give the same bits as the critical
 * path, which passes the Java arrays themselves. (The copies split over threads are {@link BulkCopyTest}'s: data
 * that large takes minutes to solve on the emulation; the pipeline's order and failures are
 * {@link ChunkPipelineTest}'s.)
 */
class NativeStagingTest {
    private static final SolverOptions OPTS = SolverOptions.defaults();

    @Test
    void pinnedSlotsAreAlignedDisjointAndGrow() {
        try (CudaBackend b = NativeTestBackend.open()) {
            EquiriskH api = b.library().api();
            NativeContext context = NativeContext.unshared(api, 0);
            try {
                context.call(ctx -> {
                    long slotBytes = 3 * HostStaging.ALIGN + 100;
                    try (HostStaging staging = HostStaging.open(api, ctx, true, slotBytes, 2)) {
                        assertTrue(staging.pinned(), "the emulation library's staging is never refused");
                        HostStaging.Slices first = staging.slot(0);
                        MemorySegment x = first.take(10);
                        MemorySegment y = first.take(HostStaging.ALIGN + 1);
                        MemorySegment z = first.take(100);
                        MemorySegment other = staging.slot(1).take(slotBytes);
                        for (MemorySegment s : new MemorySegment[] {x, y, z, other}) {
                            assertEquals(0, s.address() % HostStaging.ALIGN, "slice at " + s.address());
                        }
                        assertEquals(x.address() + HostStaging.ALIGN, y.address());
                        assertEquals(y.address() + 2 * HostStaging.ALIGN, z.address());
                        assertEquals(x.address() + HostStaging.aligned(slotBytes), other.address());
                        other.fill((byte) 7); // the second slot lies inside the area
                    }
                    try (HostStaging bigger = HostStaging.open(api, ctx, true, 8L << 20, 2)) {
                        bigger.slot(1).take(8L << 20).fill((byte) 1);
                        assertTrue(bigger.pinned());
                    }
                    return null;
                });
            } finally {
                context.close();
            }
        }
    }

    @Test
    void pageableSlotsNeedNoContext() {
        try (HostStaging staging = HostStaging.open(null, null, false, 1000, 2)) {
            MemorySegment a = staging.slot(0).take(1000);
            MemorySegment b = staging.slot(1).take(1000);
            a.fill((byte) 3);
            b.fill((byte) 4);
            assertEquals(3, a.get(ValueLayout.JAVA_BYTE, 999));
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
        long perProblem = (long) n * n * Double.BYTES;
        try (CudaBackend critical = NativeTestBackend.open(Long.MAX_VALUE, Long.MAX_VALUE);
             CudaBackend pinned = staged(true, CudaBackend.DEFAULT_CHUNK_BYTES);
             CudaBackend pageable = staged(false, CudaBackend.DEFAULT_CHUNK_BYTES);
             CudaBackend pinnedPipeline = staged(true, 5 * perProblem); // 5 chunks, two slots in turn
             CudaBackend pageablePipeline = staged(false, 7 * perProblem)) {
            BatchSolution ref = critical.solve(batch, budgets, OPTS);
            for (CudaBackend b : new CudaBackend[] {pinned, pageable, pinnedPipeline, pageablePipeline}) {
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
             CudaBackend pinned = staged(true, CudaBackend.DEFAULT_CHUNK_BYTES);
             CudaBackend pageable = staged(false, CudaBackend.DEFAULT_CHUNK_BYTES);
             CudaBackend pinnedPipeline = staged(true, 40_000); // about 4 windows per chunk
             CudaBackend pageablePipeline = staged(false, 60_000);
             /* one window a chunk (100 × 30 returns, a start and a 30 × 30 result: 31,208 bytes; two: 38,896), so
                each chunk's rows are exactly its window's, ending on the window's last row */
             CudaBackend oneWindow = staged(true, 32_000)) {
            double[] ref = critical.covariance(w, CovarianceKind.EWMA, 0.97).values();
            assertArrayEquals(ref, oneWindow.covariance(w, CovarianceKind.EWMA, 0.97).values());
            BatchSolution refSolved = critical.covarianceAndSolve(w, CovarianceKind.SAMPLE, 0, equal, OPTS);
            for (CudaBackend b : new CudaBackend[] {pinned, pageable, pinnedPipeline, pageablePipeline}) {
                assertArrayEquals(ref, b.covariance(w, CovarianceKind.EWMA, 0.97).values());
                BatchSolution got = b.covarianceAndSolve(w, CovarianceKind.SAMPLE, 0, equal, OPTS);
                assertArrayEquals(refSolved.weights(), got.weights());
                assertArrayEquals(refSolved.iterations(), got.iterations());
            }
        }
    }

    /**
     * Where the system will not lock the staging area, large calls stage in ordinary off-heap memory and give the
     * same bits. The emulation refuses page-locked requests above EQUIRISK_EMU_PINNED_MEMORY, which the library reads
     * at every request; it is set here through libc's setenv ({@link LibcEnvironment}).
     */
    @Test
    void refusedPageLockedMemoryFallsBackToPageable() {
        Assumptions.assumeTrue(NativeTestBackend.kind() == LibraryKind.EMULATION,
                "the refusal is the emulation library's (EQUIRISK_EMU_PINNED_MEMORY)");
        int n = 20;
        int count = 12;
        Random rnd = new Random(43);
        double[] cov = new double[count * n * n];
        for (int k = 0; k < count; k++) {
            System.arraycopy(TestMatrices.factorModel(rnd, n, 3), 0, cov, k * n * n, n * n);
        }
        CovarianceBatch batch = CovarianceBatch.of(count, n, cov, null);
        double[] equal = TestMatrices.equalBudgets(n);
        try (CudaBackend critical = NativeTestBackend.open(Long.MAX_VALUE, Long.MAX_VALUE)) {
            BatchSolution ref = critical.solve(batch, equal, OPTS);
            EquiriskH api = critical.library().api();
            LibcEnvironment.set("EQUIRISK_EMU_PINNED_MEMORY", "4096");
            try (CudaBackend refused = staged(true, 3L * n * n * Double.BYTES)) { // 4 chunks, refused a 2 MiB area
                BatchSolution got = refused.solve(batch, equal, OPTS);
                assertArrayEquals(ref.weights(), got.weights());
                assertArrayEquals(ref.iterations(), got.iterations());
                NativeContext context = NativeContext.unshared(api, 0);
                try {
                    context.call(ctx -> {
                        try (HostStaging staging = HostStaging.open(api, ctx, true, 1 << 20, 2)) {
                            assertFalse(staging.pinned(), "a refused area must fall back to pageable memory");
                            staging.slot(1).take(1 << 20).fill((byte) 2);
                        }
                        return null;
                    });
                } finally {
                    context.close();
                }
            } finally {
                LibcEnvironment.set("EQUIRISK_EMU_PINNED_MEMORY", null);
            }
        }
    }

    /** Every call staged (no critical path), in chunks of about {@code chunkBytes}, pinned or pageable. */
    private static CudaBackend staged(boolean pinned, long chunkBytes) {
        NativeTestBackend.open().close(); // probes (and skips or fails) like the other tests
        return new CudaBackend(NativeTestBackend.library(), 0, 0, chunkBytes, pinned);
    }
}

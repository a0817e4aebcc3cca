package io.equirisk.nativ;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Copies at offsets, on one thread and split over the pool, around the slice size. */
class BulkCopyTest {
    private static final int SLICE = (int) (BulkCopy.PARALLEL_BYTES / Double.BYTES);

    @ParameterizedTest
    @ValueSource(ints = {1, 1000, SLICE, SLICE + 1, 3 * SLICE - 7})
    void roundTripAtOffsets(int count) {
        int from = 13;
        double[] src = new double[from + count + 5];
        for (int i = 0; i < src.length; i++) {
            src[i] = i * 0.5 - 3;
        }
        try (Arena arena = Arena.ofShared()) {
            MemorySegment seg = arena.allocate((long) (count + 1) * Double.BYTES, Double.BYTES);
            seg.setAtIndex(ValueLayout.JAVA_DOUBLE, count, -1.0); // must survive: past the copied range
            BulkCopy.in(src, from, seg, count);
            for (int i = 0; i < count; i++) {
                assertEquals(src[from + i], seg.getAtIndex(ValueLayout.JAVA_DOUBLE, i), "in, element " + i);
            }
            assertEquals(-1.0, seg.getAtIndex(ValueLayout.JAVA_DOUBLE, count));
            double[] back = new double[count + 9];
            back[2] = 99;
            back[count + 7] = 77;
            BulkCopy.out(seg, back, 3, count);
            assertEquals(99, back[2]);
            assertEquals(77, back[count + 7]);
            for (int i = 0; i < count; i++) {
                assertEquals(src[from + i], back[3 + i], "out, element " + i);
            }
        }
    }

    /** Upper triangles row by row (er_solve_packed's layout), of matrices k0 … k0 + count − 1, alone and on the pool. */
    @ParameterizedTest
    @ValueSource(ints = {1, 3, 7, 300})
    void upperTrianglesInTheirLayout(int n) {
        int k0 = 2;
        int count = n == 300 ? 8 : 50; // 300: 8 × 45,150 values, over PARALLEL_BYTES
        double[] src = new double[(k0 + count + 1) * n * n];
        for (int i = 0; i < src.length; i++) {
            src[i] = i;
        }
        long tri = (long) n * (n + 1) / 2;
        try (Arena arena = Arena.ofShared()) {
            MemorySegment seg = arena.allocate(count * tri * Double.BYTES, Double.BYTES);
            assertEquals(-1, BulkCopy.checkedUpperTriangles(src, k0, count, n, seg, k -> false));
            for (int k = 0; k < count; k++) {
                for (int i = 0; i < n; i++) {
                    for (int j = i; j < n; j++) {
                        long at = k * tri + (long) i * n - (long) i * (i - 1) / 2 + (j - i);
                        assertEquals(src[(k0 + k) * n * n + i * n + j], seg.getAtIndex(ValueLayout.JAVA_DOUBLE, at),
                                "matrix " + k + " (" + i + ", " + j + ")");
                    }
                }
            }
        }
    }

    /** The lowest bad index of the range comes back, whichever threads found which, and only indices in range count. */
    @ParameterizedTest
    @ValueSource(ints = {3, 300})
    void checkedCopyReportsTheFirstBadMatrix(int n) {
        int k0 = 5;
        int count = n == 300 ? 12 : 40; // 300: over PARALLEL_BYTES, on the pool
        double[] src = new double[(k0 + count) * n * n];
        long tri = (long) n * (n + 1) / 2;
        Set<Integer> bad = Set.of(1, k0 + 7, k0 + 9, k0 + count - 1); // 1 lies before the range
        List<Integer> asked = Collections.synchronizedList(new ArrayList<>());
        try (Arena arena = Arena.ofShared()) {
            MemorySegment seg = arena.allocate(count * tri * Double.BYTES, Double.BYTES);
            int first = BulkCopy.checkedUpperTriangles(src, k0, count, n, seg, k -> {
                asked.add(k);
                return bad.contains(k);
            });
            assertEquals(k0 + 7, first);
            assertEquals(count, asked.size(), "every matrix checked once");
            assertEquals(k0, Collections.min(asked));
            assertEquals(k0 + count - 1, Collections.max(asked));
            assertEquals(-1, BulkCopy.checkedUpperTriangles(src, k0, 7, n, seg, bad::contains), "none in [k0, k0 + 7)");
        }
    }
}

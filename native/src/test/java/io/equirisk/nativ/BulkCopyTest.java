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
import static org.junit.jupiter.api.Assertions.assertTrue;

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

    /**
     * Upper triangles row by row (er_solve_packed's layout), of matrices k0 … k0 + count − 1, alone, on the pool, and
     * split by rows within a matrix (1500: 18 MB, four blocks of rows each).
     */
    @ParameterizedTest
    @ValueSource(ints = {1, 3, 7, 300, 1500})
    void upperTrianglesInTheirLayout(int n) {
        int k0 = n == 1500 ? 0 : 2;
        int count = switch (n) {
            case 300 -> 8; // 8 × 45,150 values, over PARALLEL_BYTES
            case 1500 -> 2;
            default -> 50;
        };
        double[] src = new double[(k0 + count + 1) * n * n];
        for (int i = 0; i < src.length; i++) {
            src[i] = i;
        }
        long tri = (long) n * (n + 1) / 2;
        try (Arena arena = Arena.ofShared()) {
            MemorySegment seg = arena.allocate(count * tri * Double.BYTES, Double.BYTES);
            assertEquals(-1, BulkCopy.checkedUpperTriangles(src, k0, count, n, seg, (k, i) -> false));
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

    /**
     * The lowest bad matrix of the range comes back, whichever threads found which, and only matrices in range count;
     * every row of a good matrix is checked once. At 1500 one matrix's rows are split over the pool, and a bad row in
     * its last block must still name it.
     */
    @ParameterizedTest
    @ValueSource(ints = {3, 300, 1500})
    void checkedCopyReportsTheFirstBadMatrix(int n) {
        int k0 = n == 1500 ? 1 : 5;
        int count = switch (n) {
            case 300 -> 12; // over PARALLEL_BYTES, on the pool
            case 1500 -> 2;
            default -> 40;
        };
        double[] src = new double[(k0 + count) * n * n];
        long tri = (long) n * (n + 1) / 2;
        int lastRow = n - 1;
        // bad rows: one in a matrix before the range, then the range's matrix 1 at its last row, and its last matrix
        Set<Long> bad = Set.of(key(0, 0), key(k0 + 1, lastRow), key(k0 + count - 1, n / 2));
        List<Long> asked = Collections.synchronizedList(new ArrayList<>());
        try (Arena arena = Arena.ofShared()) {
            MemorySegment seg = arena.allocate(count * tri * Double.BYTES, Double.BYTES);
            int first = BulkCopy.checkedUpperTriangles(src, k0, count, n, seg, (k, i) -> {
                asked.add(key(k, i));
                return bad.contains(key(k, i));
            });
            assertEquals(k0 + 1, first);
            for (int i = 0; i < n; i++) {
                assertEquals(1, Collections.frequency(asked, key(k0, i)), "matrix k0's row " + i + " checked once");
            }
            assertTrue(asked.stream().allMatch(a -> a / 1500 >= k0 && a / 1500 < k0 + count), "only matrices in range");
            assertEquals(-1, BulkCopy.checkedUpperTriangles(src, k0, 1, n, seg, (k, i) -> bad.contains(key(k, i))),
                    "none in [k0, k0 + 1)");
        }
    }

    /** One number for (matrix, row): rows stay below 1500 in every case here. */
    private static long key(int k, int row) {
        return (long) k * 1500 + row;
    }
}

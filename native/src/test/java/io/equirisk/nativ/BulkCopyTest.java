package io.equirisk.nativ;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

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
}

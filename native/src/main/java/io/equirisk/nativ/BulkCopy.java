package io.equirisk.nativ;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.stream.IntStream;

/**
 * Copies between Java arrays and off-heap memory, split over the common fork-join pool when large. One thread
 * moves ~7 GB/s (heap to off-heap, measured on a 2-core Zen 3: 800 MB in 110 ms), well below what a many-core host's
 * memory delivers, and a batch's covariances are hundreds of MB; below {@link #PARALLEL_BYTES} one thread does it.
 * The segment must be accessible from any thread (shared or global scope).
 */
final class BulkCopy {
    /** Copies up to this size stay on the calling thread; larger ones go out in slices of this size. */
    static final long PARALLEL_BYTES = 4L << 20;
    private static final int SLICE = (int) (PARALLEL_BYTES / Double.BYTES);

    private BulkCopy() {
    }

    /** {@code count} doubles from {@code src[from…]} to the start of {@code dst}. */
    static void in(double[] src, int from, MemorySegment dst, int count) {
        if ((long) count * Double.BYTES <= PARALLEL_BYTES) {
            MemorySegment.copy(src, from, dst, ValueLayout.JAVA_DOUBLE, 0, count);
            return;
        }
        IntStream.range(0, slices(count)).parallel().forEach(s -> {
            int off = s * SLICE;
            MemorySegment.copy(src, from + off, dst, ValueLayout.JAVA_DOUBLE, (long) off * Double.BYTES,
                    Math.min(SLICE, count - off));
        });
    }

    /** {@code count} doubles from the start of {@code src} to {@code dst[to…]}. */
    static void out(MemorySegment src, double[] dst, int to, int count) {
        if ((long) count * Double.BYTES <= PARALLEL_BYTES) {
            MemorySegment.copy(src, ValueLayout.JAVA_DOUBLE, 0, dst, to, count);
            return;
        }
        IntStream.range(0, slices(count)).parallel().forEach(s -> {
            int off = s * SLICE;
            MemorySegment.copy(src, ValueLayout.JAVA_DOUBLE, (long) off * Double.BYTES, dst, to + off,
                    Math.min(SLICE, count - off));
        });
    }

    /** Whether row {@code row} of matrix {@code k} of a batch is unfit to solve (see {@link NativeInputs#badRow}). */
    @FunctionalInterface
    interface RowCheck {
        boolean bad(int k, int row);
    }

    /**
     * The upper triangles of the n × n matrices {@code k0 … k0 + count − 1} of {@code src} (row-major, one after
     * another) into {@code dst}, row by row (row i from column i: {@code er_solve_packed}'s layout), in parallel when
     * large. Each row is first checked with {@code bad} (given its matrix's index in {@code src}) and copied while it
     * is still in cache: one pass over the batch instead of a scan and then a copy (800 MB each for 10,000 × 100).
     * The work is split by matrix and, for a matrix over {@link #PARALLEL_BYTES}, by blocks of rows too: a lone
     * N = 3000 matrix (72 MB) took 18–20 ms on one thread of an H200 host, most of its whole GPU call. Returns the
     * lowest matrix index that has a bad row, or -1 when there is none; after a bad one, what {@code dst} holds is
     * undefined.
     */
    static int checkedUpperTriangles(double[] src, int k0, int count, int n, MemorySegment dst, RowCheck bad) {
        long matrixBytes = (long) n * n * Double.BYTES;
        int parts = (int) Math.min(n, Math.max(1, matrixBytes / PARALLEL_BYTES)); // row blocks per matrix
        IntStream tasks = IntStream.range(0, count * parts);
        if (count * matrixBytes > PARALLEL_BYTES) {
            tasks = tasks.parallel();
        }
        int first = tasks.map(t -> {
            int k = t / parts;
            int part = t % parts;
            int r0 = (int) ((long) n * part / parts);
            int r1 = (int) ((long) n * (part + 1) / parts);
            return copyRows(src, k0 + k, n, r0, r1, dst, k, bad) ? Integer.MAX_VALUE : k0 + k;
        }).min().orElse(Integer.MAX_VALUE);
        return first == Integer.MAX_VALUE ? -1 : first;
    }

    /**
     * Rows {@code r0 … r1 − 1} of matrix {@code k} of {@code src}, each checked and then its upper part copied into
     * triangle slot {@code slot} of {@code dst}; false at the first bad row.
     */
    private static boolean copyRows(double[] src, int k, int n, int r0, int r1, MemorySegment dst, int slot,
                                    RowCheck bad) {
        long from = (long) k * n * n;
        long to = (slot * ((long) n * (n + 1) / 2) + (long) r0 * n - (long) r0 * (r0 - 1) / 2) * Double.BYTES;
        for (int i = r0; i < r1; i++) {
            if (bad.bad(k, i)) {
                return false;
            }
            MemorySegment.copy(src, Math.toIntExact(from + (long) i * n + i), dst, ValueLayout.JAVA_DOUBLE, to, n - i);
            to += (long) (n - i) * Double.BYTES;
        }
        return true;
    }

    private static int slices(int count) {
        return (count + SLICE - 1) / SLICE;
    }
}

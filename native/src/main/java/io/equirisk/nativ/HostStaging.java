package io.equirisk.nativ;

import io.equirisk.error.BackendException;
import io.equirisk.nativ.ffi.EquiriskH;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * The host memory a large call stages its chunks in, chunk after chunk: the context's page-locked area
 * ({@code er_context_staging}) when the library can lock that much, else ordinary off-heap memory.
 *
 * <p>Why page-locked: the device copies pageable memory through the driver's own pinned buffer, one more copy on one
 * CPU thread. For 10,000 × 100 covariances (800 MB) through Java on an H200 host the two copies (ours into pageable
 * off-heap memory, then the driver's) took most of a 320 ms call whose kernels ran 4.2 ms. From a page-locked area
 * the copy engine reads directly, and our one copy into it runs on many threads ({@link BulkCopy}).
 *
 * <p>The page-locked area belongs to the context: use this only while holding it ({@link NativeContext#call}), and
 * only for one call. Both kinds of memory are readable from any thread (the copies run on the common pool).
 */
final class HostStaging implements AutoCloseable {
    /** Slices start at multiples of this (the C side's alignment of the area itself). */
    static final long ALIGN = 256;

    private final EquiriskH api;
    private final MemorySegment ctx;
    private boolean pinned;
    private Arena arena;
    private MemorySegment area = MemorySegment.NULL;

    /** @param pinned whether to ask the context for page-locked memory first */
    HostStaging(EquiriskH api, MemorySegment ctx, boolean pinned) {
        this.api = api;
        this.ctx = ctx;
        this.pinned = pinned;
    }

    /** {@code bytes} rounded up to {@link #ALIGN}: what one slice of that size takes from an area. */
    static long slot(long bytes) {
        return (bytes + ALIGN - 1) / ALIGN * ALIGN;
    }

    /** Whether the areas handed out so far are page-locked. */
    boolean pinned() {
        return pinned;
    }

    /** An area of at least {@code bytes} for the next chunk, to be cut by {@link Slices}; the last one's data is gone. */
    Slices area(long bytes) {
        if (area.byteSize() < bytes) {
            area = pinned ? lockedArea(bytes) : MemorySegment.NULL;
            if (area.equals(MemorySegment.NULL)) {
                pinned = false;
                if (arena != null) {
                    arena.close();
                }
                arena = Arena.ofShared();
                area = arena.allocate(bytes, ALIGN);
            }
        }
        return new Slices(area);
    }

    /** The context's page-locked area, or NULL when the system will not lock that much (then pageable memory). */
    private MemorySegment lockedArea(long bytes) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment out = a.allocate(ValueLayout.ADDRESS);
            int status = api.er_context_staging(ctx, bytes, out);
            if (status == EquiriskH.ER_OUT_OF_MEMORY) {
                api.er_last_error(); // read, so the message does not linger as this thread's last error
                return MemorySegment.NULL;
            }
            NativeStatus.check(api, status, "er_context_staging");
            MemorySegment p = out.get(ValueLayout.ADDRESS, 0);
            if (p.equals(MemorySegment.NULL)) {
                throw new BackendException("er_context_staging returned success but no memory");
            }
            return p.reinterpret(bytes);
        }
    }

    @Override
    public void close() {
        if (arena != null) {
            arena.close();
            arena = null;
        }
        area = MemorySegment.NULL;
    }

    /** Consecutive aligned slices of one area. */
    static final class Slices {
        private final MemorySegment area;
        private long next;

        private Slices(MemorySegment area) {
            this.area = area;
        }

        /** The next {@code bytes} of the area. */
        MemorySegment take(long bytes) {
            MemorySegment s = area.asSlice(next, bytes);
            next += slot(bytes);
            return s;
        }
    }
}

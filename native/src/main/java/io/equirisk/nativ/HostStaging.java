package io.equirisk.nativ;

import io.equirisk.error.BackendException;
import io.equirisk.nativ.ffi.EquiriskH;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * The host memory a large call stages its chunks in: one or two equal slots (two let {@link ChunkPipeline} stage a
 * chunk while the one before is on the device), in the context's page-locked area ({@code er_context_staging}) when
 * the library can lock that much, else in ordinary off-heap memory.
 *
 * <p>Why page-locked: the device copies pageable memory through the driver's own pinned buffer, one more copy on one
 * CPU thread. For 10,000 × 100 covariances (800 MB) through Java on an H200 host, our copy into pageable memory and
 * the driver's took most of a 320 ms call whose kernels ran 4.2 ms. From a page-locked area the copy engine reads
 * directly, and our one copy into it runs on many threads ({@link BulkCopy}).
 *
 * <p>The page-locked area belongs to the context: open this only while holding it ({@link NativeContext#call}), for
 * one call. Both kinds of memory are accessible from any thread (the copies run on the common pool, the downcalls on
 * the pipeline's thread).
 */
final class HostStaging implements AutoCloseable {
    /** Slices start at multiples of this (the C side's alignment of the area itself). */
    static final long ALIGN = 256;

    private final MemorySegment[] slots;
    private final Arena arena;
    private final boolean pinned;

    private HostStaging(MemorySegment[] slots, Arena arena) {
        this.slots = slots;
        this.arena = arena;
        this.pinned = arena == null;
    }

    /**
     * {@code count} slots of {@code slotBytes} each.
     *
     * @param pinned whether to ask the context for page-locked memory first (else ordinary off-heap memory)
     */
    static HostStaging open(EquiriskH api, MemorySegment ctx, boolean pinned, long slotBytes, int count) {
        long each = aligned(slotBytes);
        long bytes = each * count;
        MemorySegment area = pinned ? lockedArea(api, ctx, bytes) : MemorySegment.NULL;
        Arena arena = null;
        if (area.equals(MemorySegment.NULL)) {
            arena = Arena.ofShared();
            area = arena.allocate(bytes, ALIGN);
        }
        MemorySegment[] slots = new MemorySegment[count];
        for (int i = 0; i < count; i++) {
            slots[i] = area.asSlice(i * each, each);
        }
        return new HostStaging(slots, arena);
    }

    /** {@code bytes} rounded up to {@link #ALIGN}: what one slice of that size takes from a slot. */
    static long aligned(long bytes) {
        return (bytes + ALIGN - 1) / ALIGN * ALIGN;
    }

    /** Whether the slots are page-locked. */
    boolean pinned() {
        return pinned;
    }

    /** Slot {@code i} (of the count opened), to be cut into slices; what the last chunk left there is gone. */
    Slices slot(int i) {
        return new Slices(slots[i]);
    }

    /** The context's page-locked area, or NULL when the system will not lock that much (then pageable memory). */
    private static MemorySegment lockedArea(EquiriskH api, MemorySegment ctx, long bytes) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment out = a.allocate(ValueLayout.ADDRESS);
            int status = api.er_context_staging(ctx, bytes, out);
            if (status == EquiriskH.ER_OUT_OF_MEMORY) {
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
        }
    }

    /** Consecutive aligned slices of one slot. */
    static final class Slices {
        private final MemorySegment slot;
        private long next;

        private Slices(MemorySegment slot) {
            this.slot = slot;
        }

        /** The next {@code bytes} of the slot. */
        MemorySegment take(long bytes) {
            MemorySegment s = slot.asSlice(next, bytes);
            next += aligned(bytes);
            return s;
        }
    }
}

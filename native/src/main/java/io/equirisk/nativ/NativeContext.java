package io.equirisk.nativ;

import io.equirisk.error.BackendException;
import io.equirisk.nativ.ffi.EquiriskH;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.ref.Cleaner;
import java.lang.ref.Reference;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;

/**
 * Owns one {@code er_context} (a device, a stream, reusable device buffers). The C side allows one thread at a time
 * per context, so every use goes through {@link #call}, which holds a fair lock: concurrent Java threads queue
 * and are served in order. One context per backend (not per thread) is deliberate: a GPU runs one batch at a time
 * anyway, and per-thread contexts would multiply device buffers. {@link #close} destroys the context; a
 * {@link Cleaner} destroys it if the owner is dropped unclosed.
 */
final class NativeContext implements AutoCloseable {
    private static final Cleaner CLEANER = Cleaner.create();

    private final ReentrantLock lock = new ReentrantLock(true);
    private final Handle handle;
    private final Cleaner.Cleanable cleanable;

    /** The pointer and how to free it; must not refer to the NativeContext, or the Cleaner could never run. */
    private static final class Handle implements Runnable {
        private final EquiriskH api;
        private volatile MemorySegment ctx;

        Handle(EquiriskH api, MemorySegment ctx) {
            this.api = api;
            this.ctx = ctx;
        }

        @Override
        public synchronized void run() {
            if (ctx != null) {
                MemorySegment c = ctx;
                ctx = null;
                // Destroy failures cannot be reported from a Cleaner thread; close() checks its own call.
                api.er_context_destroy(c);
            }
        }
    }

    private NativeContext(EquiriskH api, MemorySegment ctx) {
        this.handle = new Handle(api, ctx);
        this.cleanable = CLEANER.register(this, handle);
    }

    static NativeContext create(EquiriskH api, int device) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment out = arena.allocate(ValueLayout.ADDRESS);
            NativeStatus.check(api, api.er_context_create(device, out), "er_context_create");
            MemorySegment ctx = out.get(ValueLayout.ADDRESS, 0);
            if (ctx.equals(MemorySegment.NULL)) {
                throw new BackendException("er_context_create returned success but no context");
            }
            return new NativeContext(api, ctx);
        }
    }

    /** Runs {@code body} with the context pointer, holding the lock. */
    <T> T call(Function<MemorySegment, T> body) {
        lock.lock();
        try {
            MemorySegment ctx = handle.ctx;
            if (ctx == null) {
                throw new BackendException("the native backend is closed");
            }
            return body.apply(ctx);
        } finally {
            lock.unlock();
            // keep this object (and so the context) alive until the native call has returned
            Reference.reachabilityFence(this);
        }
    }

    boolean isClosed() {
        return handle.ctx == null;
    }

    /** Waits for a running call, then destroys the context; idempotent. */
    @Override
    public void close() {
        lock.lock();
        try {
            cleanable.clean();
        } finally {
            lock.unlock();
        }
    }
}

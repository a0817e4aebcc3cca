package io.equirisk.nativ;

import io.equirisk.error.BackendException;
import io.equirisk.nativ.ffi.EquiriskH;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.ref.Cleaner;
import java.lang.ref.Reference;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;

/**
 * A lease on an {@code er_context} (a device, a stream, reusable device buffers, a page-locked staging area). The
 * backends open on one device of one library share a context: its device buffers grow to fit the largest call and
 * are kept for the next while they take at most a quarter of the device (larger ones go back at the call's end),
 * and a chunked call sizes itself to all the memory its context can get (free memory plus
 * its own buffers), so with a context per backend an idle backend kept up to 31/32 of the device and a second one
 * was refused even one small problem until the first closed. The C side allows one thread at a time per context, so
 * every use goes through {@link #call}, which holds the context's fair lock: concurrent callers, of one backend or
 * of several, queue and are served in order (a GPU runs one batch at a time anyway). {@link #close} ends the lease,
 * and the last lease on a context destroys it; a {@link Cleaner} ends the lease of an owner dropped unclosed.
 */
final class NativeContext implements AutoCloseable {
    private static final Cleaner CLEANER = Cleaner.create();
    /** The shared contexts by library and device; guarded by itself. */
    private static final Map<Key, Shared> SHARED = new HashMap<>();

    private final Shared shared;
    private final Lease lease;
    private final Cleaner.Cleanable cleanable;

    private record Key(EquiriskH api, int device) {
    }

    /** One context, its lock, and its leases (guarded by {@link #SHARED}). */
    private static final class Shared {
        private final EquiriskH api;
        private final Key key; // null: not shared
        private final ReentrantLock lock = new ReentrantLock(true);
        private volatile MemorySegment ctx;
        private int leases;

        private Shared(EquiriskH api, Key key, MemorySegment ctx) {
            this.api = api;
            this.key = key;
            this.ctx = ctx;
        }
    }

    /** Ends one lease; must not refer to the NativeContext, or the Cleaner could never run. */
    private static final class Lease implements Runnable {
        private final Shared shared;
        private volatile boolean ended;

        private Lease(Shared shared) {
            this.shared = shared;
        }

        @Override
        public synchronized void run() {
            if (ended) {
                return;
            }
            ended = true;
            MemorySegment last = null;
            synchronized (SHARED) {
                if (--shared.leases == 0) {
                    if (shared.key != null) {
                        SHARED.remove(shared.key);
                    }
                    last = shared.ctx;
                    shared.ctx = null;
                }
            }
            if (last != null) {
                // No call runs on it: close() holds the lock, and a Cleaner runs once its owner, whose calls keep it
                // reachable, is gone and no other lease is left. A failure to destroy cannot be reported from a
                // Cleaner thread, and close() has nothing to do about one either.
                shared.api.er_context_destroy(last);
            }
        }
    }

    private NativeContext(Shared shared) {
        this.shared = shared;
        this.lease = new Lease(shared);
        this.cleanable = CLEANER.register(this, lease);
    }

    /** A lease on device {@code device}'s context of the library behind {@code api}, created if none is open. */
    static NativeContext open(EquiriskH api, int device) {
        Key key = new Key(api, device);
        synchronized (SHARED) {
            Shared s = SHARED.get(key);
            if (s == null) {
                s = new Shared(api, key, create(api, device));
                SHARED.put(key, s);
            }
            s.leases++;
            return new NativeContext(s);
        }
    }

    /** A context of its own, shared with no other lease (tests that create and destroy contexts). */
    static NativeContext unshared(EquiriskH api, int device) {
        Shared s = new Shared(api, null, create(api, device));
        synchronized (SHARED) {
            s.leases = 1;
        }
        return new NativeContext(s);
    }

    private static MemorySegment create(EquiriskH api, int device) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment out = arena.allocate(ValueLayout.ADDRESS);
            NativeStatus.check(api, api.er_context_create(device, out), "er_context_create");
            MemorySegment ctx = out.get(ValueLayout.ADDRESS, 0);
            if (ctx.equals(MemorySegment.NULL)) {
                throw new BackendException("er_context_create returned success but no context");
            }
            return ctx;
        }
    }

    /** Runs {@code body} with the context pointer, holding the context's lock. */
    <T> T call(Function<MemorySegment, T> body) {
        shared.lock.lock();
        try {
            if (lease.ended) {
                throw new BackendException("the native backend is closed");
            }
            return body.apply(shared.ctx); // not null while a lease is open
        } finally {
            shared.lock.unlock();
            // keep this object (and so the lease) alive until the native call has returned
            Reference.reachabilityFence(this);
        }
    }

    boolean isClosed() {
        return lease.ended;
    }

    /** Waits for a running call on the context, then ends this lease (the last one destroys it); idempotent. */
    @Override
    public void close() {
        shared.lock.lock();
        try {
            cleanable.clean();
        } finally {
            shared.lock.unlock();
        }
    }
}

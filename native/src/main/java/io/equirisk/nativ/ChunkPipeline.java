package io.equirisk.nativ;

import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * One large call's chunks as a two-stage pipeline. While the library works on chunk k (its downcall on the
 * backend's downcall thread), the calling thread stages chunk k + 1 in the other slot of the staging area; then it
 * collects chunk k's outputs. The copy into host memory and the bus and device work on the chunk before then
 * overlap instead of taking turns: for 800 MB of covariances each is tens of milliseconds on a 16-core host with a
 * PCIe 5 GPU (predicted; see benchmarks/RESULTS.md).
 *
 * <p>Downcalls run one at a time and in chunk order, so the C side's rule (one thread at a time per context) holds;
 * the caller holds the context's lock throughout. A failed downcall's exception (typed by {@link NativeStatus}, with
 * {@code er_last_error()} read on the thread that made the call) is rethrown to the caller, after which no further
 * chunk is called.
 */
final class ChunkPipeline {
    private ChunkPipeline() {
    }

    /** One chunk of a call: inputs staged into a slot, one downcall, outputs collected from the slot. */
    interface Stage {
        /** Bytes of staging this chunk takes ({@link HostStaging#aligned} per slice). */
        long bytes();

        /** Copies the chunk's inputs into {@code slot} and cuts its outputs from it (calling thread). */
        void stage(HostStaging.Slices slot);

        /** The downcall, its status checked (the pipeline's thread). */
        void call();

        /** Copies the outputs out of the slot (calling thread, after {@link #call} returned). */
        void collect();
    }

    /** The largest {@link Stage#bytes} of {@code chunks}: the size of each staging slot. */
    static long slotBytes(List<? extends Stage> chunks) {
        long max = 0;
        for (Stage s : chunks) {
            max = Math.max(max, s.bytes());
        }
        return max;
    }

    /**
     * Runs every chunk, in order, through {@code staging}'s slots (two when there are several chunks). One chunk
     * runs entirely on the calling thread; with several, each downcall goes to {@code downcalls} (one thread, so
     * they run in order and never two at once).
     */
    static void run(List<? extends Stage> chunks, HostStaging staging, ExecutorService downcalls,
                    HostProfile profile) {
        if (chunks.isEmpty()) {
            return;
        }
        Stage current = chunks.get(0);
        long t = System.nanoTime();
        current.stage(staging.slot(0));
        t = lap(t, profile, true);
        if (chunks.size() == 1) {
            current.call();
            t = lap(t, profile, false);
            current.collect();
            lap(t, profile, true);
            profile.chunk();
            return;
        }
        for (int k = 0; k < chunks.size(); k++) {
            Future<?> running = downcalls.submit(current::call);
            Stage next = null;
            try {
                if (k + 1 < chunks.size()) {
                    next = chunks.get(k + 1);
                    next.stage(staging.slot((k + 1) % 2));
                }
            } finally {
                t = lap(t, profile, true);
                await(running); // even when staging failed: the slot and the context are the call's until it returns
                t = lap(t, profile, false);
            }
            current.collect();
            t = lap(t, profile, true);
            profile.chunk();
            current = next;
        }
    }

    /** Books the time since {@code t} as staging or as waiting; returns now. */
    private static long lap(long t, HostProfile profile, boolean staging) {
        long now = System.nanoTime();
        if (staging) {
            profile.staging(now - t);
        } else {
            profile.waiting(now - t);
        }
        return now;
    }

    /** A single thread for the downcalls of one backend's pipelined calls; it ends after 30 s without work. */
    static ExecutorService downcallThread() {
        ThreadPoolExecutor t = new ThreadPoolExecutor(1, 1, 30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(),
                r -> Thread.ofPlatform().name("equirisk-downcalls").daemon().unstarted(r));
        t.allowCoreThreadTimeOut(true);
        return t;
    }

    /** Waits for a downcall (uninterruptibly: its memory is in use until it returns), then rethrows its failure. */
    private static void await(Future<?> call) {
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    call.get();
                    return;
                } catch (InterruptedException e) {
                    interrupted = true;
                } catch (ExecutionException e) {
                    Throwable cause = e.getCause();
                    if (cause instanceof RuntimeException re) {
                        throw re;
                    }
                    if (cause instanceof Error err) {
                        throw err;
                    }
                    throw new IllegalStateException("downcall failed", cause);
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }
}

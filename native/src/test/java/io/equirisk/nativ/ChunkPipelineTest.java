package io.equirisk.nativ;

import io.equirisk.error.BackendException;
import org.junit.jupiter.api.Test;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The pipeline's contract, with stages that record what happens when (no library needed). */
class ChunkPipelineTest {
    private static final ExecutorService DOWNCALLS = ChunkPipeline.downcallThread();

    /** A stage that writes its index into its slot, and checks in its call that the slot still holds it. */
    private static final class Recording implements ChunkPipeline.Stage {
        final int index;
        final List<String> log;
        final AtomicInteger inFlight;
        final Thread caller = Thread.currentThread();
        final boolean fail;
        final CountDownLatch staged = new CountDownLatch(1);
        Recording next; // the chunk after this one, or null
        MemorySegment cell;
        Thread callThread;
        long seenInCall = -1;

        Recording(int index, List<String> log, AtomicInteger inFlight, boolean fail) {
            this.index = index;
            this.log = log;
            this.inFlight = inFlight;
            this.fail = fail;
        }

        @Override
        public long bytes() {
            return 8;
        }

        @Override
        public void stage(HostStaging.Slices slot) {
            assertSame(caller, Thread.currentThread(), "staging runs on the caller");
            cell = slot.take(8);
            cell.set(ValueLayout.JAVA_LONG, 0, index);
            log.add("stage " + index);
            staged.countDown();
        }

        @Override
        public void call() {
            assertEquals(1, inFlight.incrementAndGet(), "one downcall at a time");
            try {
                callThread = Thread.currentThread();
                // the caller stages the next chunk while this call runs (a pipeline that waited for the call to
                // return first would leave this waiting out the timeout)
                boolean overlapped = next == null || next.staged.await(10, TimeUnit.SECONDS);
                if (!overlapped) {
                    log.add("next not staged during call " + index);
                }
                seenInCall = cell.get(ValueLayout.JAVA_LONG, 0);
                log.add("call " + index);
                if (fail) {
                    throw new BackendException("chunk " + index + " failed");
                }
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            } finally {
                inFlight.decrementAndGet();
            }
        }

        @Override
        public void collect() {
            assertSame(caller, Thread.currentThread(), "collecting runs on the caller");
            log.add("collect " + index);
        }
    }

    /** {@code count} chunks sharing one log and in-flight counter, each knowing the next; chunk {@code failing} fails. */
    private static List<Recording> chunks(int count, int failing, List<String> log, AtomicInteger inFlight) {
        List<Recording> chunks = new ArrayList<>();
        for (int k = 0; k < count; k++) {
            chunks.add(new Recording(k, log, inFlight, k == failing));
        }
        for (int k = 0; k + 1 < count; k++) {
            chunks.get(k).next = chunks.get(k + 1);
        }
        return chunks;
    }

    @Test
    void stagesTheNextChunkWhileTheCallRunsAndKeepsOrder() {
        List<String> log = Collections.synchronizedList(new ArrayList<>());
        AtomicInteger inFlight = new AtomicInteger();
        List<Recording> chunks = chunks(5, -1, log, inFlight);
        HostProfile profile = new HostProfile("test");
        try (HostStaging staging = HostStaging.open(null, null, false, ChunkPipeline.slotBytes(chunks), 2)) {
            ChunkPipeline.run(chunks, staging, DOWNCALLS, profile);
        }
        assertEquals(5, profile.chunks());
        assertTrue(profile.bookedNanos() > 0 && profile.bookedNanos() <= profile.elapsedNanos(),
                "staging and waiting are booked once each: " + profile.bookedNanos() + " of " + profile.elapsedNanos());
        // stage k+1 is issued while call k sleeps, before collect k; calls and collects in chunk order
        assertEquals(List.of("stage 0", "stage 1", "call 0", "collect 0", "stage 2", "call 1", "collect 1", "stage 3",
                "call 2", "collect 2", "stage 4", "call 3", "collect 3", "call 4", "collect 4"), log);
        for (Recording r : chunks) {
            assertEquals(r.index, r.seenInCall, "chunk " + r.index + "'s slot was overwritten during its call");
            assertNotEquals(r.caller, r.callThread, "the downcall runs on the pipeline's thread");
            assertSame(chunks.get(0).callThread, r.callThread, "one downcall thread");
        }
        assertEquals(chunks.get(0).cell.address(), chunks.get(2).cell.address(), "slots alternate");
        assertNotEquals(chunks.get(0).cell.address(), chunks.get(1).cell.address());
    }

    @Test
    void aFailedCallIsRethrownAndNoLaterChunkIsCalled() {
        List<String> log = Collections.synchronizedList(new ArrayList<>());
        AtomicInteger inFlight = new AtomicInteger();
        List<Recording> chunks = chunks(4, 1, log, inFlight);
        try (HostStaging staging = HostStaging.open(null, null, false, 8, 2)) {
            BackendException e = assertThrows(BackendException.class,
                    () -> ChunkPipeline.run(chunks, staging, DOWNCALLS, new HostProfile("test")));
            assertEquals("chunk 1 failed", e.getMessage());
        }
        assertTrue(log.contains("collect 0"));
        assertTrue(!log.contains("call 2") && !log.contains("collect 1"), "after a failure: " + log);
        assertEquals(0, inFlight.get(), "the failed call had returned before the exception reached the caller");
    }

    @Test
    void oneChunkUsesOneSlot() {
        List<String> log = Collections.synchronizedList(new ArrayList<>());
        List<Recording> one = chunks(1, -1, log, new AtomicInteger());
        try (HostStaging staging = HostStaging.open(null, null, false, 8, 1)) {
            ChunkPipeline.run(one, staging, DOWNCALLS, new HostProfile("test"));
        }
        assertEquals(List.of("stage 0", "call 0", "collect 0"), log);
        assertSame(one.get(0).caller, one.get(0).callThread, "a single chunk is called from the caller's thread");
    }
}

package io.equirisk.kernel;

import org.junit.jupiter.api.Test;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The triangle's ranges cover every row once, and a caller's thread budget bounds the kernels it starts. */
class TriangleRowsTest {

    @Test
    void rangesCoverEveryRowOnceOnUpToTheThreadsAsked() {
        int n = 3000;
        AtomicInteger[] seen = new AtomicInteger[n];
        for (int i = 0; i < n; i++) {
            seen[i] = new AtomicInteger();
        }
        Set<Thread> threads = ConcurrentHashMap.newKeySet();
        TriangleRows.run(n, 1000, 3, (from, to) -> {
            threads.add(Thread.currentThread());
            for (int i = from; i < to; i++) {
                seen[i].incrementAndGet();
            }
        });
        for (int i = 0; i < n; i++) {
            assertEquals(1, seen[i].get(), "row " + i);
        }
        assertTrue(threads.size() <= 3, threads.toString());
    }

    /** CpuBackend(1) runs a lone problem on the caller's thread: its kernels must not take every processor. */
    @Test
    void aBudgetHoldsForTheKernelsStartedUnderItAndIsRestoredAfter() {
        int processors = Runtime.getRuntime().availableProcessors();
        assertEquals(processors, TriangleRows.defaultThreads());
        Set<Thread> threads = ConcurrentHashMap.newKeySet();
        TriangleRows.withThreads(1, () -> {
            assertEquals(1, TriangleRows.defaultThreads());
            TriangleRows.withThreads(2, () -> assertEquals(2, TriangleRows.defaultThreads()));
            assertEquals(1, TriangleRows.defaultThreads(), "the outer budget back after the inner");
            /* a triangle far above the parallel threshold, at the default thread count: one range, here */
            TriangleRows.run(4000, 4000, TriangleRows.defaultThreads(),
                    (from, to) -> threads.add(Thread.currentThread()));
        });
        assertEquals(java.util.Set.of(Thread.currentThread()), threads);
        assertEquals(processors, TriangleRows.defaultThreads(), "no budget after the call");
    }
}

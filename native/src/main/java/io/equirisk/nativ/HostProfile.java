package io.equirisk.nativ;

import java.util.Locale;

/**
 * Where a native call's host time goes, on stderr when {@code EQUIRISK_PROFILE=1} (the switch under which the
 * library prints each kernel's device time): the input scan, staging (copies into and out of host memory), waiting
 * for downcalls (bus and device) that the staging did not hide, and making the Java results (their arrays, and a
 * covariance batch's check). A staged solve checks its matrices as it copies them, so there that check counts as
 * staging and the scan is only the arguments'. Off, it costs a few clock reads per chunk.
 */
final class HostProfile {
    static final boolean ON = "1".equals(System.getenv("EQUIRISK_PROFILE"));

    private final String call;
    private final long start = System.nanoTime();
    private long checkNs;
    private long stagingNs;
    private long waitNs;
    private long resultsNs;
    private int chunks;

    HostProfile(String call) {
        this.call = call;
    }

    /** The input scan has just ended. */
    void checked() {
        checkNs = System.nanoTime() - start;
    }

    void staging(long ns) {
        stagingNs += ns;
    }

    void waiting(long ns) {
        waitNs += ns;
    }

    /** Making the Java results: allocating their arrays, converting codes and flags, checking a covariance batch. */
    void results(long ns) {
        resultsNs += ns;
    }

    void chunk() {
        chunks++;
    }

    int chunks() {
        return chunks;
    }

    /** Nanoseconds booked as staging and as waiting, together. */
    long bookedNanos() {
        return stagingNs + waitNs;
    }

    long elapsedNanos() {
        return System.nanoTime() - start;
    }

    /** Prints the profile when {@link #ON}: the call has ended. */
    void report(long items) {
        if (!ON) {
            return;
        }
        long total = elapsedNanos();
        System.err.printf(Locale.ROOT, "equirisk profile: java %s, %d item(s) in %d chunk(s): %.1f ms = input scan %.1f"
                        + " + staging copies %.1f + waiting on downcalls %.1f + results %.1f + other %.1f%n", call,
                items, chunks, total / 1e6, checkNs / 1e6, stagingNs / 1e6, waitNs / 1e6, resultsNs / 1e6,
                (total - checkNs - stagingNs - waitNs - resultsNs) / 1e6);
    }
}

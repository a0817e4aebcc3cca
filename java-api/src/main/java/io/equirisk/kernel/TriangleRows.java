package io.equirisk.kernel;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinTask;
import java.util.concurrent.RecursiveAction;

/**
 * Work on the rows of a triangle (row i costing n − i), cut into ranges of equal work and run on fork-join workers:
 * the pool of the calling thread when it is a worker (a batch that already runs in parallel shares its pool instead
 * of oversubscribing the machine), otherwise a pool of this class with one daemon worker per processor. Used by the
 * covariance product and the Cholesky update, whose ranges write disjoint entries.
 */
public final class TriangleRows {
    /** Below this many multiply-adds one thread does the whole triangle: about a millisecond of work. */
    public static final long PARALLEL_MIN_WORK = 1L << 22;
    /** Ranges are cut at multiples of the product kernel's row tile. */
    private static final int ROW_ALIGN = 4;

    /** What runs on one range of rows. */
    @FunctionalInterface
    public interface Range {
        /**
         * Does the work of rows [from, to); ranges run at once must write disjoint entries.
         *
         * @param from the first row
         * @param to   the row after the last
         */
        void run(int from, int to);
    }

    private TriangleRows() {
    }

    /** The thread budget of work started on this thread, where a caller set one ({@link #withThreads}). */
    private static final ThreadLocal<Integer> BUDGET = new ThreadLocal<>();

    /**
     * The number of threads used when none is given: every available processor, or the budget of the caller that
     * runs this thread's work ({@link #withThreads}).
     *
     * @return the JVM's available processors, or the budget in force on this thread
     */
    public static int defaultThreads() {
        Integer budget = BUDGET.get();
        return budget != null ? budget : Runtime.getRuntime().availableProcessors();
    }

    /**
     * Runs {@code work} on this thread with {@link #defaultThreads()} at {@code threads}, so the kernels it calls
     * without a thread count (the covariance product, the Cholesky update) keep to a caller's budget: a CPU engine of
     * one thread runs a lone problem on the caller's thread, where they would otherwise take every processor.
     *
     * @param threads the budget, at least 1
     * @param work    what to run
     */
    public static void withThreads(int threads, Runnable work) {
        Integer before = BUDGET.get();
        BUDGET.set(Math.max(1, threads));
        try {
            work.run();
        } finally {
            if (before == null) {
                BUDGET.remove();
            } else {
                BUDGET.set(before);
            }
        }
    }

    /**
     * Runs {@code body} over ranges covering [0, n) of a triangle whose entries each cost {@code depth}
     * multiply-adds, on up to {@code threads} threads; returns when all are done.
     *
     * @param n       the triangle's rows
     * @param depth   multiply-adds per entry (the product's inner dimension)
     * @param threads the most threads wanted; at most 1, or a small triangle, runs {@code body} once on the caller
     * @param body    the work of one range; an exception it throws is rethrown here
     */
    public static void run(int n, long depth, int threads, Range body) {
        int[] cuts = cuts(n, depth, threads);
        int pieces = cuts.length - 1;
        if (pieces == 1) {
            body.run(0, n);
            return;
        }
        /* at most `threads` tasks, each taking the next range until none is left: the ranges (twice the threads, for
           balance) never run on more threads than asked, whatever pool they run in */
        java.util.concurrent.atomic.AtomicInteger next = new java.util.concurrent.atomic.AtomicInteger();
        int workers = Math.min(threads, pieces);
        List<RecursiveAction> tasks = new ArrayList<>(workers);
        for (int w = 0; w < workers; w++) {
            tasks.add(new RecursiveAction() {
                @Override
                protected void compute() {
                    for (int p = next.getAndIncrement(); p < pieces; p = next.getAndIncrement()) {
                        body.run(cuts[p], cuts[p + 1]);
                    }
                }
            });
        }
        if (ForkJoinTask.inForkJoinPool()) {
            ForkJoinTask.invokeAll(tasks);
        } else {
            // the common pool has one worker fewer than processors (the caller is meant to help) and an external
            // caller's join ran every piece itself here: use workers of our own
            Workers.POOL.invoke(new RecursiveAction() {
                @Override
                protected void compute() {
                    invokeAll(tasks);
                }
            });
        }
    }

    /** Daemon fork-join workers, one per processor, created on first use. */
    private static final class Workers {
        static final ForkJoinPool POOL = new ForkJoinPool(Runtime.getRuntime().availableProcessors());
    }

    /**
     * Cuts [0, n) into row ranges of about equal work (row i costs n − i), aligned to the kernel's row tile; a
     * single range when the product is small or one thread is asked for. Twice as many ranges as threads, so that
     * a thread slowed by other load does not hold up the rest.
     *
     * @param n       the triangle's rows
     * @param depth   multiply-adds per entry
     * @param threads the threads the ranges are for
     * @return ascending cut points from 0 to n, range p being [cuts[p], cuts[p + 1]); {0, n} for a single range
     */
    public static int[] cuts(int n, long depth, int threads) {
        long work = (long) n * (n + 1) / 2 * depth;
        int pieces = threads <= 1 || work < PARALLEL_MIN_WORK ? 1 : Math.min(2 * threads, Math.max(1, n / ROW_ALIGN));
        if (pieces == 1) {
            return new int[] {0, n};
        }
        double total = (double) n * (n + 1) / 2;
        int[] cuts = new int[pieces + 1];
        cuts[pieces] = n;
        for (int p = 1; p < pieces; p++) {
            // solve r·n − r(r−1)/2 = total·p/pieces for r (cumulative work of rows [0, r))
            double target = total * p / pieces;
            double b = n + 0.5;
            double r = b - Math.sqrt(b * b - 2 * target);
            int cut = (int) Math.round(r / ROW_ALIGN) * ROW_ALIGN;
            cuts[p] = Math.max(cuts[p - 1], Math.min(n, cut));
        }
        // drop empty ranges
        return Arrays.stream(cuts).distinct().toArray();
    }

}

package io.equirisk.cli;

import java.io.PrintWriter;

/**
 * A progress line on stderr for long jobs (never on stdout, so tables and JSON stay clean). On a terminal it shows
 * at once and rewrites one line; otherwise it stays silent for the first {@link #QUIET_MILLIS} and then prints a
 * plain line every few seconds, so logs of long runs show life without filling up.
 */
final class Progress implements AutoCloseable {
    static final long QUIET_MILLIS = 2000;
    private static final long TERMINAL_PERIOD = 250;
    private static final long LOG_PERIOD = 5000;

    private final PrintWriter err;
    private final boolean terminal;
    private final String task;
    private final long started = System.nanoTime();
    private final Thread ticker;
    private volatile String detail = "";
    private volatile boolean done;
    private int width;

    private Progress(PrintWriter err, boolean terminal, String task) {
        this.err = err;
        this.terminal = terminal;
        this.task = task;
        this.ticker = Thread.ofPlatform().daemon().name("equirisk-progress").unstarted(this::tick);
    }

    static Progress start(PrintWriter err, boolean terminal, String task) {
        Progress p = new Progress(err, terminal, task);
        p.ticker.start();
        return p;
    }

    /** What is being done now, e.g. "single solve N = 1000 (3/10)". */
    void update(String what) {
        detail = what;
    }

    private void tick() {
        try {
            if (!terminal) {
                Thread.sleep(QUIET_MILLIS);
            }
            while (!done) {
                show();
                Thread.sleep(terminal ? TERMINAL_PERIOD : LOG_PERIOD);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private synchronized void show() {
        if (done) {
            return;
        }
        long seconds = (System.nanoTime() - started) / 1_000_000_000L;
        String line = "equirisk: " + task + (detail.isEmpty() ? "" : ": " + detail) + " [" + seconds + " s]";
        if (terminal) {
            err.print("\r" + line + " ".repeat(Math.max(0, width - line.length())));
            width = line.length();
        } else {
            err.println(line);
        }
        err.flush();
    }

    @Override
    public void close() {
        synchronized (this) {
            done = true;
            if (terminal && width > 0) {
                err.print("\r" + " ".repeat(width) + "\r");
                err.flush();
            }
        }
        ticker.interrupt();
    }
}

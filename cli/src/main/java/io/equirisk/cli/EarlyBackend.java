package io.equirisk.cli;

import io.equirisk.Equirisk;

import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * A command's backend, opened on a thread of its own while the command reads and checks its input. Opening the CUDA
 * backend (its library, a device context, page-locked staging) took ~0.15–0.2 s of a short command on the H200's
 * host; overlapping it with reading the prices took ~0.1 s off the whole command (benchmarks/RESULTS.md,
 * "Thirteenth GPU session").
 *
 * <p>The command {@linkplain #take takes} the backend once its input is ready, and from then on closes it itself. A
 * command that stops before (bad input) reports its own error as before; {@link #close} then waits for the opening
 * and closes what it opened, so no device context outlives the command.
 *
 * @param <T> what is opened: {@link Equirisk} in the commands
 */
final class EarlyBackend<T extends AutoCloseable> implements AutoCloseable {
    private final CompletableFuture<T> opening;
    private boolean taken;

    private EarlyBackend(CompletableFuture<T> opening) {
        this.opening = opening;
    }

    /** Starts opening {@code backend} (auto, cpu, cuda or emulation) on a new daemon thread. */
    static EarlyBackend<Equirisk> open(String backend) {
        return open(() -> Equirisk.withBackend(backend));
    }

    /** Starts {@code opener} on a new daemon thread. */
    static <T extends AutoCloseable> EarlyBackend<T> open(Callable<T> opener) {
        CompletableFuture<T> opening = new CompletableFuture<>();
        Thread.ofPlatform().daemon().name("equirisk-open-backend").start(() -> {
            try {
                opening.complete(opener.call());
            } catch (Throwable e) {
                opening.completeExceptionally(e);
            }
        });
        return new EarlyBackend<>(opening);
    }

    /** The opened backend, now the caller's to close; what opening it threw is thrown here, unwrapped. */
    T take() {
        if (taken) {
            throw new IllegalStateException("the backend was taken already");
        }
        taken = true;
        try {
            return opening.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            if (e.getCause() instanceof Error r) {
                throw r;
            }
            throw e;
        }
    }

    /** Closes the backend if it was never taken (waiting for it to open); a failed opening has nothing to close. */
    @Override
    public void close() {
        if (taken) {
            return;
        }
        taken = true;
        T opened;
        try {
            opened = opening.join();
        } catch (CompletionException e) {
            return; // the command's own error is the one to report
        }
        try {
            opened.close();
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException("closing the backend: " + e.getMessage(), e);
        }
    }
}

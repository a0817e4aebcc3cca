package io.equirisk.cli;

import io.equirisk.Equirisk;
import io.equirisk.error.InvalidInputException;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A backend opened beside the command's input reading: taken once, or closed if never taken. */
class EarlyBackendTest {

    /** Counts its closes and the thread that opened it. */
    private static final class Opened implements AutoCloseable {
        final AtomicInteger closes = new AtomicInteger();
        final Thread openedOn = Thread.currentThread();

        @Override
        public void close() {
            closes.incrementAndGet();
        }
    }

    @Test
    void opensOnAnotherThreadWithoutBlockingTheCommand() throws Exception {
        CountDownLatch inputRead = new CountDownLatch(1);
        assertTimeoutPreemptively(Duration.ofSeconds(20), () -> {
            try (EarlyBackend<Opened> early = EarlyBackend.open(() -> {
                inputRead.await(); // opens only once the command has gone on to read its input
                return new Opened();
            })) {
                inputRead.countDown();
                Opened o = early.take();
                assertNotEquals(Thread.currentThread(), o.openedOn);
                assertEquals(0, o.closes.get());
                o.close();
            }
        });
    }

    @Test
    void aTakenBackendIsTheCallersAndANotTakenOneIsClosed() {
        Opened kept;
        try (EarlyBackend<Opened> early = EarlyBackend.open(Opened::new)) {
            kept = early.take();
            assertEquals("equirisk-open-backend", kept.openedOn.getName());
            assertThrows(IllegalStateException.class, early::take, "taken once");
        }
        assertEquals(0, kept.closes.get(), "taken: the caller closes it");

        Opened[] made = new Opened[1];
        EarlyBackend<Opened> notTaken = EarlyBackend.open(() -> made[0] = new Opened());
        notTaken.close(); // the command stopped before taking it (bad input)
        notTaken.close();
        assertEquals(1, made[0].closes.get(), "never taken: closed by close(), once");
    }

    @Test
    void aFailedOpeningIsThrownByTakeAsItWasAndCloseStaysQuiet() {
        try (EarlyBackend<Equirisk> early = EarlyBackend.open("no-such-backend")) {
            InvalidInputException e = assertThrows(InvalidInputException.class, early::take);
            assertTrue(e.getMessage().contains("unknown backend 'no-such-backend'"), e.getMessage());
        }
        IllegalStateException failure = new IllegalStateException("no device");
        EarlyBackend<Opened> early = EarlyBackend.open(() -> {
            throw failure;
        });
        early.close(); // a command that failed on its input: its own error is reported, not the opening's
        EarlyBackend<Opened> again = EarlyBackend.open(() -> {
            throw failure;
        });
        assertSame(failure, assertThrows(IllegalStateException.class, again::take));
    }

    @Test
    void theCommandsBackendIsTheOneNamed() {
        try (EarlyBackend<Equirisk> early = EarlyBackend.open("cpu"); Equirisk er = early.take()) {
            assertEquals("cpu", er.backend().name());
        }
    }
}

package io.equirisk.cli;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;

/**
 * Standard output that remembers its first write failure. The command writes through a {@link java.io.PrintWriter},
 * which swallows I/O errors: {@code equirisk cov … > cov.csv} on a full disk left an empty file and exited 0.
 */
final class WriteFailureRecorder extends FilterOutputStream {
    private IOException failure;

    WriteFailureRecorder(OutputStream out) {
        super(out);
    }

    @Override
    public void write(int b) throws IOException {
        try {
            out.write(b);
        } catch (IOException e) {
            throw recorded(e);
        }
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        try {
            out.write(b, off, len);
        } catch (IOException e) {
            throw recorded(e);
        }
    }

    @Override
    public void flush() throws IOException {
        try {
            out.flush();
        } catch (IOException e) {
            throw recorded(e);
        }
    }

    private IOException recorded(IOException e) {
        if (failure == null) {
            failure = e;
        }
        return e;
    }

    /** The first write failure, or null. */
    IOException failure() {
        return failure;
    }

    /** Whether the reader went away (`| head`): not an error worth a message, as for any Unix tool. */
    boolean readerClosed() {
        return failure != null && failure.getMessage() != null && failure.getMessage().contains("Broken pipe");
    }
}

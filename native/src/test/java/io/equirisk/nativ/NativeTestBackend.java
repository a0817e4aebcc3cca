package io.equirisk.nativ;

import io.equirisk.backend.BackendProvider;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

import java.util.Locale;

/**
 * Which native backend the tests run: {@code -Dequirisk.test.backend=emulation} (the default, runs everywhere the
 * emulation library is built) or {@code cuda} (on a GPU machine). An explicitly requested backend that is not
 * available fails the tests; the default one is skipped visibly when missing, unless
 * {@code -Dequirisk.requireEmulation=true} (CI) demands it.
 */
final class NativeTestBackend {
    static final String BACKEND_PROPERTY = "equirisk.test.backend";
    static final String REQUIRE_PROPERTY = "equirisk.requireEmulation";

    private NativeTestBackend() {
    }

    static String name() {
        return System.getProperty(BACKEND_PROPERTY, "emulation").trim().toLowerCase(Locale.ROOT);
    }

    static LibraryKind kind() {
        return switch (name()) {
            case "emulation" -> LibraryKind.EMULATION;
            case "cuda" -> LibraryKind.CUDA;
            default -> throw new IllegalArgumentException(BACKEND_PROPERTY + " must be emulation or cuda, got "
                    + name());
        };
    }

    /** The library under test, or a skip (or failure, when it is required) saying why it is missing. */
    static NativeLibrary library() {
        NativeLibraryLoader.Result r = NativeLibraryLoader.load(kind());
        if (!r.loaded()) {
            unavailable(r.reason());
        }
        return r.library();
    }

    /** Opens the backend under test through its provider, as users get it. */
    static CudaBackend open() {
        BackendProvider p = kind() == LibraryKind.CUDA ? new CudaBackendProvider() : new EmulationBackendProvider();
        BackendProvider.Availability a = p.probe();
        if (!a.available()) {
            unavailable(a.reason());
        }
        return (CudaBackend) p.open();
    }

    /** A backend with explicit memory thresholds (to force the critical or the chunked off-heap path). */
    static CudaBackend open(long criticalBytes, long chunkBytes) {
        open().close(); // probes (and skips or fails) exactly like open()
        return new CudaBackend(library(), 0, criticalBytes, chunkBytes);
    }

    private static void unavailable(String reason) {
        boolean explicit = System.getProperty(BACKEND_PROPERTY) != null;
        boolean required = Boolean.getBoolean(REQUIRE_PROPERTY);
        String msg = "native backend '" + name() + "' unavailable: " + reason;
        if (explicit || required) {
            Assertions.fail(msg + (explicit ? " (requested by -D" + BACKEND_PROPERTY + ")"
                    : " (-D" + REQUIRE_PROPERTY + "=true)"));
        }
        Assumptions.abort(msg);
    }
}

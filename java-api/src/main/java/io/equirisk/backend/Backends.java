package io.equirisk.backend;

import io.equirisk.error.BackendException;
import io.equirisk.error.InvalidInputException;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.ServiceLoader;

/**
 * Finds backends through {@link ServiceLoader} and chooses one: {@code auto} takes the available provider of highest
 * priority (CUDA when a device is present, else the CPU engine), {@code cpu} the pure-Java engine, any other name that
 * provider or a {@link BackendException} saying why it cannot run. Every choice comes with its reason.
 */
public final class Backends {
    private Backends() {
    }

    /** A chosen, opened backend and why it was chosen. Close it when done. */
    public record Selection(ComputeBackend backend, String reason) implements AutoCloseable {
        @Override
        public void close() {
            backend.close();
        }
    }

    /** Every registered provider, highest priority first (the CPU provider is always among them). */
    public static List<BackendProvider> providers() {
        List<BackendProvider> list = new ArrayList<>();
        boolean cpu = false;
        for (BackendProvider p : ServiceLoader.load(BackendProvider.class, Backends.class.getClassLoader())) {
            list.add(p);
            cpu |= p.name().equals("cpu");
        }
        if (!cpu) {
            list.add(new CpuBackendProvider());
        }
        list.sort(Comparator.comparingInt(BackendProvider::priority).reversed());
        return list;
    }

    /** Selects by name: "auto", "cpu", "cuda", or another registered provider's name. */
    public static Selection select(String choice) {
        return select(choice, false);
    }

    /**
     * Selects the backend for one problem. A named backend is honoured; under {@code auto} a single problem goes to
     * the CPU engine even where a GPU is usable (which is then not opened), and the reason says so. One problem
     * solves faster there: the GPU runs it on one of its SMs. Measured on an H100 host (benchmarks/RESULTS.md): N =
     * 3000 in 105–109 ms as a whole CUDA call, against 19.5 ms for the Java engine on one core of the same host (JMH);
     * N = 100 in 0.35 ms of kernel time alone, against 0.071 ms.
     */
    public static Selection selectForOneProblem(String choice) {
        return select(choice, true);
    }

    private static Selection select(String choice, boolean oneProblem) {
        String want = choice == null ? "auto" : choice.trim().toLowerCase(Locale.ROOT);
        List<BackendProvider> all = providers();
        if (want.equals("auto")) {
            StringBuilder why = new StringBuilder();
            for (BackendProvider p : all) {
                if (p.name().equals("cpu") || p.priority() < 0) {
                    continue;
                }
                BackendProvider.Availability a = safeProbe(p);
                if (a.available() && oneProblem) {
                    return new Selection(new CpuBackend(), "auto: cpu for one problem (" + p.name() + " available: "
                            + a.reason() + "; one problem solves faster on the CPU engine, --backend " + p.name()
                            + " to use it anyway)");
                }
                if (a.available()) {
                    return new Selection(p.open(), "auto: " + p.name() + " (" + a.reason() + ")");
                }
                why.append(p.name()).append(" unavailable: ").append(a.reason()).append("; ");
            }
            CpuBackend cpu = new CpuBackend();
            String reason = why.isEmpty() ? "auto: cpu (no GPU backend is installed)"
                    : "auto: cpu (" + why.substring(0, why.length() - 2) + ")";
            return new Selection(cpu, reason);
        }
        for (BackendProvider p : all) {
            if (p.name().equals(want)) {
                BackendProvider.Availability a = safeProbe(p);
                if (!a.available()) {
                    throw new BackendException("backend '" + want + "' is not available: " + a.reason());
                }
                return new Selection(p.open(), want + " (requested; " + a.reason() + ")");
            }
        }
        List<String> names = all.stream().map(BackendProvider::name).toList();
        throw new InvalidInputException("unknown backend '" + choice + "'; choose auto or one of " + names);
    }

    private static BackendProvider.Availability safeProbe(BackendProvider p) {
        try {
            return p.probe();
        } catch (RuntimeException | LinkageError e) {
            return new BackendProvider.Availability(false, "probe failed: " + e);
        }
    }
}

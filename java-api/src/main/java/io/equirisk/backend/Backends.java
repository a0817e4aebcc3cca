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

    /**
     * A chosen, opened backend and why it was chosen. Close it when done.
     *
     * @param backend the opened backend; {@link #close()} closes it
     * @param reason  one line for users and logs, e.g. "auto: cpu (cuda unavailable: …)" or "cuda (requested; …)"
     */
    public record Selection(ComputeBackend backend, String reason) implements AutoCloseable {
        @Override
        public void close() {
            backend.close();
        }
    }

    /**
     * Every registered provider, highest priority first (the CPU provider is always among them).
     *
     * @return a new list of the providers {@link ServiceLoader} finds, with {@link CpuBackendProvider} added when
     *         none is named "cpu"
     */
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

    /**
     * Selects by name: "auto", "cpu", "cuda", or another registered provider's name.
     *
     * @param choice the name, in any case, blanks around it ignored; null means "auto"
     * @return the opened backend and why it was chosen
     * @throws BackendException      when a named backend is not available here
     * @throws InvalidInputException when no provider has that name
     */
    public static Selection select(String choice) {
        return select(choice, false);
    }

    /**
     * Under {@code auto}, one problem of at least this many assets goes to an already open GPU backend
     * ({@link io.equirisk.Equirisk#solve}); smaller ones go to the CPU engine. Measured through the Java API on an
     * H200 host (benchmarks/RESULTS.md, eighth GPU session, the kept build), the whole CUDA call against the Java engine
     * on one core: N = 500 1.69 against 2.44 ms, N = 1000 2.34 against 4.72 ms, N = 3000 6.96 against 28.7 ms; at N = 100 the GPU's
     * kernel alone takes 0.33 ms against 0.071 ms for the whole Java solve.
     */
    public static final int GPU_ONE_PROBLEM_MIN_ASSETS = 500;

    /**
     * Whether {@code auto}, with a GPU backend already open, sends one problem of {@code n} assets to it.
     *
     * @param n the problem's number of assets
     * @return whether {@code n} is at least {@link #GPU_ONE_PROBLEM_MIN_ASSETS}
     */
    public static boolean oneProblemOnTheGpu(int n) {
        return n >= GPU_ONE_PROBLEM_MIN_ASSETS;
    }

    /**
     * Selects the backend for a program that solves one problem and then exits (the command line's {@code solve}).
     * A named backend is honoured; under {@code auto} the problem goes to the CPU engine even where a GPU is usable
     * (which is then not opened), and the reason says so: opening the GPU (its driver, a context, the library) costs
     * more than the Java engine takes for one problem of the sizes a command line is given.
     *
     * @param choice as for {@link #select(String)}
     * @return the opened backend and why it was chosen
     * @throws BackendException      when a named backend is not available here
     * @throws InvalidInputException when no provider has that name
     */
    public static Selection selectForOneProblem(String choice) {
        return select(choice, true);
    }

    private static Selection select(String choice, boolean oneProblem) {
        return select(choice, oneProblem, providers());
    }

    /** {@link #select(String)} among the given providers (in priority order). */
    static Selection select(String choice, boolean oneProblem, List<BackendProvider> all) {
        String want = choice == null ? "auto" : choice.trim().toLowerCase(Locale.ROOT);
        if (want.equals("auto")) {
            StringBuilder why = new StringBuilder();
            for (BackendProvider p : all) {
                if (p.name().equals("cpu") || p.priority() < 0) {
                    continue;
                }
                BackendProvider.Availability a = safeProbe(p);
                if (a.available() && oneProblem) {
                    return new Selection(new CpuBackend(), "auto: cpu for one problem (" + p.name() + " available: "
                            + a.reason() + "; for one problem the CPU engine is faster than opening the GPU, --backend "
                            + p.name() + " to use it anyway)");
                }
                if (a.available()) {
                    try {
                        return new Selection(p.open(), "auto: " + p.name() + " (" + a.reason() + ")");
                    } catch (RuntimeException | LinkageError e) { /* found but not opened: another process holds the
                                                                     GPU exclusively, its memory is full, … */
                        why.append(p.name()).append(" available but failed to open: ").append(e.getMessage())
                                .append("; ");
                        continue;
                    }
                }
                why.append(p.name()).append(" unavailable: ").append(a.reason()).append("; ");
            }
            CpuBackend cpu = new CpuBackend();
            String reason = why.isEmpty() ? "auto: cpu (no GPU backend is installed: equirisk-native is not on the "
                    + "class path)"
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
        if (want.equals("cuda") || want.equals("emulation")) { /* a known name: the deployment lacks its jar */
            throw new BackendException("backend '" + want + "' is in the equirisk-native jar, which is not on the "
                    + "class path (or module path); add equirisk-native and equirisk-kernels (backends here: "
                    + names + ")");
        }
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

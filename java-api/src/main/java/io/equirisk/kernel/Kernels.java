package io.equirisk.kernel;

/**
 * Chooses the {@link NumericKernels} implementation once: the Vector API one when the incubator module
 * {@code jdk.incubator.vector} is present (run with {@code --add-modules jdk.incubator.vector}), otherwise scalar.
 * Set the system property {@code equirisk.kernels=scalar} to force the scalar implementation. Without the module a
 * warning is logged once ({@link System.Logger} "io.equirisk").
 */
public final class Kernels {
    private static final NumericKernels ACTIVE = choose();

    private Kernels() {
    }

    /**
     * The implementation in use.
     *
     * @return the implementation chosen when this class was loaded, shared by every caller
     */
    public static NumericKernels get() {
        return ACTIVE;
    }

    /**
     * The scalar implementation, always available (a reference for tests).
     *
     * @return the scalar implementation, whose sums run in one fixed order on every machine
     */
    public static NumericKernels scalar() {
        return ScalarKernels.INSTANCE;
    }

    private static NumericKernels choose() {
        if ("scalar".equalsIgnoreCase(System.getProperty("equirisk.kernels", ""))) {
            return ScalarKernels.INSTANCE;
        }
        if (ModuleLayer.boot().findModule("jdk.incubator.vector").isEmpty()) {
            // said once, as Lucene says it: a service started without the flag otherwise runs 2–8× slower, silently
            System.getLogger("io.equirisk").log(System.Logger.Level.WARNING, "the Java Vector API module is not "
                    + "present, so equirisk's CPU kernels run scalar; for their vector speed pass "
                    + "--add-modules jdk.incubator.vector to java");
            return ScalarKernels.INSTANCE;
        }
        try {
            // Loaded reflectively so that this class links without the incubator module.
            Class<?> c = Class.forName("io.equirisk.kernel.VectorKernels");
            return (NumericKernels) c.getDeclaredField("INSTANCE").get(null);
        } catch (ReflectiveOperationException | LinkageError e) {
            return ScalarKernels.INSTANCE;
        }
    }
}

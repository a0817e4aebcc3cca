package io.equirisk.scenario;

/**
 * Chooses the scenario draws' kernels once, as {@link io.equirisk.kernel.Kernels} chooses the numeric ones: the
 * Vector API implementations where {@code jdk.incubator.vector} is present (run with {@code --add-modules
 * jdk.incubator.vector}) and {@code equirisk.kernels} is not {@code scalar}; the scalar ones otherwise. Either way
 * the draws are the same bits: the two implementations take the same correctly rounded steps.
 */
final class ScenarioKernels {
    private static final boolean VECTOR = vectorAvailable();
    private static final NormalKernel NORMALS = VECTOR
            ? (NormalKernel) load("io.equirisk.scenario.VectorNormalKernel", ScalarNormalKernel.INSTANCE)
            : ScalarNormalKernel.INSTANCE;
    private static final TriangularProductKernel PRODUCTS = VECTOR
            ? (TriangularProductKernel) load("io.equirisk.scenario.VectorTriangularProduct",
                    ScalarTriangularProduct.INSTANCE)
            : ScalarTriangularProduct.INSTANCE;

    private ScenarioKernels() {
    }

    static NormalKernel normals() {
        return NORMALS;
    }

    static TriangularProductKernel products() {
        return PRODUCTS;
    }

    private static boolean vectorAvailable() {
        return !"scalar".equalsIgnoreCase(System.getProperty("equirisk.kernels", ""))
                && ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent();
    }

    /** The class's INSTANCE, loaded reflectively so that this class links without the incubator module. */
    private static Object load(String name, Object fallback) {
        try {
            return Class.forName(name).getDeclaredField("INSTANCE").get(null);
        } catch (ReflectiveOperationException | LinkageError e) {
            return fallback;
        }
    }
}

package io.equirisk.scenario;

/**
 * Chooses the scenario draws' kernels once, as {@link io.equirisk.kernel.Kernels} chooses the numeric ones: each
 * Vector API implementation where {@code jdk.incubator.vector} is present (run with {@code --add-modules
 * jdk.incubator.vector}), {@code equirisk.kernels} is not {@code scalar}, and it beats the scalar one with this
 * machine's vector width ({@link NormalKernel#preferred}); the scalar one otherwise. Either way the draws are the
 * same bits: the implementations take the same correctly rounded steps.
 */
final class ScenarioKernels {
    private static final boolean VECTOR = vectorAvailable();
    private static final NormalKernel NORMALS = pick(ScalarNormalKernel.INSTANCE,
            VECTOR ? (NormalKernel) load("io.equirisk.scenario.VectorNormalKernel") : null);
    private static final TriangularProductKernel PRODUCTS = pick(ScalarTriangularProduct.INSTANCE,
            VECTOR ? (TriangularProductKernel) load("io.equirisk.scenario.VectorTriangularProduct") : null);

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

    /** The class's INSTANCE, loaded reflectively so that this class links without the incubator module; or null. */
    private static Object load(String name) {
        try {
            return Class.forName(name).getDeclaredField("INSTANCE").get(null);
        } catch (ReflectiveOperationException | LinkageError e) {
            return null;
        }
    }

    private static NormalKernel pick(NormalKernel scalar, NormalKernel vector) {
        return vector != null && vector.preferred() ? vector : scalar;
    }

    private static TriangularProductKernel pick(TriangularProductKernel scalar, TriangularProductKernel vector) {
        return vector != null && vector.preferred() ? vector : scalar;
    }
}

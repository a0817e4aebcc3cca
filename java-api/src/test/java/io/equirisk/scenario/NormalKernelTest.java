package io.equirisk.scenario;

import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** The Vector API kernel writes the scalar kernel's bits, at every count, offset and counter, wrap-around included. */
class NormalKernelTest {

    @Test
    void vectorKernelWritesTheScalarKernelsBits() {
        assumeTrue(ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent(),
                "jdk.incubator.vector is not in the boot layer: only the scalar kernel exists here");
        NormalKernel vector = VectorNormalKernel.INSTANCE;
        NormalKernel scalar = ScalarNormalKernel.INSTANCE;
        SplittableRandom rng = new SplittableRandom(3);
        int[] counts = {0, 1, 2, 3, 7, 8, 15, 16, 17, 31, 32, 33, 63, 64, 100, 101, 1000};
        for (int trial = 0; trial < 40; trial++) {
            int k0 = rng.nextInt();
            int k1 = rng.nextInt();
            int scenario = trial == 0 ? -1 : rng.nextInt(); /* scenario 2³² − 1 */
            int row = trial == 1 ? Integer.MAX_VALUE : rng.nextInt(0, 5000);
            int domain = trial % 3;
            int firstPair = trial == 2 ? -5 : rng.nextInt(0, 1 << 20); /* counter wrap-around past 2³² − 1 */
            for (int count : counts) {
                int off = rng.nextInt(0, 5);
                double[] a = new double[off + count + 3];
                double[] b = new double[off + count + 3];
                Arrays.fill(a, Double.NaN);
                Arrays.fill(b, Double.NaN);
                scalar.fill(k0, k1, scenario, row, domain, firstPair, a, off, count);
                vector.fill(k0, k1, scenario, row, domain, firstPair, b, off, count);
                for (int i = 0; i < a.length; i++) {
                    assertEquals(Double.doubleToRawLongBits(a[i]), Double.doubleToRawLongBits(b[i]),
                            "trial " + trial + ", count " + count + ", index " + i + ": " + a[i] + " against " + b[i]);
                }
            }
        }
        assertEquals(true, ScenarioNormals.kernel().startsWith("vector"), ScenarioNormals.kernel());
    }
}

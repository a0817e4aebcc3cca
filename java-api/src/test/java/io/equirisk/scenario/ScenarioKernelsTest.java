package io.equirisk.scenario;

import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The Vector API kernels write the scalar kernels' bits: the normals at every count, offset and counter (wrap-around
 * included), the triangular product at every size, against the definition's fma chain written out here.
 */
class ScenarioKernelsTest {

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
        /* the choice: the vector kernel wherever it is preferred at this machine's width */
        assertEquals(vector.preferred() && !"scalar".equalsIgnoreCase(System.getProperty("equirisk.kernels", "")),
                ScenarioKernels.normals() == vector, ScenarioKernels.normals().describe());
    }

    @Test
    void everyProductKernelSumsEachRowInTheDefinitionsOrder() {
        SplittableRandom rng = new SplittableRandom(5);
        java.util.List<TriangularProductKernel> kernels = new java.util.ArrayList<>();
        kernels.add(ScalarTriangularProduct.INSTANCE);
        if (ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent()) {
            kernels.add(VectorTriangularProduct.INSTANCE);
        }
        for (TriangularProductKernel kernel : kernels) {
            int block = kernel.rowBlock();
            for (int n : new int[] {1, 2, 3, 4, 5, 7, 8, 9, 33, 100}) {
                double[] chol = new double[n * n];
                Arrays.fill(chol, Double.NaN); /* above the diagonal: never read */
                for (int i = 0; i < n; i++) {
                    for (int j = 0; j <= i; j++) {
                        chol[i * n + j] = j == i ? 0.5 + rng.nextDouble() : rng.nextGaussian();
                    }
                }
                double[] mean = new double[n];
                double[] scale = new double[block];
                double[] z = new double[2 * block * n];
                for (int i = 0; i < n; i++) {
                    mean[i] = 1e-3 * rng.nextGaussian();
                }
                for (int r = 0; r < block; r++) {
                    scale[r] = 0.5 + rng.nextDouble();
                }
                for (int k = 0; k < block * n; k++) {
                    z[k] = rng.nextGaussian();
                }
                double[] zCopy = Arrays.copyOf(z, block * n);
                int off = 3;
                double[] out = new double[off + block * n];
                kernel.rows(chol, mean, n, z, block * n, scale, out, off);
                for (int r = 0; r < block; r++) {
                    for (int i = 0; i < n; i++) {
                        double a = 0;
                        for (int j = 0; j <= i; j++) {
                            a = Math.fma(chol[i * n + j], zCopy[r * n + j], a);
                        }
                        double expected = Math.fma(scale[r], a, mean[i]);
                        assertEquals(Double.doubleToRawLongBits(expected), Double.doubleToRawLongBits(out[off + r * n + i]),
                                kernel.describe() + ", n " + n + ", row " + r + ", asset " + i);
                    }
                }
            }
        }
    }
}

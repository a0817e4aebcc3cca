package io.equirisk.bench;

import io.equirisk.covariance.CovarianceKernels;
import io.equirisk.kernel.Kernels;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.util.Random;
import java.util.concurrent.TimeUnit;

/**
 * Sample covariance of a T×N return table (default 2520 days × 1000 assets), the largest cost in the system.
 * Flop convention for reports: 2·N²·T per product (what a full AᵀA costs), although the kernel computes the upper
 * triangle only.
 *
 * <pre>
 *   mvn -B -q -pl benchmarks -am package -DskipTests
 *   java -jar benchmarks/target/benchmarks.jar CovarianceBenchmark -f 1 -wi 3 -i 5
 * </pre>
 * The ND4J (OpenBLAS) baseline on the same data is {@code io.equirisk.bench.nd4j.CovarianceNd4jBenchmark}, built
 * with {@code -Pnd4j}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED"})
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class CovarianceBenchmark {
    @Param("2520")
    public int t;
    @Param("1000")
    public int n;

    private double[] returns;
    private double[] demeaned;
    private double[] out;
    private int threads;

    /** Daily-return-like data: a common factor plus idiosyncratic noise, fixed seed. */
    public static double[] returns(int t, int n, long seed) {
        Random rnd = new Random(seed);
        double[] x = new double[t * n];
        double[] beta = new double[n];
        for (int j = 0; j < n; j++) {
            beta[j] = 0.5 + rnd.nextDouble();
        }
        for (int s = 0; s < t; s++) {
            double f = 0.01 * rnd.nextGaussian();
            for (int j = 0; j < n; j++) {
                x[s * n + j] = 0.0003 + beta[j] * f + 0.015 * rnd.nextGaussian();
            }
        }
        return x;
    }

    @Setup(Level.Trial)
    public void setUp() {
        returns = returns(t, n, 42);
        out = new double[n * n];
        threads = Runtime.getRuntime().availableProcessors();
        double[] mean = new double[n];
        for (int s = 0; s < t; s++) {
            for (int j = 0; j < n; j++) {
                mean[j] += returns[s * n + j] / t;
            }
        }
        demeaned = new double[t * n];
        for (int s = 0; s < t; s++) {
            for (int j = 0; j < n; j++) {
                demeaned[s * n + j] = returns[s * n + j] - mean[j];
            }
        }
        System.out.println("\nkernels: " + Kernels.get().name() + ", threads for the parallel case: " + threads);
    }

    /** The whole estimate on one thread: means, the product (demeaning fused into packing), scale, mirror. */
    @Benchmark
    public double[] sampleOneThread() {
        CovarianceKernels.sample(returns, n, 0, t, out, 0, 1);
        return out;
    }

    /** The whole estimate on every available processor. */
    @Benchmark
    public double[] sampleAllThreads() {
        CovarianceKernels.sample(returns, n, 0, t, out, 0, threads);
        return out;
    }

    /** The kernel alone (XᵀX of pre-demeaned data, both triangles), one thread. */
    @Benchmark
    public double[] kernelOneThread() {
        Kernels.get().syrk(demeaned, 0, n, t, null, null, 1.0, out, 0, 0, n);
        return out;
    }
}

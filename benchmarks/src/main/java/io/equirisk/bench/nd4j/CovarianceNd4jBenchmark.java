package io.equirisk.bench.nd4j;

import io.equirisk.bench.CovarianceBenchmark;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
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

import java.util.concurrent.TimeUnit;

/**
 * The baseline a Java user would pick: ND4J 1.0.0-M2.1 (nd4j-native, OpenBLAS inside) on the same data as
 * {@link CovarianceBenchmark}. Not part of the normal build (about 129 MB of jars); build and run it with
 * <pre>
 *   mvn -B -q -pl benchmarks -am package -DskipTests -Pnd4j
 *   OMP_NUM_THREADS=1 java -jar benchmarks/target/benchmarks.jar CovarianceNd4jBenchmark -f 1 -wi 3 -i 5
 *   java -jar benchmarks/target/benchmarks.jar CovarianceNd4jBenchmark -f 1 -wi 3 -i 5
 * </pre>
 * (the first runs BLAS on one thread, the second on all; the fork inherits the environment). Flop convention
 * 2·N²·T, as OpenBLAS computes the full product with dgemm.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED"})
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class CovarianceNd4jBenchmark {
    @Param("2520")
    public int t;
    @Param("1000")
    public int n;

    private INDArray returns;
    private INDArray demeaned;
    private INDArray out;

    @Setup(Level.Trial)
    public void setUp() {
        Nd4j.setDefaultDataTypes(DataType.DOUBLE, DataType.DOUBLE);
        returns = Nd4j.create(CovarianceBenchmark.returns(t, n, 42), new long[] {t, n}, 'c');
        demeaned = returns.subRowVector(returns.mean(0));
        out = Nd4j.create(DataType.DOUBLE, new long[] {n, n}, 'c');
        System.out.println("\nND4J backend: " + Nd4j.getBackend().getClass().getSimpleName() + ", OMP_NUM_THREADS="
                + System.getenv("OMP_NUM_THREADS"));
    }

    /** The BLAS product alone: out = XᵀX (dgemm) of pre-demeaned data. */
    @Benchmark
    public INDArray gemm() {
        return Nd4j.gemm(demeaned, demeaned, out, true, false, 1.0, 0.0);
    }

    /** The whole sample covariance as a user would write it: demean, XᵀX, scale by 1/(T−1). */
    @Benchmark
    public INDArray sampleCovariance() {
        INDArray x = returns.subRowVector(returns.mean(0));
        return Nd4j.gemm(x, x, out, true, false, 1.0 / (t - 1), 0.0);
    }
}

package io.equirisk.bench;

import io.equirisk.covariance.CovarianceBatch;
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
 * {@code CovarianceBatch.of}'s check of every matrix (finite, positive normal variances, symmetric) on a batch of B
 * matrices of N assets: what every batch made by a backend's {@code covariance} pays before it is returned, whatever
 * made it (10,000 × 100 is 800 MB, which a GPU makes in 3.4 ms). Run it with the common pool at its default (all
 * cores) and at {@code -Djava.util.concurrent.ForkJoinPool.common.parallelism=0} (the caller alone).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xmx3g"})
public class CovarianceBatchCheckBenchmark {

    @Param({"10000"})
    public int batch;

    @Param({"100"})
    public int n;

    private double[] values;

    @Setup(Level.Trial)
    public void setUp() {
        values = new double[batch * n * n];
        for (int k = 0; k < batch; k++) {
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < n; j++) {
                    values[(k * n + i) * n + j] = i == j ? 1.0 + 0.01 * i : 0.3 / (1 + Math.abs(i - j));
                }
            }
        }
    }

    @Benchmark
    public CovarianceBatch check() {
        return CovarianceBatch.of(batch, n, values, null);
    }
}

package io.equirisk.bench;

import io.equirisk.covariance.CovarianceMatrix;
import io.equirisk.linalg.Cholesky;
import io.equirisk.testing.RandomCovariances;
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
 * The positive-definiteness check that the facade and the command line run before every single solve: a blocked
 * Cholesky factorisation of the correlation matrix (N³/3 flops), on one thread and on all of them, and the whole
 * {@code requirePositiveDefinite()}. Σ is the solver benchmark's 5-factor model.
 *
 * <p>Run: {@code java --add-modules jdk.incubator.vector -jar benchmarks/target/benchmarks.jar CholeskyBenchmark}
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
public class CholeskyBenchmark {

    /** 100 and 300: a Newton step's Hessian (the rolling windows, the scenarios); 1000 and 3000: the check. */
    @Param({"100", "300", "1000", "3000"})
    public int n;

    private CovarianceMatrix cov;
    private double[] source;
    private double[] work;

    @Setup(Level.Trial)
    public void setUp() {
        cov = RandomCovariances.factorModel(n, 5, 42);
        source = cov.correlation();
        work = new double[n * n];
    }

    @Benchmark
    public double[] factorOneThread() {
        System.arraycopy(source, 0, work, 0, work.length);
        Cholesky.factor(work, n, null, 1);
        return work;
    }

    @Benchmark
    public double[] factorAllThreads() {
        System.arraycopy(source, 0, work, 0, work.length);
        Cholesky.factor(work, n, null, Runtime.getRuntime().availableProcessors());
        return work;
    }

    @Benchmark
    public CovarianceMatrix requirePositiveDefinite() {
        return cov.requirePositiveDefinite();
    }
}

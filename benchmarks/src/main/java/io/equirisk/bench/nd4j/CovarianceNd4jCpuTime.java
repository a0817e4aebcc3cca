package io.equirisk.bench.nd4j;

import io.equirisk.bench.CovarianceBenchmark;
import io.equirisk.bench.CovarianceCpuTime;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * {@link CovarianceCpuTime} for the ND4J baseline. Run with one BLAS thread, so that the work happens on the calling
 * thread and its CPU time is the whole cost:
 * <pre>
 *   OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 java -cp benchmarks/target/benchmarks.jar \
 *       io.equirisk.bench.nd4j.CovarianceNd4jCpuTime [T N runs]
 * </pre>
 */
public final class CovarianceNd4jCpuTime {
    private CovarianceNd4jCpuTime() {
    }

    public static void main(String[] args) {
        int t = args.length > 0 ? Integer.parseInt(args[0]) : 2520;
        int n = args.length > 1 ? Integer.parseInt(args[1]) : 1000;
        int runs = args.length > 2 ? Integer.parseInt(args[2]) : 30;
        Nd4j.setDefaultDataTypes(DataType.DOUBLE, DataType.DOUBLE);
        INDArray returns = Nd4j.create(CovarianceBenchmark.returns(t, n, 42), new long[] {t, n}, 'c');
        INDArray demeaned = returns.subRowVector(returns.mean(0));
        INDArray out = Nd4j.create(DataType.DOUBLE, new long[] {n, n}, 'c');
        System.out.println("T = " + t + ", N = " + n + ", ND4J " + Nd4j.getBackend().getClass().getSimpleName()
                + ", OMP_NUM_THREADS=" + System.getenv("OMP_NUM_THREADS") + ", " + runs
                + " runs, CPU time of the calling thread");
        System.out.println(CovarianceCpuTime.report("ND4J sample covariance (demean + gemm)",
                CovarianceCpuTime.cpuTimes(() -> {
                    INDArray x = returns.subRowVector(returns.mean(0));
                    Nd4j.gemm(x, x, out, true, false, 1.0 / (t - 1), 0.0);
                }, runs), t, n));
        System.out.println(CovarianceCpuTime.report("ND4J gemm XᵀX alone",
                CovarianceCpuTime.cpuTimes(() -> Nd4j.gemm(demeaned, demeaned, out, true, false, 1.0, 0.0), runs),
                t, n));
    }
}

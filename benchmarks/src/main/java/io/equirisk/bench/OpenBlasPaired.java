package io.equirisk.bench;

import io.equirisk.covariance.CovarianceKernels;
import io.equirisk.kernel.Kernels;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * equirisk's sample covariance against OpenBLAS's {@code dsyrk}, one thread each, <em>alternated in one process on
 * the same data</em>: on a shared machine whose speed drifts by ±20% over minutes, separate runs of numpy and of
 * JMH compare two different machines; rounds a few milliseconds apart compare the code. Reports the timings and the
 * median and quartiles of the per-round ratio (OpenBLAS time / equirisk time, i.e. our share of its speed).
 *
 * <p>OpenBLAS is called through FFM from the library numpy ships (found by {@code benchmarks/openblas-paired.sh}); its
 * {@code dsyrk} computes the upper triangle of XᵀX on pre-demeaned data (numpy's {@code X.T @ X} calls the same
 * routine). Two baselines: dsyrk alone, and the whole estimate around it (means, a demeaned copy, dsyrk, scaling
 * and the other triangle, the steps numpy takes), against equirisk's whole estimate (means, demeaning during
 * packing, product, scaling, both triangles).
 *
 * <pre>
 *   benchmarks/openblas-paired.sh [T N pairs]
 * </pre>
 */
public final class OpenBlasPaired {
    private static final int ROW_MAJOR = 101;
    private static final int UPPER = 121;
    private static final int TRANS = 112;

    private OpenBlasPaired() {
    }

    public static void main(String[] args) throws Throwable {
        if (args.length < 1) {
            System.err.println("usage: OpenBlasPaired LIBRARY [SYMBOL_PREFIX SYMBOL_SUFFIX] [T N pairs]");
            System.exit(2);
        }
        Path lib = Path.of(args[0]);
        String prefix = args.length > 1 ? args[1] : "";
        String suffix = args.length > 2 ? args[2] : "";
        int t = args.length > 3 ? Integer.parseInt(args[3]) : 2520;
        int n = args.length > 4 ? Integer.parseInt(args[4]) : 1000;
        int pairs = args.length > 5 ? Integer.parseInt(args[5]) : 40;

        Arena arena = Arena.global();
        SymbolLookup blas = SymbolLookup.libraryLookup(lib, arena);
        Linker linker = Linker.nativeLinker();
        // OpenBLAS built with 64-bit integers (numpy's): blasint is a long, the enums stay int
        MethodHandle dsyrk = linker.downcallHandle(blas.find(prefix + "cblas_dsyrk" + suffix).orElseThrow(),
                FunctionDescriptor.ofVoid(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT,
                        ValueLayout.JAVA_LONG, ValueLayout.JAVA_LONG, ValueLayout.JAVA_DOUBLE, ValueLayout.ADDRESS,
                        ValueLayout.JAVA_LONG, ValueLayout.JAVA_DOUBLE, ValueLayout.ADDRESS, ValueLayout.JAVA_LONG));
        blas.find(prefix + "openblas_set_num_threads" + suffix).ifPresent(f -> {
            try {
                linker.downcallHandle(f, FunctionDescriptor.ofVoid(ValueLayout.JAVA_INT)).invokeExact(1);
            } catch (Throwable e) {
                throw new IllegalStateException(e);
            }
        });

        double[] returns = CovarianceBenchmark.returns(t, n, 42);
        double[] mean = new double[n];
        for (int s = 0; s < t; s++) {
            for (int j = 0; j < n; j++) {
                mean[j] += returns[s * n + j] / t;
            }
        }
        MemorySegment x = arena.allocate(8L * t * n, 64);
        for (int s = 0; s < t; s++) {
            for (int j = 0; j < n; j++) {
                x.setAtIndex(ValueLayout.JAVA_DOUBLE, (long) s * n + j, returns[s * n + j] - mean[j]);
            }
        }
        MemorySegment c = arena.allocate(8L * n * n, 64);
        double[] out = new double[n * n];

        Runnable ours = () -> CovarianceKernels.sample(returns, n, 0, t, out, 0, 1);
        // the whole estimate around dsyrk, the steps numpy takes in C: means, a demeaned copy, the product, the
        // scaling and the other triangle
        MemorySegment y = arena.allocate(8L * t * n, 64);
        double[] outBlas = new double[n * n];
        Runnable theirsWhole = () -> {
            double[] m = new double[n];
            for (int s = 0; s < t; s++) {
                for (int j = 0; j < n; j++) {
                    m[j] += returns[s * n + j];
                }
            }
            for (int j = 0; j < n; j++) {
                m[j] /= t;
            }
            for (int s = 0; s < t; s++) {
                for (int j = 0; j < n; j++) {
                    y.setAtIndex(ValueLayout.JAVA_DOUBLE, (long) s * n + j, returns[s * n + j] - m[j]);
                }
            }
            try {
                dsyrk.invokeExact(ROW_MAJOR, UPPER, TRANS, (long) n, (long) t, 1.0, y, (long) n, 0.0, c, (long) n);
            } catch (Throwable e) {
                throw new IllegalStateException(e);
            }
            double scale = 1.0 / (t - 1);
            for (int i = 0; i < n; i++) {
                for (int j = i; j < n; j++) {
                    double v = c.getAtIndex(ValueLayout.JAVA_DOUBLE, (long) i * n + j) * scale;
                    outBlas[i * n + j] = v;
                    outBlas[j * n + i] = v;
                }
            }
        };
        Runnable theirs = () -> {
            try {
                // C = XᵀX (upper), X row-major T × N: "transposed" with lda = N
                dsyrk.invokeExact(ROW_MAJOR, UPPER, TRANS, (long) n, (long) t, 1.0, x, (long) n, 0.0, c, (long) n);
            } catch (Throwable e) {
                throw new IllegalStateException(e);
            }
        };
        checkAgreement(ours, theirs, out, c, n, t);
        for (int w = 0; w < 8; w++) {
            ours.run();
            theirs.run();
        }
        for (int w = 0; w < 4; w++) {
            theirsWhole.run();
        }
        double[] oursMs = new double[pairs];
        double[] theirsMs = new double[pairs];
        double[] wholeMs = new double[pairs];
        double[] ratio = new double[pairs];
        double[] ratioWhole = new double[pairs];
        Runnable[] order = {ours, theirs, theirsWhole};
        for (int p = 0; p < pairs; p++) {
            // rotate which goes first, so none always runs on another's warm caches
            double[] ms = new double[3];
            for (int q = 0; q < 3; q++) {
                int which = (p + q) % 3;
                ms[which] = time(order[which]);
            }
            oursMs[p] = ms[0];
            theirsMs[p] = ms[1];
            wholeMs[p] = ms[2];
            ratio[p] = theirsMs[p] / oursMs[p];
            ratioWhole[p] = wholeMs[p] / oursMs[p];
        }
        double flops = 2.0 * n * n * t;
        System.out.printf("T = %d, N = %d, one thread each, %d rounds, kernels %s%n", t, n, pairs,
                Kernels.get().name());
        report("equirisk sample covariance (whole)", oursMs, flops);
        report("OpenBLAS dsyrk alone (demeaned XᵀX)", theirsMs, flops);
        report("OpenBLAS whole (means, demean, dsyrk, scale)", wholeMs, flops);
        ratios("equirisk whole / OpenBLAS dsyrk alone", ratio);
        ratios("equirisk whole / OpenBLAS whole", ratioWhole);
    }

    private static void ratios(String what, double[] r) {
        double[] s = r.clone();
        Arrays.sort(s);
        int k = s.length;
        System.out.printf("%-40s speed per round: median %.1f%%, quartiles %.1f%%–%.1f%%, range %.1f%%–%.1f%%%n",
                what, 100 * CovarianceCpuTime.median(s), 100 * s[k / 4], 100 * s[3 * k / 4], 100 * s[0],
                100 * s[k - 1]);
    }

    private static double time(Runnable r) {
        long t0 = System.nanoTime();
        r.run();
        return (System.nanoTime() - t0) / 1e6;
    }

    private static void report(String what, double[] ms, double flops) {
        double[] s = ms.clone();
        Arrays.sort(s);
        System.out.printf("%-46s min %6.1f ms (%5.1f GFLOP/s)  median %6.1f ms (%5.1f GFLOP/s)%n", what, s[0],
                flops / s[0] / 1e6, CovarianceCpuTime.median(s), flops / CovarianceCpuTime.median(s) / 1e6);
    }

    /** Both must compute the same matrix (ours scaled by 1/(T−1)) before their speeds mean anything. */
    private static void checkAgreement(Runnable ours, Runnable theirs, double[] out, MemorySegment c, int n, int t) {
        ours.run();
        theirs.run();
        double worst = 0;
        for (int i = 0; i < n; i++) {
            for (int j = i; j < n; j++) {
                double blas = c.getAtIndex(ValueLayout.JAVA_DOUBLE, (long) i * n + j) / (t - 1);
                worst = Math.max(worst, Math.abs(out[i * n + j] - blas) / Math.sqrt(out[i * n + i] * out[j * n + j]));
            }
        }
        if (!(worst < 1e-12)) {
            throw new IllegalStateException("equirisk and OpenBLAS disagree: " + worst);
        }
        System.out.printf("agreement with OpenBLAS: max |Δ| / sqrt(C_ii C_jj) = %.1e%n", worst);
    }
}

package io.equirisk.bench;

import io.equirisk.covariance.CovarianceKernels;
import io.equirisk.kernel.Kernels;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Arrays;
import java.util.function.LongSupplier;

/**
 * A companion to {@link CovarianceBenchmark} for a shared, overloaded machine: it times single-threaded runs by the
 * calling thread's CPU time (time the thread was descheduled does not count; cache disturbance by other processes
 * still does), and reports the minimum and the median of many runs. JMH's wall-clock numbers stay the reference on a
 * quiet machine.
 *
 * <pre>
 *   java --add-modules jdk.incubator.vector -cp benchmarks/target/benchmarks.jar \
 *       io.equirisk.bench.CovarianceCpuTime [T N runs]
 * </pre>
 */
public final class CovarianceCpuTime {
    private CovarianceCpuTime() {
    }

    /** Runs {@code task} {@code runs} times after warming up; returns the sorted CPU times in milliseconds. */
    public static double[] cpuTimes(Runnable task, int runs) {
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        return times(task, runs, mx::getCurrentThreadCpuTime);
    }

    /** As {@link #cpuTimes} but by wall-clock time, which on a quiet machine is what a caller waits. */
    public static double[] wallTimes(Runnable task, int runs) {
        return times(task, runs, System::nanoTime);
    }

    private static double[] times(Runnable task, int runs, LongSupplier now) {
        for (int w = 0; w < Math.max(5, runs / 3); w++) {
            task.run();
        }
        double[] ms = new double[runs];
        for (int r = 0; r < runs; r++) {
            long t0 = now.getAsLong();
            task.run();
            ms[r] = (now.getAsLong() - t0) / 1e6;
        }
        Arrays.sort(ms);
        return ms;
    }

    /** The median of sorted values: the mean of the middle two for an even count (the upper one biased it up). */
    static double median(double[] sorted) {
        int k = sorted.length;
        return k % 2 == 1 ? sorted[k / 2] : 0.5 * (sorted[k / 2 - 1] + sorted[k / 2]);
    }

    /** One line: min and median in ms and GFLOP/s at 2·N²·T flops. */
    public static String report(String what, double[] sorted, int t, int n) {
        double flops = 2.0 * n * n * t;
        double min = sorted[0];
        double median = median(sorted);
        return String.format("%-40s min %7.1f ms (%5.1f GFLOP/s)   median %7.1f ms (%5.1f GFLOP/s)", what, min,
                flops / min / 1e6, median, flops / median / 1e6);
    }

    public static void main(String[] args) {
        int t = args.length > 0 ? Integer.parseInt(args[0]) : 2520;
        int n = args.length > 1 ? Integer.parseInt(args[1]) : 1000;
        int runs = args.length > 2 ? Integer.parseInt(args[2]) : 30;
        double[] returns = CovarianceBenchmark.returns(t, n, 42);
        double[] demeaned = new double[t * n];
        double[] mean = new double[n];
        for (int s = 0; s < t; s++) {
            for (int j = 0; j < n; j++) {
                mean[j] += returns[s * n + j] / t;
            }
        }
        for (int s = 0; s < t; s++) {
            for (int j = 0; j < n; j++) {
                demeaned[s * n + j] = returns[s * n + j] - mean[j];
            }
        }
        double[] out = new double[n * n];
        System.out.println("T = " + t + ", N = " + n + ", kernels " + Kernels.get().name() + ", one thread, " + runs
                + " runs, CPU time of the calling thread and wall time");
        Runnable whole = () -> CovarianceKernels.sample(returns, n, 0, t, out, 0, 1);
        Runnable kernel = () -> Kernels.get().syrk(demeaned, 0, n, t, null, null, 1.0, out, 0, 0, n);
        System.out.println(report("equirisk sample covariance (whole) cpu", cpuTimes(whole, runs), t, n));
        System.out.println(report("equirisk sample covariance (whole) wall", wallTimes(whole, runs), t, n));
        System.out.println(report("equirisk kernel (XᵀX) cpu", cpuTimes(kernel, runs), t, n));
        System.out.println(report("equirisk kernel (XᵀX) wall", wallTimes(kernel, runs), t, n));
    }
}

package io.equirisk.testing;

import java.util.Random;

/**
 * Returns of a k-factor market, as the C driver's rolling bench draws them ({@code kernels/test/driver.cpp --bench}):
 * loadings N(0, 1), factors N(0, 1)/3, idiosyncratic N(0, 0.25), all × 0.01. With ten factors, 252-day sample
 * covariances of 100 assets are ill-conditioned enough (correlations of both signs, T/N = 2.5) that CCD stalls and
 * Newton finishes every window: the GPU check's rolling workload, and the benchmarks' and tests' hard case.
 */
public final class FactorMarket {
    private FactorMarket() {
    }

    /** rows × n returns, row-major, drawn from {@code rnd} (loadings first, then row by row). */
    public static double[] returns(int rows, int n, int factors, Random rnd) {
        double[] load = new double[n * factors];
        for (int i = 0; i < load.length; i++) {
            load[i] = rnd.nextGaussian();
        }
        double[] r = new double[rows * n];
        double[] f = new double[factors];
        for (int t = 0; t < rows; t++) {
            for (int q = 0; q < factors; q++) {
                f[q] = rnd.nextGaussian();
            }
            for (int j = 0; j < n; j++) {
                double v = 0.5 * rnd.nextGaussian();
                for (int q = 0; q < factors; q++) {
                    v += load[j * factors + q] * f[q] / 3.0;
                }
                r[t * n + j] = 0.01 * v;
            }
        }
        return r;
    }
}

package io.equirisk.solver;

import io.equirisk.kernel.Kernels;
import io.equirisk.kernel.NumericKernels;

/**
 * y = Σx with each inner product accumulated in twice the working precision (the Dot2 algorithm of Ogita, Rump &amp;
 * Oishi 2005: error-free products by fma, error-free sums by TwoSum; {@link NumericKernels#dot2}). On
 * ill-conditioned covariances with correlations of both signs, (Σx)_i is a small difference of large terms
 * (cancellation of 1e9 seen in tests), so a plain product cannot even measure a residual of 1e-10; this one can.
 * Used by the Newton finisher and its final report only. Scalar, each row one dependent chain of TwoSums, it cost
 * ~15 µs at n = 100, most of a Newton step once the factorisation took ~24 µs; the vector kernel runs a chain per
 * lane.
 */
final class CompensatedProduct {
    private CompensatedProduct() {
    }

    /** y = Σx for the full row-major matrix at {@code sigma[off..]}. */
    static void multiply(double[] sigma, int off, int n, double[] x, double[] y) {
        NumericKernels k = Kernels.get();
        for (int i = 0; i < n; i++) {
            y[i] = k.dot2(sigma, off + i * n, x, 0, n);
        }
    }
}

package io.equirisk.linalg;

import io.equirisk.error.DimensionMismatchException;
import io.equirisk.error.NotPositiveDefiniteException;
import io.equirisk.kernel.Kernels;
import io.equirisk.kernel.NumericKernels;

import java.util.List;

/**
 * Cholesky factorisation A = LLᵀ of a symmetric positive-definite matrix, row-major, in place.
 *
 * <p>Row by row (Cholesky–Banachiewicz): row i of L needs only rows 0..i of L, and every entry is an inner product
 * of two contiguous row prefixes, done by the active {@link NumericKernels#dot}. Row i stays in L1 while the rows
 * above stream past it. Only the lower triangle of the input is read.
 */
public final class Cholesky {
    private Cholesky() {
    }

    /** {@link #factor(double[], int, List)} with assets named by their 1-based index. */
    public static void factor(double[] a, int n) {
        factor(a, n, null);
    }

    /**
     * Overwrites the lower triangle of {@code a} (row-major n×n) with L and zeroes the strict upper triangle, so the
     * array then holds L exactly.
     *
     * @param names asset names for the error message, or null
     * @throws NotPositiveDefiniteException naming the asset whose pivot is not positive (the matrix is then left
     *                                      partly overwritten)
     */
    public static void factor(double[] a, int n, List<String> names) {
        if (n < 1 || a.length < (long) n * n) {
            throw new DimensionMismatchException("Cholesky of " + n + " × " + n + " needs " + ((long) n * n)
                    + " values, got " + a.length);
        }
        NumericKernels k = Kernels.get();
        for (int i = 0; i < n; i++) {
            int ri = i * n;
            for (int j = 0; j < i; j++) {
                int rj = j * n;
                a[ri + j] = (a[ri + j] - k.dot(a, ri, a, rj, j)) / a[rj + j];
            }
            double d = a[ri + i] - k.dot(a, ri, a, ri, i);
            if (!(d > 0)) {
                String who = names == null ? "asset " + (i + 1) : "asset " + names.get(i) + " (" + (i + 1) + ")";
                throw new NotPositiveDefiniteException("matrix is not positive definite: the pivot of " + who
                        + " is " + d + " after eliminating the " + i + " asset" + (i == 1 ? "" : "s")
                        + " before it, so it is (numerically) a combination of them");
            }
            a[ri + i] = Math.sqrt(d);
            for (int j = i + 1; j < n; j++) {
                a[ri + j] = 0.0;
            }
        }
    }

    /** Solves (LLᵀ)x = b in place ({@code b} becomes x), with L as {@link #factor} leaves it. */
    public static void solve(double[] l, int n, double[] b) {
        if (b.length != n || l.length < (long) n * n) {
            throw new DimensionMismatchException("solve with an " + n + " × " + n + " factor needs a right-hand "
                    + "side of " + n + " values, got " + b.length);
        }
        NumericKernels k = Kernels.get();
        // L y = b: row i of L against the solved prefix
        for (int i = 0; i < n; i++) {
            b[i] = (b[i] - k.dot(l, i * n, b, 0, i)) / l[i * n + i];
        }
        // Lᵀ x = y: once x_i is known, remove its column (row i of L) from the equations above
        for (int i = n - 1; i >= 0; i--) {
            b[i] /= l[i * n + i];
            k.axpy(-b[i], l, i * n, b, 0, i);
        }
    }

    /** True when {@code a} (row-major, only the lower triangle read, not modified) is positive definite. */
    public static boolean isPositiveDefinite(double[] a, int n) {
        try {
            factor(a.clone(), n);
            return true;
        } catch (NotPositiveDefiniteException e) {
            return false;
        }
    }
}

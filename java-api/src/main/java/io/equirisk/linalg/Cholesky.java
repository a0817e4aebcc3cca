package io.equirisk.linalg;

import io.equirisk.error.DimensionMismatchException;
import io.equirisk.error.NotPositiveDefiniteException;
import io.equirisk.kernel.Kernels;
import io.equirisk.kernel.NumericKernels;
import io.equirisk.kernel.TriangleRows;

import java.util.List;

/**
 * Cholesky factorisation A = LLᵀ of a symmetric positive-definite matrix, row-major, in place.
 *
 * <p>Blocked, right-looking: for each block of {@link #BLOCK} columns, the block's columns are factored four at a
 * time, right-looking as well: the 4 × 4 corner row by row, every row below it against the corner (the pivots'
 * reciprocals taken once), and then that panel's update of the block's later columns in every row below, four rows
 * at a time ({@link NumericKernels#subtractPanel4}: each loaded vector of the transposed panel serves four rows, and
 * there are no reductions). The trailing matrix then takes the block's rank-k update through the packed,
 * register-blocked product kernel that the covariance estimators use ({@link NumericKernels#subtractOuterProducts}),
 * which carries nearly all of the N³/3 flops at large N. Below ~{@link #BLOCK} (a Newton step's Hessian) the
 * panels are the whole of it: N = 100 in 20 µs on one Zen 4 core, where the row-by-row form (an inner product and
 * a division per entry) took 49 µs (benchmarks/RESULTS.md, "Small Cholesky factorisations"). Only the lower
 * triangle of the input is read. The update's columns are split over threads ({@link TriangleRows}); the result
 * does not depend on their number. Measured on the 2-core Zen 3 (factor-model Σ): N = 3000 in 0.45 s on one thread
 * (20 GFLOP/s) and 0.33 s on two, where the unblocked row-by-row form took 3.3 s (every row streamed all the rows
 * above it from memory). {@code requirePositiveDefinite} runs it before every solve through the facade and the
 * command line.
 */
public final class Cholesky {
    /** Columns per block: the update's inner dimension (its K), long enough to amortise one pass over the tiles. */
    static final int BLOCK = 128;

    private Cholesky() {
    }

    /**
     * {@link #factor(double[], int, List)} with assets named by their 1-based index.
     *
     * @param a the matrix, row-major n×n (only the lower triangle is read), overwritten with L
     * @param n the matrix's size
     * @throws NotPositiveDefiniteException naming the asset whose pivot is not positive
     * @throws DimensionMismatchException   if n is below 1 or {@code a} holds fewer than n² values
     */
    public static void factor(double[] a, int n) {
        factor(a, n, null);
    }

    /**
     * Overwrites the lower triangle of {@code a} (row-major n×n) with L and zeroes the strict upper triangle, so the
     * array then holds L exactly.
     *
     * @param a     the matrix, row-major n×n (only the lower triangle is read), overwritten with L
     * @param n     the matrix's size
     * @param names asset names for the error message, or null
     * @throws NotPositiveDefiniteException naming the asset whose pivot is not positive (the matrix is then left
     *                                      partly overwritten)
     * @throws DimensionMismatchException   if n is below 1 or {@code a} holds fewer than n² values
     */
    public static void factor(double[] a, int n, List<String> names) {
        factor(a, n, names, TriangleRows.defaultThreads());
    }

    /**
     * {@link #factor(double[], int, List)} on up to {@code threads} threads (the trailing updates of large matrices
     * are split by columns; the result does not depend on the thread count).
     *
     * @param a       the matrix, row-major n×n (only the lower triangle is read), overwritten with L
     * @param n       the matrix's size
     * @param names   asset names for the error message, or null
     * @param threads the most threads to use; 1 or less: the calling thread only
     * @throws NotPositiveDefiniteException as {@link #factor(double[], int, List)} throws
     * @throws DimensionMismatchException   if n is below 1 or {@code a} holds fewer than n² values
     */
    public static void factor(double[] a, int n, List<String> names, int threads) {
        factor(a, n, names, threads, Kernels.get());
    }

    /**
     * {@link #factor(double[], int, List)} with the scalar kernels, whose sums run in one fixed order: the same bits
     * on every machine, whatever its vector width (the vector kernels split sums over lanes, so L differed in the
     * last bits between AVX2 and AVX-512 machines, and with it Monte Carlo draws documented as the same everywhere).
     * The blocked algorithm still, so about half the vector kernels' speed at N = 100.
     *
     * @param a     the matrix, row-major n×n (only the lower triangle is read), overwritten with L
     * @param n     the matrix's size
     * @param names asset names for the error message, or null
     * @throws NotPositiveDefiniteException as {@link #factor(double[], int, List)} throws
     * @throws DimensionMismatchException   if n is below 1 or {@code a} holds fewer than n² values
     */
    public static void factorReproducibly(double[] a, int n, List<String> names) {
        factor(a, n, names, 1, Kernels.scalar());
    }

    private static void factor(double[] a, int n, List<String> names, int threads, NumericKernels k) {
        if (n < 1 || a.length < (long) n * n) {
            throw new DimensionMismatchException("Cholesky of " + n + " × " + n + " needs " + ((long) n * n)
                    + " values, got " + a.length);
        }
        double[] pt = new double[4 * n]; // a panel's four columns, transposed: pt[r·n + i] = L[i][p + r]
        for (int k0 = 0; k0 < n; k0 += BLOCK) {
            int k1 = Math.min(n, k0 + BLOCK);
            // the block's columns, right-looking, four at a time (earlier blocks' terms are already subtracted)
            for (int p = k0; p < k1; p += 4) {
                int w = Math.min(4, k1 - p);
                factorCorner(k, a, n, p, w, names);
                solveBelowCorner(a, n, p, w, pt);
                updateBlockColumns(k, a, n, p, w, k1, pt);
            }
            // the trailing matrix takes the block's rank-(k1 − k0) update, its columns split over threads
            int m = n - k1;
            int kb = k1 - k0;
            int panel = k1 * n + k0;
            int trailing = k1 * n + k1;
            TriangleRows.run(m, kb, threads, (c0, c1) ->
                    k.subtractOuterProducts(a, panel, n, m, kb, a, trailing, n, c0, c1));
        }
        for (int i = 0; i < n; i++) {
            java.util.Arrays.fill(a, i * n + i + 1, (i + 1) * n, 0.0);
        }
    }

    /**
     * The w × w corner at (p, p), its earlier columns' terms already subtracted, factored row by row; a pivot that is
     * not positive throws, naming its asset.
     */
    private static void factorCorner(NumericKernels k, double[] a, int n, int p, int w, List<String> names) {
        for (int r = p; r < p + w; r++) {
            int ri = r * n;
            for (int c = p; c < r; c++) {
                int rc = c * n;
                double s = a[ri + c];
                for (int q = p; q < c; q++) {
                    s -= a[ri + q] * a[rc + q];
                }
                a[ri + c] = s / a[rc + c];
            }
            double d = a[ri + r] - k.dot(a, ri + p, a, ri + p, r - p);
            if (!(d > 0)) {
                String who = names == null ? "asset " + (r + 1) : "asset " + names.get(r) + " (" + (r + 1) + ")";
                throw new NotPositiveDefiniteException("matrix is not positive definite: the pivot of " + who
                        + " is " + d + " after eliminating the " + r + " asset" + (r == 1 ? "" : "s")
                        + " before it, so it is (numerically) a combination of them", r);
            }
            a[ri + r] = Math.sqrt(d);
        }
    }

    /**
     * Every row below the corner solves its w entries of the panel against the corner (forward substitution, the
     * pivots' reciprocals taken once: a division per entry had been most of the time at n = 100), and the panel goes
     * transposed into {@code pt} for the updates.
     */
    private static void solveBelowCorner(double[] a, int n, int p, int w, double[] pt) {
        if (w == 4) {
            int q0 = p * n + p, q1 = q0 + n, q2 = q1 + n, q3 = q2 + n;
            double inv0 = 1.0 / a[q0], inv1 = 1.0 / a[q1 + 1], inv2 = 1.0 / a[q2 + 2], inv3 = 1.0 / a[q3 + 3];
            double l10 = a[q1], l20 = a[q2], l21 = a[q2 + 1], l30 = a[q3], l31 = a[q3 + 1], l32 = a[q3 + 2];
            for (int i = p + 4; i < n; i++) {
                int ri = i * n + p;
                double x0 = a[ri] * inv0;
                double x1 = (a[ri + 1] - x0 * l10) * inv1;
                double x2 = (a[ri + 2] - x0 * l20 - x1 * l21) * inv2;
                double x3 = (a[ri + 3] - x0 * l30 - x1 * l31 - x2 * l32) * inv3;
                a[ri] = x0;
                a[ri + 1] = x1;
                a[ri + 2] = x2;
                a[ri + 3] = x3;
                pt[i] = x0;
                pt[n + i] = x1;
                pt[2 * n + i] = x2;
                pt[3 * n + i] = x3;
            }
            return;
        }
        for (int i = p + w; i < n; i++) {
            int ri = i * n;
            for (int c = p; c < p + w; c++) {
                double s = a[ri + c];
                for (int q = p; q < c; q++) {
                    s -= a[ri + q] * a[c * n + q];
                }
                double v = s / a[c * n + c];
                a[ri + c] = v;
                pt[(c - p) * n + i] = v;
            }
        }
    }

    /**
     * The panel's update of the block's later columns [p + w, k1) in every row below the corner: row i's entries up
     * to its diagonal inside the block, all of them below it. Four rows at a time ({@link
     * NumericKernels#subtractPanel4}); inside the block their range runs on to whole vectors of 8, into the strict upper
     * triangle (scratch here, zeroed at the end), so that no row has a scalar tail.
     */
    private static void updateBlockColumns(NumericKernels k, double[] a, int n, int p, int w, int k1, double[] pt) {
        int from = p + w;
        int i = from;
        if (w == 4) {
            for (; i + 4 <= n; i += 4) {
                int end = Math.min(i + 4, k1); // rows i … i+3 need columns up to i+3 (or the block's end)
                int to = i + 3 < k1 ? Math.min(from + (end - from + 7) / 8 * 8, n) : end;
                k.subtractPanel4(a, i * n, n, p, pt, n, from, to);
            }
        }
        for (; i < n; i++) {
            int ri = i * n;
            int end = Math.min(i + 1, k1);
            for (int r = 0; r < w; r++) {
                k.axpy(-a[ri + p + r], pt, r * n + from, a, ri + from, end - from);
            }
        }
    }

    /**
     * Solves (LLᵀ)x = b in place ({@code b} becomes x), with L as {@link #factor} leaves it.
     *
     * @param l the factor, row-major n×n (its strict upper triangle is not read)
     * @param n the matrix's size
     * @param b the right-hand side, n values, overwritten with x
     * @throws DimensionMismatchException if b is not n long or {@code l} holds fewer than n² values
     */
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

    /**
     * True when {@code a} (row-major, only the lower triangle read, not modified) is positive definite.
     *
     * @param a the matrix, row-major n×n
     * @param n the matrix's size
     * @return whether every Cholesky pivot is positive (an exact test of the rounded factorisation, no margin)
     * @throws DimensionMismatchException if n is below 1 or {@code a} holds fewer than n² values
     */
    public static boolean isPositiveDefinite(double[] a, int n) {
        try {
            factor(a.clone(), n);
            return true;
        } catch (NotPositiveDefiniteException e) {
            return false;
        }
    }
}

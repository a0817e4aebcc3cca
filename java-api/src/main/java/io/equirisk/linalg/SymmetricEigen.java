package io.equirisk.linalg;

import io.equirisk.error.ConvergenceException;
import io.equirisk.error.DimensionMismatchException;
import io.equirisk.error.NonFiniteValueException;
import io.equirisk.kernel.Kernels;
import io.equirisk.kernel.NumericKernels;

/**
 * Eigen-decomposition A = V Λ Vᵀ of a real symmetric matrix (row-major): Householder reduction to tridiagonal form,
 * then the implicit QL iteration with Wilkinson-type shifts. O(n³); every inner loop runs along a row.
 *
 * <p>The orthogonal factor is kept transposed while the QL rotations run, so that each rotation combines two
 * contiguous rows instead of two strided columns.
 */
public final class SymmetricEigen {
    private static final int MAX_SWEEPS_PER_VALUE = 60;
    /** Sweeps for one eigenvalue after which deflation is judged against the matrix's norm too ({@link #ql}). */
    private static final int ABSOLUTE_AFTER = 20;

    private final int n;
    private final double[] values;
    private final double[] vectors;

    private SymmetricEigen(int n, double[] values, double[] vectors) {
        this.n = n;
        this.values = values;
        this.vectors = vectors;
    }

    /**
     * Decomposes {@code a} (row-major n×n, symmetric; only the lower triangle is read; not modified).
     *
     * @param a the matrix
     * @param n its size, at least 1
     * @return the eigenvalues and eigenvectors
     * @throws DimensionMismatchException if n is below 1 or {@code a} does not hold n² values
     * @throws NonFiniteValueException    if an entry is NaN or infinite
     * @throws ConvergenceException       if the QL iteration fails to converge (not seen for finite input since
     *                                    deflation is also judged against the norm: rank-deficient matrices failed)
     */
    public static SymmetricEigen of(double[] a, int n) {
        if (n < 1 || a.length != (long) n * n) {
            throw new DimensionMismatchException("eigen-decomposition of " + n + " × " + n + " needs " + ((long) n * n)
                    + " values, got " + a.length);
        }
        double[] w = new double[n * n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j <= i; j++) {
                double v = a[i * n + j];
                if (!Double.isFinite(v)) {
                    throw new NonFiniteValueException("matrix entry (" + (i + 1) + ", " + (j + 1) + ") is " + v);
                }
                w[i * n + j] = v;
                w[j * n + i] = v;
            }
        }
        double[] d = new double[n];
        double[] e = new double[n];
        double[] q = tridiagonalize(w, n, d, e);
        double[] vt = transpose(q, n);
        ql(d, e, vt, n);
        sortAscending(d, vt, n);
        return new SymmetricEigen(n, d, transpose(vt, n));
    }

    /**
     * The matrix's size.
     *
     * @return n
     */
    public int size() {
        return n;
    }

    /**
     * Eigenvalues in ascending order (a copy).
     *
     * @return n values, the smallest first
     */
    public double[] values() {
        return values.clone();
    }

    /**
     * Orthonormal eigenvectors as the columns of a row-major n×n matrix, in the order of {@link #values()}.
     *
     * @return a new array of n² values: column m is the eigenvector of value m
     */
    public double[] vectors() {
        return vectors.clone();
    }

    /**
     * V f(Λ) Vᵀ for eigenvalues replaced by {@code newValues} (same order as {@link #values()}): a new array.
     *
     * @param newValues n values, one per eigenvector
     * @return the symmetric n×n matrix, row-major
     * @throws DimensionMismatchException if there are not n values
     */
    public double[] reconstruct(double[] newValues) {
        if (newValues.length != n) {
            throw new DimensionMismatchException("need " + n + " eigenvalues, got " + newValues.length);
        }
        NumericKernels k = Kernels.get();
        // rows of V scaled by the values, against rows of V: (VΛ)(V)ᵀ row by row
        double[] vt = transpose(vectors, n);
        double[] scaled = new double[n * n];
        for (int m = 0; m < n; m++) {
            k.axpy(newValues[m], vt, m * n, scaled, m * n, n);
        }
        // out[i][j] = Σ_m V[i][m] λ_m V[j][m] = Σ_m vt[m][i] scaled[m][j]
        double[] out = new double[n * n];
        for (int m = 0; m < n; m++) {
            for (int i = 0; i < n; i++) {
                double v = vt[m * n + i];
                if (v != 0) {
                    k.axpy(v, scaled, m * n, out, i * n, n);
                }
            }
        }
        // exact symmetry
        for (int i = 0; i < n; i++) {
            for (int j = i + 1; j < n; j++) {
                double s = 0.5 * (out[i * n + j] + out[j * n + i]);
                out[i * n + j] = s;
                out[j * n + i] = s;
            }
        }
        return out;
    }

    /**
     * Householder reduction of the full symmetric {@code w} (destroyed): on return d holds the diagonal, e[k] the
     * entry between k and k+1 (e[n−1] = 0); the returned Q (row-major) satisfies A = Q T Qᵀ.
     */
    static double[] tridiagonalize(double[] w, int n, double[] d, double[] e) {
        NumericKernels k = Kernels.get();
        double[][] reflectors = new double[Math.max(0, n - 2)][];
        double[] betas = new double[Math.max(0, n - 2)];
        double[] v = new double[n];
        double[] p = new double[n];
        for (int c = 0; c < n - 2; c++) {
            int m = n - c - 1; // length of the column below the diagonal
            double alpha = 0;
            double scale = 0;
            for (int i = 0; i < m; i++) {
                scale = Math.max(scale, Math.abs(w[(c + 1 + i) * n + c]));
            }
            d[c] = w[c * n + c];
            if (scale == 0) {
                e[c] = 0;
                reflectors[c] = null;
                continue;
            }
            // v = x − α e1 with α = −sign(x1)‖x‖ (no cancellation), scaled to avoid overflow
            double norm2 = 0;
            for (int i = 0; i < m; i++) {
                double x = w[(c + 1 + i) * n + c] / scale;
                v[i] = x;
                norm2 += x * x;
            }
            double norm = Math.sqrt(norm2);
            alpha = v[0] > 0 ? -norm : norm;
            v[0] -= alpha;
            double vtv = norm2 - 2 * alpha * (v[0] + alpha) + alpha * alpha; // ‖x − αe1‖² = 2‖x‖² − 2α x1
            e[c] = alpha * scale;
            double beta = 2 / vtv;
            // trailing block B (rows/cols c+1..): p = β B v, K = β pᵀv / 2, w = p − K v, B −= v wᵀ + w vᵀ
            int off = c + 1;
            for (int i = 0; i < m; i++) {
                p[i] = beta * k.dot(w, (off + i) * n + off, v, 0, m);
            }
            double kk = 0.5 * beta * k.dot(p, 0, v, 0, m);
            for (int i = 0; i < m; i++) {
                p[i] -= kk * v[i];
            }
            for (int i = 0; i < m; i++) {
                int row = (off + i) * n + off;
                k.axpy(-v[i], p, 0, w, row, m);
                k.axpy(-p[i], v, 0, w, row, m);
            }
            reflectors[c] = java.util.Arrays.copyOf(v, m);
            betas[c] = beta;
        }
        if (n >= 2) {
            d[n - 2] = w[(n - 2) * n + n - 2];
            e[n - 2] = w[(n - 1) * n + n - 2];
        }
        d[n - 1] = w[(n - 1) * n + n - 1];
        e[n - 1] = 0;
        // Q = H_0 H_1 … H_{n−3}, accumulated from the last reflector so each acts on a shrinking block
        double[] q = new double[n * n];
        for (int i = 0; i < n; i++) {
            q[i * n + i] = 1;
        }
        double[] u = new double[n];
        for (int c = n - 3; c >= 0; c--) {
            double[] r = reflectors[c];
            if (r == null) {
                continue;
            }
            int off = c + 1;
            int m = n - off;
            // block rows/cols off..: Q ← (I − β r rᵀ) Q, i.e. u = rᵀ Q, Q −= β r uᵀ
            java.util.Arrays.fill(u, 0, m, 0.0);
            for (int i = 0; i < m; i++) {
                k.axpy(r[i], q, (off + i) * n + off, u, 0, m);
            }
            for (int i = 0; i < m; i++) {
                k.axpy(-betas[c] * r[i], u, 0, q, (off + i) * n + off, m);
            }
        }
        return q;
    }

    /**
     * Implicit QL on the tridiagonal (d, e), applying every rotation to the rows of {@code vt} (the transposed
     * eigenvector matrix). On return d holds the eigenvalues, row m of vt the eigenvector of d[m].
     */
    static void ql(double[] d, double[] e, double[] vt, int n) {
        final double eps = Math.ulp(1.0);
        double norm = 0; /* the tridiagonal's size, |d_i| + |e_i| at most: what rotations leave as rounding in e */
        for (int i = 0; i < n; i++) {
            norm = Math.max(norm, Math.abs(d[i]) + (i < n - 1 ? Math.abs(e[i]) : 0));
        }
        for (int l = 0; l < n; l++) {
            int iterations = 0;
            while (true) {
                int m = l;
                /* relative to the pair, which keeps small eigenvalues' digits; but between eigenvalues that are all
                   ~0 (a rank-deficient matrix: the sample covariance of fewer returns than assets, what the repairs
                   exist for) each sweep leaves rounding of eps·‖T‖ in e, which that test never passes: after
                   ABSOLUTE_AFTER sweeps, relative to the matrix, all the accuracy a ~0 eigenvalue has */
                double floor = iterations >= ABSOLUTE_AFTER ? eps * norm : 0;
                for (; m < n - 1; m++) {
                    double dd = Math.abs(d[m]) + Math.abs(d[m + 1]);
                    if (Math.abs(e[m]) <= Math.max(eps * dd, floor)) {
                        break;
                    }
                }
                if (m == l) {
                    break;
                }
                if (++iterations > MAX_SWEEPS_PER_VALUE) {
                    throw new ConvergenceException("symmetric eigen-decomposition did not converge for eigenvalue "
                            + (l + 1) + " of " + n + " after " + MAX_SWEEPS_PER_VALUE + " QL sweeps", null);
                }
                // shift from the leading 2×2 block, computed without cancellation
                double g = (d[l + 1] - d[l]) / (2 * e[l]);
                double r = Math.hypot(g, 1);
                g = d[m] - d[l] + e[l] / (g + Math.copySign(r, g));
                double s = 1;
                double c = 1;
                double p = 0;
                boolean deflatedEarly = false;
                for (int i = m - 1; i >= l; i--) {
                    double f = s * e[i];
                    double b = c * e[i];
                    r = Math.hypot(f, g);
                    e[i + 1] = r;
                    if (r == 0) {
                        // underflow: the problem splits here; restart from l
                        d[i + 1] -= p;
                        e[m] = 0;
                        deflatedEarly = true;
                        break;
                    }
                    s = f / r;
                    c = g / r;
                    g = d[i + 1] - p;
                    r = (d[i] - g) * s + 2 * c * b;
                    p = s * r;
                    d[i + 1] = g + p;
                    g = c * r - b;
                    rotate(vt, i * n, (i + 1) * n, n, c, s);
                }
                if (deflatedEarly) {
                    continue;
                }
                d[l] -= p;
                e[l] = g;
                e[m] = 0;
            }
        }
    }

    /** (row a, row b) ← (c·a − s·b, s·a + c·b): one Givens rotation of two contiguous rows. */
    private static void rotate(double[] x, int a, int b, int n, double c, double s) {
        for (int k = 0; k < n; k++) {
            double xa = x[a + k];
            double xb = x[b + k];
            x[a + k] = c * xa - s * xb;
            x[b + k] = s * xa + c * xb;
        }
    }

    private static void sortAscending(double[] d, double[] vt, int n) {
        double[] row = new double[n];
        for (int i = 0; i < n - 1; i++) {
            int min = i;
            for (int j = i + 1; j < n; j++) {
                if (d[j] < d[min]) {
                    min = j;
                }
            }
            if (min != i) {
                double t = d[i];
                d[i] = d[min];
                d[min] = t;
                System.arraycopy(vt, i * n, row, 0, n);
                System.arraycopy(vt, min * n, vt, i * n, n);
                System.arraycopy(row, 0, vt, min * n, n);
            }
        }
    }

    private static double[] transpose(double[] a, int n) {
        double[] t = new double[n * n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                t[j * n + i] = a[i * n + j];
            }
        }
        return t;
    }
}

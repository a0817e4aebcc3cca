package io.equirisk.kernel;

/**
 * The inner loops of the CPU engine, behind one small interface so that a Vector API implementation can replace the
 * scalar one at run time (the pattern of Lucene's VectorizationProvider). Get the active one from {@link Kernels}.
 *
 * <p>Every method works on plain arrays with offsets; none but {@link #syrk} and {@link #subtractOuterProducts}
 * allocates. Arguments are not checked: callers pass ranges that lie inside their arrays.
 */
public interface NumericKernels {

    /**
     * Σ_k a[aOff+k]·b[bOff+k] for k in [0, len).
     *
     * @param a    the first vector's array
     * @param aOff where it starts
     * @param b    the second vector's array
     * @param bOff where it starts
     * @param len  the number of terms
     * @return the dot product, summed in an order the implementation chooses (0 for len 0)
     */
    double dot(double[] a, int aOff, double[] b, int bOff, int len);

    /**
     * Σ_k a[aOff+k]·b[bOff+k] accumulated in twice the working precision (Dot2, Ogita, Rump and Oishi 2005:
     * products split exactly by fma, sums by TwoSum, the errors summed on the side): as accurate as the plain dot
     * computed in quadruple precision and rounded, so a small difference of large terms keeps its digits. An
     * implementation may split the sum (the vector one by lanes, joined by TwoSum in lane order): the result is the
     * same for the same inputs on every run, and within the Dot2 bound of the exact value.
     *
     * @param a    the first vector's array
     * @param aOff where it starts
     * @param b    the second vector's array
     * @param bOff where it starts
     * @param len  the number of terms
     * @return the dot product, rounded once at the end
     */
    double dot2(double[] a, int aOff, double[] b, int bOff, int len);

    /**
     * y[yOff+k] += alpha·x[xOff+k] for k in [0, len).
     *
     * @param alpha the multiplier
     * @param x     the added vector's array
     * @param xOff  where it starts
     * @param y     the updated vector's array
     * @param yOff  where it starts
     * @param len   the number of entries
     */
    void axpy(double alpha, double[] x, int xOff, double[] y, int yOff, int len);

    /**
     * The covariance product, a weighted and shifted symmetric rank-k product. With X the T×N row-major table
     * {@code X[r][j] = x[xOff + r*n + j]}, shift m and row weights w, writes
     * <pre>  C[i][j] = C[j][i] = scale · Σ_{r &lt; t} w_r · (X[r][i] − m_i) · (X[r][j] − m_j)</pre>
     * at {@code c[cOff + i*n + j]} and {@code c[cOff + j*n + i]} for every i in the row range [rowFrom, rowTo) and
     * every j in [i, n): the range's rows of the upper triangle and their mirror images. A null {@code shift} means
     * m = 0, a null {@code weights} means w = 1. Nothing else of C is touched, so disjoint row ranges may run on
     * different threads, and every entry is formed by the same arithmetic whatever the range.
     *
     * <p>Unlike the other kernels, this one allocates its working buffers once per call (about 256·N values of
     * packed input plus the range's share of the upper triangle: 6 MiB at N = 1000).
     *
     * @param x       the table's array
     * @param xOff    where the table starts
     * @param n       N, the table's columns and C's size
     * @param t       T, the table's rows
     * @param shift   per-column values subtracted before the product (the column means), length ≥ n, or null
     * @param weights per-row weights, length ≥ t, or null
     * @param scale   the factor applied to every sum (1/(T−1) for the sample covariance)
     * @param c       receives C, row-major N×N
     * @param cOff    where C starts
     * @param rowFrom the first row of the upper triangle written
     * @param rowTo   the row after the last
     */
    void syrk(double[] x, int xOff, int n, int t, double[] shift, double[] weights, double scale, double[] c,
              int cOff, int rowFrom, int rowTo);

    /**
     * C −= P·Pᵀ on the lower triangle (diagonal included) of the m × m block of C at {@code c[cOff]} (row stride
     * {@code ldc}), with P the m × k block at {@code p[pOff]} (row stride {@code ldp}): the trailing update of a
     * blocked Cholesky factorisation. Only the entries (i, j), i ≥ j, with j in the range [colFrom, colTo) are
     * updated, so disjoint ranges may run on different threads; the strict upper triangle is not touched. P must not
     * overlap the block of C. Allocates working buffers, like {@link #syrk}.
     *
     * @param p       holds P
     * @param pOff    where P starts
     * @param ldp     P's row stride
     * @param m       the block's size
     * @param k       P's columns (the update's rank)
     * @param c       holds C
     * @param cOff    where the block starts
     * @param ldc     C's row stride
     * @param colFrom the first column updated
     * @param colTo   the column after the last
     */
    void subtractOuterProducts(double[] p, int pOff, int ldp, int m, int k, double[] c, int cOff, int ldc,
                               int colFrom, int colTo);

    /**
     * Four dot products sharing one vector: out[r] = Σ_k a[off + r·stride + k]·x[xOff + k] for r = 0..3. Reads x once
     * for four rows of a matrix (the blocked coordinate-descent sweep).
     *
     * @param a      holds the four rows
     * @param off    where the first row starts
     * @param stride the distance from one row to the next
     * @param x      the shared vector's array
     * @param xOff   where it starts
     * @param len    the number of terms of each product
     * @param out    receives the four products in out[0..3]
     */
    void dot4(double[] a, int off, int stride, double[] x, int xOff, int len, double[] out);

    /**
     * Four axpys into one vector: y[yOff + k] += Σ_r coef[r]·a[off + r·stride + k] for r = 0..3. Reads and writes y
     * once for four rows of a matrix.
     *
     * @param coef   the four multipliers, coef[0..3]
     * @param a      holds the four rows
     * @param off    where the first row starts
     * @param stride the distance from one row to the next
     * @param y      the updated vector's array
     * @param yOff   where it starts
     * @param len    the number of entries
     */
    void axpy4(double[] coef, double[] a, int off, int stride, double[] y, int yOff, int len);

    /**
     * A blocked Cholesky factorisation's right-looking update by a panel of four columns, on four rows at once: for
     * q, r = 0..3 and every c in [from, to),
     * <pre>  a[row_q + c] = fma(pt[r·ldp + c], −a[row_q + p + r], …)   (r = 0, 1, 2, 3 in turn)</pre>
     * with row_q = aOff + q·lda: rows q subtract Σ_r L[q][p + r]·Pᵀ[r][c], the panel's columns held transposed in
     * {@code pt} (row r at {@code pt[r·ldp]}), one fma per term in ascending r, so every implementation gives the
     * same bits. Each loaded panel vector serves four rows. [from, to) must not overlap the coefficients [p, p + 4).
     *
     * @param a    holds the four rows, updated in place
     * @param aOff where the first row starts
     * @param lda  the distance from one row to the next
     * @param p    the column of the first of the four coefficients in each row
     * @param pt   the panel's four columns, transposed
     * @param ldp  the distance from one of pt's rows to the next
     * @param from the first column updated
     * @param to   the column after the last
     */
    void subtractPanel4(double[] a, int aOff, int lda, int p, double[] pt, int ldp, int from, int to);

    /**
     * A short name for reports: "scalar" or "panama-vector(256 bit)".
     *
     * @return the name, with the vector width where there is one
     */
    String name();
}

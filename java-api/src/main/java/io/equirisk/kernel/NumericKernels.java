package io.equirisk.kernel;

/**
 * The inner loops of the CPU engine, behind one small interface so that a Vector API implementation can replace the
 * scalar one at run time (the pattern of Lucene's VectorizationProvider). Get the active one from {@link Kernels}.
 *
 * <p>Every method works on plain arrays with offsets; none but {@link #syrk} allocates.
 */
public interface NumericKernels {

    /** Σ_k a[aOff+k]·b[bOff+k] for k in [0, len). */
    double dot(double[] a, int aOff, double[] b, int bOff, int len);

    /**
     * Σ_k a[aOff+k]·b[bOff+k] accumulated in twice the working precision (Dot2, Ogita, Rump and Oishi 2005:
     * products split exactly by fma, sums by TwoSum, the errors summed on the side): as accurate as the plain dot
     * computed in quadruple precision and rounded, so a small difference of large terms keeps its digits. An
     * implementation may split the sum (the vector one by lanes, joined by TwoSum in lane order): the result is the
     * same for the same inputs on every run, and within the Dot2 bound of the exact value.
     */
    double dot2(double[] a, int aOff, double[] b, int bOff, int len);

    /** y[yOff+k] += alpha·x[xOff+k] for k in [0, len). */
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
     * @param shift   per-column values subtracted before the product (the column means), length ≥ n, or null
     * @param weights per-row weights, length ≥ t, or null
     */
    void syrk(double[] x, int xOff, int n, int t, double[] shift, double[] weights, double scale, double[] c,
              int cOff, int rowFrom, int rowTo);

    /**
     * C −= P·Pᵀ on the lower triangle (diagonal included) of the m × m block of C at {@code c[cOff]} (row stride
     * {@code ldc}), with P the m × k block at {@code p[pOff]} (row stride {@code ldp}): the trailing update of a
     * blocked Cholesky factorisation. Only the entries (i, j), i ≥ j, with j in the range [colFrom, colTo) are
     * updated, so disjoint ranges may run on different threads; the strict upper triangle is not touched. P must not
     * overlap the block of C. Allocates working buffers, like {@link #syrk}.
     */
    void subtractOuterProducts(double[] p, int pOff, int ldp, int m, int k, double[] c, int cOff, int ldc,
                               int colFrom, int colTo);

    /**
     * Four dot products sharing one vector: out[r] = Σ_k a[off + r·stride + k]·x[xOff + k] for r = 0..3. Reads x once
     * for four rows of a matrix (the blocked coordinate-descent sweep).
     */
    void dot4(double[] a, int off, int stride, double[] x, int xOff, int len, double[] out);

    /**
     * Four axpys into one vector: y[yOff + k] += Σ_r coef[r]·a[off + r·stride + k] for r = 0..3. Reads and writes y
     * once for four rows of a matrix.
     */
    void axpy4(double[] coef, double[] a, int off, int stride, double[] y, int yOff, int len);

    /**
     * A blocked Cholesky factorisation's right-looking update by a panel of four columns, on four rows at once: for
     * q, r = 0..3 and every c in [from, to),
     * <pre>  a[row_q + c] = fma(pt[r·ldp + c], −a[row_q + p + r], …)   (r = 0, 1, 2, 3 in turn)</pre>
     * with row_q = aOff + q·lda: rows q subtract Σ_r L[q][p + r]·Pᵀ[r][c], the panel's columns held transposed in
     * {@code pt} (row r at {@code pt[r·ldp]}), one fma per term in ascending r, so every implementation gives the
     * same bits. Each loaded panel vector serves four rows. [from, to) must not overlap the coefficients [p, p + 4).
     */
    void subtractPanel4(double[] a, int aOff, int lda, int p, double[] pt, int ldp, int from, int to);

    /** A short name for reports: "scalar" or "panama-vector(256 bit)". */
    String name();
}

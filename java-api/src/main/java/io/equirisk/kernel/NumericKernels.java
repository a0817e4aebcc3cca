package io.equirisk.kernel;

/**
 * The inner loops of the CPU engine, behind one small interface so that a Vector API implementation can replace the
 * scalar one at run time (the pattern of Lucene's VectorizationProvider). Get the active one from {@link Kernels}.
 *
 * <p>Every method works on plain arrays with offsets; none allocates.
 */
public interface NumericKernels {

    /** Σ_k a[aOff+k]·b[bOff+k] for k in [0, len). */
    double dot(double[] a, int aOff, double[] b, int bOff, int len);

    /** y[yOff+k] += alpha·x[xOff+k] for k in [0, len). */
    void axpy(double alpha, double[] x, int xOff, double[] y, int yOff, int len);

    /**
     * Symmetric rank-k update of the upper triangle, for covariance: with X an N×T matrix stored asset-major
     * ({@code x[i*T + t]}), adds Σ_t X[i][t]·X[j][t] to {@code c[i*N + j]} for every i ≤ j in the row range
     * [rowFrom, rowTo) and every j in [i, N). Rows of C outside the range are not touched, so disjoint row ranges
     * may run on different threads.
     */
    void syrkUpper(double[] x, int n, int t, double[] c, int rowFrom, int rowTo);

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

    /** A short name for reports: "scalar" or "panama-vector(256 bit)". */
    String name();
}

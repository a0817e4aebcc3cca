package io.equirisk.covariance;

import io.equirisk.error.DimensionMismatchException;
import io.equirisk.error.InvalidInputException;

import java.util.List;
import java.util.stream.IntStream;

/**
 * B covariance matrices of the same N assets, stored contiguously: matrix k occupies
 * {@code values[k·N·N, (k+1)·N·N)}, row-major. This is the layout the backends (and the C ABI) take, so a batch
 * crosses into native code without repacking.
 */
public final class CovarianceBatch {
    /** Batches of at least this many values are checked in parallel. */
    static final long PARALLEL_VALUES = 1L << 20;

    private final int batch;
    private final int n;
    private final double[] values;
    private final List<String> assets;
    private final boolean exactlySymmetric;

    private CovarianceBatch(int batch, int n, double[] values, List<String> assets, boolean exactlySymmetric) {
        this.batch = batch;
        this.n = n;
        this.values = values;
        this.assets = assets;
        this.exactlySymmetric = exactlySymmetric;
    }

    /**
     * Wraps contiguous values (not copied) and validates every matrix as {@link CovarianceMatrix#of} does.
     *
     * @param batch  B, the number of matrices, at least 1
     * @param n      N, assets per matrix, at least 1
     * @param values B·N² values, matrix k row-major from k·N²; shared, not copied: do not modify
     * @param assets N names, or null for A1 … AN
     * @return the batch
     * @throws DimensionMismatchException when B or N is below 1, B·N² is more than one Java array holds, the length
     *                                    is not B·N², or the names are not N
     * @throws InvalidInputException      for the lowest invalid matrix, of the kind {@link CovarianceMatrix#of}
     *                                    throws, its message prefixed with "batch matrix k"; or when values are null
     *                                    or a name is blank or repeated
     */
    public static CovarianceBatch of(int batch, int n, double[] values, List<String> assets) {
        InvalidInputException.requireNonNull(values, "covariance batch values");
        if (batch < 1 || n < 1) {
            throw new DimensionMismatchException("a covariance batch needs batch ≥ 1 and n ≥ 1, got batch = " + batch
                    + ", n = " + n);
        }
        long need = (long) batch * n * n;
        if (need > Integer.MAX_VALUE - 8) {
            throw new DimensionMismatchException("covariance batch of " + batch + " × " + n + "² values exceeds one "
                    + "Java array; split it");
        }
        if (values.length != need) {
            throw new DimensionMismatchException("covariance batch of " + batch + " matrices of " + n + " assets needs "
                    + need + " values, got " + values.length);
        }
        List<String> names = names(assets, n);
        boolean[] asymmetric = new boolean[1]; /* set, never cleared, by any thread: a benign race */
        int bad = firstInvalid(batch, n, values, names, asymmetric);
        if (bad >= 0) {
            try {
                CovarianceMatrix.validate(n, values, bad * n * n, names);
            } catch (InvalidInputException e) {
                throw e.located("batch matrix " + bad);
            }
            // found bad, now good: another thread is writing the array
            throw new InvalidInputException("batch matrix " + bad + " changed while it was being checked");
        }
        return new CovarianceBatch(batch, n, values, names, !asymmetric[0]);
    }

    /**
     * The lowest k whose matrix {@link CovarianceMatrix#validate} rejects, or -1. Matrices are checked in place, over
     * the common pool from {@link #PARALLEL_VALUES} values on (a batch made on a GPU in milliseconds took a quarter
     * of a second to check on one core); the lowest index is found whatever the threads did. Sets
     * {@code asymmetric[0]} if a valid matrix's triangles differ in any bit.
     */
    private static int firstInvalid(int batch, int n, double[] values, List<String> names, boolean[] asymmetric) {
        IntStream ks = IntStream.range(0, batch);
        if ((long) batch * n * n >= PARALLEL_VALUES) {
            ks = ks.parallel();
        }
        return ks.filter(k -> {
            try {
                if (!CovarianceMatrix.validate(n, values, k * n * n, names)) {
                    asymmetric[0] = true;
                }
                return false;
            } catch (InvalidInputException e) {
                return true;
            }
        }).min().orElse(-1);
    }

    /**
     * The same matrices under other names (not checked again: the values were when this batch was made).
     *
     * @param assets N names, or null for A1 … AN
     * @return a batch sharing this one's values
     * @throws DimensionMismatchException when the names are not N
     * @throws InvalidInputException      (a subclass) when a name is null, blank or repeated
     */
    public CovarianceBatch withAssets(List<String> assets) {
        return new CovarianceBatch(batch, n, values, names(assets, n), exactlySymmetric);
    }

    /** The given names (A1 … An when null), checked ({@link io.equirisk.data.AssetNames}). */
    private static List<String> names(List<String> assets, int n) {
        return io.equirisk.data.AssetNames.check(assets, n);
    }

    /**
     * Copies single matrices (all of the same size) into one contiguous batch, each as the solvers read it (its upper
     * triangle, mirrored), so the batch is exactly symmetric.
     *
     * @param matrices at least one matrix, all of the same N
     * @return a new batch, under the first matrix's asset names
     * @throws DimensionMismatchException when the list is empty, the sizes differ, or the batch is more than one
     *                                    Java array holds
     * @throws InvalidInputException      when the list or a matrix in it is null
     */
    public static CovarianceBatch of(List<CovarianceMatrix> matrices) {
        if (InvalidInputException.requireNonNull(matrices, "covariance matrices").isEmpty()) {
            throw new DimensionMismatchException("a covariance batch needs at least one matrix");
        }
        for (int k = 0; k < matrices.size(); k++) {
            InvalidInputException.requireNonNull(matrices.get(k), "matrix " + k + " of the batch");
        }
        int n = matrices.get(0).size();
        double[] v = new double[io.equirisk.data.ArraySize.of("a batch of " + matrices.size() + " covariance matrices of "
                + n + " assets", matrices.size(), n, n)];
        for (int k = 0; k < matrices.size(); k++) {
            CovarianceMatrix m = matrices.get(k);
            if (m.size() != n) {
                throw new DimensionMismatchException("matrix " + k + " of the batch has " + m.size()
                        + " assets, the first has " + n);
            }
            System.arraycopy(m.symmetricValues(), 0, v, k * n * n, n * n); /* copied as the solvers read them */
        }
        return new CovarianceBatch(matrices.size(), n, v, matrices.get(0).assets(), true);
    }

    /**
     * The number of matrices.
     *
     * @return B
     */
    public int batchSize() {
        return batch;
    }

    /**
     * The number of assets of every matrix.
     *
     * @return N
     */
    public int size() {
        return n;
    }

    /**
     * The contiguous values. Shared, not copied: do not modify.
     *
     * @return B·N² values, matrix k row-major from k·N²
     */
    public double[] values() {
        return values;
    }

    /**
     * The asset names every matrix shares.
     *
     * @return N names, immutable
     */
    public List<String> assets() {
        return assets;
    }

    /**
     * Whether every matrix's lower triangle equals its upper to the bit. The solvers read each Σ's upper triangle
     * ({@link CovarianceMatrix}'s class comment); where this is false they mirror it first.
     *
     * @return whether no matrix's triangles differ in any bit
     */
    public boolean isExactlySymmetric() {
        return exactlySymmetric;
    }

    /**
     * Matrix k as its own (copied) {@link CovarianceMatrix}.
     *
     * @param k the matrix, in [0, B)
     * @return a new matrix under the batch's asset names, its values as stored (both triangles)
     * @throws IndexOutOfBoundsException when k is outside [0, B)
     */
    public CovarianceMatrix matrix(int k) {
        double[] one = new double[n * n];
        System.arraycopy(values, k * n * n, one, 0, n * n);
        return CovarianceMatrix.of(n, one, assets);
    }
}

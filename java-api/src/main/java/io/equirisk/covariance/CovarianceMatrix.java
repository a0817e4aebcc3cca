package io.equirisk.covariance;

import io.equirisk.error.DimensionMismatchException;
import io.equirisk.error.InvalidInputException;
import io.equirisk.error.NonFiniteValueException;
import io.equirisk.error.NotSymmetricException;
import io.equirisk.error.ZeroVarianceException;

import java.util.Arrays;
import java.util.List;

/**
 * One N×N covariance matrix, row-major and full (both triangles), with asset names.
 *
 * <p>Construction checks what every consumer relies on: finite entries, symmetry within a relative tolerance, and a
 * strictly positive diagonal. Positive definiteness is checked where it matters (the solvers factor the matrix),
 * because testing it costs a Cholesky factorisation.
 *
 * <p>The solvers, on every engine, take Σ to be its <b>upper triangle</b> (row i from column i on), mirrored: the
 * lower triangle is only checked to agree within the tolerance. A matrix symmetric only to rounding (a file written
 * at 15 digits) is then the same problem everywhere; read in full rows, its two triangles had the CPU engine's
 * sweeps converge on one matrix and its check fail on the other, and the GPU paths solve different ones (on a
 * condition-1e9 matrix, weights 1e-5 apart at an asymmetry of 1e-11).
 */
public final class CovarianceMatrix {
    /** Symmetry is checked relative to the larger of the two diagonal scales: |a_ij − a_ji| ≤ tol·sqrt(a_ii a_jj). */
    public static final double SYMMETRY_TOLERANCE = 1e-10;

    private final int n;
    private final double[] values;
    private final List<String> assets;
    private final boolean exactlySymmetric;

    private CovarianceMatrix(int n, double[] values, List<String> assets, boolean exactlySymmetric) {
        this.n = n;
        this.values = values;
        this.assets = assets;
        this.exactlySymmetric = exactlySymmetric;
    }

    /**
     * Wraps {@code values} (row-major N×N; not copied) after validating it. Names default to {@code A1..AN}.
     *
     * @param n      N, at least 1
     * @param values N² values, row-major, both triangles, in squared units of the returns; shared, not copied: do
     *               not modify them afterwards
     * @param assets N names, or null
     * @return the matrix
     * @throws DimensionMismatchException if N is below 1, the length is not N² or the names are not N
     * @throws NonFiniteValueException    naming the first NaN/Inf entry
     * @throws NotSymmetricException      naming the first asymmetric pair
     * @throws ZeroVarianceException      naming the first asset with variance ≤ 0, or below the smallest normal
     *                                    double
     * @throws InvalidInputException      if values are null, or (a subclass) a name is null, blank or repeated
     */
    public static CovarianceMatrix of(int n, double[] values, List<String> assets) {
        InvalidInputException.requireNonNull(values, "covariance values");
        if (n < 1) {
            throw new DimensionMismatchException("covariance matrix must have at least one asset, got n = " + n);
        }
        if (values.length != (long) n * n) {
            throw new DimensionMismatchException("covariance matrix of " + n + " assets needs " + ((long) n * n)
                    + " values, got " + values.length);
        }
        List<String> names = io.equirisk.data.AssetNames.check(assets, n);
        return new CovarianceMatrix(n, values, names, validate(n, values, names));
    }

    /**
     * {@link #of(int, double[], List)} with the assets named A1 … AN.
     *
     * @param n      N, at least 1
     * @param values N² values, row-major, both triangles; shared, not copied: do not modify them afterwards
     * @return the matrix
     * @throws InvalidInputException as {@link #of(int, double[], List)} throws
     */
    public static CovarianceMatrix of(int n, double[] values) {
        return of(n, values, null);
    }

    /**
     * From a square array of rows (copied).
     *
     * @param rows   N rows of N values
     * @param assets N names, or null for A1 … AN
     * @return the matrix
     * @throws DimensionMismatchException if there are no rows or a row is not N long
     * @throws InvalidInputException      if the array or a row is null, or as {@link #of(int, double[], List)} throws
     */
    public static CovarianceMatrix of(double[][] rows, List<String> assets) {
        int n = InvalidInputException.requireNonNull(rows, "covariance rows").length;
        double[] v = new double[n * n];
        for (int i = 0; i < n; i++) {
            InvalidInputException.requireNonNull(rows[i], "covariance row " + (i + 1));
            if (rows[i].length != n) {
                throw new DimensionMismatchException("covariance matrix is not square: row " + (i + 1) + " has "
                        + rows[i].length + " columns, expected " + n);
            }
            System.arraycopy(rows[i], 0, v, i * n, n);
        }
        return of(n, v, assets);
    }

    /**
     * From a square array of rows (copied), the assets named A1 … AN.
     *
     * @param rows N rows of N values
     * @return the matrix
     * @throws InvalidInputException as {@link #of(double[][], List)} throws
     */
    public static CovarianceMatrix of(double[][] rows) {
        return of(rows, null);
    }

    static boolean validate(int n, double[] v, List<String> names) {
        return validate(n, v, 0, names);
    }

    /**
     * Checks the n × n matrix at {@code v[off …]}: every entry finite, every variance a positive normal double,
     * symmetric within {@link #SYMMETRY_TOLERANCE} of √(Σ_ii Σ_jj); throws naming the first offence. Returns whether
     * the two triangles are equal to the bit.
     */
    static boolean validate(int n, double[] v, int off, List<String> names) {
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                double a = v[off + i * n + j];
                if (!Double.isFinite(a)) {
                    throw new NonFiniteValueException("covariance entry (" + names.get(i) + ", " + names.get(j)
                            + ") [row " + (i + 1) + ", column " + (j + 1) + "] is " + a);
                }
            }
        }
        double[] vol = new double[n]; /* √Σ_ii once per asset, not twice per pair: a batch of 10,000 × 100 took
                                         229 ms on one core with the roots per pair, 88 ms without */
        for (int i = 0; i < n; i++) {
            double d = v[off + i * n + i];
            if (!(d >= Double.MIN_NORMAL)) { /* a subnormal variance has lost digits, and its correlations with it */
                throw new ZeroVarianceException("asset " + names.get(i) + " (#" + (i + 1)
                        + ") has variance " + d + (d > 0 ? ", below the smallest normal double (2.2e-308), where "
                        + "doubles lose their digits; rescale the returns (to percent, say)"
                        : "; every asset needs a positive variance"));
            }
            vol[i] = Math.sqrt(d);
        }
        /* equal pairs (every pair of a symmetric matrix) take one compare; only unequal ones are measured against
           the tolerance: a compare added beside the tolerance test cost 13% of a 10,000 × 100 batch's check (JMH),
           where this loop runs from cache; tested only where they differ, it costs nothing on symmetric input */
        boolean exact = true;
        for (int i = 0; i < n; i++) {
            int row = off + i * n;
            for (int j = i + 1; j < n; j++) {
                double a = v[row + j];
                double b = v[off + j * n + i];
                if (a != b) {
                    double scale = vol[i] * vol[j]; /* no overflow above 1e154 */
                    if (Math.abs(a - b) > SYMMETRY_TOLERANCE * scale) {
                        throw new NotSymmetricException("covariance matrix is not symmetric: entry (" + names.get(i)
                                + ", " + names.get(j) + ") = " + a + " but (" + names.get(j) + ", " + names.get(i)
                                + ") = " + b);
                    }
                    exact = false;
                }
            }
        }
        return exact;
    }

    /**
     * The names a matrix without names gets: A1 … An.
     *
     * @param n the number of assets
     * @return n names, immutable
     */
    public static List<String> defaultNames(int n) {
        return io.equirisk.data.AssetNames.check(null, n);
    }

    /**
     * The number of assets.
     *
     * @return N
     */
    public int size() {
        return n;
    }

    /**
     * The row-major values. Shared, not copied: do not modify.
     *
     * @return the N² values as given, both triangles (the solvers read {@link #symmetricValues()})
     */
    public double[] values() {
        return values;
    }

    /**
     * One entry as stored: below the diagonal it may differ from its mirror within {@link #SYMMETRY_TOLERANCE}.
     *
     * @param i row, from 0
     * @param j column, from 0
     * @return Σ_ij
     */
    public double get(int i, int j) {
        return values[i * n + j];
    }

    /**
     * The asset names, in row order.
     *
     * @return N names, immutable
     */
    public List<String> assets() {
        return assets;
    }

    /**
     * Whether the lower triangle equals the upper to the bit (the solvers read the upper; see the class comment).
     *
     * @return whether every pair (i, j), (j, i) is equal
     */
    public boolean isExactlySymmetric() {
        return exactlySymmetric;
    }

    /**
     * The matrix the solvers solve: these values where the triangles are equal to the bit, else a new array with the
     * lower triangle replaced by the upper's mirror.
     *
     * @return N² values, row-major; when they are {@link #values()} themselves, shared: do not modify
     */
    public double[] symmetricValues() {
        return exactlySymmetric ? values : mirrorUpper(values, 0, n);
    }

    /**
     * A new n × n array: the upper triangle of the matrix at {@code v[off …]}, and its mirror below.
     *
     * @param v   holds the matrix, row-major (not modified; its lower triangle is not read)
     * @param off where the matrix starts in {@code v}
     * @param n   the matrix's size
     * @return the exactly symmetric copy
     */
    public static double[] mirrorUpper(double[] v, int off, int n) {
        double[] out = new double[n * n];
        for (int i = 0; i < n; i++) {
            System.arraycopy(v, off + i * n + i, out, i * n + i, n - i);
            for (int j = i + 1; j < n; j++) {
                out[j * n + i] = out[i * n + j];
            }
        }
        return out;
    }

    /**
     * Pivots of the correlation matrix's Cholesky factorisation below this mean Σ is singular to working precision
     * (an asset is, to about 12 digits, a combination of the assets before it).
     */
    public static final double PIVOT_FLOOR = 1e-12;

    /**
     * Checks positive definiteness by one Cholesky factorisation of the correlation matrix (scale-free, so a bond's
     * small variance and a coin's large one are judged alike), N³/3 flops.
     *
     * @return this matrix
     * @throws io.equirisk.error.NotPositiveDefiniteException naming the first asset whose pivot is below
     *                                                        {@link #PIVOT_FLOOR}: it is (close to) a combination of
     *                                                        the assets before it, such as a near-duplicate listing
     */
    public CovarianceMatrix requirePositiveDefinite() {
        double[] l = correlation();
        int factored = n;
        io.equirisk.error.NotPositiveDefiniteException failed = null;
        try {
            io.equirisk.linalg.Cholesky.factor(l, n, assets);
        } catch (io.equirisk.error.NotPositiveDefiniteException e) {
            if (e.asset() < 0) {
                throw e;
            }
            factored = e.asset(); /* the rows before it are factored: an earlier pivot below the floor is the first
                                     dependent asset, which the failing one (two further on, in a review) is not */
            failed = new io.equirisk.error.NotPositiveDefiniteException("covariance " + e.getMessage()
                    + "; remove near-duplicate assets, or use a shrinkage estimator (ledoit-wolf, oas)", e.asset());
        }
        for (int j = 0; j < factored; j++) {
            double pivot = l[j * n + j] * l[j * n + j];
            if (pivot < PIVOT_FLOOR) {
                throw new io.equirisk.error.NotPositiveDefiniteException("covariance matrix is not positive "
                        + "definite to working precision: asset " + assets.get(j) + " (#" + (j + 1)
                        + ") is a linear combination of the assets before it (Cholesky pivot "
                        + String.format(java.util.Locale.ROOT, "%.3g", pivot) + " on the correlation scale); remove "
                        + "near-duplicate assets, or use a shrinkage estimator (ledoit-wolf, oas)", j);
            }
        }
        if (failed != null) {
            throw failed;
        }
        return this;
    }

    /**
     * Per-asset volatilities sqrt(Σ_ii), in the units of the returns (not annualised).
     *
     * @return a new array of N volatilities
     */
    public double[] volatilities() {
        double[] s = new double[n];
        for (int i = 0; i < n; i++) {
            s[i] = Math.sqrt(values[i * n + i]);
        }
        return s;
    }

    /**
     * The correlation matrix D⁻¹ΣD⁻¹ (row-major, a new array), unit diagonal exactly.
     *
     * @return N² values, from both triangles as stored
     */
    public double[] correlation() {
        double[] s = volatilities();
        double[] c = new double[n * n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                c[i * n + j] = i == j ? 1.0 : values[i * n + j] / (s[i] * s[j]);
            }
        }
        return c;
    }

    /**
     * Portfolio variance wᵀΣw.
     *
     * @param w N weights (any sum; not modified)
     * @return the variance per period, in squared units of the returns
     * @throws DimensionMismatchException when w does not have N entries
     */
    public double variance(double[] w) {
        if (w.length != n) {
            throw new DimensionMismatchException("weights have " + w.length + " entries, covariance has " + n);
        }
        double total = 0;
        for (int i = 0; i < n; i++) {
            double row = 0;
            for (int j = 0; j < n; j++) {
                row += values[i * n + j] * w[j];
            }
            total += w[i] * row;
        }
        return total;
    }

    /**
     * The same matrix with the rows and columns in {@code keep} only (a new matrix, in the given order), each entry
     * from this matrix's upper triangle, so that it is exactly symmetric and the same problem to the solvers.
     *
     * @param keep indices of the assets to keep, from 0, distinct (not checked), in the order wanted
     * @return a new matrix of {@code keep.length} assets with their names
     */
    public CovarianceMatrix subset(int[] keep) {
        int m = keep.length;
        double[] v = new double[m * m];
        String[] names = new String[m];
        for (int a = 0; a < m; a++) {
            names[a] = assets.get(keep[a]);
            for (int b = 0; b < m; b++) {
                int i = Math.min(keep[a], keep[b]);
                int j = Math.max(keep[a], keep[b]);
                v[a * m + b] = values[i * n + j];
            }
        }
        return new CovarianceMatrix(m, v, List.of(names), true);
    }

    @Override
    public String toString() {
        return "CovarianceMatrix[n=" + n + ", assets=" + (n <= 8 ? assets : assets.subList(0, 8) + "...")
                + ", diag=" + Arrays.toString(Arrays.copyOf(volatilities(), Math.min(n, 4))) + "...]";
    }
}

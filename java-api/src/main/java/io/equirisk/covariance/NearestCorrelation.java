package io.equirisk.covariance;

import io.equirisk.error.ConvergenceException;
import io.equirisk.error.DimensionMismatchException;
import io.equirisk.error.InvalidInputException;
import io.equirisk.error.NonFiniteValueException;
import io.equirisk.error.NotSymmetricException;
import io.equirisk.linalg.SymmetricEigen;

/**
 * The nearest correlation matrix in the Frobenius norm (Higham 2002, "Computing the nearest correlation matrix — a
 * problem from finance", IMA J. Numer. Anal. 22): alternating projections, with Dykstra's correction, between the
 * matrices with unit diagonal and the symmetric matrices whose eigenvalues are all ≥ a floor δ. Both sets are
 * convex, so the iterates converge to the one matrix in their intersection nearest the input.
 *
 * <p>Where {@link NearestPositiveDefinite} clips once and rescales (one eigen-decomposition, a matrix near but not
 * nearest), this is the optimum, at one eigen-decomposition per iteration (typically 10–100). The result is
 * returned as the last eigenvalue-floor projection congruence-scaled to a unit diagonal, so it is exactly a
 * correlation matrix and positive definite, within {@code tolerance} of the optimum.
 */
public final class NearestCorrelation {
    /** Default eigenvalue floor δ on the correlation scale: condition number at most about N·1e8. */
    public static final double DEFAULT_FLOOR = 1e-8;
    /** Default stopping tolerance on the relative change of an iteration, Higham's suggested order. */
    public static final double DEFAULT_TOLERANCE = 1e-10;
    /** Default iteration cap. */
    public static final int DEFAULT_MAX_ITERATIONS = 1000;

    private final double[] matrix;
    private final int iterations;

    private NearestCorrelation(double[] matrix, int iterations) {
        this.matrix = matrix;
        this.iterations = iterations;
    }

    /**
     * The nearest correlation matrix of a covariance's correlation, with the defaults, as a covariance again.
     *
     * @param sigma the covariance to repair
     * @return a new covariance with sigma's variances and asset names, its correlation the nearest one whose
     *         eigenvalues are all ≥ about {@link #DEFAULT_FLOOR}
     * @throws ConvergenceException  if {@link #DEFAULT_MAX_ITERATIONS} iterations do not reach
     *                               {@link #DEFAULT_TOLERANCE}
     * @throws InvalidInputException if sigma is null
     */
    public static CovarianceMatrix repair(CovarianceMatrix sigma) {
        io.equirisk.error.InvalidInputException.requireNonNull(sigma, "covariance to repair");
        int n = sigma.size();
        double[] r = of(sigma.correlation(), n, DEFAULT_FLOOR, DEFAULT_TOLERANCE, DEFAULT_MAX_ITERATIONS).matrix;
        double[] vol = sigma.volatilities();
        double[] out = new double[n * n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                out[i * n + j] = vol[i] * vol[j] * r[i * n + j];
            }
        }
        return CovarianceMatrix.of(n, out, sigma.assets());
    }

    /**
     * The nearest correlation matrix to {@code a}, by the alternating projections of the class comment.
     *
     * @param a             symmetric row-major n×n matrix (not modified), typically a correlation matrix estimated
     *                      pairwise; its diagonal is ignored (the result's is 1)
     * @param n             the matrix's size, at least 1
     * @param floor         δ in (0, 1): every eigenvalue of the result is ≥ about δ
     * @param tolerance     stop when an iteration changes the unit-diagonal iterate by less than this, relative
     * @param maxIterations iteration cap
     * @return the result and the iterations it took
     * @throws NonFiniteValueException    naming a NaN or infinite entry
     * @throws NotSymmetricException      naming the first pair that differs by more than 1e-12·max(1, |a_ij|)
     * @throws DimensionMismatchException if n is below 1 or {@code a} does not hold n² values
     * @throws InvalidInputException      if floor is outside (0, 1), tolerance is not positive, or the cap is below 1
     * @throws ConvergenceException       if the cap is reached first (it carries the last iterate, made valid)
     */
    public static NearestCorrelation of(double[] a, int n, double floor, double tolerance, int maxIterations) {
        if (n < 1 || a.length != (long) n * n) {
            throw new DimensionMismatchException("nearest correlation of " + n + " × " + n + " needs " + ((long) n * n)
                    + " values, got " + a.length);
        }
        if (!(floor > 0 && floor < 1)) {
            throw new InvalidInputException("eigenvalue floor must be in (0, 1), got " + floor);
        }
        if (!(tolerance > 0) || maxIterations < 1) {
            throw new InvalidInputException("tolerance must be positive and the iteration cap at least 1, got "
                    + tolerance + " and " + maxIterations);
        }
        for (int q = 0; q < a.length; q++) {
            if (!Double.isFinite(a[q])) {
                throw new NonFiniteValueException("matrix entry (" + (q / n + 1) + ", " + (q % n + 1) + ") is "
                        + a[q]);
            }
        }
        for (int i = 0; i < n; i++) {
            for (int j = i + 1; j < n; j++) {
                double upper = a[i * n + j];
                double lower = a[j * n + i];
                if (Math.abs(upper - lower) > 1e-12 * Math.max(1.0, Math.abs(upper))) {
                    throw new NotSymmetricException("matrix is not symmetric: entry (" + (i + 1) + ", " + (j + 1)
                            + ") = " + upper + " but (" + (j + 1) + ", " + (i + 1) + ") = " + lower);
                }
            }
        }
        double[] y = a.clone();
        setUnitDiagonal(y, n);
        double[] correction = new double[n * n]; // Dykstra's ΔS
        double[] r = new double[n * n];
        double[] x = null;
        for (int k = 1; k <= maxIterations; k++) {
            for (int q = 0; q < r.length; q++) {
                r[q] = y[q] - correction[q];
            }
            x = floorEigenvalues(r, n, floor);
            double change = 0;
            double size = 0;
            for (int q = 0; q < r.length; q++) {
                correction[q] = x[q] - r[q];
                double next = x[q];
                if (q % (n + 1) == 0) {
                    next = 1.0; // the unit-diagonal projection
                }
                double d = next - y[q];
                change += d * d;
                size += next * next;
                y[q] = next;
            }
            if (Math.sqrt(change) <= tolerance * Math.sqrt(size)) {
                return new NearestCorrelation(unitDiagonalCongruence(x, n), k);
            }
        }
        throw new ConvergenceException("nearest correlation matrix: no convergence to " + tolerance + " in "
                + maxIterations + " iterations", new NearestCorrelation(unitDiagonalCongruence(x, n), maxIterations));
    }

    /**
     * The result: symmetric positive definite with unit diagonal, row-major n×n (a copy).
     *
     * @return a new array of n² values
     */
    public double[] matrix() {
        return matrix.clone();
    }

    /**
     * Alternating-projection iterations used.
     *
     * @return the iterations, 1 … maxIterations
     */
    public int iterations() {
        return iterations;
    }

    private static double[] floorEigenvalues(double[] a, int n, double floor) {
        SymmetricEigen eig = SymmetricEigen.of(a, n);
        double[] values = eig.values();
        for (int m = 0; m < n; m++) {
            values[m] = Math.max(values[m], floor);
        }
        return eig.reconstruct(values);
    }

    private static void setUnitDiagonal(double[] a, int n) {
        for (int i = 0; i < n; i++) {
            a[i * n + i] = 1.0;
        }
    }

    /** D^(−1/2) X D^(−1/2) with D = diag(X): unit diagonal, and positive definite as X is (a congruence). */
    private static double[] unitDiagonalCongruence(double[] x, int n) {
        double[] s = new double[n];
        for (int i = 0; i < n; i++) {
            s[i] = 1.0 / Math.sqrt(x[i * n + i]);
        }
        double[] out = new double[n * n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                out[i * n + j] = i == j ? 1.0 : x[i * n + j] * s[i] * s[j];
            }
        }
        return out;
    }
}

package io.equirisk.covariance;

import io.equirisk.error.InvalidInputException;
import io.equirisk.linalg.Cholesky;
import io.equirisk.linalg.SymmetricEigen;

/**
 * Repairs a symmetric matrix that is not (safely) positive definite, such as a covariance estimated pairwise from
 * ragged histories, by eigenvalue clipping.
 *
 * <p>{@link #repair(CovarianceMatrix)} works on the correlation matrix R = D⁻¹ΣD⁻¹ so that the asset volatilities are
 * kept: eigenvalues of R below {@code floor·λ_max} are raised to it, R is rebuilt, rescaled to a unit diagonal
 * (which keeps it positive definite: a congruence), and Σ = D R D. The clipping is the Frobenius-nearest symmetric
 * matrix whose spectrum respects the floor; the rescaling then moves it slightly. It is not Higham's nearest
 * correlation matrix ({@link NearestCorrelation}, one decomposition per iteration), but it is one decomposition and
 * leaves a well-conditioned result; the PAIRWISE policy uses it for that reason. A matrix whose
 * smallest eigenvalue already respects the floor comes back unchanged (that is decided by one Cholesky
 * factorisation, without an eigen-decomposition).
 */
public final class NearestPositiveDefinite {
    /** Default floor for the smallest eigenvalue, relative to the largest: condition number at most about 1e10. */
    public static final double DEFAULT_RELATIVE_FLOOR = 1e-10;

    private NearestPositiveDefinite() {
    }

    /**
     * {@link #repair(CovarianceMatrix, double)} with {@link #DEFAULT_RELATIVE_FLOOR}.
     *
     * @param sigma the covariance to repair
     * @return {@code sigma} itself when it passes the floor test, else a new covariance with its variances and names
     * @throws InvalidInputException if sigma is null
     */
    public static CovarianceMatrix repair(CovarianceMatrix sigma) {
        return repair(sigma, DEFAULT_RELATIVE_FLOOR);
    }

    /**
     * The covariance with the same variances whose correlation matrix has every eigenvalue ≥ about
     * {@code relativeFloor}·λ_max; {@code sigma} itself when that holds already.
     *
     * @param sigma         the covariance to repair
     * @param relativeFloor the floor, relative to the largest eigenvalue of the correlation matrix, in (0, 1)
     * @return {@code sigma} itself when a Cholesky test proves the floor holds, else a new covariance with its
     *         variances and names (a matrix that holds the floor only barely may be clipped, changing little)
     * @throws InvalidInputException if sigma is null or the floor is outside (0, 1)
     */
    public static CovarianceMatrix repair(CovarianceMatrix sigma, double relativeFloor) {
        InvalidInputException.requireNonNull(sigma, "covariance to repair");
        checkFloor(relativeFloor);
        int n = sigma.size();
        double[] r = sigma.correlation();
        if (satisfiesFloor(r, n, relativeFloor)) {
            return sigma;
        }
        double[] clipped = clipEigenvalues(r, n, relativeFloor);
        double[] vol = sigma.volatilities();
        double[] out = new double[n * n];
        for (int i = 0; i < n; i++) {
            double si = Math.sqrt(clipped[i * n + i]);
            for (int j = 0; j < n; j++) {
                double sj = Math.sqrt(clipped[j * n + j]);
                out[i * n + j] = i == j ? vol[i] * vol[i] : vol[i] * vol[j] * clipped[i * n + j] / (si * sj);
            }
        }
        return CovarianceMatrix.of(n, out, sigma.assets());
    }

    /**
     * V max(Λ, floor·λ_max) Vᵀ for a symmetric row-major matrix (not modified; a new array). If even the largest
     * eigenvalue is ≤ 0 there is nothing to scale a floor by, and that is an error.
     *
     * @param a             symmetric matrix, row-major n×n (only the lower triangle is read; not modified)
     * @param n             the matrix's size
     * @param relativeFloor the floor, relative to the largest eigenvalue, in (0, 1)
     * @return a new symmetric n×n array
     * @throws InvalidInputException                        if the largest eigenvalue is not positive, or the floor is
     *                                                      outside (0, 1)
     * @throws io.equirisk.error.NonFiniteValueException    if an entry is NaN or infinite
     * @throws io.equirisk.error.DimensionMismatchException if {@code a} does not hold n² values
     */
    public static double[] clipEigenvalues(double[] a, int n, double relativeFloor) {
        checkFloor(relativeFloor);
        SymmetricEigen eig = SymmetricEigen.of(a, n);
        double[] values = eig.values();
        double max = values[n - 1];
        if (!(max > 0)) {
            throw new InvalidInputException("cannot repair a matrix whose largest eigenvalue is " + max
                    + ": it has no positive direction");
        }
        double floor = relativeFloor * max;
        for (int m = 0; m < n; m++) {
            values[m] = Math.max(values[m], floor);
        }
        return eig.reconstruct(values);
    }

    /**
     * λ_min ≥ floor·λ_max, proved without an eigen-decomposition: the Gershgorin bound g ≥ λ_max, and A − floor·g·I
     * positive definite means λ_min &gt; floor·g ≥ floor·λ_max. (False can also mean "just barely": then the
     * clipping changes almost nothing.)
     */
    static boolean satisfiesFloor(double[] a, int n, double relativeFloor) {
        double g = 0;
        for (int i = 0; i < n; i++) {
            double row = 0;
            for (int j = 0; j < n; j++) {
                row += Math.abs(a[i * n + j]);
            }
            g = Math.max(g, row);
        }
        double[] shifted = a.clone();
        for (int i = 0; i < n; i++) {
            shifted[i * n + i] -= relativeFloor * g;
        }
        return Cholesky.isPositiveDefinite(shifted, n);
    }

    private static void checkFloor(double relativeFloor) {
        if (!(relativeFloor > 0 && relativeFloor < 1)) {
            throw new InvalidInputException("relative eigenvalue floor must be in (0, 1), got " + relativeFloor);
        }
    }
}

package io.equirisk.solver;

import io.equirisk.error.InvalidInputException;

/**
 * Solver settings.
 *
 * @param tolerance     stop when max_i |RC_i − b_i| ≤ tolerance (risk contributions as shares of total risk)
 * @param maxIterations cap on sweeps (CCD) or steps (Newton); AUTO gives CCD this many sweeps and Newton its own cap
 * @param method        the algorithm
 */
public record SolverOptions(double tolerance, int maxIterations, SolverMethod method) {
    /** The tolerance of {@link #defaults()}. */
    public static final double DEFAULT_TOLERANCE = 1e-10;
    /** The tightest tolerance accepted: what double precision can certify. */
    public static final double MIN_TOLERANCE = 1e-15;
    /** The iteration cap of {@link #defaults()}. */
    public static final int DEFAULT_MAX_ITERATIONS = 10_000;
    /**
     * The loosest tolerance accepted. Risk contributions are shares of one, so a tolerance near a budget accepts
     * portfolios that are not risk parity at all (at 1, any long-only weights "converge"); 1e-2 already lets a 1%
     * budget carry anything from 0 to 2%.
     */
    public static final double MAX_TOLERANCE = 1e-2;

    /**
     * Checks the settings.
     *
     * @throws InvalidInputException when the tolerance is not in [1e-15, {@link #MAX_TOLERANCE}], maxIterations is
     *                               below 1, or the method is null
     */
    public SolverOptions {
        if (!(tolerance > 0) || !Double.isFinite(tolerance)) {
            throw new InvalidInputException("tolerance must be a positive number, got " + tolerance);
        }
        if (tolerance < MIN_TOLERANCE) {
            throw new InvalidInputException("tolerance " + tolerance + " is below what double precision can "
                    + "certify (1e-15)");
        }
        if (tolerance > MAX_TOLERANCE) {
            throw new InvalidInputException("tolerance " + tolerance + " would accept risk contributions that are not "
                    + "the budgets (they are shares of 1); at most " + MAX_TOLERANCE);
        }
        if (maxIterations < 1) {
            throw new InvalidInputException("maxIterations must be at least 1, got " + maxIterations);
        }
        if (method == null) {
            throw new InvalidInputException("solver method is null");
        }
    }

    /**
     * The defaults: tolerance 1e-10, 10,000 iterations, {@link SolverMethod#AUTO}.
     *
     * @return the default options
     */
    public static SolverOptions defaults() {
        return new SolverOptions(DEFAULT_TOLERANCE, DEFAULT_MAX_ITERATIONS, SolverMethod.AUTO);
    }

    /**
     * These options with another tolerance.
     *
     * @param tol the largest max_i |RC_i − b_i| accepted, in [1e-15, {@link #MAX_TOLERANCE}]
     * @return new options
     * @throws InvalidInputException when tol is outside that range
     */
    public SolverOptions withTolerance(double tol) {
        return new SolverOptions(tol, maxIterations, method);
    }

    /**
     * These options with another method.
     *
     * @param m the algorithm
     * @return new options
     * @throws InvalidInputException when m is null
     */
    public SolverOptions withMethod(SolverMethod m) {
        return new SolverOptions(tolerance, maxIterations, m);
    }

    /**
     * These options with another iteration cap.
     *
     * @param max sweeps (CCD) or steps (Newton), at least 1
     * @return new options
     * @throws InvalidInputException when max is below 1
     */
    public SolverOptions withMaxIterations(int max) {
        return new SolverOptions(tolerance, max, method);
    }
}

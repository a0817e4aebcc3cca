package io.equirisk.cli;

import io.equirisk.solver.SolverMethod;
import io.equirisk.solver.SolverOptions;
import picocli.CommandLine.Option;

/** Solver, tolerance and iteration cap: the options {@code solve} and {@code rolling} share. */
final class SolverChoice {
    @Option(names = "--solver", paramLabel = "auto|ccd|newton", defaultValue = "auto",
            description = "auto (coordinate descent, finished by Newton if it stalls), ccd, newton. "
                    + "Default: ${DEFAULT-VALUE}.")
    String solver;

    @Option(names = "--tol", paramLabel = "TOL", defaultValue = "1e-10",
            description = "Stop when max |RC_i − b_i| ≤ TOL (risk contributions as shares), 1e-15 to 1e-2, and "
                    + "below every positive budget (1/N with equal budgets). Default: ${DEFAULT-VALUE}.")
    double tolerance;

    @Option(names = "--max-iter", paramLabel = "N", defaultValue = "10000",
            description = "Iteration cap per problem: CCD sweeps (ccd, and auto's coordinate descent) or Newton "
                    + "steps (newton, at most 200); auto's Newton finisher has its own cap of 200 steps. "
                    + "Default: ${DEFAULT-VALUE}.")
    int maxIterations;

    /** What to suggest when a solve did not converge with these options. */
    String remedy() {
        if (!solver.trim().equalsIgnoreCase("newton")) {
            return "try --solver newton or a larger --max-iter";
        }
        return maxIterations < 200 ? "try a larger --max-iter (Newton takes up to 200 steps)"
                : "Newton's 200 steps were not enough: the problem may be beyond what double precision certifies at "
                + "this tolerance; try a larger --tol, or a better-conditioned covariance";
    }

    /** The options, with a bad value named by its flag (the API's message names its parameter). */
    SolverOptions options() {
        if (!(tolerance > 0) || !Double.isFinite(tolerance)) {
            throw new io.equirisk.error.InvalidInputException("--tol must be a positive number, got " + tolerance);
        }
        if (tolerance > SolverOptions.MAX_TOLERANCE) {
            throw new io.equirisk.error.InvalidInputException("--tol " + tolerance + " would accept risk contributions "
                    + "that are not the budgets (they are shares of 1); at most " + SolverOptions.MAX_TOLERANCE);
        }
        if (maxIterations < 1) {
            throw new io.equirisk.error.InvalidInputException("--max-iter must be at least 1, got " + maxIterations);
        }
        return new SolverOptions(tolerance, maxIterations, SolverMethod.parse(solver));
    }
}

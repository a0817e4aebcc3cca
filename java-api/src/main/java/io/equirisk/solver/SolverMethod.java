package io.equirisk.solver;

/** Which algorithm solves the risk-budgeting problem. */
public enum SolverMethod {
    /**
     * The default: cyclical coordinate descent, watched for stalling; when its residual stops falling fast enough it
     * hands its iterate to damped Newton, which finishes. Fast on ordinary covariances and always converges.
     */
    AUTO,
    /** Cyclical coordinate descent only (may stop unconverged at its iteration cap on ill-conditioned Σ). */
    CCD,
    /** Damped Newton only: O(N³) per step, &lt; 20 steps even where CCD stalls. */
    NEWTON;

    /**
     * Parses "auto", "ccd", "newton" (any case).
     *
     * @param s the name, blanks around it ignored; not null
     * @return the method
     * @throws io.equirisk.error.InvalidInputException for any other name
     */
    public static SolverMethod parse(String s) {
        return switch (io.equirisk.error.InvalidInputException.requireNonNull(s, "solver method").trim().toLowerCase(java.util.Locale.ROOT)) {
            case "auto" -> AUTO;
            case "ccd" -> CCD;
            case "newton" -> NEWTON;
            default -> throw new io.equirisk.error.InvalidInputException("unknown solver '" + s
                    + "'; use auto, ccd or newton");
        };
    }
}

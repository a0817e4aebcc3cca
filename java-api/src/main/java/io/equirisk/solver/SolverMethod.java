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
    /** Damped Newton only: O(N³) per step, < 20 steps even where CCD stalls. */
    NEWTON;

    /** Parses "auto", "ccd", "newton" (any case). */
    public static SolverMethod parse(String s) {
        return switch (s.trim().toLowerCase(java.util.Locale.ROOT)) {
            case "auto" -> AUTO;
            case "ccd" -> CCD;
            case "newton" -> NEWTON;
            default -> throw new io.equirisk.error.InvalidInputException("unknown solver '" + s
                    + "'; use auto, ccd or newton");
        };
    }
}

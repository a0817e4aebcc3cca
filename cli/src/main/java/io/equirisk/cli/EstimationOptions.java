package io.equirisk.cli;

import io.equirisk.data.MissingValuePolicy;
import io.equirisk.error.InvalidInputException;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.util.Locale;

/** How returns become a covariance matrix: the options {@code solve} and {@code cov} share. */
final class EstimationOptions {
    @Option(names = "--estimator", paramLabel = "SPEC", defaultValue = "sample",
            description = {"Covariance estimator: sample (demeaned, divided by T − 1), ewma (λ = 0.94), "
                    + "ewma:LAMBDA, ewma-halflife:PERIODS (RiskMetrics: zero mean, weights λ^age normalised to sum "
                    + "to 1, the newest return weighted most), ledoit-wolf (towards scaled identity), "
                    + "ledoit-wolf-cc (towards constant correlation), oas (Chen et al.'s intensity in "
                    + "scikit-learn's form, without the paper's 2/N terms); the shrinkage results scaled by "
                    + "T/(T − 1) like sample, so scikit-learn's times T/(T − 1). "
                    + "Default: ${DEFAULT-VALUE}."})
    String estimator;

    @Option(names = "--missing", paramLabel = "drop|drop-assets|pairwise|reject", defaultValue = "drop",
            description = {"Missing values (empty, NaN, NA cells): drop = keep only dates where every asset has a "
                    + "return; drop-assets = keep every date and only the assets with a return on each (after "
                    + "--window: late listings and delisted assets are left out, named; dates on which no asset has a "
                    + "return are dropped; in solve and scenarios the kept assets' budgets are rescaled to sum to 1); "
                    + "pairwise = estimate each pair from the dates both have, then repair to positive definite (uses "
                    + "all data of ragged histories; sample and EWMA only); reject = fail naming the first missing "
                    + "cell. "
                    + "Default: ${DEFAULT-VALUE}."})
    String missing;

    @Option(names = "--window", paramLabel = "N",
            description = "Use only the last N returns (dates), before missing values are handled.")
    Integer window;

    @Mixin
    ReturnsOptions returns;

    MissingValuePolicy missingPolicy() {
        return switch (missing.trim().toLowerCase(Locale.ROOT)) {
            case "drop", "drop-assets" -> MissingValuePolicy.DROP_INCOMPLETE_ROWS; /* drop-assets: none left */
            case "pairwise" -> MissingValuePolicy.PAIRWISE;
            case "reject" -> MissingValuePolicy.REJECT;
            default -> throw new InvalidInputException("--missing must be drop, drop-assets, pairwise or reject, got '"
                    + missing + "'");
        };
    }

    /** {@code --missing drop-assets}: the assets lacking a return in the window are left out (not the dates). */
    boolean dropsAssets() {
        missingPolicy(); /* an unknown value is reported as such first */
        return missing.trim().equalsIgnoreCase("drop-assets");
    }
}

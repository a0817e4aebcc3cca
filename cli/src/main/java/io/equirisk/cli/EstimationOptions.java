package io.equirisk.cli;

import io.equirisk.data.MissingValuePolicy;
import io.equirisk.data.ReturnKind;
import io.equirisk.error.InvalidInputException;
import picocli.CommandLine.Option;

import java.util.Locale;

/** How returns become a covariance matrix: the options {@code solve} and {@code cov} share. */
final class EstimationOptions {
    @Option(names = "--estimator", paramLabel = "SPEC", defaultValue = "sample",
            description = {"Covariance estimator: sample, ewma (λ = 0.94), ewma:LAMBDA, ewma-halflife:PERIODS, "
                    + "ledoit-wolf (towards scaled identity), ledoit-wolf-cc (towards constant correlation), oas. "
                    + "Default: ${DEFAULT-VALUE}."})
    String estimator;

    @Option(names = "--returns-kind", paramLabel = "simple|log", defaultValue = "simple",
            description = "Returns from prices: simple (p1/p0 − 1) or log (ln p1/p0). Default: ${DEFAULT-VALUE}.")
    String returnsKind;

    @Option(names = "--missing", paramLabel = "drop|pairwise|reject", defaultValue = "drop",
            description = {"Missing values (empty, NaN, NA cells): drop = keep only dates where every asset has a "
                    + "return; pairwise = estimate each pair from the dates both have, then repair to positive "
                    + "definite (uses all data of ragged histories); reject = fail naming the first missing cell. "
                    + "Default: ${DEFAULT-VALUE}."})
    String missing;

    @Option(names = "--returns-unit", paramLabel = "fraction|percent", defaultValue = "fraction",
            description = "Unit of a --returns file: fraction (0.01 = 1%%, default) or percent (1.0 = 1%%, as in the "
                    + "Fama-French files). Percent returns are divided by 100.")
    String returnsUnit;

    @Option(names = "--window", paramLabel = "N",
            description = "Use only the last N returns (dates), before missing values are handled.")
    Integer window;

    ReturnKind returnKind() {
        return switch (returnsKind.trim().toLowerCase(Locale.ROOT)) {
            case "simple" -> ReturnKind.SIMPLE;
            case "log" -> ReturnKind.LOG;
            default -> throw new InvalidInputException("--returns-kind must be simple or log, got '" + returnsKind
                    + "'");
        };
    }

    /** Factor that turns the returns file's numbers into fractions. */
    double returnsScale() {
        return switch (returnsUnit.trim().toLowerCase(Locale.ROOT)) {
            case "fraction" -> 1.0;
            case "percent" -> 0.01;
            default -> throw new InvalidInputException("--returns-unit must be fraction or percent, got '"
                    + returnsUnit + "'");
        };
    }

    MissingValuePolicy missingPolicy() {
        return switch (missing.trim().toLowerCase(Locale.ROOT)) {
            case "drop" -> MissingValuePolicy.DROP_INCOMPLETE_ROWS;
            case "pairwise" -> MissingValuePolicy.PAIRWISE;
            case "reject" -> MissingValuePolicy.REJECT;
            default -> throw new InvalidInputException("--missing must be drop, pairwise or reject, got '" + missing
                    + "'");
        };
    }
}

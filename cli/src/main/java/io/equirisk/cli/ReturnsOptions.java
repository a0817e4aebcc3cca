package io.equirisk.cli;

import io.equirisk.data.ReturnKind;
import io.equirisk.error.InvalidInputException;
import picocli.CommandLine.Option;

import java.util.Locale;

/** How a prices or returns file becomes returns: the options every command reading one shares. */
final class ReturnsOptions {
    @Option(names = "--returns-kind", paramLabel = "simple|log", defaultValue = "simple",
            description = "Returns from prices: simple (p1/p0 − 1) or log (ln p1/p0). Default: ${DEFAULT-VALUE}.")
    String returnsKind;

    @Option(names = "--returns-unit", paramLabel = "fraction|percent", defaultValue = "fraction",
            description = "Unit of a --returns file: fraction (0.01 = 1%%, default) or percent (1.0 = 1%%, as in the "
                    + "Fama-French files). Percent returns are divided by 100.")
    String returnsUnit;

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
}

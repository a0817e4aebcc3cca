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

    @Option(names = "--calendar", paramLabel = "each|common", defaultValue = "each",
            description = "Which dates a --prices file's returns run between: each (a row's return from the row "
                    + "before, so a date on which an asset has no price costs every asset that return and the next), "
                    + "or common (only the dates on which every asset has a price, as pandas' "
                    + "prices.dropna().pct_change(): crypto beside equities then moves its weekend into Monday's "
                    + "return, where each loses every Monday and the equities' weekend moves). "
                    + "Default: ${DEFAULT-VALUE}.")
    String calendar;

    @Option(names = "--returns-unit", paramLabel = "fraction|percent", defaultValue = "fraction",
            description = "Unit of a --returns file: fraction (0.01 = 1%%, default) or percent (1.0 = 1%%, as in the "
                    + "Fama-French files). Percent returns are divided by 100; -99.99 and -999, those files' "
                    + "marks of a missing return, are read as missing.")
    String returnsUnit;

    @Option(names = "--header", paramLabel = "auto|yes|no", defaultValue = "auto",
            description = "Whether the first row of a --prices or --returns file holds asset names: auto guesses "
                    + "(text cells are names; so are distinct whole numbers such as 7203 above fractional data far "
                    + "from them, with no date column of yyyymmdd numbers, with a note), yes, no. "
                    + "Default: ${DEFAULT-VALUE}.")
    String header;

    io.equirisk.cli.io.SeriesCsv.HeaderRow headerRow() {
        return switch (header.trim().toLowerCase(Locale.ROOT)) {
            case "auto" -> io.equirisk.cli.io.SeriesCsv.HeaderRow.AUTO;
            case "yes" -> io.equirisk.cli.io.SeriesCsv.HeaderRow.YES;
            case "no" -> io.equirisk.cli.io.SeriesCsv.HeaderRow.NO;
            default -> throw new InvalidInputException("--header must be auto, yes or no, got '" + header + "'");
        };
    }

    /**
     * Refuses the options that do not apply to this kind of file (each would otherwise be ignored in silence: a
     * covariance in percent² given --returns-unit percent reported volatilities 100× too high).
     */
    void requireApplies(io.equirisk.cli.io.SeriesCsv.Kind kind) {
        if (kind == io.equirisk.cli.io.SeriesCsv.Kind.RETURNS && !returnsKind.trim().equalsIgnoreCase("simple")) {
            throw new InvalidInputException("--returns-kind applies to --prices (a --returns file is read as given)");
        }
        if (kind == io.equirisk.cli.io.SeriesCsv.Kind.PRICES && !returnsUnit.trim().equalsIgnoreCase("fraction")) {
            throw new InvalidInputException("--returns-unit applies to --returns, not to --prices");
        }
        if (kind == io.equirisk.cli.io.SeriesCsv.Kind.RETURNS && commonCalendar()) {
            throw new InvalidInputException("--calendar applies to --prices (a --returns file's returns are given "
                    + "between its own dates)");
        }
    }

    /** {@code --calendar common}: returns only between the dates on which every asset has a price. */
    boolean commonCalendar() {
        return switch (calendar.trim().toLowerCase(Locale.ROOT)) {
            case "each" -> false;
            case "common" -> true;
            default -> throw new InvalidInputException("--calendar must be each or common, got '" + calendar + "'");
        };
    }

    /** Whether any option here was set away from its default (none applies to a covariance file). */
    boolean anySet() {
        return !returnsKind.trim().equalsIgnoreCase("simple") || !returnsUnit.trim().equalsIgnoreCase("fraction")
                || !header.trim().equalsIgnoreCase("auto") || !calendar.trim().equalsIgnoreCase("each");
    }

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

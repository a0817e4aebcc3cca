package io.equirisk.cli;

import io.equirisk.cli.io.SeriesCsv;
import picocli.CommandLine.Option;

import java.nio.file.Path;

/** A prices or a returns file: the input of the commands that start from a history ({@code cov}, {@code rolling}). */
final class SeriesSource {
    @Option(names = "--prices", paramLabel = "FILE", required = true,
            description = "Prices CSV (rows are dates, oldest or newest first; columns are assets).")
    Path prices;
    @Option(names = "--returns", paramLabel = "FILE", required = true,
            description = "Returns CSV (per-period returns; rows are dates).")
    Path returns;

    Path file() {
        return prices != null ? prices : returns;
    }

    SeriesCsv.Kind kind() {
        return prices != null ? SeriesCsv.Kind.PRICES : SeriesCsv.Kind.RETURNS;
    }
}

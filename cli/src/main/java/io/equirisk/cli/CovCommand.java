package io.equirisk.cli;

import io.equirisk.cli.io.CovarianceCsv;
import io.equirisk.error.EquiriskException;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** {@code equirisk cov}: estimate a covariance matrix from prices or returns and write it as CSV. */
@Command(name = "cov", mixinStandardHelpOptions = true, versionProvider = VersionInfo.class, sortOptions = false,
        description = {"Estimate a covariance matrix from prices or returns and write it as CSV.", "",
                "The covariance of per-period returns, written as a header row of asset names, then N rows, at full precision (readable by "
                + "'equirisk solve --cov').", ""},
        footer = {"", "Examples:",
                "  equirisk cov --prices prices.csv --output cov.csv",
                "  equirisk cov --prices prices.csv --window 500 --returns-kind log -o cov.csv",
                "  equirisk cov --prices prices.csv --estimator ewma:0.97 -o cov.csv",
                "  equirisk cov --returns returns.csv --missing pairwise \\", "      --estimator ewma-halflife:63"})
final class CovCommand implements Runnable {

    @ParentCommand
    Main main;

    @ArgGroup(exclusive = true, multiplicity = "1", heading = "Input (exactly one):%n")
    SeriesSource source;

    @Mixin
    EstimationOptions estimation;

    @Option(names = {"-o", "--output"}, paramLabel = "FILE",
            description = "Write the matrix here (default, or -: stdout).")
    Path output;

    @Override
    public void run() {
        PrintWriter out = main.spec.commandLine().getOut();
        PrintWriter err = main.spec.commandLine().getErr();
        ReportOutput.checkOutputs(output, null, source.prices, source.returns);
        CovarianceInput input;
        try (Progress progress = Progress.start(err, main.errIsTerminal, "cov")) {
            input = CovarianceInput.fromSeriesFile(source.file(), source.kind(), estimation, err, progress);
        }
        CovarianceInput.warnMixedCalendar(err, input.returns());
        if (output == null || ReportOutput.isStdout(output)) {
            try {
                CovarianceCsv.write(input.covariance(), out);
            } catch (IOException e) {
                throw new EquiriskException("cannot write the matrix: " + e.getMessage());
            }
            out.flush();
            return;
        }
        try (Writer w = Files.newBufferedWriter(output, StandardCharsets.UTF_8)) {
            CovarianceCsv.write(input.covariance(), w);
        } catch (IOException e) {
            throw new EquiriskException("cannot write " + output + ": " + ReportOutput.reason(e));
        }
        err.println("equirisk: wrote " + input.covariance().size() + " × " + input.covariance().size()
                + " covariance to " + output + " (" + input.source() + "; per period: "
                + PeriodsPerYear.of(null, input.calendar()).describe() + ", which 'solve --cov' needs as "
                + "--periods-per-year to annualise)");
    }
}

package io.equirisk.cli;

import io.equirisk.cli.io.BudgetsCsv;
import io.equirisk.cli.io.Errors;
import io.equirisk.error.InvalidBudgetException;
import io.equirisk.error.InvalidInputException;
import io.equirisk.solver.RiskBudgets;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.List;

/** The risk budgets of the solving commands ({@code solve}, {@code rolling}): equal, or read from a file. */
final class BudgetOptions {
    @Option(names = "--budgets", paramLabel = "FILE",
            description = "Risk budgets CSV: one row of N numbers (asset order), or rows 'asset,budget' matched by "
                    + "name. Default: equal budgets (ERC).")
    Path file;

    @Option(names = "--normalize-budgets",
            description = "Rescale budgets to sum to 1 (otherwise budgets that do not sum to 1 are an error).")
    boolean normalize;

    /** Equal budgets, or the budgets file matched to the assets (rescaled to sum to 1 only when asked). */
    RiskBudgets load(List<String> assets) {
        if (file == null) {
            return RiskBudgets.equal(assets.size());
        }
        double[] b = BudgetsCsv.read(file, assets);
        try {
            if (normalize) {
                return RiskBudgets.normalized(b);
            }
            double sum = 0;
            for (double v : b) {
                sum += v;
            }
            if (Math.abs(sum - 1.0) > RiskBudgets.SUM_TOLERANCE) {
                throw new InvalidBudgetException("risk budgets sum to " + sum + ", not 1; pass --normalize-budgets "
                        + "to rescale them");
            }
            return RiskBudgets.of(b);
        } catch (InvalidInputException e) {
            throw Errors.inFile(file.toString(), e);
        }
    }
}

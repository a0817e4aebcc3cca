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

    /**
     * Equal budgets, or the budgets file matched to the assets (rescaled to sum to 1 only when asked); every positive
     * budget above the solver's {@code tolerance} ({@link RiskBudgets#requireAboveTolerance}), named.
     */
    RiskBudgets load(List<String> assets, double tolerance) {
        if (file == null) {
            RiskBudgets equal = RiskBudgets.equal(assets.size());
            if (equal.get(0) <= tolerance) { /* no asset is special: the remedy is the tolerance */
                throw new InvalidBudgetException("equal budgets of " + assets.size() + " assets are 1/"
                        + assets.size() + " = " + String.format(java.util.Locale.ROOT, "%.3g", equal.get(0))
                        + ", not above --tol " + ReportOutput.tolerance(tolerance) + ", so the test max|RC − b| ≤ "
                        + "tol would not pin any of them; use --tol " + String.format(java.util.Locale.ROOT,
                        "%.0e", equal.get(0) / 10) + " or less");
            }
            return equal;
        }
        double[] b = BudgetsCsv.read(file, assets);
        try {
            if (normalize) {
                return RiskBudgets.normalized(b).requireAboveTolerance(tolerance, assets);
            }
            double sum = 0;
            for (double v : b) {
                sum += v;
            }
            if (sum > 0 && Math.abs(sum - 1.0) > RiskBudgets.SUM_TOLERANCE) { /* all zero: of() says so */
                throw new InvalidBudgetException("risk budgets sum to " + sum + ", not 1; pass --normalize-budgets "
                        + "to rescale them");
            }
            return RiskBudgets.of(b).requireAboveTolerance(tolerance, assets);
        } catch (InvalidInputException e) {
            throw Errors.inFile(file.toString(), e);
        }
    }
}

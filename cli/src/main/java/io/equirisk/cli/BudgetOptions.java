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
     * The assets among {@code current} that a budgets file gives exactly 0: the file read against the file's assets
     * ({@code all}; a named file may leave out those already left out, absent from {@code current}), else against
     * {@code current}; none without a file, or where it matches neither (the error is reported where the budgets
     * are loaded).
     */
    java.util.Set<String> zeroBudgets(List<String> all, List<String> current) {
        if (file == null) {
            return java.util.Set.of();
        }
        java.util.Set<String> present = java.util.Set.copyOf(current);
        for (List<String> against : List.of(all, current)) {
            try {
                java.util.Set<String> optional = new java.util.HashSet<>(all);
                optional.removeAll(present);
                double[] b = BudgetsCsv.read(file, against, optional);
                java.util.Set<String> zero = new java.util.HashSet<>();
                for (int i = 0; i < b.length; i++) {
                    if (b[i] == 0 && present.contains(against.get(i))) {
                        zero.add(against.get(i));
                    }
                }
                return zero;
            } catch (InvalidInputException e) {
                /* the next reading, or none */
            }
        }
        return java.util.Set.of();
    }

    /**
     * The budgets of the assets Σ holds when some of the file's assets were left out (by {@code --missing
     * drop-assets}, or as a zero-budget asset without variance): a budgets file read against the file's assets, a
     * named one allowed to leave out those left out, or one of the kept assets' budgets alone; the kept assets'
     * budgets rescaled to sum to 1, with a note of the share the others held. Equal budgets are equal over the kept
     * assets.
     *
     * @param input     Σ and the file's assets
     * @param tolerance the solver's tolerance, below which no positive budget may be
     * @param err       where the note goes
     */
    RiskBudgets load(CovarianceInput input, double tolerance, java.io.PrintWriter err) {
        return load(input.fileAssets(), input.covariance().assets(), input.leftOut(), input.leftOutWhy(), tolerance,
                err);
    }

    /**
     * As {@link #load(CovarianceInput, double, java.io.PrintWriter)}: {@code kept} of the file's assets {@code all}
     * estimated, {@code leftOut} (in the file's order) left out for the reason {@code why}.
     */
    RiskBudgets load(List<String> all, List<String> kept, List<String> leftOut, String why, double tolerance,
                     java.io.PrintWriter err) {
        if (file == null || leftOut.isEmpty()) {
            return load(kept, tolerance);
        }
        double[] every;
        try {
            every = BudgetsCsv.read(file, all, java.util.Set.copyOf(leftOut));
        } catch (InvalidInputException e) {
            try { /* one row of the kept assets' budgets is what the user means too (a review) */
                return load(kept, tolerance);
            } catch (InvalidInputException ignored) {
                throw e; /* neither: the error against the file's assets, which the option's help names */
            }
        }
        java.util.Map<String, Integer> column = new java.util.HashMap<>();
        double total = 0;
        for (int j = 0; j < all.size(); j++) {
            column.put(all.get(j), j);
            total += every[j];
        }
        double[] b = new double[kept.size()];
        double sum = 0;
        for (int i = 0; i < b.length; i++) {
            b[i] = every[column.get(kept.get(i))];
            sum += b[i];
        }
        try {
            if (!normalize && total > 0 && Math.abs(total - 1.0) > RiskBudgets.SUM_TOLERANCE) {
                throw new InvalidBudgetException("risk budgets sum to " + total + ", not 1; pass "
                        + "--normalize-budgets to rescale them");
            }
            if (!(sum > 0)) {
                throw new InvalidBudgetException("every asset with a positive budget was left out, " + why + ": "
                        + String.join(", ", leftOut.subList(0, Math.min(20, leftOut.size())))
                        + (leftOut.size() > 20 ? " …" : ""));
            }
            if (sum < total * (1 - RiskBudgets.SUM_TOLERANCE)) {
                err.println("equirisk: note: the assets left out held " + TextTable.share(1 - sum / total) + " of "
                        + "the risk budget; the " + kept.size() + " kept assets' budgets are rescaled to sum to 1");
            }
            return RiskBudgets.normalized(b).requireAboveTolerance(tolerance, kept);
        } catch (InvalidInputException e) {
            throw Errors.inFile(file.toString(), e);
        }
    }

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

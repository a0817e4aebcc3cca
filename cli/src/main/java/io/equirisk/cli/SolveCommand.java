package io.equirisk.cli;

import io.equirisk.backend.BatchSolution;
import io.equirisk.backend.Backends;
import io.equirisk.cli.io.Errors;
import io.equirisk.cli.io.SeriesCsv;
import io.equirisk.covariance.CovarianceBatch;
import io.equirisk.covariance.CovarianceMatrix;
import io.equirisk.error.ConvergenceException;
import io.equirisk.error.InvalidInputException;
import io.equirisk.solver.RiskBudgetingResult;
import io.equirisk.solver.RiskContributions;
import io.equirisk.solver.RiskBudgetingSolver;
import io.equirisk.solver.RiskBudgets;
import io.equirisk.solver.SolverOptions;
import io.equirisk.solver.VolatilityTarget;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/** {@code equirisk solve}: risk-budgeting weights from prices, returns or a covariance matrix. */
@Command(name = "solve", mixinStandardHelpOptions = true, versionProvider = VersionInfo.class, sortOptions = false,
        description = {"Solve for risk parity (ERC) or risk-budgeting weights.", "",
                "Long-only weights summing to 1 such that every asset carries its budget's share of "
                + "portfolio risk (equal shares by default: the equal-risk-contribution portfolio).", ""},
        footer = {"", "Input CSV files: a header row of asset names is optional (detected); prices and returns may "
                + "have a first date column; ',', ';' or tab separated (a 'sep=' first line honoured), UTF-8 or "
                + "UTF-16; empty, NaN, NA, N/A, null, None, #N/A and #N/A N/A cells are missing; numbers take a "
                + "decimal point (a decimal comma is refused, named).",
                "", "Examples:",
                "  equirisk solve --prices prices.csv",
                "  equirisk solve --prices prices.csv --window 756 --estimator ledoit-wolf",
                "  equirisk solve --prices prices.csv --vol-target 0.10",
                "  equirisk solve --returns returns.csv --missing pairwise --format json",
                "  equirisk solve --cov cov.csv --budgets budgets.csv --output weights.csv",
                "  equirisk solve --cov cov.csv --backend cuda --verify"})
final class SolveCommand implements Runnable {

    static final class Source {
        @Option(names = "--prices", paramLabel = "FILE", required = true,
                description = "Prices CSV (rows are dates, oldest or newest first; columns are assets).")
        Path prices;
        @Option(names = "--returns", paramLabel = "FILE", required = true,
                description = "Returns CSV (per-period returns; rows are dates).")
        Path returns;
        @Option(names = "--cov", paramLabel = "FILE", required = true,
                description = "Covariance CSV: an N×N block, with or without a header row and/or first column of "
                        + "asset names.")
        Path cov;
    }

    @ParentCommand
    Main main;

    @ArgGroup(exclusive = true, multiplicity = "1", heading = "Input (exactly one):%n")
    Source source;

    @Mixin
    BudgetOptions budgetOptions;

    @Mixin
    EstimationOptions estimation;

    @Mixin
    SolverChoice solving;

    @Option(names = "--vol-target", paramLabel = "VOL",
            description = "Scale the weights to this annualised volatility (e.g. 0.10) and report the leverage "
                    + "(with --cov, give --periods-per-year too).")
    Double volTarget;

    @Option(names = "--periods-per-year", paramLabel = "N",
            description = "Return periods per year, to annualise volatilities (252 trading days, 365 calendar "
                    + "days as crypto trades, 52 weekly, 12 monthly). Default: read from the dates' spacing (daily "
                    + "dates with weekends 365 (a few: their rate over their span), without 252 (261 where every "
                    + "weekday is there); weekly 52; monthly 12; quarterly 4; annual 1), otherwise the dates per year over their span (bars within a day "
                    + "too, over four weeks or more: hourly 24/7 8766), 252 without calendar dates; the report says "
                    + "which. Applies to --cov input only when given.")
    Integer periodsPerYear;

    @Option(names = "--backend", paramLabel = "auto|cpu|cuda|emulation", defaultValue = "auto",
            description = "Compute backend. auto takes the CPU engine for this one problem, also where a GPU is "
                    + "usable (opening the GPU costs more than the CPU engine takes for one problem); cuda asks for "
                    + "the GPU. Default: ${DEFAULT-VALUE}.")
    String backend;

    @Option(names = "--verify", description = "Also solve with the pure-Java CPU engine and report the largest "
            + "weight difference.")
    boolean verify;

    @Option(names = {"-o", "--output"}, paramLabel = "FILE",
            description = "Write asset,weight,risk_contribution (full precision; with --vol-target also "
                    + "scaled_weight) to this CSV file (- or /dev/stdout: to standard output, in place of --format).")
    Path output;

    @Option(names = "--format", paramLabel = "table|json|csv", defaultValue = "table",
            description = "What to print on stdout. Default: ${DEFAULT-VALUE}.")
    String format;

    @Option(names = "--chart", paramLabel = "FILE.html",
            description = "Also write an HTML page with each asset's weight beside its risk contribution (and its "
                    + "budget, when the budgets differ). It embeds its data and Apache ECharts, so it opens offline "
                    + "in a browser.")
    Path chart;

    /** Everything the report shows. */
    record Report(CovarianceInput input, List<String> assets, double[] budgets, RiskBudgetingResult result,
                  double tolerance, boolean annualised, PeriodsPerYear periods, String backendName, String backendReason,
                  Double volTarget, double leverage, Double verifyDifference) {

        double scale() {
            return annualised ? Math.sqrt(periods.value()) : 1.0;
        }
    }

    @Override
    public void run() {
        String fmt = ReportOutput.format(format);
        ReportOutput.checkOutputs(output, chart, source.prices, source.returns, source.cov, budgetOptions.file);
        SolverOptions options = solving.options();
        if (volTarget != null && !(volTarget > 0 && Double.isFinite(volTarget))) {
            throw new InvalidInputException("--vol-target must be a positive annualised volatility such as 0.10, got "
                    + volTarget);
        }
        if (volTarget != null && volTarget > 1) { /* 10 meant as 10%: a leverage of ~30 on a balanced portfolio */
            main.spec.commandLine().getErr().println("equirisk: warning: --vol-target " + volTarget + " is "
                    + String.format(Locale.ROOT, "%.0f", volTarget * 100) + "% a year; it is a fraction (0.10 for "
                    + "10%)");
        }
        if (periodsPerYear != null && periodsPerYear < 1) {
            throw new InvalidInputException("--periods-per-year must be at least 1, got " + periodsPerYear);
        }
        PrintWriter out = main.spec.commandLine().getOut();
        PrintWriter err = main.spec.commandLine().getErr();
        Report report;
        try (Progress progress = Progress.start(err, main.errIsTerminal, "solve")) {
            CovarianceInput input = CovarianceInput.load(source, estimation, err, progress,
                    budgetOptions::zeroBudgets);
            if (volTarget != null && !input.fromData() && periodsPerYear == null) { /* before the solve, not after */
                throw new InvalidInputException("--vol-target is annualised, and a --cov file's periods are unknown: "
                        + "give --periods-per-year (252 for a covariance of trading days' returns, 365 for a market open "
                        + "every day such as crypto, 52 weekly, 12 monthly; 'equirisk cov' says which it read)");
            }
            CovarianceMatrix cov = input.covariance();
            RiskBudgets budgets = budgetOptions.load(input, solving.tolerance, err);
            progress.update("checking the covariance matrix is positive definite");
            try {
                cov.requirePositiveDefinite();
            } catch (io.equirisk.error.NotPositiveDefiniteException e) {
                Path file = source.cov != null ? source.cov : source.prices != null ? source.prices : source.returns;
                String why = e.getMessage();
                int advice = why.indexOf("; remove near-duplicate");
                if (input.fromData() && advice > 0 && !estimation.estimator.equals("sample")
                        && !estimation.estimator.startsWith("ewma")) { // shrinkage already: it cannot help more
                    e = new io.equirisk.error.NotPositiveDefiniteException("the " + estimation.estimator
                            + " estimate from " + input.observations() + " returns: " + why.substring(0, advice)
                            + "; use more returns (a longer --window)");
                } else if (!input.fromData() && advice > 0) { // --estimator does not apply to a given matrix
                    e = new io.equirisk.error.NotPositiveDefiniteException(why.substring(0, advice) + "; remove "
                            + "near-duplicate assets, or make the matrix from returns (--prices or --returns) with a "
                            + "shrinkage estimator (--estimator ledoit-wolf or oas)");
                }
                throw io.equirisk.cli.io.Errors.inFile(file.toString(), e);
            }
            RiskBudgetingResult result;
            String backendName;
            String reason;
            progress.update("solving " + cov.size() + " assets");
            try (Backends.Selection sel = Backends.selectForOneProblem(backend)) {
                backendName = sel.backend().name();
                reason = sel.reason();
                BatchSolution batch = sel.backend().solve(CovarianceBatch.of(List.of(cov)), budgets.toArray(),
                        options);
                result = batch.result(0);
            }
            if (!result.converged()) {
                RiskContributions.PrecisionLimit at = RiskContributions.precisionLimit(cov, result);
                String remedy = at == null ? solving.remedy()
                        : String.format(Locale.ROOT, "the weights it reached are as close as double precision "
                        + "allows on this covariance (rounding each weight alone moves the risk contributions by up "
                        + "to %.1e); ", at.limit()) + (at.certifiable()
                        ? String.format(Locale.ROOT, "use --tol %.0e or more", at.reachable())
                        : "it is too ill-conditioned for risk parity to be certified");
                throw new ConvergenceException("solver " + result.solver() + " did not converge: residual "
                        + String.format(Locale.ROOT, "%.3g", result.residual()) + " > tolerance " + ReportOutput.tolerance(solving.tolerance)
                        + " after " + result.iterations() + " iterations; " + remedy + " (a solve that does not "
                        + "converge writes no weights)", result);
            }
            Double difference = null;
            if (verify) {
                progress.update("verifying with the CPU engine");
                RiskBudgetingResult reference = RiskBudgetingSolver.standard().solve(cov, budgets, options);
                double d = 0;
                for (int i = 0; i < cov.size(); i++) {
                    d = Math.max(d, Math.abs(reference.weights()[i] - result.weights()[i]));
                }
                difference = d;
            }
            boolean annualised = input.fromData() || periodsPerYear != null;
            PeriodsPerYear periods = PeriodsPerYear.of(periodsPerYear, input.calendar());
            CovarianceInput.warnMixedCalendar(err, input.returns());
            double leverage = 1.0;
            if (volTarget != null) {
                leverage = VolatilityTarget.scale(cov, result.weights(), volTarget, periods.value()).leverage();
            }
            report = new Report(input, cov.assets(), budgets.toArray(), result, solving.tolerance, annualised, periods,
                    backendName, reason, volTarget, leverage, difference);
        }
        Report r = report;
        if (chart != null) {
            chartPage(r).write(chart);
        }
        ReportOutput.emit(output, fmt, out, w -> writeCsv(r, w), () -> json(r), o -> table(r, o));
    }

    static void writeCsv(Report r, Writer w) throws IOException {
        boolean scaled = r.volTarget() != null;
        w.write("asset,weight,risk_contribution" + (scaled ? ",scaled_weight" : "") + "\n");
        double[] weights = r.result().weights();
        double[] rc = r.result().riskContributions();
        for (int i = 0; i < weights.length; i++) {
            w.write(Errors.csvText(r.assets().get(i)) + "," + weights[i] + "," + rc[i]
                    + (scaled ? "," + weights[i] * r.leverage() : "") + "\n");
        }
    }

    static String json(Report r) {
        RiskBudgetingResult res = r.result();
        CovarianceMatrix cov = r.input().covariance();
        double[] vol = cov.volatilities();
        Json j = new Json().beginObject();
        j.name("assets").beginArray();
        for (int i = 0; i < r.assets().size(); i++) {
            j.beginObject().field("asset", r.assets().get(i)).field("weight", res.weights()[i])
                    .field("risk_contribution", res.riskContributions()[i]).field("budget", r.budgets()[i])
                    .field("volatility", vol[i] * r.scale());
            if (r.volTarget() != null) {
                j.field("scaled_weight", res.weights()[i] * r.leverage());
            }
            j.endObject();
        }
        j.endArray();
        j.field("converged", res.converged()).field("iterations", res.iterations())
                .field("residual", res.residual()).field("tolerance", r.tolerance()).field("solver", res.solver())
                .field("portfolio_volatility", res.volatility() * r.scale())
                .field("volatility_annualised", r.annualised());
        if (r.annualised()) {
            j.field("periods_per_year", r.periods().value()).field("periods_per_year_from", r.periods().how());
        }
        j.field("backend", r.backendName()).field("backend_reason", r.backendReason())
                .field("input", r.input().source());
        j.name("left_out").beginArray(); /* --missing drop-assets: the file's assets without weight */
        r.input().leftOut().forEach(j::value);
        j.endArray();
        if (r.volTarget() != null) {
            j.field("target_volatility", r.volTarget()).field("leverage", r.leverage());
        }
        if (r.verifyDifference() != null) {
            j.field("verify_max_weight_difference", r.verifyDifference());
        }
        return j.endObject().toString();
    }

    /** The --chart page: weights beside risk contributions (and budgets when they differ), in percent. */
    static ChartPage chartPage(Report r) {
        int n = r.assets().size();
        double[] w = new double[n];
        double[] rc = new double[n];
        double[] b = new double[n];
        for (int i = 0; i < n; i++) {
            w[i] = 100 * r.result().weights()[i];
            rc[i] = 100 * r.result().riskContributions()[i];
            b[i] = 100 * r.budgets()[i];
        }
        boolean budgets = !RiskBudgets.of(r.budgets()).isEqual();
        return new ChartPage("equirisk solve: " + r.input().source(), (r.result().converged() ? "converged"
                : "NOT converged") + " (residual max|RC − b| = " + String.format(Locale.ROOT, "%.2e",
                r.result().residual()) + "); " + r.backendReason())
                .add("Weight and risk contribution by asset", ChartPage.barChart(r.assets(), "%",
                        budgets ? List.of("weight", "risk contribution", "budget") : List.of("weight",
                                "risk contribution"), budgets ? List.of(w, rc, b) : List.of(w, rc)));
    }

    static void table(Report r, PrintWriter out) {
        RiskBudgetingResult res = r.result();
        double[] vol = r.input().covariance().volatilities();
        boolean scaled = r.volTarget() != null;
        boolean showBudget = !RiskBudgets.of(r.budgets()).isEqual();
        String volHeader = r.annualised() ? "vol (annualised)" : "vol (per period)";
        List<String> header = new java.util.ArrayList<>(List.of("asset", "weight"));
        if (scaled) {
            header.add("scaled weight");
        }
        header.add(volHeader);
        header.add("risk contribution");
        if (showBudget) {
            header.add("budget");
        }
        TextTable t = new TextTable(header.toArray(String[]::new));
        for (int i = 0; i < r.assets().size(); i++) {
            List<String> row = new java.util.ArrayList<>();
            row.add(r.assets().get(i));
            row.add(TextTable.fixed(res.weights()[i], 6));
            if (scaled) {
                row.add(TextTable.fixed(res.weights()[i] * r.leverage(), 6));
            }
            row.add(TextTable.percent(vol[i] * r.scale()));
            row.add(TextTable.share(res.riskContributions()[i]));
            if (showBudget) {
                row.add(TextTable.share(r.budgets()[i]));
            }
            t.row(row.toArray(String[]::new));
        }
        t.print(out);
        out.println();
        out.println("input:            " + r.input().source());
        ReportOutput.printLeftOut(out, r.input().leftOut(), r.input().leftOutWhy());
        out.println("converged:        " + (res.converged() ? "yes" : "NO") + " (residual max|RC − b| = "
                + String.format(Locale.ROOT, "%.2e", res.residual()) + ", tolerance "
                + ReportOutput.tolerance(r.tolerance()) + ")");
        out.println("iterations:       " + res.iterations() + " (solver " + res.solver() + ")");
        out.println("portfolio vol:    " + TextTable.percent(res.volatility() * r.scale())
                + (r.annualised() ? " annualised (" + r.periods().describe() + ")"
                : " per period (units of the covariance; give --periods-per-year to annualise)"));
        if (scaled) {
            out.println("vol target:       " + TextTable.percent(r.volTarget()) + " annualised → leverage "
                    + TextTable.fixed(r.leverage(), 4) + " (scaled weights sum to " + TextTable.fixed(r.leverage(), 4)
                    + ")");
        }
        out.println("backend:          " + r.backendReason());
        if (r.verifyDifference() != null) {
            out.println("verify:           max |w − w_cpu| = "
                    + String.format(Locale.ROOT, "%.2e", r.verifyDifference()) + " (pure-Java CPU engine)");
        }
    }
}

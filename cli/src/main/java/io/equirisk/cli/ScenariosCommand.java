package io.equirisk.cli;

import io.equirisk.Equirisk;
import io.equirisk.backend.BatchSolution;
import io.equirisk.cli.io.Errors;
import io.equirisk.covariance.CovarianceEstimator;
import io.equirisk.covariance.CovarianceEstimators;
import io.equirisk.covariance.CovarianceMatrix;
import io.equirisk.covariance.CovarianceStress;
import io.equirisk.error.ConvergenceException;
import io.equirisk.error.InvalidInputException;
import io.equirisk.scenario.HistoricalBootstrap;
import io.equirisk.scenario.ScenarioDistribution;
import io.equirisk.scenario.ScenarioModel;
import io.equirisk.scenario.ScenarioSet;
import io.equirisk.scenario.ScenarioSource;
import io.equirisk.solver.RiskBudgetingResult;
import io.equirisk.solver.RiskBudgets;
import io.equirisk.solver.SolverOptions;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * {@code equirisk scenarios}: risk-parity weights in every scenario of a Monte Carlo set drawn from one covariance
 * model, against the model's own weights.
 */
@Command(name = "scenarios", mixinStandardHelpOptions = true, versionProvider = VersionInfo.class, sortOptions = false,
        description = {"Risk parity (ERC) or risk-budgeting weights in each of many Monte Carlo scenarios, and how "
                + "far they spread around the weights of the model itself.", "",
                "The model is Σ (estimated from the input, or given with --cov; stressed with --stress-vol and "
                + "--stress-corr) and the history's mean returns; or, with --bootstrap, the history itself, "
                + "resampled in blocks. "
                + "Each scenario draws --horizon periods of returns from it (Gaussian, or Student-t with --dof for "
                + "fat tails; a counter-based generator, so --seed gives the same scenarios on every engine), "
                + "estimates their covariance (--scenario-estimator) and solves it. The spread of the weights is "
                + "what estimation noise over the horizon does to the portfolio; each scenario's weights are also "
                + "scored under the model's Σ (volatility, and how far their risk contributions are from the "
                + "budgets). On a GPU the scenarios are drawn, estimated and solved on the device: only the "
                + "weights come back.", ""},
        footer = {"", "Output (--output, or --format csv): one row per scenario: scenario, the weight of each asset, "
                + "then converged, residual, iterations, the volatility per period in the scenario, the volatility "
                + "under the model's Σ, and max |RC − b| under the model's Σ.",
                "", "Exit status 1 when any scenario did not converge (the outputs are written first and say which).",
                "", "Examples:",
                "  equirisk scenarios --prices prices.csv --scenarios 10000",
                "  equirisk scenarios --returns returns.csv --horizon 63 --dof 4 --seed 7 \\", "      --output weights.csv",
                "  equirisk scenarios --prices prices.csv --stress-vol 1.5 \\", "      --stress-corr 0.5 --dof 4",
                "  equirisk scenarios --prices prices.csv --bootstrap 10 --horizon 252",
                "  equirisk scenarios --cov cov.csv --horizon 252 --backend cuda --verify"})
final class ScenariosCommand implements Runnable {

    @ParentCommand
    Main main;

    @ArgGroup(exclusive = true, multiplicity = "1", heading = "Input (exactly one):%n")
    SolveCommand.Source source;

    @Mixin
    EstimationOptions estimation;

    @Option(names = "--scenarios", paramLabel = "N", defaultValue = "1000",
            description = "Number of scenarios. Default: ${DEFAULT-VALUE}.")
    int scenarios;

    @Option(names = "--horizon", paramLabel = "N",
            description = "Periods of returns per scenario; more than the number of assets. Default: the number of "
                    + "returns the model was estimated from (with --missing pairwise, the shortest asset's; 252 with "
                    + "--cov).")
    Integer horizon;

    @Option(names = "--dof", paramLabel = "NU", defaultValue = "0",
            description = "0 for Gaussian returns, or Student-t degrees of freedom from 3 to 1000 (fat tails; 4–6 "
                    + "is typical of daily crypto and equity returns). Default: ${DEFAULT-VALUE}.")
    int dof;

    @Option(names = "--seed", paramLabel = "N", defaultValue = "1",
            description = "Seed of the scenario stream. Default: ${DEFAULT-VALUE}.")
    long seed;

    @Option(names = "--first", paramLabel = "N", defaultValue = "0",
            description = "Number of the first scenario: a run with --first 1000 --scenarios 1000 continues one "
                    + "with --scenarios 1000. Default: ${DEFAULT-VALUE}.")
    long first;

    @Option(names = "--bootstrap", paramLabel = "B",
            description = "Resample the input's own returns instead of drawing from a model: each scenario is "
                    + "blocks of B consecutive historical returns, each block starting at a random date (1: "
                    + "independent days; 5–21 keeps volatility clustering; consecutive among the complete dates, so "
                    + "a block may join the returns either side of a dropped date). Needs --prices or --returns; not with "
                    + "--dof, --stress-vol, --stress-corr or --mean zero.")
    Integer bootstrap;

    @Option(names = "--stress-vol", paramLabel = "M", defaultValue = "1",
            description = "Stress: multiply every volatility of the model by M (1.5: half as large again). "
                    + "Default: ${DEFAULT-VALUE}.")
    double stressVol;

    @Option(names = "--stress-corr", paramLabel = "S", defaultValue = "0",
            description = "Stress: move every correlation of the model the fraction S of the way to 1 (0.5: half "
                    + "way; what a crisis does to diversification), in [0, 1). Default: ${DEFAULT-VALUE}.")
    double stressCorr;

    @Option(names = "--scenario-estimator", paramLabel = "SPEC", defaultValue = "sample",
            description = "How each scenario's covariance is estimated: sample, ewma (λ = 0.94), ewma:LAMBDA, "
                    + "ewma-halflife:PERIODS (made by the backend: on a GPU on the device, with the draws and "
                    + "solves; they need a horizon longer than the number of assets), or ledoit-wolf, "
                    + "ledoit-wolf-cc, oas (estimated on the host scenario by scenario, then solved as batches; "
                    + "these allow a horizon shorter than the number of assets). Default: ${DEFAULT-VALUE}.")
    String scenarioEstimator;

    @Option(names = "--mean", paramLabel = "history|zero",
            description = "Mean returns of the model: the input history's, or zero (always zero with --cov). "
                    + "Default: history (zero with --cov).")
    String mean;

    @Mixin
    BudgetOptions budgetOptions;

    @Mixin
    SolverChoice solving;

    @Option(names = "--periods-per-year", paramLabel = "N",
            description = "Return periods per year, to annualise volatilities in the summary. Default: read from "
                    + "the input's dates (daily dates with weekends 365 (a few: their rate over their span), without 252 (261 where every weekday is "
                    + "there); weekly 52; monthly 12; quarterly 4; annual 1), otherwise the dates per year over their "
                    + "span (bars within a day too, over four weeks or more: hourly 24/7 8766), 252 without calendar "
                    + "dates; with --cov, per period unless given.")
    Integer periodsPerYear;

    @Option(names = "--backend", paramLabel = "auto|cpu|cuda|emulation", defaultValue = "auto",
            description = "Compute backend; auto takes a GPU when one is usable, else the CPU engine. "
                    + "Default: ${DEFAULT-VALUE}.")
    String backend;

    @Option(names = "--verify", description = "Also run every scenario on the pure-Java CPU engine and report the "
            + "largest weight difference, and whether the first scenario's returns are the same bits on both.")
    boolean verify;

    @Option(names = {"-o", "--output"}, paramLabel = "FILE",
            description = "Write every scenario's weights (full precision) to this CSV file (- or /dev/stdout: to standard "
                    + "output, in place of --format).")
    Path output;

    @Option(names = "--format", paramLabel = "table|json|csv", defaultValue = "table",
            description = "What to print on stdout: a summary per asset (table), everything (json), or the output "
                    + "CSV (csv). Default: ${DEFAULT-VALUE}.")
    String format;

    @Option(names = "--chart", paramLabel = "FILE.html",
            description = "Also write an HTML page with a box plot of each asset's weight across the scenarios (5th, "
                    + "25th, 50th, 75th and 95th percentile) beside the model's weight. It embeds its data and Apache "
                    + "ECharts, so it opens offline in a browser.")
    Path chart;

    /** Everything the outputs show; {@code modelVolatility} and {@code modelRcError} score each scenario under Σ. */
    record Report(String input, List<String> assets, ScenarioSet set, String scenarioEstimator, RiskBudgets budgets,
                  RiskBudgetingResult model, BatchSolution solution, double[] modelVolatility,
                  double[] modelRcError, double tolerance, PeriodsPerYear periods, String backendName,
                  String backendReason, double seconds, Double verifyDifference, Integer verifyDrawsDiffering,
                  String mean, double stressVol, double stressCorr, List<String> leftOut, String leftOutWhy) {

        int count() {
            return set.count();
        }

        int n() {
            return assets.size();
        }

        double weight(int k, int i) {
            return solution.weights()[k * n() + i];
        }

        /** Asset i's weights over the scenarios, sorted. */
        double[] sortedWeights(int i) {
            double[] w = new double[count()];
            for (int k = 0; k < count(); k++) {
                w[k] = weight(k, i);
            }
            Arrays.sort(w);
            return w;
        }
    }

    /** The q-quantile of sorted values (linear between neighbours). */
    static double quantile(double[] sorted, double q) {
        double pos = q * (sorted.length - 1);
        int lo = (int) Math.floor(pos);
        int hi = Math.min(lo + 1, sorted.length - 1);
        return sorted[lo] + (pos - lo) * (sorted[hi] - sorted[lo]);
    }

    @Override
    public void run() {
        String fmt = ReportOutput.format(format);
        ReportOutput.checkOutputs(output, chart, source.prices, source.returns, source.cov, budgetOptions.file);
        SolverOptions options = solving.options();
        if (scenarios < 1) {
            throw new InvalidInputException("--scenarios must be at least 1, got " + scenarios);
        }
        if (periodsPerYear != null && periodsPerYear < 1) {
            throw new InvalidInputException("--periods-per-year must be at least 1, got " + periodsPerYear);
        }
        String meanChoice = mean == null ? (source.cov != null ? "zero" : "history")
                : mean.trim().toLowerCase(Locale.ROOT);
        if (!meanChoice.equals("history") && !meanChoice.equals("zero")) {
            throw new InvalidInputException("--mean must be history or zero, got '" + mean + "'");
        }
        if (meanChoice.equals("history") && source.cov != null) {
            throw new InvalidInputException("--mean history needs a history: a --cov file has none, so its model's "
                    + "mean is zero");
        }
        ScenarioDistribution distribution;
        try {
            distribution = new ScenarioDistribution(dof);
        } catch (InvalidInputException e) {
            throw new InvalidInputException("--dof: " + e.getMessage());
        }
        CovarianceEstimator est;
        try {
            est = CovarianceEstimators.parse(scenarioEstimator);
        } catch (InvalidInputException e) {
            throw new InvalidInputException("--scenario-estimator: " + e.getMessage());
        }
        /* sample and EWMA are made by the backend and need more rows than assets; shrinkage, on the host, does not */
        boolean shrinkage = !est.name().equals("sample") && Double.isNaN(CovarianceEstimators.ewmaLambda(est));
        PrintWriter out = main.spec.commandLine().getOut();
        PrintWriter err = main.spec.commandLine().getErr();
        Report report;
        // the backend opens while the input is read (EarlyBackend: CUDA's context and staging take ~0.15–0.2 s)
        try (EarlyBackend<Equirisk> early = EarlyBackend.open(backend);
             Progress progress = Progress.start(err, main.errIsTerminal, "scenarios")) {
            CovarianceInput input = CovarianceInput.load(source, estimation, err, progress,
                    budgetOptions::zeroBudgets);
            CovarianceInput.warnMixedCalendar(err, input.returns());
            CovarianceMatrix sigma;
            try {
                sigma = CovarianceStress.apply(input.covariance(), stressVol, stressCorr);
            } catch (InvalidInputException e) { /* the shift keeps every variance: the rest is the multiplier's */
                throw new InvalidInputException(e.getMessage().startsWith("correlation shift") ? "--stress-corr: "
                        + e.getMessage() : e.getMessage().startsWith("volatility") ? "--stress-vol: " + e.getMessage()
                        : "--stress-vol " + stressVol + " takes the stressed covariance out of the range of doubles: "
                        + e.getMessage().replaceFirst("; rescale the returns.*$", ""));
            }
            if (sigma == input.covariance()) {
                sigma.requirePositiveDefinite();
            } else {
                try {
                    sigma.requirePositiveDefinite();
                } catch (io.equirisk.error.NotPositiveDefiniteException e) { /* the advice is about the stress */
                    input.covariance().requirePositiveDefinite();
                    throw new io.equirisk.error.NotPositiveDefiniteException("the stressed covariance is not positive "
                            + "definite (correlations " + TextTable.percent(stressCorr) + " of the way to 1 leave no "
                            + "asset distinct to working precision); lower --stress-corr");
                }
            }
            String modelText = input.source() + (sigma == input.covariance() ? "" : String.format(Locale.ROOT,
                    "; stressed: volatilities × %s, correlations %s of the way to 1", TextTable.fixed(stressVol, 2),
                    TextTable.percent(stressCorr)));
            int n = sigma.size();
            int rows = horizon != null ? horizon : input.fromData() ? input.observations() : 252;
            if (!shrinkage && rows <= n) {
                throw new InvalidInputException((horizon != null ? "--horizon " : "the horizon (the "
                        + (input.fromData() ? "number of returns in the input" : "default with --cov") + ") ") + rows
                        + " must be larger than the number of assets (" + n + "): each scenario's " + est.name()
                        + " covariance would be singular; give a longer --horizon, or estimate each scenario with "
                        + "shrinkage (--scenario-estimator ledoit-wolf or oas)");
            }
            if (rows < 2) {
                throw new InvalidInputException("--horizon " + rows + " must be at least 2 returns: a scenario of "
                        + rows + " has no covariance");
            }
            if (rows == 2 && est.name().startsWith("ledoit-wolf")) { /* ±v once demeaned: b̄² = 0, so δ = 0 */
                throw new InvalidInputException("--horizon 2 with " + est.name() + ": two returns are each other's "
                        + "negative once demeaned, so Ledoit-Wolf's intensity is 0 and the estimate the singular "
                        + "sample one; draw at least 3, or use --scenario-estimator oas");
            }
            if (!shrinkage) {
                CovarianceInput.warnEwmaRank(err, est, rows, n);
            }
            checkMemory(n, rows, shrinkage);
            if (first < 0 || first > ScenarioSet.MAX_SCENARIOS - scenarios) { /* first + scenarios could overflow */
                throw new InvalidInputException("--first " + first + " with --scenarios " + scenarios + " must stay "
                        + "within scenarios 0 … " + (ScenarioSet.MAX_SCENARIOS - 1));
            }
            ScenarioSource drawFrom;
            if (bootstrap != null) {
                if (!input.fromData()) {
                    throw new InvalidInputException("--bootstrap resamples a history: give --prices or --returns, "
                            + "not --cov");
                }
                if (dof != 0 || stressVol != 1 || stressCorr != 0 || meanChoice.equals("zero")) {
                    throw new InvalidInputException("--bootstrap resamples the history as it is: --dof, "
                            + "--stress-vol, --stress-corr and --mean zero apply to a model");
                }
                if (estimation.missingPolicy() == io.equirisk.data.MissingValuePolicy.PAIRWISE
                        && input.returns().hasMissing()) { /* the scores would compare other dates' Σ (a review) */
                    throw new InvalidInputException("--bootstrap resamples the complete dates, and --missing pairwise "
                            + "makes the model (which scores the scenarios) from every date: they would describe "
                            + "different periods; use --missing drop or drop-assets with --bootstrap");
                }
                try {
                    drawFrom = HistoricalBootstrap.of(input.returns().completeRows(), bootstrap);
                } catch (InvalidInputException e) {
                    throw new InvalidInputException("--bootstrap: " + e.getMessage());
                }
            } else {
                drawFrom = ScenarioModel.of(sigma, meanChoice.equals("history") ? input.means() : null,
                        distribution);
            }
            ScenarioSet set = new ScenarioSet(drawFrom, seed, first, scenarios, rows);
            RiskBudgets budgets = budgetOptions.load(input, solving.tolerance, err);
            progress.update("solving " + scenarios + " scenarios of " + rows + " returns × " + n + " assets");
            BatchSolution solution;
            double[] firstDraws;
            RiskBudgetingResult model;
            String backendName;
            String reason;
            long start = System.nanoTime();
            try (Equirisk er = early.take()) {
                backendName = er.backend().name();
                reason = er.selectionReason();
                try {
                    model = er.solve(sigma, budgets, options);
                } catch (io.equirisk.error.ConvergenceException e) { /* before any scenario: say it is the model's */
                    throw new io.equirisk.error.ConvergenceException("the model's own covariance (solved before the "
                            + "scenarios, to score them): " + e.getMessage(), e.result());
                }
                try {
                    solution = solveInParts(er, set, est, budgets.toArray(), options, progress::update);
                } catch (io.equirisk.error.ZeroVarianceException e) {
                    if (!e.getMessage().startsWith("scenario ")) { /* the whole history: said as it is */
                        throw e;
                    }
                    throw new io.equirisk.error.ZeroVarianceException(e.getMessage() + " (--horizon sets a "
                            + "scenario's rows, --bootstrap its blocks' length)");
                }
                firstDraws = verify ? er.scenarioReturns(set.slice(0, 1)) : null;
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            Double difference = null;
            Integer drawsDiffering = null;
            if (verify) {
                progress.update("verifying with the CPU engine");
                try (Equirisk cpu = Equirisk.withBackend("cpu")) {
                    BatchSolution reference = cpu.scenarioRiskBudgeting(set, est, budgets.toArray(), options);
                    difference = solution.maxWeightDifference(reference);
                    /* the first scenario's returns: every engine draws the same bits (DESIGN.md §4) */
                    double[] cpuDraws = cpu.scenarioReturns(set.slice(0, 1));
                    int differing = 0;
                    for (int e = 0; e < cpuDraws.length; e++) {
                        differing += Double.doubleToRawLongBits(cpuDraws[e])
                                != Double.doubleToRawLongBits(firstDraws[e]) ? 1 : 0;
                    }
                    drawsDiffering = differing;
                }
            }
            double[] modelVol = new double[scenarios];
            double[] modelRc = new double[scenarios];
            double[] w = new double[n];
            for (int k = 0; k < scenarios; k++) {
                System.arraycopy(solution.weights(), k * n, w, 0, n);
                PortfolioRisk risk = PortfolioRisk.of(sigma, w);
                modelVol[k] = risk.volatility;
                double e = 0;
                for (int i = 0; i < n; i++) {
                    e = Math.max(e, Math.abs(risk.shares[i] - budgets.get(i)));
                }
                modelRc[k] = e;
            }
            report = new Report(modelText, sigma.assets(), set, est.name(), budgets, model, solution, modelVol,
                    modelRc, solving.tolerance, !input.fromData() && periodsPerYear == null ? null /* per period */
                            : PeriodsPerYear.of(periodsPerYear, input.calendar()),
                    backendName, reason, seconds, difference,
                    drawsDiffering, bootstrap != null ? null : meanChoice, stressVol, stressCorr, input.leftOut(),
                    input.leftOutWhy());
        }
        Report r = report;
        if (chart != null) {
            chartPage(r).write(chart);
        }
        ReportOutput.warnColumnClash(main.spec.commandLine().getErr(), output, fmt, r.assets(), FIXED_COLUMNS);
        ReportOutput.emit(output, fmt, out, wr -> writeCsv(r, wr), () -> json(r), o -> table(r, o));
        int failed = report.solution().unconvergedCount();
        if (failed > 0) {
            int k = 0;
            while (report.solution().converged()[k]) {
                k++;
            }
            throw new ConvergenceException(failed + " of " + report.count() + " scenarios did not converge (the "
                    + "first: " + report.set().describe(k) + ", residual " + String.format(Locale.ROOT, "%.3g",
                    report.solution().residuals()[k]) + " > tolerance " + ReportOutput.tolerance(solving.tolerance) + "); their rows say "
                    + "converged=false; " + solving.remedy(), report.solution());
        }
    }

    /** The CSV's columns besides the assets': the first, then those after the weights. */
    static final List<String> FIXED_COLUMNS = List.of("scenario", "converged", "residual", "iterations",
            "volatility", "model_volatility", "model_rc_error");

    static void writeCsv(Report r, Writer w) throws IOException {
        StringBuilder header = new StringBuilder("scenario");
        for (String a : r.assets()) {
            header.append(',').append(Errors.csvText(a));
        }
        w.write(header + "," + String.join(",", FIXED_COLUMNS.subList(1, FIXED_COLUMNS.size())) + "\n");
        BatchSolution s = r.solution();
        for (int k = 0; k < r.count(); k++) {
            StringBuilder row = new StringBuilder(Long.toString(r.set().first() + k));
            for (int i = 0; i < r.n(); i++) {
                row.append(',').append(r.weight(k, i));
            }
            row.append(',').append(s.converged()[k]).append(',').append(s.residuals()[k]).append(',')
                    .append(s.iterations()[k]).append(',').append(s.volatilities()[k]).append(',')
                    .append(r.modelVolatility()[k]).append(',').append(r.modelRcError()[k]);
            w.write(row + "\n");
        }
    }

    static String json(Report r) {
        BatchSolution s = r.solution();
        Json j = new Json().beginObject();
        j.name("assets").beginArray();
        r.assets().forEach(j::value);
        j.endArray();
        j.name("left_out").beginArray(); /* --missing drop-assets: the file's assets without weight */
        r.leftOut().forEach(j::value);
        j.endArray();
        j.name("model_weights").beginArray();
        for (double v : r.model().weights()) {
            j.value(v);
        }
        j.endArray();
        j.name("weight_quantiles").beginArray();
        for (int i = 0; i < r.n(); i++) {
            double[] sorted = r.sortedWeights(i);
            double[] ms = meanAndSd(sorted);
            j.beginObject().field("asset", r.assets().get(i)).field("mean", ms[0]).field("sd", ms[1])
                    .field("p05", quantile(sorted, 0.05)).field("p50", quantile(sorted, 0.5))
                    .field("p95", quantile(sorted, 0.95)).endObject();
        }
        j.endArray();
        j.name("scenarios").beginArray();
        for (int k = 0; k < r.count(); k++) {
            j.beginObject().field("scenario", r.set().first() + k);
            j.name("weights").beginArray();
            for (int i = 0; i < r.n(); i++) {
                j.value(r.weight(k, i));
            }
            j.endArray();
            j.field("converged", s.converged()[k]).field("residual", s.residuals()[k])
                    .field("iterations", s.iterations()[k]).field("solver", s.solvers()[k])
                    .field("volatility", s.volatilities()[k]).field("model_volatility", r.modelVolatility()[k])
                    .field("model_rc_error", r.modelRcError()[k]).endObject();
        }
        j.endArray();
        j.field("volatility_per", "period"); /* the three volatilities above */
        if (r.periods() != null) {
            j.field("periods_per_year", r.periods().value()).field("periods_per_year_from", r.periods().how());
        }
        j.field("horizon", r.set().rows()).field("seed", r.set().seed()).field("first", r.set().first())
                .field("scenario_source", r.set().source().describe())
                .field("dof", r.set().source() instanceof ScenarioModel m ? m.distribution().degreesOfFreedom() : 0)
                .field("bootstrap_block", r.set().source() instanceof HistoricalBootstrap h ? h.block() : 0)
                .field("scenario_estimator", r.scenarioEstimator()).field("model_volatility", r.model().volatility())
                .field("stress_vol", r.stressVol()).field("stress_corr", r.stressCorr());
        if (r.mean() != null) { /* a model's; a bootstrap resamples the history as it is */
            j.field("mean_returns", r.mean());
        }
        j
                .field("tolerance", r.tolerance()).field("unconverged", s.unconvergedCount())
                .field("backend", r.backendName()).field("backend_reason", r.backendReason())
                .field("seconds", r.seconds()).field("input", r.input());
        if (r.verifyDifference() != null) {
            j.field("verify_max_weight_difference", r.verifyDifference());
            j.field("verify_first_scenario_returns_differing", r.verifyDrawsDiffering());
        }
        return j.endObject().toString();
    }

    /** The --chart page: each asset's weights across the scenarios as a box plot, the model's weight beside. */
    static ChartPage chartPage(Report r) {
        double[][] boxes = new double[r.n()][];
        double[] model = new double[r.n()];
        for (int i = 0; i < r.n(); i++) {
            double[] sorted = r.sortedWeights(i);
            boxes[i] = new double[] {100 * quantile(sorted, 0.05), 100 * quantile(sorted, 0.25),
                100 * quantile(sorted, 0.5), 100 * quantile(sorted, 0.75), 100 * quantile(sorted, 0.95)};
            model[i] = 100 * r.model().weights()[i];
        }
        return new ChartPage("equirisk scenarios: " + r.input(), r.count() + " scenarios of " + r.set().rows()
                + " returns, " + r.set().source().describe() + ", " + r.scenarioEstimator() + " covariance each; "
                + r.backendReason())
                .add("Weights across the scenarios (box: 25th–75th percentile, whiskers: 5th–95th)",
                        ChartPage.boxChart(r.assets(), "weight, %", "scenarios", boxes, "the model's Σ", model));
    }

    /** Parts a long scenario run is solved in on the CPU engines, so the progress line can count them. */
    static final int PROGRESS_PARTS = 50;

    /**
     * The scenarios solved on the engine: on a GPU in one call (a run of thousands takes under a second there, and
     * parts would leave the device part-empty); on the CPU engines in up to {@link #PROGRESS_PARTS} slices, each
     * scenario drawn from its own counter, so the results are the same bits either way and the progress line can
     * say how many are done.
     */
    static BatchSolution solveInParts(Equirisk er, ScenarioSet set, CovarianceEstimator est, double[] budgets,
                                      SolverOptions options, java.util.function.Consumer<String> progress) {
        int count = set.count();
        /* shrinkage is estimated on the host whatever the backend (so in parts on a GPU too), a part at a time */
        boolean onHost = !est.name().equals("sample") && Double.isNaN(CovarianceEstimators.ewmaLambda(est));
        /* at least a few scenarios per thread in each part, so no part leaves cores idle */
        int per = Math.max((onHost ? 1 : 4) * Runtime.getRuntime().availableProcessors(),
                (count + PROGRESS_PARTS - 1) / PROGRESS_PARTS);
        if (!onHost && er.backend().name().equals("cuda") || per >= count || budgets.length != set.assets()) {
            return er.scenarioRiskBudgeting(set, est, budgets, options);
        }
        er.checkScenarios(set, est, budgets); /* a bad scenario anywhere named before the first part is solved */
        BatchSolution out = BatchSolution.allocate(count, set.assets());
        for (int k0 = 0; k0 < count; k0 += per) {
            int k1 = Math.min(count, k0 + per);
            progress.accept("solving scenarios " + (k0 + 1) + "–" + k1 + " of " + count + " (" + set.rows()
                    + " returns × " + set.assets() + " assets each)");
            BatchSolution part = er.scenarioRiskBudgeting(set.slice(k0, k1 - k0), est, budgets, options);
            for (int k = k0; k < k1; k++) {
                out.put(k, part.result(k - k0));
            }
        }
        return out;
    }

    /**
     * Refuses, before any work, a run whose results and draws cannot fit this JVM's heap: it would otherwise fail
     * with "out of memory" after solving for a while. Results: per scenario its weights and risk contributions (16 B
     * an asset) and ~64 B of statistics and scores; draws: one scenario's returns per CPU thread (the CPU engine, and
     * --verify). The 80% leaves room for the rest.
     */
    private void checkMemory(int n, int rows, boolean shrinkage) {
        int threads = Runtime.getRuntime().availableProcessors();
        double results = (16.0 * n + 64) * scenarios;
        double matrix = 8.0 * n * n;
        /* shrinkage: a part's covariances, estimated on the host (Equirisk.HOST_SCENARIO_BYTES, or one per core) */
        double draws = 8.0 * rows * n * threads + (shrinkage ? matrix * Math.min(scenarios,
                Math.max(threads, Math.floor(Equirisk.HOST_SCENARIO_BYTES / matrix))) : 0);
        double max = Runtime.getRuntime().maxMemory();
        if (results + draws > 0.8 * max) {
            throw new InvalidInputException(String.format(Locale.ROOT, "--scenarios %d of --horizon %d × %d assets "
                    + "need about %.1f GB (results %.1f GB, and %.1f GB of draws%s for %d threads) of this JVM's "
                    + "%.1f GB: run fewer scenarios per call (--first continues the stream) or a shorter --horizon, "
                    + "or give the JVM more memory (EQUIRISK_JAVA_OPTS=-Xmx…)", scenarios, rows, n,
                    (results + draws) / 1e9, results / 1e9, draws / 1e9, shrinkage ? " and covariances" : "",
                    threads, max / 1e9));
        }
    }

    /** The scenarios' mean weight and its standard deviation (divided by count − 1; NaN for one scenario). */
    static double[] meanAndSd(double[] w) {
        double mean = 0;
        for (double v : w) {
            mean += v / w.length;
        }
        double var = 0;
        for (double v : w) {
            var += (v - mean) * (v - mean) / Math.max(1, w.length - 1);
        }
        if (w.length < 2) {
            var = Double.NaN;
        }
        return new double[] {mean, Math.sqrt(var)};
    }

    static void table(Report r, PrintWriter out) {
        TextTable t = new TextTable("asset", "budget", "model weight", "mean", "sd", "p5", "median", "p95");
        for (int i = 0; i < r.n(); i++) {
            double[] sorted = r.sortedWeights(i);
            double[] ms = meanAndSd(sorted);
            t.row(r.assets().get(i), TextTable.fixed(r.budgets().get(i), 6),
                    TextTable.fixed(r.model().weights()[i], 6), TextTable.fixed(ms[0], 6),
                    TextTable.fixed(ms[1], 6), TextTable.fixed(quantile(sorted, 0.05), 6),
                    TextTable.fixed(quantile(sorted, 0.5), 6), TextTable.fixed(quantile(sorted, 0.95), 6));
        }
        t.print(out);
        BatchSolution s = r.solution();
        double annual = r.periods() == null ? 1.0 : Math.sqrt(r.periods().value());
        double[] vol = r.modelVolatility().clone();
        Arrays.sort(vol);
        double[] rc = r.modelRcError().clone();
        Arrays.sort(rc);
        ScenarioSet set = r.set();
        out.println();
        out.println("model:            " + r.input());
        ReportOutput.printLeftOut(out, r.leftOut(), r.leftOutWhy());
        out.println("drawn from:       " + set.source().describe() + (r.mean() == null ? ""
                : r.mean().equals("zero") ? ", zero mean" : ", the history's mean returns"));
        out.println("scenarios:        " + r.count() + " (numbers " + set.first() + " … " + (set.first() + r.count() - 1)
                + ", seed " + set.seed() + ") of " + set.rows() + " returns, " + r.scenarioEstimator()
                + " covariance each");
        ReportOutput.convergence(out, s, r.tolerance());
        if (s.unconvergedCount() > 0) { /* the table's figures are over every scenario: say so where some failed */
            out.println("                  the statistics above include the " + s.unconvergedCount()
                    + " unconverged scenarios (their rows in the CSV say converged=false)");
        }
        out.println("under the model:  volatility " + TextTable.percent(r.model().volatility() * annual)
                + " for the model's weights; the scenarios' weights: median " + TextTable.percent(
                quantile(vol, 0.5) * annual) + ", p95 " + TextTable.percent(quantile(vol, 0.95) * annual)
                + (r.periods() == null ? " (per period, the units of the covariance; give --periods-per-year to "
                + "annualise)" : " (annualised, " + r.periods().describe() + ")"));
        out.println("                  max |RC − b| of the scenarios' weights: median " + TextTable.percent(
                quantile(rc, 0.5)) + ", p95 " + TextTable.percent(quantile(rc, 0.95)));
        out.println("backend:          " + r.backendReason() + "; " + String.format(Locale.ROOT, "%.3f", r.seconds())
                + " s");
        if (r.verifyDifference() != null) {
            out.println("verify:           max |w − w_cpu| = "
                    + String.format(Locale.ROOT, "%.2e", r.verifyDifference()) + " over every scenario (pure-Java "
                    + "CPU engine)");
            int values = r.set().rows() * r.assets().size();
            out.println("                  scenario " + r.set().first() + "'s returns: "
                    + (r.verifyDrawsDiffering() == 0 ? "the same bits on both engines (" + values + " values)"
                    : r.verifyDrawsDiffering() + " of " + values + " values differ between the engines"));
        }
    }
}

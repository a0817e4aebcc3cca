package io.equirisk.cli;

import io.equirisk.Equirisk;
import io.equirisk.backend.BatchSolution;
import io.equirisk.backtest.HeldPortfolio;
import io.equirisk.backtest.PerformanceSummary;
import io.equirisk.backend.CovarianceKind;
import io.equirisk.cli.io.Errors;
import io.equirisk.cli.io.SeriesCsv;
import io.equirisk.covariance.CovarianceEstimator;
import io.equirisk.covariance.CovarianceBatch;
import io.equirisk.covariance.CovarianceEstimators;
import io.equirisk.covariance.CovarianceMatrix;
import io.equirisk.data.MissingValuePolicy;
import io.equirisk.data.ReturnKind;
import io.equirisk.data.Returns;
import io.equirisk.error.ConvergenceException;
import io.equirisk.error.EquiriskException;
import io.equirisk.error.InsufficientDataException;
import io.equirisk.error.InvalidInputException;
import io.equirisk.error.NotPositiveDefiniteException;
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
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** {@code equirisk rolling}: risk-budgeting weights at every rebalance date of a rolling window. */
@Command(name = "rolling", mixinStandardHelpOptions = true, versionProvider = VersionInfo.class, sortOptions = false,
        description = {"Risk parity (ERC) or risk-budgeting weights at every rebalance date of a rolling window.", "",
                "The windows are laid back from the last date: the last holds the last WINDOW returns (by default "
                + "only dates on which every asset has one: see --universe), each earlier one ends STEP rows before "
                + "the next, and the returns before the first are left out (a note says how many). Each window's "
                + "covariance is solved, and the weights are dated by the window's last row. On a GPU, sample and EWMA covariances are made and solved on the device in "
                + "one call: only the returns go in.", ""},
        footer = {"", "Output (--output, or --format csv): one row per rebalance date: date, the weight of each "
                + "asset, then converged, residual, iterations, the portfolio volatility per period and the number "
                + "of assets in the window.",
                "", "Out of sample (table and JSON): each date's weights held to the next date, drifting with their "
                + "assets (without costs unless --cost-bps), and equal weights over the same assets (those with a "
                + "positive budget, in the window's universe) held the same way: annualised return (compounded), "
                + "volatility, return/volatility and maximum drawdown. A --returns file is taken as simple returns "
                + "here. The turnover is one-way, ½ Σ |new weight − drifted weight| at each rebalance after the "
                + "first: the trades that take the drifted holdings to the new weights.",
                "", "Exit status 1 when any window did not converge (the outputs are written first and say which).",
                "", "Examples:",
                "  equirisk rolling --prices prices.csv --window 252 --step 21 \\", "      --output weights.csv",
                "  equirisk rolling --returns returns.csv --window 500 \\", "      --estimator ewma-halflife:63 --format json",
                "  equirisk rolling --prices prices.csv --window 252 --backend cuda --verify"})
final class RollingCommand implements Runnable {

    @ParentCommand
    Main main;

    @ArgGroup(exclusive = true, multiplicity = "1", heading = "Input (exactly one):%n")
    SeriesSource source;

    @Option(names = "--window", paramLabel = "N", required = true,
            description = "Returns per window (252: a year of daily returns); more than the number of assets for the "
                    + "sample and EWMA estimators.")
    int window;

    @Option(names = "--step", paramLabel = "N", defaultValue = "21",
            description = "Rows between rebalance dates (21 ≈ monthly on daily data; 1 = every date). "
                    + "Default: ${DEFAULT-VALUE}.")
    int step;

    @Option(names = "--estimator", paramLabel = "SPEC", defaultValue = "sample",
            description = "sample, ewma (λ = 0.94), ewma:LAMBDA, ewma-halflife:PERIODS (made by the backend: on a "
                    + "GPU on the device, with the solves), or ledoit-wolf, ledoit-wolf-cc, oas (estimated on the "
                    + "host window by window, then solved as a batch; these allow windows shorter than the number "
                    + "of assets). Default: ${DEFAULT-VALUE}.")
    String estimator;

    @Option(names = "--universe", paramLabel = "complete|window", defaultValue = "complete",
            description = {"complete: every window holds every asset, so dates on which any asset lacks a return are "
                    + "dropped. window: each window holds the assets with a return on every one of its dates (late "
                    + "listings join when they have a full window, delisted assets leave), not all the same (a "
                    + "stale price or a suspension is left out where it is flat); the others get weight 0 "
                    + "and the members' budgets are rescaled to sum to 1. Default: ${DEFAULT-VALUE}."})
    String universe;

    @Mixin
    ReturnsOptions returnsOptions;

    @Mixin
    BudgetOptions budgetOptions;

    @Mixin
    SolverChoice solving;

    @Option(names = "--vol-target", paramLabel = "VOL",
            description = "Also scale each rebalance's weights to this annualised volatility (e.g. 0.10) under its "
                    + "window's covariance: the leverage per date (a CSV column, in the JSON), and the out-of-sample "
                    + "summary of that book (financed at 0).")
    Double volTarget;

    @Option(names = "--cost-bps", paramLabel = "BPS", defaultValue = "0",
            description = "Trading costs in the out-of-sample summaries (0 to 1000): each trade pays BPS basis "
                    + "points of the "
                    + "value traded, buys and sells alike (10 = 0.10%%), from the book's equity; the first rebalance "
                    + "buys from cash, and every book (these weights, equal weight, vol-targeted) pays the same rate. "
                    + "Default: ${DEFAULT-VALUE}.")
    double costBps;

    @Option(names = "--periods-per-year", paramLabel = "N",
            description = "Return periods per year, to annualise the volatilities and the out-of-sample returns. "
                    + "Default: read from the dates' spacing (daily dates with weekends 365 (a few: their rate over their span), without 252 (261 where "
                    + "every weekday is there); weekly 52; monthly 12; quarterly 4; annual 1), otherwise the dates "
                    + "per year over their span (bars within a day too, over four weeks or more: hourly 24/7 8766), "
                    + "252 without calendar dates; the summary says which.")
    Integer periodsPerYear;

    @Option(names = "--backend", paramLabel = "auto|cpu|cuda|emulation", defaultValue = "auto",
            description = "Compute backend; auto takes a GPU when one is usable, else the CPU engine. "
                    + "Default: ${DEFAULT-VALUE}.")
    String backend;

    @Option(names = "--verify", description = "Also run every window on the pure-Java CPU engine and report the "
            + "largest weight difference.")
    boolean verify;

    @Option(names = {"-o", "--output"}, paramLabel = "FILE",
            description = "Write the weights at every rebalance date (full precision) to this CSV file (- or /dev/stdout: to "
                    + "standard output, in place of --format).")
    Path output;

    @Option(names = "--format", paramLabel = "table|json|csv", defaultValue = "table",
            description = "What to print on stdout: a summary per asset (table), everything (json), or the output "
                    + "CSV (csv). Default: ${DEFAULT-VALUE}.")
    String format;

    @Option(names = "--out-of-sample", paramLabel = "FILE.csv",
            description = "Also write the out-of-sample returns to this CSV file: one row per held date, with "
                    + "the date's return of these weights, of equal weight and, with --vol-target, of the "
                    + "vol-targeted book (simple returns, net of --cost-bps; header date,weights,equal_weight"
                    + "[,vol_targeted]).")
    Path outOfSampleFile;

    @Option(names = "--chart", paramLabel = "FILE.html",
            description = "Also write an HTML page of charts: the weights at every date (the " + CHART_ASSETS
                    + " largest by mean weight, the rest summed), the out-of-sample growth of 1 against equal "
                    + "weights (and of the vol-targeted book, with --vol-target), and the portfolio's volatility at "
                    + "each date. It embeds its data and Apache ECharts, "
                    + "so it opens offline in a browser.")
    Path chart;

    /**
     * Assets drawn one by one in the weights chart; the others are summed into one area on top, unless they hold
     * most of the weight (hundreds of assets near equal risk), when the drawn assets are lines and the rest is left
     * out: an area of 95% would leave the others a sliver.
     */
    static final int CHART_ASSETS = 12;

    /** Everything the outputs show. */
    record Report(String input, int droppedDates, List<String> assets, List<String> dates, int[] sizes,
                  boolean perWindow, BatchSolution solution, String estimator, int window, int step, double tolerance,
                  PeriodsPerYear periods, String backendName, String backendReason, double seconds,
                  Double verifyDifference, OutOfSample outOfSample, String outOfSampleWhy, Double volTarget,
                  double[] leverage, List<String> leftOut) {

        int count() {
            return dates.size();
        }

        double weight(int k, int i) {
            return solution.weights()[k * assets.size() + i];
        }

        /**
         * Mean over the rebalances after the first of the one-way turnover from the drifted holdings to the new
         * weights ({@link HeldPortfolio#turnover()}); NaN without an out-of-sample series (one rebalance).
         */
        double meanTurnover() {
            return outOfSample == null ? Double.NaN : outOfSample.weights().meanTurnover();
        }
    }

    /**
     * Each date's weights held to the next date (drifting, paying {@code costRate} of each trade's value), and equal
     * weights over the same assets held the same way: what the weights would have returned after the data they were
     * estimated from. Null when the first rebalance is on the last date held: nothing is held after it.
     *
     * @param targeted        with --vol-target, the weights × each rebalance's leverage, financed at 0; null without
     *                        one, or where it cannot be held ({@code targetedWhy})
     * @param targetedSummary its summary, null with it
     * @param targetedWhy     why a vol-targeted book has no summary; null otherwise
     */
    record OutOfSample(String from, String to, HeldPortfolio weights, HeldPortfolio equal,
                       PerformanceSummary weightsSummary, PerformanceSummary equalSummary, List<String> dates,
                       HeldPortfolio targeted, PerformanceSummary targetedSummary, String targetedWhy,
                       double costRate) {

        /**
         * @param simple        simple returns of every date held (a missing one counts as 0, counted)
         * @param rebalanceRows the rows of {@code simple} on which the weights are set, ascending
         * @param leverage      each rebalance's, or null
         * @param costRate      the cost per unit of value traded
         */
        static OutOfSample of(Returns simple, int[] rebalanceRows, double[] weights, double[] budgets, int periods,
                              double[] leverage, double costRate) {
            if (rebalanceRows[0] >= simple.observations() - 1) {
                return null;
            }
            int n = simple.assetCount();
            int count = rebalanceRows.length;
            double[] equal = new double[count * n]; /* 1/m over the assets with a budget in the window */
            for (int k = 0; k < count; k++) {
                int base = budgets.length == n ? 0 : k * n;
                for (int i = 0; i < n; i++) {
                    equal[k * n + i] = budgets[base + i] > 0 ? 1.0 : 0.0;
                }
            }
            HeldPortfolio held = HeldPortfolio.of(simple, rebalanceRows, weights, null, costRate);
            HeldPortfolio heldEqual = HeldPortfolio.of(simple, rebalanceRows, equal, null, costRate);
            HeldPortfolio targeted = null;
            String why = null;
            if (leverage != null && !allFinite(leverage)) {
                why = "a rebalance has no leverage: its weights have no volatility";
            } else if (leverage != null) {
                try {
                    targeted = HeldPortfolio.of(simple, rebalanceRows, weights, leverage, costRate);
                } catch (InvalidInputException e) { /* leverage × cost near 1: the other books stand */
                    why = e.getMessage();
                }
            }
            String from = simple.dates().get(held.firstRow());
            String to = simple.dates().get(simple.observations() - 1);
            return new OutOfSample(from, to, held, heldEqual, PerformanceSummary.of(held.returns(), periods),
                    PerformanceSummary.of(heldEqual.returns(), periods),
                    simple.dates().subList(held.firstRow() - 1, simple.observations()), targeted,
                    targeted == null ? null : PerformanceSummary.of(targeted.returns(), periods), why, costRate);
        }

        /** The date on which the vol-targeted book lost all its equity (a return of −1), or null. */
        String wipedOut() {
            double[] r = targeted == null ? new double[0] : targeted.returns();
            for (int t = 0; t < r.length; t++) {
                if (r[t] <= -1) {
                    return dates.get(t + 1); /* dates start on the rebalance before the first held return */
                }
            }
            return null;
        }

        private static boolean allFinite(double[] v) {
            for (double x : v) {
                if (!Double.isFinite(x)) {
                    return false;
                }
            }
            return true;
        }
    }

    @Override
    public void run() {
        String fmt = ReportOutput.format(format);
        ReportOutput.checkOutputs(List.of(new ReportOutput.Written("--output", output, null),
                new ReportOutput.Written("--chart", chart, "an HTML page"),
                new ReportOutput.Written("--out-of-sample", outOfSampleFile, "its series")),
                source.prices, source.returns, budgetOptions.file);
        if (window < 2) {
            throw new InvalidInputException("--window must be at least 2 returns, got " + window);
        }
        String uni = universe.trim().toLowerCase(Locale.ROOT);
        if (!uni.equals("complete") && !uni.equals("window")) {
            throw new InvalidInputException("--universe must be complete or window, got '" + universe + "'");
        }
        boolean perWindow = uni.equals("window");
        if (perWindow && returnsOptions.commonCalendar()) {
            throw new InvalidInputException("--calendar common keeps only the dates on which every asset has a "
                    + "price, so every window would hold every asset: use it with --universe complete");
        }
        if (step < 1) {
            throw new InvalidInputException("--step must be at least 1 row, got " + step);
        }
        if (periodsPerYear != null && periodsPerYear < 1) {
            throw new InvalidInputException("--periods-per-year must be at least 1, got " + periodsPerYear);
        }
        if (volTarget != null && !(volTarget > 0 && Double.isFinite(volTarget))) {
            throw new InvalidInputException("--vol-target must be a positive annualised volatility such as 0.10, got "
                    + volTarget);
        }
        if (volTarget != null && volTarget > 1) { /* 10 meant as 10% */
            main.spec.commandLine().getErr().println("equirisk: warning: --vol-target " + volTarget + " is "
                    + String.format(Locale.ROOT, "%.0f", volTarget * 100) + "% a year; it is a fraction (0.10 for "
                    + "10%)");
        }
        if (!(costBps >= 0 && costBps <= 1000)) {
            throw new InvalidInputException("--cost-bps must be between 0 and 1000 basis points of the value traded "
                    + "(10 = 0.10%), got " + costBps);
        }
        if (costBps > 0 && costBps < 0.1) { /* 0.001 meant as 10 bps */
            main.spec.commandLine().getErr().println("equirisk: warning: --cost-bps " + costBps + " is "
                    + java.math.BigDecimal.valueOf(costBps / 100).stripTrailingZeros().toPlainString() + "% of the "
                    + "value traded; it is in basis points (10 for 0.10%)");
        }
        CovarianceEstimator est = CovarianceEstimators.parse(estimator);
        double lambda = CovarianceEstimators.ewmaLambda(est);
        CovarianceKind kind; /* null: a shrinkage estimator, estimated on the host window by window */
        if (est.name().equals("sample")) {
            kind = CovarianceKind.SAMPLE;
            lambda = 0;
        } else if (!Double.isNaN(lambda)) {
            kind = CovarianceKind.EWMA;
        } else {
            kind = null;
        }
        SolverOptions options = solving.options();
        PrintWriter out = main.spec.commandLine().getOut();
        PrintWriter err = main.spec.commandLine().getErr();
        Report report;
        // the backend opens while the input is read (EarlyBackend: CUDA's context and staging take ~0.15–0.2 s)
        try (EarlyBackend<Equirisk> early = EarlyBackend.open(backend);
             Progress progress = Progress.start(err, main.errIsTerminal, "rolling")) {
            Path file = source.file();
            CovarianceInput.Read read = CovarianceInput.readReturnsToHold(file, source.kind(), returnsOptions, err,
                    progress);
            Returns all = read.returns();
            /* a budget-0 asset without variance (a cash line) is left out, as solve does; flat on the rows the
               windows use: the complete ones, or each asset's own under --universe window */
            List<String> idle = CovarianceInput.flatUnbudgeted(perWindow ? all : all.completeRows(),
                    budgetOptions.zeroBudgets(all.assets(), all.assets()));
            List<String> fileAssets = all.assets();
            if (!idle.isEmpty() && idle.size() < all.assetCount()) {
                err.println("equirisk: note: budget 0 and the same return on every date (no variance: a cash line, "
                        + "a stale price), so left out of the windows: " + String.join(", ", idle.subList(0,
                        Math.min(20, idle.size()))) + (idle.size() > 20 ? " and " + (idle.size() - 20) + " more" : ""));
                java.util.Set<String> drop = java.util.Set.copyOf(idle);
                all = CovarianceInput.without(all, drop);
                read = new CovarianceInput.Read(all, read.held() == null ? null
                        : CovarianceInput.without(read.held(), drop), read.everyPrice());
            } else {
                idle = List.of();
            }
            WindowUniverse members = null; /* --universe window */
            List<String> never = new ArrayList<>(); /* --universe window: the assets in no window */
            Returns returns;
            int dropped;
            if (perWindow) {
                Returns trimmed = fromLastDate(all, true);
                Returns held = read.held() == null ? trimmed
                        : read.held().rows(all.observations() - trimmed.observations(), all.observations());
                members = WindowUniverse.of(trimmed, held, window, step, kind == CovarianceKind.EWMA);
                returns = members.returns();
                dropped = members.dropped();
                if (dropped > 0) {
                    err.println("equirisk: note: " + dropped + " of " + all.observations() + " dates have no return "
                            + "for any asset and are dropped");
                }
                /* never: no window with a return on each of its dates */
                boolean[] weekend = weekendRows(trimmed);
                boolean calendarHint = source.kind() == SeriesCsv.Kind.PRICES && weekend != null;
                for (int j = 0; j < trimmed.assetCount(); j++) {
                    boolean in = false;
                    for (int k = 0; k < members.members().length && !in; k++) {
                        in = members.members()[k][j] || members.flat()[k][j]; /* flat ones: the flat note */
                    }
                    if (!in) {
                        never.add(trimmed.assets().get(j));
                        calendarHint &= !tradesOnWeekends(trimmed, j, weekend);
                    }
                }
                if (!never.isEmpty()) { /* weight 0 at every rebalance: said, not only counted */
                    /* the calendar hint only where it fits: these assets never trade at weekends, others do */
                    boolean others = false;
                    for (int j = 0; j < trimmed.assetCount() && calendarHint && !others; j++) {
                        others = !never.contains(trimmed.assets().get(j)) && tradesOnWeekends(trimmed, j, weekend);
                    }
                    err.println("equirisk: note: " + never.size() + " of " + trimmed.assetCount() + " assets are in no "
                            + "window (in none of the windows of " + window + " returns has each a return on every "
                            + "date): " + String.join(", ", never.subList(0, Math.min(20, never.size())))
                            + (never.size() > 20 ? " and " + (never.size() - 20) + " more" : "")
                            + (calendarHint && others ? "; they have no weekend prices and others do: a weekday "
                            + "market beside one open every day needs --universe complete --calendar common" : ""));
                }
                if (members.anyFlat()) {
                    List<String> flat = members.flatAssets();
                    err.println("equirisk: note: left out of the windows in which every return is "
                            + (kind == CovarianceKind.EWMA ? "0 (EWMA is zero-mean)" : "the same") + " (a stale "
                            + "price, a suspension: variance 0), as if the returns were missing: "
                            + String.join(", ", flat.subList(0, Math.min(20, flat.size())))
                            + (flat.size() > 20 ? " and " + (flat.size() - 20) + " more" : ""));
                }
            } else {
                Returns complete = all.completeRows();
                returns = fromLastDate(complete, false);
                dropped = all.observations() - complete.observations();
                if (dropped > 0) {
                    err.println("equirisk: note: " + dropped + " of " + all.observations() + " dates lack a return "
                            + "for some asset and are dropped" + costliest(all, dropped)
                            + " (or give each window its own assets with --universe window)"
                            + read.commonCalendarHint(all));
                }
            }
            int n = returns.assetCount();
            int t = returns.observations();
            CovarianceInput.warnEwmaRank(err, est, window, n);
            if (leftBefore > 0) {
                err.println("equirisk: note: the windows end on the last " + (perWindow ? "" : "complete ") + "date, "
                        + returns.dates().get(t - 1) + "; the "
                        + leftBefore + " return" + (leftBefore == 1 ? "" : "s") + " before the first window "
                        + (leftBefore == 1 ? "is" : "are") + " left out");
            }
            if (window > t) {
                throw new InsufficientDataException(file + ": --window " + window + " needs " + window + " dates"
                        + (perWindow ? "" : " with a return for every asset") + "; there are " + t
                        + (dropped > 0 ? " (" + dropped + " dates dropped)" : ""));
            }
            int count = (t - window) / step + 1;
            List<String> dates = new ArrayList<>(count);
            for (int k = 0; k < count; k++) {
                dates.add(returns.dates().get(k * step + window - 1));
            }
            if (kind != null) {
                for (int k = 0; k < (perWindow ? count : 1); k++) {
                    int size = perWindow ? members.sizes()[k] : n;
                    if (window <= size) {
                        throw new InvalidInputException("--window " + window + " must be larger than the number of "
                                + "assets (" + size + (perWindow ? " in the window ending " + dates.get(k) : "")
                                + "): the engines take a " + est.name() + " covariance from more returns than "
                                + "assets only (the sample one from fewer is singular); use a longer window or "
                                + "--estimator ledoit-wolf (or oas)");
                    }
                }
            }
            RiskBudgets shared = budgetOptions.load(fileAssets, returns.assets(), idle, "with budget 0 and no "
                    + "variance", solving.tolerance, err);
            double[] budgets = perWindow ? members.budgets(shared.toArray()) : shared.toArray();
            if (perWindow) {
                for (int k = 0; k < count; k++) {
                    double sum = 0;
                    for (int j = 0; j < n; j++) {
                        sum += budgets[k * n + j];
                    }
                    if (!(sum > 0)) {
                        throw new InsufficientDataException(file + ": the window ending " + dates.get(k) + " has no "
                                + "asset with a positive budget and a return on each of its " + window + " dates "
                                + "(not all the same)");
                    }
                }
            }
            progress.update("solving " + count + " windows of " + window + " returns × " + n + " assets");
            BatchSolution solution;
            String backendName;
            String reason;
            long start = System.nanoTime();
            /* a window with a flat non-member: its column has variance 0 there, which the backends' own estimates
               refuse, so every window is estimated on the host, on its members only (membersCovariance) */
            CovarianceKind onBackend = members != null && members.anyFlat() ? null : kind;
            try (Equirisk er = early.take()) {
                backendName = er.backend().name();
                reason = er.selectionReason();
                solution = solveWindows(er, returns, members, count, onBackend, lambda, est, budgets, options,
                        progress);
            } catch (io.equirisk.error.ZeroVarianceException e) {
                /* the library's rows count the complete returns, not the file's lines: the dates say where */
                String message = e.getMessage().replaceFirst("\\(rows \\d+–\\d+, ", "(");
                throw new io.equirisk.error.ZeroVarianceException(message + (perWindow ? "" : " (or --universe "
                        + "window, which leaves it out of the windows where it is flat)"));
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            Double difference = null;
            if (verify) {
                progress.update("verifying with the CPU engine");
                try (Equirisk cpu = Equirisk.withBackend("cpu")) {
                    BatchSolution reference = solveWindows(cpu, returns, members, count, onBackend, lambda, est,
                            budgets, options, progress);
                    difference = solution.maxWeightDifference(reference);
                }
            }
            String input = (source.kind() == SeriesCsv.Kind.PRICES ? "prices " : "returns ") + file + " → "
                    + (t + leftBefore) + (perWindow ? " dates" : " complete returns") + " × " + n + " assets"
                    + (leftBefore > 0 ? " (the first " + leftBefore + " before the first window)" : "");
            int[] sizes = perWindow ? members.sizes() : new int[count];
            if (!perWindow) {
                java.util.Arrays.fill(sizes, n);
            }
            /* the file's calendar, not the complete dates the windows use: the portfolio is held on every date,
               and a few blank prices took an every-weekday file from 261 to 252 (a review) */
            PeriodsPerYear periods = PeriodsPerYear.of(periodsPerYear, all.dates());
            /* of the assets some window holds: those in none have weight 0 throughout (a review) */
            Returns judged = never.isEmpty() ? all : CovarianceInput.without(all, java.util.Set.copyOf(never));
            CovarianceInput.warnMixedCalendar(err, judged);
            CovarianceInput.warnStale(err, judged);
            int[] rebalanceRows = new int[count];
            for (int k = 0; k < count; k++) {
                rebalanceRows[k] = k * step + window - 1;
            }
            /* held assets earn what was read: in a window universe, not the fillers (WindowUniverse); under
               complete, on every date of the file, not only the complete ones the windows use (a review: five blank
               GLD prices took the equal-weight return from 34.9% to 48.3%, the dropped dates' moves lost); and for
               prices the move over a gap (simple returns already) */
            Returns heldReturns;
            int[] heldRows = rebalanceRows;
            if (perWindow) {
                heldReturns = read.held() != null ? members.observed() : simpleReturns(members.observed());
            } else {
                /* a date with no return for any asset is not a held period of 0 (a review: a blank row of a
                   returns file was, under complete only); prices already skip such dates */
                heldReturns = read.held() != null ? read.held() : withoutBlankRows(simpleReturns(all));
                java.util.Map<String, Integer> row = new java.util.HashMap<>();
                for (int i = 0; i < heldReturns.observations(); i++) {
                    row.put(heldReturns.dates().get(i), i);
                }
                heldRows = new int[count];
                for (int k = 0; k < count; k++) {
                    heldRows[k] = row.get(returns.dates().get(rebalanceRows[k]));
                }
            }
            double[] leverage = null; /* --vol-target: each rebalance's, from its window's own volatility */
            if (volTarget != null) {
                leverage = new double[count];
                for (int k = 0; k < count; k++) {
                    /* an unconverged window's weights are held all the same (its row says converged=false), so its
                       leverage is theirs; NaN only where they have no volatility */
                    double vol = solution.volatilities()[k] * Math.sqrt(periods.value());
                    leverage[k] = vol > 0 && Double.isFinite(vol) ? volTarget / vol : Double.NaN;
                }
            }
            OutOfSample outOfSample;
            String outOfSampleWhy = null;
            try {
                outOfSample = OutOfSample.of(heldReturns, heldRows, solution.weights(), budgets, periods.value(),
                        leverage, costBps / 10_000);
            } catch (InvalidInputException e) { /* a held return below −1 (log returns given as --returns): the
                                                    weights stand; only their out-of-sample summary cannot be made */
                err.println("equirisk: note: no out-of-sample summary: " + e.getMessage());
                outOfSample = null;
                outOfSampleWhy = e.getMessage();
            }
            report = new Report(input, dropped, returns.assets(), dates, sizes, perWindow, solution, est.name(),
                    window, step, solving.tolerance, periods, backendName, reason, seconds, difference, outOfSample,
                    outOfSampleWhy, volTarget, leverage, idle);
        }
        Report r = report;
        if (chart != null) {
            chartPage(r).write(chart);
        }
        if (outOfSampleFile != null) {
            if (r.outOfSample() == null) {
                err.println("equirisk: note: " + outOfSampleFile + " holds only its header: no out-of-sample series");
            }
            try (Writer w = java.nio.file.Files.newBufferedWriter(outOfSampleFile,
                    java.nio.charset.StandardCharsets.UTF_8)) {
                writeOutOfSample(r, w);
            } catch (IOException e) {
                throw new EquiriskException("cannot write " + outOfSampleFile + ": " + ReportOutput.reason(e));
            }
        }
        ReportOutput.warnColumnClash(main.spec.commandLine().getErr(), output, fmt, r.assets(), FIXED_COLUMNS);
        ReportOutput.emit(output, fmt, out, w -> writeCsv(r, w), () -> json(r), o -> table(r, o));
        int failed = report.solution().unconvergedCount();
        if (failed > 0) {
            int first = 0;
            while (report.solution().converged()[first]) {
                first++;
            }
            throw new ConvergenceException(failed + " of " + report.count() + " windows did not converge (the first "
                    + "on " + report.dates().get(first) + ": residual " + String.format(Locale.ROOT, "%.3g",
                    report.solution().residuals()[first]) + " > tolerance " + ReportOutput.tolerance(solving.tolerance) + "); their rows say "
                    + "converged=false; " + solving.remedy(), report.solution());
        }
    }

    /** Which rows fall on a Saturday or Sunday; null without calendar dates. */
    private static boolean[] weekendRows(Returns r) {
        List<java.time.LocalDate> days = io.equirisk.cli.io.SeriesCsv.calendarDays(r.dates());
        if (days == null) {
            return null;
        }
        boolean[] out = new boolean[r.observations()];
        for (int t = 0; t < out.length; t++) {
            java.time.DayOfWeek d = days.get(t).getDayOfWeek();
            out[t] = d == java.time.DayOfWeek.SATURDAY || d == java.time.DayOfWeek.SUNDAY;
        }
        return out;
    }

    /** Whether asset j has a return on one of the {@code weekend} rows (false without them). */
    private static boolean tradesOnWeekends(Returns r, int j, boolean[] weekend) {
        for (int t = 0; weekend != null && t < weekend.length; t++) {
            if (weekend[t] && !Double.isNaN(r.get(t, j))) {
                return true;
            }
        }
        return false;
    }

    /** The returns as simple returns: log returns from prices are turned back; a returns file is taken as simple. */
    private Returns simpleReturns(Returns r) {
        if (source.kind() != SeriesCsv.Kind.PRICES || returnsOptions.returnKind() != ReturnKind.LOG) {
            return r;
        }
        double[] v = r.values().clone();
        for (int i = 0; i < v.length; i++) {
            v[i] = Math.expm1(v[i]); /* NaN stays NaN */
        }
        return Returns.of(r.observations(), r.assetCount(), v, r.assets(), r.dates());
    }

    /** Doubles of host-estimated covariances solved per batch (64 MB): bounds memory for long histories. */
    private static final long HOST_BATCH_DOUBLES = 1L << 23;

    /**
     * Every window solved on the backend. Sample and EWMA: the backend's rolling path (on a GPU the covariances are
     * made on the device). Shrinkage estimators: each window's covariance estimated on the host, then the windows
     * solved as batches of at most {@link #HOST_BATCH_DOUBLES}.
     */
    private BatchSolution solveWindows(Equirisk er, Returns returns, WindowUniverse members, int count,
                                       CovarianceKind kind, double lambda, CovarianceEstimator est, double[] budgets,
                                       SolverOptions options, Progress progress) {
        if (kind != null) {
            return er.rollingRiskBudgeting(returns, window, step, kind, lambda, budgets, options);
        }
        int n = returns.assetCount();
        BatchSolution out = BatchSolution.allocate(count, n);
        int per = (int) Math.max(1, Math.min(count, HOST_BATCH_DOUBLES / ((long) n * n)));
        for (int k0 = 0; k0 < count; k0 += per) {
            int k1 = Math.min(count, k0 + per);
            progress.update("estimating and solving windows " + (k0 + 1) + "–" + k1 + " of " + count);
            // the chunk's windows estimated side by side (a window's own product uses the same pool, so the machine is
            // not oversubscribed); a failure is reported for the earliest window, as one after another would
            CovarianceMatrix[] estimated = new CovarianceMatrix[k1 - k0];
            InvalidInputException[] failed = new InvalidInputException[k1 - k0];
            int first = k0;
            java.util.stream.IntStream.range(k0, k1).parallel().forEach(k -> {
                try {
                    Returns w = returns.rows(k * step, k * step + window);
                    estimated[k - first] = members == null
                            ? est.estimate(w, MissingValuePolicy.DROP_INCOMPLETE_ROWS)
                            : membersCovariance(w, members.members()[k], est);
                } catch (InvalidInputException e) {
                    String where = "window " + (k + 1) + " (ending " + returns.dates().get(k * step + window - 1)
                            + "): ";
                    failed[k - first] = e instanceof io.equirisk.error.ZeroVarianceException
                            ? new io.equirisk.error.ZeroVarianceException(where + e.getMessage())
                            : new InvalidInputException(where + e.getMessage());
                }
            });
            for (InvalidInputException e : failed) {
                if (e != null) {
                    throw e;
                }
            }
            List<CovarianceMatrix> covariances = List.of(estimated);
            double[] b = budgets.length == n ? budgets
                    : java.util.Arrays.copyOfRange(budgets, k0 * n, k1 * n); /* per-window budgets: this chunk's */
            BatchSolution part = er.solveBatch(CovarianceBatch.of(covariances), b, options);
            for (int k = k0; k < k1; k++) {
                if (!part.converged()[k - k0]) {
                    requirePositiveDefinite(covariances.get(k - k0), k, returns.dates().get(k * step + window - 1));
                }
                out.put(k, part.result(k - k0));
            }
        }
        return out;
    }

    /**
     * Why a host-estimated window did not converge, when the reason is its covariance: a shrinkage estimate can be
     * singular (Ledoit-Wolf's intensity is 0 from two returns, leaving the rank-1 sample matrix), and the batch solve
     * does not factor each matrix first (N³/3 each), so a window is only checked once its solve has failed.
     */
    private void requirePositiveDefinite(CovarianceMatrix c, int k, String date) {
        try {
            c.requirePositiveDefinite();
        } catch (NotPositiveDefiniteException e) {
            String why = e.getMessage();
            int advice = why.indexOf("; remove near-duplicate");
            throw new NotPositiveDefiniteException("window " + (k + 1) + " (ending " + date + "): the " + estimator
                    + " estimate from " + window + " returns: " + (advice > 0 ? why.substring(0, advice) : why)
                    + "; use a longer --window");
        }
    }

    /**
     * A window's covariance under --universe window: the estimator on the members' columns only (a shrinkage
     * target must not see the fillers), embedded in N × N with 1 on the diagonal of each non-member and 0 elsewhere
     * in its row and column: positive definite, and outside the solve (budget 0).
     */
    private static CovarianceMatrix membersCovariance(Returns w, boolean[] member, CovarianceEstimator est) {
        int n = w.assetCount();
        int[] cols = java.util.stream.IntStream.range(0, n).filter(j -> member[j]).toArray();
        int m = cols.length;
        double[] values = new double[w.observations() * m];
        List<String> names = new ArrayList<>(m);
        for (int a = 0; a < m; a++) {
            names.add(w.assets().get(cols[a]));
            for (int t = 0; t < w.observations(); t++) {
                values[t * m + a] = w.get(t, cols[a]);
            }
        }
        CovarianceMatrix c;
        try {
            c = est.estimate(Returns.of(w.observations(), m, values, names, w.dates()),
                    MissingValuePolicy.DROP_INCOMPLETE_ROWS);
        } catch (io.equirisk.error.ZeroVarianceException e) { /* the estimator numbers the members: say the column */
            String message = e.getMessage();
            for (int a = 0; a < m; a++) {
                message = message.replace("asset " + names.get(a) + " (#" + (a + 1) + ")",
                        "asset " + names.get(a) + " (#" + (cols[a] + 1) + ")");
            }
            throw new io.equirisk.error.ZeroVarianceException(message);
        }
        double[] full = new double[n * n];
        for (int j = 0; j < n; j++) {
            if (!member[j]) {
                full[j * n + j] = 1.0;
            }
        }
        for (int a = 0; a < m; a++) {
            for (int b = 0; b < m; b++) {
                full[cols[a] * n + cols[b]] = c.get(a, b);
            }
        }
        return CovarianceMatrix.of(n, full, w.assets());
    }

    /** Returns before the first window, left out so that the last window ends on the last date. */
    private int leftBefore;

    /**
     * The returns from the first row of the first window on, the windows laid back from the last date: with T
     * usable rows (complete rows, or with {@code anyReturn} rows where some asset has a return, as --universe window
     * counts them), the first (T − WINDOW) mod STEP are left out. Anchored at the first row instead, up to STEP − 1
     * of the newest returns went unused and the last weights were as of an earlier date (the S&P 500 example: its
     * newest 61 returns).
     */
    /** {@code r} without its rows in which every value is missing; {@code r} itself when it has none. */
    static Returns withoutBlankRows(Returns r) {
        int n = r.assetCount();
        List<Integer> kept = new ArrayList<>();
        for (int row = 0; row < r.observations(); row++) {
            for (int j = 0; j < n; j++) {
                if (!Double.isNaN(r.get(row, j))) {
                    kept.add(row);
                    break;
                }
            }
        }
        if (kept.size() == r.observations()) {
            return r;
        }
        double[] values = new double[kept.size() * n];
        List<String> dates = new ArrayList<>(kept.size());
        for (int k = 0; k < kept.size(); k++) {
            for (int j = 0; j < n; j++) {
                values[k * n + j] = r.get(kept.get(k), j);
            }
            dates.add(r.dates().get(kept.get(k)));
        }
        return Returns.of(kept.size(), n, values, r.assets(), dates);
    }

    private Returns fromLastDate(Returns r, boolean anyReturn) {
        int t = r.observations();
        int[] usable = new int[t];
        int count = 0;
        for (int row = 0; row < t; row++) {
            boolean keep = !anyReturn;
            for (int j = 0; j < r.assetCount() && !keep; j++) {
                keep = !Double.isNaN(r.get(row, j));
            }
            if (keep) {
                usable[count++] = row;
            }
        }
        if (count < window || step < 1) {
            return r; /* too few rows: the caller's check says so */
        }
        leftBefore = (count - window) % step;
        return leftBefore == 0 ? r : r.rows(usable[leftBefore], t);
    }

    /**
     * When dropping incomplete dates costs more than a tenth of them: which columns cost them (typically the latest
     * listings), chosen greedily — each step removes the asset whose column alone keeps the most further dates — up
     * to five, or until nine tenths of the dates would be kept. Empty otherwise.
     */
    static String costliest(Returns all, int dropped) {
        int t = all.observations();
        int n = all.assetCount();
        if (dropped * 10 <= t) {
            return "";
        }
        boolean[] removed = new boolean[n];
        int kept = t - dropped;
        List<String> names = new ArrayList<>();
        while (names.size() < 5 && kept * 10 < t * 9) {
            int[] gain = new int[n]; /* dates on which asset j is the only one missing among those left */
            for (int row = 0; row < t; row++) {
                int missing = 0;
                int which = -1;
                for (int j = 0; j < n && missing < 2; j++) {
                    if (!removed[j] && Double.isNaN(all.get(row, j))) {
                        missing++;
                        which = j;
                    }
                }
                if (missing == 1) {
                    gain[which]++;
                }
            }
            int best = 0;
            for (int j = 1; j < n; j++) {
                if (gain[j] > gain[best]) {
                    best = j;
                }
            }
            if (gain[best] == 0) {
                break;
            }
            removed[best] = true;
            kept += gain[best];
            names.add(all.assets().get(best));
        }
        return names.isEmpty() ? "" : "; without the column" + (names.size() > 1 ? "s" : "") + " of "
                + String.join(", ", names) + ", " + kept + " would be kept";
    }

    /** The CSV's columns besides the assets': the first, then those after the weights. */
    static final List<String> FIXED_COLUMNS = List.of("date", "converged", "residual", "iterations", "volatility",
            "assets");

    static void writeCsv(Report r, Writer w) throws IOException {
        StringBuilder header = new StringBuilder("date");
        for (String a : r.assets()) {
            header.append(',').append(Errors.csvText(a));
        }
        w.write(header + "," + String.join(",", FIXED_COLUMNS.subList(1, FIXED_COLUMNS.size()))
                + (r.leverage() != null ? ",leverage" : "") + "\n");
        BatchSolution s = r.solution();
        for (int k = 0; k < r.count(); k++) {
            StringBuilder row = new StringBuilder(Errors.csvText(r.dates().get(k)));
            for (int i = 0; i < r.assets().size(); i++) {
                row.append(',').append(r.weight(k, i));
            }
            row.append(',').append(s.converged()[k]).append(',').append(s.residuals()[k]).append(',')
                    .append(s.iterations()[k]).append(',').append(s.volatilities()[k]).append(',')
                    .append(r.sizes()[k]);
            if (r.leverage() != null) {
                row.append(',').append(r.leverage()[k]);
            }
            w.write(row + "\n");
        }
    }

    /** The --out-of-sample CSV: each held date's return of every book (the header alone without a series). */
    static void writeOutOfSample(Report r, Writer w) throws IOException {
        OutOfSample o = r.outOfSample();
        boolean targeted = o != null ? o.targeted() != null : r.leverage() != null;
        w.write("date,weights,equal_weight" + (targeted ? ",vol_targeted" : "") + "\n");
        if (o == null) {
            return;
        }
        double[] weights = o.weights().returns();
        for (int t = 0; t < weights.length; t++) {
            /* o.dates() starts on the rebalance date before the first held return */
            w.write(Errors.csvText(o.dates().get(t + 1)) + "," + weights[t] + "," + o.equal().returns()[t]
                    + (targeted ? "," + o.targeted().returns()[t] : "") + "\n");
        }
    }

    static String json(Report r) {
        BatchSolution s = r.solution();
        Json j = new Json().beginObject();
        j.name("assets").beginArray();
        r.assets().forEach(j::value);
        j.endArray();
        j.name("left_out").beginArray(); /* budget 0 and no variance: the file's assets without a column */
        r.leftOut().forEach(j::value);
        j.endArray();
        j.name("rebalances").beginArray();
        for (int k = 0; k < r.count(); k++) {
            j.beginObject().field("date", r.dates().get(k));
            j.name("weights").beginArray();
            for (int i = 0; i < r.assets().size(); i++) {
                j.value(r.weight(k, i));
            }
            j.endArray();
            j.field("converged", s.converged()[k]).field("residual", s.residuals()[k])
                    .field("iterations", s.iterations()[k]).field("solver", s.solvers()[k])
                    .field("volatility", s.volatilities()[k]) /* per period, as in the CSV */
                    .field("assets", r.sizes()[k]);
            if (r.leverage() != null) {
                j.field("leverage", r.leverage()[k]); /* NaN (unconverged) is written as null */
            }
            j.endObject();
        }
        j.endArray();
        j.field("volatility_per", "period").field("periods_per_year", r.periods().value())
                .field("periods_per_year_from", r.periods().how());
        j.field("window", r.window()).field("step", r.step()).field("estimator", r.estimator())
                .field("universe", r.perWindow() ? "window" : "complete")
                .field("tolerance", r.tolerance()).field("unconverged", s.unconvergedCount())
                .field("mean_turnover", r.meanTurnover()) /* NaN is written as null */
                .field("dropped_dates", r.droppedDates())
                .field("backend", r.backendName()).field("backend_reason", r.backendReason())
                .field("seconds", r.seconds()).field("input", r.input());
        if (r.verifyDifference() != null) {
            j.field("verify_max_weight_difference", r.verifyDifference());
        }
        if (r.volTarget() != null) {
            j.field("target_volatility", r.volTarget());
        }
        OutOfSample o = r.outOfSample();
        if (o == null && r.outOfSampleWhy() != null) {
            j.field("out_of_sample_unavailable", r.outOfSampleWhy());
        }
        if (o != null) {
            j.name("out_of_sample").beginObject().field("from", o.from()).field("to", o.to())
                    .field("returns", o.weightsSummary().periods())
                    .field("missing_returns_as_zero", o.weights().missingAsZero())
                    .field("cost_bps", o.costRate() * 10_000);
            summaryJson(j.name("weights"), o.weightsSummary(), o.weights());
            summaryJson(j.name("equal_weight"), o.equalSummary(), o.equal());
            if (o.targetedSummary() != null) {
                summaryJson(j.name("vol_targeted"), o.targetedSummary(), o.targeted());
            } else if (o.targetedWhy() != null) {
                j.field("vol_targeted_unavailable", o.targetedWhy());
            }
            if (o.targeted() != null && o.wipedOut() != null) {
                j.field("vol_targeted_lost_all_on", o.wipedOut());
            }
            j.endObject();
        }
        return j.endObject().toString();
    }

    private static void summaryJson(Json j, PerformanceSummary s, HeldPortfolio book) {
        j.beginObject().field("annualised_return", s.annualisedReturn())
                .field("annualised_volatility", s.annualisedVolatility())
                .field("return_to_volatility", s.returnToVolatility()).field("max_drawdown", s.maxDrawdown())
                .field("total_return", s.totalReturn())
                .field("costs_per_year", book.costsPerYear(s.periodsPerYear())).endObject();
    }

    /** The --chart page. */
    static ChartPage chartPage(Report r) {
        int n = r.assets().size();
        int count = r.count();
        double[] mean = new double[n];
        for (int k = 0; k < count; k++) {
            for (int i = 0; i < n; i++) {
                mean[i] += r.weight(k, i) / count;
            }
        }
        List<Integer> order = new ArrayList<>(java.util.stream.IntStream.range(0, n).boxed().toList());
        order.sort((a, b) -> Double.compare(mean[b], mean[a]));
        int shown = n <= CHART_ASSETS + 1 ? n : CHART_ASSETS; /* never an "other" of one asset */
        List<String> names = new ArrayList<>();
        List<double[]> values = new ArrayList<>();
        for (int s = 0; s < shown; s++) {
            int i = order.get(s);
            names.add(r.assets().get(i));
            double[] v = new double[count];
            for (int k = 0; k < count; k++) {
                v[k] = 100 * r.weight(k, i);
            }
            values.add(v);
        }
        double[] others = new double[count];
        for (int s = shown; s < n; s++) {
            for (int k = 0; k < count; k++) {
                others[k] += 100 * r.weight(k, order.get(s));
            }
        }
        double othersMean = java.util.Arrays.stream(others).sum() / count;
        ChartPage page = new ChartPage("equirisk rolling: " + r.input(), count + " rebalances, windows of "
                + r.window() + " returns every " + r.step() + ", " + r.estimator() + " covariance; " + r.backendReason());
        if (othersMean <= 50) {
            if (shown < n) {
                names.add("the other " + (n - shown));
                values.add(others);
            }
            page.add("Weights at each rebalance date (held until the next)",
                    ChartPage.lineChart(r.dates(), "weight, %", true, true, names, values));
        } else {
            /* A large universe near equal risk: stacked, the summed rest would fill the chart and hide the rest. */
            page.add(String.format(java.util.Locale.ROOT, "Weights of the %d largest assets by mean weight at each "
                            + "rebalance date (held until the next; the other %d, not drawn, hold %.1f%% on average)",
                            shown, n - shown, othersMean),
                    ChartPage.lineChart(r.dates(), "weight, %", false, true, names, values));
        }
        OutOfSample o = r.outOfSample();
        if (o != null) {
            List<String> books = new ArrayList<>(List.of("these weights", "equal weight"));
            List<double[]> paths = new ArrayList<>(List.of(growth(o.weights()), growth(o.equal())));
            if (o.targeted() != null) {
                books.add("vol-targeted (" + TextTable.percent(r.volTarget()) + ")");
                paths.add(growth(o.targeted()));
            }
            page.add("Out of sample: growth of 1 held from " + o.dates().get(0) + " (drifting between dates, "
                            + costs(o) + ")",
                    ChartPage.lineChart(o.dates(), "growth of 1", false, false, books, paths));
        }
        double[] vol = new double[count];
        for (int k = 0; k < count; k++) {
            vol[k] = 100 * r.solution().volatilities()[k] * Math.sqrt(r.periods().value());
        }
        page.add("Portfolio volatility at each date, annualised (" + r.periods().describe() + ")",
                ChartPage.lineChart(r.dates(), "volatility, %", false, true, List.of("from the window's covariance"),
                        List.of(vol)));
        return page;
    }

    /** Wealth from 1 before the first held return, then after each. */
    private static double[] growth(HeldPortfolio h) {
        double[] w = new double[h.returns().length + 1];
        w[0] = 1;
        for (int t = 0; t < h.returns().length; t++) {
            w[t + 1] = w[t] * (1 + h.returns()[t]);
        }
        return w;
    }

    /** What the held books pay to trade, in words. */
    private static String costs(OutOfSample o) {
        return o.costRate() > 0 ? "paying " + TextTable.fixed(o.costRate() * 10_000, 1) + " bps of each trade's value"
                : "no costs";
    }

    private static String summaryLine(PerformanceSummary s, HeldPortfolio book, OutOfSample o) {
        return "return " + TextTable.percent(s.annualisedReturn()) + "/yr, vol "
                + TextTable.percent(s.annualisedVolatility()) + "/yr, return/vol "
                + TextTable.fixed(s.returnToVolatility(), 2) + ", max drawdown " + TextTable.percent(s.maxDrawdown())
                + (o.costRate() > 0 ? ", costs " + TextTable.percent(book.costsPerYear(s.periodsPerYear())) + "/yr"
                : "");
    }

    static void table(Report r, PrintWriter out) {
        int n = r.assets().size();
        int last = r.count() - 1;
        TextTable t = new TextTable("asset", "weight (" + r.dates().get(last) + ")", "mean", "min", "max");
        for (int i = 0; i < n; i++) {
            double mean = 0;
            double min = Double.POSITIVE_INFINITY;
            double max = Double.NEGATIVE_INFINITY;
            for (int k = 0; k < r.count(); k++) {
                double w = r.weight(k, i);
                mean += w;
                min = Math.min(min, w);
                max = Math.max(max, w);
            }
            t.row(r.assets().get(i), TextTable.fixed(r.weight(last, i), 6), TextTable.fixed(mean / r.count(), 6),
                    TextTable.fixed(min, 6), TextTable.fixed(max, 6));
        }
        t.print(out);
        BatchSolution s = r.solution();
        out.println();
        out.println("input:            " + r.input() + (r.droppedDates() > 0 ? " (" + r.droppedDates()
                + " incomplete dates dropped)" : ""));
        ReportOutput.printLeftOut(out, r.leftOut(), "with budget 0 and no variance");
        out.println("rebalances:       " + r.count() + " (" + r.dates().get(0) + " … " + r.dates().get(last)
                + "), windows of " + r.window() + " returns every " + r.step() + ", " + r.estimator()
                + " covariance");
        if (r.perWindow()) {
            int min = Integer.MAX_VALUE;
            int max = 0;
            for (int size : r.sizes()) {
                min = Math.min(min, size);
                max = Math.max(max, size);
            }
            out.println("universe:         each window's own: " + (min == max ? min : min + "–" + max) + " of " + n
                    + " assets (a return on every date of the window, not all the same)");
        }
        ReportOutput.convergence(out, s, r.tolerance());
        out.println("turnover:         " + (Double.isNaN(r.meanTurnover()) ? (r.count() < 2 ? "n/a (one "
                + "rebalance: nothing traded after the first)" : "n/a (no out-of-sample series)")
                : TextTable.percent(r.meanTurnover()) + " one-way per rebalance (mean; from the drifted holdings)"));
        out.println("portfolio vol:    " + TextTable.percent(s.volatilities()[last] * Math.sqrt(r.periods().value()))
                + " annualised on " + r.dates().get(last) + " (" + r.periods().describe() + ")");
        if (r.leverage() != null) {
            double lo = Double.POSITIVE_INFINITY;
            double hi = Double.NEGATIVE_INFINITY;
            for (double l : r.leverage()) {
                if (!Double.isNaN(l)) {
                    lo = Math.min(lo, l);
                    hi = Math.max(hi, l);
                }
            }
            out.println("vol target:       " + TextTable.percent(r.volTarget()) + " annualised → leverage "
                    + TextTable.fixed(r.leverage()[last], 4) + " on " + r.dates().get(last) + " (" + (lo <= hi
                    ? TextTable.fixed(lo, 4) + "–" + TextTable.fixed(hi, 4) : "n/a") + " over the rebalances; in "
                    + "the CSV's leverage column)");
        }
        OutOfSample o = r.outOfSample();
        if (o == null) {
            out.println("out of sample:    none (" + (r.count() < 2 ? "one rebalance, on the last date: nothing is "
                    + "held after it" : "see the note above") + ")");
        } else {
            out.println("out of sample:    each date's weights held to the next date (drifting, " + costs(o) + "): "
                    + o.weightsSummary().periods() + " returns, " + o.from() + " … " + o.to()
                    + (r.droppedDates() > 0 && !r.perWindow() ? " (every date, also those the windows drop)" : ""));
            out.println("  these weights:  " + summaryLine(o.weightsSummary(), o.weights(), o));
            out.println("  equal weight:   " + summaryLine(o.equalSummary(), o.equal(), o));
            if (o.targetedSummary() != null) {
                out.println("  vol-targeted:   " + summaryLine(o.targetedSummary(), o.targeted(), o) + " (these "
                        + "weights × each date's leverage, financed at 0)");
            } else if (o.targetedWhy() != null) {
                out.println("  vol-targeted:   n/a (" + o.targetedWhy() + ")");
            }
            if (o.targeted() != null && o.wipedOut() != null) {
                out.println("  note:           the vol-targeted book lost all its equity on " + o.wipedOut()
                        + " (its leverage times that fall); its figures count the dates after it, at 0");
            }
            if (Double.isNaN(o.weightsSummary().annualisedVolatility())) {
                out.println("  note:           one held return: no volatility from it");
            }
            if (o.weights().missingAsZero() > 0) {
                out.println("  note:           " + o.weights().missingAsZero() + " missing returns of held assets "
                        + "counted as 0" + (r.input().startsWith("prices") ? " (the price carried forward; a move "
                        + "over a gap counts on the date after it)" : ""));
            }
        }
        out.println("backend:          " + r.backendReason() + "; " + String.format(Locale.ROOT, "%.3f", r.seconds())
                + " s");
        if (r.verifyDifference() != null) {
            out.println("verify:           max |w − w_cpu| = "
                    + String.format(Locale.ROOT, "%.2e", r.verifyDifference()) + " over every date (pure-Java CPU "
                    + "engine)");
        }
    }
}

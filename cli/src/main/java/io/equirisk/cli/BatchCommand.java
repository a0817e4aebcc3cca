package io.equirisk.cli;

import io.equirisk.Equirisk;
import io.equirisk.backend.BatchSolution;
import io.equirisk.cli.io.CovarianceCsv;
import io.equirisk.cli.io.Errors;
import io.equirisk.covariance.CovarianceBatch;
import io.equirisk.covariance.CovarianceMatrix;
import io.equirisk.error.DimensionMismatchException;
import io.equirisk.error.EquiriskException;
import io.equirisk.error.InvalidInputException;
import io.equirisk.solver.RiskBudgets;
import io.equirisk.solver.SolverOptions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

/**
 * {@code equirisk batch}: risk-budgeting weights for many covariance matrices of the same assets (stress scenarios
 * from a risk system, one per regime or date), solved in one call.
 */
@Command(name = "batch", mixinStandardHelpOptions = true, versionProvider = VersionInfo.class, sortOptions = false,
        description = {"Risk parity (ERC) or risk-budgeting weights for many covariance matrices of the same "
                + "assets, solved in one call (on a GPU when one is usable).", "",
                "Each --cov file is one problem, named by its file name: stress scenarios from a risk system, a "
                + "matrix per regime or per date. The files may list the assets in different orders: they are "
                + "matched by name to the first named file's order (by position when a file has no names; where "
                + "the named files' orders differ, a file without names is refused).", "",
                "The base case (--base, by default the first file) is held under every problem's Σ: its "
                + "volatility there, how far its risk contributions fall from the budgets, and the trade from it to "
                + "each problem's own weights.", ""},
        footer = {"", "Output (--output, or --format csv): one row per matrix: name, the weight of each asset, then "
                + "converged, residual, iterations and the portfolio volatility per period; then the base case's "
                + "(--base, the first file by default: its weights held under this Σ) volatility per period and "
                + "max |RC − b|, and the one-way turnover from the base weights to these; with --vol-target, the "
                + "leverage to the target and the levered base book's volatility per period.",
                "", "Exit status 1 when any problem did not converge (the outputs are written first and say which).",
                "", "Examples:",
                "  equirisk batch --cov base.csv --cov crisis-2008.csv --cov covid-2020.csv",
                "  equirisk batch --cov scenarios/ --budgets budgets.csv --output weights.csv",
                "  equirisk batch --cov stress/*.csv --periods-per-year 252 --format json"})
final class BatchCommand implements Runnable {

    /** The CSV's columns besides the assets'; an asset of the same name is warned about. */
    static final List<String> FIXED_COLUMNS = List.of("name", "converged", "residual", "iterations", "volatility",
            "base_volatility", "base_rc_error", "turnover_from_base");

    /** Problems shown side by side, a weight column each, in the table; more get the mean, min and max. */
    static final int SIDE_BY_SIDE = 6;

    /** Problems listed one line each in the table; more are counted, the unconverged ones named. */
    static final int LISTED = 20;

    /** Problems drawn as bars side by side in the chart; more are drawn as a box per asset. */
    static final int CHART_BARS = 12;

    @ParentCommand
    Main main;

    @Option(names = "--cov", paramLabel = "FILE|DIR", required = true, arity = "1..*",
            description = "Covariance matrices, one CSV file each (the layouts 'solve --cov' reads), or a folder: "
                    + "every .csv file in it, by name. Repeat the option or give several files after it "
                    + "(--cov stress/*.csv).")
    List<Path> covFiles;

    @Option(names = "--base", paramLabel = "NAME",
            description = "The problem whose weights are held under every problem's Σ (its name: the file name "
                    + "without .csv). Default: the first file.")
    String baseName;

    @Option(names = "--repair",
            description = "Repair a matrix that is not positive definite (correlations set by hand for a stress that "
                    + "contradict one another) to the nearest one whose correlations are a correlation matrix "
                    + "(Higham's alternating projections; the volatilities kept), with a note of how far it moved. "
                    + "Without it such a matrix is an error.")
    boolean repair;

    @Mixin
    BudgetOptions budgetOptions;

    /** The files --repair moved: a solve of one that fails is told to loosen the tolerance, not to iterate more. */
    private final java.util.Set<Path> repaired = new java.util.HashSet<>();

    @Mixin
    SolverChoice solving;

    @Option(names = "--periods-per-year", paramLabel = "N",
            description = "Return periods per year of the matrices (252 for trading days' returns, 365 for a market "
                    + "open every day, 52 weekly, 12 monthly), to "
                    + "annualise the volatilities. Default: per period.")
    Integer periodsPerYear;

    @Option(names = "--vol-target", paramLabel = "VOL",
            description = "Also the leverage that takes each problem's weights to this annualised volatility (e.g. "
                    + "0.10; needs --periods-per-year), and the base case levered to it held under each Σ: what a "
                    + "vol-targeted book's volatility becomes in each stress.")
    Double volTarget;

    @Option(names = "--backend", paramLabel = "auto|cpu|cuda|emulation", defaultValue = "auto",
            description = "Compute backend; auto takes a GPU when one is usable, else the CPU engine. "
                    + "Default: ${DEFAULT-VALUE}.")
    String backend;

    @Option(names = "--verify", description = "Also solve every problem on the pure-Java CPU engine and report the "
            + "largest weight difference.")
    boolean verify;

    @Option(names = {"-o", "--output"}, paramLabel = "FILE",
            description = "Write the weights of every problem (full precision) to this CSV file (- or /dev/stdout: "
                    + "to standard output, in place of --format).")
    Path output;

    @Option(names = "--chart", paramLabel = "FILE.html",
            description = "Also write an HTML page of charts: each asset's weight in every problem (bars side by "
                    + "side for up to " + CHART_BARS + " problems; more: a box of the weights across them beside "
                    + "the base's), and the portfolio's volatility in each problem, its own weights' beside the "
                    + "base's. It embeds its data and "
                    + "Apache ECharts, so it opens offline in a browser.")
    Path chart;

    @Option(names = "--format", paramLabel = "table|json|csv", defaultValue = "table",
            description = "What to print on stdout: the weights and a line per problem (table), everything "
                    + "(json), or the output CSV (csv). Default: ${DEFAULT-VALUE}.")
    String format;

    /** Everything the outputs show. */
    record Report(List<String> names, List<Path> files, List<String> assets, double[] budgets,
                  BatchSolution solution, Base base, double tolerance, Integer periodsPerYear, Double volTarget,
                  String backendName, String backendReason, double seconds, Double verifyDifference) {

        /** Problem k's leverage to the vol target: the target over its weights' annualised volatility. */
        double leverage(int k) {
            return volTarget / (solution.volatilities()[k] * scale());
        }

        /** The base case levered to the target, held under problem k's Σ: its volatility per period. */
        double baseLevered(int k) {
            return leverage(base.index()) * base.volatility()[k];
        }

        int count() {
            return names.size();
        }

        /** Per-period volatilities × this: √P when annualised, else 1. */
        double scale() {
            return periodsPerYear == null ? 1.0 : Math.sqrt(periodsPerYear);
        }

        String volatilityIs() {
            return periodsPerYear == null ? "per period" : "annualised (" + periodsPerYear + " periods/year)";
        }
    }

    /**
     * The base problem's weights (the first by default: the base case, such as today's calm Σ) held under every
     * problem's Σ: what a stress does to the portfolio one holds, beside the weights it would take to restore risk
     * parity there.
     *
     * @param index      the base problem's place among the problems
     * @param volatility per problem, the base weights' volatility per period under its Σ
     * @param rcError    per problem, max |RC_i − b_i| of the base weights under its Σ
     * @param turnover   per problem, the one-way trade from the base weights to its own, ½ Σ |w_i − w_base,i|
     */
    record Base(int index, double[] volatility, double[] rcError, double[] turnover) {

        static Base of(List<CovarianceMatrix> matrices, BatchSolution s, double[] budgets, int from) {
            int n = s.n();
            int count = s.batch();
            double[] base = java.util.Arrays.copyOfRange(s.weights(), from * n, from * n + n);
            double[] vol = new double[count];
            double[] error = new double[count];
            double[] turnover = new double[count];
            for (int k = 0; k < count; k++) {
                PortfolioRisk risk = PortfolioRisk.of(matrices.get(k), base);
                vol[k] = risk.volatility;
                double traded = 0;
                for (int i = 0; i < n; i++) {
                    error[k] = Math.max(error[k], Math.abs(risk.shares[i] - budgets[i]));
                    traded += Math.abs(s.weights()[k * n + i] - base[i]);
                }
                turnover[k] = 0.5 * traded;
            }
            return new Base(from, vol, error, turnover);
        }
    }

    @Override
    public void run() {
        String fmt = ReportOutput.format(format);
        List<Path> files = expand(covFiles, budgetOptions.file, main.spec.commandLine().getErr());
        List<Path> inputs = new ArrayList<>(files);
        inputs.add(budgetOptions.file);
        ReportOutput.checkOutputs(output, chart, inputs.toArray(Path[]::new));
        List<String> names = names(files);
        int baseIndex = 0;
        if (baseName != null) {
            baseIndex = names.indexOf(baseName);
            if (baseIndex < 0) {
                throw new InvalidInputException("--base " + baseName + " names none of the problems: "
                        + String.join(", ", names.subList(0, Math.min(10, names.size())))
                        + (names.size() > 10 ? ", …" : ""));
            }
        }
        SolverOptions options = solving.options();
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
        if (volTarget != null && periodsPerYear == null) {
            throw new InvalidInputException("--vol-target is annualised, and the matrices' periods are unknown: give "
                    + "--periods-per-year (252 for trading days' returns, 365 for a market open every day, 12 "
                    + "monthly)");
        }
        PrintWriter out = main.spec.commandLine().getOut();
        PrintWriter err = main.spec.commandLine().getErr();
        Report report;
        try (EarlyBackend<Equirisk> early = EarlyBackend.open(backend);
             Progress progress = Progress.start(err, main.errIsTerminal, "batch")) {
            List<CovarianceMatrix> matrices = new ArrayList<>(files.size());
            int reference = -1; /* the first file that names its assets: every named file takes its order */
            int unnamed = -1; /* the first file without names, read by position */
            int reordered = -1; /* the first named file whose order differs from the reference's */
            for (int k = 0; k < files.size(); k++) {
                progress.update("reading " + (k + 1) + " of " + files.size() + ": " + files.get(k));
                CovarianceMatrix cov = read(files.get(k));
                boolean named = !cov.assets().equals(CovarianceMatrix.defaultNames(cov.size()));
                if (k > 0) {
                    int to = reference >= 0 && named ? reference : 0;
                    if (named && reference >= 0 && reordered < 0
                            && !cov.assets().equals(matrices.get(reference).assets())) {
                        reordered = k;
                    }
                    cov = aligned(cov, files.get(k), matrices.get(to), files.get(to), named && reference >= 0);
                }
                if (reference < 0 && named) {
                    reference = k;
                }
                if (!named && unnamed < 0) {
                    unnamed = k;
                }
                if (unnamed >= 0 && reordered >= 0) { /* which order would the unnamed one be in? */
                    throw new InvalidInputException(files.get(unnamed) + " has no asset names, and the files that "
                            + "name them list them in different orders (" + files.get(reference) + ", "
                            + files.get(reordered) + "), so its order is unknown; give it a header of names");
                }
                matrices.add(positiveDefinite(cov, files.get(k), err));
                warnUnits(cov, files.get(k), err);
            }
            List<String> assets = matrices.get(Math.max(reference, 0)).assets();
            RiskBudgets budgets = budgetOptions.load(assets, solving.tolerance);
            progress.update("solving " + files.size() + " problems of " + assets.size() + " assets");
            BatchSolution solution;
            String backendName;
            String reason;
            long start = System.nanoTime();
            CovarianceBatch batch = CovarianceBatch.of(matrices);
            try (Equirisk er = early.take()) {
                backendName = er.backend().name();
                reason = er.selectionReason();
                solution = er.solveBatch(batch, budgets.toArray(), options);
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            Double difference = null;
            if (verify) {
                progress.update("verifying with the CPU engine");
                try (Equirisk cpu = Equirisk.withBackend("cpu")) {
                    difference = solution.maxWeightDifference(cpu.solveBatch(batch, budgets.toArray(), options));
                }
            }
            report = new Report(names, files, assets, budgets.toArray(), solution,
                    Base.of(matrices, solution, budgets.toArray(), baseIndex), solving.tolerance, periodsPerYear,
                    volTarget, backendName, reason, seconds, difference);
        }
        Report r = report;
        if (chart != null) {
            chartPage(r).write(chart);
        }
        ReportOutput.warnColumnClash(err, output, fmt, r.assets(), FIXED_COLUMNS);
        ReportOutput.emit(output, fmt, out, w -> writeCsv(r, w), () -> json(r), o -> table(r, o));
        int failed = r.solution().unconvergedCount();
        if (failed > 0) {
            int first = firstUnconverged(r.solution());
            throw new io.equirisk.error.ConvergenceException(failed + " of " + r.count() + " problems did not "
                    + "converge (the first, " + r.names().get(first) + ": residual " + String.format(Locale.ROOT,
                    "%.3g", r.solution().residuals()[first]) + " > tolerance " + ReportOutput.tolerance(r.tolerance())
                    + "); their rows say converged=false; " + (repaired.contains(r.files().get(first)) ? "it was "
                    + "repaired (--repair) to a nearly singular matrix, which this tolerance may not certify: try "
                    + "--tol 1e-8" : solving.remedy()), r.solution());
        }
    }

    /** The files of the --cov arguments: a folder gives its .csv files, by name. */
    static List<Path> expand(List<Path> given, Path budgets, PrintWriter err) {
        List<Path> files = new ArrayList<>();
        java.util.Set<Path> seen = new java.util.HashSet<>();
        for (Path p : given) {
            if (p.toString().startsWith("-") && !Files.exists(p)) { /* --cov takes every value up to an option it
                                                                       knows: an unknown one lands here */
                throw new InvalidInputException("unknown option '" + p + "' (or a --cov file of that name that does "
                        + "not exist); see equirisk batch --help");
            }
            if (!Files.isDirectory(p)) {
                if (!seen.add(p.toAbsolutePath().normalize())) {
                    throw new InvalidInputException("--cov: " + p + " is given twice");
                }
                files.add(p);
                continue;
            }
            try (Stream<Path> in = Files.list(p)) {
                List<Path> csv = new ArrayList<>();
                int skipped = 0;
                for (Path f : in.sorted().toList()) {
                    String name = f.getFileName().toString();
                    if (!name.toLowerCase(Locale.ROOT).endsWith(".csv") || !Files.isRegularFile(f)) {
                        continue;
                    }
                    skipped++;
                    if (name.startsWith(".")) {
                        continue; /* hidden: macOS's ._name.csv beside each file on a shared drive */
                    }
                    if (budgets != null && Files.exists(budgets) && Files.isSameFile(f, budgets)) {
                        err.println("equirisk: note: " + f + " is left out of --cov " + p + ": it is the --budgets "
                                + "file");
                        continue;
                    }
                    if (ownOutput(f)) { /* a run before this one wrote it here; -o naming a matrix still fails */
                        err.println("equirisk: note: " + f + " is left out of --cov " + p + ": it is an equirisk "
                                + "batch output (its weights or chart), not a covariance matrix");
                        continue;
                    }
                    skipped--;
                    csv.add(f);
                }
                if (csv.isEmpty()) {
                    throw new InvalidInputException("--cov " + p + ": the folder holds no covariance matrices"
                            + (skipped > 0 ? " (its " + skipped + " .csv file" + (skipped == 1 ? " is" : "s are")
                            + " hidden, the --budgets file or earlier outputs)" : " (no .csv files)"));
                }
                for (Path f : csv) {
                    if (!seen.add(f.toAbsolutePath().normalize())) {
                        throw new InvalidInputException("--cov: " + f + " is given twice (in " + p + " too)");
                    }
                }
                files.addAll(csv);
            } catch (IOException e) {
                throw new EquiriskException("cannot list " + p + ": " + ReportOutput.reason(e));
            }
        }
        return files;
    }

    /**
     * Notes a matrix that reads but is likely not what was meant: a unit diagonal (a correlation matrix given for a
     * covariance: risk parity then weighs every asset as equally volatile), or a volatility above 100% a period (a
     * covariance of returns in percent, %²: the weights are the same, the volatilities 100 times too large).
     */
    private static void warnUnits(CovarianceMatrix cov, Path file, PrintWriter err) {
        double[] vol = cov.volatilities();
        boolean unit = true;
        double max = 0;
        for (double v : vol) {
            unit &= Math.abs(v - 1.0) <= 1e-9; /* 1 to rounding: cov / outer(σ, σ) is not exactly 1 */
            max = Math.max(max, v);
        }
        if (unit && vol.length > 1) {
            err.println("equirisk: warning: " + file + " has every variance exactly 1: a correlation matrix? risk "
                    + "parity on it takes every asset as equally volatile; give the covariance (volatilities on the "
                    + "diagonal, squared)");
        } else if (max > 1) {
            err.println("equirisk: note: " + file + " has a volatility of " + String.format(Locale.ROOT, "%.3g",
                    max) + " (" + String.format(Locale.ROOT, "%.0f", 100 * max) + "%) a period: a covariance of "
                    + "returns in percent (the volatilities then 100 times too large; the weights are the same), or "
                    + "of annual returns?");
        }
    }

    /** A --cov file, its errors told for this command (it takes matrices only, and has no estimator). */
    private static CovarianceMatrix read(Path file) {
        try {
            return CovarianceCsv.read(file);
        } catch (InvalidInputException e) {
            String m = e.getMessage();
            int hint = m.indexOf("give it with --prices or --returns");
            if (hint < 0) {
                throw e;
            }
            throw new DimensionMismatchException(m.substring(0, hint) + "estimate its covariance first (equirisk "
                    + "cov --returns FILE --output " + file.getFileName() + ")");
        }
    }

    /**
     * The matrix, checked positive definite: else, with --repair, the nearest whose correlations are a correlation
     * matrix (noted); without, an error that says what is wrong with it (a correlation beyond ±1; correlations
     * that contradict one another, the smallest eigenvalue of the correlation matrix clearly below 0; or an asset
     * that is numerically a combination of others).
     */
    private CovarianceMatrix positiveDefinite(CovarianceMatrix cov, Path file, PrintWriter err) {
        try {
            return cov.requirePositiveDefinite();
        } catch (io.equirisk.error.NotPositiveDefiniteException e) {
            String why = e.getMessage();
            int advice = why.indexOf("; remove near-duplicate");
            why = advice > 0 ? why.substring(0, advice) : why;
            double[] r = cov.correlation();
            int n = cov.size();
            int wi = -1;
            int wj = -1;
            for (int i = 0; i < n; i++) {
                for (int j = i + 1; j < n; j++) {
                    if (Math.abs(r[i * n + j]) > 1 + 1e-12 && (wi < 0 || Math.abs(r[i * n + j])
                            > Math.abs(r[wi * n + wj]))) {
                        wi = i;
                        wj = j;
                    }
                }
            }
            for (double v : r) {
                if (!Double.isFinite(v)) { /* a variance of 0 or below: the message says which */
                    throw Errors.inFile(file.toString(), e);
                }
            }
            double smallest = Double.POSITIVE_INFINITY;
            for (double v : io.equirisk.linalg.SymmetricEigen.of(r, n).values()) {
                smallest = Math.min(smallest, v);
            }
            if (repair && wi < 0) {
                CovarianceMatrix fixed = io.equirisk.covariance.NearestCorrelation.repair(cov);
                double[] q = fixed.correlation();
                double moved = 0;
                for (int i = 0; i < n * n; i++) {
                    moved = Math.max(moved, Math.abs(q[i] - r[i]));
                }
                err.println("equirisk: note: " + file + " is not positive definite (the smallest eigenvalue of its "
                        + "correlation matrix is " + String.format(Locale.ROOT, "%.3g", smallest) + "): repaired to "
                        + "the nearest correlation matrix, its correlations moved by up to "
                        + String.format(Locale.ROOT, "%.2g", moved) + " (--repair; its smallest eigenvalue is now "
                        + "about " + io.equirisk.covariance.NearestCorrelation.DEFAULT_FLOOR + ", so a solve of it "
                        + "may need a looser --tol)");
                repaired.add(file);
                return fixed;
            }
            String what = wi >= 0 ? "the correlation of " + cov.assets().get(wi) + " and " + cov.assets().get(wj)
                    + " is " + String.format(Locale.ROOT, "%.4g", r[wi * n + wj]) + ", beyond ±1: no returns have "
                    + "such a covariance; correct that entry (--repair moves correlations that contradict one "
                    + "another, not an entry beyond ±1)"
                    : smallest < -1e-6 ? why.replace(", so it is (numerically) a combination of them", "")
                    + " (its correlations contradict one another: the smallest eigenvalue of "
                    + "its correlation matrix is " + String.format(Locale.ROOT, "%.3g", smallest) + "); --repair "
                    + "moves it to the nearest valid one"
                    : why + "; remove near-duplicate assets, or --repair moves it to the nearest valid one";
            throw Errors.inFile(file.toString(), new io.equirisk.error.NotPositiveDefiniteException(what));
        }
    }

    /** Whether a file is this command's CSV (its header) or a chart page: read back, it is no covariance matrix. */
    static boolean ownOutput(Path f) {
        try (java.io.BufferedReader in = Files.newBufferedReader(f, java.nio.charset.StandardCharsets.UTF_8)) {
            String first = in.readLine();
            return first != null && (first.startsWith("name,") && first.contains(",converged,residual,iterations,"
                    + "volatility") || first.startsWith("<!DOCTYPE html"));
        } catch (IOException | java.io.UncheckedIOException e) {
            return false; /* unreadable here: the reader says why */
        }
    }

    /**
     * Each file's name without ".csv"; where two files share one (the same name in two folders), every file is
     * named by its path as given.
     */
    static List<String> names(List<Path> files) {
        List<String> stems = new ArrayList<>();
        for (Path f : files) {
            String name = f.getFileName().toString();
            stems.add(name.toLowerCase(Locale.ROOT).endsWith(".csv") ? name.substring(0, name.length() - 4) : name);
        }
        return stems.stream().distinct().count() == stems.size() ? stems
                : files.stream().map(Path::toString).toList();
    }

    /**
     * {@code cov} with its assets in the order of {@code first}'s: matched by name where both files name them (the
     * caller passes the first named file then, so two named files in different orders are never matched by position
     * through an unnamed one between them), else by position.
     */
    static CovarianceMatrix aligned(CovarianceMatrix cov, Path file, CovarianceMatrix first, Path firstFile,
                                    boolean named) {
        int n = first.size();
        if (!named || cov.assets().equals(first.assets())) {
            if (cov.size() != n) {
                throw new DimensionMismatchException(file + ": " + cov.size() + " assets, but " + firstFile + " has "
                        + n + (named ? "" : " (matched by position: a file has no asset names)"));
            }
            return cov;
        }
        Map<String, Integer> at = new HashMap<>();
        for (int i = 0; i < cov.size(); i++) {
            at.put(cov.assets().get(i), i);
        }
        int[] order = new int[n];
        for (int i = 0; i < n; i++) {
            Integer j = at.remove(first.assets().get(i));
            if (j == null) {
                throw new DimensionMismatchException(file + ": has no asset " + first.assets().get(i) + ", which "
                        + firstFile + " has; every matrix must hold the same assets");
            }
            order[i] = j;
        }
        if (!at.isEmpty()) {
            String extra = at.keySet().stream().sorted().findFirst().orElseThrow();
            throw new DimensionMismatchException(file + ": asset " + extra + " is not in " + firstFile
                    + (at.size() > 1 ? " (nor " + (at.size() - 1) + " more)" : "") + "; every matrix must hold the "
                    + "same assets");
        }
        return cov.subset(order);
    }

    private static int firstUnconverged(BatchSolution s) {
        for (int k = 0; k < s.batch(); k++) {
            if (!s.converged()[k]) {
                return k;
            }
        }
        return -1;
    }

    static void writeCsv(Report r, Writer w) throws IOException {
        StringBuilder header = new StringBuilder("name");
        for (String a : r.assets()) {
            header.append(',').append(Errors.csvText(a));
        }
        w.write(header + "," + String.join(",", FIXED_COLUMNS.subList(1, FIXED_COLUMNS.size()))
                + (r.volTarget() != null ? ",leverage,base_levered_volatility" : "") + "\n");
        BatchSolution s = r.solution();
        int n = r.assets().size();
        for (int k = 0; k < r.count(); k++) {
            StringBuilder row = new StringBuilder(Errors.csvText(r.names().get(k)));
            for (int i = 0; i < n; i++) {
                row.append(',').append(s.weights()[k * n + i]);
            }
            row.append(',').append(s.converged()[k]).append(',').append(s.residuals()[k]).append(',')
                    .append(s.iterations()[k]).append(',').append(s.volatilities()[k]).append(',')
                    .append(r.base().volatility()[k]).append(',').append(r.base().rcError()[k]).append(',')
                    .append(r.base().turnover()[k]);
            if (r.volTarget() != null) {
                row.append(',').append(r.leverage(k)).append(',').append(r.baseLevered(k));
            }
            w.write(row + "\n");
        }
    }

    static String json(Report r) {
        BatchSolution s = r.solution();
        int n = r.assets().size();
        Json j = new Json().beginObject();
        j.name("assets").beginArray();
        r.assets().forEach(j::value);
        j.endArray();
        j.name("budgets").beginArray();
        for (double b : r.budgets()) {
            j.value(b);
        }
        j.endArray();
        j.name("problems").beginArray();
        for (int k = 0; k < r.count(); k++) {
            j.beginObject().field("name", r.names().get(k)).field("file", r.files().get(k).toString());
            j.name("weights").beginArray();
            for (int i = 0; i < n; i++) {
                j.value(s.weights()[k * n + i]);
            }
            j.endArray();
            j.name("risk_contributions").beginArray();
            for (int i = 0; i < n; i++) {
                j.value(s.riskContributions()[k * n + i]);
            }
            j.endArray();
            j.field("converged", s.converged()[k]).field("residual", s.residuals()[k])
                    .field("iterations", s.iterations()[k]).field("solver", s.solvers()[k])
                    .field("volatility", s.volatilities()[k] * r.scale())
                    .field("base_volatility", r.base().volatility()[k] * r.scale())
                    .field("base_rc_error", r.base().rcError()[k])
                    .field("turnover_from_base", r.base().turnover()[k]);
            if (r.volTarget() != null) {
                j.field("leverage", r.leverage(k)).field("base_levered_volatility", r.baseLevered(k) * r.scale());
            }
            j.endObject();
        }
        j.endArray();
        j.field("volatility_annualised", r.periodsPerYear() != null);
        if (r.periodsPerYear() != null) {
            j.field("periods_per_year", r.periodsPerYear());
        }
        j.field("base", r.names().get(r.base().index()));
        if (r.volTarget() != null) {
            j.field("target_volatility", r.volTarget());
        }
        j.field("tolerance", r.tolerance()).field("unconverged", s.unconvergedCount())
                .field("backend", r.backendName()).field("backend_reason", r.backendReason())
                .field("seconds", r.seconds());
        if (r.verifyDifference() != null) {
            j.field("verify_max_weight_difference", r.verifyDifference());
        }
        return j.endObject().toString();
    }

    /** The --chart page: the weights by asset and problem, and each problem's volatility, in percent. */
    static ChartPage chartPage(Report r) {
        BatchSolution s = r.solution();
        int n = r.assets().size();
        int count = r.count();
        ChartPage page = new ChartPage("equirisk batch: " + count + " covariance matrices × " + n + " assets",
                (count - s.unconvergedCount()) + " of " + count + " converged; " + r.backendReason());
        if (count <= CHART_BARS) {
            List<double[]> weights = new ArrayList<>();
            for (int k = 0; k < count; k++) {
                double[] w = new double[n];
                for (int i = 0; i < n; i++) {
                    w[i] = 100 * s.weights()[k * n + i];
                }
                weights.add(w);
            }
            page.add("Weight by asset in each problem", ChartPage.barChart(r.assets(), "weight, %", r.names(),
                    weights));
        } else {
            double[][] boxes = new double[n][];
            double[] first = new double[n];
            for (int i = 0; i < n; i++) {
                double[] sorted = new double[count];
                for (int k = 0; k < count; k++) {
                    sorted[k] = s.weights()[k * n + i];
                }
                java.util.Arrays.sort(sorted);
                boxes[i] = new double[] {100 * ScenariosCommand.quantile(sorted, 0.05),
                    100 * ScenariosCommand.quantile(sorted, 0.25), 100 * ScenariosCommand.quantile(sorted, 0.5),
                    100 * ScenariosCommand.quantile(sorted, 0.75), 100 * ScenariosCommand.quantile(sorted, 0.95)};
                first[i] = 100 * s.weights()[r.base().index() * n + i];
            }
            page.add("Weights across the " + count + " problems (box: 25th–75th percentile, whiskers: 5th–95th)",
                    ChartPage.boxChart(r.assets(), "weight, %", "problems", boxes,
                            r.names().get(r.base().index()) + " (the base)", first));
        }
        double[] vol = new double[count];
        double[] base = new double[count];
        for (int k = 0; k < count; k++) {
            vol[k] = 100 * s.volatilities()[k] * r.scale();
            base[k] = 100 * r.base().volatility()[k] * r.scale();
        }
        page.add("Portfolio volatility in each problem, " + r.volatilityIs(), ChartPage.barChart(r.names(),
                "volatility, %", List.of("the problem's own weights", r.names().get(r.base().index()) + "'s weights (the base)"),
                List.of(vol, base)));
        return page;
    }

    static void table(Report r, PrintWriter out) {
        BatchSolution s = r.solution();
        int n = r.assets().size();
        int count = r.count();
        boolean sideBySide = count <= SIDE_BY_SIDE;
        List<String> header = new ArrayList<>(List.of("asset"));
        if (sideBySide) {
            header.addAll(r.names());
        } else {
            header.addAll(List.of("mean weight", "min", "max"));
        }
        boolean showBudget = !RiskBudgets.of(r.budgets()).isEqual();
        if (showBudget) {
            header.add("budget");
        }
        TextTable t = new TextTable(header.toArray(String[]::new));
        for (int i = 0; i < n; i++) {
            List<String> row = new ArrayList<>(List.of(r.assets().get(i)));
            double mean = 0;
            double min = Double.POSITIVE_INFINITY;
            double max = Double.NEGATIVE_INFINITY;
            for (int k = 0; k < count; k++) {
                double w = s.weights()[k * n + i];
                if (sideBySide) {
                    row.add(TextTable.fixed(w, 6));
                }
                mean += w / count;
                min = Math.min(min, w);
                max = Math.max(max, w);
            }
            if (!sideBySide) {
                row.addAll(List.of(TextTable.fixed(mean, 6), TextTable.fixed(min, 6), TextTable.fixed(max, 6)));
            }
            if (showBudget) {
                row.add(TextTable.share(r.budgets()[i]));
            }
            t.row(row.toArray(String[]::new));
        }
        t.print(out);
        out.println();
        String per = r.periodsPerYear() == null ? "per period" : "annualised";
        List<String> columns = new ArrayList<>(List.of("problem", "converged", "iterations", "residual",
                "vol (" + per + ")", "base's vol", "base's max|RC − b|", "turnover from base"));
        if (r.volTarget() != null) {
            columns.addAll(List.of("leverage", "base levered: vol"));
        }
        TextTable problems = new TextTable(columns.toArray(String[]::new));
        int listed = 0;
        for (int k = 0; k < count && listed < LISTED; k++) {
            if (count <= LISTED || !s.converged()[k]) {
                List<String> cells = new ArrayList<>(List.of(r.names().get(k), s.converged()[k] ? "yes" : "NO",
                        Integer.toString(s.iterations()[k]), String.format(Locale.ROOT, "%.2e", s.residuals()[k]),
                        TextTable.percent(s.volatilities()[k] * r.scale()),
                        TextTable.percent(r.base().volatility()[k] * r.scale()),
                        TextTable.percent(r.base().rcError()[k]), TextTable.percent(r.base().turnover()[k])));
                if (r.volTarget() != null) {
                    cells.addAll(List.of(TextTable.fixed(r.leverage(k), 4),
                            TextTable.percent(r.baseLevered(k) * r.scale())));
                }
                problems.row(cells.toArray(String[]::new));
                listed++;
            }
        }
        if (listed > 0) {
            problems.print(out);
            out.println();
        }
        out.println("input:            " + count + " covariance matrices × " + n + " assets ("
                + r.files().get(0) + (count > 1 ? " … " + r.files().get(count - 1) : "") + ")"
                + (count > LISTED && listed > 0 ? "; " + (listed < s.unconvergedCount() ? "the first " + listed
                + " of the " + s.unconvergedCount() : "the") + " unconverged listed above" : ""));
        ReportOutput.convergence(out, s, r.tolerance());
        out.println("base:             " + r.names().get(r.base().index()) + "'s weights held under each problem's Σ (its "
                + "volatility, how far its risk contributions are from the budgets), and the one-way trade from them "
                + "to the problem's own");
        if (r.volTarget() != null) {
            out.println("vol target:       " + TextTable.percent(r.volTarget()) + " annualised: each problem's "
                    + "leverage to it, and the base levered to it (× " + TextTable.fixed(r.leverage(r.base().index()),
                    4) + ") held under each Σ");
        }
        out.println("volatility:       " + r.volatilityIs()
                + (r.periodsPerYear() == null ? " (units of the covariance; give --periods-per-year to annualise)"
                : ""));
        out.println("backend:          " + r.backendReason() + "; " + String.format(Locale.ROOT, "%.3f", r.seconds())
                + " s");
        if (r.verifyDifference() != null) {
            out.println("verify:           max |w − w_cpu| = "
                    + String.format(Locale.ROOT, "%.2e", r.verifyDifference()) + " over every problem (pure-Java "
                    + "CPU engine)");
        }
    }
}

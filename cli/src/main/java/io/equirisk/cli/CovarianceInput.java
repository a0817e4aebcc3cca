package io.equirisk.cli;

import io.equirisk.cli.io.CovarianceCsv;
import io.equirisk.cli.io.Errors;
import io.equirisk.cli.io.SeriesCsv;
import io.equirisk.covariance.CovarianceEstimator;
import io.equirisk.covariance.CovarianceEstimators;
import io.equirisk.covariance.CovarianceMatrix;
import io.equirisk.data.MissingValuePolicy;
import io.equirisk.data.PriceHistory;
import io.equirisk.data.Returns;
import io.equirisk.error.InsufficientDataException;
import io.equirisk.error.InvalidInputException;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;

/**
 * Turns the input files into Σ: a covariance CSV read as is, or prices/returns → returns → window → estimator.
 * Warnings (fewer observations than assets, reversed dates) go to stderr; errors name the file.
 *
 * @param fromData     true when Σ was estimated from returns (so volatilities are per period of those returns)
 * @param observations rows of returns used (complete rows under drop; all rows otherwise); 0 for a given Σ
 * @param source       one line saying where Σ came from, for the summary
 * @param means        each asset's mean return over the dates used (null for a given Σ)
 * @param returns      the returns Σ was estimated from, after --window (null for a given Σ)
 * @param fileAssets   every asset of the input file, in its order (Σ's own for a given Σ)
 * @param leftOut      the file's assets left out of Σ, in the file's order: by {@code --missing drop-assets}, or with
 *                     budget 0 and no variance (a cash line)
 * @param leftOutWhy   why, for the table: "without a return on every date used (--missing drop-assets)", …
 * @param calendar     the dates of the file's returns before --window, whose spacing says the periods per year (a
 *                     short window of an every-weekday file cannot tell it from trading days); null for a given Σ
 */
record CovarianceInput(CovarianceMatrix covariance, boolean fromData, int observations, String source,
                       double[] means, Returns returns, List<String> fileAssets, List<String> leftOut,
                       String leftOutWhy, List<String> calendar) {

    /** Σ from the one input given: a covariance file, or estimated from a prices or returns file. */
    static CovarianceInput load(SolveCommand.Source source, EstimationOptions estimation, PrintWriter err,
                                Progress progress) {
        return load(source, estimation, err, progress, null);
    }

    /**
     * As {@link #load(SolveCommand.Source, EstimationOptions, PrintWriter, Progress)}, an asset whose budget is 0
     * ({@code unbudgeted}: the names among the file's assets) and whose returns are all equal left out of the
     * estimate: a cash line or a stale price that the budgets already exclude, which would otherwise stop the run
     * as a zero variance.
     */
    static CovarianceInput load(SolveCommand.Source source, EstimationOptions estimation, PrintWriter err,
                                Progress progress, java.util.function.BiFunction<List<String>, List<String>, java.util.Set<String>>
                                        unbudgeted) {
        if (source.cov != null) {
            if (estimation.window != null || !estimation.estimator.equals("sample")
                    || !estimation.missing.trim().equalsIgnoreCase("drop") || estimation.returns.anySet()) {
                throw new InvalidInputException("--window, --estimator, --missing, --returns-kind, --returns-unit, "
                        + "--calendar and --header apply to --prices and --returns, not to a covariance given with "
                        + "--cov");
            }
            progress.update("reading " + source.cov);
            return fromCovarianceFile(source.cov);
        }
        if (source.prices != null) {
            return fromSeriesFile(source.prices, SeriesCsv.Kind.PRICES, estimation, err, progress, unbudgeted);
        }
        return fromSeriesFile(source.returns, SeriesCsv.Kind.RETURNS, estimation, err, progress, unbudgeted);
    }

    /**
     * Warns when an EWMA estimate of {@code assets} assets from {@code rows} returns is numerically singular: λ^age
     * falls below double rounding (2⁻⁵²) after ln 2⁻⁵² / ln λ rows (582 at λ = 0.94), so only those rows count, and
     * with fewer of them than assets the matrix has rank below N however long the history (a review: 1000 assets,
     * 1100 returns; solve called it "not positive definite", rolling solved its windows with 3% volatility where the
     * sample estimate gave 10.8%).
     */
    static void warnEwmaRank(PrintWriter err, CovarianceEstimator estimator, int rows, int assets) {
        double lambda = CovarianceEstimators.ewmaLambda(estimator);
        if (Double.isNaN(lambda)) {
            return;
        }
        long horizon = (long) Math.ceil(Math.log(Math.ulp(1.0)) / Math.log(lambda));
        if (horizon < rows && horizon < assets) { /* zero-mean: rank = the rows that count, which rounding cuts */
            err.println("equirisk: warning: " + estimator.name() + " weighs only the newest " + horizon
                    + " returns above double rounding, fewer than the " + assets + " assets: the estimate is "
                    + "numerically singular (rank at most " + horizon + "); use λ nearer 1 (ewma:0.99 counts "
                    + (long) Math.ceil(Math.log(Math.ulp(1.0)) / Math.log(0.99)) + ") or a shrinkage estimator "
                    + "(ledoit-wolf, oas)");
        } else if (rows < assets) {
            err.println("equirisk: warning: " + assets + " assets but only " + rows + " returns: the "
                    + estimator.name() + " estimate is singular (rank at most " + rows + "); use more returns or a "
                    + "shrinkage estimator (ledoit-wolf, oas)");
        }
    }

    static CovarianceInput fromCovarianceFile(Path file) {
        CovarianceMatrix cov = CovarianceCsv.read(file);
        return new CovarianceInput(cov, false, 0, "covariance " + file + " (" + cov.size() + " assets)",
                null, null, cov.assets(), List.of(), "", null);
    }

    static CovarianceInput fromSeriesFile(Path file, SeriesCsv.Kind kind, EstimationOptions options,
                                          PrintWriter err, Progress progress) {
        return fromSeriesFile(file, kind, options, err, progress, null);
    }

    static CovarianceInput fromSeriesFile(Path file, SeriesCsv.Kind kind, EstimationOptions options,
                                          PrintWriter err, Progress progress,
                                          java.util.function.BiFunction<List<String>, List<String>, java.util.Set<String>>
                                                  unbudgeted) {
        Read read = read(file, kind, options.returns, err, progress, false);
        Returns returns = read.returns();
        List<String> calendar = returns.dates();
        if (options.window != null) {
            try {
                if (options.window < 2) {
                    throw new InvalidInputException("--window must be at least 2 returns, got " + options.window);
                }
                if (options.window > returns.observations()) {
                    err.println("equirisk: note: --window " + options.window + " is longer than the "
                            + returns.observations() + " returns in " + file + ": all of them are used");
                }
                returns = returns.lastRows(options.window);
            } catch (InvalidInputException e) {
                throw Errors.inFile(file.toString(), e);
            }
        }
        MissingValuePolicy policy = options.missingPolicy();
        List<String> fileAssets = returns.assets();
        List<String> leftOut = List.of();
        if (options.dropsAssets()) {
            Returns all = returns;
            try {
                returns = all.completeAssets();
            } catch (InsufficientDataException e) {
                throw Errors.inFile(file.toString(), new InsufficientDataException(e.getMessage()
                        + (options.window != null ? " of the --window" : "") + " (--missing drop-assets); use a "
                        + "shorter --window, or --missing pairwise"));
            }
            leftOut = leftOut(all, returns);
            if (!leftOut.isEmpty() || returns.observations() < all.observations()) {
                err.println("equirisk: note: " + (leftOut.isEmpty() ? "no asset is" : leftOut.size() + " of "
                        + all.assetCount() + " assets lack a return on some of the " + returns.observations()
                        + " dates used and are") + " left out (--missing drop-assets)"
                        + (leftOut.isEmpty() ? "" : ": " + String.join(", ", why(all, leftOut.subList(0,
                        Math.min(200, leftOut.size())))) + (leftOut.size() > 200 ? " and " + (leftOut.size() - 200)
                        + " more" : ""))
                        + (all.observations() > returns.observations() ? "; " + (all.observations()
                        - returns.observations()) + " dates without any return are dropped" : ""));
            }
        }
        String why = leftOut.isEmpty() ? "" : "without a return on every date used (--missing drop-assets)";
        List<String> idle = unbudgeted == null ? List.of() : flatUnbudgeted(
                policy == MissingValuePolicy.DROP_INCOMPLETE_ROWS ? returns.completeRows() : returns,
                unbudgeted.apply(fileAssets, returns.assets()));
        if (!idle.isEmpty() && idle.size() < returns.assetCount()) {
            err.println("equirisk: note: budget 0 and the same return on every date (no variance: a cash line, a "
                    + "stale price), so left out of the estimate: " + String.join(", ", idle.subList(0,
                    Math.min(20, idle.size()))) + (idle.size() > 20 ? " and " + (idle.size() - 20) + " more" : ""));
            java.util.Set<String> out = new java.util.HashSet<>(leftOut);
            out.addAll(idle);
            returns = without(returns, java.util.Set.copyOf(idle));
            leftOut = fileAssets.stream().filter(out::contains).toList();
            why = why.isEmpty() ? "with budget 0 and no variance" : "without a return on every date used "
                    + "(--missing drop-assets), or with budget 0 and no variance";
        }
        if (policy == MissingValuePolicy.REJECT) {
            requireComplete(file, kind, returns);
        }
        warnStale(err, returns);
        int observations = checkEnoughData(file, returns, policy);
        int dropped = returns.observations() - observations;
        if (policy == MissingValuePolicy.DROP_INCOMPLETE_ROWS && dropped * 10 > returns.observations()) {
            List<String> used = returns.completeRows().dates();
            err.println("equirisk: note: " + dropped + " of " + returns.observations() + " returns lack a value for "
                    + "some asset and are dropped: the estimate uses " + observations + ", " + used.get(0) + " … "
                    + used.get(used.size() - 1) + RollingCommand.costliest(returns, dropped)
                    + " (or keep every asset's own dates with --missing pairwise, or the dates and only the "
                    + "assets with a return on each with --missing drop-assets)" + read.commonCalendarHint(returns));
        }
        CovarianceEstimator estimator = CovarianceEstimators.parse(options.estimator);
        if (estimator.name().equals("sample") && observations <= returns.assetCount()
                && !(policy == MissingValuePolicy.PAIRWISE && returns.hasMissing())) { /* pairwise: repaired to
                                                  positive definite, and the shrinkage estimators refuse that policy */
            err.println("equirisk: warning: " + returns.assetCount() + " assets but only " + observations
                    + " observations: the sample covariance is singular; use --estimator ledoit-wolf (or oas)");
        }
        warnEwmaRank(err, estimator, Math.min(observations, returns.observations()), returns.assetCount());
        progress.update("estimating " + estimator.name() + " covariance of " + returns.assetCount() + " assets × "
                + (policy == MissingValuePolicy.DROP_INCOMPLETE_ROWS ? observations : returns.observations())
                + " returns");
        CovarianceMatrix cov;
        try {
            cov = estimator.estimate(returns, policy);
        } catch (io.equirisk.error.ZeroVarianceException e) {
            String message = fileColumns(Errors.inFlags(e).getMessage(), returns.assets(), fileAssets);
            throw Errors.inFile(file.toString(), new io.equirisk.error.ZeroVarianceException(message
                    + (unbudgeted == null ? "" : " (or give it a budget of 0 with --budgets, which leaves it out)")));
        } catch (InvalidInputException e) {
            throw Errors.inFile(file.toString(), Errors.inFlags(e));
        }
        String what = kind == SeriesCsv.Kind.PRICES ? "prices" : "returns";
        boolean pairwise = policy == MissingValuePolicy.PAIRWISE && returns.hasMissing();
        String source = what + " " + file + " → " + (pairwise ? returns.observations() + " returns (pairwise: each "
                + "pair over the dates both have; " + returns.completeRows().observations() + " complete; made "
                + "positive definite where it was not)"
                : observations + " returns" + (policy == MissingValuePolicy.DROP_INCOMPLETE_ROWS
                && observations < returns.observations() ? " (of " + returns.observations()
                + "; incomplete dates dropped)" : ""))
                + " × " + cov.size() + " assets" + (leftOut.isEmpty() ? "" : " (" + leftOut.size() + " of "
                + fileAssets.size() + " left out: " + why + ")") + ", " + estimator.name() + " covariance";
        return new CovarianceInput(cov, true, observations, source, means(returns, policy), returns, fileAssets,
                leftOut, why, calendar);
    }

    /** Fewest returns an asset needs before its zeros say anything. */
    private static final int STALE_MIN_RETURNS = 20;

    /**
     * Warns of assets whose price looks stale: the last returns exactly 0 for at least 10 dates and a twentieth of
     * them (a delisted coin carried forward: LUNA's price after 2022-10-09 took 73% of a review's book, as the
     * least volatile asset); and of prices rounded coarsely, a quarter or more of the returns exactly 0 where the
     * smallest move is half a percent or more (SHIB at 1e-6 moved 11–100% when it moved), which works the other way:
     * the steps add noise, so the volatility is overstated and the correlations diluted (a review: DOGE rounded to
     * 5e-4 went from 103% to 141% and lost weight). A cash-like fund that moves a cent a day is neither (BIL, 38% of
     * its days flat, its ticks 0.001%). Prices that trade are rarely unchanged to the last digit; an asset flat
     * throughout is refused elsewhere.
     */
    static void warnStale(PrintWriter err, Returns r) {
        List<String> stale = new java.util.ArrayList<>();
        List<String> coarse = new java.util.ArrayList<>();
        int t = r.observations();
        for (int j = 0; j < r.assetCount(); j++) {
            int present = 0;
            int zeros = 0;
            int trailing = 0;
            double smallest = Double.POSITIVE_INFINITY; /* the smallest move: the price's step where rounded */
            boolean inRun = true;
            int lastMove = -1;
            for (int row = t - 1; row >= 0; row--) {
                double v = r.get(row, j);
                if (Double.isNaN(v)) {
                    continue;
                }
                present++;
                zeros += v == 0 ? 1 : 0;
                smallest = v == 0 ? smallest : Math.min(smallest, Math.abs(v));
                if (inRun && v == 0) {
                    trailing++;
                } else if (inRun) {
                    inRun = false;
                    lastMove = row;
                }
            }
            if (present < STALE_MIN_RETURNS || zeros == present) {
                continue;
            }
            if (trailing >= 10 && trailing * 20 >= present) {
                stale.add(r.assets().get(j) + " (the last " + trailing + " of its " + present + " returns are 0: "
                        + "unchanged since " + r.dates().get(lastMove) + ")");
            } else if (zeros * 4 >= present && smallest >= 0.005) {
                coarse.add(r.assets().get(j) + " (" + zeros + " of its " + present + " returns are 0, and it moves "
                        + String.format(java.util.Locale.ROOT, "%.1f", 100 * smallest) + "% or more when it moves)");
            }
        }
        if (!stale.isEmpty()) {
            err.println("equirisk: warning: a stale price looks less volatile than it is, and risk parity gives it "
                    + "more weight: " + list(stale) + "; leave the cells of a price carried forward empty, so they are "
                    + "missing, or remove the asset");
        }
        if (!coarse.isEmpty()) {
            err.println("equirisk: warning: a price rounded to coarse steps moves by whole steps or not at all, which "
                    + "overstates its volatility and dilutes its correlations: " + list(coarse) + "; a price with more "
                    + "digits, or a longer return period, measures it better");
        }
    }

    private static String list(List<String> items) {
        return String.join(", ", items.subList(0, Math.min(10, items.size()))) + (items.size() > 10 ? " and "
                + (items.size() - 10) + " more" : "");
    }

    /**
     * The assets of the returns used that have none on a weekend date where others have some: a weekday market
     * beside one open every day, whose dates count 365 a year although its own returns are trading days'.
     */
    static List<String> weekdayOnly(Returns returns) {
        List<java.time.LocalDate> days = returns == null ? null : SeriesCsv.calendarDays(returns.dates());
        if (days == null) {
            return List.of();
        }
        int n = returns.assetCount();
        boolean[] weekendValue = new boolean[n];
        for (int t = 0; t < days.size(); t++) {
            if (days.get(t).getDayOfWeek().getValue() >= 6) {
                for (int j = 0; j < n; j++) {
                    weekendValue[j] |= !Double.isNaN(returns.get(t, j));
                }
            }
        }
        List<String> out = new java.util.ArrayList<>();
        boolean any = false;
        for (int j = 0; j < n; j++) {
            any |= weekendValue[j];
            if (!weekendValue[j]) {
                out.add(returns.assets().get(j));
            }
        }
        return any ? out : List.of();
    }

    /**
     * Warns where some assets trade on weekdays only beside others that trade every day: no one number of periods
     * a year annualises both (the dates' 365 puts the weekday assets' volatilities √(365/252) = 1.2 times too high,
     * a review: SPY 18.6% beside crypto, 15.7% on its own calendar; a given 252 puts the others' as much too low),
     * and a vol target's leverage follows. Only --calendar common, one calendar for all, settles it.
     */
    static void warnMixedCalendar(PrintWriter err, Returns returns) {
        List<String> weekday = returns == null ? List.of() : weekdayOnly(returns);
        if (!weekday.isEmpty()) {
            err.println("equirisk: warning: " + weekday.size() + " of " + returns.assetCount() + " assets "
                    + "have no weekend returns while others do (" + String.join(", ", weekday.subList(0,
                    Math.min(10, weekday.size()))) + (weekday.size() > 10 ? ", …" : "") + "): no one number of "
                    + "periods a year annualises both (365 puts their volatilities about 1.2 times too high, 252 the "
                    + "others' as much too low); --calendar common puts every asset on the dates all trade");
        }
    }

    /**
     * The assets of {@code zeroBudget} whose present returns are all one value (at least one present), in the rows
     * the estimate uses (the complete ones under drop: a cash line that moved only on a dropped date is flat there).
     */
    static List<String> flatUnbudgeted(Returns r, java.util.Set<String> zeroBudget) {
        List<String> out = new java.util.ArrayList<>();
        for (int j = 0; j < r.assetCount(); j++) {
            if (!zeroBudget.contains(r.assets().get(j))) {
                continue;
            }
            double first = Double.NaN;
            boolean flat = true;
            for (int t = 0; t < r.observations() && flat; t++) {
                double v = r.get(t, j);
                if (!Double.isNaN(v)) {
                    flat = Double.isNaN(first) || v == first;
                    first = v;
                }
            }
            if (flat && !Double.isNaN(first)) {
                out.add(r.assets().get(j));
            }
        }
        return out;
    }

    /**
     * An estimator's "asset NAME (#k)", k counted among the assets it was given, with k the asset's column in the
     * file, where assets were left out before it (a review: SP_500 was called #2 in a file where it is #3).
     */
    private static String fileColumns(String message, List<String> given, List<String> file) {
        if (given.size() == file.size()) {
            return message;
        }
        java.util.Map<String, Integer> column = new java.util.HashMap<>();
        for (int j = 0; j < file.size(); j++) {
            column.put(file.get(j), j);
        }
        for (int a = 0; a < given.size(); a++) {
            String was = "asset " + given.get(a) + " (#" + (a + 1) + ")";
            if (message.contains(was)) {
                return message.replace(was, "asset " + given.get(a) + " (#" + (column.get(given.get(a)) + 1) + ")");
            }
        }
        return message;
    }

    /** The returns without the columns named in {@code drop}. */
    static Returns without(Returns r, java.util.Set<String> drop) {
        int[] cols = java.util.stream.IntStream.range(0, r.assetCount())
                .filter(j -> !drop.contains(r.assets().get(j))).toArray();
        int m = cols.length;
        double[] v = new double[r.observations() * m];
        for (int t = 0; t < r.observations(); t++) {
            for (int a = 0; a < m; a++) {
                v[t * m + a] = r.get(t, cols[a]);
            }
        }
        return Returns.of(r.observations(), m, v, java.util.Arrays.stream(cols).mapToObj(r.assets()::get).toList(),
                r.dates());
    }

    /** The assets of {@code all} that {@code kept} does not hold, in their order. */
    /**
     * Each asset named with why it lacks returns among {@code r}'s dates: "(none)" for a column without any; "(no
     * weekend prices)" where nine in ten missing ones fall on a weekend or a Monday (a weekday market beside crypto,
     * whose Monday return would start from Sunday's price; its holidays the rest); else "from …" for a late listing,
     * "until …" for one that stopped, and "gaps" where others fall between present ones, as many as apply ("from
     * 2020-08-20, gaps"). Reviews found a weekday market's window ends called listings, a 69-day gap called a
     * listing, and then a listing hidden behind its gaps.
     */
    static List<String> why(Returns r, List<String> assets) {
        List<String> out = new java.util.ArrayList<>(assets.size());
        int t = r.observations();
        List<java.time.LocalDate> days = SeriesCsv.calendarDays(r.dates());
        boolean weekends = days != null && days.stream().anyMatch(d -> d.getDayOfWeek().getValue() >= 6);
        for (String a : assets) {
            int j = r.assets().indexOf(a);
            int first = 0;
            while (first < t && Double.isNaN(r.get(first, j))) {
                first++;
            }
            int last = t - 1;
            while (last >= 0 && Double.isNaN(r.get(last, j))) {
                last--;
            }
            int missing = 0;
            int weekend = 0; /* Monday's return too: it runs from Sunday's price, which a weekday market lacks */
            int inside = 0;
            for (int row = 0; row < t; row++) {
                if (Double.isNaN(r.get(row, j))) {
                    int dow = days == null ? 0 : days.get(row).getDayOfWeek().getValue();
                    missing++;
                    weekend += dow >= 6 || dow == 1 ? 1 : 0;
                    inside += row > first && row < last ? 1 : 0;
                }
            }
            List<String> reasons = new java.util.ArrayList<>();
            if (first == t) {
                reasons.add("none");
            } else if (weekends && weekend * 10 >= missing * 9) { /* its holidays aside (a review: SPY's were gaps);
                                                                     only where the calendar has weekends */
                reasons.add("no weekend prices");
            } else {
                if (first > 0) {
                    reasons.add("from " + r.dates().get(first));
                }
                if (last < t - 1) {
                    reasons.add("until " + r.dates().get(last));
                }
                if (inside > 0) {
                    reasons.add("gaps");
                }
            }
            out.add(a + " (" + String.join(", ", reasons) + ")");
        }
        return out;
    }

    private static List<String> leftOut(Returns all, Returns kept) {
        java.util.Set<String> in = java.util.Set.copyOf(kept.assets());
        return all.assets().stream().filter(a -> !in.contains(a)).toList();
    }

    /**
     * Returns from a prices or returns file (prices → simple or log returns; a returns file scaled from percent when
     * asked, with a warning when its numbers look like percent). Notes of the reader go to stderr; errors name the
     * file.
     */
    static Returns readReturns(Path file, SeriesCsv.Kind kind, ReturnsOptions options, PrintWriter err,
                               Progress progress) {
        return read(file, kind, options, err, progress, false).returns();
    }

    /**
     * The returns (as {@link #readReturns}), and what a portfolio held through the file earns: for prices, simple
     * returns with a missing price carried forward ({@link Returns#fromPricesCarried}), so a gap's move lands on the
     * date after it instead of being lost; for a returns file, the returns themselves (null: the same).
     */
    record Read(Returns returns, Returns held, java.util.Set<String> everyPrice) {

        /**
         * A hint to use --calendar common where it would keep more of {@code used}'s returns than dropping its
         * incomplete dates keeps: dates on which every asset has a price though not on the date before (an equity's
         * Monday beside crypto's weekend). Empty for returns files and under common.
         *
         * @param used the returns the estimate is made from (after --window)
         */
        String commonCalendarHint(Returns used) {
            if (everyPrice == null) {
                return "";
            }
            int dates = 0;
            List<String> common = new java.util.ArrayList<>();
            for (String d : used.dates()) {
                if (everyPrice.contains(d)) {
                    dates++;
                    common.add(d);
                }
            }
            int complete = used.completeRows().observations();
            /* a long span between two such dates is a gap in some asset's data, not a market's weekend: common would
               take it as one return (a review: 70 days of a coin's outage offered as "weekends or holidays") */
            String span = longestSpan(common);
            int more = dates - 1 - complete;
            return more > 0 ? "; " + more + (more == 1 ? " more return runs" : " more returns run") + " between the "
                    + dates
                    + " of these dates on which every asset has a price (another market's weekends or holidays "
                    + "between them?): --calendar common" + (span.isEmpty() ? "" : ", though" + span.substring(1))
                    : "";
        }
    }

    static Read readReturnsToHold(Path file, SeriesCsv.Kind kind, ReturnsOptions options, PrintWriter err,
                                  Progress progress) {
        return read(file, kind, options, err, progress, true);
    }

    private static Read read(Path file, SeriesCsv.Kind kind, ReturnsOptions options, PrintWriter err,
                             Progress progress, boolean hold) {
        options.requireApplies(kind);
        progress.update("reading " + file);
        SeriesCsv.Series s = SeriesCsv.read(file, kind, options.headerRow());
        s.notes().forEach(n -> err.println("equirisk: note: " + n));
        try {
            if (kind == SeriesCsv.Kind.PRICES) {
                PriceHistory prices = pricedDates(s, err);
                java.util.Set<String> everyPrice = completeDates(prices);
                if (options.commonCalendar()) {
                    prices = commonDates(prices, everyPrice.size(), err);
                    everyPrice = null;
                }
                return new Read(Returns.fromPrices(prices, options.returnKind()),
                        hold ? Returns.fromPricesCarried(prices) : null, everyPrice);
            }
            double[] values = s.values();
            double scale = options.returnsScale();
            if (scale != 1.0) {
                values = values.clone();
                if (scale == 0.01) {
                    frenchMarkersAsMissing(values, s, file, err);
                }
                for (int i = 0; i < values.length; i++) {
                    values[i] *= scale;
                }
            } else {
                /* a month of crypto can move 20–50% as a fraction: the line is 100% for dates a week apart or more */
                double line = PeriodsPerYear.of(null, s.dates()).value() >= 100 ? 0.2 : 1.0;
                List<String> percent = percentLikeColumns(values, s.cols(), s.assets(), line);
                if (!percent.isEmpty()) {
                    err.println("equirisk: warning: the median absolute return of " + (percent.size() == s.cols()
                            ? "every asset" : String.join(", ", percent.subList(0, Math.min(5, percent.size())))
                            + (percent.size() > 5 ? " and " + (percent.size() - 5) + " more" : "")) + " in " + file
                            + " is above " + Math.round(100 * line) + "% per period; if the file is in percent, add "
                            + "--returns-unit percent");
                }
            }
            warnBelowTotalLoss(values, s, file, err);
            return new Read(Returns.of(s.rows(), s.cols(), values, s.assets(), s.dates()), null, null);
        } catch (InvalidInputException e) {
            throw Errors.inFile(file.toString(), e);
        }
    }

    /** Kenneth French's data library marks a missing return as −99.99 or −999 (its files' headers say so). */
    static final double[] FRENCH_MISSING_MARKERS = {-99.99, -999};

    /**
     * In a file of percent returns, the cells holding exactly a missing-value marker of the Fama-French files are
     * read as missing, with a note: as returns they are −99.99% or −999% (a 100% loss and more), which took an
     * industry's weight from 6.8% to 1.1% in a review. No real return in percent is one of them to the digit.
     */
    private static void frenchMarkersAsMissing(double[] percent, SeriesCsv.Series s, Path file, PrintWriter err) {
        int count = 0;
        java.util.Set<String> assets = new java.util.LinkedHashSet<>();
        for (int i = 0; i < percent.length; i++) {
            for (double marker : FRENCH_MISSING_MARKERS) {
                if (percent[i] == marker) {
                    percent[i] = Double.NaN;
                    count++;
                    assets.add(s.assets().get(i % s.cols()));
                }
            }
        }
        if (count > 0) {
            err.println("equirisk: note: " + count + " cell" + (count == 1 ? "" : "s") + " of " + file + " hold"
                    + (count == 1 ? "s" : "") + " −99.99 or −999, the Fama-French files' mark of a missing return, "
                    + "and " + (count == 1 ? "is" : "are") + " read as missing (" + listed(List.copyOf(assets)) + ")");
        }
    }

    /**
     * Warns of returns below −100%: impossible for simple returns, so usually a number standing for "missing" or a
     * unit mix-up; a file of log returns can hold them (a 65% loss is −1.05), so it is a warning, naming the first.
     */
    private static void warnBelowTotalLoss(double[] values, SeriesCsv.Series s, Path file, PrintWriter err) {
        int count = 0;
        int first = -1;
        for (int i = 0; i < values.length; i++) {
            if (values[i] < -1) {
                count++;
                first = first < 0 ? i : first;
            }
        }
        if (count == 0) {
            return;
        }
        int t = first / s.cols();
        String date = s.dates() == null ? "row " + (t + 1) : s.dates().get(t);
        err.println("equirisk: warning: " + file + " has " + count + " return" + (count == 1 ? "" : "s") + " below "
                + "−100% (" + s.assets().get(first % s.cols()) + " on " + date + ": " + values[first] + " as a "
                + "fraction), a loss of more than everything for a simple return; if such numbers mark missing "
                + "values, blank those cells");
    }

    private static String listed(List<String> names) {
        return String.join(", ", names.subList(0, Math.min(5, names.size())))
                + (names.size() > 5 ? " and " + (names.size() - 5) + " more" : "");
    }

    /** The dates on which every asset has a price. */
    private static java.util.Set<String> completeDates(PriceHistory p) {
        java.util.Set<String> out = new java.util.HashSet<>();
        double[] v = p.values();
        int cols = p.assetCount();
        for (int t = 0; t < p.observations(); t++) {
            boolean all = true;
            for (int j = 0; j < cols && all; j++) {
                all = !Double.isNaN(v[t * cols + j]);
            }
            if (all) {
                out.add(p.dates().get(t));
            }
        }
        return out;
    }

    /**
     * --calendar common: the prices of the dates on which every asset has one, so each return runs from one such
     * date to the next (a weekend of crypto beside equities joins Monday's return). Fails, naming the asset with the
     * fewest prices, when fewer than 2 such dates remain.
     */
    private static PriceHistory commonDates(PriceHistory p, int complete, PrintWriter err) {
        int rows = p.observations();
        int cols = p.assetCount();
        double[] v = p.values();
        if (complete < 2) {
            int fewest = 0;
            int least = Integer.MAX_VALUE;
            for (int j = 0; j < cols; j++) {
                int c = 0;
                for (int t = 0; t < rows; t++) {
                    c += Double.isNaN(v[t * cols + j]) ? 0 : 1;
                }
                if (c < least) {
                    least = c;
                    fewest = j;
                }
            }
            throw new InsufficientDataException("--calendar common: only " + complete + " date" + (complete == 1
                    ? " has" : "s have") + " a price for every asset, and returns need 2; asset "
                    + p.assets().get(fewest) + " has the fewest prices (" + least + ")");
        }
        if (complete == rows) {
            return p;
        }
        double[] values = new double[complete * cols];
        List<String> dates = new java.util.ArrayList<>(complete);
        int k = 0;
        for (int t = 0; t < rows; t++) {
            boolean all = true;
            for (int j = 0; j < cols && all; j++) {
                all = !Double.isNaN(v[t * cols + j]);
            }
            if (all) {
                System.arraycopy(v, t * cols, values, k * cols, cols);
                dates.add(p.dates().get(t));
                k++;
            }
        }
        err.println("equirisk: note: --calendar common: " + complete + " of " + rows + " dates have a price for "
                + "every asset; the returns run between them" + bounds(p) + longestSpan(dates));
        return PriceHistory.of(complete, cols, values, p.assets(), dates);
    }

    /**
     * Where some asset's prices start or end well inside the file (a tenth of its dates or more), the latest first
     * price (a late listing) and the earliest last one (a delisting), whose asset the user may rather leave out (a
     * review: 149 of 1825 dates kept, and no word of which coins cost them).
     */
    private static String bounds(PriceHistory p) {
        int rows = p.observations();
        int cols = p.assetCount();
        double[] v = p.values();
        int latestFirst = -1;
        int firstRow = -1;
        int earliestLast = -1;
        int lastRow = rows;
        for (int j = 0; j < cols; j++) {
            int first = 0;
            while (first < rows && Double.isNaN(v[first * cols + j])) {
                first++;
            }
            int last = rows - 1;
            while (last >= 0 && Double.isNaN(v[last * cols + j])) {
                last--;
            }
            if (first > firstRow) {
                firstRow = first;
                latestFirst = j;
            }
            if (last < lastRow) {
                lastRow = last;
                earliestLast = j;
            }
        }
        String out = "";
        if (firstRow * 10 >= rows) {
            out += "; the latest first price is " + p.assets().get(latestFirst) + "'s, on " + p.dates().get(firstRow);
        }
        if ((rows - 1 - lastRow) * 10 >= rows) {
            out += "; the earliest last price is " + p.assets().get(earliestLast) + "'s, on "
                    + p.dates().get(lastRow);
        }
        return out.isEmpty() ? "" : out + " (leave such an asset out to keep more dates)";
    }

    /** The longest return between common dates, where over a week (a gap in some asset's data, not a weekend). */
    private static String longestSpan(List<String> common) {
        List<java.time.LocalDate> days = SeriesCsv.calendarDays(common);
        if (days == null) {
            return "";
        }
        long longest = 0;
        int at = 0;
        for (int t = 1; t < days.size(); t++) {
            long gap = java.time.temporal.ChronoUnit.DAYS.between(days.get(t - 1), days.get(t));
            if (gap > longest) {
                longest = gap;
                at = t;
            }
        }
        return longest > 7 ? "; the longest return spans " + longest + " days, " + common.get(at - 1) + " … "
                + common.get(at) + " (a gap in some asset's prices?)" : "";
    }

    /**
     * The prices without the dates on which no asset has one (a holiday row of a merged calendar): a return then
     * spans the gap, where taken across it the row cost every asset two returns, and the move over it.
     */
    private static PriceHistory pricedDates(SeriesCsv.Series s, PrintWriter err) {
        int rows = s.rows();
        int cols = s.cols();
        double[] v = s.values();
        int[] keep = new int[rows];
        int kept = 0;
        for (int t = 0; t < rows; t++) {
            for (int j = 0; j < cols; j++) {
                if (!Double.isNaN(v[t * cols + j])) {
                    keep[kept++] = t;
                    break;
                }
            }
        }
        if (kept == rows || kept == 0) {
            return PriceHistory.of(rows, cols, v, s.assets(), s.dates());
        }
        double[] values = new double[kept * cols];
        List<String> dates = s.dates() == null ? null : new java.util.ArrayList<>(kept);
        for (int r = 0; r < kept; r++) {
            System.arraycopy(v, keep[r] * cols, values, r * cols, cols);
            if (dates != null) {
                dates.add(s.dates().get(keep[r]));
            }
        }
        int empty = rows - kept;
        err.println("equirisk: note: " + empty + " date" + (empty == 1 ? " has" : "s have") + " no price for any "
                + "asset and " + (empty == 1 ? "is" : "are") + " skipped: returns span " + (empty == 1 ? "it" : "them"));
        return PriceHistory.of(kept, cols, values, s.assets(), dates);
    }

    /**
     * Each asset's mean return over the dates the covariance used: the complete dates when incomplete ones are
     * dropped, otherwise every date on which the asset has a return.
     */
    private static double[] means(Returns returns, MissingValuePolicy policy) {
        Returns used = policy == MissingValuePolicy.DROP_INCOMPLETE_ROWS ? returns.completeRows() : returns;
        int n = used.assetCount();
        double[] sum = new double[n];
        int[] count = new int[n];
        for (int t = 0; t < used.observations(); t++) {
            for (int j = 0; j < n; j++) {
                double v = used.get(t, j);
                if (!Double.isNaN(v)) {
                    sum[j] += v;
                    count[j]++;
                }
            }
        }
        for (int j = 0; j < n; j++) {
            sum[j] = count[j] > 0 ? sum[j] / count[j] : 0.0;
        }
        return sum;
    }

    /**
     * The assets whose median |r| over their present, non-zero returns is above {@code line} (0.2 for daily returns):
     * typical of returns written in percent. Asset by asset, since one quiet column (a risk-free rate of 0.01% a day)
     * would pull a median over the whole file below the line, as in the Fama-French factors file.
     */
    static List<String> percentLikeColumns(double[] values, int cols, List<String> assets, double line) {
        List<String> out = new java.util.ArrayList<>();
        int rows = values.length / cols;
        double[] a = new double[rows];
        for (int j = 0; j < cols; j++) {
            int m = 0;
            for (int t = 0; t < rows; t++) {
                double v = values[t * cols + j];
                if (!Double.isNaN(v) && v != 0) {
                    a[m++] = Math.abs(v);
                }
            }
            java.util.Arrays.sort(a, 0, m);
            if (m > 0 && a[m / 2] > line) {
                out.add(assets.get(j));
            }
        }
        return out;
    }

    /** --missing reject: the first missing return, by date and asset, and what was missing in the file. */
    private static void requireComplete(Path file, SeriesCsv.Kind kind, Returns r) {
        for (int t = 0; t < r.observations(); t++) {
            for (int j = 0; j < r.assetCount(); j++) {
                if (Double.isNaN(r.get(t, j))) {
                    throw new io.equirisk.error.NonFiniteValueException(file + ": asset " + r.assets().get(j)
                            + " has no return on " + r.dates().get(t) + " (" + (kind == SeriesCsv.Kind.PRICES
                            ? "its price is missing on that date or the one before" : "the cell is empty")
                            + "), and --missing reject refuses a missing value; use --missing drop, drop-assets or "
                            + "pairwise");
                }
            }
        }
    }

    /**
     * Fails early, naming the asset, when the data cannot give a covariance: an asset without returns, or (under
     * drop) too few dates on which every asset has one. Returns the number of observations the estimate will use.
     */
    private static int checkEnoughData(Path file, Returns r, MissingValuePolicy policy) {
        int t = r.observations();
        int n = r.assetCount();
        int[] count = new int[n];
        int[] first = new int[n];
        java.util.Arrays.fill(first, -1);
        int complete = 0;
        for (int row = 0; row < t; row++) {
            boolean all = true;
            for (int j = 0; j < n; j++) {
                if (Double.isNaN(r.get(row, j))) {
                    all = false;
                } else {
                    count[j]++;
                    if (first[j] < 0) {
                        first[j] = row;
                    }
                }
            }
            if (all) {
                complete++;
            }
        }
        List<String> assets = r.assets();
        List<String> empty = new java.util.ArrayList<>(); /* all of them, so that one run finds every column */
        for (int j = 0; j < n; j++) {
            if (count[j] < 2) {
                empty.add(assets.get(j) + " (" + count[j] + " return" + (count[j] == 1 ? ")" : "s)"));
            }
        }
        if (!empty.isEmpty()) {
            int shown = Math.min(empty.size(), 200); /* every one a real file has (31 of the 440 ETFs), so the user
                                                        removes them in one edit; a line, however long, not a flood */
            throw new InsufficientDataException(file + ": " + (empty.size() == 1 ? "asset " + empty.get(0) + " has"
                    : empty.size() + " assets have") + " fewer than the 2 returns needed in the data used"
                    + (empty.size() == 1 ? "" : ": " + String.join(", ", empty.subList(0, shown))
                    + (shown < empty.size() ? " and " + (empty.size() - shown) + " more" : ""))
                    + "; remove " + (empty.size() == 1 ? "the column" : "those columns") + (policy
                    == MissingValuePolicy.DROP_INCOMPLETE_ROWS && t >= 2 ? " (or leave out every asset without a "
                    + "return on each date with --missing drop-assets)" : ""));
        }
        if (policy == MissingValuePolicy.PAIRWISE) {
            int min = Integer.MAX_VALUE;
            for (int c : count) {
                min = Math.min(min, c);
            }
            return min;
        }
        if (policy == MissingValuePolicy.DROP_INCOMPLETE_ROWS && complete < 2) {
            int late = 0;
            for (int j = 1; j < n; j++) {
                if (first[j] > first[late]) {
                    late = j;
                }
            }
            throw new InsufficientDataException(file + ": only " + complete + " date" + (complete == 1 ? "" : "s")
                    + " have a return for every asset (--missing drop); asset " + assets.get(late)
                    + " starts latest (" + r.dates().get(first[late]) + "); use --missing pairwise, a later start, "
                    + "or leave out assets with short or gappy histories (--missing drop-assets)");
        }
        return policy == MissingValuePolicy.DROP_INCOMPLETE_ROWS ? complete : t;
    }
}

package io.equirisk.cli;

import io.equirisk.backend.Backends;
import io.equirisk.covariance.CovarianceBatch;
import io.equirisk.backend.CovarianceKind;
import io.equirisk.backend.ReturnWindows;
import io.equirisk.covariance.CovarianceMatrix;
import io.equirisk.data.Returns;
import io.equirisk.data.SyntheticMarket;
import io.equirisk.data.SyntheticMarket.AssetClass;
import io.equirisk.error.ConvergenceException;
import io.equirisk.error.InvalidInputException;
import io.equirisk.solver.RiskBudgetingResult;
import io.equirisk.solver.InverseVolatility;
import io.equirisk.solver.RiskBudgets;
import io.equirisk.solver.SolverOptions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * {@code equirisk demo}: equal weight vs inverse volatility vs equal risk contribution on a synthetic multi-asset
 * universe, to show what risk parity does: equal weights let the volatile assets carry the risk, inverse volatility
 * ignores correlation, ERC gives every asset the same share of risk.
 */
@Command(name = "demo", mixinStandardHelpOptions = true, versionProvider = VersionInfo.class, sortOptions = false,
        description = {"Compare equal weight, inverse volatility and ERC on a synthetic universe (no files needed).",
                "", "A seeded universe of 50 assets: crypto (60-120%% annualised vol), equities in 4 sectors "
                + "(15-35%%), bonds (3-8%%) and commodities (20-35%%), driven by market and sector factors with "
                + "fat-tailed (Student-t, ν = 4) daily shocks; 3 years of daily returns by default.", ""},
        footer = {"", "Examples:", "  equirisk demo", "  equirisk demo --seed 7 --all"})
final class DemoCommand implements Runnable {
    @ParentCommand
    Main main;

    @Option(names = "--seed", defaultValue = "2024", description = "Seed of the synthetic market. Default: "
            + "${DEFAULT-VALUE}.")
    long seed;

    @Option(names = "--days", defaultValue = "756", paramLabel = "T",
            description = "Daily returns to simulate, 60 to 100,000 (756 = 3 years). Default: ${DEFAULT-VALUE}.")
    int days;

    @Option(names = "--all", description = "Show every asset, not only the riskiest and safest.")
    boolean all;

    @Option(names = "--backend", paramLabel = "auto|cpu|cuda|emulation", defaultValue = "auto",
            description = "Backend for the ERC solve. Default: ${DEFAULT-VALUE}.")
    String backend;

    /** A demo, not a stress test: 400 years of 50 daily returns is 40 MB. */
    private static final int MAX_DAYS = 100_000;

    @Override
    public void run() {
        if (days < 60) {
            throw new InvalidInputException("--days must be at least 60 for a meaningful covariance of 50 assets, got "
                    + days);
        }
        if (days > MAX_DAYS) {
            throw new InvalidInputException("--days must be at most " + MAX_DAYS + " (about 400 years), got " + days);
        }
        PrintWriter out = main.spec.commandLine().getOut();
        SyntheticMarket market = SyntheticMarket.demo(seed);
        Returns returns = market.simulate(days);
        int n = market.size();
        CovarianceMatrix cov;
        RiskBudgetingResult erc;
        String reason;
        try (Backends.Selection sel = Backends.select(backend)) {
            reason = sel.reason();
            // The sample covariance through the backend's batched path (what a GPU accelerates).
            CovarianceBatch estimate = sel.backend().covariance(ReturnWindows.whole(returns.values(), days, n),
                    CovarianceKind.SAMPLE, 0.0);
            cov = CovarianceMatrix.of(n, estimate.values(), market.assets());
            cov.requirePositiveDefinite();
            erc = sel.backend().solve(CovarianceBatch.of(List.of(cov)), RiskBudgets.equal(n).toArray(),
                    SolverOptions.defaults()).result(0);
        }
        if (!erc.converged()) {
            throw new ConvergenceException("ERC solve did not converge (residual " + erc.residual() + ")", erc);
        }
        double[] vol = cov.volatilities();
        double[] inverse = InverseVolatility.weights(cov, RiskBudgets.equal(n));
        PortfolioRisk[] p = {PortfolioRisk.of(cov, PortfolioRisk.equalWeights(n)), PortfolioRisk.of(cov, inverse),
                PortfolioRisk.of(cov, erc.weights())};
        double annual = Math.sqrt(SyntheticMarket.PERIODS_PER_YEAR);

        int[] count = new int[AssetClass.values().length];
        for (int i = 0; i < n; i++) {
            count[market.assetClass(i).ordinal()]++;
        }
        out.printf(Locale.ROOT, "Synthetic universe (seed %d): %d assets (%d crypto, %d equities, %d bonds, "
                        + "%d commodities),%n%d daily returns (%.1f years) with market and sector factors and "
                        + "Student-t (ν = 4) shocks; sample covariance.%n%n", seed, n, count[0], count[1], count[2],
                count[3], days, days / (double) SyntheticMarket.PERIODS_PER_YEAR);

        out.println("By asset class: weight, and share of portfolio risk (risk contribution)");
        TextTable classes = new TextTable("class", "assets", "EW weight", "IV weight", "ERC weight", "EW risk",
                "IV risk", "ERC risk");
        for (AssetClass c : AssetClass.values()) {
            double[][] w = new double[3][2];
            for (int i = 0; i < n; i++) {
                if (market.assetClass(i) == c) {
                    for (int k = 0; k < 3; k++) {
                        w[k][0] += p[k].weights[i];
                        w[k][1] += p[k].shares[i];
                    }
                }
            }
            classes.row(c.name().toLowerCase(Locale.ROOT), Integer.toString(count[c.ordinal()]),
                    TextTable.percent(w[0][0]), TextTable.percent(w[1][0]), TextTable.percent(w[2][0]),
                    TextTable.percent(w[0][1]), TextTable.percent(w[1][1]), TextTable.percent(w[2][1]));
        }
        classes.print(out);
        out.println();

        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            order.add(i);
        }
        order.sort(Comparator.comparingDouble((Integer i) -> -vol[i]));
        List<Integer> shown = all ? order : new ArrayList<>(order.subList(0, 5));
        if (!all) {
            shown.addAll(order.subList(n - 5, n));
        }
        out.println(all ? "Every asset, riskiest first:" : "The 5 riskiest and the 5 safest assets:");
        TextTable assets = new TextTable("asset", "class", "vol (annual)", "EW weight", "IV weight", "ERC weight", "EW risk",
                "IV risk", "ERC risk");
        for (int k = 0; k < shown.size(); k++) {
            int i = shown.get(k);
            if (!all && k == 5) {
                assets.row("...", "", "", "", "", "", "", "", "");
            }
            assets.row(cov.assets().get(i), market.assetClass(i).name().toLowerCase(Locale.ROOT),
                    TextTable.percent(vol[i] * annual), TextTable.percent(p[0].weights[i]),
                    TextTable.percent(p[1].weights[i]), TextTable.percent(p[2].weights[i]),
                    TextTable.percent(p[0].shares[i]), TextTable.percent(p[1].shares[i]),
                    TextTable.percent(p[2].shares[i]));
        }
        assets.print(out);
        out.println();

        out.println("Summary (annualised):");
        TextTable summary = new TextTable("", "equal weight", "inverse vol", "ERC");
        summary.row("portfolio volatility", TextTable.percent(p[0].volatility * annual),
                TextTable.percent(p[1].volatility * annual), TextTable.percent(p[2].volatility * annual));
        summary.row("largest risk share", TextTable.percent(p[0].maxShare()), TextTable.percent(p[1].maxShare()),
                TextTable.percent(p[2].maxShare()));
        summary.row("smallest risk share", TextTable.percent(p[0].minShare()), TextTable.percent(p[1].minShare()),
                TextTable.percent(p[2].minShare()));
        summary.row("effective bets 1/ΣRC² (of " + n + ")", TextTable.fixed(p[0].effectiveBets(), 1),
                TextTable.fixed(p[1].effectiveBets(), 1), TextTable.fixed(p[2].effectiveBets(), 1));
        summary.print(out);
        out.println();
        double cryptoRisk = 0;
        for (int i = 0; i < n; i++) {
            if (market.assetClass(i) == AssetClass.CRYPTO) {
                cryptoRisk += p[0].shares[i];
            }
        }
        out.printf(Locale.ROOT, "Equal weights put %.0f%% of the risk in %d crypto assets (%.0f%% of the capital). "
                        + "Inverse volatility%nevens out volatility but not correlation. ERC gives every asset "
                        + "%.2f%% of the risk.%n", 100 * cryptoRisk, count[0], 100.0 * count[0] / n, 100.0 / n);
        out.printf(Locale.ROOT, "ERC: converged in %d iterations (%s), residual %.1e; %s%n", erc.iterations(),
                erc.solver(), erc.residual(), reason);
        out.flush();
    }
}

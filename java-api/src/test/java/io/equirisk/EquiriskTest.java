package io.equirisk;

import io.equirisk.backend.BatchSolution;
import io.equirisk.backend.CovarianceKind;
import io.equirisk.covariance.CovarianceBatch;
import io.equirisk.covariance.CovarianceEstimators;
import io.equirisk.covariance.CovarianceMatrix;
import io.equirisk.data.Returns;
import io.equirisk.data.SyntheticMarket;
import io.equirisk.scenario.HistoricalBootstrap;
import io.equirisk.scenario.ScenarioSet;
import io.equirisk.error.ConvergenceException;
import io.equirisk.error.InvalidBudgetException;
import io.equirisk.error.NotPositiveDefiniteException;
import io.equirisk.solver.RiskBudgetingResult;
import io.equirisk.solver.RiskBudgets;
import io.equirisk.solver.SolverMethod;
import io.equirisk.solver.SolverOptions;
import io.equirisk.testing.RandomCovariances;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The facade end to end: returns → covariance → weights, its checks, and its batch paths. */
class EquiriskTest {

    @Test
    void returnsToWeightsEndToEnd() {
        SyntheticMarket market = SyntheticMarket.demo(7);
        Returns returns = market.simulate(756);
        try (Equirisk er = Equirisk.withBackend("cpu")) {
            assertTrue(er.selectionReason().contains("cpu"));
            CovarianceMatrix cov = er.covariance(returns, CovarianceEstimators.parse("ledoit-wolf"));
            RiskBudgetingResult r = er.solve(cov, RiskBudgets.equal(cov.size()));
            assertTrue(r.converged() && r.residual() <= 1e-10);
            assertEquals(returns.assets(), cov.assets());
        }
    }

    @Test
    void singularCovarianceIsRejectedNotSolved() {
        // rank 2 in 4 assets: x = [1,1,0,0]·… has zero variance
        double[][] f = {{1, 0}, {0, 1}, {1, 1}, {1, -1}};
        double[][] s = new double[4][4];
        for (int i = 0; i < 4; i++) {
            for (int j = 0; j < 4; j++) {
                s[i][j] = f[i][0] * f[j][0] + f[i][1] * f[j][1];
            }
        }
        try (Equirisk er = Equirisk.withBackend("cpu")) {
            NotPositiveDefiniteException e = assertThrows(NotPositiveDefiniteException.class,
                    () -> er.solve(CovarianceMatrix.of(s), RiskBudgets.equal(4)));
            assertTrue(e.getMessage().contains("A3"), e.getMessage());
        }
    }

    @Test
    void unconvergedSingleSolveThrowsWithTheResult() {
        CovarianceMatrix cov = RandomCovariances.illConditioned(40, 1e7, 3, 9);
        try (Equirisk er = Equirisk.withBackend("cpu")) {
            ConvergenceException e = assertThrows(ConvergenceException.class, () -> er.solve(cov,
                    RiskBudgets.equal(40), new SolverOptions(1e-12, 2, SolverMethod.CCD)));
            assertTrue(((RiskBudgetingResult) e.result()).residual() > 1e-12);
            assertTrue(e.result(RiskBudgetingResult.class).orElseThrow().residual() > 1e-12);
            assertTrue(e.result(io.equirisk.covariance.NearestCorrelation.class).isEmpty());
        }
    }

    @Test
    void rollingCovarianceBatchAndVerify() {
        Returns returns = SyntheticMarket.demo(3).simulate(300);
        try (Equirisk er = Equirisk.withBackend("cpu")) {
            CovarianceBatch batch = er.rollingCovariance(returns, 120, 60, CovarianceKind.SAMPLE, 0);
            assertEquals(4, batch.batchSize());
            assertEquals(returns.assets(), batch.assets());
            CovarianceMatrix last = CovarianceEstimators.parse("sample").estimate(returns.rows(180, 300));
            for (int i = 0; i < last.values().length; i++) {
                assertEquals(last.values()[i], batch.values()[3 * last.values().length + i],
                        1e-12 * Math.abs(last.values()[i]) + 1e-18);
            }
            Equirisk.Verification v = er.verify(batch, RiskBudgets.equal(batch.size()).toArray(),
                    SolverOptions.defaults());
            assertEquals(0.0, v.maxWeightDifference());
            BatchSolution s = v.backend();
            assertEquals(0, s.unconvergedCount());
            double[] bad = new double[4 * batch.size()];
            assertThrows(InvalidBudgetException.class, () -> er.solveBatch(batch, bad, SolverOptions.defaults()));
        }
    }

    @Test
    void rollingRiskBudgetingIsTheRollingBatchSolved() {
        Returns returns = SyntheticMarket.demo(5).simulate(400);
        int n = returns.assetCount();
        try (Equirisk er = Equirisk.withBackend("cpu")) {
            double[] equal = RiskBudgets.equal(n).toArray();
            BatchSolution rolling = er.rollingRiskBudgeting(returns, 150, 50, CovarianceKind.EWMA, 0.97, equal,
                    SolverOptions.defaults());
            CovarianceBatch batch = er.rollingCovariance(returns, 150, 50, CovarianceKind.EWMA, 0.97);
            BatchSolution twoSteps = er.solveBatch(batch, equal, SolverOptions.defaults());
            assertEquals(6, rolling.weights().length / n);
            assertEquals(0, rolling.unconvergedCount());
            for (int i = 0; i < twoSteps.weights().length; i++) {
                assertEquals(twoSteps.weights()[i], rolling.weights()[i], 0.0, "weight " + i);
            }
            double[] perWindowTooShort = new double[2 * n];
            assertThrows(io.equirisk.error.DimensionMismatchException.class, () -> er.rollingRiskBudgeting(returns,
                    150, 50, CovarianceKind.SAMPLE, 0, perWindowTooShort, SolverOptions.defaults()));
            double[] notSummingToOne = new double[n];
            java.util.Arrays.fill(notSummingToOne, 0.5);
            assertThrows(InvalidBudgetException.class, () -> er.rollingRiskBudgeting(returns, 150, 50,
                    CovarianceKind.SAMPLE, 0, notSummingToOne, SolverOptions.defaults()));
        }
    }

    /**
     * A stale price (returns 0) or a constant accrual in some window: named with the window, its dates and the asset
     * before any backend sees it. The constant accrual's computed sample variance is not exactly 0 (the mean of
     * 1e-4 taken 30 times rounds), so without the check the solve would load that asset as if it were riskless.
     */
    @Test
    void aWindowWithConstantReturnsIsRefusedNamingWindowDatesAndAsset() {
        Returns base = SyntheticMarket.mixed(8, 6).simulate(200); /* fewer assets than a window's 30 rows */
        int n = base.assetCount();
        double[] v = base.values().clone();
        for (int t = 120; t < 150; t++) {
            v[t * n + 2] = 1e-4; /* asset 3 accrues a constant return on rows 121–150 */
        }
        Returns accrual = Returns.of(200, n, v, base.assets(), base.dates());
        double[] equal = RiskBudgets.equal(n).toArray();
        try (Equirisk er = Equirisk.withBackend("cpu")) {
            io.equirisk.error.ZeroVarianceException e = assertThrows(io.equirisk.error.ZeroVarianceException.class,
                    () -> er.rollingRiskBudgeting(accrual, 30, 10, CovarianceKind.SAMPLE, 0, equal,
                            SolverOptions.defaults()));
            assertTrue(e.getMessage().startsWith("window 13 of 18 (rows 121–150, " + base.dates().get(120) + " … "
                    + base.dates().get(149) + "): asset " + base.assets().get(2) + " (#3)"), e.getMessage());
            assertThrows(io.equirisk.error.ZeroVarianceException.class,
                    () -> er.rollingCovariance(accrual, 30, 10, CovarianceKind.SAMPLE, 0));
            // one row short of the run: every window has some variation
            assertEquals(0, er.rollingRiskBudgeting(accrual, 31, 10, CovarianceKind.SAMPLE, 0, equal,
                    SolverOptions.defaults()).unconvergedCount());
            // EWMA is zero-mean: a constant accrual has a variance there, a stale price (all 0) has none
            assertEquals(0, er.rollingRiskBudgeting(accrual, 30, 10, CovarianceKind.EWMA, 0.97, equal,
                    SolverOptions.defaults()).unconvergedCount());
            double[] z = base.values().clone();
            for (int t = 40; t < 80; t++) {
                z[t * n] = 0.0;
            }
            Returns stale = Returns.of(200, n, z, base.assets(), base.dates());
            io.equirisk.error.ZeroVarianceException ze = assertThrows(io.equirisk.error.ZeroVarianceException.class,
                    () -> er.rollingRiskBudgeting(stale, 30, 10, CovarianceKind.EWMA, 0.97, equal,
                            SolverOptions.defaults()));
            assertTrue(ze.getMessage().startsWith("window 5 of 18 (rows 41–70"), ze.getMessage());
        }
    }

    /**
     * A window of no more rows than the assets its solve weighs has a singular covariance: refused, as one scenario of
     * too few rows is, and counted over the positive budgets (a zero budget's asset leaves the solve).
     */
    @Test
    void windowsOfNoMoreRowsThanWeighedAssetsAreRefused() {
        Returns r = SyntheticMarket.demo(3).simulate(120);
        int n = r.assetCount();
        double[] equal = RiskBudgets.equal(n).toArray();
        try (Equirisk er = Equirisk.withBackend("cpu")) {
            io.equirisk.error.InsufficientDataException e = assertThrows(
                    io.equirisk.error.InsufficientDataException.class, () -> er.rollingRiskBudgeting(r, n, 10,
                            CovarianceKind.SAMPLE, 0, equal, SolverOptions.defaults()));
            assertTrue(e.getMessage().contains("a window of " + n + " rows over " + n + " assets"), e.getMessage());
            assertThrows(io.equirisk.error.InsufficientDataException.class,
                    () -> er.rollingCovariance(r, n, 10, CovarianceKind.EWMA, 0.97));
            int count = (120 - 10) / 10 + 1;
            double[] perWindow = new double[count * n];
            for (int k = 0; k < count; k++) {
                for (int i = 0; i < 9; i++) {
                    perWindow[k * n + i] = 1.0 / 9; /* nine assets weighed: ten rows are enough */
                }
            }
            assertEquals(0, er.rollingRiskBudgeting(r, 10, 10, CovarianceKind.SAMPLE, 0, perWindow,
                    SolverOptions.defaults()).unconvergedCount());
            perWindow[3 * n + 9] = 0.1; /* window 4 weighs ten */
            perWindow[3 * n] = 1.0 / 9 - 0.1;
            e = assertThrows(io.equirisk.error.InsufficientDataException.class, () -> er.rollingRiskBudgeting(r, 10,
                    10, CovarianceKind.SAMPLE, 0, perWindow, SolverOptions.defaults()));
            assertTrue(e.getMessage().contains("(window 4 of " + count + ")"), e.getMessage());
        }
    }

    /**
     * A bootstrap can only resample its history: an asset with the same return on every historical row has variance
     * 0 in every scenario (its computed variance rounds to a tiny positive number, which a solve would load with all
     * the weight), and a history of no more rows than assets leaves every scenario's covariance singular.
     */
    @Test
    void aBootstrapOfAFlatAssetOrOfTooShortAHistoryIsRefused() {
        Returns base = SyntheticMarket.demo(4).simulate(300);
        int n = base.assetCount();
        double[] v = base.values().clone();
        for (int t = 0; t < 300; t++) {
            v[t * n + 3] = 1e-4; /* asset 4 accrues the same return every day */
        }
        Returns accrual = Returns.of(300, n, v, base.assets(), base.dates());
        ScenarioSet set = ScenarioSet.of(HistoricalBootstrap.of(accrual, 5), 42, 20, 252);
        double[] equal = RiskBudgets.equal(n).toArray();
        for (String backend : new String[] {"cpu"}) { /* the facade's check, before any engine */
            try (Equirisk er = Equirisk.withBackend(backend)) {
                io.equirisk.error.ZeroVarianceException e = assertThrows(io.equirisk.error.ZeroVarianceException.class,
                        () -> er.scenarioRiskBudgeting(set, CovarianceKind.SAMPLE, 0, equal,
                                SolverOptions.defaults()), backend);
                assertTrue(e.getMessage().startsWith("bootstrap history: asset " + base.assets().get(3) + " (#4) has "
                        + "the same return (1.0E-4) on every one of its 300 rows"), e.getMessage());
                double[] without = equal.clone();
                without[3] = 0;
                without[0] += equal[3];
                BatchSolution s = er.scenarioRiskBudgeting(set, CovarianceKind.SAMPLE, 0, without,
                        SolverOptions.defaults());
                assertEquals(0, s.unconvergedCount(), backend + ": a zero budget leaves the asset out");
                assertEquals(0.0, s.weights()[3], 0.0);
                /* EWMA is zero-mean: the accrual has a variance there */
                assertEquals(0, er.scenarioRiskBudgeting(set, CovarianceKind.EWMA, 0.97, equal,
                        SolverOptions.defaults()).unconvergedCount(), backend);
                Returns shortHistory = Returns.of(n, n, java.util.Arrays.copyOf(base.values(), n * n), base.assets(),
                        null);
                assertThrows(io.equirisk.error.InsufficientDataException.class, () -> er.scenarioRiskBudgeting(
                        ScenarioSet.of(HistoricalBootstrap.of(shortHistory, 1), 1, 5, 252), CovarianceKind.SAMPLE, 0,
                        equal, SolverOptions.defaults()));
                /* counted per scenario: two scenarios weighing different halves each fit a history of n/2 + 1 rows
                   (drawn long enough to resample every one of its rows: fewer distinct rows are singular) */
                int half = n / 2;
                Returns halfHistory = Returns.of(half + 1, n, java.util.Arrays.copyOf(base.values(), (half + 1) * n),
                        base.assets(), null);
                double[] halves = new double[2 * n];
                for (int i = 0; i < half; i++) {
                    halves[i] = 1.0 / half;
                    halves[n + half + i] = 1.0 / (n - half);
                }
                for (int i = 2 * half; i < n; i++) {
                    halves[n + i] = 1.0 / (n - half);
                }
                assertEquals(2, er.scenarioRiskBudgeting(ScenarioSet.of(HistoricalBootstrap.of(halfHistory, 1), 1, 2,
                        2000), CovarianceKind.SAMPLE, 0, halves, SolverOptions.defaults()).batch(), backend);
                assertThrows(io.equirisk.error.InsufficientDataException.class, () -> er.scenarioRiskBudgeting(
                        ScenarioSet.of(HistoricalBootstrap.of(halfHistory, 1), 1, 2, n + 1), CovarianceKind.SAMPLE,
                        0, halves, SolverOptions.defaults()), "51 draws of 26 rows leave some out: singular");
            }
        }
    }

    /**
     * An asset that accrues one return on most days can be drawn only on those days: that scenario's variance of it
     * is zero (computed, ~1e-40), and the solve would load it with all the weight. The lowest such scenario is named,
     * found here by drawing every scenario's returns and looking; a zero budget there, or EWMA where the accrual is
     * not 0, lets the set through.
     */
    @Test
    void aBootstrapScenarioInWhichAWeighedAssetNeverMovesIsNamed() {
        Returns base = SyntheticMarket.demo(4).simulate(200);
        int n = 6; /* the first six assets: a scenario of 12 rows estimates their covariance */
        double[] v = new double[200 * n];
        for (int t = 0; t < 200; t++) {
            System.arraycopy(base.values(), t * base.assetCount(), v, t * n, n);
            v[t * n + 2] = t % 5 == 2 ? 3e-4 : 1e-4; /* a money-market fund: one return, a coupon now and then */
        }
        Returns history = Returns.of(200, n, v, base.assets().subList(0, n), base.dates());
        for (int block : new int[] {1, 3}) {
            ScenarioSet set = ScenarioSet.of(HistoricalBootstrap.of(history, block), 5, 200, 12);
            int flat = -1;
            for (int k = 0; k < set.count() && flat < 0; k++) {
                double[] r = set.slice(k, 1).returns();
                boolean same = true;
                for (int t = 1; t < set.rows(); t++) {
                    same &= r[t * n + 2] == r[2];
                }
                flat = same ? k : -1;
            }
            assertTrue(flat > 0, "the case needs a flat scenario after the first, block " + block + ": " + flat);
            double[] equal = RiskBudgets.equal(n).toArray();
            try (Equirisk er = Equirisk.withBackend("cpu")) {
                io.equirisk.error.ZeroVarianceException e = assertThrows(io.equirisk.error.ZeroVarianceException.class,
                        () -> er.scenarioRiskBudgeting(set, CovarianceKind.SAMPLE, 0, equal,
                                SolverOptions.defaults()));
                assertTrue(e.getMessage().startsWith("scenario " + flat + ": asset " + base.assets().get(2)
                        + " (#3) has the same return on every one of its 12 rows"), e.getMessage());
                /* the scenarios before it solve, and the flat one's variance of the asset is not 0 to the bit */
                BatchSolution before = er.scenarioRiskBudgeting(set.slice(0, flat), CovarianceKind.SAMPLE, 0, equal,
                        SolverOptions.defaults());
                assertEquals(0, before.unconvergedCount());
                double[] per = new double[set.count() * n]; /* that scenario alone gives the asset a zero budget */
                for (int k = 0; k < set.count(); k++) {
                    System.arraycopy(equal, 0, per, k * n, n);
                }
                java.util.Arrays.fill(per, flat * n, flat * n + n, 1.0 / (n - 1));
                per[flat * n + 2] = 0;
                int next = -1;
                for (int k = flat + 1; k < set.count() && next < 0; k++) {
                    double[] r = set.slice(k, 1).returns();
                    boolean same = true;
                    for (int t = 1; t < set.rows(); t++) {
                        same &= r[t * n + 2] == r[2];
                    }
                    next = same ? k : -1;
                }
                if (next < 0) {
                    assertEquals(set.count(), er.scenarioRiskBudgeting(set, CovarianceKind.SAMPLE, 0, per,
                            SolverOptions.defaults()).batch());
                } else {
                    String m = assertThrows(io.equirisk.error.ZeroVarianceException.class,
                            () -> er.scenarioRiskBudgeting(set, CovarianceKind.SAMPLE, 0, per,
                                    SolverOptions.defaults())).getMessage();
                    assertTrue(m.startsWith("scenario " + next + ": "), m);
                }
                assertEquals(0, er.scenarioRiskBudgeting(set, CovarianceKind.EWMA, 0.9, equal,
                        SolverOptions.defaults()).unconvergedCount(), "EWMA: a non-zero accrual moves");
            }
        }
    }

    /**
     * Chosen automatically, a GPU backend leaves small single problems to the CPU engine; once the facade is closed
     * they fail as every other call does, instead of being solved by an engine the caller closed.
     */
    @Test
    void aClosedFacadeRefusesSmallSolvesThatAGpuBackendLeavesToTheCpu() {
        io.equirisk.backend.CpuBackend inner = new io.equirisk.backend.CpuBackend();
        io.equirisk.backend.ComputeBackend standIn = new io.equirisk.backend.ComputeBackend() {
            private volatile boolean open = true;

            @Override
            public String name() {
                return "gpu-stand-in";
            }

            @Override
            public String description() {
                return "a GPU backend, for this test";
            }

            @Override
            public CovarianceBatch covariance(io.equirisk.backend.ReturnWindows w, CovarianceKind kind, double l) {
                return inner.covariance(w, kind, l);
            }

            @Override
            public BatchSolution solve(CovarianceBatch batch, double[] budgets, SolverOptions options) {
                if (!open) {
                    throw new io.equirisk.error.BackendException("the stand-in is closed");
                }
                return inner.solve(batch, budgets, options);
            }

            @Override
            public void close() {
                open = false;
                inner.close();
            }
        };
        CovarianceMatrix cov = RandomCovariances.factorModel(8, 2, 3);
        Equirisk er = Equirisk.of(new io.equirisk.backend.Backends.Selection(standIn, "auto: gpu-stand-in"), true);
        assertEquals(8, er.solve(cov, RiskBudgets.equal(8)).weights().length);
        er.close();
        io.equirisk.error.BackendException e = assertThrows(io.equirisk.error.BackendException.class,
                () -> er.solve(cov, RiskBudgets.equal(8)));
        assertTrue(e.getMessage().contains("closed"), e.getMessage());
    }

    /**
     * On a correlation matrix of condition 1e10 whose ERC portfolio nearly hedges, rounding each weight to double
     * moves the risk contributions by more than 1e-10: the exception says no solver can do better there and names a
     * tolerance that can be met, which then converges; a plain iteration cap is not called a precision limit.
     */
    @Test
    void aSolveAtTheLimitOfDoublePrecisionSaysSoAndNamesAToleranceThatCanBeMet() {
        CovarianceMatrix hedged = RandomCovariances.illConditioned(6, 1e10, 0, 4);
        try (Equirisk er = Equirisk.withBackend("cpu")) {
            ConvergenceException e = assertThrows(ConvergenceException.class,
                    () -> er.solve(hedged, RiskBudgets.equal(6)));
            assertTrue(e.getMessage().contains("as close as double precision allows on this covariance")
                    && e.getMessage().contains("a tolerance of 1e-09 or more can be met"), e.getMessage());
            assertTrue(er.solve(hedged, RiskBudgets.equal(6), SolverOptions.defaults().withTolerance(1e-9))
                    .converged());
            ConvergenceException capped = assertThrows(ConvergenceException.class, () -> er.solve(
                    RandomCovariances.illConditioned(40, 1e7, 3, 9), RiskBudgets.equal(40),
                    new SolverOptions(1e-12, 2, SolverMethod.CCD)));
            assertTrue(!capped.getMessage().contains("double precision"), capped.getMessage());
        }
    }

    /** Nulls are bad input with a name; a closed CPU backend says so; budgets near the top of the range rescale. */
    @Test
    void nullsClosedBackendsAndHugeBudgetsAreHandled() {
        CovarianceMatrix cov = RandomCovariances.factorModel(8, 2, 3);
        try (Equirisk er = Equirisk.withBackend("cpu")) {
            io.equirisk.error.InvalidInputException e = assertThrows(io.equirisk.error.InvalidInputException.class,
                    () -> er.solve(cov, RiskBudgets.equal(8), null));
            assertEquals("options is null", e.getMessage());
            assertThrows(io.equirisk.error.InvalidInputException.class, () -> er.solve(null, RiskBudgets.equal(8)));
            assertThrows(io.equirisk.error.InvalidInputException.class,
                    () -> er.solveBatch(null, RiskBudgets.equal(8).toArray(), SolverOptions.defaults()));
            assertThrows(InvalidBudgetException.class, () -> RiskBudgets.of((double[]) null));
            assertThrows(io.equirisk.error.InvalidInputException.class, () -> CovarianceMatrix.of(2, null));
            assertThrows(io.equirisk.error.InvalidInputException.class,
                    () -> CovarianceMatrix.of(new double[][] {{1, 0}, null}));
            assertThrows(io.equirisk.error.InvalidInputException.class, () -> CovarianceBatch.of(1, 2, null, null));
            assertThrows(io.equirisk.error.InvalidInputException.class, () -> Returns.of((double[][]) null));
            assertThrows(io.equirisk.error.InvalidInputException.class,
                    () -> io.equirisk.covariance.CovarianceEstimators.parse("oas").estimate(null));
            /* a review's list: each was a NullPointerException from the JDK */
            Class<io.equirisk.error.InvalidInputException> bad = io.equirisk.error.InvalidInputException.class;
            assertThrows(bad, () -> io.equirisk.data.PriceHistory.of(2, 2, null, null, null));
            assertThrows(bad, () -> Returns.fromPrices(null, io.equirisk.data.ReturnKind.SIMPLE));
            assertThrows(bad, () -> Returns.fromPrices(io.equirisk.data.PriceHistory.of(2, 1, new double[] {1, 2},
                    null, null), null));
            assertTrue(assertThrows(bad, () -> io.equirisk.data.PriceHistory.of(2, 1, new double[] {1, 2}, null,
                    java.util.Arrays.asList("d1", null))).getMessage().contains("row 2"));
            assertThrows(bad, () -> Returns.of(2, 1, new double[] {0.1, 0.2}, null,
                    java.util.Arrays.asList(null, "d2")));
            assertTrue(assertThrows(bad, () -> CovarianceMatrix.of(2, new double[] {1, 0, 0, 1},
                    java.util.Arrays.asList("a", null))).getMessage().contains("column 2 is empty"));
            assertTrue(assertThrows(bad, () -> CovarianceMatrix.of(2, new double[] {1, 0, 0, 1}, List.of("a", "a")))
                    .getMessage().contains("duplicate asset name 'a'"));
            assertThrows(bad, () -> CovarianceBatch.of(java.util.Arrays.asList(cov, null)));
            assertThrows(bad, () -> io.equirisk.solver.RiskContributions.of(cov, null));
            assertThrows(bad, () -> io.equirisk.covariance.NearestCorrelation.repair(null));
            assertThrows(bad, () -> io.equirisk.covariance.NearestPositiveDefinite.repair(null));
            BatchSolution two = BatchSolution.allocate(2, 3);
            assertTrue(assertThrows(IndexOutOfBoundsException.class, () -> two.result(99)).getMessage()
                    .contains("99 out of bounds for length 2"));
            Returns r = Returns.of(40, 3, new java.util.Random(1).doubles(120, -0.01, 0.01).toArray(), null, null);
            io.equirisk.error.InsufficientDataException tiny = assertThrows(
                    io.equirisk.error.InsufficientDataException.class,
                    () -> er.rollingCovariance(r, Integer.MIN_VALUE, 1, CovarianceKind.SAMPLE, 0));
            assertTrue(tiny.getMessage().contains("at least 2 rows"), tiny.getMessage());
            io.equirisk.error.InvalidInputException loose = assertThrows(io.equirisk.error.InvalidInputException.class,
                    () -> SolverOptions.defaults().withTolerance(1.0));
            assertTrue(loose.getMessage().contains("at most 0.01"), loose.getMessage());
            /* the engine and the solver reached directly (a second review's list): typed, as the native backends */
            io.equirisk.backend.ComputeBackend cpu = er.backend();
            CovarianceBatch one = CovarianceBatch.of(List.of(cov));
            double[] b = RiskBudgets.equal(8).toArray();
            assertThrows(InvalidBudgetException.class, () -> cpu.solve(one, null, SolverOptions.defaults()));
            assertEquals("solver options are null", assertThrows(bad, () -> cpu.solve(one, b, null)).getMessage());
            assertEquals("covariance batch is null", assertThrows(bad, () -> cpu.solve(null, b,
                    SolverOptions.defaults())).getMessage());
            assertThrows(bad, () -> cpu.scenarioReturns(null));
            assertThrows(bad, () -> cpu.covariance(null, CovarianceKind.SAMPLE, 0));
            io.equirisk.solver.RiskBudgetingSolver solver = io.equirisk.solver.RiskBudgetingSolver.standard();
            assertThrows(bad, () -> solver.solve((CovarianceMatrix) null, RiskBudgets.equal(8),
                    SolverOptions.defaults()));
            assertThrows(InvalidBudgetException.class, () -> solver.solve(cov, null, SolverOptions.defaults()));
            assertThrows(bad, () -> solver.solve(one, 0, RiskBudgets.equal(8), null));
            assertEquals(8, solver.solve(cov, RiskBudgets.equal(8), SolverOptions.defaults(), null).weights().length);
        }
        assertThrows(io.equirisk.error.InvalidInputException.class, () -> new io.equirisk.backend.CpuBackend(40_000));
        io.equirisk.data.PriceHistory extremes = io.equirisk.data.PriceHistory.of(3, 1,
                new double[] {1.0, Double.MIN_NORMAL, Double.MAX_VALUE}, List.of("X"), null);
        io.equirisk.error.NonFiniteValueException inf = assertThrows(io.equirisk.error.NonFiniteValueException.class,
                () -> Returns.fromPrices(extremes, io.equirisk.data.ReturnKind.SIMPLE));
        assertTrue(inf.getMessage().startsWith("return of asset X on row 3 (row 3) is Infinity"), inf.getMessage());
        io.equirisk.backend.CpuBackend cpu = new io.equirisk.backend.CpuBackend(2);
        cpu.close();
        CovarianceBatch two = CovarianceBatch.of(List.of(cov, cov));
        io.equirisk.error.BackendException closed = assertThrows(io.equirisk.error.BackendException.class,
                () -> cpu.solve(two, RiskBudgets.equal(8).toArray(), SolverOptions.defaults()));
        assertTrue(closed.getMessage().contains("closed"), closed.getMessage());
        double[] huge = RiskBudgets.normalized(1e308, 1e308, 1e308).toArray();
        assertArrayEquals(new double[] {1.0 / 3, 1.0 / 3, 1.0 / 3}, huge, 1e-16);
    }

    @Test
    void batchOfOneEqualsSingle() {
        CovarianceMatrix cov = RandomCovariances.factorModel(30, 3, 4);
        try (Equirisk er = Equirisk.create()) {
            RiskBudgetingResult single = er.solve(cov, RiskBudgets.equal(30));
            BatchSolution batch = er.solveBatch(CovarianceBatch.of(List.of(cov)), RiskBudgets.equal(30).toArray(),
                    SolverOptions.defaults());
            assertEquals(single.weights()[7], batch.weights()[7], 0.0);
        }
    }
}

package io.equirisk.scenario;

import io.equirisk.backend.BatchSolution;
import io.equirisk.backend.CovarianceKind;
import io.equirisk.backend.CpuBackend;
import io.equirisk.backend.ReturnWindows;
import io.equirisk.Equirisk;
import io.equirisk.covariance.CovarianceMatrix;
import io.equirisk.error.DimensionMismatchException;
import io.equirisk.error.InsufficientDataException;
import io.equirisk.error.InvalidInputException;
import io.equirisk.error.NonFiniteValueException;
import io.equirisk.error.NotPositiveDefiniteException;
import io.equirisk.solver.RiskBudgetingResult;
import io.equirisk.solver.RiskBudgetingSolver;
import io.equirisk.solver.RiskBudgets;
import io.equirisk.solver.SolverOptions;
import io.equirisk.testing.RandomCovariances;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Scenario returns have the model's mean and covariance (and fat tails when asked), scenario s is the same however
 * the set is sliced or threaded, and the CPU engine's streamed solve equals the solve of the drawn returns.
 */
class ScenarioSetTest {
    private static final CovarianceMatrix SIGMA = RandomCovariances.factorModel(5, 2, 3);
    private static final double[] MU = {1e-3, -2e-3, 0, 5e-4, 3e-3};

    /** Sample mean, covariance and standardised fourth moment of asset 0 over all rows of one long scenario. */
    private record Moments(double[] mean, double[] cov, double kurtosis0) {
        static Moments of(double[] r, int rows, int n) {
            double[] mean = new double[n];
            for (int t = 0; t < rows; t++) {
                for (int i = 0; i < n; i++) {
                    mean[i] += r[t * n + i] / rows;
                }
            }
            double[] cov = new double[n * n];
            double m4 = 0;
            for (int t = 0; t < rows; t++) {
                for (int i = 0; i < n; i++) {
                    for (int j = 0; j < n; j++) {
                        cov[i * n + j] += (r[t * n + i] - mean[i]) * (r[t * n + j] - mean[j]) / (rows - 1);
                    }
                }
                double d = r[t * n] - mean[0];
                m4 += d * d * d * d / rows;
            }
            return new Moments(mean, cov, m4 / (cov[0] * cov[0]));
        }
    }

    private static void assertMeanAndCovariance(Moments m, int rows, double kurtosis) {
        int n = SIGMA.size();
        for (int i = 0; i < n; i++) {
            double sd = Math.sqrt(SIGMA.get(i, i) / rows);
            assertEquals(MU[i], m.mean()[i], 6 * sd, "mean of asset " + i);
            for (int j = 0; j < n; j++) {
                /* standard error of a sample covariance: √(((κ − 1)/2 · (σ_ii σ_jj + σ_ij²)) / T), κ the kurtosis */
                double se = Math.sqrt((kurtosis - 1) / 2 * (SIGMA.get(i, i) * SIGMA.get(j, j)
                        + SIGMA.get(i, j) * SIGMA.get(i, j)) / rows);
                assertEquals(SIGMA.get(i, j), m.cov()[i * n + j], 6 * se, "covariance (" + i + ", " + j + ")");
            }
        }
    }

    @Test
    void gaussianScenariosHaveTheModelsMomentsAndNoFatTails() {
        int rows = 200_000;
        ScenarioSet set = ScenarioSet.of(ScenarioModel.of(SIGMA, MU, ScenarioDistribution.gaussian()), 99, 1, rows);
        Moments m = Moments.of(set.returns(), rows, 5);
        assertMeanAndCovariance(m, rows, 3);
        assertEquals(3, m.kurtosis0(), 6 * Math.sqrt(96.0 / rows), "kurtosis");
    }

    @Test
    void studentScenariosKeepTheCovarianceAndHaveFatTails() {
        int rows = 200_000;
        int dof = 8; /* kurtosis 3 + 6/(ν − 4) = 4.5 */
        ScenarioSet set = ScenarioSet.of(ScenarioModel.of(SIGMA, MU, ScenarioDistribution.studentT(dof)), 99, 1,
                rows);
        Moments m = Moments.of(set.returns(), rows, 5);
        assertMeanAndCovariance(m, rows, 4.5);
        assertTrue(m.kurtosis0() > 4.0 && m.kurtosis0() < 5.5, "kurtosis " + m.kurtosis0() + ", expected ≈ 4.5");
    }

    @Test
    void aScenarioIsTheSameInAnySliceAndOnAnyThread() {
        ScenarioModel model = ScenarioModel.of(SIGMA, MU, ScenarioDistribution.studentT(5));
        ScenarioSet all = ScenarioSet.of(model, -42, 8, 7);
        double[] whole = all.returns();
        double[] part = all.slice(5, 3).returns();
        int per = 7 * 5;
        for (int i = 0; i < part.length; i++) {
            assertEquals(Double.doubleToRawLongBits(whole[5 * per + i]), Double.doubleToRawLongBits(part[i]));
        }
        try (CpuBackend cpu = new CpuBackend(2)) {
            assertArrayEquals(whole, cpu.scenarioReturns(all));
        }
        assertEquals(new ScenarioSet(model, -42, 5, 3, 7).first(), all.slice(5, 3).first());
    }

    /** Rows drawn four at a time (each entry of L loaded once for all four) are the rows drawn one by one, bit for bit. */
    @Test
    void blockedRowsAreTheRowsDrawnOneByOne() {
        ScenarioModel model = ScenarioModel.of(RandomCovariances.factorModel(37, 4, 5), null,
                ScenarioDistribution.studentT(6));
        int rows = 11; /* two blocks of four and a remainder of three */
        ScenarioSet set = ScenarioSet.of(model, 77, 2, rows);
        double[] blocked = set.returns();
        double[] z = new double[set.scratchLength()];
        double[] single = new double[blocked.length];
        for (int k = 0; k < 2; k++) {
            for (int t = 0; t < rows; t++) {
                model.rows(77, k, t, 1, z, single, (k * rows + t) * 37);
            }
        }
        assertArrayEquals(single, blocked);
    }

    @Test
    void streamedSolveEqualsTheSolveOfTheDrawnReturns() {
        CovarianceMatrix sigma = RandomCovariances.factorModel(12, 3, 8);
        ScenarioSet set = ScenarioSet.of(ScenarioModel.of(sigma, null, ScenarioDistribution.studentT(4)), 5, 40, 60);
        double[] perScenario = new double[40 * 12];
        for (int k = 0; k < 40; k++) {
            System.arraycopy(RandomCovariances.budgets(12, k % 3, k), 0, perScenario, k * 12, 12);
        }
        try (CpuBackend cpu = new CpuBackend(2)) {
            ReturnWindows drawn = ReturnWindows.stacked(cpu.scenarioReturns(set), 40, 60, 12);
            for (CovarianceKind kind : CovarianceKind.values()) {
                BatchSolution streamed = cpu.scenarioRiskBudgeting(set, kind, 0.97, perScenario,
                        SolverOptions.defaults());
                BatchSolution reference = cpu.covarianceAndSolve(drawn, kind, 0.97, perScenario,
                        SolverOptions.defaults());
                assertEquals(0, streamed.unconvergedCount(), kind.toString());
                assertArrayEquals(reference.weights(), streamed.weights(), kind.toString());
                assertArrayEquals(reference.iterations(), streamed.iterations(), kind.toString());
            }
        }
    }

    /** Resampled risk parity: the scenario weights centre on the model's and spread less as the history grows. */
    @Test
    void scenarioWeightsCentreOnTheModelsAndNarrowWithLongerHistories() {
        CovarianceMatrix sigma = RandomCovariances.factorModel(6, 2, 17);
        RiskBudgetingResult model = RiskBudgetingSolver.standard().solve(sigma, RiskBudgets.equal(6),
                SolverOptions.defaults());
        ScenarioModel m = ScenarioModel.gaussian(sigma);
        double[] spread = new double[2];
        int[] rows = {60, 960};
        try (Equirisk er = Equirisk.withBackend("cpu")) {
            for (int r = 0; r < 2; r++) {
                int count = 200;
                BatchSolution s = er.scenarioRiskBudgeting(ScenarioSet.of(m, 1234, count, rows[r]),
                        CovarianceKind.SAMPLE, 0, RiskBudgets.equal(6).toArray(), SolverOptions.defaults());
                assertEquals(0, s.unconvergedCount());
                double[] mean = new double[6];
                double var = 0;
                for (int k = 0; k < count; k++) {
                    for (int i = 0; i < 6; i++) {
                        double w = s.weights()[k * 6 + i];
                        mean[i] += w / count;
                        var += Math.pow(w - model.weights()[i], 2) / (count * 6.0);
                    }
                }
                spread[r] = Math.sqrt(var);
                for (int i = 0; i < 6; i++) {
                    assertEquals(model.weights()[i], mean[i], 4 * spread[r] / Math.sqrt(count) + 0.02 / rows[r] * 60,
                            rows[r] + " rows, asset " + i);
                }
            }
        }
        /* the standard error falls as 1/√T: 16 times the rows, about a quarter of the spread */
        assertEquals(0.25, spread[1] / spread[0], 0.08, "spread " + spread[0] + " → " + spread[1]);
    }

    @Test
    void badInputIsATypedErrorThatNamesTheProblem() {
        assertThrows(InvalidInputException.class, () -> ScenarioDistribution.studentT(2));
        assertThrows(InvalidInputException.class, () -> new ScenarioDistribution(1001));
        assertThrows(InvalidInputException.class, () -> ScenarioDistribution.studentT(0));
        DimensionMismatchException length = assertThrows(DimensionMismatchException.class,
                () -> ScenarioModel.of(SIGMA, new double[4], ScenarioDistribution.gaussian()));
        assertTrue(length.getMessage().contains("4 values"), length.getMessage());
        double[] mu = MU.clone();
        mu[3] = Double.NaN;
        NonFiniteValueException nan = assertThrows(NonFiniteValueException.class,
                () -> ScenarioModel.of(SIGMA, mu, ScenarioDistribution.gaussian()));
        assertTrue(nan.getMessage().contains("A4 (#4)"), nan.getMessage());
        double[] singular = {1, 1, 1, 1};
        NotPositiveDefiniteException pd = assertThrows(NotPositiveDefiniteException.class,
                () -> ScenarioModel.gaussian(CovarianceMatrix.of(2, singular)));
        assertTrue(pd.getMessage().startsWith("scenario covariance"), pd.getMessage());
        ScenarioModel model = ScenarioModel.gaussian(SIGMA);
        assertThrows(InvalidInputException.class, () -> new ScenarioSet(model, 1, (1L << 32) - 2, 3, 10));
        assertThrows(InvalidInputException.class, () -> new ScenarioSet(model, 1, -1, 3, 10));
        // first + count past 2^63 wrapped below the limit: scenarios 2^32 − 1, 0, 1 under other labels
        assertThrows(InvalidInputException.class, () -> new ScenarioSet(model, 1, Long.MAX_VALUE, 3, 10));
        assertThrows(InvalidInputException.class, () -> ScenarioSet.of(model, 1, 0, 10));
        assertThrows(InvalidInputException.class, () -> ScenarioSet.of(model, 1, 3, 0));
        assertThrows(InvalidInputException.class, () -> ScenarioSet.of(model, 1, 3, 10).slice(2, 2));
        try (Equirisk er = Equirisk.withBackend("cpu")) {
            assertThrows(InsufficientDataException.class, () -> er.scenarioRiskBudgeting(ScenarioSet.of(model, 1, 3,
                    1), CovarianceKind.SAMPLE, 0, RiskBudgets.equal(5).toArray(), SolverOptions.defaults()));
            for (CovarianceKind kind : CovarianceKind.values()) { // no more rows than assets: singular, NaN weights
                assertThrows(InsufficientDataException.class, () -> er.scenarioRiskBudgeting(ScenarioSet.of(model, 1,
                        3, 5), kind, 0.97, RiskBudgets.equal(5).toArray(), SolverOptions.defaults()));
            }
            assertThrows(DimensionMismatchException.class, () -> er.scenarioRiskBudgeting(ScenarioSet.of(model, 1, 3,
                    10), CovarianceKind.SAMPLE, 0, new double[7], SolverOptions.defaults()));
            assertThrows(InvalidInputException.class, () -> er.scenarioRiskBudgeting(ScenarioSet.of(model, 1, 3,
                    10), CovarianceKind.EWMA, 1.5, RiskBudgets.equal(5).toArray(), SolverOptions.defaults()));
        }
    }

    /**
     * A slice of a set that does not start at scenario 0 (a --first continuation) holds the scenarios it names:
     * slice(2, 3) of the set from scenario 10 is scenarios 12 … 14, the same bits as the set drawn from 12 and as
     * the parent's own scenarios 2 … 4.
     */
    @Test
    void aSliceOfAContinuedSetHoldsItsOwnScenarios() {
        ScenarioModel model = ScenarioModel.of(SIGMA, MU, ScenarioDistribution.studentT(5));
        ScenarioSet continued = new ScenarioSet(model, -42, 10, 6, 7);
        ScenarioSet slice = continued.slice(2, 3);
        assertEquals(12, slice.first());
        assertEquals("scenario 12", slice.describe(0));
        double[] direct = new ScenarioSet(model, -42, 12, 3, 7).returns();
        double[] parent = continued.returns();
        double[] part = slice.returns();
        int per = 7 * 5;
        assertEquals(direct.length, part.length);
        for (int i = 0; i < part.length; i++) {
            assertEquals(Double.doubleToRawLongBits(direct[i]), Double.doubleToRawLongBits(part[i]), "value " + i);
            assertEquals(Double.doubleToRawLongBits(parent[2 * per + i]), Double.doubleToRawLongBits(part[i]),
                    "value " + i);
        }
    }
}

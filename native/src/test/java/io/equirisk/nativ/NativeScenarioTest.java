package io.equirisk.nativ;

import io.equirisk.backend.BatchSolution;
import io.equirisk.backend.CovarianceKind;
import io.equirisk.backend.CpuBackend;
import io.equirisk.covariance.CovarianceMatrix;
import io.equirisk.covariance.CovarianceEstimators;
import io.equirisk.data.MissingValuePolicy;
import io.equirisk.data.Returns;
import io.equirisk.error.InsufficientDataException;
import io.equirisk.error.InvalidBudgetException;
import io.equirisk.error.InvalidInputException;
import io.equirisk.scenario.HistoricalBootstrap;
import io.equirisk.scenario.ScenarioDistribution;
import io.equirisk.scenario.ScenarioModel;
import io.equirisk.scenario.ScenarioSet;
import io.equirisk.solver.SolverOptions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.IOException;
import java.util.Arrays;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Monte Carlo scenarios drawn by the kernels (Philox4x32-10, Box-Muller, Student-t mixing, the triangular product)
 * against the Java engine's own implementation of the same definition, and scenario solves on the device against
 * the CPU engine's, on random and real covariance models, chunked or not.
 */
class NativeScenarioTest {
    private static final double WEIGHT_TOL = 1e-9;
    private static final SolverOptions OPTS = SolverOptions.defaults().withTolerance(1e-12);
    private static CudaBackend backend;
    private static CpuBackend cpu;

    @BeforeAll
    static void open() {
        backend = NativeTestBackend.open();
        cpu = new CpuBackend(1);
    }

    @AfterAll
    static void close() {
        if (backend != null) {
            backend.close();
        }
        if (cpu != null) {
            cpu.close();
        }
    }

    private static ScenarioModel model(int n, int dof, long seed) {
        Random rnd = new Random(seed);
        double[] r = TestMatrices.returns(rnd, 3 * n + 10, n);
        CovarianceMatrix sigma = CovarianceEstimators.parse("sample").estimate(Returns.of(3 * n + 10, n, r, null,
                null), MissingValuePolicy.REJECT);
        double[] mu = new double[n];
        for (int i = 0; i < n; i++) {
            mu[i] = 1e-3 * rnd.nextGaussian();
        }
        return ScenarioModel.of(sigma, mu, new ScenarioDistribution(dof));
    }

    /**
     * Bit for bit: both engines take the same correctly rounded steps (the reproducible logarithm, cosine and sine,
     * one fused multiply-add a term). Where they differ, the message says by how much, relative to the largest draw.
     */
    private static void assertSameDraws(double[] expected, double[] actual, String what) {
        assertEquals(expected.length, actual.length, what);
        double scale = 0;
        double diff = 0;
        int differ = 0;
        for (int i = 0; i < expected.length; i++) {
            scale = Math.max(scale, Math.abs(expected[i]));
            diff = Math.max(diff, Math.abs(expected[i] - actual[i]));
            differ += Double.doubleToRawLongBits(expected[i]) != Double.doubleToRawLongBits(actual[i]) ? 1 : 0;
        }
        assertEquals(0, differ, what + ": " + differ + " of " + expected.length + " draws differ, by up to " + diff
                + " at scale " + scale);
    }

    @Test
    void kernelDrawsAreTheJavaEnginesToTheBitForOddAndEvenUniverses() {
        for (int n : new int[] {1, 2, 3, 33}) {
            for (int dof : new int[] {0, 3, 7}) {
                ScenarioSet set = new ScenarioSet(model(n, dof, 40 + n), -7L * n, 1000 + n, 4, 9);
                assertSameDraws(cpu.scenarioReturns(set), backend.scenarioReturns(set), n + " assets, ν = " + dof);
            }
        }
    }

    @Test
    void aSliceDrawnAloneIsTheSameScenarioOnTheDeviceAndChunksDoNotChangeIt() {
        ScenarioSet set = new ScenarioSet(model(6, 5, 41), 12345, 0, 10, 11);
        double[] all = backend.scenarioReturns(set);
        double[] tail = backend.scenarioReturns(set.slice(6, 4));
        assertArrayEquals(Arrays.copyOfRange(all, 6 * 11 * 6, all.length), tail);
        try (CudaBackend chunked = NativeTestBackend.open(0, 2_000)) { /* L, μ and about two scenarios per chunk */
            long before = chunked.downcalls();
            assertArrayEquals(all, chunked.scenarioReturns(set));
            assertTrue(chunked.downcalls() - before > 2, "expected several chunks");
        }
    }

    @ParameterizedTest
    @EnumSource(CovarianceKind.class)
    void scenarioSolvesMatchTheCpuEngineAndTheDrawnReturnsSolvedOnTheDevice(CovarianceKind kind) {
        int n = 10;
        ScenarioSet set = new ScenarioSet(model(n, 4, 42), 99, 3, 12, 40);
        double[] budgets = new double[set.count() * n];
        Random rnd = new Random(43);
        for (int k = 0; k < set.count(); k++) {
            double sum = 0;
            for (int i = 0; i < n; i++) {
                double b = (i + k) % 5 == 0 ? 0 : 0.5 + rnd.nextDouble();
                budgets[k * n + i] = b;
                sum += b;
            }
            for (int i = 0; i < n; i++) {
                budgets[k * n + i] /= sum;
            }
        }
        BatchSolution fused = backend.scenarioRiskBudgeting(set, kind, 0.95, budgets, OPTS);
        BatchSolution drawnThenSolved = backend.covarianceAndSolve(io.equirisk.backend.ReturnWindows.stacked(
                backend.scenarioReturns(set), set.count(), set.rows(), n), kind, 0.95, budgets, OPTS);
        assertArrayEquals(drawnThenSolved.weights(), fused.weights(), "the same kernels on the same draws");
        agreeWithCpu(set, kind, 0.95, budgets, fused);
        try (CudaBackend chunked = NativeTestBackend.open(0, 3_000)) {
            long before = chunked.downcalls();
            BatchSolution pieces = chunked.scenarioRiskBudgeting(set, kind, 0.95, budgets, OPTS);
            assertTrue(chunked.downcalls() - before > 2, "expected several chunks");
            assertArrayEquals(fused.weights(), pieces.weights());
        }
    }

    /** A model of real ETF returns with fat tails: a year of daily scenarios, solved on the device and on the CPU. */
    @Test
    void realEtfModelWithFatTails() throws IOException {
        MarketData.Table t = MarketData.logReturns("data/etf_6_yahoo_2006_2020/adj_close_wide.csv");
        int n = t.assets();
        CovarianceMatrix sigma = CovarianceEstimators.parse("sample").estimate(Returns.of(t.rows(), n, t.returns(),
                null, null), MissingValuePolicy.REJECT);
        ScenarioSet set = ScenarioSet.of(ScenarioModel.of(sigma, null, ScenarioDistribution.studentT(4)), 2026, 16,
                252);
        double[] equal = new double[n];
        Arrays.fill(equal, 1.0 / n);
        assertSameDraws(cpu.scenarioReturns(set), backend.scenarioReturns(set), "ETF model");
        agreeWithCpu(set, CovarianceKind.SAMPLE, 0, equal, backend.scenarioRiskBudgeting(set, CovarianceKind.SAMPLE,
                0, equal, OPTS));
    }

    /**
     * A bootstrap's rows gathered on the device from its history ({@code er_bootstrap_solve}) are the host's rows:
     * the solve equals the device's solve of the rows drawn on the host, bit for bit, and the CPU engine's.
     */
    @ParameterizedTest
    @EnumSource(CovarianceKind.class)
    void bootstrapScenariosGatheredOnTheDeviceAreTheHostsRows(CovarianceKind kind) {
        int t = 200;
        int n = 7;
        double[] r = TestMatrices.returns(new Random(45), t, n);
        ScenarioSet set = ScenarioSet.of(HistoricalBootstrap.of(Returns.of(t, n, r, null, null), 5), 3, 8, 40);
        assertArrayEquals(cpu.scenarioReturns(set), backend.scenarioReturns(set));
        double[] equal = new double[n];
        Arrays.fill(equal, 1.0 / n);
        BatchSolution gathered = backend.scenarioRiskBudgeting(set, kind, 0.97, equal, OPTS);
        BatchSolution hostRows = backend.covarianceAndSolve(io.equirisk.backend.ReturnWindows.stacked(
                set.returns(), set.count(), set.rows(), n), kind, 0.97, equal, OPTS);
        assertArrayEquals(hostRows.weights(), gathered.weights(), "the same kernels on the same rows");
        assertArrayEquals(hostRows.iterations(), gathered.iterations());
        agreeWithCpu(set, kind, 0.97, equal, gathered);
        try (CudaBackend chunked = NativeTestBackend.open(0, 13_000)) { /* the history and about two scenarios */
            long before = chunked.downcalls();
            BatchSolution pieces = chunked.scenarioRiskBudgeting(set, kind, 0.97, equal, OPTS);
            assertTrue(chunked.downcalls() - before > 2, "expected several chunks");
            assertArrayEquals(gathered.weights(), pieces.weights());
        }
    }

    @Test
    void badArgumentsNeverReachTheLibrary() {
        ScenarioSet set = new ScenarioSet(model(4, 0, 44), 1, 0, 3, 20);
        double[] equal = {0.25, 0.25, 0.25, 0.25};
        long before = backend.downcalls();
        assertThrows(InvalidBudgetException.class, () -> backend.scenarioRiskBudgeting(set, CovarianceKind.SAMPLE, 0,
                new double[] {0.25, 0.25, 0.25, 0.5}, OPTS));
        assertThrows(InvalidInputException.class, () -> backend.scenarioRiskBudgeting(set, CovarianceKind.EWMA, 1.0,
                equal, OPTS));
        assertThrows(InsufficientDataException.class, () -> backend.scenarioRiskBudgeting(
                new ScenarioSet(set.source(), 1, 0, 3, 1), CovarianceKind.SAMPLE, 0, equal, OPTS));
        assertThrows(InvalidInputException.class, () -> backend.scenarioReturns(null));
        assertEquals(before, backend.downcalls(), "the library must not be called for invalid input");
    }

    private static void agreeWithCpu(ScenarioSet set, CovarianceKind kind, double lambda, double[] budgets,
                                     BatchSolution got) {
        BatchSolution ref = cpu.scenarioRiskBudgeting(set, kind, lambda, budgets, OPTS);
        assertEquals(0, ref.unconvergedCount(), "CPU reference converged");
        for (int k = 0; k < set.count(); k++) {
            assertTrue(got.converged()[k], set.describe(k) + " did not converge, residual " + got.residuals()[k]);
            NativeSolveTest.assertWeightsClose(ref.result(k).weights(), got.result(k).weights(), WEIGHT_TOL,
                    set.describe(k) + " vs CPU");
        }
    }
}

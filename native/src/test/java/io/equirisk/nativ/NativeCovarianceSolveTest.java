package io.equirisk.nativ;

import io.equirisk.backend.BatchSolution;
import io.equirisk.backend.CovarianceKind;
import io.equirisk.backend.CpuBackend;
import io.equirisk.backend.ReturnWindows;
import io.equirisk.error.InvalidBudgetException;
import io.equirisk.error.NonFiniteValueException;
import io.equirisk.error.ZeroVarianceException;
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
 * Covariance and solve in one native call (rolling rebalancing: the covariances stay on the device) against the CPU
 * engine's two steps, on random and real returns, with shared and per-window budgets, chunked or not. Solved to
 * 1e-12 on RC so that the 1e-9 agreement on weights tests the engines, not where each stopped inside its tolerance
 * (see NativeSolveTest.mixedBatchMatchesCpuBackend).
 */
class NativeCovarianceSolveTest {
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

    @ParameterizedTest
    @EnumSource(CovarianceKind.class)
    void randomWindowsMatchTheCpuEngineAndTheTwoNativeCalls(CovarianceKind kind) {
        Random rnd = new Random(31);
        int rows = 140;
        int n = 12;
        double[] r = TestMatrices.returns(rnd, rows, n);
        ReturnWindows w = ReturnWindows.rolling(r, rows, n, 60, 16);
        double[] equal = new double[n];
        Arrays.fill(equal, 1.0 / n);
        SolverOptions opts = OPTS;
        BatchSolution fused = backend.covarianceAndSolve(w, kind, 0.95, equal, opts);
        BatchSolution twoCalls = backend.solve(backend.covariance(w, kind, 0.95), equal, opts);
        assertArrayEquals(twoCalls.weights(), fused.weights(), "the same kernels on the same data");
        assertArrayEquals(twoCalls.iterations(), fused.iterations());
        agreeWithCpu(w, kind, 0.95, equal, fused);
    }

    @Test
    void perWindowBudgetsWithZerosAndTinyChunks() {
        Random rnd = new Random(32);
        int rows = 120;
        int n = 9;
        double[] r = TestMatrices.returns(rnd, rows, n);
        ReturnWindows w = ReturnWindows.rolling(r, rows, n, 50, 10);
        double[] budgets = new double[w.count() * n];
        for (int k = 0; k < w.count(); k++) {
            double sum = 0;
            for (int i = 0; i < n; i++) {
                double b = (i + k) % 4 == 0 ? 0.0 : 0.5 + rnd.nextDouble();
                budgets[k * n + i] = b;
                sum += b;
            }
            for (int i = 0; i < n; i++) {
                budgets[k * n + i] /= sum;
            }
        }
        BatchSolution whole = backend.covarianceAndSolve(w, CovarianceKind.SAMPLE, 0, budgets,
                OPTS);
        agreeWithCpu(w, CovarianceKind.SAMPLE, 0, budgets, whole);
        for (int k = 0; k < w.count(); k++) {
            for (int i = 0; i < n; i++) {
                if (budgets[k * n + i] == 0) {
                    assertEquals(0.0, whole.weights()[k * n + i], "window " + k + ", zero budget of asset " + i);
                }
            }
        }
        try (CudaBackend chunked = NativeTestBackend.open(0, 6_000)) { // a few windows per downcall
            long before = chunked.downcalls();
            BatchSolution pieces = chunked.covarianceAndSolve(w, CovarianceKind.SAMPLE, 0, budgets,
                    OPTS);
            assertTrue(chunked.downcalls() - before > 2, "expected several chunks");
            assertArrayEquals(whole.weights(), pieces.weights());
        }
    }

    @ParameterizedTest
    @EnumSource(CovarianceKind.class)
    void cryptoRollingQuarterWindowsRealData(CovarianceKind kind) throws IOException {
        MarketData.Table t = MarketData.logReturns("data/crypto_yahoo_26coins_2014_2022/crypto_prices_clean.csv");
        int n = t.assets();
        ReturnWindows w = ReturnWindows.rolling(t.returns(), t.rows(), n, 120, 60);
        double[] equal = new double[n];
        Arrays.fill(equal, 1.0 / n);
        BatchSolution fused = backend.covarianceAndSolve(w, kind, 0.97, equal, OPTS);
        agreeWithCpu(w, kind, 0.97, equal, fused);
    }

    @Test
    void aFlatAssetInOneWindowIsNamedAndBadBudgetsNeverReachTheLibrary() {
        Random rnd = new Random(33);
        int rows = 80;
        int n = 5;
        double[] r = TestMatrices.returns(rnd, rows, n);
        for (int t = 40; t < 70; t++) {
            r[t * n + 3] = 0.0; // asset column 4 does not trade in rows 40..69 (stale price: zero log returns)
        }
        ReturnWindows w = new ReturnWindows(r, rows, n, new int[] {0, 40}, 30)
                .withNames(java.util.List.of("EQ", "BOND", "GOLD", "OIL", "FX"));
        double[] equal = {0.2, 0.2, 0.2, 0.2, 0.2};
        ZeroVarianceException e = assertThrows(ZeroVarianceException.class,
                () -> backend.covarianceAndSolve(w, CovarianceKind.SAMPLE, 0, equal, OPTS));
        // counted from 1 and named, as the CPU engine's message
        assertTrue(e.getMessage().startsWith("window 2 of 2 (rows 41–70): asset OIL (#4)"), e.getMessage());

        long before = backend.downcalls();
        double[] bad = {0.2, 0.2, 0.2, 0.2, 0.3};
        assertThrows(InvalidBudgetException.class,
                () -> backend.covarianceAndSolve(w, CovarianceKind.SAMPLE, 0, bad, OPTS));
        assertEquals(before, backend.downcalls(), "the library must not be called for invalid budgets");
    }

    /**
     * Returns so large that a covariance entry overflows, or so small that a variance underflows to 0: the fused
     * call sees only NaN from the device; both backends must throw the same typed error, naming the window.
     */
    @ParameterizedTest
    @EnumSource(CovarianceKind.class)
    void outOfRangeWindowsThrowTheCpuEnginesTypedError(CovarianceKind kind) {
        Random rnd = new Random(34);
        int rows = 60;
        int n = 4;
        double[] budgets = {0.25, 0.25, 0.25, 0.25};
        for (double scale : new double[] {1e160, 1e-160}) {
            double[] r = TestMatrices.returns(rnd, rows, n);
            for (int t = 30; t < rows; t++) {
                r[t * n + 1] *= scale; /* asset column 2, from row 30: only the second window */
            }
            ReturnWindows w = new ReturnWindows(r, rows, n, new int[] {0, 30}, 30);
            Class<? extends RuntimeException> expected = scale > 1 ? NonFiniteValueException.class
                    : ZeroVarianceException.class;
            RuntimeException e = assertThrows(expected, () -> backend.covarianceAndSolve(w, kind, 0.95, budgets, OPTS),
                    "native, " + scale);
            assertTrue(e.getMessage().startsWith("window 2 of 2 (rows 31–60)"), e.getMessage());
            RuntimeException onCpu = assertThrows(expected, () -> cpu.covarianceAndSolve(w, kind, 0.95, budgets, OPTS));
            assertTrue(onCpu.getMessage().startsWith("window 2 of 2 (rows 31–60)"), onCpu.getMessage());
        }
    }

    /**
     * 2,000 windows of 1,100 assets: their covariances would be 2.4e9 values, more than one Java array holds. The
     * fused call never holds them on the host, so its checks take these windows; the two-step call, which returns
     * them, refuses them on either engine with a typed error before any native work.
     */
    @Test
    void windowsBeyondOneArrayOfCovariancesAreRefusedOnlyWhereTheyWouldBeHeld() {
        int rows = 2001;
        int n = 1100;
        ReturnWindows w = ReturnWindows.rolling(TestMatrices.returns(new Random(35), rows, n), rows, n, 2, 1);
        NativeInputs.checkCovariance(w, CovarianceKind.SAMPLE, 0);
        for (io.equirisk.backend.ComputeBackend engine : new io.equirisk.backend.ComputeBackend[] {backend, cpu}) {
            io.equirisk.error.DimensionMismatchException e = assertThrows(
                    io.equirisk.error.DimensionMismatchException.class,
                    () -> engine.covariance(w, CovarianceKind.SAMPLE, 0), engine.name());
            assertTrue(e.getMessage().contains("2000 covariance matrices of 1100 assets"), e.getMessage());
        }
    }

    private static void agreeWithCpu(ReturnWindows w, CovarianceKind kind, double lambda, double[] budgets,
                                     BatchSolution got) {
        BatchSolution ref = cpu.covarianceAndSolve(w, kind, lambda, budgets, OPTS);
        assertEquals(0, ref.unconvergedCount(), "CPU reference converged");
        for (int k = 0; k < w.count(); k++) {
            assertTrue(got.converged()[k], "window " + k + " did not converge, residual " + got.residuals()[k]);
            assertTrue(got.residuals()[k] <= OPTS.tolerance(), "window " + k + " residual " + got.residuals()[k]);
            NativeSolveTest.assertWeightsClose(ref.result(k).weights(), got.result(k).weights(), WEIGHT_TOL,
                    "window " + k + " vs CPU");
        }
    }
}

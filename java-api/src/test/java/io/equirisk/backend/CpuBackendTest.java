package io.equirisk.backend;

import io.equirisk.covariance.CovarianceBatch;
import io.equirisk.covariance.CovarianceMatrix;
import io.equirisk.error.DimensionMismatchException;
import io.equirisk.solver.RiskBudgetingResult;
import io.equirisk.solver.RiskBudgetingSolver;
import io.equirisk.solver.RiskBudgets;
import io.equirisk.solver.SolverOptions;
import io.equirisk.testing.RandomCovariances;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The batch API gives exactly the results of solving each problem alone, in parallel. */
class CpuBackendTest {

    /**
     * The same problem 400 times in one batch, solved while the JIT compiles the kernels: every answer must be the
     * same bits. A lane reduction whose order the JIT chose (reduceLanes) once gave three different answers here.
     */
    @Test
    void identicalProblemsGiveIdenticalBitsWhileTheJitWarmsUp() {
        int n = 50;
        int copies = 400;
        double[] one = RandomCovariances.factorModel(n, 5, 42).values();
        double[] all = new double[copies * n * n];
        for (int k = 0; k < copies; k++) {
            System.arraycopy(one, 0, all, k * n * n, n * n);
        }
        try (CpuBackend cpu = new CpuBackend(2)) {
            BatchSolution s = cpu.solve(CovarianceBatch.of(copies, n, all, null), RiskBudgets.equal(n).toArray(),
                    SolverOptions.defaults());
            RiskBudgetingResult first = s.result(0);
            for (int k = 1; k < copies; k++) {
                RiskBudgetingResult r = s.result(k);
                assertEquals(first.iterations(), r.iterations(), "problem " + k);
                assertArrayEquals(first.weights(), r.weights(), 0.0, "problem " + k);
            }
        }
    }

    @Test
    void batchEqualsOneByOneBitForBit() {
        int n = 25;
        List<CovarianceMatrix> list = new ArrayList<>();
        for (int k = 0; k < 12; k++) {
            list.add(k % 4 == 3 ? RandomCovariances.illConditioned(n, 1e6, 3, k)
                    : RandomCovariances.factorModel(n, 3, k));
        }
        CovarianceBatch batch = CovarianceBatch.of(list);
        double[] budgets = new double[12 * n];
        for (int k = 0; k < 12; k++) {
            System.arraycopy(RandomCovariances.budgets(n, k % 3, 50 + k), 0, budgets, k * n, n);
        }
        try (CpuBackend cpu = new CpuBackend(2)) {
            BatchSolution s = cpu.solve(batch, budgets, SolverOptions.defaults());
            assertEquals(0, s.unconvergedCount());
            for (int k = 0; k < 12; k++) {
                double[] b = new double[n];
                System.arraycopy(budgets, k * n, b, 0, n);
                RiskBudgetingResult alone = RiskBudgetingSolver.standard().solve(list.get(k), RiskBudgets.of(b),
                        SolverOptions.defaults());
                RiskBudgetingResult inBatch = s.result(k);
                assertArrayEquals(alone.weights(), inBatch.weights(), 0.0, "problem " + k);
                assertEquals(alone.iterations(), inBatch.iterations());
                assertEquals(alone.solver(), inBatch.solver());
            }
        }
    }

    /**
     * Rolling windows made and solved one at a time (no batch of covariances held) give what the two steps give, to
     * the bit: sample and EWMA, shared budgets and one set per window.
     */
    @Test
    void windowByWindowEqualsCovarianceThenSolveBitForBit() {
        int n = 12;
        int rows = 200;
        double[] r = returns(rows, n, 7);
        ReturnWindows w = ReturnWindows.rolling(r, rows, n, 60, 7);
        double[] perWindow = new double[w.count() * n];
        for (int k = 0; k < w.count(); k++) {
            System.arraycopy(RandomCovariances.budgets(n, k % 3, 90 + k), 0, perWindow, k * n, n);
        }
        try (CpuBackend cpu = new CpuBackend(2)) {
            for (CovarianceKind kind : CovarianceKind.values()) {
                for (double[] budgets : List.of(RiskBudgets.equal(n).toArray(), perWindow)) {
                    BatchSolution twoSteps = cpu.solve(cpu.covariance(w, kind, 0.97), budgets,
                            SolverOptions.defaults());
                    BatchSolution streamed = cpu.covarianceAndSolve(w, kind, 0.97, budgets, SolverOptions.defaults());
                    assertEquals(0, streamed.unconvergedCount(), kind.toString());
                    assertArrayEquals(twoSteps.weights(), streamed.weights(), 0.0, kind.toString());
                    assertArrayEquals(twoSteps.riskContributions(), streamed.riskContributions(), 0.0);
                    assertArrayEquals(twoSteps.iterations(), streamed.iterations());
                    assertArrayEquals(twoSteps.solvers(), streamed.solvers());
                }
            }
        }
    }

    /**
     * Daily windows (200 of 60 rows, step 1) slide in runs of three: each window within 1e-13 of the same window made
     * afresh (and the first of each run equal to it), the same bits on one thread and on two. The fused call solves
     * each run's later windows from the window before's weights: within 1e-8 of the cold solves of covariance then
     * solve, in fewer iterations, the first of each run to the bit.
     */
    @Test
    void rollingWindowsSlideAndStartFromTheWindowBefore() {
        int n = 9;
        int rows = 259;
        double[] r = returns(rows, n, 17);
        ReturnWindows w = ReturnWindows.rolling(r, rows, n, 60, 1);
        assertEquals(200, w.count());
        assertEquals(3, CpuBackend.rollingRun(w), "200 windows / 64 tasks");
        assertEquals(3, CpuBackend.rollingRun(ReturnWindows.rolling(r, rows, n, 20, 1)));
        assertEquals(1, CpuBackend.rollingRun(ReturnWindows.rolling(r, rows, n, 30, 30)), "disjoint windows");
        assertEquals(1, CpuBackend.rollingRun(ReturnWindows.stacked(r, 7, 37, n)), "scenario tables");
        try (CpuBackend one = new CpuBackend(1); CpuBackend two = new CpuBackend(2)) {
            for (CovarianceKind kind : CovarianceKind.values()) {
                double[] slid = two.covariance(w, kind, 0.97).values();
                assertArrayEquals(slid, one.covariance(w, kind, 0.97).values(), 0.0, kind + ": threads");
                double[] afresh = new double[n * n];
                for (int k = 0; k < w.count(); k++) {
                    w.covariance(k, kind, 0.97, afresh, 0);
                    double scale = 0;
                    double err = 0;
                    for (int e = 0; e < n * n; e++) {
                        scale = Math.max(scale, Math.abs(afresh[e]));
                        err = Math.max(err, Math.abs(slid[k * n * n + e] - afresh[e]));
                    }
                    assertTrue(err <= 1e-13 * scale, kind + ", window " + k + ": " + err / scale);
                    if (k % 3 == 0) {
                        assertEquals(0.0, err, kind + ", window " + k + " starts a run: made afresh");
                    }
                }
                double[] budgets = RiskBudgets.equal(n).toArray();
                BatchSolution fused = one.covarianceAndSolve(w, kind, 0.97, budgets, SolverOptions.defaults());
                BatchSolution twoSteps = two.solve(two.covariance(w, kind, 0.97), budgets, SolverOptions.defaults());
                assertArrayEquals(fused.weights(),
                        two.covarianceAndSolve(w, kind, 0.97, budgets, SolverOptions.defaults()).weights(), 0.0,
                        kind + ": the fused call's bits on one thread and on two");
                assertEquals(0, fused.unconvergedCount());
                long warmIterations = 0;
                long coldIterations = 0;
                for (int k = 0; k < w.count(); k++) {
                    double[] a = fused.result(k).weights();
                    double[] b = twoSteps.result(k).weights();
                    for (int i = 0; i < n; i++) {
                        assertEquals(b[i], a[i], (k % 3 == 0 ? 0.0 : 1e-8) * b[i], kind + ", window " + k);
                    }
                    if (k % 3 != 0) {
                        warmIterations += fused.iterations()[k];
                        coldIterations += twoSteps.iterations()[k];
                    }
                }
                assertTrue(warmIterations < 0.9 * coldIterations,
                        kind + ": warm starts took " + warmIterations + " iterations against " + coldIterations);
            }
        }
    }

    /**
     * Real crypto prices through the LUNA collapse (2020–2022, 12 coins with a complete history, two of them
     * stablecoins whose volatility is a thousandth of the others'): 30- and 90-day windows, daily, sample and EWMA,
     * made by the engine in runs of 14–15 windows. Every entry within 1e-12 of the window made afresh on the correlation
     * scale (|ΔC_ij| / sqrt(C_ii C_jj)); measured worst 5.3e-14. The weights of the fused call are those of cold
     * solves within 1e-7 relative (a stablecoin's weight is most of the portfolio and the others' small).
     */
    @Test
    void cryptoThroughTheLunaCollapseSlidesWithinRounding() throws java.io.IOException {
        java.nio.file.Path file = io.equirisk.testing.SharedData.resolve(
                "data/crypto_yahoo_14coins_2020_2023/crypto_prices.csv");
        List<String> lines = java.nio.file.Files.readAllLines(file);
        List<String> header = List.of(lines.get(0).split(";"));
        List<Integer> cols = new ArrayList<>();
        for (int c = 1; c < header.size(); c++) {
            if (!header.get(c).equals("SOL1-USD") && !header.get(c).equals("AVAX-USD")) { /* listed late */
                cols.add(c);
            }
        }
        int n = cols.size();
        List<double[]> prices = new ArrayList<>();
        for (String line : lines.subList(1, lines.size())) {
            String[] f = line.split(";", -1);
            double[] p = new double[n];
            boolean complete = true;
            for (int j = 0; j < n && complete; j++) {
                String v = f[cols.get(j)];
                complete = !v.isEmpty();
                p[j] = complete ? Double.parseDouble(v) : 0;
            }
            if (complete) {
                prices.add(p);
            }
        }
        int rows = prices.size() - 1;
        assertTrue(rows > 1000, rows + " returns");
        double[] r = new double[rows * n];
        for (int t = 0; t < rows; t++) {
            for (int j = 0; j < n; j++) {
                r[t * n + j] = Math.log(prices.get(t + 1)[j] / prices.get(t)[j]);
            }
        }
        try (CpuBackend cpu = new CpuBackend(2)) {
            for (int window : new int[] {30, 90}) {
                ReturnWindows w = ReturnWindows.rolling(r, rows, n, window, 1);
                assertTrue(CpuBackend.rollingRun(w) >= 14, "runs of " + CpuBackend.rollingRun(w));
                for (CovarianceKind kind : CovarianceKind.values()) {
                    double[] slid = cpu.covariance(w, kind, 0.94).values();
                    double[] afresh = new double[n * n];
                    double worst = 0;
                    for (int k = 0; k < w.count(); k++) {
                        w.covariance(k, kind, 0.94, afresh, 0);
                        for (int i = 0; i < n; i++) {
                            for (int j = 0; j < n; j++) {
                                double scale = Math.sqrt(afresh[i * n + i] * afresh[j * n + j]);
                                worst = Math.max(worst, Math.abs(slid[k * n * n + i * n + j] - afresh[i * n + j])
                                        / scale);
                            }
                        }
                    }
                    assertTrue(worst <= 1e-12, kind + ", window " + window + ": " + worst);
                }
                double[] budgets = RiskBudgets.equal(n).toArray();
                BatchSolution fused = cpu.covarianceAndSolve(w, CovarianceKind.SAMPLE, 0, budgets,
                        SolverOptions.defaults());
                BatchSolution cold = cpu.solve(cpu.covariance(w, CovarianceKind.SAMPLE, 0), budgets,
                        SolverOptions.defaults());
                assertEquals(0, fused.unconvergedCount());
                for (int k = 0; k < w.count(); k++) {
                    for (int i = 0; i < n; i++) {
                        double ref = cold.result(k).weights()[i];
                        assertEquals(ref, fused.result(k).weights()[i], 1e-7 * ref, "window " + k + ", asset " + i);
                    }
                }
            }
        }
    }

    /**
     * Two windows whose variance underflows (returns scaled by 1e-160): the first of them is reported, by its rows
     * and as the validation's own type, however the threads met them.
     */
    @Test
    void windowByWindowReportsTheFirstUnusableWindow() {
        int n = 5;
        int rows = 120;
        double[] r = returns(rows, n, 11);
        for (int t = 40; t < 50; t++) {
            r[t * n + 2] *= 1e-160; /* asset A3's variance underflows in window 1 only */
        }
        for (int t = 90; t < 100; t++) {
            r[t * n + 3] *= 1e-160; /* A4's in window 3 only */
        }
        ReturnWindows w = new ReturnWindows(r, rows, n, new int[] {0, 40, 50, 90}, 10)
                .withNames(java.util.List.of("EQ", "BOND", "GOLD", "OIL", "FX"));
        try (CpuBackend cpu = new CpuBackend(2)) {
            for (int repeat = 0; repeat < 5; repeat++) {
                io.equirisk.error.ZeroVarianceException e = assertThrows(io.equirisk.error.ZeroVarianceException.class,
                        () -> cpu.covarianceAndSolve(w, CovarianceKind.SAMPLE, 0, RiskBudgets.equal(n).toArray(),
                                SolverOptions.defaults()));
                // counted from 1 and by name, as the facade and the command line count
                assertTrue(e.getMessage().startsWith("window 2 of 4 (rows 41–50): asset GOLD (#3)"), e.getMessage());
            }
        }
    }

    /**
     * An unusable window in the middle of a run (200 daily windows of 20 rows: runs of three): asset A3's returns
     * scaled by 1e-160 from row 100 on, so its variance underflows in window 100 and after. The window slides from
     * window 99 (a run of 99–101), and the first unusable one is reported, by its rows, on one thread and on two.
     */
    @Test
    void anUnusableWindowInsideARunIsReported() {
        int n = 5;
        int rows = 219;
        double[] r = returns(rows, n, 13);
        for (int t = 100; t < rows; t++) {
            r[t * n + 2] *= 1e-160;
        }
        ReturnWindows w = ReturnWindows.rolling(r, rows, n, 20, 1);
        assertEquals(3, CpuBackend.rollingRun(w));
        for (int threads : new int[] {1, 2}) {
            try (CpuBackend cpu = new CpuBackend(threads)) {
                io.equirisk.error.ZeroVarianceException e = assertThrows(io.equirisk.error.ZeroVarianceException.class,
                        () -> cpu.covarianceAndSolve(w, CovarianceKind.SAMPLE, 0, RiskBudgets.equal(n).toArray(),
                                SolverOptions.defaults()));
                assertTrue(e.getMessage().startsWith("window 101 of 200 (rows 101–120): asset A3"), e.getMessage());
            }
        }
    }

    private static double[] returns(int rows, int n, long seed) {
        java.util.Random rnd = new java.util.Random(seed);
        double[] r = new double[rows * n];
        for (int t = 0; t < rows; t++) {
            double market = rnd.nextGaussian();
            for (int j = 0; j < n; j++) {
                r[t * n + j] = 0.01 * (0.6 * market + rnd.nextGaussian() * (1 + j % 3));
            }
        }
        return r;
    }

    @Test
    void sharedBudgetsAndBadSizes() {
        CovarianceBatch batch = CovarianceBatch.of(List.of(RandomCovariances.factorModel(6, 2, 1),
                RandomCovariances.factorModel(6, 2, 2)));
        try (CpuBackend cpu = new CpuBackend(1)) {
            BatchSolution s = cpu.solve(batch, RiskBudgets.equal(6).toArray(), SolverOptions.defaults());
            assertTrue(s.maxResidual() <= 1e-10);
            assertThrows(DimensionMismatchException.class,
                    () -> cpu.solve(batch, new double[7], SolverOptions.defaults()));
        }
    }

    @Test
    void autoSelectionSaysWhy() {
        try (Backends.Selection sel = Backends.select("auto")) {
            assertTrue(sel.reason().startsWith("auto: "), sel.reason());
            assertTrue(!sel.backend().description().isBlank());
        }
        try (Backends.Selection sel = Backends.select("cpu")) {
            assertEquals("cpu", sel.backend().name());
        }
        assertThrows(io.equirisk.error.InvalidInputException.class, () -> Backends.select("quantum"));
    }

    @Test
    void maxWeightDifferenceComparesSolutionsOfTheSameShapeOnly() {
        BatchSolution a = BatchSolution.allocate(2, 3);
        BatchSolution b = BatchSolution.allocate(2, 3);
        a.weights()[4] = 0.25;
        b.weights()[4] = 0.5;
        b.weights()[0] = -0.125;
        assertEquals(0.25, a.maxWeightDifference(b));
        assertEquals(0.25, b.maxWeightDifference(a));
        assertThrows(DimensionMismatchException.class, () -> a.maxWeightDifference(BatchSolution.allocate(3, 2)));
    }

    /** The largest difference is found wherever it is: every weight of every problem, the last one included. */
    @Test
    void maxWeightDifferenceReadsEveryWeight() {
        for (int e = 0; e < 6; e++) {
            BatchSolution a = BatchSolution.allocate(2, 3);
            BatchSolution b = BatchSolution.allocate(2, 3);
            java.util.Arrays.fill(a.weights(), 0.25);
            java.util.Arrays.fill(b.weights(), 0.25);
            b.weights()[e] = 0.625;
            assertEquals(0.375, a.maxWeightDifference(b), 0.0, "difference at weight " + e);
            assertEquals(0.375, b.maxWeightDifference(a), 0.0, "difference at weight " + e);
        }
    }

    /** put then result gives back every field of the result put, at its own index, the others untouched. */
    @Test
    void aResultPutIsTheResultReadBack() {
        BatchSolution s = BatchSolution.allocate(3, 2);
        RiskBudgetingResult one = new RiskBudgetingResult(new double[] {0.25, 0.75}, new double[] {0.4, 0.6}, 7,
                3e-11, true, "ccd", 0.125);
        RiskBudgetingResult two = new RiskBudgetingResult(new double[] {0.5, 0.5}, new double[] {0.3, 0.7}, 40,
                2e-3, false, "ccd+newton", 0.0625);
        s.put(1, one);
        s.put(2, two);
        for (int k = 1; k <= 2; k++) {
            RiskBudgetingResult want = k == 1 ? one : two;
            RiskBudgetingResult got = s.result(k);
            assertArrayEquals(want.weights(), got.weights(), 0.0, "weights " + k);
            assertArrayEquals(want.riskContributions(), got.riskContributions(), 0.0, "risk contributions " + k);
            assertEquals(want.iterations(), got.iterations());
            assertEquals(want.residual(), got.residual(), 0.0);
            assertEquals(want.converged(), got.converged());
            assertEquals(want.solver(), got.solver());
            assertEquals(want.volatility(), got.volatility(), 0.0);
        }
        assertArrayEquals(new double[] {0, 0}, s.result(0).weights(), 0.0, "problem 0 untouched");
        assertEquals(2, s.unconvergedCount(), "problem 0 (never put) and problem 2");
        assertEquals(2e-3, s.maxResidual(), 0.0);
    }

    /**
     * Windows that follow each other without sharing a row (step = window) do not roll: each is made afresh and
     * solved cold, so the fused call gives exactly covariance-then-solve's bits, however many windows there are (130
     * here: windows that overlapped would go in runs of 130/64 = 2, each run's second window warm-started).
     */
    @Test
    void adjacentWindowsDoNotRollEvenInALongBatch() {
        int n = 4;
        int window = 6;
        int rows = 130 * window;
        double[] r = returns(rows, n, 29);
        ReturnWindows adjacent = ReturnWindows.rolling(r, rows, n, window, window);
        assertEquals(130, adjacent.count());
        assertEquals(1, CpuBackend.rollingRun(adjacent), "adjacent windows share no row");
        assertEquals(2, CpuBackend.rollingRun(ReturnWindows.rolling(r, rows, n, window, window - 1)),
                "overlapping by one row: runs of 130/64");
        double[] budgets = RiskBudgets.equal(n).toArray();
        try (CpuBackend cpu = new CpuBackend(2)) {
            BatchSolution twoSteps = cpu.solve(cpu.covariance(adjacent, CovarianceKind.SAMPLE, 0), budgets,
                    SolverOptions.defaults());
            BatchSolution fused = cpu.covarianceAndSolve(adjacent, CovarianceKind.SAMPLE, 0, budgets,
                    SolverOptions.defaults());
            assertEquals(0, fused.unconvergedCount());
            assertArrayEquals(twoSteps.weights(), fused.weights(), 0.0);
            assertArrayEquals(twoSteps.iterations(), fused.iterations());
        }
    }
}

package io.equirisk.nativ;

import io.equirisk.backend.BatchSolution;
import io.equirisk.backend.CpuBackend;
import io.equirisk.covariance.CovarianceBatch;
import io.equirisk.covariance.CovarianceEstimators;
import io.equirisk.covariance.CovarianceMatrix;
import io.equirisk.data.Returns;
import io.equirisk.solver.SolverMethod;
import io.equirisk.solver.SolverOptions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Batched risk-budgeting solves through the native backend against an independent Newton
 * ({@link ReferenceRiskBudgeting}), the CPU engine, and the reference solutions in ../shared/reference/erc.
 */
class NativeSolveTest {
    private static final double TOL = SolverOptions.DEFAULT_TOLERANCE;
    private static CudaBackend backend;

    @BeforeAll
    static void open() {
        backend = NativeTestBackend.open();
    }

    @AfterAll
    static void close() {
        if (backend != null) {
            backend.close();
        }
    }

    /** A batch mixing easy and hard problems, with per-problem budgets. */
    record Mixed(CovarianceBatch batch, double[] budgets, int n) {
    }

    static Mixed mixedBatch(int n, long seed) {
        Random rnd = new Random(seed);
        List<double[]> covs = new ArrayList<>();
        List<double[]> budgets = new ArrayList<>();
        covs.add(TestMatrices.factorModel(rnd, n, 3));
        budgets.add(TestMatrices.equalBudgets(n));
        covs.add(TestMatrices.factorModel(rnd, n, 1));
        budgets.add(TestMatrices.budgets(rnd, n, 0));
        covs.add(TestMatrices.factorModel(rnd, n, 4));
        budgets.add(TestMatrices.budgets(rnd, n, 3)); // three zero budgets
        // Ill-conditioned: cond(Σ) ~1e10–1e12 from a correlation spectrum over 7–8 decades and vols over 2.5–3
        // decades, with budgets equal, unequal, and with zeros.
        addIllConditioned(rnd, n, 7, 3, TestMatrices.equalBudgets(n), covs, budgets);
        addIllConditioned(rnd, n, 8, 2.5, TestMatrices.budgets(rnd, n, 0), covs, budgets);
        addIllConditioned(rnd, n, 7.5, 3, TestMatrices.budgets(rnd, n, 2), covs, budgets);
        double[] v = new double[covs.size() * n * n];
        double[] b = new double[covs.size() * n];
        for (int k = 0; k < covs.size(); k++) {
            System.arraycopy(covs.get(k), 0, v, k * n * n, n * n);
            System.arraycopy(budgets.get(k), 0, b, k * n, n);
        }
        return new Mixed(CovarianceBatch.of(covs.size(), n, v, null), b, n);
    }

    /** The last three problems of the mixed batch really are as badly conditioned as claimed. */
    @Test
    void mixedBatchHoldsIllConditionedProblems() {
        for (long seed : new long[] {21, 24}) {
            Mixed m = mixedBatch(12, seed);
            for (int k = 3; k < 6; k++) {
                double[] cov = java.util.Arrays.copyOfRange(m.batch().values(), k * 144, (k + 1) * 144);
                double cond = TestMatrices.conditionNumber(cov, 12);
                assertTrue(cond >= 1e10 && cond <= 1e13, "seed " + seed + " problem " + k + ": cond(Σ) = " + cond);
            }
        }
    }

    /**
     * Draws an ill-conditioned Σ whose problem double precision can certify: how small max|RC − b| can get depends
     * on the matrix (rounding in Σw grows with the conditioning), and some draws put it above 1e-10 for every solver.
     * Only draws where the independent Newton reaches 1e-11 are kept, so "converged to 1e-10" is a fair demand.
     */
    private static void addIllConditioned(Random rnd, int n, double decades, double volDecades, double[] b,
                                          List<double[]> covs, List<double[]> budgets) {
        for (int attempt = 0; attempt < 20; attempt++) {
            double[] s = TestMatrices.illConditioned(rnd, n, decades, volDecades);
            double[] w = ReferenceRiskBudgeting.solve(s, b, n);
            double[] rc = ReferenceRiskBudgeting.riskContributions(s, w, n);
            double residual = 0;
            for (int i = 0; i < n; i++) {
                residual = Math.max(residual, Math.abs(rc[i] - b[i]));
            }
            if (residual <= 1e-11) {
                covs.add(s);
                budgets.add(b);
                return;
            }
        }
        throw new AssertionError("no certifiable ill-conditioned draw in 20 attempts");
    }

    @ParameterizedTest
    @ValueSource(strings = {"AUTO", "NEWTON"})
    void mixedBatchMatchesIndependentNewton(String method) {
        Mixed m = mixedBatch(12, 21);
        SolverOptions opts = SolverOptions.defaults().withTolerance(TOL).withMethod(SolverMethod.valueOf(method));
        BatchSolution s = backend.solve(m.batch(), m.budgets(), opts);
        checkAgainstReference(m.batch(), m.budgets(), s, 1e-9);
        for (int k = 0; k < s.batch(); k++) {
            String used = s.solvers()[k];
            assertTrue(method.equals("NEWTON") ? used.equals("newton") : used.equals("ccd") || used.equals("ccd+newton"),
                    "problem " + k + " ran " + used + " under " + method);
        }
    }

    @Test
    void ccdOnWellConditionedProblemsAndSharedBudgets() {
        Random rnd = new Random(22);
        int n = 10;
        int count = 5;
        double[] v = new double[count * n * n];
        for (int k = 0; k < count; k++) {
            System.arraycopy(TestMatrices.factorModel(rnd, n, 2), 0, v, k * n * n, n * n);
        }
        CovarianceBatch batch = CovarianceBatch.of(count, n, v, null);
        double[] shared = TestMatrices.budgets(rnd, n, 1);
        BatchSolution s = backend.solve(batch, shared,
                SolverOptions.defaults().withTolerance(TOL).withMethod(SolverMethod.CCD));
        double[] perProblem = new double[count * n];
        for (int k = 0; k < count; k++) {
            System.arraycopy(shared, 0, perProblem, k * n, n);
            assertEquals("ccd", s.solvers()[k]);
        }
        checkAgainstReference(batch, perProblem, s, 1e-9);
    }

    /**
     * A problem with one positive budget has one answer, all the weight on that asset, and no solver runs: both
     * engines report it as "diagonal" after 0 iterations, under every method, beside ordinary problems of the same
     * batch (the warp path's n ≤ 128 and the block path's larger n).
     */
    @ParameterizedTest
    @ValueSource(ints = {7, 140})
    void oneActiveAssetIsReportedAsDiagonalByBothEngines(int n) {
        Random rnd = new Random(31);
        int count = 3;
        double[] v = new double[count * n * n];
        for (int k = 0; k < count; k++) {
            System.arraycopy(TestMatrices.factorModel(rnd, n, 2), 0, v, k * n * n, n * n);
        }
        CovarianceBatch batch = CovarianceBatch.of(count, n, v, null);
        double[] b = new double[count * n];
        b[3] = 1.0;                                                   // problem 0: asset 3 only
        System.arraycopy(TestMatrices.budgets(rnd, n, 0), 0, b, n, n); // problem 1: every asset
        b[2 * n + n - 1] = 1.0;                                       // problem 2: the last asset only
        try (CpuBackend cpu = new CpuBackend(1)) {
            for (SolverMethod method : SolverMethod.values()) {
                SolverOptions opts = SolverOptions.defaults().withTolerance(TOL).withMethod(method);
                BatchSolution gpu = backend.solve(batch, b, opts);
                BatchSolution ref = cpu.solve(batch, b, opts);
                for (int k : new int[] {0, 2}) {
                    int asset = k == 0 ? 3 : n - 1;
                    String what = method + " n=" + n + " problem " + k;
                    assertEquals("diagonal", gpu.solvers()[k], what);
                    assertEquals(ref.solvers()[k], gpu.solvers()[k], what);
                    assertEquals(0, gpu.iterations()[k], what);
                    assertTrue(gpu.converged()[k], what);
                    assertEquals(0.0, gpu.residuals()[k], what);
                    for (int i = 0; i < n; i++) {
                        assertEquals(i == asset ? 1.0 : 0.0, gpu.weights()[k * n + i], what + " weight " + i);
                        assertEquals(i == asset ? 1.0 : 0.0, gpu.riskContributions()[k * n + i], what + " RC " + i);
                    }
                    assertEquals(Math.sqrt(v[k * n * n + asset * n + asset]), gpu.volatilities()[k], 1e-15
                            * Math.sqrt(v[k * n * n + asset * n + asset]), what + " volatility");
                }
                assertTrue(!gpu.solvers()[1].equals("diagonal") && gpu.converged()[1], method + " problem 1");
            }
        }
    }

    /**
     * Larger problems cross the critical-call threshold and are staged, some in several chunks. Staged solves send
     * each Σ's upper triangle (er_solve_packed), as the CPU engine reads it; the critical path passes the full
     * arrays. So the staged answers must equal, bit for bit up to 1e-14, the critical path's on the matrices with
     * their lower triangles replaced by the upper ones (this batch's ill-conditioned Σ are symmetric only to
     * rounding).
     */
    @Test
    void offHeapChunkedPathMatchesCriticalPath() {
        Mixed m = mixedBatch(9, 23);
        SolverOptions opts = SolverOptions.defaults().withTolerance(TOL);
        try (CudaBackend chunked = NativeTestBackend.open(0, 2_000); // about two problems per chunk
             CudaBackend critical = NativeTestBackend.open(Long.MAX_VALUE, Long.MAX_VALUE)) {
            // per-problem budgets, then budgets shared by the whole batch: the staging area is reused chunk after
            // chunk, so a chunk must not see what the one before left there
            double[] shared = TestMatrices.equalBudgets(m.n());
            shared[0] *= 3;
            double sum = 0;
            for (double v : shared) {
                sum += v;
            }
            for (int i = 0; i < shared.length; i++) {
                shared[i] /= sum;
            }
            CovarianceBatch mirrored = upperMirrored(m.batch());
            for (double[] budgets : List.of(m.budgets(), shared)) {
                BatchSolution a = chunked.solve(m.batch(), budgets, opts);
                BatchSolution b = critical.solve(mirrored, budgets, opts);
                checkAgainstReference(m.batch(), budgets, a, 1e-9);
                for (int i = 0; i < a.weights().length; i++) {
                    assertEquals(b.weights()[i], a.weights()[i], 1e-14 * Math.abs(b.weights()[i]), "weight " + i);
                }
                for (int k = 0; k < a.batch(); k++) {
                    assertEquals(b.iterations()[k], a.iterations()[k], "iterations of problem " + k);
                    assertEquals(b.solvers()[k], a.solvers()[k], "solver of problem " + k);
                }
            }
        }
    }

    /** The batch with each matrix's lower triangle replaced by its upper one. */
    private static CovarianceBatch upperMirrored(CovarianceBatch batch) {
        int n = batch.size();
        double[] v = batch.values().clone();
        for (int k = 0; k < batch.batchSize(); k++) {
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < i; j++) {
                    v[k * n * n + i * n + j] = v[k * n * n + j * n + i];
                }
            }
        }
        return CovarianceBatch.of(batch.batchSize(), n, v, null);
    }

    /** Budgets that sum to 1 only within 1e-8 (rounded in a file) must still converge to 1e-10 on the device. */
    /**
     * A batch matrix that is not positive definite (eigenvalues −1e-12, 0.5, 1, scaled; the batch does not factor
     * each Σ): no engine may call it converged, and neither has a residual to report, since wᵀΣw is not positive
     * there: NaN on both (the CPU engine reported a finite figure beside the kernels' NaN, a review found).
     */
    @Test
    void aBatchMatrixThatIsNotPositiveDefiniteHasNoResidualOnEitherEngine() {
        double[] lam = {-1e-12, 0.5, 1.0};
        double r3 = 1 / Math.sqrt(3);
        double r2 = 1 / Math.sqrt(2);
        double r6 = 1 / Math.sqrt(6);
        double[][] v = {{r3, r3, r3}, {r2, -r2, 0}, {r6, r6, -2 * r6}};
        double[] s = new double[9];
        for (int i = 0; i < 3; i++) {
            for (int j = 0; j < 3; j++) {
                for (int k = 0; k < 3; k++) {
                    s[i * 3 + j] += lam[k] * v[k][i] * v[k][j] * 4e-4;
                }
            }
        }
        for (int i = 0; i < 3; i++) {
            for (int j = 0; j < i; j++) {
                s[i * 3 + j] = s[j * 3 + i];
            }
        }
        CovarianceBatch batch = CovarianceBatch.of(1, 3, s, null);
        double[] b = {1.0 / 3, 1.0 / 3, 1.0 / 3};
        BatchSolution gpu = backend.solve(batch, b, SolverOptions.defaults());
        BatchSolution cpu;
        try (CpuBackend engine = new CpuBackend(1)) {
            cpu = engine.solve(batch, b, SolverOptions.defaults());
        }
        for (BatchSolution got : List.of(gpu, cpu)) {
            assertTrue(!got.converged()[0], "converged on a Σ that is not positive definite");
            assertTrue(Double.isNaN(got.residuals()[0]), "residual " + got.residuals()[0]);
            assertTrue(Double.isNaN(got.maxResidual()));
        }
    }

    @Test
    void roundedBudgetsConvergeOnTheDevice() {
        double[] s = {0.04, 0.006, 0.002, 0.006, 0.09, 0.003, 0.002, 0.003, 0.01};
        CovarianceBatch batch = CovarianceBatch.of(1, 3, s, null);
        double t = 0.333333333;
        double[] b = {t, t, 1 - 2 * t + 2e-9};
        BatchSolution got = backend.solve(batch, b, SolverOptions.defaults());
        assertTrue(got.converged()[0], "residual " + got.residuals()[0]);
        assertEquals(t, got.riskContributions()[0], 1e-8);
    }

    /**
     * Five factors and a specific variance of 1e-6 of the factors' (cond ~1e8, positive definite): at the ERC point
     * Σx is a small difference of large factor terms (the squared diversification ratio is 2e8), so Newton's gradient
     * and residual need compensated products (the Java engine's CompensatedProduct; the kernels' compensated_cy).
     * With plain products the native Newton stalled at a residual of 2e-10 for 200 steps. Here, rounding the weights
     * to double alone moves the risk contributions by ~1e-10, so neither engine may claim 1e-10 unless the weights
     * returned meet it: a converged result's weights must meet it exactly (BigDecimal; the two verdicts may differ),
     * and each engine must have reached weights whose exact residual is below 2e-10; and they must agree on the
     * weights.
     */
    @Test
    void newtonReachesWhatDoublePrecisionAllowsWhereThePlainProductsCancellationSetAFloor() {
        int n = 50;
        int factors = 5;
        Random rnd = new Random(42);
        double[] f = new double[n * factors];
        for (int i = 0; i < f.length; i++) {
            f[i] = rnd.nextGaussian();
        }
        double[] s = new double[n * n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j <= i; j++) {
                double v = i == j ? 1e-6 : 0.0;
                for (int q = 0; q < factors; q++) {
                    v += f[i * factors + q] * f[j * factors + q];
                }
                s[i * n + j] = 1e-4 * v;
                s[j * n + i] = 1e-4 * v;
            }
        }
        CovarianceBatch batch = CovarianceBatch.of(1, n, s, null);
        double[] equal = TestMatrices.equalBudgets(n);
        for (SolverMethod method : new SolverMethod[] {SolverMethod.AUTO, SolverMethod.NEWTON}) {
            SolverOptions opts = SolverOptions.defaults().withMethod(method);
            BatchSolution got = backend.solve(batch, equal, opts);
            BatchSolution ref;
            try (CpuBackend cpu = new CpuBackend(1)) {
                ref = cpu.solve(batch, equal, opts);
            }
            for (BatchSolution r : new BatchSolution[] {ref, got}) {
                String what = method + (r == ref ? ", CPU" : ", native");
                double exact = io.equirisk.testing.ExactResidual.of(s, r.result(0).weights(), equal);
                assertTrue(exact <= 2e-10, what + ": exact residual " + exact + " after " + r.iterations()[0]);
                assertTrue(!r.converged()[0] || exact <= 1e-10, what + ": converged at exact residual " + exact
                        + ", reported " + r.residuals()[0]);
            }
            assertWeightsClose(ref.result(0).weights(), got.result(0).weights(), 1e-9, method + " vs CPU");
        }
    }

    /**
     * `converged` is a claim about the weights returned, on every path of the kernels as in the Java engine: on
     * correlation matrices of condition 1e10 with both signs, 6 to 140 assets (warp and block paths), every method,
     * each engine's converged results have weights whose residual, evaluated exactly (BigDecimal), meets the
     * tolerance, and its unconverged ones miss it or were measured above it, with a residual close to the exact one
     * (solve.cu's certify_* kernels and RiskBudgetingEngine.report apply one rule; plain products reported 2.6e-11 for
     * an exact 1.4e-9 here). Some must converge, and some draws sit at the limit rounding sets.
     */
    @Test
    void convergedMeansTheWeightsReturnedMeetTheToleranceOnEveryPath() {
        int converged = 0;
        int total = 0;
        for (int n : new int[] {6, 12, 140}) {
            int draws = n > 100 ? 3 : 16;
            for (long seed = 1; seed <= draws; seed++) {
                double[] s = io.equirisk.testing.RandomCovariances.illConditioned(n, 1e10, 0, seed).values();
                double[] equal = TestMatrices.equalBudgets(n);
                CovarianceBatch one = CovarianceBatch.of(1, n, s, null);
                for (SolverMethod method : SolverMethod.values()) {
                    /* 300 sweeps: CCD alone stalls on these, and its 10,000 would take minutes in emulation */
                    SolverOptions opts = SolverOptions.defaults().withMethod(method).withMaxIterations(300);
                    BatchSolution got = backend.solve(one, equal, opts);
                    BatchSolution ref;
                    try (CpuBackend cpu = new CpuBackend(1)) {
                        ref = cpu.solve(one, equal, opts);
                    }
                    for (BatchSolution r : new BatchSolution[] {ref, got}) {
                        String what = "n " + n + ", seed " + seed + ", " + method + (r == ref ? ", CPU" : ", native");
                        double exact = io.equirisk.testing.ExactResidual.of(s, r.result(0).weights(), equal);
                        total++;
                        assertTrue(!r.converged()[0] || exact <= 1e-10, what + ": converged at exact residual "
                                + exact + ", reported " + r.residuals()[0]);
                        assertTrue(r.converged()[0] || exact > 1e-10 || r.residuals()[0] > 1e-10, what
                                + ": unconverged at exact residual " + exact + ", reported " + r.residuals()[0]);
                        // an unconverged residual is the weights' too: measured again where plain products could
                        // be 10% off, so never far below the exact one (it was up to 4× below)
                        assertTrue(r.converged()[0] || !(r.residuals()[0] < exact / 1.15), what + ": unconverged, "
                                + "reported residual " + r.residuals()[0] + " below the exact " + exact);
                        converged += r.converged()[0] ? 1 : 0;
                    }
                }
            }
        }
        assertTrue(converged >= total / 2 && converged < total, converged + " of " + total + " converged");
    }

    /**
     * Newton at the limit of double precision stops there on the block path too: on a correlation of condition 1e14
     * with both signs (140 assets, more than a warp's 128), the kernels' Cholesky Newton reached a residual it could
     * not halve (1.1e-9 in emulation) and gave up only at its cap of 200 steps; it stops after eight full steps that
     * do not halve its best residual, as the Java engine's does, with an honest verdict.
     */
    @Test
    void blockPathNewtonStopsAtWhatDoublePrecisionShows() {
        int n = 140;
        double[] s = io.equirisk.testing.RandomCovariances.illConditioned(n, 1e14, 0, 5).values();
        double[] equal = TestMatrices.equalBudgets(n);
        SolverOptions opts = SolverOptions.defaults().withMethod(SolverMethod.NEWTON);
        BatchSolution got = backend.solve(CovarianceBatch.of(1, n, s, null), equal, opts);
        double exact = io.equirisk.testing.ExactResidual.of(s, got.result(0).weights(), equal);
        assertTrue(!got.converged()[0] || exact <= 1e-10, "converged at exact residual " + exact);
        assertTrue(got.iterations()[0] < 60, got.iterations()[0] + " steps, exact residual " + exact);
    }

    /**
     * Budgets from ~1e-8 to ~0.5 of the total, Newton to 1e-12: after reaching tol/2 both engines take one polishing
     * step (kept only if it lowers the residual), which is what fixes a tiny budget's weight to full precision.
     * Without it on the native side a weight with budget 4e-8 differed from the CPU engine's by 1e-5 relative.
     */
    @Test
    void newtonPolishesLikeTheCpuEngineSoTinyBudgetsAgree() {
        for (int n : new int[] {65, 140}) { /* the warp path (one warp runs Newton) and the block path */
            Random rnd = new Random(3);
            double[] cov = TestMatrices.factorModel(rnd, n, 4);
            double[] b = new double[n];
            double sum = 0;
            for (int i = 0; i < n; i++) {
                b[i] = i % 3 == 0 ? 1e-6 : i % 3 == 1 ? 0.5 : 1e-3 * rnd.nextDouble();
                sum += b[i];
            }
            for (int i = 0; i < n; i++) {
                b[i] /= sum;
            }
            CovarianceBatch batch = CovarianceBatch.of(1, n, cov, null);
            SolverOptions opts = SolverOptions.defaults().withTolerance(1e-12).withMethod(SolverMethod.NEWTON);
            BatchSolution got = backend.solve(batch, b, opts);
            BatchSolution ref;
            try (CpuBackend cpu = new CpuBackend(1)) {
                ref = cpu.solve(batch, b, opts);
            }
            assertTrue(got.converged()[0] && ref.converged()[0], "n = " + n);
            assertWeightsClose(ref.result(0).weights(), got.result(0).weights(), 1e-11, "n = " + n);
        }
    }

    /**
     * A tiny budget's coordinate is the small root of y(y + c) = b with b ≪ c²: the plain (√(c² + 4b) − c)/2 left
     * only rounding there (a weight of −4.8e-19 for b = 1e-20, reported as converged, since its RC is within any
     * tolerance). Against the CPU engine's cancellation-free root, relative to each weight, tiny ones included:
     * budgets from just above the tightest tolerance (those at or below it are refused on every engine, as their
     * risk contribution is not pinned away from zero).
     */
    @Test
    void tinyBudgetsGetTheirSmallRootNotRounding() {
        double[] s = {0.04, 0.006, 0.002, 0.006, 0.09, 0.009, 0.002, 0.009, 0.01};
        CovarianceBatch batch = CovarianceBatch.of(1, 3, s, null);
        SolverOptions tight = SolverOptions.defaults().withTolerance(SolverOptions.MIN_TOLERANCE);
        for (double refused : new double[] {1e-300, 1e-20, 1e-15}) {
            double[] b = {refused, 0.5, 0.5 - refused};
            assertThrows(io.equirisk.error.InvalidBudgetException.class, () -> backend.solve(batch, b, tight));
        }
        for (double tiny : new double[] {2e-15, 1e-14, 1e-12, 1e-9}) {
            double[] b = {tiny, 0.5, 0.5 - tiny};
            BatchSolution got = backend.solve(batch, b, tight);
            BatchSolution ref;
            try (CpuBackend cpu = new CpuBackend(1)) {
                ref = cpu.solve(batch, b, tight);
            }
            assertTrue(got.converged()[0] && ref.converged()[0], "b0 = " + tiny);
            assertTrue(got.weights()[0] > 0, "b0 = " + tiny + ": w0 = " + got.weights()[0]);
            assertWeightsClose(ref.result(0).weights(), got.result(0).weights(), 1e-9, "b0 = " + tiny);
        }
    }

    /**
     * The engines take different paths (sweep order, acceleration, when they check), so each stops somewhere inside
     * its tolerance ball: at 1e-10 on RC two correct answers can differ by ~1e-9 in weight. Compared at 1e-12, the
     * 1e-9 agreement on weights tests the engines, not where they happened to stop.
     */
    @Test
    void mixedBatchMatchesCpuBackend() {
        Mixed m = mixedBatch(12, 24);
        SolverOptions opts = SolverOptions.defaults().withTolerance(1e-12);
        BatchSolution got = backend.solve(m.batch(), m.budgets(), opts);
        BatchSolution ref;
        try (CpuBackend cpu = new CpuBackend(1)) {
            ref = cpu.solve(m.batch(), m.budgets(), opts);
        }
        assertEquals(0, ref.unconvergedCount(), "CPU reference converged");
        assertEquals(0, got.unconvergedCount(), "native converged");
        for (int k = 0; k < m.batch().batchSize(); k++) {
            assertWeightsClose(ref.result(k).weights(), got.result(k).weights(), 1e-9, "problem " + k + " vs CPU");
            assertEquals(ref.volatilities()[k], got.volatilities()[k], 1e-9 * ref.volatilities()[k], "volatility " + k);
        }
    }

    /**
     * A Σ whose triangles differ within the symmetry tolerance is its upper triangle's problem on every path: alone
     * (small enough for the critical path, which passes the whole array), in a batch of four (staged: upper
     * triangles), and mirrored (exactly symmetric, critical), to the bit; and the CPU engine's within 1e-9. Before,
     * the critical path's kernels read Σ by rows and the staged path the upper triangle: on this condition-1e9 matrix
     * at an asymmetry of 1e-11, two converged answers 1e-5 apart.
     */
    @Test
    void aNearlySymmetricMatrixIsSolvedAsItsUpperTriangleOnEveryPath() {
        int n = 100;
        CovarianceMatrix exact = io.equirisk.testing.RandomCovariances.negativeEquicorrelation(n, 5);
        double[] v = io.equirisk.testing.RandomCovariances.nearlySymmetric(exact, 1e-11, 7);
        double[] b = TestMatrices.equalBudgets(n);
        SolverOptions opts = SolverOptions.defaults();
        BatchSolution alone = backend.solve(CovarianceBatch.of(1, n, v, null), b, opts);
        double[] four = new double[4 * n * n];
        for (int k = 0; k < 4; k++) {
            System.arraycopy(v, 0, four, k * n * n, n * n);
        }
        BatchSolution staged = backend.solve(CovarianceBatch.of(4, n, four, null), b, opts);
        BatchSolution mirrored = backend.solve(CovarianceBatch.of(1, n, CovarianceMatrix.mirrorUpper(v, 0, n), null),
                b, opts);
        BatchSolution cpu;
        try (CpuBackend engine = new CpuBackend(1)) {
            cpu = engine.solve(CovarianceBatch.of(1, n, v, null), b, opts);
        }
        assertTrue(alone.converged()[0] && staged.converged()[3] && cpu.converged()[0]);
        org.junit.jupiter.api.Assertions.assertArrayEquals(mirrored.result(0).weights(), alone.result(0).weights());
        org.junit.jupiter.api.Assertions.assertArrayEquals(mirrored.result(0).weights(), staged.result(3).weights());
        assertWeightsClose(cpu.result(0).weights(), alone.result(0).weights(), 1e-9, "against the CPU engine");
    }

    /**
     * One problem of 400 assets: the device's cost model gives it the whole-device solve (kernels/src/solve_wide.cu;
     * from about 240 assets for a lone problem, on the emulation as on a GPU), a truncated Newton that reports
     * "newton" where the block path's CCD reports "ccd". It must agree with the CPU engine as every path does, zero
     * budgets included.
     */
    @Test
    void oneLargeProblemTakesTheWholeDeviceSolve() {
        int n = 400;
        Random rnd = new Random(400);
        CovarianceBatch batch = CovarianceBatch.of(1, n, TestMatrices.factorModel(rnd, n, 5), null);
        assertWholeDeviceSolveMatchesCpu(batch, TestMatrices.budgets(rnd, n, 7), "n = 400");
    }

    /**
     * Real data through the whole-device solve: the S&P 500 constituents with a price on every date of 2013–2018 (470
     * of 505), their sample covariance over 1,258 daily log returns, as one problem with equal budgets.
     */
    @Test
    void sp500ConstituentsInOneProblemTakeTheWholeDeviceSolve() throws IOException {
        MarketData.Table t = MarketData.completeColumnsLogReturns("data/sp500_505_kaggle_iex_2013_2018/close_wide.csv");
        assertTrue(t.assets() > 400 && t.rows() > 1000, t.assets() + " assets over " + t.rows() + " returns");
        CovarianceMatrix cov = CovarianceEstimators.parse("sample")
                .estimate(Returns.of(t.rows(), t.assets(), t.returns(), null, null));
        CovarianceBatch batch = CovarianceBatch.of(List.of(cov));
        assertWholeDeviceSolveMatchesCpu(batch, TestMatrices.equalBudgets(t.assets()), "S&P 500");
    }

    /**
     * One problem on the backend and on the CPU engine at tol 1e-12: the backend reports "newton" (the whole-device
     * solve; the block path's CCD would report "ccd"), both converge, and weights and volatility agree within 1e-9.
     */
    private static void assertWholeDeviceSolveMatchesCpu(CovarianceBatch batch, double[] b, String what) {
        SolverOptions opts = SolverOptions.defaults().withTolerance(1e-12);
        BatchSolution got = backend.solve(batch, b, opts);
        BatchSolution ref;
        try (CpuBackend cpu = new CpuBackend(1)) {
            ref = cpu.solve(batch, b, opts);
        }
        assertEquals("newton", got.solvers()[0], what + ": the whole-device solve's Newton, not the block path's CCD");
        assertTrue(ref.converged()[0] && got.converged()[0], what + ": both converged (device residual "
                + got.residuals()[0] + " after " + got.iterations()[0] + " Newton steps)");
        assertWeightsClose(ref.result(0).weights(), got.result(0).weights(), 1e-9, what + " vs CPU");
        assertEquals(ref.volatilities()[0], got.volatilities()[0], 1e-9 * ref.volatilities()[0], what + ": volatility");
        checkAgainstReference(batch, b, got, 1e-8);
    }

    @ParameterizedTest
    @ValueSource(strings = {"fm_n10", "fm_n50", "ill6_n200", "budget_n200"})
    void sharedReferenceSolutions(String name) throws IOException {
        String shared = System.getProperty("equirisk.shared");
        Assumptions.assumeTrue(shared != null && Files.isDirectory(Path.of(shared, "reference/erc", name)),
                "reference folder missing: " + shared + "/reference/erc/" + name);
        Path dir = Path.of(shared, "reference/erc", name);
        double[] cov = readNumbers(dir.resolve("cov.csv"));
        double[] expected = readNumbers(dir.resolve("weights.txt"));
        int n = expected.length;
        assertEquals((long) n * n, cov.length, "cov.csv of " + name);
        double[] b = Files.exists(dir.resolve("budget.csv")) ? readNumbers(dir.resolve("budget.csv"))
                : TestMatrices.equalBudgets(n);
        // symmetrise the text-rounded matrix exactly, as both triangles are meant to be equal
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < i; j++) {
                double a = 0.5 * (cov[i * n + j] + cov[j * n + i]);
                cov[i * n + j] = a;
                cov[j * n + i] = a;
            }
        }
        CovarianceBatch batch = CovarianceBatch.of(1, n, cov, null);
        BatchSolution s = backend.solve(batch, b, SolverOptions.defaults());
        assertTrue(s.converged()[0], name + " converged (residual " + s.residuals()[0] + ")");
        assertWeightsClose(expected, s.result(0).weights(), 1e-8, name + " vs reference weights");
    }

    /** Converged, valid, and close to the independent Newton's weights, problem by problem. */
    static void checkAgainstReference(CovarianceBatch batch, double[] budgets, BatchSolution s, double rel) {
        int n = batch.size();
        for (int k = 0; k < batch.batchSize(); k++) {
            double[] cov = new double[n * n];
            System.arraycopy(batch.values(), k * n * n, cov, 0, n * n);
            double[] b = new double[n];
            System.arraycopy(budgets, budgets.length == n ? 0 : k * n, b, 0, n); // shared or per problem
            double[] w = s.result(k).weights();
            assertTrue(s.converged()[k], "problem " + k + " converged (residual " + s.residuals()[k] + ", "
                    + s.iterations()[k] + " iterations, " + s.solvers()[k] + ")");
            double sum = 0;
            for (int i = 0; i < n; i++) {
                assertTrue(w[i] >= 0, "problem " + k + " weight " + i + " = " + w[i]);
                if (b[i] == 0) {
                    assertEquals(0.0, w[i], "problem " + k + ": zero budget gives weight exactly 0 (asset " + i + ")");
                }
                sum += w[i];
            }
            assertEquals(1.0, sum, 1e-12, "problem " + k + " weights sum to one");
            // RC_i = w_i(Σw)_i/wᵀΣw cancels where correlations have both signs: compare within the rounding bound
            // of its evaluation, eps·n·w_i(|Σ||w|)_i/wᵀΣw, on top of a 1e-12 floor
            double[] rc = ReferenceRiskBudgeting.riskContributions(cov, w, n);
            double[] bound = rcRoundingBound(cov, w, n);
            double residual = 0;
            double worstBound = 0;
            for (int i = 0; i < n; i++) {
                residual = Math.max(residual, Math.abs(rc[i] - b[i]));
                worstBound = Math.max(worstBound, bound[i]);
                assertEquals(rc[i], s.riskContributions()[k * n + i], 1e-12 + bound[i],
                        "problem " + k + " reported RC " + i);
            }
            assertTrue(residual <= TOL + worstBound, "problem " + k + ": recomputed residual " + residual);
            assertEquals(residual, s.residuals()[k], 1e-12 + worstBound, "problem " + k + " reported residual");
            // wᵀΣw cancels where correlations have both signs: allow the rounding error bound eps·|w|ᵀ|Σ||w|
            double vol = 0;
            double absVol = 0;
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < n; j++) {
                    vol += w[i] * cov[i * n + j] * w[j];
                    absVol += Math.abs(w[i] * cov[i * n + j] * w[j]);
                }
            }
            double volTol = 1e-12 + 4 * n * Math.ulp(1.0) * absVol / vol;
            assertEquals(Math.sqrt(vol), s.volatilities()[k], volTol * Math.sqrt(vol), "problem " + k + " volatility");
            double[] ref = ReferenceRiskBudgeting.solve(cov, b, n);
            assertWeightsClose(ref, w, rel, "problem " + k + " vs independent Newton");
        }
    }

    /** 4n·eps·w_i(|Σ||w|)_i/wᵀΣw · (1 + |w|ᵀ|Σ||w|/wᵀΣw): how far two evaluations of RC_i in double precision may differ. */
    static double[] rcRoundingBound(double[] cov, double[] w, int n) {
        double v = 0;
        double[] abs = new double[n];
        for (int i = 0; i < n; i++) {
            double a = 0;
            double sw = 0;
            for (int j = 0; j < n; j++) {
                a += Math.abs(cov[i * n + j] * w[j]);
                sw += cov[i * n + j] * w[j];
            }
            abs[i] = a;
            v += w[i] * sw;
        }
        double absV = 0;
        for (int i = 0; i < n; i++) {
            absV += Math.abs(w[i]) * abs[i];
        }
        double eps = 4 * n * Math.ulp(1.0);
        double[] bound = new double[n];
        for (int i = 0; i < n; i++) {
            // error of (Σw)_i, plus RC_i times the relative error of wᵀΣw
            double rc = Math.abs(w[i]) * abs[i] / v;
            bound[i] = eps * rc + eps * rc * absV / v;
        }
        return bound;
    }

    /** Each weight within rel of the expected one (relative to itself; exact zeros must match exactly). */
    static void assertWeightsClose(double[] expected, double[] actual, double rel, String what) {
        assertEquals(expected.length, actual.length, what + ": length");
        for (int i = 0; i < expected.length; i++) {
            double e = expected[i];
            double a = actual[i];
            if (!(Math.abs(e - a) <= rel * Math.abs(e))) {
                throw new AssertionError(what + ": weight " + i + " expected " + e + " got " + a + " (relative error "
                        + Math.abs(e - a) / Math.abs(e) + " > " + rel + ")");
            }
        }
    }

    static double[] readNumbers(Path p) throws IOException {
        return Files.readAllLines(p).stream().filter(l -> !l.isBlank())
                .flatMap(l -> java.util.Arrays.stream(l.split(",")))
                .mapToDouble(x -> Double.parseDouble(x.trim())).toArray();
    }
}

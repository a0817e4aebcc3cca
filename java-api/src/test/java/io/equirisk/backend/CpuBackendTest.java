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
}

package io.equirisk.scenario;

import io.equirisk.backend.BatchSolution;
import io.equirisk.backend.CovarianceKind;
import io.equirisk.backend.CpuBackend;
import io.equirisk.backend.ReturnWindows;
import io.equirisk.data.Returns;
import io.equirisk.error.InvalidInputException;
import io.equirisk.error.NonFiniteValueException;
import io.equirisk.solver.RiskBudgets;
import io.equirisk.solver.SolverOptions;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Bootstrap scenarios are blocks of consecutive historical rows, their starts uniform, reproducible and sliceable. */
class HistoricalBootstrapTest {

    /** T × 3 returns whose row t is (t, t + 0.25, t + 0.5) · 1e-3: a row says where it came from. */
    private static Returns labelled(int t) {
        double[] v = new double[t * 3];
        for (int r = 0; r < t; r++) {
            for (int j = 0; j < 3; j++) {
                v[r * 3 + j] = (r + 0.25 * j) * 1e-3;
            }
        }
        return Returns.of(t, 3, v, null, null);
    }

    @Test
    void scenariosAreBlocksOfConsecutiveHistoricalRows() {
        HistoricalBootstrap b = HistoricalBootstrap.of(labelled(50), 7);
        ScenarioSet set = ScenarioSet.of(b, 3, 4, 30); /* four blocks of 7 and one of 2 */
        double[] r = set.returns();
        boolean[] seen = new boolean[44];
        for (int k = 0; k < 4; k++) {
            for (int t = 0; t < 30; t++) {
                int source = (int) Math.round(r[(k * 30 + t) * 3] * 1e3);
                for (int j = 0; j < 3; j++) {
                    assertEquals((source + 0.25 * j) * 1e-3, r[(k * 30 + t) * 3 + j], 0.0, "a whole historical row");
                }
                if (t % 7 > 0) {
                    int previous = (int) Math.round(r[(k * 30 + t - 1) * 3] * 1e3);
                    assertEquals(previous + 1, source, "scenario " + k + ", row " + t + ": within a block");
                } else {
                    assertEquals(b.blockStart(3, k, t / 7), source);
                    assertTrue(source >= 0 && source <= 43, "start " + source);
                    seen[source] = true;
                }
            }
        }
        assertTrue(count(seen) > 10, "twenty starts should not all coincide: " + Arrays.toString(seen));
    }

    private static int count(boolean[] b) {
        int c = 0;
        for (boolean x : b) {
            c += x ? 1 : 0;
        }
        return c;
    }

    @Test
    void blockStartsAreUniform() {
        HistoricalBootstrap b = HistoricalBootstrap.of(labelled(10), 1);
        int draws = 100_000;
        int[] hits = new int[10];
        for (int d = 0; d < draws; d++) {
            hits[b.blockStart(99, d % 1000, d / 1000)]++;
        }
        double expected = draws / 10.0;
        double sd = Math.sqrt(draws * 0.1 * 0.9);
        for (int i = 0; i < 10; i++) {
            assertEquals(expected, hits[i], 6 * sd, "row " + i);
        }
        HistoricalBootstrap whole = HistoricalBootstrap.of(labelled(10), 10);
        assertEquals(0, whole.blockStart(5, 6, 7), "a block as long as the history has one start");
    }

    /** The starts the C driver pins for the device's gather (kernels/test/driver.cpp, group bootstrap). */
    @Test
    void startsMatchTheValuesTheDevicesGatherIsPinnedTo() {
        HistoricalBootstrap b = HistoricalBootstrap.of(labelled(50), 7);
        int[][] pinned = {{21, 3, 27}, {41, 30, 15}, {28, 24, 40}, {43, 29, 38}};
        for (int s = 0; s < 4; s++) {
            for (int k = 0; k < 3; k++) {
                assertEquals(pinned[s][k], b.blockStart(3, s, k), "scenario " + s + ", block " + k);
            }
        }
    }

    @Test
    void aScenarioIsTheSameInAnySliceAndTheSeedChangesIt() {
        HistoricalBootstrap b = HistoricalBootstrap.of(labelled(40), 5);
        ScenarioSet set = ScenarioSet.of(b, 17, 6, 12);
        double[] all = set.returns();
        assertArrayEquals(Arrays.copyOfRange(all, 4 * 36, 6 * 36), set.slice(4, 2).returns());
        assertFalse(Arrays.equals(all, ScenarioSet.of(b, 18, 6, 12).returns()));
        try (CpuBackend cpu = new CpuBackend(2)) {
            assertArrayEquals(all, cpu.scenarioReturns(set));
        }
    }

    @Test
    void streamedSolveEqualsTheSolveOfTheDrawnReturns() {
        Random rnd = new Random(5);
        int t = 300;
        int n = 6;
        double[] v = new double[t * n];
        for (int i = 0; i < v.length; i++) {
            v[i] = 0.01 * rnd.nextGaussian() * (1 + i % n);
        }
        ScenarioSet set = ScenarioSet.of(HistoricalBootstrap.of(Returns.of(t, n, v, null, null), 10), 8, 20, 60);
        double[] budgets = RiskBudgets.equal(n).toArray();
        try (CpuBackend cpu = new CpuBackend(2)) {
            BatchSolution streamed = cpu.scenarioRiskBudgeting(set, CovarianceKind.SAMPLE, 0, budgets,
                    SolverOptions.defaults());
            BatchSolution reference = cpu.covarianceAndSolve(ReturnWindows.stacked(set.returns(), 20, 60, n),
                    CovarianceKind.SAMPLE, 0, budgets, SolverOptions.defaults());
            assertEquals(0, streamed.unconvergedCount());
            assertArrayEquals(reference.weights(), streamed.weights());
        }
    }

    @Test
    void badHistoriesAndBlocksAreRefused() {
        double[] v = {1e-3, 2e-3, Double.NaN, 4e-3};
        assertThrows(NonFiniteValueException.class, () -> HistoricalBootstrap.of(Returns.of(2, 2, v, null, null),
                1));
        assertThrows(InvalidInputException.class, () -> HistoricalBootstrap.of(labelled(5), 0));
        assertThrows(InvalidInputException.class, () -> HistoricalBootstrap.of(labelled(5), 6));
        assertThrows(InvalidInputException.class, () -> HistoricalBootstrap.of(null, 1));
    }

    /**
     * A scenario's covariance has rank at most its distinct resampled rows − 1 (sample): with 40 assets from a
     * 60-row history in blocks of 21, many scenarios cover too few rows and the set is refused, the first such
     * scenario named with its count of distinct rows, which this test counts itself from the drawn returns.
     */
    @Test
    void scenariosOfTooFewDistinctRowsAreRefusedAsSingular() {
        int t = 60;
        int n = 40;
        Random rnd = new Random(3);
        double[] v = new double[t * n];
        for (int i = 0; i < v.length; i++) {
            v[i] = 0.01 * rnd.nextGaussian();
        }
        HistoricalBootstrap history = HistoricalBootstrap.of(Returns.of(t, n, v, null, null), 21);
        ScenarioSet set = ScenarioSet.of(history, 5, 200, 63);
        double[] equal = RiskBudgets.equal(n).toArray();
        try (io.equirisk.Equirisk er = io.equirisk.Equirisk.withBackend("cpu")) {
            io.equirisk.error.InsufficientDataException e = assertThrows(
                    io.equirisk.error.InsufficientDataException.class,
                    () -> er.scenarioRiskBudgeting(set, CovarianceKind.SAMPLE, 0, equal, SolverOptions.defaults()));
            int first = -1;
            int singular = 0;
            int firstDistinct = 0;
            double[] drawn = new double[63 * n];
            for (int k = 0; k < set.count(); k++) {
                set.returns(k, drawn, 0, new double[0]);
                java.util.Set<String> rows = new java.util.HashSet<>();
                for (int r = 0; r < 63; r++) {
                    rows.add(Arrays.toString(Arrays.copyOfRange(drawn, r * n, (r + 1) * n)));
                }
                if (rows.size() - 1 < n) {
                    singular++;
                    if (first < 0) {
                        first = k;
                        firstDistinct = rows.size();
                    }
                }
            }
            assertTrue(singular > 0 && singular < set.count(), "a mixed set: " + singular);
            assertTrue(e.getMessage().startsWith("scenario " + first + " resamples " + firstDistinct + " distinct "
                    + "rows of the 60-row history"), e.getMessage());
            assertTrue(e.getMessage().contains("(" + singular + " of the 200 scenarios are)"), e.getMessage());
            /* the zero-mean EWMA has one rank more; shrinkage has no such limit */
            BatchSolution shrunk = er.scenarioRiskBudgeting(set.slice(0, 20),
                    io.equirisk.covariance.CovarianceEstimators.parse("ledoit-wolf"), equal, SolverOptions.defaults());
            assertEquals(0, shrunk.unconvergedCount());
        }
    }
}

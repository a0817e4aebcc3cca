package io.equirisk.nativ;

import io.equirisk.backend.BatchSolution;
import io.equirisk.backend.CovarianceKind;
import io.equirisk.backend.ReturnWindows;
import io.equirisk.covariance.CovarianceBatch;
import io.equirisk.error.BackendException;
import io.equirisk.error.DimensionMismatchException;
import io.equirisk.error.EquiriskException;
import io.equirisk.error.InvalidBudgetException;
import io.equirisk.error.InvalidInputException;
import io.equirisk.error.NonFiniteValueException;
import io.equirisk.error.ZeroVarianceException;
import io.equirisk.solver.SolverOptions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every kind of invalid input gets its typed exception on the Java side, with a message naming the problem, and the
 * library is not called at all (the bindings' downcall counter does not move).
 */
class NativeInvalidInputTest {
    private static CudaBackend backend;
    private static final Random RND = new Random(31);

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

    private static <T extends EquiriskException> T rejected(Class<T> type, String messagePart, Executable call) {
        return rejected(type, messagePart, call, 0);
    }

    /**
     * {@code call} throws {@code type} naming {@code messagePart}, after at most {@code downcalls} calls into the
     * library: none for a call that checks its inputs before the first, and for a staged solve those of the chunks
     * before the bad one (each chunk is checked as it is copied, before its own downcall).
     */
    private static <T extends EquiriskException> T rejected(Class<T> type, String messagePart, Executable call,
                                                            long downcalls) {
        long before = backend.downcalls();
        T e = assertThrows(type, call);
        long made = backend.downcalls() - before;
        assertTrue(made <= downcalls, made + " downcalls for invalid input, at most " + downcalls + " allowed");
        assertTrue(e.getMessage().contains(messagePart), "message '" + e.getMessage() + "' names '" + messagePart + "'");
        return e;
    }

    private static ReturnWindows windows() {
        return ReturnWindows.rolling(TestMatrices.returns(RND, 30, 4), 30, 4, 10, 5);
    }

    @Test
    void covarianceArguments() {
        ReturnWindows w = windows();
        rejected(InvalidInputException.class, "null", () -> backend.covariance(null, CovarianceKind.SAMPLE, 0));
        rejected(InvalidInputException.class, "kind", () -> backend.covariance(w, null, 0));
        for (double lambda : new double[] {0, 1, -0.5, 1.5, Double.NaN, Double.POSITIVE_INFINITY}) {
            rejected(InvalidInputException.class, "λ", () -> backend.covariance(w, CovarianceKind.EWMA, lambda));
        }
    }

    /** The records validate at construction but their arrays stay mutable: the backend checks again. */
    @Test
    void covarianceDataChangedAfterConstruction() {
        ReturnWindows w = windows();
        w.returns()[4 * 4 + 2] = Double.NaN;
        rejected(NonFiniteValueException.class, "row 5, asset column 3",
                () -> backend.covariance(w, CovarianceKind.SAMPLE, 0));
        ReturnWindows w2 = windows();
        w2.starts()[2] = 25; // 25 + 10 > 30 rows
        rejected(DimensionMismatchException.class, "window 2", () -> backend.covariance(w2, CovarianceKind.EWMA, 0.9));
        ReturnWindows w3 = windows();
        w3.starts()[0] = -1;
        rejected(DimensionMismatchException.class, "window 0", () -> backend.covariance(w3, CovarianceKind.SAMPLE, 0));
    }

    /** The first and the last row are checked like any other (a NaN there reaches no downcall either). */
    @Test
    void covarianceRejectsANonFiniteValueInTheFirstOrLastRow() {
        ReturnWindows last = windows(); // 30 rows × 4 assets; the last window (starts[4] = 20) ends on row 30
        last.returns()[29 * 4 + 3] = Double.NaN;
        rejected(NonFiniteValueException.class, "row 30, asset column 4",
                () -> backend.covariance(last, CovarianceKind.SAMPLE, 0));
        ReturnWindows first = windows();
        first.returns()[0] = Double.POSITIVE_INFINITY;
        rejected(NonFiniteValueException.class, "row 1, asset column 1",
                () -> backend.covariance(first, CovarianceKind.EWMA, 0.94));
    }

    @Test
    void covarianceTooLargeForOneArray() {
        int n = 2000;
        int rows = 3;
        double[] r = new double[rows * n];
        for (int i = 0; i < r.length; i++) {
            r[i] = i % 7;
        }
        int[] starts = new int[600]; // 600 · 2000² values > 2³¹
        ReturnWindows w = new ReturnWindows(r, rows, n, starts, 2);
        rejected(DimensionMismatchException.class, "the most one Java array holds",
                () -> backend.covariance(w, CovarianceKind.SAMPLE, 0));
    }

    private static CovarianceBatch batch(int count, int n) {
        double[] v = new double[count * n * n];
        for (int k = 0; k < count; k++) {
            System.arraycopy(TestMatrices.factorModel(RND, n, 2), 0, v, k * n * n, n * n);
        }
        return CovarianceBatch.of(count, n, v, null);
    }

    @Test
    void budgetArguments() {
        CovarianceBatch b = batch(3, 4);
        SolverOptions o = SolverOptions.defaults();
        rejected(InvalidBudgetException.class, "null", () -> backend.solve(b, null, o));
        rejected(DimensionMismatchException.class, "budgets must have", () -> backend.solve(b, new double[5], o));
        rejected(DimensionMismatchException.class, "budgets must have", () -> backend.solve(b, new double[8], o));
        rejected(InvalidBudgetException.class, "negative", () -> backend.solve(b, new double[] {0.5, 0.7, -0.2, 0}, o));
        rejected(InvalidBudgetException.class, "NaN",
                () -> backend.solve(b, new double[] {0.5, Double.NaN, 0.25, 0.25}, o));
        rejected(InvalidBudgetException.class, "sum to", () -> backend.solve(b, new double[] {0.5, 0.2, 0.2, 0.2}, o));
        rejected(InvalidBudgetException.class, "all zero", () -> backend.solve(b, new double[4], o));
        /* a positive budget at or below the tolerance: its risk contribution could be negative at a "converged"
           point, as the CPU engine refuses it too */
        rejected(InvalidBudgetException.class, "asset #4 (1e-11) is not above the solver tolerance 1e-10",
                () -> backend.solve(b, new double[] {0.5, 0.25, 0.25 - 1e-11, 1e-11}, o));
        double[] perProblem = new double[12];
        java.util.Arrays.fill(perProblem, 0.25);
        perProblem[9] = 0.3; // problem 2 sums to 1.05
        rejected(InvalidBudgetException.class, "problem 2", () -> backend.solve(b, perProblem, o));
        rejected(InvalidInputException.class, "options", () -> backend.solve(b, TestMatrices.equalBudgets(4), null));
        rejected(InvalidInputException.class, "null", () -> backend.solve(null, TestMatrices.equalBudgets(4), o));
    }

    @Test
    void covarianceBatchChangedAfterConstruction() {
        SolverOptions o = SolverOptions.defaults();
        CovarianceBatch b = batch(3, 4);
        b.values()[16 + 5] = Double.POSITIVE_INFINITY;
        rejected(NonFiniteValueException.class, "batch matrix 1",
                () -> backend.solve(b, TestMatrices.equalBudgets(4), o));
        CovarianceBatch c = batch(3, 4);
        c.values()[32 + 15] = 0; // matrix 2, asset 4's variance
        rejected(ZeroVarianceException.class, "A4", () -> backend.solve(c, TestMatrices.equalBudgets(4), o));
    }

    /** Above NativeInputs.PARALLEL_VALUES the scan runs on several threads and must still name the first culprit. */
    @Test
    void largeInputsNameTheFirstCulprit() {
        SolverOptions o = SolverOptions.defaults();
        int n = 10;
        int count = 12_000; // 1.2 M values
        double[] v = new double[count * n * n];
        for (int k = 0; k < count; k++) {
            for (int i = 0; i < n; i++) {
                v[k * n * n + i * n + i] = 1.0 + i;
            }
        }
        CovarianceBatch b = CovarianceBatch.of(count, n, v, null);
        v[9_001 * n * n + 3] = Double.NaN;
        v[11_999 * n * n] = 0;
        v[5_000 * n * n + 7 * n + 7] = 0; // the first: asset 8's variance in matrix 5000
        // staged in one chunk (8 MB): checked as it is copied, after the one downcall that lends the staging area
        rejected(ZeroVarianceException.class, "batch matrix 5000: asset A8",
                () -> backend.solve(b, TestMatrices.equalBudgets(n), o), 1);
        v[5_000 * n * n + 7 * n + 7] = 8;
        rejected(NonFiniteValueException.class, "batch matrix 9001: covariance entry (A1, A4) [row 1, column 4]",
                () -> backend.solve(b, TestMatrices.equalBudgets(n), o), 1);

        int rows = 110_000;
        double[] r = new double[rows * n];
        ReturnWindows w = new ReturnWindows(r, rows, n, new int[] {0}, 20);
        r[(rows - 1) * n + 2] = Double.NEGATIVE_INFINITY;
        r[70_000 * n + 9] = Double.NaN;
        rejected(NonFiniteValueException.class, "row 70001, asset column 10",
                () -> backend.covariance(w, CovarianceKind.SAMPLE, 0));
    }

    /**
     * A staged call checks each chunk's matrices as it copies them, before that chunk's downcall: over several
     * chunks it must still name the first culprit, whichever chunk holds it.
     */
    @Test
    void stagedCallsNameTheFirstCulpritAcrossChunks() {
        SolverOptions o = SolverOptions.defaults();
        int n = 4;
        long perProblem = (long) n * n * Double.BYTES;
        try (CudaBackend staged = new CudaBackend(NativeTestBackend.library(), 0, 0, 5 * perProblem, true)) {
            CovarianceBatch b = batch(30, n); // a few problems per chunk: several chunks
            double[] v = b.values();
            double[] valid = v.clone();
            long before = backend.downcalls(); // the library's count, shared by both backends
            BatchSolution s = staged.solve(b, TestMatrices.equalBudgets(n), o);
            long whole = backend.downcalls() - before;
            assertEquals(0, s.unconvergedCount());
            assertTrue(s.maxResidual() <= o.tolerance(), "residual " + s.maxResidual());
            assertTrue(whole >= 4, "several chunks: " + whole + " downcalls");

            v[23 * n * n + 6] = Double.NaN;
            v[17 * n * n + 2 * n + 1] = Double.POSITIVE_INFINITY;
            rejected(NonFiniteValueException.class, "batch matrix 17: covariance entry (A3, A2) [row 3, column 2]",
                    () -> staged.solve(b, TestMatrices.equalBudgets(n), o), whole - 2);
            v[2 * n * n + 3 * n + 3] = -1; // in the first chunk: no solve reaches the library
            rejected(ZeroVarianceException.class, "batch matrix 2: asset A4",
                    () -> staged.solve(b, TestMatrices.equalBudgets(n), o), 1);
            System.arraycopy(valid, 0, v, 0, v.length);
            BatchSolution again = staged.solve(b, TestMatrices.equalBudgets(n), o);
            assertArrayEquals(s.weights(), again.weights(), "valid again: the same answer");
        }
    }

    @Test
    void closedBackendRefusesWork() {
        CudaBackend b = NativeTestBackend.open();
        b.close();
        b.close(); // idempotent
        assertThrows(BackendException.class, () -> b.solve(batch(1, 3), TestMatrices.equalBudgets(3),
                SolverOptions.defaults()));
        assertThrows(BackendException.class, () -> b.covariance(windows(), CovarianceKind.SAMPLE, 0));
    }

    @Test
    void invalidThresholds() {
        NativeLibrary lib = NativeTestBackend.library();
        assertThrows(InvalidInputException.class, () -> new CudaBackend(lib, 0, -1, 10));
        assertThrows(InvalidInputException.class, () -> new CudaBackend(lib, 0, 10, 0));
    }

    /** What the library itself rejects (here: bypassing the Java checks) comes back typed, with its text. */
    @Test
    void libraryRejectionIsTyped() {
        NativeLibrary lib = NativeTestBackend.library();
        try (NativeContext ctx = NativeContext.unshared(lib.api(), 0);
             java.lang.foreign.Arena arena = java.lang.foreign.Arena.ofConfined()) {
            java.lang.foreign.MemorySegment one = arena.allocate(64, 8);
            InvalidInputException e = assertThrows(InvalidInputException.class, () -> ctx.call(c -> {
                NativeStatus.check(lib.api(), lib.api().er_covariance(c, one, 4, 0, one, 1, 2,
                        io.equirisk.nativ.ffi.EquiriskH.ER_COV_SAMPLE, 0, one), "er_covariance");
                return null;
            }));
            assertTrue(e.getMessage().startsWith("er_covariance rejected its input: ") && e.getMessage().length() > 34,
                    "carries the library's text: " + e.getMessage());
            assertFalse(e.getMessage().contains("input: er_covariance"), "names the function once: " + e.getMessage());
        }
    }
}

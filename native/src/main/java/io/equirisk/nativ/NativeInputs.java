package io.equirisk.nativ;

import io.equirisk.backend.CovarianceKind;
import io.equirisk.backend.ReturnWindows;
import io.equirisk.covariance.CovarianceBatch;
import io.equirisk.error.DimensionMismatchException;
import io.equirisk.error.InsufficientDataException;
import io.equirisk.error.InvalidBudgetException;
import io.equirisk.error.InvalidInputException;
import io.equirisk.error.NonFiniteValueException;
import io.equirisk.error.ZeroVarianceException;
import io.equirisk.scenario.ScenarioSet;
import io.equirisk.solver.RiskBudgets;
import io.equirisk.solver.SolverOptions;

import java.util.function.IntPredicate;
import java.util.stream.IntStream;

/**
 * Checks the native backend's inputs before any downcall, so that invalid input gets the API's typed exception
 * and never reaches C. The API types validate at construction, but their arrays stay mutable, so what the C side
 * relies on (sizes, finiteness, positive variances, budgets) is checked again here; each check is one pass over data
 * the native call reads anyway. Positive definiteness is left to the solver (it costs a factorisation).
 *
 * <p>Large inputs are scanned on the common pool: one thread took 100 ms over 10,000 covariances of 100 assets
 * (800 MB, on a 2-core Zen 3), as long as the whole solve takes on a 16-core host. The scan finds the first
 * offending matrix (or row), and that one is checked again in order for the exception, so the message does not
 * depend on the threads. A staged solve checks its matrices as it copies them, chunk by chunk, each before the
 * downcall that reads it ({@link #checkSolveArguments} before the first).
 */
final class NativeInputs {
    /** Inputs of at least this many values are scanned in parallel. */
    static final long PARALLEL_VALUES = 1L << 20;

    private NativeInputs() {
    }

    /** The lowest index in [0, count) that {@code bad} holds for, or -1; in parallel when {@code values} is large. */
    private static int firstBad(int count, long values, IntPredicate bad) {
        IntStream ks = IntStream.range(0, count);
        if (values >= PARALLEL_VALUES) {
            return ks.parallel().filter(bad).min().orElse(-1);
        }
        return ks.filter(bad).findFirst().orElse(-1);
    }

    static void checkCovariance(ReturnWindows w, CovarianceKind kind, double lambda) {
        if (w == null) {
            throw new InvalidInputException("return windows are null");
        }
        checkKind(kind, lambda);
        int n = w.assets();
        int rows = w.rows();
        int window = w.window();
        double[] r = w.returns();
        int[] starts = w.starts();
        if (n < 1 || rows < 0 || r == null || starts == null || (long) rows * n != r.length) {
            throw new DimensionMismatchException("returns of " + rows + " × " + n + " rows and assets do not match "
                    + (r == null ? "a null array" : r.length + " values"));
        }
        if (window < 2) {
            throw new InsufficientDataException("a covariance window needs at least 2 rows, got " + window);
        }
        if (starts.length == 0) {
            throw new InvalidInputException("no windows given");
        }
        for (int k = 0; k < starts.length; k++) {
            if (starts[k] < 0 || (long) starts[k] + window > rows) {
                throw new DimensionMismatchException("window " + k + " covers rows [" + starts[k] + ", "
                        + ((long) starts[k] + window) + ") but the returns have " + rows + " rows");
            }
        }
        int row = firstBad(rows, r.length, t -> !allFinite(r, t * n, n));
        if (row >= 0) {
            for (int i = row * n; i < row * n + n; i++) {
                if (!Double.isFinite(r[i])) {
                    throw new NonFiniteValueException("return at row " + (row + 1) + ", asset column "
                            + (i - row * n + 1) + " is " + r[i] + "; batched covariance needs complete returns");
                }
            }
        }
    }

    static void checkKind(CovarianceKind kind, double lambda) {
        if (kind == null) {
            throw new InvalidInputException("covariance kind is null");
        }
        if (kind == CovarianceKind.EWMA && !(lambda > 0 && lambda < 1)) {
            throw new InvalidInputException("EWMA decay λ must be in (0, 1), got " + lambda);
        }
    }

    /**
     * A scenario set as the C ABI takes it: the record and its model have checked everything the C side checks
     * (scenario range, rows, ν, finite μ, L from a successful Cholesky factorisation).
     */
    static void checkScenarios(ScenarioSet set) {
        if (set == null) {
            throw new InvalidInputException("scenario set is null");
        }
    }

    private static boolean allFinite(double[] v, int from, int count) {
        for (int i = from; i < from + count; i++) {
            if (!Double.isFinite(v[i])) {
                return false;
            }
        }
        return true;
    }

    /** Every matrix's values, in parallel when large (after {@link #checkSolveArguments}). */
    static void checkMatrices(CovarianceBatch batch) {
        double[] v = batch.values();
        int n = batch.size();
        int k = firstBad(batch.batchSize(), v.length, p -> badMatrix(v, n, p));
        if (k >= 0) {
            rejectMatrix(batch, k);
        }
    }

    /**
     * A solve's arguments but the matrices' values: {@link #checkMatrices} checks those before a call that passes
     * the arrays themselves, and a staged solve chunk by chunk as it copies them ({@link
     * BulkCopy#checkedUpperTriangles}), so that the batch is read once, not twice.
     */
    static void checkSolveArguments(CovarianceBatch batch, double[] budgets, SolverOptions options) {
        if (batch == null) {
            throw new InvalidInputException("covariance batch is null");
        }
        int n = batch.size();
        int count = batch.batchSize();
        checkBudgets(budgets, n, count, options);
        double[] v = batch.values();
        if ((long) count * n * n != v.length) {
            throw new DimensionMismatchException("covariance batch of " + count + " × " + n + "² needs "
                    + ((long) count * n * n) + " values, has " + v.length);
        }
    }

    /** Whether matrix {@code k} of {@code v} has a value that is not finite or a variance below DBL_MIN. */
    static boolean badMatrix(double[] v, int n, int k) {
        for (int i = 0; i < n; i++) {
            if (badRow(v, n, k, i)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Whether row {@code i} of matrix {@code k} of {@code v} has a value that is not finite or a variance (its
     * diagonal entry) below DBL_MIN (as CovarianceMatrix: a subnormal variance has lost digits): the check of
     * {@link #badMatrix}, one row, for checks split within a matrix.
     */
    static boolean badRow(double[] v, int n, int k, int i) {
        int row = k * n * n + i * n;
        return !allFinite(v, row, n) || !(v[row + i] >= Double.MIN_NORMAL);
    }

    /**
     * Throws the typed exception for matrix {@code k} of the batch, which {@link #badMatrix} or {@link #badRow} found
     * bad.
     */
    static void rejectMatrix(CovarianceBatch batch, int k) {
        int n = batch.size();
        double[] v = batch.values();
        int base = k * n * n;
        for (int i = 0; i < n * n; i++) {
            if (!Double.isFinite(v[base + i])) {
                throw new NonFiniteValueException("batch matrix " + k + ": covariance entry (" + batch.assets()
                        .get(i / n) + ", " + batch.assets().get(i % n) + ") [row " + (i / n + 1) + ", column "
                        + (i % n + 1) + "] is " + v[base + i]);
            }
        }
        for (int i = 0; i < n; i++) {
            if (!(v[base + i * n + i] >= Double.MIN_NORMAL)) {
                throw new ZeroVarianceException("batch matrix " + k + ": asset " + batch.assets().get(i)
                        + " (#" + (i + 1) + ") has variance " + v[base + i * n + i]);
            }
        }
        // found bad, now good: another thread is writing the array while the call reads it
        throw new InvalidInputException("batch matrix " + k + " changed while the call was reading it");
    }

    /** Budgets for {@code count} problems of {@code n} assets (shared or one set each), and the options. */
    static void checkBudgets(double[] budgets, int n, int count, SolverOptions options) {
        if (budgets == null) {
            throw new InvalidBudgetException("risk budgets are null");
        }
        if (options == null) {
            throw new InvalidInputException("solver options are null");
        }
        boolean shared = budgets.length == n;
        if (!shared && budgets.length != (long) count * n) {
            throw new DimensionMismatchException("budgets must have N = " + n + " values (shared) or batch·N = "
                    + ((long) count * n) + ", got " + budgets.length);
        }
        int sets = shared ? 1 : count;
        double[] one = new double[n];
        for (int k = 0; k < sets; k++) {
            System.arraycopy(budgets, k * n, one, 0, n);
            try {
                RiskBudgets.of(one).requireAboveTolerance(options.tolerance(), null);
            } catch (InvalidBudgetException e) {
                throw new InvalidBudgetException((shared ? "" : "problem " + k + ": ") + e.getMessage());
            }
        }
    }
}

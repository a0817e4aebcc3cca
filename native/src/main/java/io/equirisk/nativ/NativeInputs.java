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
import io.equirisk.solver.RiskBudgets;
import io.equirisk.solver.SolverOptions;

/**
 * Checks the native backend's inputs before any downcall, so that invalid input gets the API's typed exception
 * and never reaches C. The API types validate at construction, but their arrays stay mutable, so what the C side
 * relies on (sizes, finiteness, positive variances, budgets) is checked again here; each check is one pass over data
 * the native call reads anyway. Positive definiteness is left to the solver (it costs a factorisation).
 */
final class NativeInputs {
    private NativeInputs() {
    }

    static void checkCovariance(ReturnWindows w, CovarianceKind kind, double lambda) {
        if (w == null) {
            throw new InvalidInputException("return windows are null");
        }
        if (kind == null) {
            throw new InvalidInputException("covariance kind is null");
        }
        if (kind == CovarianceKind.EWMA && !(lambda > 0 && lambda < 1)) {
            throw new InvalidInputException("EWMA decay λ must be in (0, 1), got " + lambda);
        }
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
        long values = (long) starts.length * n * n;
        if (values > Integer.MAX_VALUE - 8) {
            throw new DimensionMismatchException(starts.length + " covariance matrices of " + n + " assets ("
                    + values + " values) exceed one Java array; split the windows");
        }
        for (int k = 0; k < starts.length; k++) {
            if (starts[k] < 0 || (long) starts[k] + window > rows) {
                throw new DimensionMismatchException("window " + k + " covers rows [" + starts[k] + ", "
                        + ((long) starts[k] + window) + ") but the returns have " + rows + " rows");
            }
        }
        for (int i = 0; i < r.length; i++) {
            if (!Double.isFinite(r[i])) {
                throw new NonFiniteValueException("return at row " + (i / n + 1) + ", asset column " + (i % n + 1)
                        + " is " + r[i] + "; batched covariance needs complete returns");
            }
        }
    }

    static void checkSolve(CovarianceBatch batch, double[] budgets, SolverOptions options) {
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
        for (int k = 0; k < count; k++) {
            int base = k * n * n;
            for (int i = 0; i < n * n; i++) {
                if (!Double.isFinite(v[base + i])) {
                    throw new NonFiniteValueException("batch matrix " + k + ": covariance entry [row " + (i / n + 1)
                            + ", column " + (i % n + 1) + "] is " + v[base + i]);
                }
            }
            for (int i = 0; i < n; i++) {
                if (!(v[base + i * n + i] > 0)) {
                    throw new ZeroVarianceException("batch matrix " + k + ": asset " + batch.assets().get(i)
                            + " (column " + (i + 1) + ") has variance " + v[base + i * n + i]);
                }
            }
        }
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
                RiskBudgets.of(one);
            } catch (InvalidBudgetException e) {
                throw new InvalidBudgetException((shared ? "" : "problem " + k + ": ") + e.getMessage());
            }
        }
    }
}

package io.equirisk.covariance;

import io.equirisk.error.InvalidInputException;
import io.equirisk.kernel.Kernels;
import io.equirisk.kernel.NumericKernels;

/**
 * The covariance of one window of a T×N return table carried along as the window slides: moving it forward by s
 * rows replaces the s rows that leave by the s that enter with a rank-2s update of the matrix, 2s·N²/2
 * multiply-adds (and N²/2 more for the sample covariance's mean term), instead of recomputing it from all T rows
 * (T·N²/2). Daily windows of a year are so made about a
 * hundred times cheaper than afresh; the CPU engine uses it for rolling windows, a run of windows per task.
 *
 * <p>Sample covariance (C = (1/(T−1)) Σ (r − m)(r − m)ᵀ, m the window's mean) is carried about a fixed centre c,
 * the mean of the window last made afresh: the class keeps S = (1/(T−1)) Σ (r − c)(r − c)ᵀ and the deviation sum
 * d = Σ (r − c) over the current window, and gives
 * <pre>  C = S − d dᵀ / (T (T−1))</pre>
 * (the identity Σ(r − c)(r − c)ᵀ = Σ(r − m)(r − m)ᵀ + T(m − c)(m − c)ᵀ with T(m − c) = d). Replacing rows d_q by
 * a_q adds (a_q − c)(a_q − c)ᵀ/(T−1) to S, subtracts (d_q − c)(d_q − c)ᵀ/(T−1), and adds a_q − d_q to d. Every
 * term is a deviation from c, so nothing cancels while the window's mean stays near c (as returns' means do), and no
 * running mean is kept: a mean updated in place carries rounding of ε·|m| per slide, which the update would turn
 * into an error of order that ε·|m| times the returns' spread, large where the mean dwarfs the spread. At a window
 * made afresh, S is that window's own covariance about its computed mean (the two-pass product) and d the sum of
 * its deviations from that mean, so S − d dᵀ/(T(T−1)) is the corrected two-pass value. EWMA (zero mean, weights
 * λ^(T−1−t)/W summing to one) keeps C only: C' = λ^s C + Σ_q w_(T−s+q) a_q a_qᵀ − λ^s Σ_q w_q d_q d_qᵀ.
 *
 * <p>Accuracy: each update adds rounding of about one unit in the last place of the terms it adds, and the rounding
 * stays in the matrix until the next window made afresh. So for each variance the class keeps the sum of the
 * magnitudes of every term that formed it since then (|α|·sum + Σ_r |w_r|·v_r,i² a slide, and for the sample
 * covariance d_i²/(T(T−1)) as well). A variance that falls below 1e-3 of that sum (an asset whose returns became
 * nearly constant, an outlier or a run of them leaving a quiet window, a mean that moved far from c) has lost digits
 * to cancellation, and a non-finite entry cannot be updated: either makes that window afresh. Every entry then stays
 * within ~1e3·ε·(updates since afresh) of the exact one on the correlation scale (|ΔC_ij| ≤ that ×
 * sqrt(C_ii C_jj)), a few 1e-12 at most over the CPU engine's runs of 16 and ~1e-14 in practice (real crypto prices
 * through the LUNA collapse: worst 5e-14). A window computed afresh gives {@link CovarianceKernels#sample} or
 * {@link CovarianceKernels#ewma}, to the bit.
 *
 * <p>The returns array is read at each move, not copied: it must not change while the instance is in use.
 *
 * <p>An instance holds one window's state (N² + N values) and its scratch; not thread-safe.
 */
public final class SlidingCovariance {
    /** A slide pays while its update rows are at most this fraction of the window's rows (a direct pass is faster per row). */
    private static final int ROWS_PER_UPDATE_ROW = 4;
    /**
     * An updated variance below this fraction of the terms that formed it since the last window made afresh is
     * recomputed (see the class comment): it bounds the relative error a variance can carry to ~1e3·ε per update.
     */
    private static final double CANCELLATION_LIMIT = 1e-3;

    private final double[] returns;
    private final int n;
    private final int window;
    private final double lambda; // 0 for sample
    /** EWMA: the window's covariance. Sample: S, its scatter about {@link #centre} over T − 1 (class comment). */
    private final double[] c;
    /** Sample only: the mean of the window last made afresh, from which every update row is a deviation. */
    private final double[] centre;
    /** Sample only: Σ (r − centre) over the current window's rows. */
    private final double[] deviation;
    private final double[] ewmaWeights;
    private final NumericKernels k = Kernels.get();
    private int start = -1;
    private double[] rows = new double[0];
    private double[] rowWeights = new double[0];
    private final double[] coef = new double[4];
    /** Per variance, Σ of the magnitudes of the terms that formed it since the last window made afresh. */
    private final double[] mass;
    /** Windows computed afresh and by an update, since construction (for tests and benchmarks). */
    private int direct;
    private int updated;

    private SlidingCovariance(double[] returns, int n, int window, double lambda) {
        if (n < 1 || window < 2 || (long) window * n > returns.length) {
            throw new InvalidInputException("sliding covariance needs n ≥ 1 and 2 ≤ window ≤ rows, got n = " + n
                    + ", window = " + window + " over " + returns.length + " values");
        }
        this.returns = returns;
        this.n = n;
        this.window = window;
        this.lambda = lambda;
        this.c = new double[io.equirisk.data.ArraySize.of("a covariance matrix of " + n + " assets", n, n)];
        this.centre = lambda == 0 ? new double[n] : null;
        this.deviation = lambda == 0 ? new double[n] : null;
        this.ewmaWeights = lambda == 0 ? null : CovarianceKernels.ewmaWeights(window, lambda);
        this.mass = new double[n];
    }

    /**
     * Sample covariance (demeaned, 1/(T−1)) of windows of {@code window} rows of a row-major T×N table.
     *
     * @param returns the table, complete; read at each move, not copied: it must not change while this is in use
     * @param n       N, the table's columns
     * @param window  rows per window, 2 … T
     * @return an instance with no window made yet
     * @throws InvalidInputException when n is below 1 or the window is shorter than 2 rows or longer than the table
     */
    public static SlidingCovariance sample(double[] returns, int n, int window) {
        return new SlidingCovariance(returns, n, window, 0);
    }

    /**
     * EWMA covariance (zero mean, RiskMetrics weights) of windows of {@code window} rows, decay λ in (0, 1).
     *
     * @param returns the table, complete; read at each move, not copied: it must not change while this is in use
     * @param n       N, the table's columns
     * @param window  rows per window, 2 … T
     * @param lambda  the decay, in (0, 1)
     * @return an instance with no window made yet
     * @throws InvalidInputException when λ is outside (0, 1), n is below 1, or the window is shorter than 2 rows or
     *                               longer than the table
     */
    public static SlidingCovariance ewma(double[] returns, int n, int window, double lambda) {
        if (!(lambda > 0 && lambda < 1)) {
            throw new InvalidInputException("EWMA decay λ must be in (0, 1), got " + lambda);
        }
        return new SlidingCovariance(returns, n, window, lambda);
    }

    /**
     * Whether moving a window of {@code window} rows forward by {@code step} rows is cheaper as an update than afresh:
     * while the update's 2·step + 1 rows are at most a quarter of the window's.
     *
     * @param step   rows moved forward
     * @param window rows per window
     * @return whether step is positive and 4·(2·step + 1) ≤ window
     */
    public static boolean pays(int step, int window) {
        return step > 0 && (long) ROWS_PER_UPDATE_ROW * (2L * step + 1) <= window;
    }

    /**
     * Writes the covariance of rows [start, start + window) into {@code out[off, off + N²)} (full, row-major), by an
     * update of the current window when it lies {@link #pays a short step} behind, else afresh (always when
     * {@code restart}).
     *
     * @param start   the window's first row
     * @param out     receives N² values (its length is not checked)
     * @param off     where in {@code out} they start
     * @param restart make this window afresh, whatever the last one was
     * @throws InvalidInputException when the window's rows lie outside the table
     */
    public void moveTo(int start, double[] out, int off, boolean restart) {
        if (start < 0 || (long) start + window > returns.length / n) {
            throw new InvalidInputException("window rows [" + start + ", " + ((long) start + window)
                    + ") lie outside the " + (returns.length / n) + " rows of returns");
        }
        int step = start - this.start;
        if (restart || this.start < 0 || !pays(step, window) || !slide(step, out, off)) {
            afresh(start);
            System.arraycopy(c, 0, out, off, n * n);
        }
        this.start = start;
    }

    /**
     * Windows computed afresh so far.
     *
     * @return the count since construction
     */
    public int directCount() {
        return direct;
    }

    /**
     * Windows computed by an update so far.
     *
     * @return the count since construction
     */
    public int updateCount() {
        return updated;
    }

    /**
     * The window at {@code at} from its rows; each variance's terms are its own (all ≥ 0), so its mass is itself.
     * Sample: the centre becomes this window's computed mean, and the deviation sum is taken from it (the mean's
     * rounding, which the update must not ignore; see the class comment).
     */
    private void afresh(int at) {
        direct++;
        if (lambda == 0) {
            double[] m = CovarianceKernels.columnMeans(returns, n, at, window);
            System.arraycopy(m, 0, centre, 0, n);
            CovarianceKernels.product(returns, n, at, window, centre, null, 1.0 / (window - 1), c, 0,
                    CovarianceKernels.defaultThreads());
            java.util.Arrays.fill(deviation, 0.0);
            for (int t = at; t < at + window; t++) {
                for (int j = 0; j < n; j++) {
                    deviation[j] += returns[t * n + j] - centre[j];
                }
            }
        } else {
            CovarianceKernels.product(returns, n, at, window, null, ewmaWeights, 1.0, c, 0,
                    CovarianceKernels.defaultThreads());
        }
        for (int i = 0; i < n; i++) {
            mass[i] = Math.abs(c[i * n + i]);
        }
    }

    /**
     * Updates the state from the window at {@link #start} to the one {@code step} rows on and writes its covariance
     * to {@code out}; false (state unusable, the caller computes afresh) on cancellation or a non-finite entry.
     */
    private boolean slide(int step, double[] out, int off) {
        int leave = start;                // rows [leave, leave + step) leave
        int enter = start + window;       // rows [enter, enter + step) enter
        int count = 2 * step;
        ensureRows(count);
        double alpha;
        if (lambda == 0) {
            double inv = 1.0 / (window - 1);
            for (int q = 0; q < step; q++) {
                int a = (enter + q) * n;
                int d = (leave + q) * n;
                int ra = q * n;
                int rd = (step + q) * n;
                for (int j = 0; j < n; j++) {
                    rows[ra + j] = returns[a + j] - centre[j];
                    rows[rd + j] = returns[d + j] - centre[j];
                    deviation[j] += rows[ra + j] - rows[rd + j];
                }
                rowWeights[q] = inv;
                rowWeights[step + q] = -inv;
            }
            alpha = 1.0;
        } else {
            alpha = Math.pow(lambda, step);
            for (int q = 0; q < step; q++) {
                System.arraycopy(returns, (enter + q) * n, rows, q * n, n);
                System.arraycopy(returns, (leave + q) * n, rows, (step + q) * n, n);
                rowWeights[q] = ewmaWeights[window - step + q];
                rowWeights[step + q] = -alpha * ewmaWeights[q];
            }
        }
        if (!update(count, alpha) || !write(out, off) || !noCancellation(count, alpha, out, off)) {
            return false;
        }
        updated++;
        return true;
    }

    /**
     * The window's covariance into {@code out}: C itself for EWMA, S − d dᵀ/(T(T−1)) for the sample covariance (upper
     * triangle, then mirrored). Returns whether every entry is finite.
     */
    private boolean write(double[] out, int off) {
        if (lambda != 0) {
            System.arraycopy(c, 0, out, off, n * n);
            return true;
        }
        double s = 1.0 / ((double) window * (window - 1));
        boolean finite = true;
        for (int i = 0; i < n; i++) {
            double di = s * deviation[i];
            for (int j = i; j < n; j++) {
                double v = c[i * n + j] - di * deviation[j];
                out[off + i * n + j] = v;
                out[off + j * n + i] = v;
                finite &= Double.isFinite(v);
            }
        }
        return finite;
    }

    /**
     * Room for {@code count} update rows, rounded up to a multiple of four: the rows past {@code count} are zeros of
     * weight zero, so {@link #update} runs whole groups of four (one pass over C for a daily step's two rows).
     */
    private void ensureRows(int count) {
        int padded = (count + 3) & ~3;
        if (rowWeights.length < padded) {
            rows = new double[padded * n];
            rowWeights = new double[padded];
        }
        java.util.Arrays.fill(rows, count * n, rows.length, 0.0);
        java.util.Arrays.fill(rowWeights, count, rowWeights.length, 0.0);
    }

    /**
     * The upper triangle C ← α·C + Σ_r w_r v_r v_rᵀ (rows v_r of {@link #rows}, four at a time through one read and
     * write of each row of C; {@link #ensureRows} padded them to a multiple of four), then mirrored. Returns whether
     * every entry is finite.
     */
    private boolean update(int count, double alpha) {
        int groups = (count + 3) / 4;
        for (int i = 0; i < n; i++) {
            int row = i * n + i;
            int len = n - i;
            if (alpha != 1.0) {
                for (int j = row; j < row + len; j++) {
                    c[j] *= alpha;
                }
            }
            for (int g = 0; g < groups; g++) {
                int r = 4 * g;
                for (int q = 0; q < 4; q++) {
                    coef[q] = rowWeights[r + q] * rows[(r + q) * n + i];
                }
                k.axpy4(coef, rows, r * n + i, n, c, row, len);
            }
        }
        boolean finite = true;
        for (int i = 0; i < n; i++) {
            for (int j = i; j < n; j++) {
                double v = c[i * n + j];
                c[j * n + i] = v;
                finite &= Double.isFinite(v);
            }
        }
        return finite;
    }

    /**
     * Adds this update's terms to each variance's {@link #mass} and returns whether every variance written to
     * {@code out} is still above {@link #CANCELLATION_LIMIT} of it (with the sample covariance's d_i²/(T(T−1))).
     */
    private boolean noCancellation(int count, double alpha, double[] out, int off) {
        double s = lambda == 0 ? 1.0 / ((double) window * (window - 1)) : 0.0;
        boolean kept = true;
        for (int i = 0; i < n; i++) {
            double m = Math.abs(alpha) * mass[i];
            for (int r = 0; r < count; r++) {
                double v = rows[r * n + i];
                m += Math.abs(rowWeights[r]) * v * v;
            }
            mass[i] = m;
            double corrected = lambda == 0 ? m + s * deviation[i] * deviation[i] : m;
            kept &= out[off + i * n + i] > CANCELLATION_LIMIT * corrected;
        }
        return kept;
    }
}

package io.equirisk.scenario;

import io.equirisk.data.Returns;
import io.equirisk.error.InsufficientDataException;
import io.equirisk.error.InvalidInputException;

import java.util.List;

/**
 * Scenarios resampled from observed returns (a moving-block bootstrap): a scenario's rows come in blocks of
 * {@code block} consecutive historical rows, each block starting at a row drawn uniformly from the
 * {@code T − block + 1} possible starts. Real returns keep what a parametric model smooths away (skew, fat tails,
 * each day's cross-section as it happened), and blocks longer than one keep volatility clustering within them.
 *
 * <p>Block b of scenario s starts at ⌊x · (T − block + 1) / 2⁶⁴⌋, x the 64 bits P0·2³² + P1 of the
 * {@link Philox4x32} block for counter (b, 0, s, {@value #BOOTSTRAP_DOMAIN}) under the seed's key: a pure function of
 * (seed, s, b), in integer arithmetic, so the same rows on every machine and on a GPU, which gathers them from the
 * history it is sent ({@code er_bootstrap_solve}); immutable.
 */
public final class HistoricalBootstrap implements ScenarioSource {
    /** Counter word c3 of the block starts: apart from the model's normals (0) and χ² draws (1). */
    public static final int BOOTSTRAP_DOMAIN = 2;

    private final double[] history;
    private final int rows;
    private final List<String> assets;
    private final int block;

    private HistoricalBootstrap(double[] history, int rows, List<String> assets, int block) {
        this.history = history;
        this.rows = rows;
        this.assets = assets;
        this.block = block;
    }

    /**
     * A bootstrap of the rows of {@code history} (its values copied).
     *
     * @param history complete returns (no missing values: use {@link Returns#completeRows()} first)
     * @param block   rows per block, 1 (independent days) … the history's length
     * @return the bootstrap
     * @throws io.equirisk.error.NonFiniteValueException naming the first missing return
     * @throws InsufficientDataException                when the history has no rows
     * @throws InvalidInputException                    when the history is null or the block length is outside
     *                                                  [1, T]
     */
    public static HistoricalBootstrap of(Returns history, int block) {
        if (history == null) {
            throw new InvalidInputException("bootstrap history is null");
        }
        history.requireComplete();
        int t = history.observations();
        if (t < 1) {
            throw new InsufficientDataException("a bootstrap needs at least one row of returns, got none");
        }
        if (block < 1 || block > t) {
            throw new InvalidInputException("bootstrap block length must be in [1, " + t + "] (the history's rows), "
                    + "got " + block);
        }
        return new HistoricalBootstrap(history.values().clone(), t, history.assets(), block);
    }

    @Override
    public int size() {
        return assets.size();
    }

    @Override
    public List<String> assets() {
        return assets;
    }

    /**
     * The block length.
     *
     * @return consecutive historical rows per block
     */
    public int block() {
        return block;
    }

    /**
     * A copy of the history, rows × N row-major (what a device copies once per call).
     *
     * @return a new array of {@link #historyRows()} × N returns
     */
    public double[] history() {
        return history.clone();
    }

    /**
     * Rows of history resampled.
     *
     * @return T, the history's rows
     */
    public int historyRows() {
        return rows;
    }

    @Override
    public String describe() {
        return "block bootstrap of " + rows + " historical returns (blocks of " + block + ")";
    }

    /**
     * The first historical row of block b of scenario s.
     *
     * @param seed     the set's seed (the generator's key)
     * @param scenario s; only its low 32 bits count
     * @param b        the block, from 0: it covers scenario rows b·block … b·block + block − 1
     * @return a row in [0, T − block], as the class comment defines it
     */
    public int blockStart(long seed, long scenario, int b) {
        int[] p = new int[4];
        Philox4x32.block(b, 0, (int) scenario, BOOTSTRAP_DOMAIN, (int) seed, (int) (seed >>> 32), p);
        long x = ((p[0] & 0xFFFFFFFFL) << 32) | (p[1] & 0xFFFFFFFFL);
        return (int) Math.unsignedMultiplyHigh(x, rows - block + 1L);
    }

    /** Rows 0 … count − 1 of scenario s into {@code out[off …]}, N values per row. */
    void scenario(long seed, long scenario, int count, double[] out, int off) {
        int n = size();
        for (int t0 = 0, b = 0; t0 < count; t0 += block, b++) {
            int start = blockStart(seed, scenario, b);
            int len = Math.min(block, count - t0);
            System.arraycopy(history, start * n, out, off + t0 * n, len * n);
        }
    }
}

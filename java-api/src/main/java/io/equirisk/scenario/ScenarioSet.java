package io.equirisk.scenario;

import io.equirisk.data.ArraySize;
import io.equirisk.error.InvalidInputException;

/**
 * Scenarios {@code first} … {@code first + count − 1} of a seeded Monte Carlo stream, each {@code rows} periods of
 * returns drawn from {@code source} (a {@link ScenarioModel} or a {@link HistoricalBootstrap}): stress scenarios, or
 * resamples of a history for the spread of its risk-parity weights. Scenario s depends only on (source, seed, s,
 * rows): a set split into slices, or drawn on another engine, holds the same scenarios.
 *
 * <p>Layout of {@link #returns()}: count × rows × N values, scenario first + k's row t, asset i at
 * {@code (k·rows + t)·N + i}; as windows of {@code rows} rows starting at 0, rows, 2·rows, … each window is one
 * scenario.
 *
 * @param source where the returns come from
 * @param seed   the key of every draw: the same seed, the same scenarios
 * @param first  the number of the set's first scenario, 0 … {@link #MAX_SCENARIOS} − count
 * @param count  the number of scenarios, at least 1
 * @param rows   periods (rows of returns) per scenario, at least 1
 */
public record ScenarioSet(ScenarioSource source, long seed, long first, int count, int rows) {
    /** Scenario numbers are the 32-bit counter word c2 of every draw. */
    public static final long MAX_SCENARIOS = 1L << 32;

    /**
     * Checks the set.
     *
     * @throws InvalidInputException when source is null, count or rows is below 1, or the scenarios' numbers fall
     *                               outside 0 … {@link #MAX_SCENARIOS} − 1
     */
    public ScenarioSet {
        if (source == null) {
            throw new InvalidInputException("scenario source is null");
        }
        if (first < 0 || count < 1 || first > MAX_SCENARIOS - count) { /* first + count could overflow a long */
            throw new InvalidInputException(count + " scenarios from " + first + " are outside 0 … "
                    + (MAX_SCENARIOS - 1) + " (first ≥ 0, count ≥ 1)");
        }
        if (rows < 1) {
            throw new InvalidInputException("a scenario needs at least one row, got " + rows);
        }
    }

    /**
     * Scenarios 0 … count − 1.
     *
     * @param source where the returns come from
     * @param seed   the key of every draw
     * @param count  the number of scenarios, at least 1
     * @param rows   periods per scenario, at least 1
     * @return the set
     * @throws InvalidInputException as the canonical constructor throws
     */
    public static ScenarioSet of(ScenarioSource source, long seed, int count, int rows) {
        return new ScenarioSet(source, seed, 0, count, rows);
    }

    /**
     * The number of assets of the source.
     *
     * @return N
     */
    public int assets() {
        return source.size();
    }

    /**
     * Scenarios {@code first + from} … of this set, {@code count} of them.
     *
     * @param from  the slice's first scenario, counted from this set's first
     * @param count the number of scenarios, at least 1
     * @return a set of the same source, seed and rows, holding the same scenarios as this one's part
     * @throws InvalidInputException when the slice is empty or runs outside this set
     */
    public ScenarioSet slice(int from, int count) {
        if (from < 0 || count < 1 || (long) from + count > this.count) {
            throw new InvalidInputException("slice [" + from + ", " + ((long) from + count) + ") is outside the "
                    + this.count + " scenarios of the set");
        }
        return new ScenarioSet(source, seed, first + from, count, rows);
    }

    /**
     * Which implementations draw on the CPU engine, e.g. "normals vector (8 lanes), rows vector (8 lanes)" (the
     * Vector API's where they beat the scalar ones at this machine's width; the bits are the same either way).
     *
     * @return one line for reports
     */
    public static String drawKernels() {
        return "normals " + ScenarioKernels.normals().describe() + ", rows " + ScenarioKernels.products().describe();
    }

    /**
     * Scratch that {@link #returns(int, double[], int, double[])} needs.
     *
     * @return the scratch array's length (0 for a bootstrap)
     */
    public int scratchLength() {
        return source instanceof ScenarioModel m ? m.scratchLength() : 0;
    }

    /**
     * Scenario first + k's rows × N returns into {@code out[off …]}, using {@code scratch} (see
     * {@link #scratchLength}).
     *
     * @param k       the scenario, counted from this set's first (not checked against count)
     * @param out     receives rows × N values, row-major
     * @param off     where in {@code out} they start
     * @param scratch at least {@link #scratchLength()} values, overwritten; one per thread
     */
    public void returns(int k, double[] out, int off, double[] scratch) {
        int n = assets();
        long s = first + k;
        switch (source) {
            case ScenarioModel model -> {
                for (int t = 0; t < rows; t += ScenarioModel.ROW_BLOCK) {
                    model.rows(seed, s, t, Math.min(ScenarioModel.ROW_BLOCK, rows - t), scratch, out, off + t * n);
                }
            }
            case HistoricalBootstrap bootstrap -> bootstrap.scenario(seed, s, rows, out, off);
        }
    }

    /**
     * Every scenario's returns, count × rows × N values, drawn on this thread.
     *
     * @return a new array, scenario first + k's row t, asset i at {@code (k·rows + t)·N + i}
     * @throws io.equirisk.error.DimensionMismatchException when that is more than one Java array holds
     */
    public double[] returns() {
        int n = assets();
        double[] out = new double[ArraySize.of(count + " scenarios of " + rows + " rows × " + n + " assets", count,
                rows, n)];
        double[] scratch = new double[scratchLength()];
        for (int k = 0; k < count; k++) {
            returns(k, out, k * rows * n, scratch);
        }
        return out;
    }

    /**
     * How messages name scenario k: "scenario s" with its absolute number.
     *
     * @param k the scenario, counted from this set's first
     * @return "scenario " and first + k
     */
    public String describe(int k) {
        return "scenario " + (first + k);
    }
}

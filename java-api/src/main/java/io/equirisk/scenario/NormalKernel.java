package io.equirisk.scenario;

/**
 * The loop that fills a row's normals ({@link ScenarioNormals#fill}): a scalar implementation, always there, and a
 * Vector API one chosen at run time where {@code jdk.incubator.vector} is present, as {@link
 * io.equirisk.kernel.Kernels} chooses the numeric kernels. Both take the same correctly rounded steps per draw, so
 * they write the same bits (tested); only the speed differs.
 */
interface NormalKernel {
    /**
     * The normals of pairs {@code firstPair …} of (scenario, row, domain) under key (k0, k1), {@code count} of them,
     * into {@code out[off …]}: the cosine of pair m at 2m, its sine at 2m + 1 (an odd count drops the last sine).
     */
    void fill(int k0, int k1, int scenario, int row, int domain, int firstPair, double[] out, int off, int count);

    /**
     * Whether this implementation beats the scalar one on this machine (always true of the scalar one). Measured on
     * one AVX-512 machine with narrower vectors forced: the vector normals took 5.8 ns a normal with 8 lanes, 24.4
     * with 4 (AVX2, whose 64-bit lane multiply is emulated), 64.5 with 2, against 21–24 for the scalar kernel; so they
     * are used from 8 lanes.
     */
    boolean preferred();

    /** "scalar" or "vector (N lanes)", for benchmarks and diagnostics. */
    String describe();
}

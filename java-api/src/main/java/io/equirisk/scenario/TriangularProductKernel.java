package io.equirisk.scenario;

/**
 * A block of scenario rows from their normals: r = μ + s·Lz for {@link #rowBlock()} rows at once, so that each entry
 * of L is loaded once for the block ({@link ScenarioModel#rows}). Every implementation sums each entry in ascending j
 * with one fused multiply-add a term and ends with fma(s, sum, μ_i), the definition's steps, so they write the same
 * bits; a scalar one (four rows) and a Vector API one (a vector of rows) exist.
 */
interface TriangularProductKernel {
    /** Rows per call. */
    int rowBlock();

    /**
     * For r < {@link #rowBlock()}: {@code out[off + r·n + i] = fma(scale[r], Σ_{j≤i} L_ij z[r·n + j], mean[i])},
     * L row-major n × n (entries above the diagonal never read). {@code z[work …]} holds {@link #rowBlock()}·n values
     * the kernel may overwrite.
     */
    void rows(double[] chol, double[] mean, int n, double[] z, int work, double[] scale, double[] out, int off);

    /**
     * Whether this implementation beats the scalar one on this machine (always true of the scalar one). Measured at
     * n = 100 on one AVX-512 machine with narrower vectors forced: 366 ns a row with 8 lanes, 756 with 4 (AVX2),
     * 2,646 with 2, against ~1,300 for the scalar kernel; so the vector product is used from 4 lanes.
     */
    boolean preferred();

    /** "scalar" or "vector (N lanes)", for benchmarks and diagnostics. */
    String describe();
}

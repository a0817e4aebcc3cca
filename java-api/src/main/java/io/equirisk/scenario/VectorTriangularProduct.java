package io.equirisk.scenario;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * A vector of rows at a time, one row per lane: the normals are transposed so that z_j of every row is one vector,
 * and each lane sums its own row in ascending j with one fma a term, the scalar kernel's order, so the bits are its
 * bits. Four rows of L (i … i + 3) are summed side by side, four independent chains, sharing each z_j load: one
 * chain alone would wait on every fma's latency.
 */
final class VectorTriangularProduct implements TriangularProductKernel {
    static final VectorTriangularProduct INSTANCE = new VectorTriangularProduct();
    private static final VectorSpecies<Double> D = DoubleVector.SPECIES_PREFERRED;
    private static final int LANES = D.length();

    private VectorTriangularProduct() {
    }

    @Override
    public int rowBlock() {
        return LANES;
    }

    @Override
    public void rows(double[] chol, double[] mean, int n, double[] z, int work, double[] scale, double[] out,
                     int off) {
        for (int r = 0; r < LANES; r++) { /* z[work + j·LANES + r] = z of row r, index j */
            for (int j = 0; j < n; j++) {
                z[work + j * LANES + r] = z[r * n + j];
            }
        }
        int[] rowStarts = new int[LANES];
        for (int r = 0; r < LANES; r++) {
            rowStarts[r] = r * n;
        }
        int i = 0;
        for (; i + 4 <= n; i += 4) {
            fourRows(chol, mean, n, i, z, work, scale, out, off, rowStarts);
        }
        DoubleVector s = DoubleVector.fromArray(D, scale, 0);
        for (; i < n; i++) {
            DoubleVector a = DoubleVector.zero(D);
            int li = i * n;
            for (int j = 0; j <= i; j++) {
                a = DoubleVector.broadcast(D, chol[li + j]).lanewise(VectorOperators.FMA,
                        DoubleVector.fromArray(D, z, work + j * LANES), a);
            }
            store(a, s, mean[i], out, off + i, rowStarts);
        }
    }

    /**
     * Rows i … i + 3 of L: the columns all four share (j ≤ i), then each longer row's last columns. The scales come
     * as an array, not a vector: a vector passed to a call the JIT does not inline is boxed on the heap (see
     * {@link VectorNormalKernel}).
     */
    private static void fourRows(double[] chol, double[] mean, int n, int i, double[] z, int work, double[] scale,
                                 double[] out, int off, int[] rowStarts) {
        DoubleVector s = DoubleVector.fromArray(D, scale, 0);
        int l0 = i * n, l1 = l0 + n, l2 = l1 + n, l3 = l2 + n;
        DoubleVector a0 = DoubleVector.zero(D), a1 = a0, a2 = a0, a3 = a0;
        for (int j = 0; j <= i; j++) {
            DoubleVector zj = DoubleVector.fromArray(D, z, work + j * LANES);
            a0 = DoubleVector.broadcast(D, chol[l0 + j]).lanewise(VectorOperators.FMA, zj, a0);
            a1 = DoubleVector.broadcast(D, chol[l1 + j]).lanewise(VectorOperators.FMA, zj, a1);
            a2 = DoubleVector.broadcast(D, chol[l2 + j]).lanewise(VectorOperators.FMA, zj, a2);
            a3 = DoubleVector.broadcast(D, chol[l3 + j]).lanewise(VectorOperators.FMA, zj, a3);
        }
        DoubleVector z1 = DoubleVector.fromArray(D, z, work + (i + 1) * LANES);
        DoubleVector z2 = DoubleVector.fromArray(D, z, work + (i + 2) * LANES);
        DoubleVector z3 = DoubleVector.fromArray(D, z, work + (i + 3) * LANES);
        a1 = DoubleVector.broadcast(D, chol[l1 + i + 1]).lanewise(VectorOperators.FMA, z1, a1);
        a2 = DoubleVector.broadcast(D, chol[l2 + i + 1]).lanewise(VectorOperators.FMA, z1, a2);
        a2 = DoubleVector.broadcast(D, chol[l2 + i + 2]).lanewise(VectorOperators.FMA, z2, a2);
        a3 = DoubleVector.broadcast(D, chol[l3 + i + 1]).lanewise(VectorOperators.FMA, z1, a3);
        a3 = DoubleVector.broadcast(D, chol[l3 + i + 2]).lanewise(VectorOperators.FMA, z2, a3);
        a3 = DoubleVector.broadcast(D, chol[l3 + i + 3]).lanewise(VectorOperators.FMA, z3, a3);
        store(a0, s, mean[i], out, off + i, rowStarts);
        store(a1, s, mean[i + 1], out, off + i + 1, rowStarts);
        store(a2, s, mean[i + 2], out, off + i + 2, rowStarts);
        store(a3, s, mean[i + 3], out, off + i + 3, rowStarts);
    }

    /** out[at + r·n] = fma(scale_r, a_r, μ_i) for every lane r. */
    private static void store(DoubleVector a, DoubleVector s, double mu, double[] out, int at, int[] rowStarts) {
        s.lanewise(VectorOperators.FMA, a, DoubleVector.broadcast(D, mu)).intoArray(out, at, rowStarts, 0);
    }

    @Override
    public boolean preferred() {
        return LANES >= 4;
    }

    @Override
    public String describe() {
        return "vector (" + LANES + " lanes)";
    }
}

package io.equirisk.scenario;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.LongVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

import static io.equirisk.scenario.ReproducibleMath.A1;
import static io.equirisk.scenario.ReproducibleMath.A10;
import static io.equirisk.scenario.ReproducibleMath.A2;
import static io.equirisk.scenario.ReproducibleMath.A3;
import static io.equirisk.scenario.ReproducibleMath.A4;
import static io.equirisk.scenario.ReproducibleMath.A5;
import static io.equirisk.scenario.ReproducibleMath.A6;
import static io.equirisk.scenario.ReproducibleMath.A7;
import static io.equirisk.scenario.ReproducibleMath.A8;
import static io.equirisk.scenario.ReproducibleMath.A9;
import static io.equirisk.scenario.ReproducibleMath.F10;
import static io.equirisk.scenario.ReproducibleMath.F11;
import static io.equirisk.scenario.ReproducibleMath.F12;
import static io.equirisk.scenario.ReproducibleMath.F13;
import static io.equirisk.scenario.ReproducibleMath.F14;
import static io.equirisk.scenario.ReproducibleMath.F15;
import static io.equirisk.scenario.ReproducibleMath.F16;
import static io.equirisk.scenario.ReproducibleMath.F17;
import static io.equirisk.scenario.ReproducibleMath.F18;
import static io.equirisk.scenario.ReproducibleMath.F19;
import static io.equirisk.scenario.ReproducibleMath.F2;
import static io.equirisk.scenario.ReproducibleMath.F3;
import static io.equirisk.scenario.ReproducibleMath.F4;
import static io.equirisk.scenario.ReproducibleMath.F5;
import static io.equirisk.scenario.ReproducibleMath.F6;
import static io.equirisk.scenario.ReproducibleMath.F7;
import static io.equirisk.scenario.ReproducibleMath.F8;
import static io.equirisk.scenario.ReproducibleMath.F9;

/**
 * The normals a vector of pairs at a time: each lane one Philox block (its four 32-bit words held in the low halves
 * of 64-bit lanes, so a 32 × 32-bit product is one exact 64-bit lane multiply) and one Box-Muller transform, the
 * steps of {@link ReproducibleMath} lane by lane. Every step is correctly rounded per lane (the Vector API's FMA is
 * {@link Math#fma}'s), so the bits are the {@link ScalarNormalKernel}'s; the pairs that do not fill a vector are
 * left to it.
 *
 * <p>The three stages ({@link #philox}, {@link #radius}, {@link #turn}) hand their lanes over through small arrays,
 * never as vector arguments or results: the JIT compiles each hot stage on its own and then will not inline it into
 * its caller ("already compiled into a big method"), and a vector that crosses such a call is boxed on the heap.
 * Passing {@code b} and the radius to {@code turn} that way cost two boxes a vector of pairs (~190 bytes), 66 MB for
 * 200 scenarios of 252 × 100.
 */
final class VectorNormalKernel implements NormalKernel {
    static final VectorNormalKernel INSTANCE = new VectorNormalKernel();
    private static final VectorSpecies<Double> D = DoubleVector.SPECIES_PREFERRED;
    private static final VectorSpecies<Long> L = LongVector.SPECIES_PREFERRED;
    private static final int LANES = D.length();
    private static final long WORD = 0xFFFFFFFFL;
    private static final LongVector LANE = LongVector.zero(L).addIndex(1); /* 0, 1, 2, … */
    /* Philox4x32's round multipliers and Weyl key increments, as unsigned 32-bit values */
    private static final long M0 = 0xD2511F53L, M1 = 0xCD9E8D57L;
    private static final long W0 = 0x9E3779B9L, W1 = 0xBB67AE85L;

    /** Each thread's lanes between the stages: a and b of each block, the radius, the cosines and the sines. */
    private static final class Lanes {
        final long[] a = new long[LANES];
        final long[] b = new long[LANES];
        final double[] radius = new double[LANES];
        final double[] even = new double[LANES];
        final double[] odd = new double[LANES];
    }

    private static final ThreadLocal<Lanes> LANES_OF_THREAD = ThreadLocal.withInitial(Lanes::new);

    private VectorNormalKernel() {
    }

    @Override
    public void fill(int k0, int k1, int scenario, int row, int domain, int firstPair, double[] out, int off,
                     int count) {
        int vectorPairs = (count >>> 1) - (count >>> 1) % LANES; /* whole pairs, in whole vectors */
        if (vectorPairs > 0) {
            Lanes t = LANES_OF_THREAD.get();
            for (int p = 0; p < vectorPairs; p += LANES) {
                philox((firstPair + p) & WORD, row & WORD, scenario & WORD, domain & WORD, k0 & WORD, k1 & WORD, t.a,
                        t.b);
                radius(t.a, t.radius);
                turn(t.b, t.radius, t.even, t.odd);
                int o = off + 2 * p;
                for (int i = 0; i < LANES; i++) {
                    out[o + 2 * i] = t.even[i];
                    out[o + 2 * i + 1] = t.odd[i];
                }
            }
        }
        if (2 * vectorPairs < count) {
            ScalarNormalKernel.INSTANCE.fill(k0, k1, scenario, row, domain, firstPair + vectorPairs, out,
                    off + 2 * vectorPairs, count - 2 * vectorPairs);
        }
    }

    /** Philox for the counters (first + lane, c1, c2, c3): each block's two 53-bit integers a and b. */
    private static void philox(long first, long c1s, long c2s, long c3s, long key0, long key1, long[] aOut,
                               long[] bOut) {
        LongVector c0 = LANE.add(first).and(WORD); /* wraps as the scalar's int does */
        LongVector c1 = LongVector.broadcast(L, c1s);
        LongVector c2 = LongVector.broadcast(L, c2s);
        LongVector c3 = LongVector.broadcast(L, c3s);
        for (int r = 0; r < Philox4x32.ROUNDS; r++) {
            if (r > 0) {
                key0 = (key0 + W0) & WORD;
                key1 = (key1 + W1) & WORD;
            }
            LongVector p0 = c0.mul(M0); /* < 2⁶⁴: the exact product, read as unsigned */
            LongVector p1 = c2.mul(M1);
            c0 = p1.lanewise(VectorOperators.LSHR, 32).lanewise(VectorOperators.XOR, c1).lanewise(VectorOperators.XOR,
                    key0);
            c1 = p1.and(WORD);
            c2 = p0.lanewise(VectorOperators.LSHR, 32).lanewise(VectorOperators.XOR, c3).lanewise(VectorOperators.XOR,
                    key1);
            c3 = p0.and(WORD);
        }
        c0.lanewise(VectorOperators.LSHL, 21).or(c1.lanewise(VectorOperators.LSHR, 11)).intoArray(aOut, 0);
        c2.lanewise(VectorOperators.LSHL, 21).or(c3.lanewise(VectorOperators.LSHR, 11)).intoArray(bOut, 0);
    }

    /** √(−2 ln u), u = (a + 1)·2⁻⁵³, with {@link ReproducibleMath#log} lane by lane. */
    private static void radius(long[] a, double[] out) {
        DoubleVector x = ((DoubleVector) LongVector.fromArray(L, a, 0).add(1).convert(VectorOperators.L2D, 0))
                .mul(0x1.0p-53);
        LongVector bits = x.reinterpretAsLongs();
        LongVector e = bits.lanewise(VectorOperators.LSHR, 52).sub(1023);
        DoubleVector m = bits.and(0x000F_FFFF_FFFF_FFFFL).or(0x3FF0_0000_0000_0000L).reinterpretAsDoubles();
        VectorMask<Double> fold = m.compare(VectorOperators.GT, ReproducibleMath.SQRT2);
        m = m.blend(m.mul(0.5), fold);
        e = e.blend(e.add(1), fold.cast(L));
        DoubleVector f = m.sub(1.0);
        DoubleVector s = f.div(f.add(2.0));
        DoubleVector z = s.mul(s);
        DoubleVector p = z.fma(A10, A9);
        p = p.lanewise(VectorOperators.FMA, z, A8);
        p = p.lanewise(VectorOperators.FMA, z, A7);
        p = p.lanewise(VectorOperators.FMA, z, A6);
        p = p.lanewise(VectorOperators.FMA, z, A5);
        p = p.lanewise(VectorOperators.FMA, z, A4);
        p = p.lanewise(VectorOperators.FMA, z, A3);
        p = p.lanewise(VectorOperators.FMA, z, A2);
        p = p.lanewise(VectorOperators.FMA, z, A1);
        DoubleVector r = p.mul(z);
        DoubleVector lnM = s.neg().fma(f.sub(r), f);
        DoubleVector k = (DoubleVector) e.convert(VectorOperators.L2D, 0);
        DoubleVector ln = k.lanewise(VectorOperators.FMA, ReproducibleMath.LN2_HI,
                k.lanewise(VectorOperators.FMA, ReproducibleMath.LN2_LO, lnM));
        ln.mul(-2.0).sqrt().intoArray(out, 0);
    }

    /**
     * radius times the cosine and the sine of b/2⁵³ of a turn ({@link ReproducibleMath#cosOfTurn}, {@code sinOfTurn}),
     * lane by lane: the quadrant's swap and signs become blends.
     */
    private static void turn(long[] bIn, double[] radiusIn, double[] even, double[] odd) {
        LongVector b = LongVector.fromArray(L, bIn, 0);
        LongVector q = b.add(1L << 50).lanewise(VectorOperators.LSHR, 51);
        DoubleVector r = ((DoubleVector) b.sub(q.lanewise(VectorOperators.LSHL, 51)).convert(VectorOperators.L2D, 0))
                .mul(0x1p-51);
        DoubleVector theta = r.lanewise(VectorOperators.FMA, ReproducibleMath.HALF_PI_HI,
                r.mul(ReproducibleMath.HALF_PI_LO));
        DoubleVector y = theta.mul(theta);
        DoubleVector ps = y.fma(-F19, F17);
        ps = ps.lanewise(VectorOperators.FMA, y, -F15);
        ps = ps.lanewise(VectorOperators.FMA, y, F13);
        ps = ps.lanewise(VectorOperators.FMA, y, -F11);
        ps = ps.lanewise(VectorOperators.FMA, y, F9);
        ps = ps.lanewise(VectorOperators.FMA, y, -F7);
        ps = ps.lanewise(VectorOperators.FMA, y, F5);
        ps = ps.lanewise(VectorOperators.FMA, y, -F3);
        DoubleVector sin = theta.mul(y).fma(ps, theta);
        DoubleVector pc = y.fma(-F18, F16);
        pc = pc.lanewise(VectorOperators.FMA, y, -F14);
        pc = pc.lanewise(VectorOperators.FMA, y, F12);
        pc = pc.lanewise(VectorOperators.FMA, y, -F10);
        pc = pc.lanewise(VectorOperators.FMA, y, F8);
        pc = pc.lanewise(VectorOperators.FMA, y, -F6);
        pc = pc.lanewise(VectorOperators.FMA, y, F4);
        pc = pc.lanewise(VectorOperators.FMA, y, -F2);
        DoubleVector cos = y.lanewise(VectorOperators.FMA, pc, 1.0);
        /* quadrant q & 3: cos → c, −s, −c, s and sin → s, c, −s, −c */
        VectorMask<Double> swap = q.and(1).compare(VectorOperators.NE, 0).cast(D);
        VectorMask<Double> negateCos = q.add(1).and(2).compare(VectorOperators.NE, 0).cast(D);
        VectorMask<Double> negateSin = q.and(2).compare(VectorOperators.NE, 0).cast(D);
        DoubleVector x = cos.blend(sin, swap);
        DoubleVector w = sin.blend(cos, swap);
        DoubleVector radius = DoubleVector.fromArray(D, radiusIn, 0);
        radius.mul(x.blend(x.neg(), negateCos)).intoArray(even, 0);
        radius.mul(w.blend(w.neg(), negateSin)).intoArray(odd, 0);
    }

    @Override
    public boolean preferred() {
        return LANES >= 8;
    }

    @Override
    public String describe() {
        return "vector (" + LANES + " lanes)";
    }
}

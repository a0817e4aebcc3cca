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
 */
final class VectorNormalKernel implements NormalKernel {
    static final VectorNormalKernel INSTANCE = new VectorNormalKernel();
    private static final VectorSpecies<Double> D = DoubleVector.SPECIES_PREFERRED;
    private static final VectorSpecies<Long> L = LongVector.SPECIES_PREFERRED;
    private static final int LANES = D.length();
    private static final long WORD = 0xFFFFFFFFL;
    /* Philox4x32's round multipliers and key increments, as unsigned 32-bit values */
    private static final long M0 = 0xD2511F53L, M1 = 0xCD9E8D57L;
    private static final long W0 = 0x9E3779B9L, W1 = 0xBB67AE85L;

    private VectorNormalKernel() {
    }

    @Override
    public void fill(int k0, int k1, int scenario, int row, int domain, int firstPair, double[] out, int off,
                     int count) {
        int vectorPairs = (count >>> 1) - (count >>> 1) % LANES; /* whole pairs, in whole vectors */
        if (vectorPairs > 0) {
            double[] even = new double[LANES];
            double[] odd = new double[LANES];
            LongVector lane = LongVector.zero(L).addIndex(1);
            for (int p = 0; p < vectorPairs; p += LANES) {
                LongVector c0 = lane.add((firstPair + p) & WORD).and(WORD); /* wraps as the scalar's int does */
                pairs(c0, row & WORD, scenario & WORD, domain & WORD, k0 & WORD, k1 & WORD, even, odd);
                int o = off + 2 * p;
                for (int i = 0; i < LANES; i++) {
                    out[o + 2 * i] = even[i];
                    out[o + 2 * i + 1] = odd[i];
                }
            }
        }
        if (2 * vectorPairs < count) {
            ScalarNormalKernel.INSTANCE.fill(k0, k1, scenario, row, domain, firstPair + vectorPairs, out,
                    off + 2 * vectorPairs, count - 2 * vectorPairs);
        }
    }

    /** One vector of pairs: Philox, then Box-Muller, into {@code even} (cosines) and {@code odd} (sines). */
    private static void pairs(LongVector c0, long c1s, long c2s, long c3s, long key0, long key1, double[] even,
                              double[] odd) {
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
        LongVector a = c0.lanewise(VectorOperators.LSHL, 21).or(c1.lanewise(VectorOperators.LSHR, 11));
        LongVector b = c2.lanewise(VectorOperators.LSHL, 21).or(c3.lanewise(VectorOperators.LSHR, 11));
        DoubleVector u = ((DoubleVector) a.add(1).convert(VectorOperators.L2D, 0)).mul(0x1.0p-53);
        DoubleVector radius = log(u).mul(-2.0).sqrt();
        turn(b, radius, even, odd);
    }

    /** {@link ReproducibleMath#log}, lane by lane. */
    private static DoubleVector log(DoubleVector x) {
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
        return k.lanewise(VectorOperators.FMA, ReproducibleMath.LN2_HI,
                k.lanewise(VectorOperators.FMA, ReproducibleMath.LN2_LO, lnM));
    }

    /**
     * radius times the cosine and the sine of b/2⁵³ of a turn ({@link ReproducibleMath#cosOfTurn}, {@code sinOfTurn}),
     * lane by lane: the quadrant's swap and signs become blends.
     */
    private static void turn(LongVector b, DoubleVector radius, double[] even, double[] odd) {
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

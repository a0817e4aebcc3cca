package io.equirisk.scenario;

import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.math.MathContext;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link ReproducibleMath} against references it does not share: a 40-digit {@link BigDecimal} evaluation (the
 * error in ulps of the true value) and {@link StrictMath} (fdlibm, itself within one ulp) over millions of points.
 */
class ReproducibleMathTest {
    private static final MathContext MC = new MathContext(40);
    /* ln 2 and π to 50 digits */
    private static final BigDecimal LN2 = new BigDecimal("0.69314718055994530941723212145817656807550013436026");
    private static final BigDecimal PI = new BigDecimal("3.1415926535897932384626433832795028841971693993751");

    /** ln x to 40 digits: x = 2^e·m, m ∈ [1, 2), ln m = 2 atanh((m − 1)/(m + 1)) summed until its terms vanish. */
    static BigDecimal referenceLog(double x) {
        int e = Math.getExponent(x);
        BigDecimal m = new BigDecimal(x).divide(new BigDecimal(Math.scalb(1.0, e)), MC);
        BigDecimal s = m.subtract(BigDecimal.ONE).divide(m.add(BigDecimal.ONE), MC);
        BigDecimal z = s.multiply(s, MC);
        BigDecimal power = s;
        BigDecimal sum = BigDecimal.ZERO;
        for (int k = 0; k < 400; k++) {
            BigDecimal term = power.divide(BigDecimal.valueOf(2L * k + 1), MC);
            sum = sum.add(term, MC);
            if (term.abs().compareTo(new BigDecimal("1e-45")) < 0) {
                break;
            }
            power = power.multiply(z, MC);
        }
        return sum.multiply(BigDecimal.valueOf(2)).add(LN2.multiply(BigDecimal.valueOf(e)), MC);
    }

    /** cos (sine false) or sin of 2π·b/2⁵³ to 40 digits: the angle reduced to (−π, π], then its Taylor series. */
    static BigDecimal referenceTurn(long b, boolean sine) {
        BigDecimal turn = new BigDecimal(b).divide(new BigDecimal(1L << 53), MC); /* exact: a dyadic fraction */
        if (turn.compareTo(new BigDecimal("0.5")) > 0) {
            turn = turn.subtract(BigDecimal.ONE);
        }
        BigDecimal x = turn.multiply(PI.multiply(BigDecimal.valueOf(2)), MC);
        BigDecimal x2 = x.multiply(x, MC);
        BigDecimal term = sine ? x : BigDecimal.ONE;
        BigDecimal sum = BigDecimal.ZERO;
        for (int k = sine ? 1 : 0; k < 200; k += 2) {
            sum = sum.add(term, MC);
            if (term.abs().compareTo(new BigDecimal("1e-45")) < 0) {
                break;
            }
            term = term.multiply(x2, MC).divide(BigDecimal.valueOf(-(long) (k + 1) * (k + 2)), MC);
        }
        return sum;
    }

    /** |got − exact| in units of the last place of the exact value rounded to double. */
    static double ulps(double got, BigDecimal exact) {
        if (exact.abs().compareTo(new BigDecimal("1e-35")) < 0) { /* a zero, to the reference's 40 digits */
            return got == 0 ? 0 : Double.POSITIVE_INFINITY;
        }
        double nearest = exact.doubleValue();
        double ulp = Math.ulp(nearest == 0 ? Double.MIN_NORMAL : nearest);
        return new BigDecimal(got).subtract(exact).abs().doubleValue() / ulp;
    }

    /** The scenario uniforms u = (a + 1)·2⁻⁵³ and, below, any positive normal double. */
    @Test
    void logarithmIsWithinAnUlpAndAQuarterOfTheTrueValue() {
        SplittableRandom rng = new SplittableRandom(20261127);
        double worst = 0;
        double[] edges = {0x1p-53, 0x1p-52, 0.5, 1.0 - 0x1p-53, 1.0, ReproducibleMath.SQRT2 / 2,
                Math.nextUp(ReproducibleMath.SQRT2 / 2), Math.nextDown(ReproducibleMath.SQRT2 / 2), 0.75, 0.999999,
                1.0 + 0x1p-52, ReproducibleMath.SQRT2, Math.nextUp(ReproducibleMath.SQRT2), 2.0, Double.MIN_NORMAL,
                Double.MAX_VALUE, 1e-300, 1e300, Math.E};
        for (double x : edges) {
            worst = Math.max(worst, ulps(ReproducibleMath.log(x), referenceLog(x)));
        }
        for (int i = 0; i < 4000; i++) {
            double u = ((rng.nextLong() >>> 11) + 1) * 0x1p-53;
            double x = i % 2 == 0 ? u : Math.scalb(1 + rng.nextDouble(), rng.nextInt(-1022, 1024));
            worst = Math.max(worst, ulps(ReproducibleMath.log(x), referenceLog(x)));
        }
        /* measured: 1.04 ulp, where ln m and −ln 2 cancel to half of each (x ≈ 0.7) */
        assertTrue(worst <= 1.25, "largest error " + worst + " ulp");
        assertEquals(0.0, ReproducibleMath.log(1.0), "ln 1 is exactly 0");
    }

    @Test
    void cosineAndSineOfATurnAreWithinOneAndAHalfUlpOfTheTrueValues() {
        SplittableRandom rng = new SplittableRandom(7);
        double worstCos = 0;
        double worstSin = 0;
        long[] edges = {0, 1, (1L << 50) - 1, 1L << 50, (1L << 50) + 1, 1L << 51, 3L << 50, 1L << 52, 5L << 50,
                3L << 51, 7L << 50, (1L << 53) - 1, (1L << 53) / 12, (1L << 53) / 6, (1L << 53) / 3};
        for (int i = 0; i < edges.length + 4000; i++) {
            long b = i < edges.length ? edges[i] : rng.nextLong() >>> 11;
            worstCos = Math.max(worstCos, ulps(ReproducibleMath.cosOfTurn(b), referenceTurn(b, false)));
            worstSin = Math.max(worstSin, ulps(ReproducibleMath.sinOfTurn(b), referenceTurn(b, true)));
        }
        /* measured: 1.33 ulp (cos) and 1.12 (sin) where |θ| nears π/4: θ and θ² are each rounded once */
        assertTrue(worstCos <= 1.5, "cosine: largest error " + worstCos + " ulp");
        assertTrue(worstSin <= 1.5, "sine: largest error " + worstSin + " ulp");
        /* the quarter turns are exact */
        assertEquals(1.0, ReproducibleMath.cosOfTurn(0));
        assertEquals(0.0, ReproducibleMath.sinOfTurn(0));
        assertEquals(1.0, ReproducibleMath.sinOfTurn(1L << 51));
        assertEquals(-1.0, ReproducibleMath.cosOfTurn(1L << 52));
        assertEquals(-1.0, ReproducibleMath.sinOfTurn(3L << 51));
    }

    /** Millions of scenario-like arguments against fdlibm: never more than its own error apart. */
    @Test
    void agreesWithStrictMathEverywhereTheDrawsReach() {
        SplittableRandom rng = new SplittableRandom(11);
        double worstLog = 0;
        double worstTurn = 0;
        for (int i = 0; i < 2_000_000; i++) {
            double u = ((rng.nextLong() >>> 11) + 1) * 0x1p-53;
            double ref = StrictMath.log(u);
            worstLog = Math.max(worstLog, Math.abs(ReproducibleMath.log(u) - ref) / Math.ulp(ref == 0 ? 1 : ref));
            long b = rng.nextLong() >>> 11;
            double angle = 2 * Math.PI * (b * 0x1p-53); /* its rounding alone moves sin and cos by ≤ 2π·2⁻⁵³ */
            worstTurn = Math.max(worstTurn, Math.max(Math.abs(ReproducibleMath.cosOfTurn(b) - StrictMath.cos(angle)),
                    Math.abs(ReproducibleMath.sinOfTurn(b) - StrictMath.sin(angle))));
        }
        assertTrue(worstLog <= 2.0, "log: " + worstLog + " ulp from StrictMath");
        assertTrue(worstTurn <= 2 * Math.PI * 0x1p-53 + 0x1p-52, "cos/sin: " + worstTurn + " from StrictMath");
    }
}

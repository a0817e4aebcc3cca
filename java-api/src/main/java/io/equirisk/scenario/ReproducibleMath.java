package io.equirisk.scenario;

/**
 * The logarithm, and the cosine and sine of a fraction of a turn, that the scenario normals need, each written as one
 * fixed sequence of IEEE-754 double operations: additions, multiplications, one division, and fused multiply-adds
 * ({@link Math#fma}, one rounding). Every step is correctly rounded and none is left to a library or to a compiler's
 * contraction, so the Java engine, the emulation and a GPU ({@code kernels/src/reproducible_math.cuh}, the same
 * operations in the same order) get the same bits: a scenario is one set of numbers on every engine, not "the same to
 * the libm's last ulp". Accuracy is within 1.5 ulp ({@code ReproducibleMathTest} measures it against a 40-digit
 * reference and {@link StrictMath}); Box-Muller needs no more.
 *
 * <p>The polynomials are truncated Taylor series, not minimax fits: their coefficients are exact rationals (2/(2k+1),
 * 1/n!) rounded to double, which anyone can recompute, and the truncation error is below 2⁻⁶⁰ on the reduced
 * ranges. They cost a few more terms than a fitted polynomial would.
 *
 * <p>{@link Math#fma} is a single instruction where the processor has FMA (every x86-64 since 2013 and every
 * AArch64); HotSpot falls back to an exact but slow software path elsewhere.
 */
final class ReproducibleMath {
    private ReproducibleMath() {
    }

    /* ln 2 = LN2_HI + LN2_LO: LN2_HI is ln 2 rounded to double, LN2_LO the next 53 bits (computed to 200 bits) */
    static final double LN2_HI = 0x1.62e42fefa39efp-1;
    static final double LN2_LO = 0x1.abc9e3b39803fp-56;
    /* π/2 = HALF_PI_HI + HALF_PI_LO, the same way */
    static final double HALF_PI_HI = 0x1.921fb54442d18p+0;
    static final double HALF_PI_LO = 0x1.1a62633145c07p-54;
    /* √2 rounded to double: the mantissa range [1, 2) is folded to [√½, √2) */
    static final double SQRT2 = 0x1.6a09e667f3bcdp+0;

    /* 2/(2k+1), k = 1 … 10: 2 atanh(s) = 2s + s·Σ_k (2/(2k+1))·s^(2k) */
    static final double A1 = 0x1.5555555555555p-1;
    static final double A2 = 0x1.999999999999ap-2;
    static final double A3 = 0x1.2492492492492p-2;
    static final double A4 = 0x1.c71c71c71c71cp-3;
    static final double A5 = 0x1.745d1745d1746p-3;
    static final double A6 = 0x1.3b13b13b13b14p-3;
    static final double A7 = 0x1.1111111111111p-3;
    static final double A8 = 0x1.e1e1e1e1e1e1ep-4;
    static final double A9 = 0x1.af286bca1af28p-4;
    static final double A10 = 0x1.8618618618618p-4;

    /* 1/n!, n = 2 … 19 */
    static final double F2 = 0x1.0000000000000p-1;
    static final double F3 = 0x1.5555555555555p-3;
    static final double F4 = 0x1.5555555555555p-5;
    static final double F5 = 0x1.1111111111111p-7;
    static final double F6 = 0x1.6c16c16c16c17p-10;
    static final double F7 = 0x1.a01a01a01a01ap-13;
    static final double F8 = 0x1.a01a01a01a01ap-16;
    static final double F9 = 0x1.71de3a556c734p-19;
    static final double F10 = 0x1.27e4fb7789f5cp-22;
    static final double F11 = 0x1.ae64567f544e4p-26;
    static final double F12 = 0x1.1eed8eff8d898p-29;
    static final double F13 = 0x1.6124613a86d09p-33;
    static final double F14 = 0x1.93974a8c07c9dp-37;
    static final double F15 = 0x1.ae7f3e733b81fp-41;
    static final double F16 = 0x1.ae7f3e733b81fp-45;
    static final double F17 = 0x1.952c77030ad4ap-49;
    static final double F18 = 0x1.6827863b97d97p-53;
    static final double F19 = 0x1.2f49b46814157p-57;

    /**
     * ln x for a positive, normal, finite x (the scenario draws pass u ∈ [2⁻⁵³, 1]; nothing else is checked).
     * x = 2^e·m with m ∈ [√½, √2), f = m − 1 (exact), s = f/(2 + f), and ln m = 2 atanh s = f − s·(f − R(s²)) with
     * R(z) = Σ_{k=1..10} 2/(2k+1)·z^k: f is exact and carries the value, the correction s·(f − R) is at most 0.07.
     */
    static double log(double x) {
        long bits = Double.doubleToRawLongBits(x);
        int e = (int) (bits >>> 52) - 1023;
        double m = Double.longBitsToDouble((bits & 0x000F_FFFF_FFFF_FFFFL) | 0x3FF0_0000_0000_0000L);
        if (m > SQRT2) {
            m *= 0.5; /* exact */
            e += 1;
        }
        double f = m - 1.0; /* exact: m is within a factor 2 of 1 */
        double s = f / (2.0 + f);
        double z = s * s;
        double p = Math.fma(A10, z, A9);
        p = Math.fma(p, z, A8);
        p = Math.fma(p, z, A7);
        p = Math.fma(p, z, A6);
        p = Math.fma(p, z, A5);
        p = Math.fma(p, z, A4);
        p = Math.fma(p, z, A3);
        p = Math.fma(p, z, A2);
        p = Math.fma(p, z, A1);
        double r = p * z;
        double lnM = Math.fma(-s, f - r, f);
        double k = e;
        return Math.fma(k, LN2_HI, Math.fma(k, LN2_LO, lnM));
    }

    /** cos(2π·b/2⁵³) for 0 ≤ b < 2⁵³: the cosine of b/2⁵³ of a turn. */
    static double cosOfTurn(long b) {
        long q = nearestQuarter(b);
        double theta = quarterResidual(b, q);
        return switch ((int) q & 3) {
            case 0 -> cos(theta);
            case 1 -> -sin(theta);
            case 2 -> -cos(theta);
            default -> sin(theta);
        };
    }

    /** sin(2π·b/2⁵³) for 0 ≤ b < 2⁵³. */
    static double sinOfTurn(long b) {
        long q = nearestQuarter(b);
        double theta = quarterResidual(b, q);
        return switch ((int) q & 3) {
            case 0 -> sin(theta);
            case 1 -> cos(theta);
            case 2 -> -sin(theta);
            default -> -cos(theta);
        };
    }

    /** The nearest quarter turn q ∈ [0, 4] to b/2⁵³ of a turn (2⁵¹ units a quarter). */
    static long nearestQuarter(long b) {
        return (b + (1L << 50)) >>> 51;
    }

    /**
     * The angle (π/2)·r left after q quarter turns: r = (b − q·2⁵¹)/2⁵¹ ∈ [−½, ½) is exact (an integer of at most
     * 51 bits, scaled by a power of two), so the reduction loses nothing; θ = r·π/2 is rounded once.
     */
    static double quarterResidual(long b, long q) {
        double r = (b - (q << 51)) * 0x1p-51;
        return Math.fma(r, HALF_PI_HI, r * HALF_PI_LO);
    }

    /** sin θ for |θ| ≤ π/4: θ + θ³·Σ_{k=1..9} (−1)^k θ^(2k−2)/(2k+1)!. */
    static double sin(double theta) {
        double y = theta * theta;
        double p = Math.fma(-F19, y, F17);
        p = Math.fma(p, y, -F15);
        p = Math.fma(p, y, F13);
        p = Math.fma(p, y, -F11);
        p = Math.fma(p, y, F9);
        p = Math.fma(p, y, -F7);
        p = Math.fma(p, y, F5);
        p = Math.fma(p, y, -F3);
        return Math.fma(theta * y, p, theta);
    }

    /** cos θ for |θ| ≤ π/4: 1 + θ²·Σ_{k=1..9} (−1)^k θ^(2k−2)/(2k)!. */
    static double cos(double theta) {
        double y = theta * theta;
        double p = Math.fma(-F18, y, F16);
        p = Math.fma(p, y, -F14);
        p = Math.fma(p, y, F12);
        p = Math.fma(p, y, -F10);
        p = Math.fma(p, y, F8);
        p = Math.fma(p, y, -F6);
        p = Math.fma(p, y, F4);
        p = Math.fma(p, y, -F2);
        return Math.fma(y, p, 1.0);
    }
}

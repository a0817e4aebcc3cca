package io.equirisk.covariance;

import io.equirisk.error.InvalidInputException;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Windows slid by updates against the same windows computed afresh by {@link CovarianceKernels}. */
class SlidingCovarianceTest {
    private static final int N = 7;
    private static final int WINDOW = 60;
    private static final double LAMBDA = 0.94;

    /**
     * Returns whose means are three times their volatilities (a price-like drift, the case where sums of raw products
     * would cancel) and correlated through a common factor.
     */
    private static double[] returns(int rows, long seed) {
        Random rnd = new Random(seed);
        double[] r = new double[rows * N];
        for (int t = 0; t < rows; t++) {
            double f = rnd.nextGaussian();
            for (int j = 0; j < N; j++) {
                double vol = 0.01 * (1 + j);
                r[t * N + j] = 3 * vol + vol * (0.6 * f + 0.8 * rnd.nextGaussian());
            }
        }
        return r;
    }

    private static double[] direct(double[] r, int start, boolean ewma) {
        double[] out = new double[N * N];
        if (ewma) {
            CovarianceKernels.ewma(r, N, start, WINDOW, LAMBDA, out, 0);
        } else {
            CovarianceKernels.sample(r, N, start, WINDOW, out, 0);
        }
        return out;
    }

    private static SlidingCovariance sliding(double[] r, boolean ewma) {
        return ewma ? SlidingCovariance.ewma(r, N, WINDOW, LAMBDA) : SlidingCovariance.sample(r, N, WINDOW);
    }

    @Test
    void sixtyFourSlidesStayWithin1e13OfTheWindowsMadeAfresh() {
        for (boolean ewma : new boolean[] {false, true}) {
            for (int step : new int[] {1, 3, 7}) {
                double[] r = returns(WINDOW + 64 * step, 11 + step);
                SlidingCovariance s = sliding(r, ewma);
                double[] out = new double[N * N];
                double worst = 0;
                for (int k = 0; k <= 64; k++) {
                    s.moveTo(k * step, out, 0, false);
                    worst = Math.max(worst, Reference.relativeError(out, direct(r, k * step, ewma)));
                    for (int i = 0; i < N; i++) {
                        for (int j = 0; j < N; j++) {
                            assertEquals(out[i * N + j], out[j * N + i], 0.0, "symmetric");
                        }
                    }
                }
                String what = (ewma ? "ewma" : "sample") + ", step " + step;
                assertEquals(1, s.directCount(), what);
                assertEquals(64, s.updateCount(), what + ": every later window is an update");
                assertTrue(worst <= 1e-13, what + ": relative error " + worst);
            }
        }
    }

    @Test
    void restartsLongStepsAndBackwardMovesAreMadeAfreshToTheBit() {
        for (boolean ewma : new boolean[] {false, true}) {
            double[] r = returns(200, 5);
            SlidingCovariance s = sliding(r, ewma);
            double[] out = new double[N * N];
            int[] starts = {0, 1, 2, 40, 41, 20, 21, 21, 22};
            boolean[] restart = {false, false, true, false, false, false, false, false, false};
            boolean[] afresh = {true, false, true, true, false, true, false, true, false};
            for (int k = 0; k < starts.length; k++) {
                int before = s.directCount();
                s.moveTo(starts[k], out, 0, restart[k]);
                assertEquals(afresh[k], s.directCount() > before, "window " + k + " at row " + starts[k]);
                if (afresh[k]) {
                    assertArrayEquals(direct(r, starts[k], ewma), out, 0.0, "afresh is CovarianceKernels' bits");
                } else {
                    assertTrue(Reference.relativeError(out, direct(r, starts[k], ewma)) <= 1e-14);
                }
            }
            assertFalse(SlidingCovariance.pays(8, WINDOW), "17 update rows of 60: afresh is cheaper");
            assertTrue(SlidingCovariance.pays(7, WINDOW));
            assertFalse(SlidingCovariance.pays(0, WINDOW));
        }
    }

    /**
     * An asset whose returns turn constant: the update would leave its variance at the cancellation's residue (about
     * 1e-19 here, eps times the variance that left), 1e17 times what the window computed afresh holds (the mean's
     * rounding, ~1e-36); the window is made afresh instead.
     */
    @Test
    void aVarianceThatCancelsIsMadeAfresh() {
        double[] r = returns(200, 9);
        for (int t = 100; t < 200; t++) {
            r[t * N + 2] = 0.004; /* asset 2 constant from row 100 on */
        }
        SlidingCovariance s = SlidingCovariance.sample(r, N, WINDOW);
        double[] out = new double[N * N];
        for (int start = 0; start <= 140; start++) {
            s.moveTo(start, out, 0, false);
            if (start >= 100) {
                assertTrue(out[2 * N + 2] <= 1e-30, "window at " + start + ": constant asset's variance "
                        + out[2 * N + 2]);
            }
            assertTrue(Reference.relativeError(out, direct(r, start, false)) <= 1e-13, "window at " + start);
        }
        assertTrue(s.directCount() >= 2, "the window where the variance vanished was made afresh");
    }

    /** A crash-sized outlier leaving a quiet window: the variance falls by ~1e8, the window is made afresh. */
    @Test
    void anOutlierLeavingTheWindowDoesNotLeaveItsRounding() {
        double[] r = returns(200, 13);
        r[30 * N + 4] = 1e2; /* an absurd return, 1e4 × the asset's volatility */
        SlidingCovariance s = SlidingCovariance.sample(r, N, WINDOW);
        double[] out = new double[N * N];
        for (int start = 0; start <= 100; start++) {
            s.moveTo(start, out, 0, false);
            double[] ref = direct(r, start, false);
            for (int i = 0; i < N; i++) {
                assertEquals(ref[i * N + i], out[i * N + i], 1e-13 * ref[i * N + i], "window " + start + ", var " + i);
            }
        }
        assertTrue(s.directCount() >= 2);
    }

    /**
     * A cascade of outliers leaving the window: a stablecoin-like asset (volatility 1e-4) whose first returns fall
     * geometrically from `top` by a factor ρ a day. Each slide drops its variance by less than any one-slide limit
     * would catch, but the rounding of the large terms stays in the matrix; the guard counts every term since the
     * window was made afresh. Held to 2e-12 relative on the variance and on the correlation scale over 16 slides,
     * the CPU engine's run (a guard on each slide alone left 1.8e-9 here).
     */
    @Test
    void aCascadeOfOutliersLeavingTheWindowStaysAccurate() {
        int n = 2;
        double worst = 0;
        for (int window : new int[] {60, 252}) {
            for (double top : new double[] {1.0, 0.3}) {
                for (double rho : new double[] {2, 5, 10, 30}) {
                    for (int len = 1; len <= 6; len++) {
                        Random g = new Random(7);
                        double[] r = new double[(window + 40) * n];
                        for (int t = 0; t < window + 40; t++) {
                            r[t * n] = 1e-4 * g.nextGaussian();
                            r[t * n + 1] = 0.01 * g.nextGaussian();
                        }
                        for (int q = 0; q < len; q++) {
                            r[q * n] = top / Math.pow(rho, q);
                        }
                        SlidingCovariance s = SlidingCovariance.sample(r, n, window);
                        double[] out = new double[n * n];
                        double[] ref = new double[n * n];
                        for (int start = 0; start <= 15; start++) {
                            s.moveTo(start, out, 0, false);
                            CovarianceKernels.sample(r, n, start, window, ref, 0);
                            worst = Math.max(worst, Math.abs(out[0] - ref[0]) / ref[0]);
                            worst = Math.max(worst, Math.abs(out[1] - ref[1]) / Math.sqrt(ref[0] * ref[3]));
                        }
                    }
                }
            }
        }
        assertTrue(worst <= 2e-12, "worst relative error " + worst);
    }

    /**
     * Returns whose mean dwarfs their spread (a money-market accrual: 1e-4 a day ± 1e-10; and absurder levels): a mean
     * kept up to date in place carries rounding of ε·|mean| a slide, which a mean-centred update turns into errors of
     * 2e-10 to 2e-6 of the variance within 16 slides (7e-10 here at 1e-4 ± 1e-10). Held here, over 200 slides, to
     * 1e-13 on the correlation scale beyond the error of the same windows made afresh, against the exact covariance
     * of the same doubles (BigDecimal). (At 1e4 ± 1e-6 the two-pass product made afresh is itself 3e-11 off, its
     * mean's rounding squared; the slid windows, which subtract the deviation sum, are closer.)
     */
    @Test
    void aMeanThatDwarfsTheSpreadDoesNotLeakIntoTheCovariance() {
        int n = 2;
        int window = 50;
        double[][] levels = {{1e-4, 1e-10}, {1e2, 1e-4}, {1e4, 1e-6}};
        for (double[] level : levels) {
            Random g = new Random(17);
            int rows = window + 200;
            double[] r = new double[rows * n];
            for (int t = 0; t < rows; t++) {
                double f = g.nextGaussian();
                r[t * n] = 0.01 * f;
                r[t * n + 1] = level[0] + level[1] * (0.5 * f + 0.8 * g.nextGaussian());
            }
            SlidingCovariance s = SlidingCovariance.sample(r, n, window);
            double[] out = new double[n * n];
            double[] afresh = new double[n * n];
            double worst = 0;
            double worstAfresh = 0;
            for (int start = 0; start <= 200; start++) {
                s.moveTo(start, out, 0, false);
                CovarianceKernels.sample(r, n, start, window, afresh, 0);
                double[] exact = exactSampleCovariance(r, n, start, window);
                for (int i = 0; i < n; i++) {
                    for (int j = 0; j < n; j++) {
                        double scale = Math.sqrt(exact[i * n + i] * exact[j * n + j]);
                        worst = Math.max(worst, Math.abs(out[i * n + j] - exact[i * n + j]) / scale);
                        worstAfresh = Math.max(worstAfresh, Math.abs(afresh[i * n + j] - exact[i * n + j]) / scale);
                    }
                }
            }
            assertEquals(1, s.directCount(), "level " + level[0] + ": every later window an update");
            assertTrue(worst <= 1e-13 + worstAfresh, "level " + level[0] + " ± " + level[1] + ": relative error "
                    + worst + ", windows made afresh " + worstAfresh);
        }
    }

    /** The sample covariance of rows [start, start + window) of the given doubles, in exact arithmetic, rounded once. */
    private static double[] exactSampleCovariance(double[] r, int n, int start, int window) {
        java.math.MathContext mc = new java.math.MathContext(60);
        java.math.BigDecimal t = java.math.BigDecimal.valueOf(window);
        java.math.BigDecimal[] mean = new java.math.BigDecimal[n];
        for (int j = 0; j < n; j++) {
            java.math.BigDecimal sum = java.math.BigDecimal.ZERO;
            for (int q = start; q < start + window; q++) {
                sum = sum.add(new java.math.BigDecimal(r[q * n + j]));
            }
            mean[j] = sum.divide(t, mc);
        }
        double[] c = new double[n * n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                java.math.BigDecimal sum = java.math.BigDecimal.ZERO;
                for (int q = start; q < start + window; q++) {
                    sum = sum.add(new java.math.BigDecimal(r[q * n + i]).subtract(mean[i])
                            .multiply(new java.math.BigDecimal(r[q * n + j]).subtract(mean[j])), mc);
                }
                c[i * n + j] = sum.divide(java.math.BigDecimal.valueOf(window - 1), mc).doubleValue();
            }
        }
        return c;
    }

    @Test
    void rejectsWindowsOutsideTheTable() {
        double[] r = returns(100, 3);
        SlidingCovariance s = SlidingCovariance.sample(r, N, WINDOW);
        double[] out = new double[N * N];
        assertThrows(InvalidInputException.class, () -> s.moveTo(41, out, 0, false));
        assertThrows(InvalidInputException.class, () -> s.moveTo(-1, out, 0, false));
        assertThrows(InvalidInputException.class, () -> SlidingCovariance.ewma(r, N, WINDOW, 1.0));
        assertThrows(InvalidInputException.class, () -> SlidingCovariance.sample(r, N, 101));
    }
}

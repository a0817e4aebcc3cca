package io.equirisk.solver;

import io.equirisk.kernel.Kernels;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Anderson mixing on a linear fixed-point map, where what it must do is known exactly. */
class AndersonMixingTest {

    /**
     * x ← G(x) = x* + A(x − x*) with A a contraction: Anderson with depth ≥ the number of A's distinct eigenvalues
     * reaches x* to rounding after a few steps, and the carried vector must stay M·x for the linear map M it belongs
     * to (the sweeps' cached dot products), whatever the mixing did to x.
     */
    @Test
    void acceleratesALinearContractionAndCarriesLinearFunctionsAlong() {
        int n = 50;
        Random rnd = new Random(3);
        double[] star = new double[n];
        double[] eig = {0.9, 0.6, 0.3}; // three distinct rates, depth 3
        double[][] m = new double[n][n];
        double[] b = new double[n];
        for (int i = 0; i < n; i++) {
            star[i] = 1 + rnd.nextDouble();
            b[i] = i == 7 ? 0 : 1; // one zero budget: that coordinate stays at 0
            for (int j = 0; j < n; j++) {
                m[i][j] = rnd.nextGaussian();
            }
        }
        star[7] = 0;
        AndersonMixing mixing = new AndersonMixing(Kernels.get(), n, 3);
        double[] x = star.clone();
        for (int i = 0; i < n; i++) {
            if (b[i] > 0) {
                x[i] *= 1.2 + 0.1 * Math.sin(i); // start 20–30% off
            }
        }
        double plainError = maxRelError(x, star);
        int mixed = 0;
        for (int step = 0; step < 8; step++) {
            double[] before = x.clone();
            for (int i = 0; i < n; i++) {
                // A acts by eigenvalue on three blocks of coordinates
                x[i] = star[i] + eig[i % 3] * (before[i] - star[i]);
            }
            plainError *= 0.9;
            double[] up = times(m, x);
            if (mixing.mix(before, x, up, b)) {
                mixed++;
            }
            double[] expected = times(m, x);
            for (int i = 0; i < n; i++) {
                assertEquals(expected[i], up[i], 1e-12 * (1 + Math.abs(expected[i])), "carried value " + i);
            }
            assertEquals(0.0, x[7], 0.0, "zero-budget coordinate");
        }
        assertTrue(mixed >= 4, "mixed steps: " + mixed);
        double error = maxRelError(x, star);
        assertTrue(error < 1e-10 && error < 1e-6 * plainError, "mixed error " + error + ", plain " + plainError);
    }

    /**
     * One coordinate, g(1) = 2 then g(2) = second: the secant step goes to the fixed point of the line through them,
     * x* = 101 for slope 0.99 (more than a factor e past the plain result) and x* = −1 for slope 1.5 (not positive).
     * Both must be refused, keeping the plain result; slope 0.5 (x* = 3) is taken.
     */
    @Test
    void refusesWildOrNonPositiveExtrapolations() {
        assertEquals(2.99, secantStep(2.99), 0.0);
        assertEquals(3.5, secantStep(3.5), 0.0);
        assertEquals(3.0, secantStep(2.5), 1e-12);
    }

    private static double secantStep(double second) {
        AndersonMixing mixing = new AndersonMixing(Kernels.get(), 1, 2);
        double[] b = {1};
        double[] up = {0};
        double[] x = {2};
        assertTrue(!mixing.mix(new double[] {1}, x, up, b), "nothing to mix on the first call");
        x[0] = second;
        boolean replaced = mixing.mix(new double[] {2}, x, up, b);
        assertEquals(replaced, x[0] != second, "the return value says whether x was replaced");
        return x[0];
    }

    private static double[] times(double[][] m, double[] x) {
        double[] y = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            for (int j = 0; j < x.length; j++) {
                y[i] += m[i][j] * x[j];
            }
        }
        return y;
    }

    private static double maxRelError(double[] x, double[] star) {
        double e = 0;
        for (int i = 0; i < x.length; i++) {
            if (star[i] != 0) {
                e = Math.max(e, Math.abs(x[i] - star[i]) / star[i]);
            }
        }
        return e;
    }
}

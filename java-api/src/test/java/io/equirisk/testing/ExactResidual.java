package io.equirisk.testing;

import java.math.BigDecimal;
import java.math.MathContext;

/**
 * The residual max_i |w_i(Σw)_i / wᵀΣw − b_i| of given double weights in exact arithmetic (BigDecimal; 40 digits for
 * the division): the independent judge of a result's `converged`, which floating-point products cannot be on
 * ill-conditioned Σ.
 */
public final class ExactResidual {
    private ExactResidual() {
    }

    /** For the full row-major n × n matrix {@code sigma}. */
    public static double of(double[] sigma, double[] w, double[] b) {
        int n = w.length;
        BigDecimal[] sw = new BigDecimal[n];
        BigDecimal v = BigDecimal.ZERO;
        for (int i = 0; i < n; i++) {
            BigDecimal a = BigDecimal.ZERO;
            for (int j = 0; j < n; j++) {
                a = a.add(new BigDecimal(sigma[i * n + j]).multiply(new BigDecimal(w[j])));
            }
            sw[i] = a;
            v = v.add(new BigDecimal(w[i]).multiply(a));
        }
        double worst = 0;
        for (int i = 0; i < n; i++) {
            double rc = new BigDecimal(w[i]).multiply(sw[i]).divide(v, new MathContext(40)).doubleValue();
            worst = Math.max(worst, Math.abs(rc - b[i]));
        }
        return worst;
    }
}

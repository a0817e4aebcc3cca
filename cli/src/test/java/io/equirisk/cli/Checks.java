package io.equirisk.cli;

import io.equirisk.cli.io.CovarianceCsv;
import io.equirisk.covariance.CovarianceMatrix;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Independent checks of a solve's output: the properties any correct answer has. */
final class Checks {
    private Checks() {
    }

    /**
     * A run with {@code --backend emulation --verify} against the CPU engine: skipped visibly where the emulation
     * library cannot load (unless {@code equirisk.requireEmulation}, as CI sets), else exit 0 and the reported
     * largest weight difference at most 1e-9, which it returns.
     *
     * @param before what the test already checked on the CPU engine, for the skip's message ("" if nothing)
     */
    static double assertEmulationAgrees(Cli.Result r, String before) {
        if (r.code() != 0 && r.err().contains("backend 'emulation' is not available")
                && !Boolean.getBoolean("equirisk.requireEmulation")) {
            org.junit.jupiter.api.Assumptions.abort(before + "emulation library unavailable here: " + r.err());
        }
        assertEquals(0, r.code(), r.toString());
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("max \\|w − w_cpu\\| = (\\S+)").matcher(r.out());
        assertTrue(m.find(), r.out());
        double diff = Double.parseDouble(m.group(1));
        assertTrue(diff <= 1e-9, "emulated kernels vs CPU engine: " + diff + "\n" + r.out());
        return diff;
    }

    /** A weights CSV as written by --output: header, then asset,weight,risk_contribution rows. */
    record Weights(List<String> assets, double[] weights, double[] rc) {
    }

    static Weights readWeights(Path file) {
        try {
            List<String> lines = Files.readAllLines(file);
            assertEquals("asset,weight,risk_contribution", lines.get(0));
            int n = lines.size() - 1;
            List<String> assets = new ArrayList<>();
            double[] w = new double[n];
            double[] rc = new double[n];
            for (int i = 0; i < n; i++) {
                String[] c = lines.get(i + 1).split(",");
                assertEquals(3, c.length, lines.get(i + 1));
                assets.add(c[0]);
                w[i] = Double.parseDouble(c[1]);
                rc[i] = Double.parseDouble(c[2]);
            }
            return new Weights(assets, w, rc);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Weights ≥ 0 summing to 1, and risk contributions recomputed here from Σ (double loop) equal to the budgets
     * within {@code tol}; the reported RC must match the recomputed one.
     */
    static void assertRiskBudgeting(CovarianceMatrix cov, double[] w, double[] reportedRc, double[] budgets,
                                    double tol) {
        int n = cov.size();
        assertEquals(n, w.length);
        double sum = 0;
        for (double v : w) {
            assertTrue(v >= 0 && Double.isFinite(v), "weight " + v);
            sum += v;
        }
        assertEquals(1.0, sum, 1e-12);
        double[] sw = new double[n];
        double var = 0;
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                sw[i] += cov.get(i, j) * w[j];
            }
            var += w[i] * sw[i];
        }
        for (int i = 0; i < n; i++) {
            double rc = w[i] * sw[i] / var;
            assertEquals(budgets[i], rc, tol, "risk contribution of " + cov.assets().get(i));
            assertEquals(rc, reportedRc[i], 1e-12, "reported RC of " + cov.assets().get(i));
        }
    }

    static double[] equal(int n) {
        double[] b = new double[n];
        java.util.Arrays.fill(b, 1.0 / n);
        return b;
    }

    static CovarianceMatrix cov(Path file) {
        return CovarianceCsv.read(file);
    }
}

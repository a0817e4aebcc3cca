package io.equirisk.scenario;

import io.equirisk.covariance.CovarianceMatrix;
import io.equirisk.error.DimensionMismatchException;
import io.equirisk.error.InvalidInputException;
import io.equirisk.error.NonFiniteValueException;
import io.equirisk.linalg.Cholesky;

import java.util.List;

/**
 * What scenario returns are drawn from: per-period means μ, a covariance Σ = LLᵀ (held as its Cholesky factor L)
 * and a {@link ScenarioDistribution}. Row t of a scenario is r = μ + s·Lz with z standard normal and s = 1
 * (Gaussian) or √((ν − 2)/g), g ~ χ²_ν (Student-t), so every scenario has mean μ and covariance Σ. Immutable.
 */
public final class ScenarioModel {
    private final CovarianceMatrix covariance;
    private final double[] mean;
    private final double[] cholesky;
    private final ScenarioDistribution distribution;

    private ScenarioModel(CovarianceMatrix covariance, double[] mean, double[] cholesky,
                          ScenarioDistribution distribution) {
        this.covariance = covariance;
        this.mean = mean;
        this.cholesky = cholesky;
        this.distribution = distribution;
    }

    /**
     * @param mean per-period mean of each asset (N values), or null for zero
     * @throws io.equirisk.error.NotPositiveDefiniteException naming the asset whose Cholesky pivot is not positive
     */
    public static ScenarioModel of(CovarianceMatrix covariance, double[] mean, ScenarioDistribution distribution) {
        if (covariance == null) {
            throw new InvalidInputException("scenario covariance is null");
        }
        if (distribution == null) {
            throw new InvalidInputException("scenario distribution is null");
        }
        int n = covariance.size();
        List<String> names = covariance.assets();
        double[] mu = new double[n];
        if (mean != null) {
            if (mean.length != n) {
                throw new DimensionMismatchException("scenario means have " + mean.length + " values, the covariance "
                        + "has " + n + " assets");
            }
            for (int i = 0; i < n; i++) {
                if (!Double.isFinite(mean[i])) {
                    throw new NonFiniteValueException("scenario mean of asset " + names.get(i) + " (column "
                            + (i + 1) + ") is " + mean[i]);
                }
            }
            System.arraycopy(mean, 0, mu, 0, n);
        }
        double[] l = covariance.values().clone();
        try {
            Cholesky.factor(l, n, names);
        } catch (io.equirisk.error.NotPositiveDefiniteException e) {
            throw new io.equirisk.error.NotPositiveDefiniteException("scenario covariance " + e.getMessage());
        }
        return new ScenarioModel(covariance, mu, l, distribution);
    }

    /** Gaussian returns with zero mean and covariance Σ. */
    public static ScenarioModel gaussian(CovarianceMatrix covariance) {
        return of(covariance, null, ScenarioDistribution.gaussian());
    }

    public int size() {
        return covariance.size();
    }

    public List<String> assets() {
        return covariance.assets();
    }

    public CovarianceMatrix covariance() {
        return covariance;
    }

    public ScenarioDistribution distribution() {
        return distribution;
    }

    /** A copy of μ (N values; zeros when none was given). */
    public double[] mean() {
        return mean.clone();
    }

    /** A copy of L, row-major N × N, zero above the diagonal. */
    public double[] cholesky() {
        return cholesky.clone();
    }

    /** Scratch that {@link #row} needs: max(N, ν) values. */
    int scratchLength() {
        return Math.max(size(), distribution.degreesOfFreedom());
    }

    /**
     * Row t of scenario s into {@code out[off … off + N)}: the reference definition the GPU is checked against. The
     * sums run in ascending column order, so the result does not depend on the machine.
     */
    void row(long seed, long scenario, int t, double[] z, double[] out, int off) {
        int n = size();
        double scale = 1.0;
        int dof = distribution.degreesOfFreedom();
        if (dof > 0) {
            ScenarioNormals.fill(seed, scenario, t, ScenarioNormals.MIXING_DOMAIN, 0, z, 0, dof);
            double g = 0;
            for (int m = 0; m < dof; m++) {
                g += z[m] * z[m];
            }
            scale = Math.sqrt((dof - 2) / g);
        }
        ScenarioNormals.fill(seed, scenario, t, ScenarioNormals.ASSET_DOMAIN, 0, z, 0, n);
        for (int i = 0; i < n; i++) {
            int li = i * n;
            double s = 0;
            for (int j = 0; j <= i; j++) {
                s += cholesky[li + j] * z[j];
            }
            out[off + i] = mean[i] + scale * s;
        }
    }

    @Override
    public String toString() {
        return "ScenarioModel[" + size() + " assets, " + distribution + "]";
    }
}

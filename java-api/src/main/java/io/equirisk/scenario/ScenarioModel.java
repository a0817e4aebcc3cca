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
public final class ScenarioModel implements ScenarioSource {
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
     * A model of Σ, μ and a law; Σ is factored once here.
     *
     * @param covariance   Σ of per-period returns (its upper triangle, as the solvers read it)
     * @param mean         per-period mean of each asset (N values, copied), or null for zero
     * @param distribution Gaussian or Student-t
     * @return the model
     * @throws io.equirisk.error.NotPositiveDefiniteException naming the asset whose Cholesky pivot is not positive
     * @throws DimensionMismatchException                    when the means are not N
     * @throws NonFiniteValueException                       naming a NaN or infinite mean
     * @throws InvalidInputException                         when the covariance or the distribution is null
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
                    throw new NonFiniteValueException("scenario mean of asset " + names.get(i) + " (#"
                            + (i + 1) + ") is " + mean[i]);
                }
            }
            System.arraycopy(mean, 0, mu, 0, n);
        }
        double[] l = covariance.symmetricValues().clone();
        try {
            Cholesky.factorReproducibly(l, n, names); /* L's bits are the draws': the same on every machine */
        } catch (io.equirisk.error.NotPositiveDefiniteException e) {
            throw new io.equirisk.error.NotPositiveDefiniteException("scenario covariance " + e.getMessage());
        }
        return new ScenarioModel(covariance, mu, l, distribution);
    }

    /**
     * Gaussian returns with zero mean and covariance Σ.
     *
     * @param covariance Σ of per-period returns
     * @return the model
     * @throws InvalidInputException as {@link #of} throws
     */
    public static ScenarioModel gaussian(CovarianceMatrix covariance) {
        return of(covariance, null, ScenarioDistribution.gaussian());
    }

    @Override
    public int size() {
        return covariance.size();
    }

    @Override
    public List<String> assets() {
        return covariance.assets();
    }

    @Override
    public String describe() {
        return distribution + " returns of a covariance model";
    }

    /**
     * The model's Σ, as given.
     *
     * @return Σ of per-period returns
     */
    public CovarianceMatrix covariance() {
        return covariance;
    }

    /**
     * The law of each row.
     *
     * @return Gaussian or Student-t
     */
    public ScenarioDistribution distribution() {
        return distribution;
    }

    /**
     * A copy of μ (N values; zeros when none was given).
     *
     * @return a new array of N per-period means
     */
    public double[] mean() {
        return mean.clone();
    }

    /**
     * A copy of L, row-major N × N, zero above the diagonal.
     *
     * @return a new array of N² values, Σ = LLᵀ
     */
    public double[] cholesky() {
        return cholesky.clone();
    }

    /** Rows drawn together by {@link #rows}: each entry of L is loaded once for all of them (4, or a vector's lanes). */
    static final int ROW_BLOCK = ScenarioKernels.products().rowBlock();

    /**
     * Scratch that {@link #rows} needs: the normals of {@link #ROW_BLOCK} rows, as many values for the product kernel's
     * own use, then ν mixing normals.
     */
    int scratchLength() {
        return 2 * ROW_BLOCK * size() + distribution.degreesOfFreedom();
    }

    /**
     * Rows t0 … t0 + count − 1 (count ≤ {@link #ROW_BLOCK}) of scenario s into {@code out[off …]}, N values per
     * row: the reference definition the GPU is checked against. Each row's sums (Σ L_ij z_j, and the χ²'s Σ z_m²)
     * run in ascending order with one fused multiply-add a term, and μ_i + s·(Lz)_i is one more, whatever the
     * blocking: the GPU and the emulation take the same steps, so a scenario is the same bits on every engine.
     */
    void rows(long seed, long scenario, int t0, int count, double[] z, double[] out, int off) {
        int n = size();
        int dof = distribution.degreesOfFreedom();
        int mixing = 2 * ROW_BLOCK * n;
        double[] scale = new double[ROW_BLOCK];
        java.util.Arrays.fill(scale, 1.0);
        for (int r = 0; r < count; r++) {
            if (dof > 0) {
                ScenarioNormals.fill(seed, scenario, t0 + r, ScenarioNormals.MIXING_DOMAIN, 0, z, mixing, dof);
                double g = 0;
                for (int m = 0; m < dof; m++) {
                    g = Math.fma(z[mixing + m], z[mixing + m], g);
                }
                scale[r] = Math.sqrt((dof - 2) / g);
            }
            ScenarioNormals.fill(seed, scenario, t0 + r, ScenarioNormals.ASSET_DOMAIN, 0, z, r * n, n);
        }
        if (count == ROW_BLOCK) {
            ScenarioKernels.products().rows(cholesky, mean, n, z, ROW_BLOCK * n, scale, out, off);
            return;
        }
        for (int r = 0; r < count; r++) {
            int zr = r * n;
            int o = off + r * n;
            for (int i = 0; i < n; i++) {
                int li = i * n;
                double a = 0;
                for (int j = 0; j <= i; j++) {
                    a = Math.fma(cholesky[li + j], z[zr + j], a);
                }
                out[o + i] = Math.fma(scale[r], a, mean[i]);
            }
        }
    }

    @Override
    public String toString() {
        return "ScenarioModel[" + size() + " assets, " + distribution + "]";
    }
}

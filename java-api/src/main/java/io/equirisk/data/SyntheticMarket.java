package io.equirisk.data;

import io.equirisk.covariance.CovarianceMatrix;
import io.equirisk.error.InvalidInputException;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * A seeded, deterministic synthetic multi-asset universe for demos, benchmarks and tests: crypto-like assets, equities
 * in sectors, bonds and commodities, driven by a factor model with fat-tailed (Student-t, ν = 4) shocks.
 *
 * <p>Asset i's per-period return is {@code s_i·(a_i·M + c_i·S_k(i) + e_i·ε_i)} where M is the market factor, S_k the
 * factor of the asset's sector, ε_i its own shock, all independent with unit variance, and
 * {@code a_i² + c_i² + e_i² = 1}, so {@code s_i} is exactly the asset's per-period volatility and the model
 * covariance is {@code Σ_ij = s_i s_j (a_i a_j + c_i c_j [same sector] + e_i² [i = j])}. Bonds load slightly
 * negatively on the market; crypto assets load mostly on their own sector, so they move together.
 *
 * <p>The same seed gives the same universe and the same simulated returns on every run.
 */
public final class SyntheticMarket {
    /** Periods per year of the simulated returns (trading days). */
    public static final int PERIODS_PER_YEAR = 252;
    /** Degrees of freedom of the Student-t shocks (kurtosis is infinite at ν = 4: heavy tails, finite variance). */
    public static final int TAIL_DEGREES_OF_FREEDOM = 4;

    /** The asset classes: the ranges their parameters are drawn from (uniformly, per asset), and their sectors. */
    public enum AssetClass {
        /** Crypto-like: volatility 60–120% a year, market loading 0.15–0.30, sector loading 0.65–0.85; CRY. */
        CRYPTO(0.60, 1.20, 0.15, 0.30, 0.65, 0.85, "CRY"),
        /** Equities: volatility 15–35%, market loading 0.55–0.75, sector 0.25–0.45; TECH, FIN, HEALTH, ENERGY. */
        EQUITY(0.15, 0.35, 0.55, 0.75, 0.25, 0.45, "TECH", "FIN", "HEALTH", "ENERGY"),
        /** Bonds: volatility 3–8%, market loading −0.25 to 0, sector 0.60–0.85; GOVT, CORP. */
        BOND(0.03, 0.08, -0.25, 0.00, 0.60, 0.85, "GOVT", "CORP"),
        /** Commodities: volatility 20–35%, market loading 0.15–0.35, sector 0.45–0.65; METAL, AGRI. */
        COMMODITY(0.20, 0.35, 0.15, 0.35, 0.45, 0.65, "METAL", "AGRI");

        private final double volLow;
        private final double volHigh;
        private final double marketLow;
        private final double marketHigh;
        private final double sectorLow;
        private final double sectorHigh;
        private final String[] sectors;

        AssetClass(double volLow, double volHigh, double marketLow, double marketHigh, double sectorLow,
                   double sectorHigh, String... sectors) {
            this.volLow = volLow;
            this.volHigh = volHigh;
            this.marketLow = marketLow;
            this.marketHigh = marketHigh;
            this.sectorLow = sectorLow;
            this.sectorHigh = sectorHigh;
            this.sectors = sectors;
        }

        /**
         * Lowest annualised volatility an asset of this class gets.
         *
         * @return the volatility as a fraction (0.15 is 15% a year)
         */
        public double minAnnualVolatility() {
            return volLow;
        }

        /**
         * Highest annualised volatility an asset of this class gets.
         *
         * @return the volatility as a fraction (0.35 is 35% a year)
         */
        public double maxAnnualVolatility() {
            return volHigh;
        }

        /**
         * The sector names (name prefixes) of this class.
         *
         * @return the names, immutable
         */
        public List<String> sectors() {
            return List.of(sectors);
        }
    }

    private final long seed;
    private final List<String> assets;
    private final AssetClass[] classes;
    private final int[] sector;
    private final List<String> sectorNames;
    private final double[] annualVol;
    private final double[] market;
    private final double[] sectorLoading;
    private final double[] idio;

    private SyntheticMarket(long seed, int crypto, int equity, int bond, int commodity) {
        this.seed = seed;
        int n = crypto + equity + bond + commodity;
        this.classes = new AssetClass[n];
        this.sector = new int[n];
        this.annualVol = new double[n];
        this.market = new double[n];
        this.sectorLoading = new double[n];
        this.idio = new double[n];
        List<String> names = new ArrayList<>(n);
        List<String> sectorList = new ArrayList<>();
        SplittableRandom rng = new SplittableRandom(seed * 0x9E3779B97F4A7C15L + 0x5EED);
        int[] counts = {crypto, equity, bond, commodity};
        int digits = Math.max(2, Integer.toString(n).length());
        int i = 0;
        for (AssetClass c : AssetClass.values()) {
            int count = counts[c.ordinal()];
            int sectorsUsed = Math.min(count, c.sectors.length);
            int firstSector = sectorList.size();
            for (int s = 0; s < sectorsUsed; s++) {
                sectorList.add(c.sectors[s]);
            }
            int[] numberInSector = new int[sectorsUsed];
            for (int k = 0; k < count; k++, i++) {
                int s = k % Math.max(1, sectorsUsed);
                numberInSector[s]++;
                classes[i] = c;
                sector[i] = firstSector + s;
                names.add(c.sectors[s] + String.format("%0" + digits + "d", numberInSector[s]));
                annualVol[i] = uniform(rng, c.volLow, c.volHigh);
                market[i] = uniform(rng, c.marketLow, c.marketHigh);
                sectorLoading[i] = uniform(rng, c.sectorLow, c.sectorHigh);
                idio[i] = Math.sqrt(1.0 - market[i] * market[i] - sectorLoading[i] * sectorLoading[i]);
            }
        }
        this.assets = List.copyOf(names);
        this.sectorNames = List.copyOf(sectorList);
    }

    /**
     * The demo universe: 50 assets (6 crypto, 24 equities in 4 sectors, 12 bonds, 8 commodities).
     *
     * @param seed chooses the assets' parameters and the simulated returns
     * @return the universe
     */
    public static SyntheticMarket demo(long seed) {
        return new SyntheticMarket(seed, 6, 24, 12, 8);
    }

    /**
     * A universe of {@code n} assets in roughly the demo's proportions (12% crypto, 48% equities, 24% bonds, 16%
     * commodities), for benchmarks at any size.
     *
     * @param n    the number of assets, at least 1
     * @param seed chooses the assets' parameters and the simulated returns
     * @return the universe
     * @throws InvalidInputException when n is below 1
     */
    public static SyntheticMarket mixed(int n, long seed) {
        if (n < 1) {
            throw new InvalidInputException("a synthetic market needs at least one asset, got " + n);
        }
        int crypto = (int) Math.round(0.12 * n);
        int bond = (int) Math.round(0.24 * n);
        int commodity = (int) Math.round(0.16 * n);
        int equity = n - crypto - bond - commodity;
        return new SyntheticMarket(seed, crypto, equity, bond, commodity);
    }

    /**
     * A universe with exactly these class counts (each ≥ 0, at least one asset in all).
     *
     * @param crypto    crypto-like assets
     * @param equity    equities
     * @param bond      bonds
     * @param commodity commodities
     * @param seed      chooses the assets' parameters and the simulated returns
     * @return the universe, its assets in the order crypto, equities, bonds, commodities
     * @throws InvalidInputException when a count is negative or all are 0
     */
    public static SyntheticMarket of(int crypto, int equity, int bond, int commodity, long seed) {
        if (crypto < 0 || equity < 0 || bond < 0 || commodity < 0 || crypto + equity + bond + commodity < 1) {
            throw new InvalidInputException("asset class counts must be ≥ 0 with at least one asset, got " + crypto
                    + ", " + equity + ", " + bond + ", " + commodity);
        }
        return new SyntheticMarket(seed, crypto, equity, bond, commodity);
    }

    private static double uniform(SplittableRandom rng, double lo, double hi) {
        return lo + (hi - lo) * rng.nextDouble();
    }

    /**
     * The seed this universe was made from.
     *
     * @return the seed
     */
    public long seed() {
        return seed;
    }

    /**
     * The number of assets.
     *
     * @return N
     */
    public int size() {
        return assets.size();
    }

    /**
     * The asset names: sector and number, e.g. "TECH03".
     *
     * @return N names, immutable
     */
    public List<String> assets() {
        return assets;
    }

    /**
     * The class of asset i.
     *
     * @param i the asset, from 0
     * @return its class
     */
    public AssetClass assetClass(int i) {
        return classes[i];
    }

    /**
     * The sector name of asset i (e.g. "TECH").
     *
     * @param i the asset, from 0
     * @return its sector's name
     */
    public String sector(int i) {
        return sectorNames.get(sector[i]);
    }

    /**
     * Annualised volatilities of the model (a copy).
     *
     * @return N volatilities as fractions; the per-period ones are these / √{@link #PERIODS_PER_YEAR}
     */
    public double[] annualVolatilities() {
        return annualVol.clone();
    }

    /**
     * The model's per-period (daily) covariance, exactly (not estimated). Positive definite.
     *
     * @return a new matrix under the asset names, exactly symmetric
     */
    public CovarianceMatrix modelCovariance() {
        int n = size();
        double[] s = periodVolatilities();
        double[] v = new double[n * n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                double rho = market[i] * market[j];
                if (sector[i] == sector[j]) {
                    rho += sectorLoading[i] * sectorLoading[j];
                }
                if (i == j) {
                    rho += idio[i] * idio[i];
                }
                v[i * n + j] = s[i] * s[j] * rho;
            }
        }
        // The expression is symmetric term by term, but write the lower triangle from the upper so it is exactly so.
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < i; j++) {
                v[i * n + j] = v[j * n + i];
            }
        }
        return CovarianceMatrix.of(n, v, assets);
    }

    private double[] periodVolatilities() {
        double[] s = new double[size()];
        double root = Math.sqrt(PERIODS_PER_YEAR);
        for (int i = 0; i < s.length; i++) {
            s[i] = annualVol[i] / root;
        }
        return s;
    }

    /**
     * Simulates {@code periods} daily returns (rows labelled day 1..T), Student-t shocks scaled to unit variance.
     * Deterministic: the same market and length give the same table.
     *
     * @param periods the number of rows, at least 1
     * @return periods × N per-period returns, no value missing
     * @throws InvalidInputException when periods is below 1
     * @throws ArithmeticException   when periods × N overflows an int
     */
    public Returns simulate(int periods) {
        if (periods < 1) {
            throw new InvalidInputException("need at least one period to simulate, got " + periods);
        }
        int n = size();
        int k = sectorNames.size();
        double[] s = periodVolatilities();
        double[] r = new double[Math.multiplyExact(periods, n)];
        double[] factors = new double[k];
        SplittableRandom rng = new SplittableRandom(seed ^ 0x51A7E5C0FFEEL);
        for (int t = 0; t < periods; t++) {
            double m = studentT(rng);
            for (int f = 0; f < k; f++) {
                factors[f] = studentT(rng);
            }
            int row = t * n;
            for (int i = 0; i < n; i++) {
                r[row + i] = s[i] * (market[i] * m + sectorLoading[i] * factors[sector[i]] + idio[i] * studentT(rng));
            }
        }
        List<String> days = new ArrayList<>(periods);
        for (int t = 0; t < periods; t++) {
            days.add("day " + (t + 1));
        }
        return Returns.of(periods, n, r, assets, days);
    }

    /**
     * A Student-t draw with ν = 4, scaled to unit variance: z / sqrt(χ²₄/4) · sqrt((ν−2)/ν), with χ²₄ = −2 ln(U₁U₂).
     */
    private static double studentT(SplittableRandom rng) {
        double z = rng.nextGaussian();
        double u = (1.0 - rng.nextDouble()) * (1.0 - rng.nextDouble());
        double chi2 = -2.0 * Math.log(u);
        return z / Math.sqrt(chi2 / TAIL_DEGREES_OF_FREEDOM) * Math.sqrt((TAIL_DEGREES_OF_FREEDOM - 2.0)
                / TAIL_DEGREES_OF_FREEDOM);
    }
}

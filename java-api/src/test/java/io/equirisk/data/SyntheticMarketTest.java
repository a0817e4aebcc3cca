package io.equirisk.data;

import io.equirisk.covariance.CovarianceMatrix;
import io.equirisk.data.SyntheticMarket.AssetClass;
import org.junit.jupiter.api.Test;

import java.util.EnumMap;
import java.util.HashSet;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SyntheticMarketTest {

    @Test
    void demoUniverseHasTheAdvertisedMixAndVolatilityRanges() {
        SyntheticMarket m = SyntheticMarket.demo(7);
        assertEquals(50, m.size());
        assertEquals(50, new HashSet<>(m.assets()).size(), "asset names are unique");
        Map<AssetClass, Integer> count = new EnumMap<>(AssetClass.class);
        double[] vol = m.annualVolatilities();
        for (int i = 0; i < m.size(); i++) {
            AssetClass c = m.assetClass(i);
            count.merge(c, 1, Integer::sum);
            assertTrue(vol[i] >= c.minAnnualVolatility() && vol[i] <= c.maxAnnualVolatility(),
                    m.assets().get(i) + " vol " + vol[i] + " outside " + c);
            assertTrue(m.assets().get(i).startsWith(m.sector(i)));
        }
        assertEquals(6, count.get(AssetClass.CRYPTO));
        assertEquals(24, count.get(AssetClass.EQUITY));
        assertEquals(12, count.get(AssetClass.BOND));
        assertEquals(8, count.get(AssetClass.COMMODITY));
    }

    @Test
    void sameSeedGivesTheSameMarketAndReturnsAndAnotherSeedDoesNot() {
        SyntheticMarket a = SyntheticMarket.demo(42);
        SyntheticMarket b = SyntheticMarket.demo(42);
        assertArrayEquals(a.annualVolatilities(), b.annualVolatilities());
        assertArrayEquals(a.modelCovariance().values(), b.modelCovariance().values());
        assertArrayEquals(a.simulate(300).values(), b.simulate(300).values());
        SyntheticMarket c = SyntheticMarket.demo(43);
        assertFalse(java.util.Arrays.equals(a.simulate(300).values(), c.simulate(300).values()));
    }

    @Test
    void modelCovarianceHasTheClassVolatilitiesAndIsPositiveDefinite() {
        SyntheticMarket m = SyntheticMarket.mixed(200, 3);
        CovarianceMatrix s = m.modelCovariance();
        int n = s.size();
        double[] vol = m.annualVolatilities();
        for (int i = 0; i < n; i++) {
            double expected = vol[i] * vol[i] / SyntheticMarket.PERIODS_PER_YEAR;
            assertEquals(expected, s.get(i, i), 1e-14 * expected);
            for (int j = 0; j < n; j++) {
                assertEquals(s.get(i, j), s.get(j, i));
                double rho = s.get(i, j) / Math.sqrt(s.get(i, i) * s.get(j, j));
                assertTrue(rho >= -1 && rho <= 1 + 1e-12);
            }
        }
        // Independent Cholesky: every pivot must be positive (idiosyncratic variance ≥ 1 − 0.85² − 0.3² > 0).
        double[] l = s.values().clone();
        for (int j = 0; j < n; j++) {
            double d = l[j * n + j];
            for (int k = 0; k < j; k++) {
                d -= l[j * n + k] * l[j * n + k];
            }
            assertTrue(d > 0, "pivot " + j + " = " + d);
            double root = Math.sqrt(d);
            l[j * n + j] = root;
            for (int i = j + 1; i < n; i++) {
                double v = l[i * n + j];
                for (int k = 0; k < j; k++) {
                    v -= l[i * n + k] * l[j * n + k];
                }
                l[i * n + j] = v / root;
            }
        }
    }

    @Test
    void mixedSizesAddUp() {
        for (int n : new int[] {1, 2, 3, 7, 100, 1001}) {
            SyntheticMarket m = SyntheticMarket.mixed(n, 1);
            assertEquals(n, m.size());
            assertEquals(n, new HashSet<>(m.assets()).size());
        }
    }

    @Test
    void simulatedReturnsMatchTheModelCovarianceAndHaveFatTails() {
        SyntheticMarket m = SyntheticMarket.of(2, 4, 2, 2, 11);
        int t = 60_000;
        Returns r = m.simulate(t);
        CovarianceMatrix model = m.modelCovariance();
        int n = m.size();
        double[] mean = new double[n];
        for (int k = 0; k < t; k++) {
            for (int i = 0; i < n; i++) {
                mean[i] += r.get(k, i) / t;
            }
        }
        double pooledKurtosis = 0;
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                double c = 0;
                for (int k = 0; k < t; k++) {
                    c += (r.get(k, i) - mean[i]) * (r.get(k, j) - mean[j]);
                }
                c /= t - 1;
                double si = Math.sqrt(model.get(i, i));
                double sj = Math.sqrt(model.get(j, j));
                if (i == j) {
                    // Student-t(4) has infinite fourth moment: sample variances converge slowly, hence 10%.
                    assertEquals(model.get(i, i), c, 0.10 * model.get(i, i), "variance of " + m.assets().get(i));
                } else {
                    assertEquals(model.get(i, j) / (si * sj), c / (si * sj), 0.05,
                            "correlation of " + m.assets().get(i) + ", " + m.assets().get(j));
                }
            }
            double m2 = 0;
            double m4 = 0;
            for (int k = 0; k < t; k++) {
                double d = r.get(k, i) - mean[i];
                m2 += d * d / t;
                m4 += d * d * d * d / t;
            }
            pooledKurtosis += m4 / (m2 * m2) / n;
        }
        assertTrue(pooledKurtosis > 4.0, "a Gaussian market would have kurtosis 3, got " + pooledKurtosis);
    }
}

package io.equirisk.covariance;

import io.equirisk.data.MissingValuePolicy;
import io.equirisk.data.Returns;
import io.equirisk.error.InsufficientDataException;
import io.equirisk.error.InvalidInputException;
import io.equirisk.error.NonFiniteValueException;
import io.equirisk.error.ZeroVarianceException;
import io.equirisk.linalg.SymmetricEigen;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CovarianceEstimatorsTest {
    private static final double NAN = Double.NaN;

    @Test
    void parsesEverySpecAndNamesRoundTrip() {
        for (String spec : new String[] {"sample", "ewma:0.94", "ewma:0.97", "ewma-halflife:30", "ledoit-wolf",
            "ledoit-wolf-cc", "oas"}) {
            CovarianceEstimator e = CovarianceEstimators.parse(spec);
            assertEquals(spec, e.name());
            assertEquals(spec, CovarianceEstimators.parse(e.name()).name());
        }
        assertEquals("ewma:0.94", CovarianceEstimators.parse(" EWMA ").name());
        EwmaCovarianceEstimator h = (EwmaCovarianceEstimator) CovarianceEstimators.parse("ewma-halflife:10");
        assertEquals(Math.pow(0.5, 0.1), h.lambda(), 1e-16);
        assertEquals(0.5, Math.pow(h.lambda(), 10), 1e-15, "weight halves after one half-life");
    }

    @Test
    void badSpecsListTheValidOnes() {
        for (String spec : new String[] {"", "samples", "ewma:1", "ewma:0", "ewma:x", "ewma-halflife:-2",
            "ewma-halflife:0", "ledoit"}) {
            InvalidInputException e = assertThrows(InvalidInputException.class,
                    () -> CovarianceEstimators.parse(spec), spec);
            assertTrue(e.getMessage().contains("ledoit-wolf-cc") && e.getMessage().contains("ewma-halflife"),
                    e.getMessage());
        }
        assertThrows(InvalidInputException.class, () -> CovarianceEstimators.parse(null));
        // positive, but λ = 0.5^(1/h) rounds to 0 or to 1: named by the half-life, not by a λ the user never gave
        for (String spec : new String[] {"ewma-halflife:1e-9", "ewma-halflife:1e17"}) {
            InvalidInputException e = assertThrows(InvalidInputException.class,
                    () -> CovarianceEstimators.parse(spec), spec);
            assertTrue(e.getMessage().startsWith("EWMA half-life "), e.getMessage());
        }
    }

    @Test
    void sampleAndEwmaMatchTheirDefinitions() {
        int t = 90;
        int n = 12;
        double[] x = Reference.returns(t, n, 1);
        Returns r = Returns.of(t, n, x, null, null);
        double[] sample = CovarianceEstimators.parse("sample").estimate(r).values();
        assertTrue(Reference.relativeError(sample, Reference.covariance(x, n, 0, t, t - 1)) < 1e-12);
        double[] ewma = CovarianceEstimators.parse("ewma").estimate(r).values();
        assertTrue(Reference.relativeError(ewma, Reference.ewma(x, n, 0, t, 0.94)) < 1e-12);
        double lambda = Math.pow(0.5, 1.0 / 20);
        double[] half = CovarianceEstimators.parse("ewma-halflife:20").estimate(r).values();
        assertTrue(Reference.relativeError(half, Reference.ewma(x, n, 0, t, lambda)) < 1e-12);
    }

    /** 40 rows of 5 assets with NaN in rows 3, 17 and 30. */
    private static Returns withGaps() {
        int t = 40;
        int n = 5;
        double[] x = Reference.returns(t, n, 4);
        x[3 * n + 1] = NAN;
        x[17 * n] = NAN;
        x[17 * n + 4] = NAN;
        x[30 * n + 2] = NAN;
        return Returns.of(t, n, x, List.of("A", "B", "C", "D", "E"), null);
    }

    /**
     * Every estimator is homogeneous of degree two: returns times c give the estimate times c². The shrinkage
     * estimators' fourth moments left double's range beyond ~1e±76 (1e-80: a 22% wrong intensity, silently; 1e80:
     * NaN). Powers of ten, so the scaled returns are not an exact multiple: held to 1e-13 relative.
     */
    @Test
    void everyEstimatorScalesWithTheSquareOfTheReturnsAtAnyMagnitude() {
        int t = 60;
        int n = 6;
        double[] x = Reference.returns(t, n, 8);
        for (String spec : new String[] {"sample", "ewma:0.94", "ledoit-wolf", "ledoit-wolf-cc", "oas"}) {
            CovarianceEstimator est = CovarianceEstimators.parse(spec);
            double[] base = est.estimate(Returns.of(t, n, x.clone(), null, null)).values();
            for (double c : new double[] {1e-140, 1e-80, 1e-30, 1e30, 1e80, 1e140}) {
                double[] y = new double[x.length];
                for (int q = 0; q < x.length; q++) {
                    y[q] = x[q] * c;
                }
                double[] scaled = est.estimate(Returns.of(t, n, y, null, null)).values();
                double[] back = new double[scaled.length];
                for (int q = 0; q < scaled.length; q++) {
                    back[q] = scaled[q] / c / c;
                }
                double err = Reference.relativeError(back, base);
                assertTrue(err <= 1e-13, spec + " at scale " + c + ": relative error " + err);
            }
        }
    }

    @Test
    void dropIncompleteRowsUsesExactlyTheCompleteRows() {
        Returns r = withGaps();
        List<double[]> rows = new ArrayList<>();
        for (int s = 0; s < r.observations(); s++) {
            if (s != 3 && s != 17 && s != 30) {
                double[] row = new double[r.assetCount()];
                for (int j = 0; j < row.length; j++) {
                    row[j] = r.get(s, j);
                }
                rows.add(row);
            }
        }
        Returns complete = Returns.of(rows.toArray(new double[0][]));
        for (String spec : new String[] {"sample", "ewma", "ledoit-wolf", "ledoit-wolf-cc", "oas"}) {
            CovarianceEstimator e = CovarianceEstimators.parse(spec);
            assertArrayEquals(e.estimate(complete).values(), e.estimate(r).values(), spec);
            assertArrayEquals(e.estimate(complete).values(),
                    e.estimate(r, MissingValuePolicy.DROP_INCOMPLETE_ROWS).values(), spec);
        }
    }

    @Test
    void rejectNamesTheFirstMissingCell() {
        NonFiniteValueException e = assertThrows(NonFiniteValueException.class,
                () -> CovarianceEstimators.parse("sample").estimate(withGaps(), MissingValuePolicy.REJECT));
        assertTrue(e.getMessage().contains("asset B") && e.getMessage().contains("row 4"), e.getMessage());
    }

    @Test
    void pairwiseSampleUsesEachPairsCommonRowsAndMeans() {
        Returns r = withGaps();
        int n = r.assetCount();
        int t = r.observations();
        CovarianceMatrix raw = PairwiseCovariance.sample(r);
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                List<double[]> pairs = new ArrayList<>();
                for (int s = 0; s < t; s++) {
                    if (!Double.isNaN(r.get(s, i)) && !Double.isNaN(r.get(s, j))) {
                        pairs.add(new double[] {r.get(s, i), r.get(s, j)});
                    }
                }
                double mi = pairs.stream().mapToDouble(p -> p[0]).average().orElseThrow();
                double mj = pairs.stream().mapToDouble(p -> p[1]).average().orElseThrow();
                double c = pairs.stream().mapToDouble(p -> (p[0] - mi) * (p[1] - mj)).sum() / (pairs.size() - 1);
                assertEquals(c, raw.get(i, j), 1e-15 * Math.abs(raw.get(i, i) + raw.get(j, j)), i + "," + j);
            }
        }
        // mild gaps leave it well conditioned: the repair must then change nothing
        CovarianceMatrix est = CovarianceEstimators.parse("sample").estimate(r, MissingValuePolicy.PAIRWISE);
        assertArrayEquals(raw.values(), est.values());
    }

    /** A, B co-move in rows 0–29, B, C in rows 30–59, A and C move oppositely in rows 60–89: not PSD pairwise. */
    private static Returns contradictory() {
        Random rnd = new Random(12);
        double[][] rows = new double[90][3];
        for (int s = 0; s < 90; s++) {
            double f = rnd.nextGaussian();
            double e = 0.05 * rnd.nextGaussian();
            rows[s] = s < 30 ? new double[] {f, f + e, NAN}
                    : s < 60 ? new double[] {NAN, f, f + e}
                    : new double[] {f, NAN, -f + e};
        }
        return Returns.of(rows, List.of("A", "B", "C"), null);
    }

    @Test
    void pairwiseRepairsAnIndefiniteEstimateKeepingTheVariances() {
        Returns r = contradictory();
        for (String spec : new String[] {"sample", "ewma:0.97"}) {
            CovarianceMatrix raw = spec.equals("sample") ? PairwiseCovariance.sample(r)
                    : PairwiseCovariance.ewma(r, 0.97);
            assertTrue(SymmetricEigen.of(raw.correlation(), 3).values()[0] < -0.1, "the raw estimate is indefinite");
            CovarianceMatrix fixed = CovarianceEstimators.parse(spec).estimate(r, MissingValuePolicy.PAIRWISE);
            fixed.requirePositiveDefinite();
            for (int i = 0; i < 3; i++) {
                assertEquals(raw.get(i, i), fixed.get(i, i), 1e-15 * raw.get(i, i), spec + " variance " + i);
            }
            double[] ev = SymmetricEigen.of(fixed.correlation(), 3).values();
            assertTrue(ev[0] > 0.5 * NearestPositiveDefinite.DEFAULT_RELATIVE_FLOOR * ev[2], spec + ": " + ev[0]);
        }
    }

    @Test
    void pairwiseEwmaRenormalisesThePairsWeights() {
        Returns r = contradictory();
        CovarianceMatrix raw = PairwiseCovariance.ewma(r, 0.9);
        // A and B share rows 0–29 only: weights 0.9^(89−s) over those rows, renormalised
        double num = 0;
        double den = 0;
        for (int s = 0; s < 30; s++) {
            double w = Math.pow(0.9, 89 - s);
            num += w * r.get(s, 0) * r.get(s, 1);
            den += w;
        }
        assertEquals(num / den, raw.get(0, 1), 1e-13 * Math.abs(num / den));
    }

    /** A pair seen only long ago: every λ^(T−1−t) of its rows underflows, and the entry must still be the average. */
    @Test
    void pairwiseEwmaOfAPairSeenOnlyLongAgoIsFinite() {
        int t = 1200;
        double[] v = new double[t * 2];
        for (int s = 0; s < t; s++) {
            v[2 * s] = s < 100 ? 0.01 * Math.sin(s + 1.0) : Double.NaN;
            v[2 * s + 1] = 0.02 * Math.cos(0.7 * s);
        }
        Returns r = Returns.of(t, 2, v, null, null);
        CovarianceMatrix raw = PairwiseCovariance.ewma(r, 0.5);
        for (int[] ij : new int[][] {{0, 0}, {0, 1}}) {
            double num = 0;
            double den = 0;
            for (int s = 0; s < 100; s++) { // weights relative to the pair's newest row, 99
                double w = Math.pow(0.5, 99 - s);
                num += w * v[2 * s] * v[2 * s + ij[1]];
                den += w;
            }
            assertEquals(num / den, raw.get(ij[0], ij[1]), 1e-13 * Math.abs(num / den));
        }
    }

    @Test
    void shrinkageRefusesPairwiseOnRaggedDataButAcceptsItOnCompleteData() {
        Returns r = withGaps();
        Returns complete = Returns.of(20, 4, Reference.returns(20, 4, 2), null, null);
        for (String spec : new String[] {"ledoit-wolf", "ledoit-wolf-cc", "oas"}) {
            CovarianceEstimator e = CovarianceEstimators.parse(spec);
            InvalidInputException ex = assertThrows(InvalidInputException.class,
                    () -> e.estimate(r, MissingValuePolicy.PAIRWISE));
            assertTrue(ex.getMessage().contains(spec) && ex.getMessage().contains("DROP_INCOMPLETE_ROWS"));
            assertArrayEquals(e.estimate(complete).values(), e.estimate(complete, MissingValuePolicy.PAIRWISE)
                    .values());
        }
    }

    @Test
    void tooFewRowsSaysHowManyRemainAndWhy() {
        double[][] rows = {{0.01, NAN}, {0.02, 0.01}, {NAN, 0.03}, {0.01, NAN}};
        Returns r = Returns.of(rows, List.of("AAA", "LATE"), null);
        for (String spec : new String[] {"sample", "ewma", "ledoit-wolf", "oas", "ledoit-wolf-cc"}) {
            InsufficientDataException e = assertThrows(InsufficientDataException.class,
                    () -> CovarianceEstimators.parse(spec).estimate(r));
            assertTrue(e.getMessage().contains("1 of the 4 rows") && e.getMessage().contains("LATE"),
                    e.getMessage());
        }
        InsufficientDataException one = assertThrows(InsufficientDataException.class,
                () -> CovarianceEstimators.parse("oas").estimate(Returns.of(new double[][] {{0.1, 0.2}})));
        assertTrue(one.getMessage().contains("1 of the 1 rows"), one.getMessage());
    }

    @Test
    void sampleWithNoMoreRowsThanAssetsSuggestsShrinkage() {
        Returns r = Returns.of(5, 5, Reference.returns(5, 5, 3), null, null);
        InsufficientDataException e = assertThrows(InsufficientDataException.class,
                () -> CovarianceEstimators.parse("sample").estimate(r));
        assertTrue(e.getMessage().contains("singular") && e.getMessage().contains("ledoit-wolf")
                && e.getMessage().contains("oas"), e.getMessage());
        assertThrows(InsufficientDataException.class,
                () -> CovarianceEstimators.parse("ewma").estimate(Returns.of(4, 5, Reference.returns(4, 5, 3),
                        null, null)));
        CovarianceEstimators.parse("ledoit-wolf").estimate(r).requirePositiveDefinite();
    }

    /**
     * Returns beyond the range where their squares or products are doubles: the asset varies, so the message must
     * say to rescale, not to remove it.
     */
    @Test
    void returnsOutsideDoublesRangeAreToldToRescale() {
        for (String spec : new String[] {"sample", "ewma", "ledoit-wolf", "oas", "ledoit-wolf-cc"}) {
            for (double scale : new double[] {1e-170, 1e160}) {
                double[] x = Reference.returns(40, 3, 5);
                for (int q = 0; q < x.length; q++) {
                    x[q] *= scale;
                }
                Returns r = Returns.of(40, 3, x, List.of("A1", "A2", "A3"), null);
                InvalidInputException e = assertThrows(InvalidInputException.class,
                        () -> CovarianceEstimators.parse(spec).estimate(r), spec + " at " + scale);
                assertTrue(e.getMessage().contains("rescale") && e.getMessage().contains("A1"),
                        spec + " at " + scale + ": " + e.getMessage());
            }
        }
    }

    @Test
    void constantAssetIsNamed() {
        double[] x = Reference.returns(30, 3, 8);
        for (int s = 0; s < 30; s++) {
            x[s * 3 + 1] = 0.001;
        }
        Returns r = Returns.of(30, 3, x, List.of("X", "FLAT", "Z"), null);
        for (String spec : new String[] {"sample", "ledoit-wolf", "ledoit-wolf-cc", "oas"}) {
            ZeroVarianceException e = assertThrows(ZeroVarianceException.class,
                    () -> CovarianceEstimators.parse(spec).estimate(r));
            assertTrue(e.getMessage().contains("FLAT"), e.getMessage());
            if (!spec.equals("sample")) { /* the shrinkage estimators' check numbers the column from 1 */
                assertTrue(e.getMessage().contains("asset FLAT (#2)"), e.getMessage());
            }
        }
        for (int s = 0; s < 30; s++) {
            x[s * 3 + 1] = 0.0;
        }
        ZeroVarianceException e = assertThrows(ZeroVarianceException.class,
                () -> CovarianceEstimators.parse("ewma").estimate(Returns.of(30, 3, x, List.of("X", "FLAT", "Z"),
                        null)));
        assertTrue(e.getMessage().contains("FLAT"), e.getMessage());
    }

    @Test
    void wellConditionedInputIsReturnedUnchangedByTheRepair() {
        Returns r = Returns.of(50, 4, Reference.returns(50, 4, 6), null, null);
        CovarianceMatrix s = CovarianceEstimators.parse("sample").estimate(r);
        assertSame(s, NearestPositiveDefinite.repair(s));
    }
}

package io.equirisk.nativ;

import io.equirisk.backend.CovarianceKind;
import io.equirisk.backend.CpuBackend;
import io.equirisk.backend.ReturnWindows;
import io.equirisk.covariance.CovarianceBatch;
import io.equirisk.error.ZeroVarianceException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.IOException;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Batched covariance through the native backend against the CPU engine and an independent double loop. */
class NativeCovarianceTest {
    private static final double REL = 1e-10;
    private static CudaBackend backend;
    private static CpuBackend cpu;

    @BeforeAll
    static void open() {
        backend = NativeTestBackend.open();
        cpu = new CpuBackend(1);
    }

    @AfterAll
    static void close() {
        if (backend != null) {
            backend.close();
        }
        if (cpu != null) {
            cpu.close();
        }
    }

    @ParameterizedTest
    @EnumSource(CovarianceKind.class)
    void randomRollingWindowsMatchCpuAndDoubleLoop(CovarianceKind kind) {
        Random rnd = new Random(11);
        int rows = 90;
        int n = 7;
        double[] r = TestMatrices.returns(rnd, rows, n);
        ReturnWindows w = ReturnWindows.rolling(r, rows, n, 30, 12);
        checkAll(w, kind, 0.94);
    }

    /**
     * Daily windows (341 of 60 rows): the CPU engine slides each from the one before (runs of five), the native
     * path makes each afresh; both against the double loop.
     */
    @ParameterizedTest
    @EnumSource(CovarianceKind.class)
    void dailyWindowsThatTheCpuEngineSlides(CovarianceKind kind) {
        Random rnd = new Random(14);
        int rows = 400;
        int n = 7;
        double[] r = TestMatrices.returns(rnd, rows, n);
        checkAll(ReturnWindows.rolling(r, rows, n, 60, 1), kind, 0.94);
    }

    /**
     * The windows' asset names go with the batch, and into the errors: a variance that underflows in one window is
     * the same typed error, naming the same asset, on both engines (the native batch was named A1…AN).
     */
    @ParameterizedTest
    @EnumSource(CovarianceKind.class)
    void namedAssetsInTheBatchAndItsErrors(CovarianceKind kind) {
        Random rnd = new Random(15);
        int rows = 40;
        int n = 4;
        List<String> names = List.of("SPY", "TLT", "GLD", "MICRO");
        double[] r = TestMatrices.returns(rnd, rows, n);
        ReturnWindows good = new ReturnWindows(r, rows, n, new int[] {0, 20}, 20).withNames(names);
        assertEquals(names, backend.covariance(good, kind, 0.94).assets());
        double[] tiny = r.clone();
        for (int t = 20; t < rows; t++) {
            tiny[t * n + 3] *= 1e-170; // MICRO's variance underflows in the second window
        }
        ReturnWindows bad = new ReturnWindows(tiny, rows, n, new int[] {0, 20}, 20).withNames(names);
        ZeroVarianceException onGpu = assertThrows(ZeroVarianceException.class,
                () -> backend.covariance(bad, kind, 0.94));
        ZeroVarianceException onCpu = assertThrows(ZeroVarianceException.class, () -> cpu.covariance(bad, kind, 0.94));
        assertTrue(onGpu.getMessage().contains("asset MICRO (#4)"), onGpu.getMessage());
        assertEquals(onCpu.getMessage(), onGpu.getMessage());
    }

    @ParameterizedTest
    @EnumSource(CovarianceKind.class)
    void unorderedOverlappingWindowsAndOddSizes(CovarianceKind kind) {
        Random rnd = new Random(12);
        int rows = 53;
        int n = 13;
        double[] r = TestMatrices.returns(rnd, rows, n);
        ReturnWindows w = new ReturnWindows(r, rows, n, new int[] {20, 0, 31, 5, 5, 30}, 22);
        checkAll(w, kind, 0.97);
    }

    @Test
    void singleAssetAndMinimalWindow() {
        Random rnd = new Random(13);
        double[] r = TestMatrices.returns(rnd, 5, 1);
        checkAll(new ReturnWindows(r, 5, 1, new int[] {0, 1, 2, 3}, 2), CovarianceKind.SAMPLE, 0);
        checkAll(new ReturnWindows(r, 5, 1, new int[] {0, 3}, 2), CovarianceKind.EWMA, 0.5);
    }

    @ParameterizedTest
    @EnumSource(CovarianceKind.class)
    void etfSixAssetsRealData(CovarianceKind kind) throws IOException {
        MarketData.Table t = MarketData.logReturns("data/etf_6_yahoo_2006_2020/adj_close_wide.csv");
        assertEquals(6, t.assets());
        assertTrue(t.rows() > 2000, "complete ETF rows: " + t.rows());
        checkAll(ReturnWindows.rolling(t.returns(), t.rows(), t.assets(), 250, 600), kind, 0.94);
    }

    @ParameterizedTest
    @EnumSource(CovarianceKind.class)
    void cryptoTwentyThreeCoinsRealData(CovarianceKind kind) throws IOException {
        MarketData.Table t = MarketData.logReturns("data/crypto_yahoo_26coins_2014_2022/crypto_prices_clean.csv");
        assertEquals(23, t.assets());
        assertTrue(t.rows() > 400, "complete crypto rows: " + t.rows());
        checkAll(ReturnWindows.rolling(t.returns(), t.rows(), t.assets(), 120, 110), kind, 0.97);
    }

    /** Forcing the off-heap path in tiny chunks, or the critical path for everything, gives the same numbers. */
    @ParameterizedTest
    @EnumSource(CovarianceKind.class)
    void chunkedOffHeapAndCriticalPathsAgree(CovarianceKind kind) {
        Random rnd = new Random(14);
        int rows = 70;
        int n = 9;
        double[] r = TestMatrices.returns(rnd, rows, n);
        ReturnWindows w = ReturnWindows.rolling(r, rows, n, 25, 9);
        double[] base = backend.covariance(w, kind, 0.9).values();
        try (CudaBackend chunked = NativeTestBackend.open(0, 4_000); // about one window per chunk
             CudaBackend critical = NativeTestBackend.open(Long.MAX_VALUE, Long.MAX_VALUE)) {
            double[] a = chunked.covariance(w, kind, 0.9).values();
            double[] b = critical.covariance(w, kind, 0.9).values();
            assertClose(base, a, n, w.count(), 1e-14, "chunked off-heap vs default");
            assertClose(base, b, n, w.count(), 1e-14, "critical vs default");
        }
    }

    private static void checkAll(ReturnWindows w, CovarianceKind kind, double lambda) {
        int n = w.assets();
        CovarianceBatch got = backend.covariance(w, kind, lambda);
        assertEquals(w.count(), got.batchSize());
        assertEquals(n, got.size());
        CovarianceBatch ref = cpu.covariance(w, kind, lambda);
        assertClose(ref.values(), got.values(), n, w.count(), REL, kind + " vs CpuBackend");
        double[] loop = new double[w.count() * n * n];
        for (int k = 0; k < w.count(); k++) {
            doubleLoop(w, k, kind, lambda, loop, k * n * n);
        }
        assertClose(loop, got.values(), n, w.count(), REL, kind + " vs double loop");
    }

    /** Straight from the definitions in CovarianceKind's documentation. */
    private static void doubleLoop(ReturnWindows w, int k, CovarianceKind kind, double lambda, double[] out, int off) {
        int n = w.assets();
        int s = w.starts()[k];
        int len = w.window();
        double[] r = w.returns();
        double[] mean = new double[n];
        double[] weight = new double[len];
        if (kind == CovarianceKind.SAMPLE) {
            for (int j = 0; j < n; j++) {
                for (int t = 0; t < len; t++) {
                    mean[j] += r[(s + t) * n + j];
                }
                mean[j] /= len;
            }
            java.util.Arrays.fill(weight, 1.0 / (len - 1));
        } else {
            double sum = 0;
            for (int t = 0; t < len; t++) {
                weight[t] = Math.pow(lambda, len - 1 - t);
                sum += weight[t];
            }
            for (int t = 0; t < len; t++) {
                weight[t] /= sum;
            }
        }
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                double acc = 0;
                for (int t = 0; t < len; t++) {
                    acc += weight[t] * (r[(s + t) * n + i] - mean[i]) * (r[(s + t) * n + j] - mean[j]);
                }
                out[off + i * n + j] = acc;
            }
        }
    }

    /** Entry (i, j) within rel·sqrt(Σ_ii Σ_jj) of the expected value: relative to the scale of its row and column. */
    static void assertClose(double[] expected, double[] actual, int n, int count, double rel, String what) {
        assertEquals(expected.length, actual.length, what + ": length");
        for (int k = 0; k < count; k++) {
            int o = k * n * n;
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < n; j++) {
                    double scale = Math.sqrt(expected[o + i * n + i] * expected[o + j * n + j]);
                    double e = expected[o + i * n + j];
                    double a = actual[o + i * n + j];
                    if (!(Math.abs(e - a) <= rel * scale)) {
                        throw new AssertionError(what + ": window " + k + " entry (" + i + ", " + j + ") expected " + e
                                + " got " + a + " (relative error " + Math.abs(e - a) / scale + " > " + rel + ")");
                    }
                }
            }
        }
    }
}

package io.equirisk.cli;

import io.equirisk.covariance.CovarianceMatrix;
import io.equirisk.scenario.ScenarioDistribution;
import io.equirisk.scenario.ScenarioModel;
import io.equirisk.scenario.ScenarioSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code equirisk scenarios} end to end: each scenario's weights are risk parity of that scenario's own covariance,
 * computed here (double loop) from its returns redrawn from a model this test estimates itself; the model's weights
 * and scores; continuing a stream with --first; the emulated GPU path against the CPU engine; bad input.
 */
class ScenariosCommandTest {
    @TempDir
    Path dir;

    private static final int N = 4;
    private static final int T = 300;

    private Path returnsFile(double[][] r) {
        StringBuilder sb = new StringBuilder("date,EQ,BOND,GOLD,OIL\n");
        for (int t = 0; t < r.length; t++) {
            sb.append(java.time.LocalDate.of(2021, 1, 1).plusDays(t));
            for (double v : r[t]) {
                sb.append(',').append(v);
            }
            sb.append('\n');
        }
        return Cli.write(dir, "returns.csv", sb.toString());
    }

    private static double[][] history() {
        Random rnd = new Random(11);
        double[] vol = {0.012, 0.003, 0.009, 0.02};
        double[][] r = new double[T][N];
        for (int t = 0; t < T; t++) {
            double f = rnd.nextGaussian();
            for (int j = 0; j < N; j++) {
                r[t][j] = vol[j] * (0.6 * f * (j == 1 ? -0.5 : 1) + 0.8 * rnd.nextGaussian()) + 1e-4 * j;
            }
        }
        return r;
    }

    /** Sample covariance (demeaned, 1/(T − 1)) of rows [from, from + rows) of a flat table, by a double loop. */
    private static double[] sampleCovariance(double[] r, int from, int rows) {
        double[] mean = new double[N];
        for (int t = from; t < from + rows; t++) {
            for (int i = 0; i < N; i++) {
                mean[i] += r[t * N + i] / rows;
            }
        }
        double[] c = new double[N * N];
        for (int t = from; t < from + rows; t++) {
            for (int i = 0; i < N; i++) {
                for (int j = 0; j < N; j++) {
                    c[i * N + j] += (r[t * N + i] - mean[i]) * (r[t * N + j] - mean[j]) / (rows - 1);
                }
            }
        }
        return c;
    }

    /** Largest |RC_i − 1/N| of weights w under Σ, RC recomputed here. */
    private static double ercError(double[] cov, double[] w) {
        double[] sw = new double[N];
        double var = 0;
        for (int i = 0; i < N; i++) {
            for (int j = 0; j < N; j++) {
                sw[i] += cov[i * N + j] * w[j];
            }
            var += w[i] * sw[i];
        }
        double e = 0;
        for (int i = 0; i < N; i++) {
            e = Math.max(e, Math.abs(w[i] * sw[i] / var - 1.0 / N));
        }
        return e;
    }

    /** The model of the history: its sample covariance and means, computed here. */
    private static ScenarioModel model(double[][] h, int dof) {
        double[] flat = new double[T * N];
        double[] mean = new double[N];
        for (int t = 0; t < T; t++) {
            for (int j = 0; j < N; j++) {
                flat[t * N + j] = h[t][j];
                mean[j] += h[t][j] / T;
            }
        }
        return ScenarioModel.of(CovarianceMatrix.of(N, sampleCovariance(flat, 0, T)), mean,
                new ScenarioDistribution(dof));
    }

    private static List<double[]> rows(Path csv) throws IOException {
        List<String> lines = Files.readAllLines(csv);
        assertEquals("scenario,EQ,BOND,GOLD,OIL,converged,residual,iterations,volatility,model_volatility,"
                + "model_rc_error", lines.get(0));
        return lines.subList(1, lines.size()).stream().map(l -> {
            String[] c = l.split(",");
            assertEquals("true", c[5], l);
            double[] v = new double[c.length];
            for (int i = 0; i < c.length; i++) {
                v[i] = i == 5 ? 1 : Double.parseDouble(c[i]);
            }
            return v;
        }).toList();
    }

    @Test
    void eachScenariosWeightsAreRiskParityOfItsOwnCovariance() throws IOException {
        double[][] h = history();
        Path in = returnsFile(h);
        Path out = dir.resolve("w.csv");
        Cli.Result res = Cli.run("scenarios", "--returns", in.toString(), "--scenarios", "6", "--horizon", "40",
                "--dof", "5", "--seed", "9", "--backend", "cpu", "--output", out.toString());
        assertEquals(0, res.code(), res.toString());
        ScenarioModel model = model(h, 5);
        ScenarioSet set = new ScenarioSet(model, 9, 0, 6, 40);
        double[] drawn = set.returns();
        List<double[]> rows = rows(out);
        assertEquals(6, rows.size());
        double[] sigma = model.covariance().values();
        for (int k = 0; k < 6; k++) {
            double[] row = rows.get(k);
            assertEquals(k, (int) row[0]);
            double[] w = java.util.Arrays.copyOfRange(row, 1, 1 + N);
            assertEquals(1.0, w[0] + w[1] + w[2] + w[3], 1e-12);
            assertTrue(ercError(sampleCovariance(drawn, k * 40, 40), w) <= 1e-9, "scenario " + k);
            double var = 0;
            for (int i = 0; i < N; i++) {
                for (int j = 0; j < N; j++) {
                    var += w[i] * sigma[i * N + j] * w[j];
                }
            }
            assertEquals(Math.sqrt(var), row[9], 1e-12 * Math.sqrt(var), "volatility under the model");
            assertEquals(ercError(sigma, w), row[10], 1e-12, "RC error under the model");
            assertTrue(row[10] > 1e-4, "a 40-period scenario's weights are not the model's");
        }
        assertTrue(res.out().contains("converged:        6 of 6"), res.out());
        assertTrue(res.out().contains("Student-t, ν = 5"), res.out());
    }

    @Test
    void scenariosSolvedInPartsAreTheSameBitsAsOneCallAndTheProgressCountsThem() {
        ScenarioSet set = ScenarioSet.of(model(history(), 5), 7, 1000, 30);
        double[] budgets = {0.1, 0.2, 0.3, 0.4};
        java.util.List<String> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
        io.equirisk.backend.BatchSolution whole;
        io.equirisk.backend.BatchSolution parts;
        try (io.equirisk.Equirisk er = io.equirisk.Equirisk.withBackend("cpu")) {
            whole = er.scenarioRiskBudgeting(set, io.equirisk.backend.CovarianceKind.SAMPLE, 0, budgets,
                    io.equirisk.solver.SolverOptions.defaults());
            parts = ScenariosCommand.solveInParts(er, set, io.equirisk.covariance.CovarianceEstimators.parse("sample"),
                    budgets, io.equirisk.solver.SolverOptions.defaults(), seen::add);
        }
        assertTrue(java.util.Arrays.equals(whole.weights(), parts.weights()), "weights differ");
        assertTrue(java.util.Arrays.equals(whole.iterations(), parts.iterations()), "iterations differ");
        int per = Math.max(4 * Runtime.getRuntime().availableProcessors(), 1000 / ScenariosCommand.PROGRESS_PARTS);
        assertEquals((1000 + per - 1) / per, seen.size(), seen.toString());
        assertEquals("solving scenarios 1–" + per + " of 1000 (30 returns × 4 assets each)", seen.get(0));
        assertTrue(seen.getLast().endsWith("–1000 of 1000 (30 returns × 4 assets each)"), seen.getLast());
    }

    /** A bootstrap scenario in which a weighed asset never moves is named before any part is solved. */
    @Test
    void aFlatBootstrapScenarioIsNamedBeforeThePartsAreSolved() {
        double[][] h = history();
        double[] v = new double[T * N];
        for (int t = 0; t < T; t++) {
            for (int j = 0; j < N; j++) {
                v[t * N + j] = j == 1 ? (t % 5 == 2 ? 3e-4 : 1e-4) : h[t][j]; /* a money-market fund */
            }
        }
        io.equirisk.data.Returns returns = io.equirisk.data.Returns.of(T, N, v, null, null);
        ScenarioSet set = ScenarioSet.of(io.equirisk.scenario.HistoricalBootstrap.of(returns, 1), 3, 2000, 12);
        java.util.List<String> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
        try (io.equirisk.Equirisk er = io.equirisk.Equirisk.withBackend("cpu")) {
            io.equirisk.error.ZeroVarianceException e = org.junit.jupiter.api.Assertions.assertThrows(
                    io.equirisk.error.ZeroVarianceException.class, () -> ScenariosCommand.solveInParts(er, set,
                            io.equirisk.covariance.CovarianceEstimators.parse("sample"),
                            new double[] {0.25, 0.25, 0.25, 0.25},
                            io.equirisk.solver.SolverOptions.defaults(), seen::add));
            assertTrue(e.getMessage().startsWith("scenario "), e.getMessage());
        }
        assertEquals(List.of(), seen, "no part solved before the flat scenario was named");
    }

    @Test
    void firstContinuesTheStreamAndTheSeedChangesIt() throws IOException {
        Path in = returnsFile(history());
        Path all = dir.resolve("all.csv");
        Path tail = dir.resolve("tail.csv");
        Path other = dir.resolve("other.csv");
        assertEquals(0, Cli.run("scenarios", "--returns", in.toString(), "--scenarios", "5", "--horizon", "30",
                "--backend", "cpu", "--output", all.toString()).code());
        assertEquals(0, Cli.run("scenarios", "--returns", in.toString(), "--scenarios", "2", "--first", "3",
                "--horizon", "30", "--backend", "cpu", "--output", tail.toString()).code());
        assertEquals(0, Cli.run("scenarios", "--returns", in.toString(), "--scenarios", "5", "--seed", "2",
                "--horizon", "30", "--backend", "cpu", "--output", other.toString()).code());
        List<String> a = Files.readAllLines(all);
        List<String> t = Files.readAllLines(tail);
        assertEquals(a.subList(4, 6), t.subList(1, 3));
        assertNotEquals(a.get(1).split(",")[1], Files.readAllLines(other).get(1).split(",")[1]);
    }

    @Test
    @SuppressWarnings("unchecked")
    void jsonHasTheModelsWeightsAndOrderedQuantiles() {
        double[][] h = history();
        Path in = returnsFile(h);
        Cli.Result res = Cli.run("scenarios", "--returns", in.toString(), "--scenarios", "50", "--backend", "cpu",
                "--format", "json");
        assertEquals(0, res.code(), res.toString());
        Map<String, Object> j = (Map<String, Object>) MiniJson.parse(res.out());
        List<Object> mw = (List<Object>) j.get("model_weights");
        double[] w = new double[N];
        for (int i = 0; i < N; i++) {
            w[i] = ((Number) mw.get(i)).doubleValue();
        }
        assertTrue(ercError(model(h, 0).covariance().values(), w) <= 1e-9);
        assertEquals(T, ((Number) j.get("horizon")).intValue(), "default horizon: the history's length");
        List<Object> scenarios = (List<Object>) j.get("scenarios");
        List<Object> quantiles = (List<Object>) j.get("weight_quantiles");
        for (int i = 0; i < N; i++) {
            Map<String, Object> q = (Map<String, Object>) quantiles.get(i);
            double p05 = ((Number) q.get("p05")).doubleValue();
            double p50 = ((Number) q.get("p50")).doubleValue();
            double p95 = ((Number) q.get("p95")).doubleValue();
            assertTrue(p05 <= p50 && p50 <= p95 && p05 < p95, q.toString());
            // the table's mean and sd (count − 1) are in the JSON too, of the scenarios' own weights
            double sum = 0;
            double squares = 0;
            for (Object s : scenarios) {
                double v = ((Number) ((List<Object>) ((Map<String, Object>) s).get("weights")).get(i)).doubleValue();
                sum += v;
                squares += v * v;
            }
            double mean = sum / scenarios.size();
            double sd = Math.sqrt((squares - scenarios.size() * mean * mean) / (scenarios.size() - 1));
            assertEquals(mean, ((Number) q.get("mean")).doubleValue(), 1e-12, q.toString());
            assertEquals(sd, ((Number) q.get("sd")).doubleValue(), 1e-9 * Math.max(sd, 1e-3), q.toString());
        }
        assertEquals("period", j.get("volatility_per"), "the scenarios' volatilities are per period");
        assertTrue(((Number) j.get("periods_per_year")).intValue() > 0 && j.containsKey("periods_per_year_from"));
        assertEquals(50, scenarios.size());
        assertEquals(0, ((Number) j.get("unconverged")).intValue());
    }

    /** The chart's boxes are the JSON's quantiles, its quartiles numpy's linear ones, and its markers the model's. */
    @Test
    @SuppressWarnings("unchecked")
    void theChartPageDrawsTheScenariosQuantilesAndTheModel() throws Exception {
        double[][] h = history();
        Path page = dir.resolve("scenarios.html");
        Cli.Result res = Cli.run("scenarios", "--returns", returnsFile(h).toString(), "--scenarios", "41",
                "--backend", "cpu", "--format", "json", "--chart", page.toString());
        assertEquals(0, res.code(), res.toString());
        Map<String, Object> j = (Map<String, Object>) MiniJson.parse(res.out());
        List<Map<String, Object>> options = ChartPages.options(page);
        assertEquals(1, options.size());
        assertEquals(j.get("assets"), ChartPages.categories(options.get(0)));
        List<Object> boxes = ChartPages.data(ChartPages.series(options.get(0)).get(0));
        List<Object> markers = ChartPages.data(ChartPages.series(options.get(0)).get(1));
        List<Object> scenarios = (List<Object>) j.get("scenarios");
        for (int i = 0; i < N; i++) {
            List<Object> box = (List<Object>) boxes.get(i);
            Map<String, Object> q = (Map<String, Object>) ((List<Object>) j.get("weight_quantiles")).get(i);
            assertEquals(100 * (Double) q.get("p05"), (Double) box.get(0), 1e-12);
            assertEquals(100 * (Double) q.get("p50"), (Double) box.get(2), 1e-12);
            assertEquals(100 * (Double) q.get("p95"), (Double) box.get(4), 1e-12);
            double[] w = new double[scenarios.size()];
            for (int k = 0; k < w.length; k++) {
                w[k] = (Double) ((List<Object>) ((Map<String, Object>) scenarios.get(k)).get("weights")).get(i);
            }
            java.util.Arrays.sort(w);
            /* 41 scenarios: the quartiles fall on order statistics 10 and 30 (numpy's linear rule, exact here) */
            assertEquals(100 * w[10], (Double) box.get(1), 1e-12, "25th percentile");
            assertEquals(100 * w[30], (Double) box.get(3), 1e-12, "75th percentile");
            assertEquals(100 * (Double) ((List<Object>) j.get("model_weights")).get(i), (Double) markers.get(i),
                    1e-12);
        }
    }

    /** A stressed model: its weights are ERC of Σ with volatilities and correlations moved as asked (done here). */
    @Test
    @SuppressWarnings("unchecked")
    void stressedModelsWeightsAreRiskParityOfTheStressedCovariance() {
        double[][] h = history();
        Cli.Result res = Cli.run("scenarios", "--returns", returnsFile(h).toString(), "--scenarios", "5",
                "--stress-vol", "2", "--stress-corr", "0.5", "--backend", "cpu", "--format", "json");
        assertEquals(0, res.code(), res.toString());
        double[] sigma = model(h, 0).covariance().values();
        double[] stressed = new double[N * N];
        for (int i = 0; i < N; i++) {
            for (int j = 0; j < N; j++) {
                double si = Math.sqrt(sigma[i * N + i]);
                double sj = Math.sqrt(sigma[j * N + j]);
                double rho = i == j ? 1 : 0.5 * sigma[i * N + j] / (si * sj) + 0.5;
                stressed[i * N + j] = 4 * si * sj * rho;
            }
        }
        Map<String, Object> j = (Map<String, Object>) MiniJson.parse(res.out());
        List<Object> mw = (List<Object>) j.get("model_weights");
        double[] w = new double[N];
        for (int i = 0; i < N; i++) {
            w[i] = ((Number) mw.get(i)).doubleValue();
        }
        assertTrue(ercError(stressed, w) <= 1e-9, "ERC of the stressed Σ");
        assertTrue(ercError(sigma, w) > 1e-3, "not ERC of the unstressed Σ");
        assertTrue(((String) j.get("input")).contains("stressed: volatilities × 2.00, correlations 50.00% of the way "
                + "to 1"), res.out());
        assertEquals(2.0, j.get("stress_vol"));
        assertEquals(0.5, j.get("stress_corr"));
        assertEquals("history", j.get("mean_returns"));
    }

    /** Bootstrap: every scenario row is a row of the input, in blocks of consecutive dates; weights are its ERC. */
    @Test
    void bootstrapScenariosAreBlocksOfTheInputsRows() throws IOException {
        double[][] h = history();
        Path out = dir.resolve("b.csv");
        Cli.Result res = Cli.run("scenarios", "--returns", returnsFile(h).toString(), "--bootstrap", "5",
                "--scenarios", "4", "--horizon", "30", "--seed", "3", "--backend", "cpu", "--output",
                out.toString());
        assertEquals(0, res.code(), res.toString());
        assertTrue(res.out().contains("block bootstrap of 300 historical returns (blocks of 5)"), res.out());
        double[] flat = new double[T * N];
        for (int t = 0; t < T; t++) {
            System.arraycopy(h[t], 0, flat, t * N, N);
        }
        ScenarioSet set = ScenarioSet.of(io.equirisk.scenario.HistoricalBootstrap.of(
                io.equirisk.data.Returns.of(T, N, flat, null, null), 5), 3, 4, 30);
        double[] drawn = set.returns();
        List<double[]> rows = rows(out);
        for (int k = 0; k < 4; k++) {
            for (int t = 0; t < 30; t++) {
                int from = set.source() instanceof io.equirisk.scenario.HistoricalBootstrap b
                        ? b.blockStart(3, k, t / 5) + t % 5 : -1;
                for (int j = 0; j < N; j++) {
                    assertEquals(h[from][j], drawn[(k * 30 + t) * N + j], 0.0, "scenario " + k + ", row " + t);
                }
            }
            double[] w = java.util.Arrays.copyOfRange(rows.get(k), 1, 1 + N);
            assertTrue(ercError(sampleCovariance(drawn, k * 30, 30), w) <= 1e-9, "scenario " + k);
        }
        for (String[] bad : new String[][] {{"--dof", "5"}, {"--stress-vol", "2"}, {"--mean", "zero"}}) {
            Cli.Result r = Cli.run("scenarios", "--returns", returnsFile(h).toString(), "--bootstrap", "5",
                    "--backend", "cpu", bad[0], bad[1]);
            assertEquals(2, r.code(), r.toString());
            assertTrue(r.err().contains("--bootstrap resamples the history as it is"), r.toString());
        }
        Cli.Result tooLong = Cli.run("scenarios", "--returns", returnsFile(h).toString(), "--bootstrap", "301",
                "--backend", "cpu");
        assertEquals(2, tooLong.code(), tooLong.toString());
        assertTrue(tooLong.err().contains("--bootstrap: bootstrap block length must be in [1, 300]"),
                tooLong.toString());
    }

    @Test
    void emulatedGpuKernelsAgreeWithTheCpuEngine() {
        Path in = returnsFile(history());
        Cli.Result res = Cli.run("scenarios", "--returns", in.toString(), "--scenarios", "5", "--horizon", "30",
                "--dof", "4", "--scenario-estimator", "ewma-halflife:10", "--backend", "emulation", "--verify");
        Checks.assertEmulationAgrees(res, "");
        /* the device's draws are the Java engine's, to the bit: 30 rows × 6 assets */
        assertTrue(res.out().contains("returns: the same bits on both engines (" + 30 * N + " values)"), res.out());
    }

    /** A given Σ (a stress covariance): zero mean, a year of periods by default, the weights still risk parity. */
    @Test
    void aGivenCovarianceRunsWithAYearOfPeriods() throws IOException {
        double[] sigma = model(history(), 0).covariance().values();
        StringBuilder csv = new StringBuilder();
        for (int i = 0; i < N; i++) {
            for (int j = 0; j < N; j++) {
                csv.append(j > 0 ? "," : "").append(4 * sigma[i * N + j]); /* every volatility doubled */
            }
            csv.append('\n');
        }
        Path cov = Cli.write(dir, "stress.csv", csv.toString());
        Path out = dir.resolve("w.csv");
        Cli.Result res = Cli.run("scenarios", "--cov", cov.toString(), "--scenarios", "3", "--backend", "cpu",
                "--output", out.toString());
        assertEquals(0, res.code(), res.toString());
        assertTrue(res.out().contains("of 252 returns"), res.out());
        assertEquals(4, Files.readAllLines(out).size());
        Cli.Result bad = Cli.run("scenarios", "--cov", cov.toString(), "--estimator", "oas", "--backend", "cpu");
        assertEquals(2, bad.code(), bad.toString());
        assertTrue(bad.err().contains("not to a covariance given with --cov"), bad.toString());
        assertTrue(res.out().contains(", zero mean"), "the mean is said: " + res.out());
        Cli.Result history = Cli.run("scenarios", "--cov", cov.toString(), "--mean", "history", "--backend", "cpu");
        assertEquals(2, history.code(), history.toString());
        assertTrue(history.err().contains("--mean history needs a history"), history.toString());
        Cli.Result one = Cli.run("scenarios", "--cov", cov.toString(), "--scenarios", "1", "--backend", "cpu",
                "--format", "json");
        @SuppressWarnings("unchecked")
        List<Object> quantiles = (List<Object>) ((Map<String, Object>) MiniJson.parse(one.out()))
                .get("weight_quantiles");
        assertTrue(quantiles.stream().allMatch(q -> ((Map<?, ?>) q).containsKey("sd") && ((Map<?, ?>) q).get("sd")
                == null), "one scenario has no standard deviation: " + one.out());
    }

    /**
     * Ledoit-Wolf (2004) towards the scaled identity, from its paper, here: X demeaned, S = XᵀX/T, m = tr S/N,
     * d² = ‖S − mI‖², b̄² = Σ_t ‖x_t x_tᵀ − S‖²/T², δ = min(b̄², d²)/d²; the result scaled by T/(T − 1), as the
     * README says equirisk's is (δ = 0 is then the sample estimate).
     */
    private static double[] ledoitWolf(double[] r, int from, int rows) {
        double[] mean = new double[N];
        for (int t = from; t < from + rows; t++) {
            for (int i = 0; i < N; i++) {
                mean[i] += r[t * N + i] / rows;
            }
        }
        double[] s = new double[N * N];
        for (int t = from; t < from + rows; t++) {
            for (int i = 0; i < N; i++) {
                for (int j = 0; j < N; j++) {
                    s[i * N + j] += (r[t * N + i] - mean[i]) * (r[t * N + j] - mean[j]) / rows;
                }
            }
        }
        double m = 0;
        for (int i = 0; i < N; i++) {
            m += s[i * N + i] / N;
        }
        double d2 = 0;
        for (int i = 0; i < N; i++) {
            for (int j = 0; j < N; j++) {
                double v = s[i * N + j] - (i == j ? m : 0);
                d2 += v * v;
            }
        }
        double b2 = 0;
        for (int t = from; t < from + rows; t++) {
            for (int i = 0; i < N; i++) {
                for (int j = 0; j < N; j++) {
                    double v = (r[t * N + i] - mean[i]) * (r[t * N + j] - mean[j]) - s[i * N + j];
                    b2 += v * v / ((double) rows * rows);
                }
            }
        }
        double delta = Math.min(b2, d2) / d2;
        double[] c = new double[N * N];
        for (int i = 0; i < N; i++) {
            for (int j = 0; j < N; j++) {
                c[i * N + j] = rows / (rows - 1.0) * ((1 - delta) * s[i * N + j] + (i == j ? delta * m : 0));
            }
        }
        return c;
    }

    /**
     * A horizon shorter than the number of assets, where every sample estimate is singular: each scenario's weights
     * are risk parity of the Ledoit-Wolf estimate of its own draws, computed here from the paper; the emulated
     * kernels solve the host estimates alike; the sample estimator is refused with the way out named.
     */
    @Test
    void aShrinkageScenarioEstimatorAllowsAHorizonShorterThanTheAssets() throws IOException {
        double[][] h = history();
        Path in = returnsFile(h);
        Cli.Result sample = Cli.run("scenarios", "--returns", in.toString(), "--horizon", "3", "--backend", "cpu");
        assertEquals(2, sample.code(), sample.toString());
        assertTrue(sample.err().contains("or estimate each scenario with shrinkage (--scenario-estimator ledoit-wolf "
                + "or oas)"), sample.err());
        Path out = dir.resolve("lw.csv");
        Cli.Result res = Cli.run("scenarios", "--returns", in.toString(), "--scenarios", "200", "--horizon", "3",
                "--seed", "4", "--scenario-estimator", "ledoit-wolf", "--backend", "cpu", "--output", out.toString());
        assertEquals(0, res.code(), res.toString());
        assertTrue(res.out().contains("ledoit-wolf covariance each"), res.out());
        ScenarioSet set = new ScenarioSet(model(h, 0), 4, 0, 200, 3);
        double[] drawn = set.returns();
        List<double[]> rows = rows(out);
        assertEquals(200, rows.size());
        for (int k = 0; k < 200; k++) {
            double[] w = java.util.Arrays.copyOfRange(rows.get(k), 1, 1 + N);
            assertTrue(ercError(ledoitWolf(drawn, 3 * k, 3), w) <= 1e-9, "scenario " + k + ": "
                    + ercError(ledoitWolf(drawn, 3 * k, 3), w));
        }
        Cli.Result emu = Cli.run("scenarios", "--returns", in.toString(), "--scenarios", "40", "--horizon", "3",
                "--scenario-estimator", "oas", "--backend", "emulation", "--verify");
        Checks.assertEmulationAgrees(emu, "CPU part checked; ");
    }

    @Test
    void badInputIsNamed() {
        Path in = returnsFile(history());
        String f = in.toString();
        Object[][] cases = {
                {new String[] {"--dof", "2"}, "--dof"},
                {new String[] {"--horizon", "4"}, "larger than the number of assets (4)"},
                {new String[] {"--scenario-estimator", "gaussian"}, "--scenario-estimator"},
                {new String[] {"--horizon", "1", "--scenario-estimator", "oas"}, "--horizon 1 must be at least 2"},
                {new String[] {"--horizon", "2", "--scenario-estimator", "ledoit-wolf"}, "Ledoit-Wolf's intensity is 0"},
                {new String[] {"--stress-vol", "1e160"}, "error: --stress-vol 1.0E160 takes the stressed covariance "
                        + "out of the range of doubles"},
                {new String[] {"--mean", "median"}, "--mean"},
                {new String[] {"--scenarios", "0"}, "--scenarios"},
                {new String[] {"--first", "4294967295", "--scenarios", "2"}, "--first"},
                {new String[] {"--stress-corr", "1"}, "error: --stress-corr: correlation shift"},
                {new String[] {"--stress-vol", "0"}, "error: --stress-vol: volatility multiplier"},
                /* refused before any work, not "out of memory" after a while (on any heap below ~100 GB) */
                {new String[] {"--scenarios", "1000000000"}, "run fewer scenarios per call (--first continues"},
                {new String[] {"--horizon", "1000000000"}, "GB of draws for"},
        };
        for (Object[] c : cases) {
            String[] extra = (String[]) c[0];
            String[] args = new String[4 + extra.length];
            args[0] = "scenarios";
            args[1] = "--returns";
            args[2] = f;
            args[3] = "--backend=cpu";
            System.arraycopy(extra, 0, args, 4, extra.length);
            Cli.Result res = Cli.run(args);
            assertEquals(2, res.code(), res.toString());
            assertTrue(res.err().contains((String) c[1]), res.toString());
        }
    }

    /**
     * The scenarios' own estimator is held to the rules of the model's: an EWMA that weighs fewer returns above
     * rounding than there are assets is warned of; a bootstrap of a ragged history is refused with --missing pairwise,
     * whose model would come from other dates than the resampled complete ones.
     */
    @Test
    void theScenarioEstimatorAndTheBootstrapAreHeldToTheModelsRules() {
        double[][] h = history();
        Path in = returnsFile(h);
        Cli.Result ewma = Cli.run("scenarios", "--returns", in.toString(), "--scenarios", "2", "--backend", "cpu",
                "--scenario-estimator", "ewma:0.000001");
        assertTrue(ewma.err().contains("weighs only the newest 3 returns above double rounding, fewer than the 4 "
                + "assets"), ewma.toString());
        StringBuilder gap = new StringBuilder("date,EQ,BOND,GOLD,OIL\n");
        for (int t = 0; t < h.length; t++) {
            gap.append(java.time.LocalDate.of(2021, 1, 1).plusDays(t));
            for (int j = 0; j < N; j++) {
                gap.append(',').append(t < 50 && j == 3 ? "" : Double.toString(h[t][j]));
            }
            gap.append('\n');
        }
        Path ragged = Cli.write(dir, "ragged.csv", gap.toString());
        Cli.Result pairwise = Cli.run("scenarios", "--returns", ragged.toString(), "--missing", "pairwise",
                "--bootstrap", "5", "--scenarios", "2", "--backend", "cpu");
        assertEquals(2, pairwise.code(), pairwise.toString());
        assertTrue(pairwise.err().contains("use --missing drop or drop-assets with --bootstrap"), pairwise.err());
        Cli.Result drop = Cli.run("scenarios", "--returns", ragged.toString(), "--bootstrap", "5", "--scenarios",
                "2", "--backend", "cpu");
        assertEquals(0, drop.code(), drop.toString());
    }

    /** numpy.quantile's default (linear) method: position q·(n − 1) between order statistics. */
    @Test
    void quantileInterpolatesLinearlyBetweenOrderStatistics() {
        double[] s = {0.1, 0.2, 0.3, 0.4};
        assertEquals(0.115, ScenariosCommand.quantile(s, 0.05), 1e-15); // np.quantile(s, 0.05)
        assertEquals(0.25, ScenariosCommand.quantile(s, 0.5), 1e-15);   // the median of an even count
        assertEquals(0.385, ScenariosCommand.quantile(s, 0.95), 1e-15);
        double[] r = new double[21];
        for (int i = 0; i < r.length; i++) {
            r[i] = i;
        }
        assertEquals(1.0, ScenariosCommand.quantile(r, 0.05), 0.0);
        assertEquals(10.0, ScenariosCommand.quantile(r, 0.5), 0.0);
        assertEquals(19.0, ScenariosCommand.quantile(r, 0.95), 0.0);
        assertEquals(7.0, ScenariosCommand.quantile(new double[] {7.0}, 0.95), 0.0);
    }
}

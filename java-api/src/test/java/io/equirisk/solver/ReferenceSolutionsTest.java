package io.equirisk.solver;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.equirisk.covariance.CovarianceMatrix;
import io.equirisk.testing.SharedData;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Against solutions from independent solvers: ../shared/reference/erc (an independent Newton at 1e-10, cross-checked
 * by a second solver to ≤ 4e-10; weights within 1e-8) and the published test vectors of papers and peer libraries
 * (unconstrained long-only formulations; within each source's stated tolerance, and within 1e-8 of the collection's
 * independent recomputation).
 */
class ReferenceSolutionsTest {
    private static final RiskBudgetingSolver SOLVER = RiskBudgetingSolver.standard();

    @TestFactory
    Stream<DynamicTest> ercReferenceFolders() throws IOException {
        Path root = SharedData.resolve("reference/erc");
        List<DynamicTest> tests = new ArrayList<>();
        try (Stream<Path> dirs = Files.list(root)) {
            for (Path dir : dirs.sorted().toList()) {
                tests.add(DynamicTest.dynamicTest(dir.getFileName().toString(), () -> checkFolder(dir)));
            }
        }
        assertTrue(tests.size() >= 4, "expected the reference folders");
        return tests.stream();
    }

    private static void checkFolder(Path dir) {
        double[][] rows = SharedData.readMatrix(dir.resolve("cov.csv"));
        CovarianceMatrix cov = CovarianceMatrix.of(rows);
        int n = cov.size();
        double[] expected = SharedData.readVector(dir.resolve("weights.txt"));
        RiskBudgets b = Files.exists(dir.resolve("budget.csv"))
                ? RiskBudgets.normalized(SharedData.readVector(dir.resolve("budget.csv")))
                : RiskBudgets.equal(n);
        for (SolverMethod m : new SolverMethod[] {SolverMethod.AUTO, SolverMethod.NEWTON}) {
            RiskBudgetingResult r = SOLVER.solve(cov, b, SolverOptions.defaults().withMethod(m));
            assertTrue(r.converged(), dir + " " + m + ": not converged, residual " + r.residual());
            for (int i = 0; i < n; i++) {
                assertEquals(expected[i], r.weights()[i], 1e-8, dir.getFileName() + " " + m + " asset " + i);
            }
        }
    }

    /** Published unconstrained cases: id → absolute tolerance on weights as the source states it. */
    private static final Map<String, Double> PUBLISHED = Map.ofEntries(
            Map.entry("mrt2010_ex1_zero_corr", 0.005),
            Map.entry("mrt2010_ex2", 0.0005),
            Map.entry("bst_least_squares_5", 1e-3),
            Map.entry("rr2019_table9_erc", 1e-4),
            Map.entry("rr2019_table1_erc", 1e-3),
            Map.entry("rr2019_table1_rb", 1e-3),
            Map.entry("convexfi_tricky_3x3_budgets", 1e-5),
            Map.entry("skfolio_sp500_20_erc_2018_2022", 1.5e-5),
            Map.entry("portfoliooptimiser_jl_stock20_erc", 1e-4),
            Map.entry("portfoliooptimiser_jl_stock20_rb_1to20", 1e-4));

    @TestFactory
    Stream<DynamicTest> publishedVectors() throws IOException {
        JsonNode root = new ObjectMapper().readTree(SharedData.resolve("reference/published/test_vectors.json")
                .toFile());
        List<DynamicTest> tests = new ArrayList<>();
        for (JsonNode c : root.get("cases")) {
            String id = c.get("id").asText();
            if (PUBLISHED.containsKey(id)) {
                tests.add(DynamicTest.dynamicTest(id, () -> checkPublished(c, PUBLISHED.get(id))));
            }
        }
        assertEquals(PUBLISHED.size(), tests.size(), "every listed published case is present");
        return tests.stream();
    }

    private static void checkPublished(JsonNode c, double tol) {
        JsonNode in = c.get("input");
        JsonNode covNode = in.get("covariance");
        int n = covNode.size();
        double[][] rows = new double[n][n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                rows[i][j] = covNode.get(i).get(j).asDouble();
            }
        }
        double[] budgets = new double[n];
        for (int i = 0; i < n; i++) {
            budgets[i] = in.get("budgets").get(i).asDouble();
        }
        RiskBudgetingResult r = SOLVER.solve(CovarianceMatrix.of(rows), RiskBudgets.normalized(budgets),
                SolverOptions.defaults());
        assertTrue(r.converged());
        double scale = c.get("published").has("weights_scale") ? c.get("published").get("weights_scale").asDouble()
                : 1.0;
        JsonNode pub = c.get("published").get("weights");
        JsonNode helper = c.get("helper_check").get("weights");
        for (int i = 0; i < n; i++) {
            assertEquals(pub.get(i).asDouble() * scale, r.weights()[i], tol, "published weight " + i);
            assertEquals(helper.get(i).asDouble(), r.weights()[i], 1e-8, "independent recomputation, weight " + i);
        }
    }
}

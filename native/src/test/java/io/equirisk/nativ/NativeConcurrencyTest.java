package io.equirisk.nativ;

import io.equirisk.backend.BatchSolution;
import io.equirisk.backend.CovarianceKind;
import io.equirisk.backend.ReturnWindows;
import io.equirisk.covariance.CovarianceBatch;
import io.equirisk.solver.SolverOptions;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

/** Several Java threads sharing one backend get exactly what sequential calls get. */
class NativeConcurrencyTest {

    @Test
    void sixThreadsMatchSequentialResults() throws Exception {
        int tasks = 12;
        List<ReturnWindows> windows = new ArrayList<>();
        List<NativeSolveTest.Mixed> problems = new ArrayList<>();
        for (int t = 0; t < tasks; t++) {
            Random rnd = new Random(100 + t);
            windows.add(ReturnWindows.rolling(TestMatrices.returns(rnd, 40, 5), 40, 5, 20, 10));
            problems.add(NativeSolveTest.mixedBatch(6, 200 + t));
        }
        SolverOptions opts = SolverOptions.defaults();
        try (CudaBackend backend = NativeTestBackend.open()) {
            double[][] seqCov = new double[tasks][];
            double[][] seqW = new double[tasks][];
            for (int t = 0; t < tasks; t++) {
                seqCov[t] = covariance(backend, windows.get(t), t);
                seqW[t] = solve(backend, problems.get(t), opts).weights();
            }
            ExecutorService pool = Executors.newFixedThreadPool(6);
            try {
                List<Future<double[][]>> futures = new ArrayList<>();
                for (int t = 0; t < tasks; t++) {
                    int task = t;
                    futures.add(pool.submit(() -> new double[][] {
                            covariance(backend, windows.get(task), task),
                            solve(backend, problems.get(task), opts).weights()}));
                }
                for (int t = 0; t < tasks; t++) {
                    double[][] got = futures.get(t).get();
                    assertArrayEquals(seqCov[t], got[0], "covariance of task " + t);
                    assertArrayEquals(seqW[t], got[1], "weights of task " + t);
                }
            } finally {
                pool.shutdownNow();
            }
        }
    }

    private static double[] covariance(CudaBackend b, ReturnWindows w, int task) {
        CovarianceBatch c = b.covariance(w, task % 2 == 0 ? CovarianceKind.SAMPLE : CovarianceKind.EWMA, 0.94);
        return c.values();
    }

    private static BatchSolution solve(CudaBackend b, NativeSolveTest.Mixed m, SolverOptions o) {
        return b.solve(m.batch(), m.budgets(), o);
    }
}

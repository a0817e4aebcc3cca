package io.equirisk.cli;

import java.nio.file.Path;
import java.util.Random;

/** Returns files for the command's tests: n assets A0 … A(n−1), daily from 2019-01-01, one common factor. */
final class SyntheticReturns {
    private SyntheticReturns() {
    }

    /**
     * Writes {@code rows} returns of {@code n} assets to {@code dir/r<n>.csv}, asset j's volatility
     * 1 + {@code rise}·j times the first's (0: all alike, so near equal weights; 1: weights falling with j).
     */
    static Path write(Path dir, int n, int rows, long seed, double rise) {
        Random rnd = new Random(seed);
        StringBuilder csv = new StringBuilder("date");
        for (int j = 0; j < n; j++) {
            csv.append(",A").append(j);
        }
        csv.append('\n');
        for (int t = 0; t < rows; t++) {
            csv.append(java.time.LocalDate.of(2019, 1, 1).plusDays(t));
            double f = rnd.nextGaussian();
            for (int j = 0; j < n; j++) {
                csv.append(',').append(0.002 * (1 + rise * j) * (0.5 * f + rnd.nextGaussian()));
            }
            csv.append('\n');
        }
        return Cli.write(dir, "r" + n + ".csv", csv.toString());
    }
}

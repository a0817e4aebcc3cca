package io.equirisk.testing;

import org.junit.jupiter.api.Assumptions;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Locates ../shared (real data and reference solutions) for tests. Tests that need it skip visibly when it is
 * absent; the product never reads it.
 */
public final class SharedData {
    private SharedData() {
    }

    /** The shared folder, or a skipped test (JUnit assumption) when it is not there. */
    public static Path root() {
        String prop = System.getProperty("equirisk.shared");
        Path p = prop != null ? Path.of(prop) : Path.of("..", "shared");
        if (!Files.isDirectory(p)) {
            p = Path.of("..", "..", "shared");
        }
        Assumptions.assumeTrue(Files.isDirectory(p.resolve("data")),
                "../shared (real data and references) is not present here: " + p.toAbsolutePath());
        return p;
    }

    public static Path resolve(String relative) {
        Path p = root().resolve(relative);
        Assumptions.assumeTrue(Files.exists(p), "shared file missing: " + p);
        return p;
    }

    /** A numeric CSV without header (bare block), one row per line. */
    public static double[][] readMatrix(Path file) {
        try {
            List<double[]> rows = new ArrayList<>();
            for (String line : Files.readAllLines(file)) {
                if (line.isBlank()) {
                    continue;
                }
                String[] cells = line.split("[,;\\s]+");
                double[] r = new double[cells.length];
                for (int i = 0; i < cells.length; i++) {
                    r[i] = Double.parseDouble(cells[i].trim());
                }
                rows.add(r);
            }
            return rows.toArray(new double[0][]);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** One number per line (or a single row). */
    public static double[] readVector(Path file) {
        double[][] m = readMatrix(file);
        if (m.length == 1) {
            return m[0];
        }
        double[] v = new double[m.length];
        for (int i = 0; i < m.length; i++) {
            v[i] = m[i][0];
        }
        return v;
    }
}

package io.equirisk.nativ;

import org.junit.jupiter.api.Assumptions;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Reads the shared real price files simply: complete rows only, log returns between consecutive kept rows. */
final class MarketData {
    private MarketData() {
    }

    /** Log returns, row-major T×N, of the file under ../shared/data; skips visibly if ../shared is absent. */
    record Table(double[] returns, int rows, int assets) {
    }

    static Table logReturns(String relative) throws IOException {
        List<String[]> rows = dataRows(sharedLines(relative));
        int n = rows.isEmpty() ? 0 : rows.get(0).length - 1;
        List<double[]> prices = new ArrayList<>();
        for (String[] cells : rows) {
            double[] p = new double[n];
            boolean complete = true;
            for (int j = 0; j < n && complete; j++) {
                p[j] = price(cells[j + 1]);
                complete = !Double.isNaN(p[j]);
            }
            if (complete) {
                prices.add(p);
            }
        }
        return logReturnsOf(prices, n);
    }

    /**
     * Log returns, row-major T×N, of the file's columns that have a price on every date (a constituents file whose
     * late listings leave few complete rows keeps its whole history this way); skips visibly if ../shared is absent.
     */
    static Table completeColumnsLogReturns(String relative) throws IOException {
        List<String[]> rows = dataRows(sharedLines(relative));
        int width = rows.isEmpty() ? 0 : rows.get(0).length - 1;
        List<Integer> keep = new ArrayList<>();
        for (int j = 0; j < width; j++) {
            boolean complete = true;
            for (String[] cells : rows) {
                if (Double.isNaN(price(cells[j + 1]))) {
                    complete = false;
                    break;
                }
            }
            if (complete) {
                keep.add(j);
            }
        }
        List<double[]> prices = new ArrayList<>();
        for (String[] cells : rows) {
            double[] p = new double[keep.size()];
            for (int j = 0; j < p.length; j++) {
                p[j] = price(cells[keep.get(j) + 1]);
            }
            prices.add(p);
        }
        return logReturnsOf(prices, keep.size());
    }

    /** The data lines (after the header) split into cells, those with a cell for every column (cell 0: the date). */
    private static List<String[]> dataRows(List<String> lines) {
        int width = lines.get(0).split(",", -1).length;
        List<String[]> rows = new ArrayList<>();
        for (String line : lines.subList(1, lines.size())) {
            String[] cells = line.split(",", -1);
            if (cells.length == width) {
                rows.add(cells);
            }
        }
        return rows;
    }

    /** A cell's price, or NaN when it is empty, not positive or not finite. */
    private static double price(String cell) {
        String c = cell.trim();
        if (c.isEmpty()) {
            return Double.NaN;
        }
        double p = Double.parseDouble(c);
        return p > 0 && Double.isFinite(p) ? p : Double.NaN;
    }

    /** The lines of a file under ../shared; skips visibly if it is absent. */
    private static List<String> sharedLines(String relative) throws IOException {
        String shared = System.getProperty("equirisk.shared");
        Assumptions.assumeTrue(shared != null && Files.isDirectory(Path.of(shared)),
                "shared data folder (equirisk.shared) not present: " + shared);
        Path file = Path.of(shared, relative);
        Assumptions.assumeTrue(Files.isRegularFile(file), "missing " + file);
        return Files.readAllLines(file);
    }

    private static Table logReturnsOf(List<double[]> prices, int n) {
        int rows = prices.size() - 1;
        double[] r = new double[rows * n];
        for (int t = 0; t < rows; t++) {
            for (int j = 0; j < n; j++) {
                r[t * n + j] = Math.log(prices.get(t + 1)[j] / prices.get(t)[j]);
            }
        }
        return new Table(r, rows, n);
    }
}

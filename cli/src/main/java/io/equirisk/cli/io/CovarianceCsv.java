package io.equirisk.cli.io;

import io.equirisk.covariance.CovarianceMatrix;
import io.equirisk.error.DataFormatException;
import io.equirisk.error.DimensionMismatchException;
import io.equirisk.error.InvalidInputException;

import java.io.IOException;
import java.io.Writer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads and writes a covariance matrix as CSV. Accepted layouts: a bare N×N block; a header row of N asset names
 * (optionally with a blank or label cell first) above the block; a first column of names beside it; or both, in
 * which case the names must agree. A matrix written as one triangle, the other half left empty (Excel's Analysis
 * ToolPak writes the lower), is read as symmetric. Written: a header row of names, then N rows of numbers at full
 * precision.
 */
public final class CovarianceCsv {
    private CovarianceCsv() {
    }

    public static CovarianceMatrix read(Path path) {
        return read(CsvTable.read(path));
    }

    /**
     * Whether the rows' first cells are the header's names from {@code from} (1 after a corner, as pandas writes;
     * 0 without one): numeric tickers naming the rows.
     */
    private static boolean namesMatch(CsvTable.Row header, int from, List<CsvTable.Row> data) {
        if (from < 0 || from > 1 || header.size() - from != data.size()) {
            return false;
        }
        for (int i = 0; i < data.size(); i++) {
            if (!data.get(i).cell(0).equals(header.cell(i + from))) {
                return false;
            }
        }
        return true;
    }

    /**
     * Whether the rows below {@code first} are N rows of N cells under N names, or of N + 1 cells (a column of names)
     * under N names or under a corner and N names.
     */
    private static boolean squareBelow(CsvTable.Row first, List<CsvTable.Row> all) {
        int rows = all.size() - 1;
        int width = all.get(1).size();
        for (CsvTable.Row r : all.subList(1, all.size())) {
            if (r.size() != width) {
                return false;
            }
        }
        /* a corner is blank or a word (pandas' "", an index name): a number there is a row of an integer matrix */
        boolean corner = first.size() == rows + 1 && (first.isEmpty(0) || !Cells.isNumeric(first.cell(0)));
        boolean plain = width == rows && first.size() == rows;
        boolean named = width == rows + 1 && (first.size() == rows || corner);
        for (int j = corner ? 1 : 0; j < first.size(); j++) {
            if (first.isEmpty(j)) {
                return false; /* only the corner may be blank */
            }
        }
        return plain || named;
    }

    public static CovarianceMatrix read(CsvTable table) {
        List<CsvTable.Row> all = table.rows();
        CsvTable.Row first = all.get(0);
        // a first row of names that read as numbers or marks (SPY beside 7203, as 'cov' writes them; NA, INF; a
        // blank corner above a column of names, as pandas writes it) is a header where the rows below then form the
        // square block, with or without a column of names; a fraction in it makes it a row of covariances (a bad
        // first cell such as #REF! above an N × N block is named as the bad cell it is, not read as a header)
        boolean header = SeriesCsv.isHeader(first) || all.size() >= 2 && SeriesCsv.tickersOnly(first, 0)
                && squareBelow(first, all);
        List<CsvTable.Row> data = header ? all.subList(1, all.size()) : all;
        if (data.isEmpty()) {
            throw new DataFormatException(table.file() + ": has a header row (line " + first.line()
                    + ") but no matrix rows");
        }
        int width = data.get(0).size();
        /* a column of names makes the rows one cell longer than the matrix is tall: some name that is text, or a
           header with a corner cell above it (numeric tickers); one bad cell in the first column of an N × N block
           is not a column of names, and is named below as the bad cell it is */
        int named = 0;
        for (CsvTable.Row r : data) {
            named += Cells.isNumeric(r.cell(0)) ? 0 : 1;
        }
        boolean rowNames;
        if (width == data.size() + 1) {
            boolean trailing = true; /* a separator ending every line leaves a last column of blanks, not names */
            for (CsvTable.Row r : data) {
                trailing &= r.isEmpty(r.size() - 1);
            }
            rowNames = named > 0 || header && !trailing && namesMatch(first, first.size() - (width - 1), data);
        } else { /* square without them: names only if every row has one; otherwise (not square) for the message */
            rowNames = width == data.size() ? named == data.size() : named > 0;
        }
        for (CsvTable.Row r : data) {
            if (r.size() != width) {
                throw new DataFormatException(table.file() + ", line " + r.line() + ": row has " + r.size()
                        + " cells but line " + data.get(0).line() + " has " + width + " (ragged rows)");
            }
        }
        int off = rowNames ? 1 : 0;
        int n = data.size();
        int cols = width - off;
        if (cols != n) {
            boolean lastEmpty = true;
            for (CsvTable.Row r : data) {
                lastEmpty &= r.cell(width - 1).isEmpty();
            }
            throw new DimensionMismatchException(table.file() + ": covariance matrix is not square: " + n + " rows × "
                    + cols + " columns" + (rowNames ? " (after the column of names)" : "") + (rowNames && n > 2 * cols
                    && DateColumn.isDate(data.get(0).cell(0)) ? "; its rows are dated, as a series of prices or "
                    + "returns is: give it with --prices or --returns" : "") + (lastEmpty ? "; the "
                    + "last column is empty on every row: remove the separator that ends each line" : ""));
        }
        List<String> names = null;
        if (header) {
            int headerOff = first.size() - n;
            if (headerOff != 0 && headerOff != 1) {
                throw new DataFormatException(table.file() + ", line " + first.line() + ": header has "
                        + first.size() + " cells for a " + n + " × " + n + " matrix");
            }
            names = SeriesCsv.assetNames(table, first, headerOff, n);
        }
        if (rowNames) {
            List<String> fromRows = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                CsvTable.Row r = data.get(i);
                String name = r.cell(0);
                if (names != null && !names.get(i).equals(name)) {
                    throw new DataFormatException(table.where(r.line(), 1) + ": row name '" + name
                            + "' does not match column " + (i + 1) + " of the header ('" + names.get(i)
                            + "'); rows and columns must list the assets in the same order");
                }
                if (fromRows.contains(name)) {
                    throw new DataFormatException(table.where(r.line(), 1) + ": duplicate asset name '" + name + "'");
                }
                fromRows.add(name);
            }
            names = fromRows;
        }
        double[] v = new double[Math.multiplyExact(n, n)];
        int triangle = oneTriangle(data, off, n);
        /* rows parsed side by side (9M cells at N = 3000); should any cell not be a number, the loop below, in file
           order, names the first */
        final List<CsvTable.Row> rowsOf = data;
        final int offset = off;
        boolean allNumbers = triangle == 0 && java.util.stream.IntStream.range(0, n).parallel().allMatch(i -> {
            CsvTable.Row r = rowsOf.get(i);
            for (int j = 0; j < n; j++) {
                if (!r.isNumber(j + offset)) {
                    return false;
                }
                v[i * n + j] = r.number(j + offset);
                if (Double.isInfinite(v[i * n + j])) {
                    return false; /* 1e400: named below */
                }
            }
            return true;
        });
        for (int row = 0; row < n && !allNumbers; row++) { /* in file order: the first bad cell is named */
            for (int col = 0; col < n; col++) {
                if (triangle * Integer.signum(col - row) < 0) {
                    continue; /* the empty half: filled from the written one */
                }
                String cell = data.get(row).cell(col + off);
                if (!Cells.isNumber(cell) || Double.isInfinite(Cells.parse(cell))) {
                    String what = Cells.isMissing(cell) ? "is missing" : Cells.isInfinite(cell) ? "is infinite"
                            : Cells.isNumber(cell) ? "'" + cell + "' is beyond the range of a double (±1.8e308)"
                            : "'" + cell + "' is not a number";
                    throw new DataFormatException(table.where(data.get(row).line(), col + off + 1)
                            + where(names, row, col) + ": covariance entry " + what);
                }
                v[row * n + col] = Cells.parse(cell);
                if (triangle != 0) {
                    v[col * n + row] = v[row * n + col];
                }
            }
        }
        try {
            return CovarianceMatrix.of(n, v, names);
        } catch (InvalidInputException e) {
            throw Errors.inFile(table.file(), e);
        }
    }

    /**
     * +1 when the matrix is written as its upper triangle with every cell below the diagonal empty, −1 for the lower
     * triangle with the cells above it empty (Excel's Analysis ToolPak writes that), 0 otherwise: the empty half is
     * then read from the written one.
     */
    private static int oneTriangle(List<CsvTable.Row> data, int off, int n) {
        if (n < 2) {
            return 0;
        }
        boolean upperEmpty = true;
        boolean lowerEmpty = true;
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                boolean empty = data.get(i).isEmpty(j + off);
                upperEmpty &= j <= i || empty;
                lowerEmpty &= j >= i || empty;
            }
        }
        return lowerEmpty == upperEmpty ? 0 : lowerEmpty ? 1 : -1;
    }

    private static String where(List<String> names, int i, int j) {
        return names == null ? "" : " (" + names.get(i) + ", " + names.get(j) + ")";
    }

    /** Writes a header row of asset names, then the N rows, each value as Java's shortest round-trip decimal. */
    public static void write(CovarianceMatrix m, Writer out) throws IOException {
        int n = m.size();
        StringBuilder line = new StringBuilder();
        for (int j = 0; j < n; j++) {
            if (j > 0) {
                line.append(',');
            }
            line.append(Errors.csvText(m.assets().get(j)));
        }
        out.write(line.append('\n').toString());
        for (int i = 0; i < n; i++) {
            line.setLength(0);
            for (int j = 0; j < n; j++) {
                if (j > 0) {
                    line.append(',');
                }
                line.append(m.get(i, j));
            }
            out.write(line.append('\n').toString());
        }
    }
}

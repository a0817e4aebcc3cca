package io.equirisk.cli.io;

import io.equirisk.error.DataFormatException;
import io.equirisk.error.DimensionMismatchException;
import io.equirisk.error.InvalidBudgetException;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads risk budgets and lines them up with the assets. Accepted layouts:
 * <ul>
 *   <li>one row of N numbers, in asset order (optionally under a header row of asset names, then matched by name);
 *   <li>rows {@code asset,budget} (optionally under a header such as {@code asset,budget}), matched by name;
 *   <li>one number per line, N lines, in asset order.
 * </ul>
 * Named budgets must name every asset exactly once and no other. Budgets must be finite and ≥ 0; whether they must
 * sum to one is the caller's business (see {@code --normalize-budgets}).
 */
public final class BudgetsCsv {
    private BudgetsCsv() {
    }

    public static double[] read(Path path, List<String> assets) {
        return read(CsvTable.read(path), assets, Set.of());
    }

    /**
     * As {@link #read(Path, List)}, a named file allowed to leave out the assets of {@code optional} (their budget
     * 0): the assets a command left out of the estimate, which a file of the kept ones need not name.
     */
    public static double[] read(Path path, List<String> assets, Set<String> optional) {
        return read(CsvTable.read(path), assets, optional);
    }

    public static double[] read(CsvTable table, List<String> assets) {
        return read(table, assets, Set.of());
    }

    private static double[] read(CsvTable table, List<String> assets, Set<String> optional) {
        List<CsvTable.Row> rows = table.rows();
        CsvTable.Row first = rows.get(0);
        Set<String> known = Set.copyOf(assets);
        boolean pairsBelow = rows.size() > 1;
        for (CsvTable.Row r : rows.subList(1, rows.size())) {
            pairsBelow &= isPair(r, known);
        }
        /* a first row that names an asset above more 'asset,budget' rows is one of them (a bad budget there is
           reported at its cell), not a header such as 'asset,budget'; a first row of asset names only (tickers such
           as 7203 too) above one row is a header */
        boolean header = (SeriesCsv.isHeader(first) || namesAssets(first, known) || !Cells.isNumeric(first.cell(0))
                && first.size() > 1 && !pairsBelow) && rows.size() > 1
                && !(pairsBelow && isPair(first, known) && assets.contains(first.cell(0)));
        List<CsvTable.Row> data = header ? rows.subList(1, rows.size()) : rows;
        boolean pairs = true;
        for (CsvTable.Row r : data) {
            pairs &= isPair(r, known);
        }
        if (pairs) {
            return named(table, data, assets, -1, optional);
        }
        if (data.size() == 1) {
            if (header) {
                List<String> names = SeriesCsv.assetNames(table, first, 0, first.size());
                CsvTable.Row r = data.get(0);
                if (r.size() != names.size()) {
                    throw new DataFormatException(table.file() + ", line " + r.line() + ": " + r.size()
                            + " budgets under a header of " + names.size() + " names (line " + first.line() + ")");
                }
                List<CsvTable.Row> asPairs = new ArrayList<>();
                for (int j = 0; j < names.size(); j++) {
                    value(table, r, j, names.get(j)); // reports a bad cell at its own column
                    asPairs.add(new CsvTable.Row(r.line(), new String[] {names.get(j), r.cell(j)}));
                }
                return named(table, asPairs, assets, first.line(), optional);
            }
            return positional(table, data.get(0), 0, data.get(0).size(), assets);
        }
        if (!header) {
            boolean column = true;
            for (CsvTable.Row r : data) {
                column &= r.size() == 1;
            }
            if (column) {
                double[] b = new double[data.size()];
                checkCount(table, b.length, assets);
                for (int i = 0; i < b.length; i++) {
                    b[i] = value(table, data.get(i), 0, assets.get(i));
                }
                return b;
            }
        }
        throw new DataFormatException(table.file() + ": budgets must be one row of " + assets.size()
                + " numbers, or rows 'asset,budget' (line " + data.get(0).line() + " has " + data.get(0).size()
                + " cells and the file has " + data.size() + " data rows)");
    }

    /** A row 'asset,budget': two cells, the first text or the name of an asset (tickers such as 7203). */
    private static boolean isPair(CsvTable.Row r, Set<String> assets) {
        return r.size() == 2 && (!Cells.isNumeric(r.cell(0)) || assets.contains(r.cell(0)));
    }

    /** Whether every cell names an asset: a header of names above one row of budgets, numeric tickers included. */
    private static boolean namesAssets(CsvTable.Row r, Set<String> assets) {
        for (int j = 0; j < r.size(); j++) {
            if (!assets.contains(r.cell(j))) {
                return false;
            }
        }
        return true;
    }

    private static double[] positional(CsvTable table, CsvTable.Row r, int from, int count, List<String> assets) {
        checkCount(table, count, assets);
        double[] b = new double[count];
        for (int j = 0; j < count; j++) {
            b[j] = value(table, r, from + j, assets.get(j));
        }
        return b;
    }

    private static void checkCount(CsvTable table, int count, List<String> assets) {
        if (count != assets.size()) {
            throw new DimensionMismatchException(table.file() + ": " + count + " budgets for " + assets.size()
                    + " assets");
        }
    }

    private static double[] named(CsvTable table, List<CsvTable.Row> data, List<String> assets, int headerLine,
                                  Set<String> optional) {
        Map<String, Integer> index = new HashMap<>();
        for (int i = 0; i < assets.size(); i++) {
            index.put(assets.get(i), i);
        }
        double[] b = new double[assets.size()];
        int[] line = new int[assets.size()];
        for (int k = 0; k < data.size(); k++) {
            CsvTable.Row r = data.get(k);
            String name = r.cell(0);
            int column = headerLine < 0 ? 1 : k + 1;
            int at = headerLine < 0 ? r.line() : headerLine;
            Integer i = index.get(name);
            if (i == null) {
                String near = assets.stream().filter(a -> a.equalsIgnoreCase(name)).findFirst().orElse(null);
                throw new InvalidBudgetException(table.where(at, column) + ": budget for unknown asset '" + name
                        + "' (" + (near != null ? "did you mean '" + near + "'? names match exactly, case too"
                        : "the assets are " + preview(assets)) + ")");
            }
            if (line[i] != 0) {
                throw new InvalidBudgetException(table.where(at, column) + ": second budget for asset '" + name
                        + "' (first on line " + line[i] + ")");
            }
            line[i] = r.line();
            b[i] = value(table, r, 1, name);
        }
        for (int i = 0; i < assets.size(); i++) {
            if (line[i] == 0 && !optional.contains(assets.get(i))) {
                throw new InvalidBudgetException(table.file() + ": no budget for asset '" + assets.get(i)
                        + "' (every asset needs one; give 0 to leave it out)");
            }
        }
        return b;
    }

    private static double value(CsvTable table, CsvTable.Row r, int column, String asset) {
        String cell = r.cell(column);
        if (!Cells.isNumber(cell)) {
            throw new InvalidBudgetException(table.where(r.line(), column + 1) + " (asset " + asset + "): budget '"
                    + cell + "' is not a finite number");
        }
        double v = Cells.parse(cell);
        if (v < 0) {
            throw new InvalidBudgetException(table.where(r.line(), column + 1) + " (asset " + asset + "): budget "
                    + cell + " is negative");
        }
        return v;
    }

    private static String preview(List<String> assets) {
        return assets.size() <= 8 ? String.join(", ", assets)
                : String.join(", ", assets.subList(0, 8)) + ", … (" + assets.size() + " in all)";
    }
}

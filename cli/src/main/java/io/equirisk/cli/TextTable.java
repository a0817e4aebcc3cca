package io.equirisk.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;

/**
 * A plain-text table: the first column left-aligned, the others right-aligned (numbers) unless marked as text,
 * widths fitted to the cells.
 */
final class TextTable {
    private final List<String[]> rows = new ArrayList<>();
    private final int columns;
    private final boolean[] left;

    TextTable(String... header) {
        this.columns = header.length;
        this.left = new boolean[columns];
        this.left[0] = true;
        rows.add(header);
    }

    /** Marks columns that hold text, which reads left-aligned (a right-aligned long reason pads every short one). */
    TextTable text(int... cols) {
        for (int c : cols) {
            left[c] = true;
        }
        return this;
    }

    void row(String... cells) {
        if (cells.length != columns) {
            throw new IllegalArgumentException("row of " + cells.length + " cells in a table of " + columns);
        }
        rows.add(cells);
    }

    /** A horizontal rule at this point. */
    void rule() {
        rows.add(null);
    }

    void print(PrintWriter out) {
        int[] width = new int[columns];
        for (String[] r : rows) {
            if (r != null) {
                for (int c = 0; c < columns; c++) {
                    width[c] = Math.max(width[c], r[c].length());
                }
            }
        }
        int total = 0;
        for (int w : width) {
            total += w;
        }
        total += 2 * (columns - 1);
        boolean header = true;
        for (String[] r : rows) {
            if (r == null) {
                out.println("-".repeat(total));
                continue;
            }
            StringBuilder line = new StringBuilder();
            for (int c = 0; c < columns; c++) {
                if (c > 0) {
                    line.append("  ");
                }
                String pad = " ".repeat(width[c] - r[c].length());
                line.append(left[c] ? r[c] + pad : pad + r[c]);
            }
            out.println(line.toString().stripTrailing());
            if (header) {
                out.println("-".repeat(total));
                header = false;
            }
        }
    }

    /** A share as a percentage, two decimals; "n/a" for NaN (a statistic that the data do not define). */
    static String percent(double share) {
        return Double.isNaN(share) ? "n/a" : String.format(java.util.Locale.ROOT, "%.2f%%", 100 * share);
    }

    /** A number with fixed decimals; "n/a" for NaN. */
    static String fixed(double v, int decimals) {
        return Double.isNaN(v) ? "n/a" : String.format(java.util.Locale.ROOT, "%." + decimals + "f", v);
    }
}

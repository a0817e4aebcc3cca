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
                    width[c] = Math.max(width[c], displayWidth(r[c]));
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
                String cell = r[c].replaceAll("[\\t\\n\\r]", " "); /* a control character in a name breaks the row */
                String pad = " ".repeat(width[c] - displayWidth(r[c]));
                line.append(left[c] ? cell + pad : pad + cell);
            }
            out.println(line.toString().stripTrailing());
            if (header) {
                out.println("-".repeat(total));
                header = false;
            }
        }
    }

    /**
     * The columns a cell takes on a terminal: two for East Asian wide and full-width characters (日経, ＡＢＣ),
     * none for combining marks (the accent of an NFD "é"), one otherwise; String.length() pushed a row of CJK names
     * out of line.
     */
    static int displayWidth(String cell) {
        int width = 0;
        for (int i = 0; i < cell.length(); ) {
            int cp = cell.codePointAt(i);
            i += Character.charCount(cp);
            int type = Character.getType(cp);
            width += type == Character.NON_SPACING_MARK || type == Character.ENCLOSING_MARK
                    || type == Character.FORMAT ? 0 : wide(cp) ? 2 : 1;
        }
        return width;
    }

    /** East Asian Wide and Fullwidth code points (Unicode's EastAsianWidth W and F), by block. */
    private static boolean wide(int cp) {
        return cp >= 0x1100 && cp <= 0x115F || cp >= 0x2E80 && cp <= 0x303E || cp >= 0x3041 && cp <= 0x33FF
                || cp >= 0x3400 && cp <= 0x4DBF || cp >= 0x4E00 && cp <= 0x9FFF || cp >= 0xA000 && cp <= 0xA4CF
                || cp >= 0xAC00 && cp <= 0xD7A3 || cp >= 0xF900 && cp <= 0xFAFF || cp >= 0xFE30 && cp <= 0xFE4F
                || cp >= 0xFF00 && cp <= 0xFF60 || cp >= 0xFFE0 && cp <= 0xFFE6 || cp >= 0x1F300 && cp <= 0x1F64F
                || cp >= 0x1F900 && cp <= 0x1F9FF || cp >= 0x20000 && cp <= 0x3FFFD;
    }

    /** A share as a percentage, two decimals; "n/a" for NaN (a statistic that the data do not define). */
    static String percent(double share) {
        return Double.isNaN(share) ? "n/a" : String.format(java.util.Locale.ROOT, "%.2f%%", 100 * share);
    }

    /**
     * A share of risk as a percentage, to three significant figures below 1% (1/3000 of the risk is 0.0333%, which
     * two decimals showed as 0.03%, as they did 0.0251%), two decimals above.
     */
    static String share(double share) {
        double p = 100 * share;
        return p != 0 && Math.abs(p) < 1 && !Double.isNaN(p) ? String.format(java.util.Locale.ROOT, "%.3g%%", p)
                : percent(share);
    }

    /** A number with fixed decimals; "n/a" for NaN. */
    static String fixed(double v, int decimals) {
        if (v != 0 && Math.abs(v) < 0.5 * Math.pow(10, -decimals)) { /* 1e-8 is not the 0 of a zero budget */
            return String.format(java.util.Locale.ROOT, "%.1e", v);
        }
        return Double.isNaN(v) ? "n/a" : String.format(java.util.Locale.ROOT, "%." + decimals + "f", v);
    }
}

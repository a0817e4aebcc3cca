package io.equirisk.cli.io;

import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/** How the readers classify a cell: a number, a missing-value marker, or text. */
final class Cells {
    /** Plain decimal numbers only: no hex, no Java suffixes (1d, 2f), no "Infinity". */
    /** The language of a number cell (the scanner in {@link #isNumber} is checked against it). */
    static final Pattern NUMBER = Pattern.compile("[+-]?(\\d+\\.?\\d*|\\.\\d+)([eE][+-]?\\d+)?");
    private static final Set<String> MISSING = Set.of("", "nan", "null", "na", "n/a", "#n/a", "none", "-nan");
    private static final Set<String> INFINITE = Set.of("inf", "+inf", "-inf", "infinity", "+infinity", "-infinity");

    private Cells() {
    }

    /**
     * Whether the cell is a plain decimal number: {@link #NUMBER}'s language, scanned by hand (a regex per cell was
     * a tenth of reading a 3000-asset covariance file).
     */
    static boolean isNumber(String cell) {
        int n = cell.length();
        int i = afterSign(cell, 0);
        int whole = digitsAt(cell, i);
        i += whole;
        int fraction = 0;
        if (i < n && cell.charAt(i) == '.') {
            fraction = digitsAt(cell, i + 1);
            i += 1 + fraction;
        }
        if (whole + fraction == 0) {
            return false;
        }
        if (i < n && (cell.charAt(i) == 'e' || cell.charAt(i) == 'E')) {
            i = afterSign(cell, i + 1);
            int exponent = digitsAt(cell, i);
            if (exponent == 0) {
                return false;
            }
            i += exponent;
        }
        return i == n;
    }

    /** Where the text goes on after an optional sign at {@code i}. */
    private static int afterSign(String cell, int i) {
        return i < cell.length() && (cell.charAt(i) == '+' || cell.charAt(i) == '-') ? i + 1 : i;
    }

    /** How many digits run from {@code i}. */
    private static int digitsAt(String cell, int i) {
        int j = i;
        while (j < cell.length() && isDigit(cell.charAt(j))) {
            j++;
        }
        return j - i;
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    /** Empty, NaN, null, NA, N/A, #N/A, None (any case), and Bloomberg's #N/A with a reason (#N/A N/A). */
    static boolean isMissing(String cell) {
        String c = cell.toLowerCase(Locale.ROOT);
        return MISSING.contains(c) || c.startsWith("#n/a ");
    }

    /**
     * What to say of a cell that is neither a number nor a missing marker but holds no digit (-, ., n.a., #DIV/0!):
     * some tool's own way of writing "no value".
     */
    static String missingHint(String cell) {
        return cell.chars().anyMatch(Character::isDigit) ? "" : " (if it means no value, leave the cell empty: "
                + "empty, NaN, NA, N/A, #N/A, null and None are read as missing)";
    }

    static boolean isInfinite(String cell) {
        return INFINITE.contains(cell.toLowerCase(Locale.ROOT));
    }

    /** A number or a missing marker: what a data cell may hold. */
    static boolean isNumeric(String cell) {
        return isNumber(cell) || isMissing(cell) || isInfinite(cell);
    }

    /**
     * A cell {@link #isNumber} accepted, as the nearest double: the same bits as {@link Double#parseDouble} (both
     * round correctly), ~4× faster on the 17-digit numbers a full-precision covariance file holds.
     */
    static double parse(String cell) {
        return ch.randelshofer.fastdoubleparser.JavaDoubleParser.parseDouble(cell);
    }
}

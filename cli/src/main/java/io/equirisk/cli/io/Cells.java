package io.equirisk.cli.io;

import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/** How the readers classify a cell: a number, a missing-value marker, or text. */
final class Cells {
    /**
     * The language of a number cell, plain decimal numbers only: no hex, no Java suffixes (1d, 2f), no "Infinity"
     * (the scanner in {@link #isNumber} is checked against it).
     */
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
        return isNumber(cell, 0, cell.length());
    }

    /** {@link #isNumber(String)} of the characters [from, to) of {@code text}, without cutting them out. */
    static boolean isNumber(CharSequence text, int from, int to) {
        int i = afterSign(text, from, to);
        int whole = digitsAt(text, i, to);
        i += whole;
        int fraction = 0;
        if (i < to && text.charAt(i) == '.') {
            fraction = digitsAt(text, i + 1, to);
            i += 1 + fraction;
        }
        if (whole + fraction == 0) {
            return false;
        }
        if (i < to && (text.charAt(i) == 'e' || text.charAt(i) == 'E')) {
            i = afterSign(text, i + 1, to);
            int exponent = digitsAt(text, i, to);
            if (exponent == 0) {
                return false;
            }
            i += exponent;
        }
        return i == to;
    }

    /** Where the text goes on after an optional sign at {@code i}. */
    private static int afterSign(CharSequence text, int i, int to) {
        return i < to && (text.charAt(i) == '+' || text.charAt(i) == '-') ? i + 1 : i;
    }

    /** How many digits run from {@code i}. */
    private static int digitsAt(CharSequence text, int i, int to) {
        int j = i;
        while (j < to && isDigit(text.charAt(j))) {
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

    /** {@link #parse(String)} of the characters [from, to) of {@code text}, which {@link #isNumber} accepted. */
    static double parse(CharSequence text, int from, int to) {
        return ch.randelshofer.fastdoubleparser.JavaDoubleParser.parseDouble(text, from, to - from);
    }
}

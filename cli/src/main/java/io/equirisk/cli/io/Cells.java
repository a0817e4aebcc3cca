package io.equirisk.cli.io;

import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/** How the readers classify a cell: a number, a missing-value marker, or text. */
final class Cells {
    /** Plain decimal numbers only: no hex, no Java suffixes (1d, 2f), no "Infinity". */
    private static final Pattern NUMBER = Pattern.compile("[+-]?(\\d+\\.?\\d*|\\.\\d+)([eE][+-]?\\d+)?");
    private static final Set<String> MISSING = Set.of("", "nan", "null", "na", "n/a", "#n/a", "none", "-nan");
    private static final Set<String> INFINITE = Set.of("inf", "+inf", "-inf", "infinity", "+infinity", "-infinity");

    private Cells() {
    }

    static boolean isNumber(String cell) {
        return NUMBER.matcher(cell).matches();
    }

    /** Empty, NaN, null, NA, N/A, #N/A, None (any case). */
    static boolean isMissing(String cell) {
        return MISSING.contains(cell.toLowerCase(Locale.ROOT));
    }

    static boolean isInfinite(String cell) {
        return INFINITE.contains(cell.toLowerCase(Locale.ROOT));
    }

    /** A number or a missing marker: what a data cell may hold. */
    static boolean isNumeric(String cell) {
        return isNumber(cell) || isMissing(cell) || isInfinite(cell);
    }

    static double parse(String cell) {
        return Double.parseDouble(cell);
    }
}

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

    static double parse(String cell) {
        return Double.parseDouble(cell);
    }
}

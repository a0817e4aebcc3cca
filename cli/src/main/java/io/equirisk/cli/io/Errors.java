package io.equirisk.cli.io;

import io.equirisk.error.InvalidInputException;

/** Small helpers for messages and CSV text shared by the readers and writers. */
public final class Errors {
    private Errors() {
    }

    /**
     * The same kind of exception with the file named in front of its message, so "asset X has variance 0" becomes
     * "cov.csv: asset X has variance 0" and the type (what went wrong) is kept.
     */
    public static InvalidInputException inFile(String file, InvalidInputException e) {
        return e.located(file);
    }

    /**
     * The same exception with the library's names of the missing-value policies replaced by the command line's
     * (--missing drop|pairwise|reject), keeping its type.
     */
    public static InvalidInputException inFlags(InvalidInputException e) {
        String m = e.getMessage();
        String flags = m.replace("the PAIRWISE missing-value policy", "--missing pairwise")
                .replace("DROP_INCOMPLETE_ROWS", "--missing drop").replace("PAIRWISE", "--missing pairwise")
                .replace("REJECT", "--missing reject");
        return flags.equals(m) ? e : e.withMessage(flags);
    }

    /** A name as a CSV cell: quoted when it holds a separator, quote or line break. */
    public static String csvText(String s) {
        if (s.indexOf(',') < 0 && s.indexOf(';') < 0 && s.indexOf('"') < 0 && s.indexOf('\n') < 0
                && s.indexOf('\r') < 0) {
            return s;
        }
        return '"' + s.replace("\"", "\"\"") + '"';
    }
}

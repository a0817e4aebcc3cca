package io.equirisk.cli;

import io.equirisk.backend.BatchSolution;
import io.equirisk.error.EquiriskException;
import io.equirisk.error.InvalidInputException;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;
import java.util.function.Supplier;

/** Where a command's report goes: its CSV to {@code --output}, and stdout as a table, JSON or the same CSV. */
final class ReportOutput {
    /** Writes the report's CSV. */
    interface Csv {
        void write(Writer w) throws IOException;
    }

    private ReportOutput() {
    }

    /** The {@code --format} value, checked before any work is done. */
    static String format(String format) {
        String fmt = format.trim().toLowerCase(Locale.ROOT);
        if (!fmt.equals("table") && !fmt.equals("json") && !fmt.equals("csv")) {
            throw new InvalidInputException("--format must be table, json or csv, got '" + format + "'");
        }
        return fmt;
    }

    /**
     * Checks an {@code --output} path before any work is done, so that a long run does not fail at its end: a file
     * name (not a directory) in a directory that exists and can be written. Returns it unchanged; null passes.
     */
    static Path checkOutput(Path output) {
        return checkOutput(output, "--output");
    }

    /** {@link #checkOutput(Path)} for the file of another option. */
    static Path checkOutput(Path output, String option) {
        if (output == null || isStdout(output)) {
            return output;
        }
        if (output.toString().isEmpty() || Files.isDirectory(output)) {
            throw new InvalidInputException(option + " '" + output + "' is a directory; give a file name");
        }
        Path dir = output.toAbsolutePath().getParent();
        if (dir == null || !Files.isDirectory(dir)) {
            throw new InvalidInputException(option + " " + output + ": directory " + dir + " does not exist");
        }
        if (Files.exists(output) ? !Files.isWritable(output) : !Files.isWritable(dir)) {
            throw new InvalidInputException(option + " " + output + ": permission denied");
        }
        return output;
    }

    /**
     * Checks a command's output files before any work ({@link #checkOutput(Path)}), and that neither names one of
     * its input files (which it would overwrite) nor the other.
     *
     * @param inputs the input files, nulls for options not given
     */
    static void checkOutputs(Path output, Path chart, Path... inputs) {
        checkOutputs(List.of(new Written("--output", output, null), new Written("--chart", chart, "an HTML page")),
                inputs);
    }

    /**
     * An output file option: its name, its path (null when not given) and, for an option that cannot write to
     * standard output, what it writes (null: it may).
     */
    record Written(String option, Path path, String fileOnly) {
    }

    /** {@link #checkOutputs(Path, Path, Path...)} for any number of output options. */
    static void checkOutputs(List<Written> files, Path... inputs) {
        for (Written f : files) {
            if (f.path() != null && f.fileOnly() != null && isStdout(f.path())) {
                throw new InvalidInputException(f.option() + " writes " + f.fileOnly() + " to a file; give it a file "
                        + "name, not " + f.path());
            }
            checkOutput(f.path(), f.option());
        }
        for (Path input : inputs) {
            for (Written f : files) {
                if (sameFile(f.path(), input)) {
                    throw new InvalidInputException(f.option() + " " + f.path() + " is the input file " + input
                            + ": writing it would destroy the input; choose another name");
                }
            }
        }
        for (int a = 0; a < files.size(); a++) {
            for (int b = a + 1; b < files.size(); b++) {
                Path pa = files.get(a).path();
                Path pb = files.get(b).path();
                if ((sameFile(pa, pb) || sameNewFile(pa, pb)) && !isStdout(pa)) {
                    throw new InvalidInputException(files.get(a).option() + " and " + files.get(b).option() + " name "
                            + "the same file, " + pa + ": one would overwrite the other");
                }
            }
        }
    }

    /** Whether two paths, either possibly null or missing, are one existing file (links and relative paths too). */
    private static boolean sameFile(Path a, Path b) {
        try {
            return a != null && b != null && Files.exists(a) && Files.exists(b) && Files.isSameFile(a, b);
        } catch (IOException e) {
            return false;
        }
    }

    /** The table's line naming the assets left out of Σ and why (none: no line). */
    static void printLeftOut(PrintWriter out, java.util.List<String> left, String why) {
        if (!left.isEmpty()) {
            out.println("left out:         " + left.size() + (left.size() == 1 ? " asset " : " assets ")
                    + why + ": " + String.join(", ", left.subList(0, Math.min(10, left.size())))
                    + (left.size() > 10 ? " and " + (left.size() - 10) + " more" : ""));
        }
    }

    /**
     * Whether two paths not yet written name one file: the same name in the same (real) folder. Two new outputs
     * pass {@link #sameFile}, which needs both to exist; written one after the other, the second replaced the first.
     */
    private static boolean sameNewFile(Path a, Path b) {
        if (a == null || b == null || a.getFileName() == null || !a.getFileName().equals(b.getFileName())) {
            return false;
        }
        Path pa = a.toAbsolutePath().getParent();
        Path pb = b.toAbsolutePath().getParent();
        try {
            return Files.isSameFile(pa, pb);
        } catch (IOException e) {
            return pa.normalize().equals(pb.normalize());
        }
    }

    /**
     * Whether {@code --output} names standard output: {@code -}, {@code /dev/stdout}, or the file standard output is
     * redirected to. The CSV then goes to standard output once, in place of the {@code --format} output (written to
     * it as a file, the two overwrote each other).
     */
    static boolean isStdout(Path output) {
        return output != null && (output.toString().equals("-") || sameFile(output, Path.of("/dev/stdout")));
    }

    /**
     * Warns when the CSV will have an asset column named as one of its fixed columns ({@code fixed}): readers such
     * as pandas rename the later one ("converged.1"), so {@code df["converged"]} would be the asset's weights.
     */
    static void warnColumnClash(PrintWriter err, Path output, String fmt, java.util.List<String> assets,
                                java.util.List<String> fixed) {
        if (output == null && !fmt.equals("csv")) {
            return;
        }
        java.util.List<String> clash = assets.stream().filter(fixed::contains).toList();
        if (!clash.isEmpty()) {
            err.println("equirisk: warning: asset" + (clash.size() > 1 ? "s " : " ") + String.join(", ", clash)
                    + " share" + (clash.size() > 1 ? "" : "s") + " a name with a fixed column of the CSV ("
                    + String.join(",", fixed) + "); readers such as pandas rename the later column");
        }
    }

    /** A batch's "converged" and "iterations" summary lines (the tables of rolling and scenarios). */
    static void convergence(PrintWriter out, BatchSolution s, double tolerance) {
        int count = s.batch();
        out.println("converged:        " + (count - s.unconvergedCount()) + " of " + count
                + " (largest residual max|RC − b| = " + String.format(Locale.ROOT, "%.2e", s.maxResidual())
                + ", tolerance " + tolerance(tolerance) + ")");
        out.println("iterations:       mean " + String.format(Locale.ROOT, "%.1f",
                java.util.Arrays.stream(s.iterations()).average().orElse(0)) + ", max "
                + java.util.Arrays.stream(s.iterations()).max().orElse(0));
    }

    /** A tolerance as given, in its shortest decimal (1e-10, 1.5e-10; "%.0e" rounded 1.5e-10 to 2e-10). */
    static String tolerance(double tol) {
        return new java.math.BigDecimal(Double.toString(tol)).stripTrailingZeros().toString().replace("E", "e");
    }

    /** An I/O failure's reason in words (a NoSuchFileException's message is only the path). */
    static String reason(IOException e) {
        if (e instanceof java.nio.file.FileSystemException f && f.getReason() != null) {
            return f.getReason();
        }
        return e instanceof java.nio.file.NoSuchFileException ? "no such file or directory"
                : e instanceof java.nio.file.AccessDeniedException ? "permission denied" : e.getMessage();
    }

    /** The CSV to {@code output} when given, then stdout in {@code fmt} (only the CSV when the output is stdout). */
    static void emit(Path output, String fmt, PrintWriter out, Csv csv, Supplier<String> json,
                     Consumer<PrintWriter> table) {
        if (isStdout(output)) {
            fmt = "csv";
        } else if (output != null) {
            try (Writer w = Files.newBufferedWriter(output, StandardCharsets.UTF_8)) {
                csv.write(w);
            } catch (IOException e) {
                throw new EquiriskException("cannot write " + output + ": " + reason(e));
            }
        }
        switch (fmt) {
            case "json" -> out.println(json.get());
            case "csv" -> {
                StringWriter s = new StringWriter();
                try {
                    csv.write(s);
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
                out.print(s);
            }
            default -> table.accept(out);
        }
        out.flush();
    }
}

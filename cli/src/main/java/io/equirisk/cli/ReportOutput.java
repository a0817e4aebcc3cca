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
        if (output == null) {
            return null;
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

    /** A batch's "converged" and "iterations" summary lines (the tables of rolling and scenarios). */
    static void convergence(PrintWriter out, BatchSolution s, double tolerance) {
        int count = s.batch();
        out.println("converged:        " + (count - s.unconvergedCount()) + " of " + count
                + " (largest residual max|RC − b| = " + String.format(Locale.ROOT, "%.2e", s.maxResidual())
                + ", tolerance " + String.format(Locale.ROOT, "%.0e", tolerance) + ")");
        out.println("iterations:       mean " + String.format(Locale.ROOT, "%.1f",
                java.util.Arrays.stream(s.iterations()).average().orElse(0)) + ", max "
                + java.util.Arrays.stream(s.iterations()).max().orElse(0));
    }

    /** An I/O failure's reason in words (a NoSuchFileException's message is only the path). */
    static String reason(IOException e) {
        if (e instanceof java.nio.file.FileSystemException f && f.getReason() != null) {
            return f.getReason();
        }
        return e instanceof java.nio.file.NoSuchFileException ? "no such file or directory"
                : e instanceof java.nio.file.AccessDeniedException ? "permission denied" : e.getMessage();
    }

    /** The CSV to {@code output} when given, then stdout in {@code fmt}. */
    static void emit(Path output, String fmt, PrintWriter out, Csv csv, Supplier<String> json,
                     Consumer<PrintWriter> table) {
        if (output != null) {
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

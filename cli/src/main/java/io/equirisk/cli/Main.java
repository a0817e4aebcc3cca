package io.equirisk.cli;

import io.equirisk.error.EquiriskException;
import io.equirisk.error.InvalidInputException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

/**
 * The {@code equirisk} command. Exit status: 0 success, 2 bad usage or bad input (the message says what and where),
 * 1 any other failure. Errors are one line on stderr unless {@code --debug} asks for the stack trace.
 */
@Command(name = "equirisk", mixinStandardHelpOptions = true, versionProvider = VersionInfo.class,
        subcommands = {SolveCommand.class, BatchCommand.class, RollingCommand.class, ScenariosCommand.class,
                CovCommand.class, DemoCommand.class, BenchCommand.class, DevicesCommand.class,
                CommandLine.HelpCommand.class},
        description = {"Risk parity (equal risk contribution) and risk budgeting portfolios, on the CPU or a GPU.",
                ""},
        footer = {"", "Examples:",
                "  equirisk demo",
                "  equirisk solve --prices prices.csv --estimator ledoit-wolf",
                "  equirisk solve --cov cov.csv --budgets budgets.csv --output weights.csv",
                "  equirisk batch --cov stress/*.csv --output weights.csv",
                "  equirisk rolling --prices prices.csv --window 252 --step 21 \\", "      --output weights.csv",
                "  equirisk scenarios --prices prices.csv --scenarios 10000 --dof 5",
                "  equirisk cov --prices prices.csv --window 500 --output cov.csv",
                "  equirisk bench --quick",
                "  equirisk devices",
                "",
                "Exit status: 0 success, 2 bad usage or input, 1 other failure (a failed write to standard output "
                        + "too); 141 when the reader of standard output closed it (| head), quietly, as for a Unix "
                        + "tool."})
public final class Main implements Runnable {
    public static final int EXIT_OK = 0;
    public static final int EXIT_FAILURE = 1;
    public static final int EXIT_USAGE = 2;
    /** 128 + SIGPIPE, what a shell reports for a Unix tool whose reader went away. */
    public static final int EXIT_READER_CLOSED = 141;

    @Option(names = "--debug", scope = CommandLine.ScopeType.INHERIT,
            description = "Print stack traces of errors (otherwise each error is one line).")
    boolean debug;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /** Whether stderr is an interactive terminal (progress then shows at once, on one rewritten line). */
    boolean errIsTerminal;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(),
                "missing command: choose one of solve, rolling, scenarios, cov, demo, bench, devices");
    }

    public static void main(String[] args) {
        boolean terminal = System.console() != null && System.console().isTerminal();
        if (args.length > 0 && List.of("solve", "rolling", "scenarios", "cov", "bench", "demo").contains(args[0])
                && ModuleLayer.boot().findModule("jdk.incubator.vector").isEmpty()) {
            // `java -jar equirisk.jar` as a user types it: it works, on the scalar kernels, 6–60× slower (a review)
            System.err.println("equirisk: note: the JVM runs without jdk.incubator.vector, so the CPU kernels are "
                    + "scalar and several times slower; run java with --add-modules jdk.incubator.vector (the "
                    + "equirisk script does)");
        }
        /* the file descriptor, not System.out: a PrintStream hides write failures from the recorder in execute */
        int code = execute(args, new java.io.FileOutputStream(java.io.FileDescriptor.out), System.err, terminal);
        System.exit(code);
    }

    /** Runs the command with the given streams (tests capture them) and returns the exit status. */
    public static int execute(String[] args, OutputStream out, OutputStream err) {
        return execute(args, out, err, false);
    }

    static int execute(String[] args, OutputStream out, OutputStream err, boolean errIsTerminal) {
        WriteFailureRecorder stdout = new WriteFailureRecorder(out);
        PrintWriter outWriter = new PrintWriter(new OutputStreamWriter(stdout, StandardCharsets.UTF_8), true);
        PrintWriter errWriter = new PrintWriter(new OutputStreamWriter(err, StandardCharsets.UTF_8), true);
        boolean debug = Arrays.asList(args).contains("--debug");
        Main main = new Main();
        main.errIsTerminal = errIsTerminal;
        CommandLine cmd = new CommandLine(main);
        cmd.setOut(outWriter);
        cmd.setErr(errWriter);
        cmd.setCaseInsensitiveEnumValuesAllowed(true);
        cmd.setParameterExceptionHandler((ex, argv) -> {
            if (debug) {
                ex.printStackTrace(errWriter);
            }
            String sub = ex.getCommandLine().getCommandName();
            String help = ex.getCommandLine() == cmd ? "equirisk --help" : "equirisk " + sub + " --help";
            String message = oneLine(ex.getMessage()).replaceFirst("^Error: ", "");
            if (ex instanceof CommandLine.UnmatchedArgumentException u && ex.getCommandLine() == cmd
                    && !u.getUnmatched().isEmpty() && !u.getUnmatched().get(0).startsWith("-")) {
                message = "unknown command '" + u.getUnmatched().get(0) + "': choose one of "
                        + String.join(", ", cmd.getSubcommands().keySet());
            }
            errWriter.println("equirisk: error: " + message + " (see " + help + ")");
            errWriter.flush();
            return EXIT_USAGE;
        });
        cmd.setExecutionExceptionHandler((ex, commandLine, parseResult) -> {
            if (debug) {
                ex.printStackTrace(errWriter);
            }
            errWriter.println("equirisk: error: " + describe(ex));
            errWriter.flush();
            return ex instanceof InvalidInputException ? EXIT_USAGE : EXIT_FAILURE;
        });
        for (String a : args) { /* the first word is the command: a typo is an error also beside --help */
            if (!a.startsWith("-")) {
                if (!cmd.getSubcommands().containsKey(a)) {
                    errWriter.println("equirisk: error: unknown command '" + a + "': choose one of "
                            + String.join(", ", cmd.getSubcommands().keySet()) + " (see equirisk --help)");
                    errWriter.flush();
                    return EXIT_USAGE;
                }
                break;
            }
        }
        int code;
        try {
            code = cmd.execute(args);
        } catch (OutOfMemoryError ex) { /* picocli's handler takes Exceptions only; an Error reaches here */
            if (debug) {
                ex.printStackTrace(errWriter);
            }
            errWriter.println("equirisk: error: " + describe(ex));
            code = EXIT_FAILURE;
        }
        outWriter.flush();
        if (stdout.readerClosed()) {
            code = code == 0 ? EXIT_READER_CLOSED : code; /* quietly, as a Unix tool that SIGPIPE ended */
        } else if (stdout.failure() != null) {
            errWriter.println("equirisk: error: cannot write standard output: " + stdout.failure().getMessage());
            code = code == 0 ? EXIT_FAILURE : code;
        }
        errWriter.flush();
        return code;
    }

    /** The user-facing one-line text of an exception. */
    static String describe(Throwable ex) {
        if (ex instanceof EquiriskException) {
            return oneLine(ex.getMessage());
        }
        if (ex instanceof OutOfMemoryError) {
            return outOfMemory(Runtime.getRuntime().maxMemory());
        }
        return "internal error: " + ex.getClass().getName() + (ex.getMessage() == null ? "" : ": "
                + oneLine(ex.getMessage())) + " (run with --debug for the stack trace)";
    }

    /**
     * What to do when the heap ran out: twice the heap this JVM had, in whole GiB (a fixed 8g was less than the
     * default heap of a 32 GB machine, and six times what a 3000-asset covariance file needs).
     */
    static String outOfMemory(long maxHeapBytes) {
        double gib = maxHeapBytes / (double) (1L << 30);
        String heap = gib < 1 ? Math.round(maxHeapBytes / (double) (1L << 20)) + " MB"
                : String.format(java.util.Locale.ROOT, "%.1f GB", gib);
        return "out of memory (the Java heap is " + heap + "); give Java more with EQUIRISK_JAVA_OPTS=-Xmx"
                + (long) Math.ceil(2 * gib) + "g (or a smaller problem)";
    }

    static String oneLine(String s) {
        return s == null ? "(no message)" : s.strip().replaceAll("\\s*[\\r\\n]+\\s*", "; ");
    }
}

package io.equirisk.cli;

import io.equirisk.backend.BackendProvider;
import io.equirisk.backend.Backends;
import io.equirisk.error.InvalidInputException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

import java.io.PrintWriter;
import java.util.List;

/** {@code equirisk devices}: the compute backends found, whether each can run here, and why (not). */
@Command(name = "devices", mixinStandardHelpOptions = true, versionProvider = VersionInfo.class,
        description = {"List the compute backends and whether each can run here.", "",
                "The backends (CPU engine, CUDA, emulation) with their availability: the GPU found (name, driver, memory) or why none can be used, and which one --backend auto picks.", ""},
        footer = {"", "Examples:", "  equirisk devices", "  equirisk devices --format json"})
final class DevicesCommand implements Runnable {
    @ParentCommand
    Main main;

    @Option(names = "--format", paramLabel = "table|json", defaultValue = "table",
            description = "table, or json (for scripts: each backend's name, priority, availability and details, "
                    + "and what auto selects). Default: ${DEFAULT-VALUE}.")
    String format;

    @Override
    public void run() {
        String fmt = format.trim().toLowerCase(java.util.Locale.ROOT);
        if (!fmt.equals("table") && !fmt.equals("json")) {
            throw new InvalidInputException("--format must be table or json, got '" + format + "'");
        }
        PrintWriter out = main.spec.commandLine().getOut();
        List<BackendProvider> providers = Backends.providers();
        TextTable t = new TextTable("backend", "priority", "available", "details").text(3);
        Json j = new Json().beginObject().name("backends").beginArray();
        for (BackendProvider p : providers) {
            BackendProvider.Availability a;
            try {
                a = p.probe();
            } catch (RuntimeException | LinkageError e) {
                a = new BackendProvider.Availability(false, "probe failed: " + Main.describe(e));
            }
            t.row(p.name(), Integer.toString(p.priority()), a.available() ? "yes" : "no", a.reason());
            j.beginObject().field("name", p.name()).field("priority", p.priority())
                    .field("available", a.available()).field("details", a.reason()).endObject();
        }
        j.endArray();
        try (Backends.Selection s = Backends.select("auto")) {
            if (fmt.equals("json")) {
                j.name("auto").beginObject().field("backend", s.backend().name()).field("reason", s.reason())
                        .field("description", s.backend().description()).endObject();
                out.println(j.endObject());
            } else {
                t.print(out);
                out.println();
                out.println("--backend auto selects: " + s.reason());
                out.println("  " + s.backend().description());
            }
        }
        out.flush();
    }
}

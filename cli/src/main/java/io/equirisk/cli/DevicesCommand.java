package io.equirisk.cli;

import io.equirisk.backend.BackendProvider;
import io.equirisk.backend.Backends;
import picocli.CommandLine.Command;
import picocli.CommandLine.ParentCommand;

import java.io.PrintWriter;
import java.util.List;

/** {@code equirisk devices}: the compute backends found, whether each can run here, and why (not). */
@Command(name = "devices", mixinStandardHelpOptions = true, versionProvider = VersionInfo.class,
        description = {"List the compute backends and whether each can run here.", "",
                "The backends (CPU engine, CUDA, emulation) with their availability: the GPU found (name, driver, memory) or why none can be used, and which one --backend auto picks.", ""},
        footer = {"", "Example:", "  equirisk devices"})
final class DevicesCommand implements Runnable {
    @ParentCommand
    Main main;

    @Override
    public void run() {
        PrintWriter out = main.spec.commandLine().getOut();
        List<BackendProvider> providers = Backends.providers();
        TextTable t = new TextTable("backend", "priority", "available", "details").text(3);
        for (BackendProvider p : providers) {
            BackendProvider.Availability a;
            try {
                a = p.probe();
            } catch (RuntimeException | LinkageError e) {
                a = new BackendProvider.Availability(false, "probe failed: " + Main.describe(e));
            }
            t.row(p.name(), Integer.toString(p.priority()), a.available() ? "yes" : "no", a.reason());
        }
        t.print(out);
        out.println();
        try (Backends.Selection s = Backends.select("auto")) {
            out.println("--backend auto selects: " + s.reason());
            out.println("  " + s.backend().description());
        }
        out.flush();
    }
}

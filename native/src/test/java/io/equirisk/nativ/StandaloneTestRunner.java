package io.equirisk.nativ;

import org.junit.platform.launcher.Launcher;
import org.junit.platform.launcher.LauncherDiscoveryRequest;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;
import org.junit.platform.launcher.listeners.SummaryGeneratingListener;
import org.junit.platform.launcher.listeners.TestExecutionSummary;

import java.io.PrintWriter;

import static org.junit.platform.engine.discovery.DiscoverySelectors.selectPackage;

/**
 * Runs this module's tests without Maven, for a GPU machine that has a JDK (or a carried jlink runtime) but no
 * Maven repository: {@code native/gpu-java-tests.sh} prepares the classpath here and runs this class there with
 * {@code -Dequirisk.test.backend=cuda}. Exits 0 only when every test ran and passed; skipped tests are listed.
 */
public final class StandaloneTestRunner {
    private StandaloneTestRunner() {
    }

    public static void main(String[] args) {
        LauncherDiscoveryRequest request = LauncherDiscoveryRequestBuilder.request()
                .selectors(selectPackage("io.equirisk.nativ")).build();
        Launcher launcher = LauncherFactory.create();
        SummaryGeneratingListener summary = new SummaryGeneratingListener();
        launcher.registerTestExecutionListeners(summary, new SkipReporter());
        launcher.execute(request);
        TestExecutionSummary s = summary.getSummary();
        PrintWriter out = new PrintWriter(System.out, true);
        s.printTo(out);
        s.printFailuresTo(out, 30);
        boolean ok = s.getTotalFailureCount() == 0 && s.getTestsFoundCount() > 0;
        System.exit(ok ? 0 : 1);
    }

    /** Prints every skipped test with its reason, so a skip is never mistaken for a pass. */
    private static final class SkipReporter implements org.junit.platform.launcher.TestExecutionListener {
        @Override
        public void executionSkipped(org.junit.platform.launcher.TestIdentifier id, String reason) {
            System.out.println("SKIPPED " + id.getDisplayName() + ": " + reason);
        }

        @Override
        public void executionFinished(org.junit.platform.launcher.TestIdentifier id,
                                      org.junit.platform.engine.TestExecutionResult result) {
            if (result.getStatus() == org.junit.platform.engine.TestExecutionResult.Status.ABORTED) {
                System.out.println("ABORTED " + id.getDisplayName() + ": "
                        + result.getThrowable().map(Throwable::getMessage).orElse(""));
            }
        }
    }
}

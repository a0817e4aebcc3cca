package io.equirisk.cli;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.tools.ToolProvider;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The library's three jars on the module path, as a modular service would use them: an application module that
 * {@code requires io.equirisk} compiles against them and runs on the CPU engine and on the emulated CUDA kernels,
 * whose provider ServiceLoader finds in {@code io.equirisk.nativ} and whose library that module reads from
 * {@code io.equirisk.kernels}. The jars' manifests name the modules (a jar named by its file gave
 * {@code equirisk.native}, which the boot layer refused: {@code native} is a keyword). Runs where the build gives
 * this test the packaged jars ({@code mvn verify}); with classes folders instead it is skipped, visibly.
 */
class ModulePathTest {
    @TempDir
    Path dir;

    @Test
    void anApplicationModuleRequiringIoEquiriskSolvesOnTheCpuAndTheEmulatedKernels() throws Exception {
        List<Path> jars = new ArrayList<>();
        for (String artifact : List.of("equirisk-api", "equirisk-native", "equirisk-kernels")) {
            Path jar = Arrays.stream(System.getProperty("java.class.path").split(java.io.File.pathSeparator))
                    .map(Path::of)
                    .filter(p -> p.getFileName().toString().matches(artifact + "-[0-9][^/]*(?<!-tests)\\.jar"))
                    .findFirst().orElse(null);
            Assumptions.assumeTrue(jar != null, "no packaged " + artifact + " jar on the test class path (classes "
                    + "folders, as in `mvn test`): the module path is checked by `mvn verify`");
            jars.add(jar);
        }
        Path src = dir.resolve("src/app/app");
        Files.createDirectories(src);
        Files.writeString(dir.resolve("src/app/module-info.java"), "module app { requires io.equirisk; }\n");
        Files.writeString(src.resolve("Main.java"), """
                package app;

                import io.equirisk.Equirisk;
                import io.equirisk.covariance.CovarianceMatrix;
                import io.equirisk.solver.RiskBudgets;

                public class Main {
                    public static void main(String[] args) {
                        CovarianceMatrix cov = CovarianceMatrix.of(new double[][] {{0.04, 0.006}, {0.006, 0.01}});
                        try (Equirisk er = Equirisk.withBackend(args[0])) {
                            double[] w = er.solve(cov, RiskBudgets.equal(2)).weights();
                            System.out.println(er.backend().name() + " " + w[0] + " " + w[1]);
                        }
                    }
                }
                """);
        String modulePath = String.join(java.io.File.pathSeparator, jars.stream().map(Path::toString).toList());
        Path classes = dir.resolve("classes");
        ByteArrayOutputStream javacOut = new ByteArrayOutputStream();
        int javac = ToolProvider.getSystemJavaCompiler().run(null, javacOut, javacOut, "--module-path", modulePath,
                "--add-modules", "jdk.incubator.vector", "-d", classes.toString(),
                dir.resolve("src/app/module-info.java").toString(), src.resolve("Main.java").toString());
        assertEquals(0, javac, javacOut.toString(StandardCharsets.UTF_8));
        String path = modulePath + java.io.File.pathSeparator + classes;
        for (String backend : List.of("cpu", "emulation")) {
            String out = run(path, backend, true);
            String[] f = out.strip().split(" ");
            assertEquals(3, f.length, out);
            assertEquals(backend, f[0], out);
            /* two assets: ERC weights are inversely proportional to the volatilities 0.2 and 0.1 */
            assertEquals(1.0 / 3, Double.parseDouble(f[1]), 1e-12, out);
            assertEquals(2.0 / 3, Double.parseDouble(f[2]), 1e-12, out);
        }
        /* without the Vector API module the answer is the same, and a warning says the kernels run scalar */
        String scalar = run(path, "cpu", false);
        assertTrue(scalar.contains("the Java Vector API module is not present, so equirisk's CPU kernels run scalar; "
                + "for their vector speed pass --add-modules jdk.incubator.vector"), scalar);
        String[] last = scalar.strip().lines().reduce((a, b) -> b).orElseThrow().split(" ");
        assertEquals("cpu", last[0], scalar);
        assertEquals(1.0 / 3, Double.parseDouble(last[1]), 1e-12, scalar);
    }

    private static String run(String modulePath, String backend, boolean vector)
            throws IOException, InterruptedException {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        List<String> command = new ArrayList<>(List.of(java.toString(), "--module-path", modulePath));
        if (vector) {
            command.addAll(List.of("--add-modules", "jdk.incubator.vector"));
        }
        command.addAll(List.of("--enable-native-access=io.equirisk.nativ", "-m", "app/app.Main", backend));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        byte[] out = p.getInputStream().readAllBytes();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "the application did not finish");
        String text = new String(out, StandardCharsets.UTF_8).lines()
                .filter(l -> !l.startsWith("WARNING: Using incubator modules")).reduce("", (a, b) -> a + b + "\n");
        assertEquals(0, p.exitValue(), text);
        return text;
    }
}

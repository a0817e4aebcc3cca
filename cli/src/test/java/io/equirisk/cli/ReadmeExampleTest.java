package io.equirisk.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import java.io.ByteArrayOutputStream;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The README's Library example, as written, compiles against this build and runs (on the engine {@code auto} picks
 * here): a review found it did not compile (one name for two variables). Only its data is supplied: prices of five
 * assets over 400 dates with one missing cell.
 */
class ReadmeExampleTest {
    @TempDir
    Path dir;

    @Test
    void theLibraryExampleCompilesAndRuns() throws Exception {
        String readme = Files.readString(Path.of("..", "README.md"));
        int section = readme.indexOf("## Library");
        int start = readme.indexOf("```java\n", section) + "```java\n".length();
        String block = readme.substring(start, readme.indexOf("```", start));
        List<String> imports = new ArrayList<>();
        StringBuilder body = new StringBuilder();
        for (String line : block.split("\n")) {
            if (line.startsWith("import ")) {
                imports.add(line);
            } else {
                body.append("        ").append(line).append('\n');
            }
        }
        String source = String.join("\n", imports) + "\n\npublic class ReadmeExample {\n"
                + "    public static void main(String[] args) throws Exception {\n"
                + "        int rows = 400;\n"
                + "        int cols = 5;\n"
                + "        double[] values = new double[rows * cols];\n"
                + "        java.util.Random rnd = new java.util.Random(7);\n"
                + "        for (int j = 0; j < cols; j++) values[j] = 100;\n"
                + "        for (int i = 1; i < rows; i++) for (int j = 0; j < cols; j++)\n"
                + "            values[i * cols + j] = values[(i - 1) * cols + j] * Math.exp(0.01 * (j + 1)"
                + " * rnd.nextGaussian());\n"
                + "        values[3 * cols + 2] = Double.NaN;\n"
                + "        java.util.List<String> assetNames = java.util.List.of(\"A\", \"B\", \"C\", \"D\", \"E\");\n"
                + "        java.util.List<String> dates = new java.util.ArrayList<>();\n"
                + "        for (int i = 0; i < rows; i++) dates.add(java.time.LocalDate.of(2020, 1, 1).plusDays(i)"
                + ".toString());\n"
                + body + "    }\n}\n";
        Path file = Files.writeString(dir.resolve("ReadmeExample.java"), source);
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        ByteArrayOutputStream diagnostics = new ByteArrayOutputStream();
        int rc = javac.run(null, diagnostics, diagnostics, "-cp", System.getProperty("java.class.path"),
                "--add-modules", "jdk.incubator.vector", "-d", dir.toString(), file.toString());
        assertEquals(0, rc, diagnostics + "\n" + source);
        try (URLClassLoader loader = new URLClassLoader(new java.net.URL[] {dir.toUri().toURL()},
                getClass().getClassLoader())) {
            java.io.PrintStream out = System.out;
            ByteArrayOutputStream printed = new ByteArrayOutputStream();
            System.setOut(new java.io.PrintStream(printed, true));
            try {
                loader.loadClass("ReadmeExample").getMethod("main", String[].class).invoke(null,
                        (Object) new String[0]);
            } finally {
                System.setOut(out);
            }
            assertTrue(printed.toString().startsWith("auto: "), printed.toString());
        }
    }
}

package io.equirisk.cli;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The --chart pages in a real browser: headless Chromium opens each page offline, and ECharts draws every chart
 * without a script error, with as many series as the page's data hold, and those series put ink on the canvas
 * (more than the axes and labels alone). The other chart tests read the pages' data; this one checks that a browser
 * draws them. Skipped, visibly, where no Chromium is installed ({@code .ci/run} installs Debian's where it can;
 * {@code EQUIRISK_CHROMIUM} names another).
 */
class ChartBrowserTest {
    private static final Pattern CHECK = Pattern.compile("<pre id=\"equirisk-check\">(\\{.*?)</pre>",
            Pattern.DOTALL);
    /** Pixels a series must add to its chart: a line across the plot is over a thousand. */
    private static final int SERIES_INK = 1000;

    private static Path chromium;

    @TempDir
    Path dir;

    @BeforeAll
    static void findChromium() {
        String named = System.getenv("EQUIRISK_CHROMIUM");
        chromium = Stream.of(named, "/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome")
                .filter(p -> p != null && !p.isBlank()).map(Path::of).filter(Files::isExecutable).findFirst()
                .orElse(null);
        Assumptions.assumeTrue(chromium != null, "no Chromium on this machine (apt-get install chromium, or set "
                + "EQUIRISK_CHROMIUM): the chart pages are not drawn in a browser here");
    }

    @Test
    void theSolvePageDrawsWeightsRiskContributionsAndBudgets() throws Exception {
        Path in = SyntheticReturns.write(dir, 8, 300, 3, 1);
        Path budgets = Cli.write(dir, "b.csv", "0.3,0.2,0.1,0.1,0.1,0.1,0.05,0.05\n");
        Path page = dir.resolve("solve.html");
        run("solve", "--returns", in.toString(), "--budgets", budgets.toString(), "--chart", page.toString());
        assertDrawn(page, 1);
    }

    @Test
    void theRollingPagesDrawStackedWeightsOrTheLargestAsLines() throws Exception {
        Path few = SyntheticReturns.write(dir, 15, 300, 5, 1);
        Path stacked = dir.resolve("stacked.html");
        run("rolling", "--returns", few.toString(), "--window", "100", "--step", "10", "--chart", stacked.toString());
        assertDrawn(stacked, 3);
        Path alike = SyntheticReturns.write(dir, 40, 300, 7, 0);
        Path lines = dir.resolve("lines.html");
        run("rolling", "--returns", alike.toString(), "--window", "100", "--step", "10", "--chart", lines.toString());
        assertDrawn(lines, 3);
    }

    @Test
    void theScenariosPageDrawsBoxesAndTheModel() throws Exception {
        Path in = SyntheticReturns.write(dir, 6, 300, 9, 1);
        Path page = dir.resolve("scenarios.html");
        run("scenarios", "--returns", in.toString(), "--scenarios", "200", "--dof", "5", "--backend", "cpu",
                "--chart", page.toString());
        assertDrawn(page, 1);
    }

    @Test
    void theBatchPagesDrawBarsForFewProblemsAndBoxesForMany() throws Exception {
        StringBuilder files = new StringBuilder();
        for (int k = 0; k < 14; k++) {
            double s = 1 + 0.3 * k;
            files.append(Cli.write(dir, "m" + k + ".csv", "EQ,BOND,GOLD\n" + 0.04 * s + ",0.001,0.002\n"
                    + "0.001,0.0025,0.0005\n0.002,0.0005," + 0.0225 / s + "\n")).append(' ');
        }
        String[] all = files.toString().trim().split(" ");
        Path bars = dir.resolve("bars.html");
        run("batch", "--cov", all[0], all[1], all[2], "--chart", bars.toString());
        assertDrawn(bars, 2);
        Path boxes = dir.resolve("boxes.html");
        List<String> args = new java.util.ArrayList<>(List.of("batch", "--chart", boxes.toString(), "--cov"));
        args.addAll(List.of(all));
        run(args.toArray(String[]::new));
        assertDrawn(boxes, 2);
    }

    private static void run(String... args) {
        Cli.Result r = Cli.run(args);
        assertEquals(0, r.code(), r.toString());
    }

    /** Opens the page in Chromium and checks each of its {@code charts} charts as the class comment says. */
    @SuppressWarnings("unchecked")
    private void assertDrawn(Path page, int charts) throws Exception {
        List<Map<String, Object>> options = ChartPages.options(page);
        assertEquals(charts, options.size());
        Map<String, Object> check = (Map<String, Object>) MiniJson.parse(render(page));
        assertEquals(List.of(), check.get("errors"), page.getFileName() + ": script errors");
        List<Object> drawn = (List<Object>) check.get("charts");
        assertEquals(charts, drawn.size(), page.getFileName() + ": chart elements");
        for (int c = 0; c < charts; c++) {
            Map<String, Object> chart = (Map<String, Object>) drawn.get(c);
            String what = page.getFileName() + " chart " + (c + 1);
            assertNotNull(chart, what + ": ECharts did not start on it");
            assertTrue((Double) chart.get("width") > 0 && (Double) chart.get("height") > 0, what + ": " + chart);
            assertEquals(ChartPages.series(options.get(c)).size(), ((Double) chart.get("series")).intValue(),
                    what + ": series drawn against series in the page");
            double added = (Double) chart.get("ink") - (Double) chart.get("inkWithoutSeries");
            assertTrue(added >= SERIES_INK * ChartPages.series(options.get(c)).size() / 2.0,
                    what + ": the series add " + added + " pixels of ink (" + chart + ")");
        }
    }

    /** The check script's JSON, from a copy of the page opened in headless Chromium. */
    private String render(Path page) throws IOException, InterruptedException {
        String html = Files.readString(page, StandardCharsets.UTF_8);
        String script;
        try (InputStream in = ChartBrowserTest.class.getResourceAsStream("chart-check.js")) {
            script = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        int head = html.indexOf("<head>\n") + "<head>\n".length();
        int end = html.lastIndexOf("</body>");
        Path copy = dir.resolve("checked-" + page.getFileName());
        Files.writeString(copy, html.substring(0, head)
                + "<script>window.equiriskErrors = []; window.addEventListener('error', function (e) {"
                + " window.equiriskErrors.push(String(e.message)); });</script>\n"
                + html.substring(head, end) + "<script>\n" + script + "</script>\n" + html.substring(end),
                StandardCharsets.UTF_8);
        Path out = dir.resolve("dom.html");
        Path err = dir.resolve("chromium.log");
        /* The flags keep Chromium off the network and out of the user's profile; root needs --no-sandbox. */
        Process p = new ProcessBuilder(chromium.toString(), "--headless", "--no-sandbox", "--disable-gpu",
                "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--user-data-dir=" + dir.resolve("profile"), "--window-size=1280,1000",
                "--virtual-time-budget=8000", "--dump-dom", copy.toUri().toString())
                .redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            fail("Chromium did not finish in 120 s: " + tail(err));
        }
        Matcher m = CHECK.matcher(Files.readString(out, StandardCharsets.UTF_8));
        if (!m.find()) {
            fail("Chromium (exit " + p.exitValue() + ") gave no check result: " + tail(err));
        }
        return m.group(1).replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", "\"").replace("&amp;", "&");
    }

    private static String tail(Path log) throws IOException {
        String s = Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "";
        return s.substring(Math.max(0, s.length() - 2000));
    }
}

package io.equirisk.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The chart page: self-contained, and text from the data (asset names, file names) cannot break out of it. */
class ChartPageTest {
    @TempDir
    Path dir;

    @Test
    void namesThatLookLikeMarkupStayData() throws Exception {
        String hostile = "</script><script>alert(1)</script><!--";
        ChartPage page = new ChartPage("a <b>title</b> & more", "note with \"quotes\"")
                .add("heading </h2>", ChartPage.lineChart(List.of("d1", "d2"), "y", false, false,
                        List.of(hostile), List.of(new double[] {1.5, Double.NaN})))
                .add("boxes", ChartPage.boxChart(List.of(hostile), "w", "box", new double[][] {{1, 2, 3, 4, 5}},
                        "marker", new double[] {2.5}));
        Path file = dir.resolve("c.html");
        page.write(file);
        String html = Files.readString(file);
        assertTrue(html.contains("<title>a &lt;b&gt;title&lt;/b&gt; &amp; more</title>"), "title escaped");
        assertTrue(html.contains("<h2>heading &lt;/h2&gt;</h2>"), "heading escaped");
        assertTrue(html.contains("note with &quot;quotes&quot;"));
        List<Map<String, Object>> options = ChartPages.options(file);
        assertEquals(2, options.size());
        Map<String, Object> line = ChartPages.series(options.get(0)).get(0);
        assertEquals(hostile, line.get("name"), "the name comes back whole from the JSON");
        assertEquals(List.of(1.5), ChartPages.data(line).subList(0, 1));
        assertEquals(null, ChartPages.data(line).get(1), "NaN is a gap");
        assertEquals(List.of(hostile), ChartPages.categories(options.get(1)));
        assertEquals(List.of(List.of(1.0, 2.0, 3.0, 4.0, 5.0)), ChartPages.data(ChartPages.series(options.get(1))
                .get(0)));
        assertTrue(html.contains("Apache ECharts " + ChartPage.echartsVersion()));
    }

    @Test
    @SuppressWarnings("unchecked")
    void aZoomSliderOnlyUnderALongAxis() throws Exception {
        for (int n : new int[] {ChartPage.SLIDER_CATEGORIES, ChartPage.SLIDER_CATEGORIES + 1}) {
            List<String> assets = java.util.stream.IntStream.range(0, n).mapToObj(i -> "A" + i).toList();
            Path file = dir.resolve("bars" + n + ".html");
            new ChartPage("t", "n").add("h", ChartPage.barChart(assets, "%", List.of("weight"),
                    List.of(new double[n]))).write(file);
            Map<String, Object> option = ChartPages.options(file).get(0);
            List<Object> zoom = (List<Object>) option.get("dataZoom");
            List<Object> kinds = zoom.stream().map(z -> ((Map<String, Object>) z).get("type")).toList();
            boolean slider = n > ChartPage.SLIDER_CATEGORIES;
            assertEquals(slider ? List.of("inside", "slider") : List.of("inside"), kinds, n + " categories");
            assertEquals(slider ? 80.0 : 40.0, ((Map<String, Object>) option.get("grid")).get("bottom"),
                    "room under the plot for the slider");
        }
    }
}

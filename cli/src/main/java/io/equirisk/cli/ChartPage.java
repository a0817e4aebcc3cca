package io.equirisk.cli;

import io.equirisk.error.EquiriskException;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

/**
 * A self-contained HTML page of charts ({@code --chart}). Apache ECharts, embedded from its WebJar, draws each chart
 * in the browser from an option written here as JSON, so the page needs no network and carries its own data; the
 * data sit in {@code <script type="application/json">} blocks, readable by a program as well.
 */
final class ChartPage {
    private static final String WEBJAR = "META-INF/maven/org.webjars.npm/echarts/pom.properties";
    /** Categories (assets, dates) an axis shows without a zoom slider: six ETFs' bars need none, 500 do. */
    static final int SLIDER_CATEGORIES = 30;

    private final String title;
    private final String note;
    private final List<String[]> charts = new ArrayList<>(); /* heading, option JSON */

    ChartPage(String title, String note) {
        this.title = title;
        this.note = note;
    }

    /** Adds a chart under a heading, drawn from an ECharts option. */
    ChartPage add(String heading, Json option) {
        charts.add(new String[] {heading, option.toString()});
        return this;
    }

    /**
     * A line chart over categories {@code x} (dates), one series per name, values in y units; {@code stacked} fills
     * the areas on top of each other up to an axis that ends at 100 (weights in percent), and {@code stepped} draws
     * each value flat until the next (weights held between rebalance dates). NaN is a gap.
     */
    static Json lineChart(List<String> x, String yName, boolean stacked, boolean stepped, List<String> names,
                          List<double[]> values) {
        Json j = axes("axis", true, x, false);
        j.name("yAxis").beginObject().field("type", "value").field("name", yName).field("scale", !stacked);
        if (stacked) {
            j.field("max", 100);
        }
        j.endObject().name("series").beginArray();
        for (int s = 0; s < names.size(); s++) {
            j.beginObject().field("name", names.get(s)).field("type", "line").field("showSymbol", false);
            if (stacked) {
                j.field("stack", "total").name("areaStyle").beginObject().endObject();
            }
            if (stepped) {
                j.field("step", "end");
            }
            values(j, values.get(s)).endObject();
        }
        return j.endArray().endObject();
    }

    /** Bars side by side per category (assets), one series per name, values in y units. */
    static Json barChart(List<String> categories, String yName, List<String> names, List<double[]> values) {
        Json j = axes("axis", false, categories, true);
        j.name("yAxis").beginObject().field("type", "value").field("name", yName).endObject();
        j.name("series").beginArray();
        for (int s = 0; s < names.size(); s++) {
            values(j.beginObject().field("name", names.get(s)).field("type", "bar"), values.get(s)).endObject();
        }
        return j.endArray().endObject();
    }

    /**
     * A box plot per category ({@code boxes[i]}: low whisker, lower quartile, median, upper quartile, high whisker)
     * with one marker per category beside it ({@code markers}, named {@code markerName}).
     */
    static Json boxChart(List<String> categories, String yName, String boxName, double[][] boxes, String markerName,
                         double[] markers) {
        Json j = axes("item", false, categories, true);
        j.name("yAxis").beginObject().field("type", "value").field("name", yName).endObject();
        j.name("series").beginArray();
        j.beginObject().field("name", boxName).field("type", "boxplot").name("data").beginArray();
        for (double[] box : boxes) {
            j.beginArray();
            for (double v : box) {
                j.value(v);
            }
            j.endArray();
        }
        j.endArray().endObject();
        values(j.beginObject().field("name", markerName).field("type", "scatter").field("symbol", "diamond")
                .field("symbolSize", 10), markers).endObject();
        return j.endArray().endObject();
    }

    /**
     * An option's common part, left open for its y axis and series: the tooltip ({@code trigger}: "axis" or
     * "item"), a legend (scrolling for many series), the plot's margins, the category axis, and zooming on it: by
     * wheel or pinch always, and with a slider under the axis when it has more than {@link #SLIDER_CATEGORIES}.
     */
    private static Json axes(String trigger, boolean scrollingLegend, List<String> categories, boolean boundaryGap) {
        boolean slider = categories.size() > SLIDER_CATEGORIES;
        Json j = new Json().beginObject();
        j.name("tooltip").beginObject().field("trigger", trigger).endObject();
        j.name("legend").beginObject();
        if (scrollingLegend) {
            j.field("type", "scroll");
        }
        j.field("top", 0).endObject();
        j.name("grid").beginObject().field("top", 40).field("left", 70).field("right", 30)
                .field("bottom", slider ? 80 : 40).endObject();
        j.name("xAxis").beginObject().field("type", "category");
        if (!boundaryGap) {
            j.field("boundaryGap", false);
        }
        j.name("data").beginArray();
        categories.forEach(j::value);
        j.endArray().endObject();
        j.name("dataZoom").beginArray().beginObject().field("type", "inside").endObject();
        if (slider) {
            j.beginObject().field("type", "slider").endObject();
        }
        return j.endArray();
    }

    /** A series' "data" array. */
    private static Json values(Json series, double[] values) {
        series.name("data").beginArray();
        for (double v : values) {
            series.value(v);
        }
        return series.endArray();
    }

    /** The whole page. */
    String html() {
        StringBuilder page = new StringBuilder(1 << 21);
        page.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>")
                .append(escape(title)).append("</title>\n<style>body{font-family:system-ui,sans-serif;margin:2em auto;"
                        + "max-width:1200px;padding:0 1em}div.chart{height:520px;margin-bottom:2.5em}"
                        + "p.note{color:#555}</style>\n<script>\n").append(echarts()).append("\n</script>\n</head>\n"
                        + "<body>\n<h1>").append(escape(title)).append("</h1>\n<p class=\"note\">").append(escape(note))
                .append("</p>\n");
        for (int c = 0; c < charts.size(); c++) {
            page.append("<h2>").append(escape(charts.get(c)[0])).append("</h2>\n<div class=\"chart\" id=\"chart-")
                    .append(c + 1).append("\"></div>\n<script type=\"application/json\" id=\"option-").append(c + 1)
                    .append("\">").append(inScript(charts.get(c)[1])).append("</script>\n");
        }
        page.append("<script>\ndocument.querySelectorAll('div.chart').forEach(function (el) {\n"
                + "  var option = JSON.parse(document.getElementById(el.id.replace('chart', 'option')).textContent);\n"
                + "  var chart = echarts.init(el);\n  chart.setOption(option);\n"
                + "  window.addEventListener('resize', function () { chart.resize(); });\n});\n</script>\n"
                + "<p class=\"note\">Charts drawn by Apache ECharts " + escape(echartsVersion())
                + " (Apache License 2.0), embedded in this page.</p>\n</body>\n</html>\n");
        return page.toString();
    }

    /** Writes the page to {@code file} (checked beforehand with {@link ReportOutput#checkOutput}). */
    void write(Path file) {
        try {
            Files.writeString(file, html(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new EquiriskException("cannot write " + file + ": " + ReportOutput.reason(e));
        }
    }

    /** JSON inside a script element: no "<" may start a closing tag, and JSON's \u003c is the same text. */
    static String inScript(String json) {
        return json.replace("<", "\\u003c");
    }

    static String escape(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }

    /** The version of the ECharts WebJar on the class path. */
    static String echartsVersion() {
        try (InputStream in = ChartPage.class.getClassLoader().getResourceAsStream(WEBJAR)) {
            if (in == null) {
                throw new EquiriskException("--chart: the ECharts library is not on the class path (" + WEBJAR + ")");
            }
            Properties p = new Properties();
            p.load(in);
            return p.getProperty("version");
        } catch (IOException e) {
            throw new EquiriskException("--chart: cannot read " + WEBJAR + ": " + e.getMessage());
        }
    }

    /** The minified library, as the WebJar ships it. */
    static String echarts() {
        String path = "META-INF/resources/webjars/echarts/" + echartsVersion() + "/dist/echarts.min.js";
        try (InputStream in = ChartPage.class.getClassLoader().getResourceAsStream(path)) {
            if (in == null) {
                throw new EquiriskException("--chart: the ECharts library is not on the class path (" + path + ")");
            }
            String js = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            if (js.toLowerCase(java.util.Locale.ROOT).contains("</script")) { /* it would end the element early */
                throw new EquiriskException("--chart: " + path + " contains </script and cannot be embedded");
            }
            return js;
        } catch (IOException e) {
            throw new EquiriskException("--chart: cannot read " + path + ": " + e.getMessage());
        }
    }
}

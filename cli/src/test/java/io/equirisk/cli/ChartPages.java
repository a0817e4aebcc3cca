package io.equirisk.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Reads a --chart page back: its chart options, parsed, after checking that the page stands alone. */
final class ChartPages {
    private static final Pattern OPTION = Pattern.compile(
            "<script type=\"application/json\" id=\"option-(\\d+)\">(.*?)</script>", Pattern.DOTALL);

    private ChartPages() {
    }

    /** The charts' options in page order. */
    @SuppressWarnings("unchecked")
    static List<Map<String, Object>> options(Path page) throws Exception {
        String html = Files.readString(page);
        assertTrue(html.startsWith("<!DOCTYPE html>"), "an HTML page");
        int license = html.indexOf("* Licensed to the Apache Software Foundation");
        int library = html.lastIndexOf("<script>", license);
        assertTrue(license > 0 && library > 0 && html.substring(library + "<script>".length(), license)
                .replace("/*", "").isBlank() && html.contains("echarts.init("), "ECharts embedded (its licence "
                + "header opens a script element), and started on each chart");
        String outside = html.substring(0, library) + html.substring(html.indexOf("\n</script>", library));
        assertFalse(Pattern.compile("<script[^>]*\\bsrc=|<link\\b|<iframe\\b|<img\\b").matcher(outside).find(),
                "nothing loaded from elsewhere (the library aside, whose own markup strings are not the page's)");
        assertEquals(count(html, "<script"), count(html, "</script>"), "every script element closes once");
        List<Map<String, Object>> options = new ArrayList<>();
        Matcher m = OPTION.matcher(html);
        while (m.find()) {
            assertEquals(options.size() + 1, Integer.parseInt(m.group(1)));
            assertTrue(html.contains("<div class=\"chart\" id=\"chart-" + m.group(1) + "\"></div>"));
            options.add((Map<String, Object>) MiniJson.parse(m.group(2)));
        }
        return options;
    }

    @SuppressWarnings("unchecked")
    static List<Map<String, Object>> series(Map<String, Object> option) {
        return (List<Map<String, Object>>) option.get("series");
    }

    @SuppressWarnings("unchecked")
    static List<Object> categories(Map<String, Object> option) {
        return (List<Object>) ((Map<String, Object>) option.get("xAxis")).get("data");
    }

    @SuppressWarnings("unchecked")
    static List<Object> data(Map<String, Object> series) {
        return (List<Object>) series.get("data");
    }

    private static int count(String s, String what) {
        int n = 0;
        for (int i = s.indexOf(what); i >= 0; i = s.indexOf(what, i + 1)) {
            n++;
        }
        return n;
    }
}

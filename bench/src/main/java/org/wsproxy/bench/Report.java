package org.wsproxy.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Writes a run's figures as a Markdown table and an SVG chart of the ratios to nginx. */
final class Report {

    static final List<String> PEERS = List.of("direct", "nginx", "haproxy", "scg", "wsproxy", "jsr356");

    private Report() {
    }

    static String markdown(Results results, String command) {
        StringBuilder md = new StringBuilder();
        md.append("| scenario | figure | direct | nginx | HAProxy | Spring Cloud Gateway | wsproxy (frames) | wsproxy (jsr356)"
                + " | wsproxy / nginx | SCG / nginx | wsproxy / SCG | wsproxy / direct | bar | met |\n");
        md.append("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|---|\n");
        for (Results.Row row : results.rows) {
            Map<String, Double> v = row.values();
            md.append("| ").append(row.scenario()).append(" | ").append(row.metric())
                    .append(row.unit().isEmpty() ? "" : " (" + row.unit() + ")");
            for (String peer : PEERS) {
                md.append(" | ").append(format(v.get(peer)));
            }
            md.append(" | ").append(ratio(v.get("wsproxy"), v.get("nginx")))
                    .append(" | ").append(ratio(v.get("scg"), v.get("nginx")))
                    .append(" | ").append(ratio(v.get("wsproxy"), v.get("scg")))
                    .append(" | ").append(ratio(v.get("wsproxy"), v.get("direct")))
                    .append(" | ").append(row.bar() == null ? "" : row.bar().text())
                    .append(" | ").append(row.bar() == null ? "" : row.bar().check().holds(v) ? "yes" : "**no**")
                    .append(" |\n");
        }
        md.append('\n');
        for (String note : results.notes) {
            md.append("- ").append(note).append('\n');
        }
        md.append("\nMachine: ");
        List<String> parts = new ArrayList<>();
        results.machine.forEach((k, val) -> parts.add(k + " " + val));
        md.append(String.join("; ", parts)).append(".\n\nCommand: `").append(command).append("`\n");
        return md.toString();
    }

    static String format(Double value) {
        if (value == null) {
            return "";
        }
        double a = Math.abs(value);
        if (a >= 1000) {
            return String.format(Locale.ROOT, "%,.0f", value);
        }
        if (a >= 100) {
            return String.format(Locale.ROOT, "%.0f", value);
        }
        if (a >= 10) {
            return String.format(Locale.ROOT, "%.1f", value);
        }
        return String.format(Locale.ROOT, "%.2f", value);
    }

    private static String ratio(Double a, Double b) {
        if (a == null || b == null || b == 0) {
            return "";
        }
        return String.format(Locale.ROOT, "%.2f", a / b);
    }

    /**
     * A bar chart: for each figure that has an nginx value, HAProxy's and wsproxy's value as a
     * fraction of nginx's (1.0 = as good as nginx, whichever way the figure goes; latency and
     * memory are inverted so that taller is better everywhere).
     */
    static String svg(Results results) {
        List<Results.Row> rows = results.rows.stream()
                .filter(r -> r.values().containsKey("nginx") && r.values().containsKey("wsproxy") && r.values().get("nginx") > 0)
                .filter(Report::charted)
                .toList();
        int barW = 22;
        int groupW = 4 * barW + 30;
        int left = 60;
        int top = 40;
        int h = 260;
        int width = left + rows.size() * groupW + 120; // room for the last rotated label
        int height = top + h + 200;
        double max = 2.0;
        StringBuilder s = new StringBuilder();
        s.append(String.format(Locale.ROOT,
                "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" font-family=\"sans-serif\" font-size=\"11\">%n",
                width, height));
        s.append("<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n");
        s.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"20\" font-size=\"14\">Relative to nginx (1.0 = nginx; taller is better; capped at 2)</text>%n", left));
        for (double g = 0; g <= max; g += 0.5) {
            int y = top + h - (int) (g / max * h);
            s.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"%s\"/>%n",
                    left, y, width - 10, y, g == 1.0 ? "#444" : "#ddd"));
            s.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">%.1f</text>%n", left - 5, y + 4, g));
        }
        String[] colors = {"#9e9e9e", "#e6862e", "#6db33f", "#2e7be6"};
        String[] names = {"nginx", "haproxy", "scg", "wsproxy"};
        for (int i = 0; i < rows.size(); i++) {
            Results.Row row = rows.get(i);
            boolean lowerIsBetter = lowerIsBetter(row);
            double nginx = row.values().get("nginx");
            int x0 = left + 10 + i * groupW;
            for (int k = 0; k < names.length; k++) {
                Double v = row.values().get(names[k]);
                if (v == null || v <= 0) {
                    continue;
                }
                double rel = lowerIsBetter ? nginx / v : v / nginx;
                int bh = (int) (Math.min(rel, max) / max * h);
                int x = x0 + k * barW;
                s.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"%s\"/>%n",
                        x, top + h - bh, barW - 2, bh, colors[k]));
                s.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\" font-size=\"9\">%.2f</text>%n",
                        x + barW / 2 - 1, top + h - bh - 3, rel));
            }
            s.append(String.format(Locale.ROOT,
                    "<text transform=\"translate(%d,%d) rotate(40)\">%s %s</text>%n",
                    x0 + 5, top + h + 14, row.scenario(), escape(shorten(row.metric()))));
        }
        for (int k = 0; k < names.length; k++) {
            int x = left + k * 110;
            s.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"12\" height=\"12\" fill=\"%s\"/>%n", x, height - 20, colors[k]));
            s.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\">%s</text>%n", x + 16, height - 10, names[k]));
        }
        s.append("</svg>\n");
        return s.toString();
    }

    /** Throughput, CPU cost and p99 latency: the figures a ratio to nginx says something about. */
    private static boolean charted(Results.Row row) {
        String u = row.unit();
        return u.equals("messages/s") || u.equals("MB/s") || u.equals("connections/s") || u.contains("CPU")
                || (u.equals("µs") && row.metric().contains("p99") && !row.metric().contains("p99."));
    }

    private static String shorten(String metric) {
        return metric.length() <= 38 ? metric : metric.substring(0, 37) + "…";
    }

    /** Of the charted figures, latencies and CPU costs are better when lower. */
    private static boolean lowerIsBetter(Results.Row row) {
        return row.unit().equals("µs") || row.unit().contains("CPU");
    }

    private static String escape(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }

    /**
     * Draws the chart again from a results table (bench/results/results.md), e.g. after the chart's
     * layout changed: {@code Report <results.md> <results.svg>}.
     */
    public static void main(String[] args) throws IOException {
        Results results = new Results();
        for (String line : Files.readAllLines(Path.of(args[0]))) {
            String[] cells = line.split("\\|", -1);
            if (cells.length < 8 || !cells[1].trim().matches("[a-f]")) {
                continue;
            }
            String figure = cells[2].trim();
            int paren = figure.lastIndexOf(" (");
            String metric = paren < 0 ? figure : figure.substring(0, paren);
            String unit = paren < 0 ? "" : figure.substring(paren + 2, figure.length() - 1);
            Map<String, Double> values = new java.util.LinkedHashMap<>();
            for (int i = 0; i < PEERS.size(); i++) {
                String cell = cells[3 + i].trim().replace(",", "");
                if (!cell.isEmpty()) {
                    values.put(PEERS.get(i), Double.parseDouble(cell));
                }
            }
            results.add(cells[1].trim(), metric, unit, values, null);
        }
        Files.writeString(Path.of(args[1]), svg(results));
    }

    static void write(Results results, Path dir, String command) throws IOException {
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("results.md"), markdown(results, command));
        Files.writeString(dir.resolve("results.svg"), svg(results));
    }
}

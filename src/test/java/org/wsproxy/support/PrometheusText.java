package org.wsproxy.support;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A page of Prometheus's text exposition format (version 0.0.4), read as a scraper reads it: each
 * sample line is a metric name, its labels and a value. Written here rather than taken from the
 * product's library, so that the tests check the page against the format, not against itself.
 */
public final class PrometheusText {

    /** One sample: name, labels (sorted by name) and value. */
    public record Sample(String name, Map<String, String> labels, double value) {
    }

    private static final Pattern LINE = Pattern.compile("([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\\{(.*)\\})? (\\S+)(?: -?\\d+)?");

    private final String text;
    private final List<Sample> samples;
    /** TYPE lines: metric family name to its type. */
    private final Map<String, String> types;

    private PrometheusText(String text, List<Sample> samples, Map<String, String> types) {
        this.text = text;
        this.samples = samples;
        this.types = types;
    }

    /** @throws IllegalArgumentException naming the first line that is not in the format */
    public static PrometheusText parse(String text) {
        List<Sample> samples = new ArrayList<>();
        Map<String, String> types = new LinkedHashMap<>();
        for (String line : text.split("\n")) {
            if (line.isEmpty()) {
                continue;
            }
            if (line.startsWith("# TYPE ")) {
                String[] fields = line.split(" ");
                types.put(fields[2], fields[3]);
                continue;
            }
            if (line.startsWith("#")) {
                continue;
            }
            Matcher m = LINE.matcher(line);
            if (!m.matches()) {
                throw new IllegalArgumentException("not a sample line: [" + line + "]");
            }
            samples.add(new Sample(m.group(1), m.group(2) == null ? Map.of() : labels(m.group(2), line),
                    Double.parseDouble(m.group(3))));
        }
        return new PrometheusText(text, List.copyOf(samples), types);
    }

    /** {@code a="x",b="y\"z"}: values may hold escaped backslashes, quotes and line feeds. */
    private static Map<String, String> labels(String list, String line) {
        Map<String, String> labels = new TreeMap<>();
        int i = 0;
        while (i < list.length()) {
            int eq = list.indexOf("=\"", i);
            if (eq < 0) {
                throw new IllegalArgumentException("bad labels in [" + line + "]");
            }
            String name = list.substring(i, eq);
            StringBuilder value = new StringBuilder();
            int j = eq + 2;
            for (; j < list.length() && list.charAt(j) != '"'; j++) {
                char c = list.charAt(j);
                if (c == '\\') {
                    char next = list.charAt(++j);
                    value.append(next == 'n' ? '\n' : next);
                } else {
                    value.append(c);
                }
            }
            if (j >= list.length()) {
                throw new IllegalArgumentException("unterminated label value in [" + line + "]");
            }
            labels.put(name, value.toString());
            i = j + 1;
            if (i < list.length() && list.charAt(i) == ',') {
                i++;
            }
        }
        return Collections.unmodifiableMap(labels);
    }

    /**
     * The value of the one sample of {@code name} with exactly these labels.
     *
     * @param labels alternating label names and values
     * @return null when there is no such sample
     */
    public Double value(String name, String... labels) {
        Map<String, String> wanted = new TreeMap<>();
        for (int i = 0; i + 1 < labels.length; i += 2) {
            wanted.put(labels[i], labels[i + 1]);
        }
        for (Sample sample : samples) {
            if (sample.name().equals(name) && sample.labels().equals(wanted)) {
                return sample.value();
            }
        }
        return null;
    }

    /** Every sample of {@code name}. */
    public List<Sample> samples(String name) {
        return samples.stream().filter(s -> s.name().equals(name)).toList();
    }

    /** The TYPE of a metric family (counter, gauge...), or null. */
    public String type(String family) {
        return types.get(family);
    }

    @Override
    public String toString() {
        return text;
    }
}

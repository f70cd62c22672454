package org.wsproxy.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Every figure of one run, in the order measured; {@link Report} turns them into the table. */
final class Results {

    /** How a figure is judged against the bar. */
    record Bar(String text, Check check) {
    }

    interface Check {
        boolean holds(Map<String, Double> values);
    }

    record Row(String scenario, String metric, String unit, Map<String, Double> values, Bar bar) {
    }

    final List<Row> rows = new ArrayList<>();
    final List<String> notes = new ArrayList<>();
    final Map<String, String> machine = new LinkedHashMap<>();

    Row add(String scenario, String metric, String unit, Map<String, Double> values, Bar bar) {
        Row row = new Row(scenario, metric, unit, new LinkedHashMap<>(values), bar);
        rows.add(row);
        return row;
    }

    void note(String text) {
        notes.add(text);
        System.out.println("  note: " + text);
    }
}

package org.wsproxy.it;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Looks into another JVM on this machine with the JDK's jcmd and /proc: its live threads, and its
 * heap and class loaders after a full GC.
 */
final class ContainerJvm {

    /** Longest a jcmd command may take: a full GC of a small heap takes well under a second. */
    private static final Duration JCMD_TIMEOUT = Duration.ofSeconds(60);
    private static final Pattern THREAD_NAME = Pattern.compile("^\"(.*)\" ", Pattern.MULTILINE);
    private static final Pattern HISTOGRAM_TOTAL = Pattern.compile("^Total\\s+(\\d+)\\s+(\\d+)\\s*$", Pattern.MULTILINE);

    /**
     * What a measurement found.
     *
     * @param threads          the JVM's live threads (/proc/pid/task: every thread, the JVM's own included)
     * @param threadGroups     Java thread names with each run of digits replaced by {@code #}, and how
     *                         many threads have that name (jcmd Thread.print)
     * @param heapBytes        bytes of live objects after a full GC (jcmd GC.class_histogram, which collects first)
     * @param webappLoaders    instances of Tomcat's web application class loader among them
     */
    record Snapshot(int threads, Map<String, Integer> threadGroups, long heapBytes, int webappLoaders) {

        /** The thread groups whose name contains any of {@code parts} (case-insensitive). */
        Map<String, Integer> groupsNamed(String... parts) {
            Map<String, Integer> named = new TreeMap<>();
            threadGroups.forEach((name, count) -> {
                for (String part : parts) {
                    if (name.toLowerCase(Locale.ROOT).contains(part.toLowerCase(Locale.ROOT))) {
                        named.put(name, count);
                        return;
                    }
                }
            });
            return named;
        }

        @Override
        public String toString() {
            return threads + " threads, " + heapBytes / 1024 + " KiB of heap after a full GC, " + webappLoaders
                    + " web application class loaders; threads by name: " + threadGroups;
        }
    }

    private final long pid;

    private ContainerJvm(long pid) {
        this.pid = pid;
    }

    /** The running JVM whose command line has {@code argument}; fails if there is none or several. */
    static ContainerJvm withArgument(String argument) {
        List<ProcessHandle> matches = ProcessHandle.allProcesses()
                .filter(process -> process.info().arguments().map(arguments -> List.of(arguments).contains(argument)).orElse(false))
                .toList();
        if (matches.size() != 1) {
            throw new AssertionError(matches.size() + " processes have [" + argument + "] on their command line, expected one: "
                    + matches.stream().map(ProcessHandle::pid).toList());
        }
        return new ContainerJvm(matches.get(0).pid());
    }

    /**
     * Heap and class loaders after a full GC, then threads.
     *
     * @param histogramFile where to keep the class histogram, to find what holds on to a leak
     */
    Snapshot measure(Path histogramFile) throws IOException, InterruptedException {
        String histogram = jcmd("GC.class_histogram");
        Files.writeString(histogramFile, histogram, StandardCharsets.UTF_8);
        Matcher total = HISTOGRAM_TOTAL.matcher(histogram);
        if (!total.find()) {
            throw new AssertionError("no Total line in the class histogram of " + pid + ":\n" + histogram);
        }
        long heap = Long.parseLong(total.group(2));
        int loaders = 0;
        for (String line : histogram.split("\\R")) {
            String[] fields = line.trim().split("\\s+");
            if (fields.length >= 4 && fields[3].equals("org.apache.catalina.loader.ParallelWebappClassLoader")) {
                loaders = Integer.parseInt(fields[1]);
            }
        }
        Map<String, Integer> groups = new TreeMap<>();
        Matcher names = THREAD_NAME.matcher(jcmd("Thread.print"));
        while (names.find()) {
            groups.merge(names.group(1).replaceAll("\\d+", "#"), 1, Integer::sum);
        }
        return new Snapshot(liveThreads(), groups, heap, loaders);
    }

    /** The number of threads the kernel lists for the JVM: Java threads and the JVM's own. */
    int liveThreads() throws IOException {
        try (var tasks = Files.list(Path.of("/proc", Long.toString(pid), "task"))) {
            return (int) tasks.count();
        }
    }

    private String jcmd(String command) throws IOException, InterruptedException {
        Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
        // To a file, not a pipe: a histogram is larger than a pipe's buffer, and reading a pipe
        // would wait for as long as jcmd does, without a bound.
        Path output = Files.createTempFile("jcmd", ".txt");
        try {
            Process process = new ProcessBuilder(jcmd.toString(), Long.toString(pid), command)
                    .redirectErrorStream(true).redirectOutput(output.toFile()).start();
            if (!process.waitFor(JCMD_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new AssertionError("jcmd " + pid + " " + command + " did not finish within " + JCMD_TIMEOUT);
            }
            String text = Files.readString(output, StandardCharsets.UTF_8);
            if (process.exitValue() != 0) {
                throw new AssertionError("jcmd " + pid + " " + command + " exited with " + process.exitValue() + ":\n" + text);
            }
            return text;
        } finally {
            Files.deleteIfExists(output);
        }
    }

    /** The thread names of {@code after} with more threads than in {@code before}, with both counts. */
    static List<String> grown(Map<String, Integer> before, Map<String, Integer> after) {
        List<String> grown = new ArrayList<>();
        after.forEach((name, count) -> {
            int was = before.getOrDefault(name, 0);
            if (count > was) {
                grown.add("[" + name + "] " + was + " -> " + count);
            }
        });
        return grown;
    }
}

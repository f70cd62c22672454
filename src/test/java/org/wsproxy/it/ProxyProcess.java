package org.wsproxy.it;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The Tomcat that the build started for the integration tests, seen from outside as an operator
 * would: its file descriptors and threads from /proc, its heap from {@code jcmd}. Found by its
 * command line, which names its configuration directory ({@code -Dcatalina.base=}).
 */
final class ProxyProcess {

    private static final Pattern G1_USED = Pattern.compile("garbage-first heap\\s+total \\d+K, used (\\d+)K");
    /** The last line of a class histogram: instances and bytes of all live objects. */
    private static final Pattern LIVE_TOTAL = Pattern.compile("^Total\\s+\\d+\\s+(\\d+)\\s*$", Pattern.MULTILINE);
    private static final Pattern THREAD = Pattern.compile("^\"(.*)\" ", Pattern.MULTILINE);
    /** Longest a jcmd command may take: a full GC of a 512 MiB heap on a busy machine. */
    private static final long JCMD_SECONDS = 60;

    /** Tomcat's request threads (digits in names are replaced by {@code #}). */
    static final Pattern REQUEST_THREADS = Pattern.compile("http-nio-.*-exec-#");
    /**
     * Request threads an idle Tomcat keeps: its default minSpareThreads, which Cargo's server.xml
     * leaves as it is. The others leave after 60 s without work.
     */
    static final int REQUEST_THREADS_IDLE = 10;
    /** wsproxy's backend workers (BackendConnector). */
    static final Pattern BACKEND_WORKERS = Pattern.compile("wsproxy-backend-worker\\(#\\)");
    /**
     * Backend workers kept when idle: BackendConnector's core size, max(2, cores), on this machine,
     * which is the proxy's too; none once the backend transport has stopped (30 s after its last
     * connection). The others leave after a minute without work.
     */
    static final int BACKEND_WORKERS_IDLE = Math.max(2, Runtime.getRuntime().availableProcessors());
    /** The JVM's own GC and JIT workers, which it starts as the load needs and may keep. */
    private static final Pattern JVM_WORKERS = Pattern.compile("GC Thread##|G# Conc##|G# Refine##|C# CompilerThread#");
    /** Threads of pools that grow under load and shrink only after an idle period, if at all. */
    private static final List<Pattern> POOLS = List.of(REQUEST_THREADS, BACKEND_WORKERS, JVM_WORKERS);

    /**
     * What was measured at one moment.
     *
     * @param fds         open file descriptors
     * @param threads     live threads (all of the process's tasks)
     * @param threadKinds live threads by name, digits replaced by {@code #}
     * @param heapKiB     live heap, in KiB
     */
    record Sample(int fds, int threads, Map<String, Integer> threadKinds, long heapKiB) {

        /** Threads of the pools: Tomcat's request threads, wsproxy's backend workers, the JVM's GC and JIT workers. */
        int poolThreads() {
            return threadKinds.entrySet().stream().filter(e -> isPool(e.getKey())).mapToInt(Map.Entry::getValue).sum();
        }

        /** Live threads of one kind. */
        int threads(Pattern kind) {
            return threadKinds.entrySet().stream().filter(e -> kind.matcher(e.getKey()).matches())
                    .mapToInt(Map.Entry::getValue).sum();
        }

        /** Threads outside those pools: what must be back to its count once the connections are gone. */
        Map<String, Integer> otherThreads() {
            Map<String, Integer> other = new TreeMap<>(threadKinds);
            other.keySet().removeIf(ProxyProcess::isPool);
            return other;
        }

        int otherThreadCount() {
            return otherThreads().values().stream().mapToInt(Integer::intValue).sum();
        }

        @Override
        public String toString() {
            return String.format("%d fds, %d threads (%d in pools), heap %.1f MiB", fds, threads, poolThreads(), heapKiB / 1024.0);
        }
    }

    private final long pid;

    private ProxyProcess(long pid) {
        this.pid = pid;
    }

    /** The Tomcat whose {@code catalina.base} is {@code base}. */
    static ProxyProcess withCatalinaBase(Path base) {
        String argument = "-Dcatalina.base=" + base;
        List<Long> found = ProcessHandle.allProcesses().map(ProcessHandle::pid).filter(pid -> arguments(pid).contains(argument))
                .toList();
        if (found.size() != 1) {
            throw new IllegalStateException("expected one process with [" + argument + "] on its command line, found " + found);
        }
        return new ProxyProcess(found.get(0));
    }

    long pid() {
        return pid;
    }

    /** /proc/<pid>/cmdline, one argument per element; empty for a process that is gone or not ours. */
    private static List<String> arguments(long pid) {
        try {
            return List.of(Files.readString(Path.of("/proc", Long.toString(pid), "cmdline"), StandardCharsets.UTF_8).split("\0"));
        } catch (IOException | RuntimeException e) {
            return List.of();
        }
    }

    /**
     * File descriptors, threads, and the live heap: the bytes of all objects that a class histogram
     * finds reachable after a full GC, a finalization pass and the full GC the histogram runs. One
     * full GC is not enough: after a round on 2,000 connections, G1's heap in use right after
     * {@code GC.run} was 55 to 210 MiB where the histogram then found 20 to 30 MiB live (objects the
     * finalizer and reference threads release between two collections), so a single GC would
     * measure when those threads last ran rather than what the proxy keeps.
     */
    Sample sample() throws IOException, InterruptedException {
        jcmd("GC.run");
        jcmd("GC.run_finalization");
        Matcher live = LIVE_TOTAL.matcher(jcmd("GC.class_histogram"));
        if (!live.find()) {
            throw new IllegalStateException("jcmd GC.class_histogram printed no Total line");
        }
        Map<String, Integer> kinds = new TreeMap<>();
        Matcher thread = THREAD.matcher(jcmd("Thread.print"));
        while (thread.find()) {
            kinds.merge(thread.group(1).replaceAll("[0-9]+", "#"), 1, Integer::sum);
        }
        return new Sample(count("fd"), count("task"), kinds, Long.parseLong(live.group(1)) / 1024);
    }

    /** Open file descriptors and live threads only, from /proc: cheap enough to read every second. */
    int[] fdsAndThreads() throws IOException {
        return new int[] {count("fd"), count("task")};
    }

    /** Heap in use now, without a GC, in KiB. */
    long heapKiB() throws IOException, InterruptedException {
        Matcher heap = G1_USED.matcher(jcmd("GC.heap_info"));
        return heap.find() ? Long.parseLong(heap.group(1)) : -1;
    }

    private int count(String directory) throws IOException {
        try (var entries = Files.list(Path.of("/proc", Long.toString(pid), directory))) {
            return (int) entries.count();
        }
    }

    private static boolean isPool(String kind) {
        return POOLS.stream().anyMatch(p -> p.matcher(kind).matches());
    }

    private String jcmd(String command) throws IOException, InterruptedException {
        Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
        // Into a file, not a pipe: the wait below stays bounded even if jcmd hangs with the pipe open.
        Path out = Files.createTempFile("jcmd", ".txt");
        try {
            Process process = new ProcessBuilder(jcmd.toString(), Long.toString(pid), command).redirectErrorStream(true)
                    .redirectOutput(out.toFile()).start();
            if (!process.waitFor(JCMD_SECONDS, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException("jcmd " + pid + " " + command + " did not finish within " + JCMD_SECONDS + " s");
            }
            String text = Files.readString(out, StandardCharsets.UTF_8);
            if (process.exitValue() != 0) {
                throw new IllegalStateException("jcmd " + pid + " " + command + " failed:\n" + text);
            }
            return text;
        } finally {
            Files.deleteIfExists(out);
        }
    }
}

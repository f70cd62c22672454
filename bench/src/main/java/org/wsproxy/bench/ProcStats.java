package org.wsproxy.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** What a process costs, read from /proc and, for a JVM, from jcmd. */
final class ProcStats {

    /** USER_HZ: /proc reports CPU time in these ticks; 100 on every Linux this runs on. */
    private static final double TICKS_PER_SECOND = 100.0;
    private static final Pattern G1_USED = Pattern.compile("garbage-first heap\\s+total (\\d+)K, used (\\d+)K");

    private ProcStats() {
    }

    /** User + system CPU seconds of these processes so far. */
    static double cpuSeconds(List<Long> pids) {
        return ticks(pids, true) / TICKS_PER_SECOND;
    }

    /** System (kernel) CPU seconds of these processes so far: the share spent in system calls. */
    static double systemCpuSeconds(List<Long> pids) {
        return ticks(pids, false) / TICKS_PER_SECOND;
    }

    /** Sums stime (and utime if asked) from /proc/<pid>/stat, fields 14 and 15 (man 5 proc). */
    private static long ticks(List<Long> pids, boolean withUser) {
        long ticks = 0;
        for (long pid : pids) {
            try {
                String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
                String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                ticks += Long.parseLong(f[12]) + (withUser ? Long.parseLong(f[11]) : 0);
            } catch (IOException e) {
                throw new IllegalStateException("process " + pid + " is gone", e);
            }
        }
        return ticks;
    }

    /**
     * Context switches of all live threads of these processes so far: a thread hand-off per message
     * shows here as a wake-up per message. Threads that ended are not counted.
     */
    static long contextSwitches(List<Long> pids) {
        long sum = 0;
        for (long pid : pids) {
            for (Path task : tasks(pid)) {
                try {
                    for (String line : Files.readAllLines(task.resolve("status"))) {
                        if (line.startsWith("voluntary_ctxt_switches:") || line.startsWith("nonvoluntary_ctxt_switches:")) {
                            sum += Long.parseLong(line.substring(line.indexOf(':') + 1).trim());
                        }
                    }
                } catch (IOException threadEnded) {
                    // a thread that ended between the listing and the read
                }
            }
        }
        return sum;
    }

    /** /proc/<pid>/task/*: one directory per live thread. */
    private static List<Path> tasks(long pid) {
        try (var tasks = Files.list(Path.of("/proc", Long.toString(pid), "task"))) {
            return tasks.toList();
        } catch (IOException e) {
            throw new IllegalStateException("process " + pid + " is gone", e);
        }
    }

    static long rssKiB(List<Long> pids) {
        long sum = 0;
        for (long pid : pids) {
            sum += statusField(pid, "VmRSS:");
        }
        return sum;
    }

    static long threads(List<Long> pids) {
        long sum = 0;
        for (long pid : pids) {
            sum += statusField(pid, "Threads:");
        }
        return sum;
    }

    private static long statusField(long pid, String name) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
                if (line.startsWith(name)) {
                    return Long.parseLong(line.substring(name.length()).trim().split("\\s+")[0]);
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException("process " + pid + " is gone", e);
        }
        throw new IllegalStateException("no " + name + " in /proc/" + pid + "/status");
    }

    /** Live threads of a process counted by name, digits dropped ("http-nio-exec" 200, ...). */
    static java.util.Map<String, Integer> threadNames(long pid) {
        java.util.Map<String, Integer> names = new java.util.TreeMap<>();
        for (Path task : tasks(pid)) {
            try {
                names.merge(Files.readString(task.resolve("comm")).trim().replaceAll("[0-9]+", "#"), 1, Integer::sum);
            } catch (IOException threadEnded) {
                // ended between the listing and the read
            }
        }
        return names;
    }

    /** Live processes whose parent is {@code pid} (nginx's workers). */
    static List<Long> children(long pid) {
        return ProcessHandle.of(pid).map(p -> p.children().map(ProcessHandle::pid).toList()).orElse(List.of());
    }

    /** Heap in use after a full GC, in KiB (G1): what the JVM's live objects take. */
    static long heapAfterGcKiB(long pid) throws IOException, InterruptedException {
        jcmd(pid, "GC.run");
        String info = jcmd(pid, "GC.heap_info");
        Matcher m = G1_USED.matcher(info);
        if (!m.find()) {
            throw new IllegalStateException("jcmd GC.heap_info printed no G1 heap line:\n" + info);
        }
        return Long.parseLong(m.group(2));
    }

    private static String jcmd(long pid, String command) throws IOException, InterruptedException {
        Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
        Process p = new ProcessBuilder(jcmd.toString(), Long.toString(pid), command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IllegalStateException("jcmd " + pid + " " + command + " failed:\n" + out);
        }
        return out;
    }
}

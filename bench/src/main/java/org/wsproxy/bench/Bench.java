package org.wsproxy.bench;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The benchmark: one echo backend, nginx, HAProxy and wsproxy in a real Tomcat, all on loopback,
 * and the same load against each in turn (the direct connection to the backend is the ceiling),
 * so that the ratios hold on a noisy machine. See BENCHMARKS.md for what each scenario means.
 *
 * <p>Arguments: the bench directory, the wsproxy WAR, the unpacked Tomcat, the classpath of this
 * program (for the backend's JVM). Durations can be shortened with system properties for a quick
 * look (bench.seconds, bench.connections); the published figures use the defaults.
 */
public final class Bench {

    private static final long SEC = 1_000_000_000L;
    /** Scenario b's second rate: 50 messages/s on each of the 100 connections. */
    private static final double LIGHT_RATE = 5000;

    private final int seconds = Integer.getInteger("bench.seconds", 10);
    private final int warmup = Integer.getInteger("bench.warmup", 3);
    /** Scenario e. 10,000 asked; two sockets per proxied connection and the 20,000-file cap per process allow ~9,900. */
    private final int idleConnections = Integer.getInteger("bench.connections", 9000);
    private final int floodSeconds = Integer.getInteger("bench.floodSeconds", 30);
    private final int jvmWarmup = Integer.getInteger("bench.jvmWarmup", 20);

    /** Scenarios to run (bench.only=a,c for a profiling session); all by default. */
    private final String only = System.getProperty("bench.only", "abcdef");
    /** Extra JVM options for wsproxy's Tomcat, e.g. a JFR recording; none by default. */
    private final String tomcatOpts = System.getProperty("bench.tomcatOpts", "");

    private final Results results = new Results();
    private final Map<String, Target> targets = new LinkedHashMap<>();
    private Peers.Running tomcat;

    /** Where a client connects for a peer, and which processes are that peer's cost. */
    record Target(String name, InetSocketAddress address, String prefix, Peers.Running process) {
        List<Long> pids() {
            return process == null ? List.of() : process.pids();
        }
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 5) {
            System.err.println("usage: Bench <bench dir> <wsproxy.war> <tomcat home> <classpath> <scg.jar>");
            System.exit(2);
        }
        Path benchDir = Path.of(args[0]).toAbsolutePath();
        int failures = new Bench().run(benchDir, Path.of(args[1]).toAbsolutePath(), Path.of(args[2]).toAbsolutePath(), Path.of(args[3]),
                Path.of(args[4]).toAbsolutePath());
        System.exit(failures == 0 ? 0 : 1);
    }

    private int run(Path benchDir, Path war, Path catalinaHome, Path classpath, Path scgJar) throws Exception {
        machine(catalinaHome);
        try (Peers peers = new Peers(benchDir, benchDir.resolve("target/run"))) {
            Peers.Running backend = peers.backend(classpath);
            InetSocketAddress loopback = new InetSocketAddress("127.0.0.1", backend.port());
            targets.put("direct", new Target("direct", loopback, "", null));
            Peers.Running nginx = peers.nginx(backend.port());
            targets.put("nginx", new Target("nginx", addr(nginx.port()), "", nginx));
            Peers.Running haproxy = peers.haproxy(backend.port());
            targets.put("haproxy", new Target("haproxy", addr(haproxy.port()), "", haproxy));
            Peers.Running scg = peers.scg(scgJar, backend.port());
            targets.put("scg", new Target("scg", addr(scg.port()), "", scg));
            tomcat = peers.tomcat(catalinaHome, war, backend.port(), tomcatOpts);
            targets.put("wsproxy", new Target("wsproxy", addr(tomcat.port()), "/wsproxy", tomcat));
            // The same WAR in the same Tomcat with every route on the jsr356 engine: both engines, one run.
            targets.put("jsr356", new Target("jsr356", addr(tomcat.port()), "/wsproxy-jsr356", tomcat));
            System.out.printf("backend :%d, nginx :%d, haproxy :%d, scg :%d, tomcat :%d%n",
                    backend.port(), nginx.port(), haproxy.port(), scg.port(), tomcat.port());

            warmJvm();
            if (runs("a") || runs("b")) {
                Map<String, Double> rate = throughput();
                if (runs("b")) {
                    // Half the slowest proxy's maximum: well under saturation for every peer, so the
                    // figure is the latency each adds, not the queue of one that cannot keep up.
                    double slowest = rate.entrySet().stream().filter(e -> !e.getKey().equals("direct"))
                            .mapToDouble(Map.Entry::getValue).min().orElseThrow();
                    latencyAtFixedRate(slowest / 2, "half the slowest proxy's maximum");
                    // And a light load, 50 messages/s per connection (a busy chat), for the latency a
                    // proxy adds when nothing queues.
                    latencyAtFixedRate(LIGHT_RATE, "light load");
                }
            }
            if (runs("c")) {
                bigMessages();
            }
            if (runs("d")) {
                connectionRate();
            }
            if (runs("e")) {
                manyConnections();
            }
            if (runs("f")) {
                slowConsumer();
            }
        }
        Path out = benchDir.resolve("results");
        Report.write(results, out, "bench/run.sh");
        System.out.println();
        System.out.println(Report.markdown(results, "bench/run.sh"));
        System.out.println("written: " + out.resolve("results.md") + ", " + out.resolve("results.svg"));
        return 0;
    }

    private boolean runs(String scenario) {
        return only.contains(scenario);
    }

    private static InetSocketAddress addr(int port) {
        return new InetSocketAddress("127.0.0.1", port);
    }

    /**
     * A production JVM runs warm: before anything is measured, wsproxy and Spring Cloud Gateway get
     * the scenarios' kinds of traffic until the JIT has compiled their hot paths. nginx and HAProxy
     * need no such thing.
     */
    private void warmJvm() throws IOException {
        for (String name : JVM_PEERS) {
            warmJvm(targets.get(name));
        }
    }

    /** The peers that run in a JVM, warmed alike and measured for heap too. */
    private static final List<String> JVM_PEERS = List.of("scg", "wsproxy", "jsr356");

    private void warmJvm(Target t) throws IOException {
        System.out.printf("warming %s's JVM for %d s%n", t.name(), jvmWarmup);
        try (LoadLoop loop = new LoadLoop()) {
            new EchoLoad(loop, 100, WsFrames.OP_TEXT, new byte[64], 8, 0, 0, jvmWarmup * SEC / 2).run(t.address(), t.prefix() + "/echo");
        }
        try (LoadLoop loop = new LoadLoop()) {
            new EchoLoad(loop, 10, WsFrames.OP_BINARY, new byte[1 << 20], 1, 0, 0, jvmWarmup * SEC / 4).run(t.address(), t.prefix() + "/echo");
        }
        try (LoadLoop loop = new LoadLoop()) {
            new ConnectLoad(loop, t.address(), t.prefix() + "/echo", 50).run(0, jvmWarmup * SEC / 4);
        }
    }

    /** Scenario a: 100 connections, 8 messages of 64 bytes in flight on each, closed loop. */
    private Map<String, Double> throughput() throws IOException {
        String s = "a";
        Map<String, Double> msgs = new LinkedHashMap<>();
        Map<String, Double> p50 = new LinkedHashMap<>();
        Map<String, Double> p99 = new LinkedHashMap<>();
        Map<String, Double> p999 = new LinkedHashMap<>();
        Map<String, Double> cpu = new LinkedHashMap<>();
        Map<String, Double> sys = new LinkedHashMap<>();
        Map<String, Double> switches = new LinkedHashMap<>();
        for (Target t : targets.values()) {
            try (LoadLoop loop = new LoadLoop()) {
                EchoLoad load = new EchoLoad(loop, 100, WsFrames.OP_TEXT, new byte[64], 8, 0, warmup * SEC, seconds * SEC);
                double cpu0 = ProcStats.cpuSeconds(t.pids());
                double sys0 = ProcStats.systemCpuSeconds(t.pids());
                long cs0 = ProcStats.contextSwitches(t.pids());
                check(load.run(t.address(), t.prefix() + "/echo"), loop, s, t);
                double cpuUsed = ProcStats.cpuSeconds(t.pids()) - cpu0;
                if (t.process() != null && cpuUsed > 0) {
                    sys.put(t.name(), 100 * (ProcStats.systemCpuSeconds(t.pids()) - sys0) / cpuUsed);
                    switches.put(t.name(), (double) (ProcStats.contextSwitches(t.pids()) - cs0) / load.totalMessages);
                }
                msgs.put(t.name(), load.messages / load.seconds());
                p50.put(t.name(), load.latency.getValueAtPercentile(50) / 1000.0);
                p99.put(t.name(), load.latency.getValueAtPercentile(99) / 1000.0);
                p999.put(t.name(), load.latency.getValueAtPercentile(99.9) / 1000.0);
                if (t.process() != null) {
                    cpu.put(t.name(), cpuUsed * 1e6 / load.totalMessages);
                }
                System.out.printf("a %-8s %,10.0f msg/s  p50 %6.0f µs  p99 %6.0f µs  p99.9 %6.0f µs%n", t.name(),
                        msgs.get(t.name()), p50.get(t.name()), p99.get(t.name()), p999.get(t.name()));
            }
        }
        results.add(s, "64 B echo, 100 conns x 8 in flight", "messages/s", msgs,
                new Results.Bar(">= 0.7 x nginx and >= 0.95 x scg",
                        v -> v.get("wsproxy") >= 0.7 * v.get("nginx") && v.get("wsproxy") >= 0.95 * v.get("scg")));
        results.add(s, "round trip p50", "µs", p50, null);
        results.add(s, "round trip p99", "µs", p99,
                new Results.Bar("<= 2 x nginx", v -> v.get("wsproxy") <= 2 * v.get("nginx")));
        results.add(s, "round trip p99.9", "µs", p999, null);
        results.add(s, "proxy CPU per echoed message", "µs CPU", cpu,
                new Results.Bar("<= 2 x nginx", v -> v.get("wsproxy") <= 2 * v.get("nginx")));
        results.add(s, "share of the proxy's CPU spent in the kernel", "%", sys, null);
        results.add(s, "proxy context switches per echoed message", "switches", switches, null);
        return msgs;
    }

    /** Scenario b: the same connections at a fixed total rate, half of the slowest proxy's maximum. */
    private void latencyAtFixedRate(double rate, String label) throws IOException {
        String s = "b";
        Map<String, Double> p50 = new LinkedHashMap<>();
        Map<String, Double> p99 = new LinkedHashMap<>();
        for (Target t : targets.values()) {
            try (LoadLoop loop = new LoadLoop()) {
                EchoLoad load = new EchoLoad(loop, 100, WsFrames.OP_TEXT, new byte[64], 0, rate, warmup * SEC, seconds * SEC);
                check(load.run(t.address(), t.prefix() + "/echo"), loop, s, t);
                p50.put(t.name(), load.latency.getValueAtPercentile(50) / 1000.0);
                p99.put(t.name(), load.latency.getValueAtPercentile(99) / 1000.0);
                if (load.skipped > 0) {
                    results.note(String.format(Locale.ROOT, "b: %s fell behind the offered rate: %d sends skipped", t.name(), load.skipped));
                }
                System.out.printf("b %-8s at %,.0f msg/s: p50 %6.0f µs  p99 %6.0f µs (%,.0f msg/s achieved)%n", t.name(), rate,
                        p50.get(t.name()), p99.get(t.name()), load.messages / load.seconds());
            }
        }
        String at = String.format(Locale.ROOT, "64 B echo at %,.0f msg/s (%s)", rate, label);
        results.add(s, at + ": p50", "µs", p50, null);
        results.add(s, at + ": p99", "µs", p99, null);
        results.add(s, "p50 added over direct", "µs", minus(p50, p50.get("direct")), null);
        results.add(s, "p99 added over direct", "µs", minus(p99, p99.get("direct")),
                new Results.Bar("<= 1.5 x nginx's", v -> v.get("wsproxy") <= 1.5 * Math.max(v.get("nginx"), 1)));
    }

    private static Map<String, Double> minus(Map<String, Double> values, double base) {
        Map<String, Double> out = new LinkedHashMap<>();
        values.forEach((k, v) -> {
            if (!k.equals("direct")) {
                out.put(k, v - base);
            }
        });
        return out;
    }

    /** Scenario c: 1 MiB binary messages echoed on 10 connections, one in flight each. */
    private void bigMessages() throws IOException {
        String s = "c";
        Map<String, Double> mbs = new LinkedHashMap<>();
        Map<String, Double> cpu = new LinkedHashMap<>();
        for (Target t : targets.values()) {
            try (LoadLoop loop = new LoadLoop()) {
                EchoLoad load = new EchoLoad(loop, 10, WsFrames.OP_BINARY, new byte[1 << 20], 1, 0, warmup * SEC, seconds * SEC);
                double cpu0 = ProcStats.cpuSeconds(t.pids());
                check(load.run(t.address(), t.prefix() + "/echo"), loop, s, t);
                double cpuUsed = ProcStats.cpuSeconds(t.pids()) - cpu0;
                mbs.put(t.name(), load.bytes / load.seconds() / 1e6);
                if (t.process() != null) {
                    cpu.put(t.name(), cpuUsed * 1e3 / load.totalMessages);
                }
                System.out.printf("c %-8s %8.1f MB/s%n", t.name(), mbs.get(t.name()));
            }
        }
        results.add(s, "1 MiB binary echo, 10 conns", "MB/s", mbs,
                new Results.Bar(">= 0.7 x nginx and >= 0.95 x scg",
                        v -> v.get("wsproxy") >= 0.7 * v.get("nginx") && v.get("wsproxy") >= 0.95 * v.get("scg")));
        results.add(s, "proxy CPU per echoed MiB", "ms CPU", cpu, null);
    }

    /** Scenario d: 50 clients in parallel, each connecting, echoing one message and closing, over and over. */
    private void connectionRate() throws IOException {
        String s = "d";
        Map<String, Double> rate = new LinkedHashMap<>();
        Map<String, Double> p99 = new LinkedHashMap<>();
        Map<String, Double> cpu = new LinkedHashMap<>();
        for (Target t : targets.values()) {
            try (LoadLoop loop = new LoadLoop()) {
                ConnectLoad load = new ConnectLoad(loop, t.address(), t.prefix() + "/echo", 50);
                double cpu0 = ProcStats.cpuSeconds(t.pids());
                boolean finished = load.run(2 * SEC, seconds * SEC);
                if (t.process() != null) {
                    cpu.put(t.name(), (ProcStats.cpuSeconds(t.pids()) - cpu0) * 1e6 / load.total);
                }
                check(finished && load.failed == 0, loop, s, t);
                rate.put(t.name(), load.completed / load.seconds());
                p99.put(t.name(), load.connectLatency.getValueAtPercentile(99) / 1000.0);
                System.out.printf("d %-8s %,8.0f connections/s (p99 %,.0f µs)%n", t.name(), rate.get(t.name()), p99.get(t.name()));
            }
        }
        results.add(s, "connect + 1 message + close, 50 in parallel", "connections/s", rate,
                new Results.Bar(">= 0.5 x nginx and >= 0.95 x scg",
                        v -> v.get("wsproxy") >= 0.5 * v.get("nginx") && v.get("wsproxy") >= 0.95 * v.get("scg")));
        results.add(s, "connection lifetime p99", "µs", p99, null);
        results.add(s, "proxy CPU per connection", "µs CPU", cpu, null);
    }

    /**
     * Scenario e: many idle connections, then one message on each. Threads are counted at a tenth
     * of the connections and at all of them: if threads followed connections, the second count
     * would be far above the first.
     */
    private void manyConnections() throws IOException, InterruptedException {
        String s = "e";
        int n = idleConnections;
        int tenth = n / 10;
        Map<String, Double> rssPer = new LinkedHashMap<>();
        Map<String, Double> heapPer = new LinkedHashMap<>();
        Map<String, Double> heapPerIdle = new LinkedHashMap<>();
        Map<String, Double> threadsTenth = new LinkedHashMap<>();
        Map<String, Double> threadsIdleN = new LinkedHashMap<>();
        Map<String, Double> threadsN = new LinkedHashMap<>();
        for (Target t : targets.values()) {
            if (t.process() == null) {
                continue;
            }
            boolean jvm = JVM_PEERS.contains(t.name());
            long pid = t.process().process().pid();
            long heap0 = jvm ? settledHeapKiB(pid) : 0;
            long rss0 = ProcStats.rssKiB(t.pids());
            try (LoadLoop loop = new LoadLoop()) {
                // 20 handshakes at a time: thread pools grow with concurrent handshakes (up to their
                // maxima), and this scenario asks whether threads grow with open connections.
                IdleLoad load = new IdleLoad(loop, t.address(), t.prefix() + "/echo", tenth, 20);
                check(load.run(IdleLoad.Step.OPEN, 300 * SEC), loop, s + " open", t);
                threadsTenth.put(t.name(), (double) ProcStats.threads(t.pids()));
                load.count = n;
                check(load.run(IdleLoad.Step.OPEN, 300 * SEC), loop, s + " open", t);
                threadsIdleN.put(t.name(), (double) ProcStats.threads(t.pids()));
                if (jvm) {
                    heapPerIdle.put(t.name(), (ProcStats.heapAfterGcKiB(pid) - heap0) * 1024.0 / n);
                }
                check(load.run(IdleLoad.Step.MESSAGE, 120 * SEC), loop, s + " message", t);
                long rss = ProcStats.rssKiB(t.pids());
                threadsN.put(t.name(), (double) ProcStats.threads(t.pids()));
                if (jvm) {
                    System.out.println("e " + t.name() + " threads by name: " + ProcStats.threadNames(pid));
                    heapPer.put(t.name(), (ProcStats.heapAfterGcKiB(pid) - heap0) * 1024.0 / n);
                }
                rssPer.put(t.name(), (rss - rss0) * 1024.0 / n);
                System.out.printf("e %-8s %d connections: RSS +%.0f B/conn, heap +%s B/conn, threads %.0f at %d, %.0f at %d,"
                                + " %.0f after a message on each%n", t.name(), n, rssPer.get(t.name()), heapPer.get(t.name()),
                        threadsTenth.get(t.name()), tenth, threadsIdleN.get(t.name()), n, threadsN.get(t.name()));
                load.run(IdleLoad.Step.CLOSE, 120 * SEC);
            }
        }
        results.add(s, n + " open connections: heap per connection, idle", "KiB", kib(heapPerIdle), null);
        results.add(s, "heap per connection after one message each", "KiB", kib(heapPer),
                new Results.Bar("<= 16 KiB", v -> v.get("wsproxy") <= 16));
        results.add(s, "RSS per connection", "KiB", kib(rssPer), null);
        results.add(s, "threads with " + tenth + " open", "threads", threadsTenth, null);
        results.add(s, "threads with " + n + " open", "threads", threadsIdleN,
                new Results.Bar("wsproxy: same as with " + tenth + " (+-10)",
                        v -> Math.abs(v.get("wsproxy") - threadsTenth.get("wsproxy")) <= 10));
        results.add(s, "threads after one message on each of the " + n + " at once", "threads", threadsN, null);
        results.note("e: " + n + " connections, not 10,000: each proxied connection holds two sockets in the proxy "
                + "process and this machine caps a process at 20,000 open files.");
    }

    /**
     * The heap after a full GC once connections closed by earlier scenarios are really gone (their
     * close handshakes finish a little after the client sees them): full GCs a second apart until
     * two agree within 1 MiB.
     */
    private static long settledHeapKiB(long pid) throws IOException, InterruptedException {
        long previous = ProcStats.heapAfterGcKiB(pid);
        for (int i = 0; i < 20; i++) {
            Thread.sleep(1000);
            long now = ProcStats.heapAfterGcKiB(pid);
            if (Math.abs(now - previous) < 1024) {
                return Math.min(now, previous);
            }
            previous = now;
        }
        return previous;
    }

    private static Map<String, Double> kib(Map<String, Double> bytes) {
        Map<String, Double> out = new LinkedHashMap<>();
        bytes.forEach((k, v) -> out.put(k, v / 1024));
        return out;
    }

    /** Scenario f: one client floods the backend's 1 MiB/s endpoint through wsproxy; heap sampled after full GCs. */
    private void slowConsumer() throws IOException, InterruptedException {
        String s = "f";
        Target t = targets.get("wsproxy");
        long pid = t.process().process().pid();
        long base = settledHeapKiB(pid);
        AtomicLong max = new AtomicLong(base);
        Thread sampler = new Thread(() -> {
            try {
                while (!Thread.currentThread().isInterrupted()) {
                    Thread.sleep(3000);
                    max.accumulateAndGet(ProcStats.heapAfterGcKiB(pid), Math::max);
                }
            } catch (InterruptedException stop) {
                // the flood is over
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }, "heap-sampler");
        long sent;
        try (LoadLoop loop = new LoadLoop()) {
            FloodLoad load = new FloodLoad(loop);
            sampler.start();
            check(load.run(t.address(), t.prefix() + "/slow", floodSeconds * SEC), loop, s, t);
            sent = load.sentBytes;
        } finally {
            sampler.interrupt();
            sampler.join(60_000);
        }
        double growthMiB = (max.get() - base) / 1024.0;
        System.out.printf("f wsproxy heap %d KiB -> max %d KiB (+%.2f MiB); client wrote %.1f MiB in %d s%n",
                base, max.get(), growthMiB, sent / 1048576.0, floodSeconds);
        results.add(s, "flood into a 1 MiB/s backend, " + floodSeconds + " s: heap growth", "MiB",
                Map.of("wsproxy", growthMiB), new Results.Bar("<= 16 MiB", v -> v.get("wsproxy") <= 16));
    }

    private static void check(boolean ok, LoadLoop loop, String scenario, Target t) {
        if (!ok) {
            throw new IllegalStateException("scenario " + scenario + " against " + t.name() + " failed: "
                    + loop.failures() + " failed connections, first: " + loop.firstFailure());
        }
    }

    private void machine(Path catalinaHome) throws IOException {
        results.machine.put("CPU", Runtime.getRuntime().availableProcessors() + " cores, "
                + cpuModel());
        results.machine.put("Java", System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version"));
        results.machine.put("Tomcat", catalinaHome.getFileName().toString());
        results.machine.put("nginx", version("/usr/sbin/nginx", "-v"));
        results.machine.put("HAProxy", version("/usr/sbin/haproxy", "-v"));
    }

    private static String cpuModel() throws IOException {
        return Files.readAllLines(Path.of("/proc/cpuinfo")).stream().filter(l -> l.startsWith("model name"))
                .map(l -> l.substring(l.indexOf(':') + 1).trim()).findFirst().orElse("unknown");
    }

    private static String version(String binary, String flag) throws IOException {
        Process p = new ProcessBuilder(binary, flag).redirectErrorStream(true).start();
        return new String(p.getInputStream().readAllBytes()).lines().findFirst().orElse("?").trim();
    }
}

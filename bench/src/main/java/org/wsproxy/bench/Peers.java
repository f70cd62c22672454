package org.wsproxy.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Starts and stops the processes under test, each on free loopback ports: the echo backend (a
 * JVM), nginx and HAProxy (Debian's binaries), Spring Cloud Gateway (a Spring Boot jar), and a
 * real Tomcat 10.1 with wsproxy.war. Every
 * process is stopped when the benchmark ends, also when it fails.
 */
final class Peers implements AutoCloseable {

    /** How long a process may take to start listening (Tomcat deploying the WAR is the slowest). */
    private static final Duration START_TIMEOUT = Duration.ofSeconds(120);

    private final Path benchDir;
    private final Path work;
    private final List<Process> processes = new ArrayList<>();

    Peers(Path benchDir, Path work) throws IOException {
        this.benchDir = benchDir;
        this.work = work;
        if (Files.exists(work)) {
            try (Stream<Path> walk = Files.walk(work)) {
                walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
        Files.createDirectories(work);
    }

    /** A started process and the pids whose CPU and memory count as its own. */
    record Running(String name, Process process, int port) {
        List<Long> pids() {
            List<Long> pids = new ArrayList<>();
            pids.add(process.pid());
            pids.addAll(ProcStats.children(process.pid()));
            return pids;
        }
    }

    Running backend(Path classpath) throws IOException, InterruptedException {
        Path portFile = work.resolve("backend.port");
        Process p = start("backend", List.of(javaBin(), "-Xms1g", "-Xmx1g", "-cp", classpath.toString(),
                EchoBackend.class.getName(), portFile.toString()), Map.of());
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (!Files.exists(portFile)) {
            if (!p.isAlive() || System.nanoTime() > deadline) {
                throw new IllegalStateException("echo backend did not start; see " + work.resolve("backend.log"));
            }
            Thread.sleep(50);
        }
        return new Running("backend", p, Integer.parseInt(Files.readString(portFile).trim()));
    }

    Running nginx(int backendPort) throws IOException, InterruptedException {
        Path dir = work.resolve("nginx");
        Files.createDirectories(dir.resolve("tmp"));
        int port = freePort();
        Path conf = fill(benchDir.resolve("nginx.conf"), dir.resolve("nginx.conf"),
                Map.of("@DIR@", dir.toString(), "@PORT@", Integer.toString(port), "@BACKEND_PORT@", Integer.toString(backendPort)));
        Process p = start("nginx", List.of("/usr/sbin/nginx", "-p", dir.toString(), "-c", conf.toString()), Map.of());
        awaitPort("nginx", p, port);
        return new Running("nginx", p, port);
    }

    Running haproxy(int backendPort) throws IOException, InterruptedException {
        Path dir = work.resolve("haproxy");
        Files.createDirectories(dir);
        int port = freePort();
        Path conf = fill(benchDir.resolve("haproxy.cfg"), dir.resolve("haproxy.cfg"),
                Map.of("@PORT@", Integer.toString(port), "@BACKEND_PORT@", Integer.toString(backendPort)));
        Process p = start("haproxy", List.of("/usr/sbin/haproxy", "-db", "-f", conf.toString()), Map.of());
        awaitPort("haproxy", p, port);
        return new Running("haproxy", p, port);
    }

    /**
     * Spring Cloud Gateway (bench/scg, a Spring Boot jar) routing every path to the backend, in a
     * JVM of its own with the same heap and collector as wsproxy's Tomcat (bench/tomcat/setenv.sh).
     */
    Running scg(Path jar, int backendPort) throws IOException, InterruptedException {
        int port = freePort();
        Process p = start("scg", List.of(javaBin(), "-Xms1g", "-Xmx1g", "-XX:+UseG1GC", "-jar", jar.toString(),
                "--server.port=" + port, "--backend.port=" + backendPort), Map.of());
        awaitPort("scg", p, port);
        return new Running("scg", p, port);
    }

    /** A CATALINA_BASE of our own over the unpacked distribution, wsproxy.war deployed in it. */
    Running tomcat(Path catalinaHome, Path war, int backendPort, String extraJvmOptions) throws IOException, InterruptedException {
        Path base = work.resolve("tomcat");
        for (String d : List.of("conf/Catalina/localhost", "webapps", "logs", "temp", "work", "bin")) {
            Files.createDirectories(base.resolve(d));
        }
        for (String f : List.of("catalina.properties", "context.xml", "logging.properties", "web.xml", "tomcat-users.xml")) {
            Files.copy(catalinaHome.resolve("conf").resolve(f), base.resolve("conf").resolve(f));
        }
        int port = freePort();
        fill(benchDir.resolve("tomcat/server.xml"), base.resolve("conf/server.xml"), Map.of("@PORT@", Integer.toString(port)));
        fill(benchDir.resolve("tomcat/wsproxy.xml"), base.resolve("conf/Catalina/localhost/wsproxy.xml"),
                Map.of("@BACKEND_PORT@", Integer.toString(backendPort)));
        Files.copy(benchDir.resolve("tomcat/setenv.sh"), base.resolve("bin/setenv.sh"));
        Files.copy(war, base.resolve("webapps/wsproxy.war"));
        // The same WAR once more, every route on the jsr356 engine, for both engines in one run.
        fill(benchDir.resolve("tomcat/wsproxy-jsr356.xml"), base.resolve("conf/Catalina/localhost/wsproxy-jsr356.xml"),
                Map.of("@BACKEND_PORT@", Integer.toString(backendPort)));
        Files.copy(war, base.resolve("webapps/wsproxy-jsr356.war"));
        Process p = start("tomcat", List.of(catalinaHome.resolve("bin/catalina.sh").toString(), "run"),
                Map.of("CATALINA_HOME", catalinaHome.toString(), "CATALINA_BASE", base.toString(),
                        "JAVA_HOME", System.getProperty("java.home"), "JAVA_OPTS", extraJvmOptions));
        awaitPort("tomcat", p, port);
        awaitIndex(p, port);
        return new Running("tomcat", p, port);
    }

    private Process start(String name, List<String> command, Map<String, String> env) throws IOException {
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(work.resolve(name + ".log").toFile());
        pb.environment().putAll(env);
        Process p = pb.start();
        processes.add(p);
        return p;
    }

    private static Path fill(Path template, Path target, Map<String, String> values) throws IOException {
        String text = Files.readString(template);
        for (Map.Entry<String, String> e : values.entrySet()) {
            text = text.replace(e.getKey(), e.getValue());
        }
        if (text.contains("@")) {
            for (String line : text.split("\n")) {
                if (line.matches(".*@[A-Z_]+@.*")) {
                    throw new IllegalStateException(template + ": placeholder left unfilled: " + line.trim());
                }
            }
        }
        Files.writeString(target, text);
        return target;
    }

    private void awaitPort(String name, Process p, int port) throws InterruptedException {
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (true) {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 1000);
                return;
            } catch (IOException notYet) {
                if (!p.isAlive() || System.nanoTime() > deadline) {
                    throw new IllegalStateException(name + " did not start listening on " + port + "; see "
                            + work.resolve(name + ".log"));
                }
                Thread.sleep(100);
            }
        }
    }

    /** Tomcat listens before it has deployed the WAR: wait for wsproxy's index page. */
    private void awaitIndex(Process p, int port) throws InterruptedException, IOException {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/wsproxy/"))
                .timeout(Duration.ofSeconds(5)).build();
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (true) {
            try {
                if (http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // still deploying
            }
            if (!p.isAlive() || System.nanoTime() > deadline) {
                throw new IllegalStateException("wsproxy was not deployed; see " + work.resolve("tomcat"));
            }
            Thread.sleep(200);
        }
    }

    static int freePort() {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String javaBin() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    @Override
    public void close() {
        for (Process p : processes) {
            p.descendants().forEach(ProcessHandle::destroy);
            p.destroy();
        }
        for (Process p : processes) {
            try {
                if (!p.waitFor(20, TimeUnit.SECONDS)) {
                    p.descendants().forEach(ProcessHandle::destroyForcibly);
                    p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}

package org.wsproxy.it;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;


/**
 * One deployed wsproxy.war: the container's name, port and log file, as the build passed them
 * (failsafe's systemPropertyVariables in pom.xml). The WAR's context path is always {@code /wsproxy}.
 * The port is a TLS one for {@link #tomcatTls()} and {@link #glassFishTls()} (use {@link #wss} and
 * {@link #https} there), a plain HTTP one otherwise.
 */
record Deployment(String container, int port, Path log) {

    static final String CONTEXT_PATH = "/wsproxy";

    static Deployment tomcat() {
        return new Deployment("Tomcat", intProperty("it.tomcat.port"), Path.of(property("it.tomcat.log")));
    }

    static Deployment glassFish() {
        return new Deployment("GlassFish", intProperty("it.glassfish.port"), Path.of(property("it.glassfish.log")));
    }


    /**
     * A container of the {@code matrix} profile (pom.xml), which passes its HTTP port as
     * {@code it.<key>.port} and its log file as {@code it.<key>.log}.
     */
    static Deployment of(String container, String key) {
        return new Deployment(container, intProperty("it." + key + ".port"), Path.of(property("it." + key + ".log")));
    }

    /**
     * Fails unless the deployment script run before the tests recorded exit status 0. Scripts that
     * deploy into a running container (src/test/resources/it/&lt;container&gt;/deploy.sh) never fail
     * the build, so that the containers are still stopped; they write {@code deploy.status} and
     * {@code deploy.log} into the directory the build passes as {@code it.<key>.deploy.dir}.
     */
    static void assertScriptDeployed(String container, String key) {
        Path dir = Path.of(property("it." + key + ".deploy.dir"));
        Path status = dir.resolve("deploy.status");
        Path log = dir.resolve("deploy.log");
        String exit;
        try {
            exit = Files.exists(status) ? Files.readString(status, StandardCharsets.US_ASCII).strip() : "missing";
        } catch (IOException e) {
            exit = "unreadable: " + e;
        }
        if (!"0".equals(exit)) {
            String text;
            try {
                text = Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "(no log)";
            } catch (IOException e) {
                text = "(cannot read it: " + e + ")";
            }
            throw new AssertionError("deploying to " + container + " failed (exit status " + exit + "); " + log + ":\n"
                    + text);
        }
    }

    /** The port the echo route's backend must listen on: the containers were configured with it. */
    static int backendPort() {
        return intProperty("it.backend.port");
    }

    /** Where the /process route's backend must listen: the tests start it there, and kill it. */
    static int processPort() {
        return intProperty("it.process.port");
    }

    /** Where the /socket.io route's backend (http=proxy) must listen: the tests start it there. */
    static int socketIoPort() {
        return intProperty("it.socketio.port");
    }

    /**
     * Where the second Socket.IO server of the /pair/socket.io and /unsticky/socket.io routes must
     * listen (the first one at {@link #socketIoPort()}); on Tomcat and GlassFish.
     */
    static int socketIo2Port() {
        return intProperty("it.socketio2.port");
    }

    /** The second Tomcat, whose only connector is a TLS one; routes from deploy-examples/tomcat/tls/wsproxy.xml. */
    static Deployment tomcatTls() {
        return new Deployment("Tomcat (TLS connector)", intProperty("it.tomcat.tls.port"),
                Path.of(property("it.tomcat.tls.log")));
    }

    /** The same GlassFish through its TLS listener (http-listener-2). */
    static Deployment glassFishTls() {
        return new Deployment("GlassFish (http-listener-2)", intProperty("it.glassfish.https.port"),
                Path.of(property("it.glassfish.log")));
    }

    /** Where the wss:// backend of the TLS routes must listen (certificate for localhost and 127.0.0.1). */
    static int tlsBackendPort() {
        return intProperty("it.tls.backend.port");
    }

    /** Where the wss:// backend with a certificate for another host (other.example) must listen. */
    static int otherHostBackendPort() {
        return intProperty("it.tls.otherhost.port");
    }

    /** The key stores the build made with keytool: localhost.p12, other.p12, trust.p12 (see pom.xml). */
    static Path tlsDir() {
        return Path.of(property("it.tls.dir"));
    }

    /** {@code ws://127.0.0.1:<port>/wsproxy<path>} */
    URI ws(String path) {
        return URI.create("ws://127.0.0.1:" + port + CONTEXT_PATH + path);
    }

    /** {@code http://127.0.0.1:<port>/wsproxy<path>} */
    URI http(String path) {
        return URI.create("http://127.0.0.1:" + port + CONTEXT_PATH + path);
    }

    /** {@code wss://127.0.0.1:<port>/wsproxy<path>}, for a TLS port. */
    URI wss(String path) {
        return uri("wss", CONTEXT_PATH, path);
    }

    /** {@code https://127.0.0.1:<port>/wsproxy<path>}, for a TLS port. */
    URI https(String path) {
        return uri("https", CONTEXT_PATH, path);
    }

    /** {@code <scheme>://127.0.0.1:<port><contextPath><path>}: also for another application in the container. */
    URI uri(String scheme, String contextPath, String path) {
        return URI.create(scheme + "://127.0.0.1:" + port + contextPath + path);
    }

    /** The container's log so far; empty if it has not been written yet. */
    /**
     * The container's log, with any rotated files beside it ({@code server.log_2026-...}): GlassFish
     * may rotate its log when the domain starts, leaving the records of this run in either file.
     */
    String logText() throws IOException {
        StringBuilder text = new StringBuilder();
        Path dir = log.getParent();
        if (dir != null && Files.isDirectory(dir)) {
            try (var files = Files.list(dir)) {
                for (Path file : files.filter(f -> f.getFileName().toString().startsWith(log.getFileName().toString())).sorted().toList()) {
                    text.append(Files.readString(file, StandardCharsets.ISO_8859_1)).append('\n');
                }
            }
        }
        return text.toString();
    }

    /**
     * The first line of the container's log that contains each of {@code parts}, waiting up to
     * {@code wait} for it: the container's output reaches the file a moment after the fact.
     */
    String awaitLogLine(Duration wait, String... parts) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + wait.toNanos();
        while (true) {
            for (String line : logText().split("\\R")) {
                if (List.of(parts).stream().allMatch(line::contains)) {
                    return line;
                }
            }
            if (System.nanoTime() >= deadline) {
                throw new AssertionError("no line of " + log + " contains all of " + List.of(parts) + " (waited " + wait + ")");
            }
            TimeUnit.MILLISECONDS.sleep(100);
        }
    }

    /** A system property the build set, failing with a sentence when it did not. */
    static String property(String name) {
        String value = System.getProperty(name);
        if (value == null || value.isBlank() || value.startsWith("${")) {
            throw new IllegalStateException("system property [" + name + "] is not set (value [" + value
                    + "]): run the integration tests with `mvn verify`, which starts the containers and sets it");
        }
        return value;
    }

    private static int intProperty(String name) {
        String value = property(name);
        try {
            return Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw new IllegalStateException("system property [" + name + "] is [" + value + "]; expected a port number", e);
        }
    }
}

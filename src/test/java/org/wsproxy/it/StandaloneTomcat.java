package org.wsproxy.it;

import java.io.IOException;
import java.net.MalformedURLException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.codehaus.cargo.container.InstalledLocalContainer;
import org.codehaus.cargo.container.installer.ZipURLInstaller;
import org.codehaus.cargo.container.property.GeneralPropertySet;
import org.codehaus.cargo.container.property.RemotePropertySet;
import org.codehaus.cargo.container.property.ServletPropertySet;
import org.codehaus.cargo.container.tomcat.Tomcat10xInstalledLocalContainer;
import org.codehaus.cargo.container.tomcat.Tomcat10xStandaloneLocalConfiguration;
import org.codehaus.cargo.container.tomcat.TomcatPropertySet;
import org.codehaus.cargo.container.tomcat.internal.TomcatManager;
import org.codehaus.cargo.container.tomcat.internal.TomcatManagerException;

/**
 * An Apache Tomcat of the test's own, in a JVM of its own: the distribution the other integration
 * tests use (the zip from the local Maven repository), installed, configured, started and stopped
 * by Cargo's Java API under a directory of target/, on free ports, apart from the containers that
 * pom.xml starts. Applications are deployed and undeployed through Tomcat's manager application
 * (its text interface), whose commands return once the application has started or stopped.
 * Several instances can share one installation of the distribution, each with its own
 * catalina.base.
 */
final class StandaloneTomcat implements AutoCloseable {

    /** The manager's user; the text interface needs the role manager-script. */
    private static final String MANAGER_USER = "deployer";
    private static final String MANAGER_PASSWORD = "deployer-secret";
    /** Starting Tomcat with the manager application takes a few seconds; 2 minutes on a busy machine. */
    private static final Duration START_TIMEOUT = Duration.ofMinutes(2);
    /**
     * Longest wait for one manager command, in milliseconds: an undeploy waits for the application's
     * listeners to stop, and wsproxy's gives its connections up to 3 s to finish closing.
     */
    private static final int MANAGER_TIMEOUT_MILLIS = 60_000;

    private final Path base;
    private final int port;
    private final Path log;
    private final InstalledLocalContainer container;
    private final TomcatManager manager;
    /**
     * Set by {@link #start}, {@link #stop} and {@link #restart}, one at a time: on the test's thread,
     * or on a thread the test hands the stop to and waits for before it goes on.
     */
    private boolean running;

    private StandaloneTomcat(Path dir, Path installation, int port, int requestThreads, List<String> jvmArguments,
            Map<String, String> connectorAttributes) throws IOException {
        this.base = dir.resolve("base");
        this.port = port;
        this.log = dir.resolve("container.log");
        ZipURLInstaller installer = new ZipURLInstaller(Path.of(Deployment.property("it.tomcat.zip")).toUri().toURL(),
                installation.resolve("downloads").toString(), installation.resolve("installs").toString());
        installer.install();
        Tomcat10xStandaloneLocalConfiguration configuration = new Tomcat10xStandaloneLocalConfiguration(base.toString());
        configuration.setProperty(GeneralPropertySet.HOSTNAME, "127.0.0.1");
        configuration.setProperty(ServletPropertySet.PORT, Integer.toString(port));
        configuration.setProperty(GeneralPropertySet.RMI_PORT, Integer.toString(freePort()));
        configuration.setProperty(TomcatPropertySet.AJP_PORT, Integer.toString(freePort()));
        configuration.setProperty(ServletPropertySet.USERS, MANAGER_USER + ":" + MANAGER_PASSWORD + ":manager-script");
        configuration.setProperty(RemotePropertySet.USERNAME, MANAGER_USER);
        configuration.setProperty(RemotePropertySet.PASSWORD, MANAGER_PASSWORD);
        configuration.setProperty(GeneralPropertySet.JVMARGS, String.join(" ", jvmArguments));
        // A request pool of a fixed size: by default it grows with load and shrinks after a minute
        // idle, by itself, which a comparison of thread counts would take for a leak (or hide one).
        String connector = "//Server/Service/Connector[not(@protocol) or @protocol='HTTP/1.1']";
        configuration.addXmlReplacement("conf/server.xml", connector, "minSpareThreads", Integer.toString(requestThreads));
        configuration.addXmlReplacement("conf/server.xml", connector, "maxThreads", Integer.toString(requestThreads));
        // No objects of closed connections kept for reuse (by default up to 200 processors, and the
        // channels with their buffers): how many are kept when the heap is measured would depend on
        // timing, not on what the applications hold.
        configuration.addXmlReplacement("conf/server.xml", connector, "processorCache", "0");
        configuration.addXmlReplacement("conf/server.xml", connector, "socket.bufferPool", "0");
        connectorAttributes.forEach((name, value) -> configuration.addXmlReplacement("conf/server.xml", connector, name, value));
        container = new Tomcat10xInstalledLocalContainer(configuration);
        container.setHome(installer.getHome());
        container.setOutput(log.toString());
        container.setTimeout(START_TIMEOUT.toMillis());
        manager = new TomcatManager(URI.create("http://127.0.0.1:" + port + "/manager/text").toURL(), MANAGER_USER, MANAGER_PASSWORD);
        manager.setTimeout(MANAGER_TIMEOUT_MILLIS);
    }

    /**
     * Installs and starts a Tomcat under {@code dir} (wiped first), with the manager application
     * and nothing else of the test's deployed.
     *
     * @param requestThreads the size of the HTTP connector's request pool, fixed; the connector keeps
     *                       no objects of closed connections for reuse
     * @param jvmArguments   for the container's JVM
     */
    static StandaloneTomcat start(Path dir, int requestThreads, List<String> jvmArguments) throws IOException {
        return start(dir, dir, requestThreads, jvmArguments, Map.of());
    }

    /**
     * As {@link #start(Path, int, List)}, with the distribution installed under {@code installation}
     * (which other instances may share, one at a time: the first installs it, the others find it
     * there) and {@code connectorAttributes} set on the HTTP connector in conf/server.xml, after
     * the ones this class sets.
     */
    static StandaloneTomcat start(Path dir, Path installation, int requestThreads, List<String> jvmArguments,
            Map<String, String> connectorAttributes) throws IOException {
        deleteTree(dir.resolve("base"));
        Files.createDirectories(dir);
        Files.deleteIfExists(dir.resolve("container.log"));
        StandaloneTomcat tomcat = new StandaloneTomcat(dir, installation, freePort(), requestThreads, jvmArguments,
                connectorAttributes);
        tomcat.container.start();
        tomcat.running = true;
        return tomcat;
    }

    int port() {
        return port;
    }

    /** catalina.base, which names this instance on the container JVM's command line. */
    Path base() {
        return base;
    }

    /** The container JVM's console (Tomcat logs there in Cargo's configuration). */
    String logText() throws IOException {
        return Files.exists(log) ? Files.readString(log, StandardCharsets.ISO_8859_1) : "";
    }

    Path log() {
        return log;
    }

    /**
     * Deploys {@code war} at {@code path} with {@code contextFile} as its context file, as an
     * administrator installs them by hand (the manager copies them to webapps/ and
     * conf/Catalina/127.0.0.1/); returns once the application has started.
     */
    void deploy(String path, Path war, Path contextFile) throws IOException {
        try {
            manager.deployContext(path, url(contextFile), url(war));
        } catch (TomcatManagerException e) {
            throw new IOException("the manager did not deploy " + war + " at " + path + ": " + e.getMessage(), e);
        }
    }

    /** Stops and removes the application at {@code path} (its WAR and context file too); returns once it has stopped. */
    void undeploy(String path) throws IOException {
        try {
            manager.undeploy(path);
        } catch (TomcatManagerException e) {
            throw new IOException("the manager did not undeploy " + path + ": " + e.getMessage(), e);
        }
    }

    /** How many applications are running, by the manager's list (its own included). */
    int runningApplications() throws IOException {
        try {
            return (int) manager.list().lines().filter(line -> line.contains(":running:")).count();
        } catch (TomcatManagerException e) {
            throw new IOException("the manager did not list the applications: " + e.getMessage(), e);
        }
    }

    /** Stops Tomcat (its shutdown port) and waits for its JVM to end. */
    void stop() {
        if (running) {
            running = false;
            container.stop();
        }
    }

    /**
     * Starts Tomcat again after {@link #stop}, on the same ports. Cargo writes catalina.base anew at
     * each start, so what was deployed through the manager is gone: deploy it again.
     */
    void restart() {
        if (!running) {
            container.start();
            running = true;
        }
    }

    @Override
    public void close() {
        stop();
    }

    private static URL url(Path file) throws MalformedURLException {
        return file.toAbsolutePath().toUri().toURL();
    }

    /** A port free at this moment on 127.0.0.1 (the container binds it a moment later). */
    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (var paths = Files.walk(dir)) {
            for (Path path : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        }
    }
}

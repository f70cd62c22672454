package org.wsproxy.it;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * One deployed wsproxy.war: the container's name, HTTP port and log file, as the build passed them
 * (failsafe's systemPropertyVariables in pom.xml). The WAR's context path is always {@code /wsproxy}.
 */
record Deployment(String container, int port, Path log) {

    static final String CONTEXT_PATH = "/wsproxy";

    static Deployment tomcat() {
        return new Deployment("Tomcat", intProperty("it.tomcat.port"), Path.of(property("it.tomcat.log")));
    }

    static Deployment glassFish() {
        return new Deployment("GlassFish", intProperty("it.glassfish.port"), Path.of(property("it.glassfish.log")));
    }

    /** The port the echo route's backend must listen on: the containers were configured with it. */
    static int backendPort() {
        return intProperty("it.backend.port");
    }

    /** {@code ws://127.0.0.1:<port>/wsproxy<path>} */
    URI ws(String path) {
        return URI.create("ws://127.0.0.1:" + port + CONTEXT_PATH + path);
    }

    /** {@code http://127.0.0.1:<port>/wsproxy<path>} */
    URI http(String path) {
        return URI.create("http://127.0.0.1:" + port + CONTEXT_PATH + path);
    }

    /** The container's log so far; empty if it has not been written yet. */
    String logText() throws IOException {
        return Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "";
    }

    private static String property(String name) {
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

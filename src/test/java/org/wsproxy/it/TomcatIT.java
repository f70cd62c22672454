package org.wsproxy.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.wsproxy.support.WsClient;

/**
 * The scenario and the frameworks scenario on Apache Tomcat 10.1 (the distribution's zip, version {@code tomcat.dist.version} in
 * pom.xml), routes from deploy-examples/tomcat/wsproxy.xml as conf/Catalina/localhost/wsproxy.xml.
 */
class TomcatIT extends ProxyScenario implements FrameworksScenario {

    @Override
    public Deployment deployment() {
        return Deployment.tomcat();
    }

    @Override
    String defaultEngine() {
        return "frames";
    }

    /**
     * The access log reaches the container's own logging: Tomcat's default logging.properties sends
     * INFO to the console, which is the container's log here. (Not asserted on GlassFish, which
     * under load has been seen to write no log at all for a run.)
     */
    @Test
    void aClosedConnectionHasItsAccessLineInTheContainersLog() throws Exception {
        String reason = "access-" + System.nanoTime();
        try (WsClient client = WsClient.connect(deployment().ws("/echo"))) {
            client.sendText("hello");
            assertEquals("hello", client.nextText());
            client.close(4000, reason);
            assertEquals(4000, client.awaitClose(10).code());
        }
        String expected = "route=echo client=127.0.0.1 backend=ws://127.0.0.1:" + Deployment.backendPort() + "/echo";
        String tail = " in_msgs=1 in_bytes=5 out_msgs=1 out_bytes=5 client_close=4000 client_reason=\"" + reason
                + "\" backend_close=4000 backend_reason=\"" + reason + "\" first=client";
        long deadline = System.nanoTime() + 10_000_000_000L;
        List<String> lines = List.of();
        while (lines.isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(50);
            // ISO-8859-1 reads any byte: the log holds whatever the container wrote, the reason is ASCII.
            lines = Files.readAllLines(deployment().log(), StandardCharsets.ISO_8859_1).stream()
                    .filter(line -> line.contains(reason)).toList();
        }
        assertEquals(1, lines.size(), "access lines with [" + reason + "] in " + deployment().log() + ": " + lines);
        String line = lines.get(0);
        assertTrue(line.contains(expected) && line.endsWith(tail), line);
    }
}

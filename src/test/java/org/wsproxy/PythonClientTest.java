package org.wsproxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import jakarta.websocket.CloseReason;

import org.junit.jupiter.api.Test;
import org.wsproxy.support.ProxyServer;
import org.wsproxy.support.TestBackend;

/**
 * Python's websockets package (Debian's python3-websockets, installed by ./test.sh) as a third,
 * independent client implementation: subprotocol, text with multi-byte characters, binary, and
 * closes with code and reason both ways.
 */
class PythonClientTest {

    /** Debian's interpreter, where python3-websockets installs; another python3 on the PATH may lack it. */
    private static final String PYTHON = "/usr/bin/python3";

    @Test
    void pythonClientClosesWithCodeAndReason() throws Exception {
        try (TestBackend backend = TestBackend.start();
             ProxyServer proxy = ProxyServer.route("/echo", backend.uri("/echo"))) {
            String out = run(proxy.ws("/echo").toString(), "v1.wsproxy.test,v2.wsproxy.test", "client-close");
            assertTrue(out.contains("\"subprotocol\": \"v1.wsproxy.test\""), out);
            assertTrue(out.contains("\"text\": \"hello from python \\u00e9\\u20ac\\ud83d\\ude00\""), out);
            assertTrue(out.contains("\"binary\": [0, 1, 2, 3"), out);
            assertTrue(out.contains("\"close_code\": 4000"), out);
            CloseReason seen = backend.nextClose(5);
            assertEquals(4000, seen.getCloseCode().getCode());
            assertEquals("py bye", seen.getReasonPhrase());
        }
    }

    @Test
    void backendCloseReachesPythonClientWithCodeAndReason() throws Exception {
        try (TestBackend backend = TestBackend.start();
             ProxyServer proxy = ProxyServer.route("/echo", backend.uri("/echo"))) {
            String out = run(proxy.ws("/echo").toString(), "-", "backend-close");
            assertTrue(out.contains("\"subprotocol\": null"), out);
            assertTrue(out.contains("\"close_code\": 4001"), out);
            assertTrue(out.contains("\"close_reason\": \"backend bye\""), out);
        }
    }

    private static String run(String url, String subprotocols, String mode) throws IOException, InterruptedException, URISyntaxException {
        Path script = Path.of(PythonClientTest.class.getResource("/python/ws_client.py").toURI());
        Process process = new ProcessBuilder(PYTHON, script.toString(), url, subprotocols, mode).redirectErrorStream(true).start();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("the Python client did not finish within 60 s");
        }
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (out.contains("No module named 'websockets'")) {
            throw new AssertionError("Python's websockets package is missing: apt-get install python3-websockets (./test.sh does)");
        }
        assertEquals(0, process.exitValue(), out);
        return out;
    }
}

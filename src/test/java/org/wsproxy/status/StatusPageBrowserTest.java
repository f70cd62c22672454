package org.wsproxy.status;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

import org.junit.jupiter.api.Test;
import org.wsproxy.support.HeadlessChromium;
import org.wsproxy.support.ProxyServer;
import org.wsproxy.support.TestBackend;
import org.wsproxy.support.WsClient;

/**
 * The status page as a user sees it: rendered by real headless Chromium while connections are
 * open, read back from the rendered page, refreshed by itself, and saved as a screenshot
 * ({@code target/status-page.png}; the README's picture is one of these).
 */
class StatusPageBrowserTest {

    /** A close reason that would run script if the page ever wrote it as markup. */
    private static final String HOSTILE = "<img src=x onerror=\"document.title='pwned'\">";

    private static final Duration WAIT = Duration.ofSeconds(20);

    @Test
    void showsRoutesBackendsConnectionsAndClosesAndRefreshesByItself() throws Exception {
        int deadPort;
        try (ServerSocket free = new ServerSocket(0)) {
            deadPort = free.getLocalPort();
        }
        URI dead = URI.create("ws://127.0.0.1:" + deadPort + "/echo");
        List<WsClient> clients = new ArrayList<>();
        AtomicBoolean chatting = new AtomicBoolean(true);
        Thread chatter = null;
        try (TestBackend one = TestBackend.start(); TestBackend two = TestBackend.start();
                ProxyServer proxy = ProxyServer.builder().status()
                        .param("wsproxy.route.chat.path", "/chat/*")
                        .param("wsproxy.route.chat.backend", one.uri("/echo") + ", " + two.uri("/echo"))
                        .param("wsproxy.route.feed.path", "/feed")
                        .param("wsproxy.route.feed.backend", dead + ", " + two.uri("/echo"))
                        .param("wsproxy.route.feed.balance", "least-connections")
                        // The dead backend stays out of rotation for the whole test once it has failed.
                        .param("wsproxy.route.feed.failTimeout", "10m")
                        .start();
                HeadlessChromium browser = HeadlessChromium.start(1280, 900)) {
            try {
                // Round-robin: the chat clients alternate between the two backends.
                for (int i = 0; i < 4; i++) {
                    clients.add(echo(proxy.ws("/chat/room" + i), i + 1));
                }
                // The first feed client tries the dead backend first (the configured order breaks the tie), then the live one.
                clients.add(echo(proxy.ws("/feed"), 2));
                // Three closes: by the client with a hostile reason, by the client politely, and by the backend.
                // One at a time, so that the page's newest-first order is known.
                clients.remove(3).close(4000, HOSTILE);
                assertEquals(4, proxy.awaitRelays(4, 5));
                clients.remove(2).close(1000, "bye");
                assertEquals(3, proxy.awaitRelays(3, 5));
                WsClient closedByBackend = echo(proxy.ws("/chat/gone"), 0);
                closedByBackend.sendText("close:4001:backend says goodbye");
                assertEquals(4001, closedByBackend.awaitClose(5).code());
                closedByBackend.close();
                assertEquals(3, proxy.awaitRelays(3, 5), "three connections stay open");

                browser.navigate(proxy.http("/status"));
                browser.awaitTrue("Number(document.body.dataset.updates) >= 2", WAIT, "document.body.innerText");
                String text = (String) browser.evaluate("document.body.innerText");

                // Routes and backends, with their state.
                assertTrue(text.contains("/chat/*") && text.contains("/feed"), text);
                assertEquals("up", badge(browser, "chat", one.uri("/echo")));
                assertEquals("up", badge(browser, "chat", two.uri("/echo")));
                assertEquals("down", badge(browser, "feed", dead));
                assertEquals("up", badge(browser, "feed", two.uri("/echo")));
                String deadRow = row(browser, "[data-route=feed] tr[data-backend='" + dead + "']");
                // Its failure: none open, one failed connect, and when (as a local time) and why.
                assertTrue(deadRow.matches("(?s).*\\tdown\\t0\\t1\\t\\d\\d:\\d\\d:\\d\\d \\S.*"), deadRow);
                // The open connections: three, from this machine, with their message counts both ways.
                assertEquals("3", browser.evaluate("document.getElementById('open-count').textContent"));
                @SuppressWarnings("unchecked")
                List<String> rows = (List<String>) browser.evaluate(
                        "[...document.querySelectorAll('#connections tbody tr')].map(r => r.innerText)");
                assertEquals(3, rows.size(), rows::toString);
                for (String row : rows) {
                    assertTrue(row.startsWith("127.0.0.1\t"), row);
                }
                // Client room0 sent one message (and got its echo), room1 two, the feed client two: "in msgs\tin bytes\tout msgs".
                assertTrue(rows.stream().anyMatch(r -> r.contains("/echo/room0") && r.matches("(?s).*\\t1\\t\\d+ B\\t1\\t.*")), rows::toString);
                assertTrue(rows.stream().anyMatch(r -> r.contains("/echo/room1") && r.matches("(?s).*\\t2\\t\\d+ B\\t2\\t.*")), rows::toString);
                assertTrue(rows.stream().anyMatch(r -> r.startsWith("127.0.0.1\tfeed\t" + two.uri("/echo"))), rows::toString);
                // The recent closes, newest first, with both codes and the hostile reason as plain text. The
                // backend's close was asked for with a message: one in, none out.
                @SuppressWarnings("unchecked")
                List<String> closes = (List<String>) browser.evaluate(
                        "[...document.querySelectorAll('#closes tbody tr')].map(r => r.innerText)");
                assertEquals(3, closes.size(), closes::toString);
                assertTrue(closes.get(0).contains("4001 backend says goodbye") && closes.get(0).endsWith("\tbackend\t1 / 0"), closes.get(0));
                assertTrue(closes.get(1).contains("1000 bye") && closes.get(1).contains("\tclient\t"), closes.get(1));
                assertTrue(closes.get(2).contains("4000 " + HOSTILE) && closes.get(2).contains("\tclient\t"), closes.get(2));
                assertEquals(0L, browser.evaluate("document.querySelectorAll('img').length"), "the reason made no element");
                assertEquals("wsproxy status", browser.evaluate("document.title"));
                // The charts have drawn their series (its colour: the line and the latest point), not only the axes.
                assertTrue((Long) browser.evaluate(seriesPixels("chart-connections", 37, 99, 235)) > 20, "connections line drawn");
                assertTrue((Long) browser.evaluate(seriesPixels("chart-messages", 13, 148, 136)) > 20, "messages line drawn");

                // It refreshes by itself: one more connection shows up without a reload.
                browser.evaluate("window.notReloaded = true");
                clients.add(echo(proxy.ws("/chat/late"), 1));
                browser.awaitTrue("document.getElementById('open-count').textContent === '4'", WAIT,
                        "document.getElementById('open-count').textContent");
                assertEquals(Boolean.TRUE, browser.evaluate("window.notReloaded === true"));
                assertEquals(4L, browser.evaluate("document.querySelectorAll('#connections tbody tr').length"));

                // A few seconds of traffic for the messages chart, then the picture.
                List<WsClient> talking = List.copyOf(clients);
                chatter = new Thread(() -> chat(talking, chatting), "status-page-chatter");
                chatter.start();
                long updates = (Long) browser.evaluate("Number(document.body.dataset.updates)");
                browser.awaitTrue("Number(document.body.dataset.updates) >= " + (updates + 6), WAIT, "document.body.dataset.updates");
                chatting.set(false);
                chatter.join(10_000);
                Path png = Path.of("target", "status-page.png");
                Files.createDirectories(png.getParent());
                Files.write(png, browser.screenshot());
                assertTrue(Files.size(png) > 10_000, "screenshot " + png);
                assertEquals(List.of(), browser.errors().stream().filter(e -> !e.contains("favicon")).toList(),
                        "no script error, no Content-Security-Policy violation");
            } finally {
                chatting.set(false);
                if (chatter != null) {
                    chatter.join(10_000);
                }
                clients.forEach(WsClient::close);
            }
        }
    }

    /** Connects and sends {@code messages} texts, each echoed. */
    private static WsClient echo(URI uri, int messages) throws InterruptedException {
        WsClient client = WsClient.connect(uri);
        for (int i = 0; i < messages; i++) {
            client.sendText("hello " + i);
            assertEquals("hello " + i, client.nextText());
        }
        return client;
    }

    /** Echoes in bursts of varying size until told to stop, so that the messages chart has a shape. */
    private static void chat(List<WsClient> clients, AtomicBoolean chatting) {
        try {
            for (int round = 0; chatting.get() && round < 10_000; round++) {
                int burst = 5 + 20 * (round % 7) / 6;
                for (WsClient client : clients) {
                    for (int i = 0; i < burst; i++) {
                        client.sendText("tick " + round);
                        client.nextText();
                    }
                }
                // Paces the load (not a wait for anything): about 10 rounds a second.
                Thread.sleep(100);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static String badge(HeadlessChromium browser, String route, URI backend) throws Exception {
        return (String) browser.evaluate("[...document.querySelectorAll(\"[data-route=" + route + "] tr[data-backend='" + backend
                + "'] .badge\")].map(b => b.textContent).join(',')");
    }

    private static String row(HeadlessChromium browser, String selector) throws Exception {
        return (String) browser.evaluate("document.querySelector(\"" + selector + "\").innerText");
    }

    /** JavaScript counting the canvas pixels of about the series colour. */
    private static String seriesPixels(String canvas, int r, int g, int b) {
        return "(() => { const c = document.getElementById('" + canvas + "');"
                + " const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data; let n = 0;"
                + " for (let i = 0; i < d.length; i += 4) {"
                + " if (d[i + 3] > 200 && Math.abs(d[i] - " + r + ") < 30 && Math.abs(d[i + 1] - " + g + ") < 30"
                + " && Math.abs(d[i + 2] - " + b + ") < 30) n++; } return n; })()";
    }
}

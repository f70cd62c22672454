package org.wsproxy.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.Set;

import javax.management.MBeanServer;
import javax.management.ObjectName;

import org.junit.jupiter.api.Test;
import org.wsproxy.support.ProxyServer;
import org.wsproxy.support.TestBackend;
import org.wsproxy.support.WsClient;

/**
 * The MBeans in the JVM's platform MBeanServer, the one jconsole and GlassFish's monitoring show:
 * two applications in one JVM, each with its own names and values, and none of an application
 * left once it has stopped.
 */
class JmxTest {

    private static final MBeanServer JVM = ManagementFactory.getPlatformMBeanServer();

    /** Longest wait for what the clients saw to be counted. */
    private static final Duration COUNTED_WAIT = Duration.ofSeconds(10);

    @Test
    void eachApplicationHasItsOwnMBeansUntilItStops() throws Exception {
        try (TestBackend backend = TestBackend.start();
                ProxyServer first = proxy("/jmxfirst", backend);
                ProxyServer second = proxy("/jmxsecond", backend)) {
            String echo = ObjectName.quote(backend.uri("/echo").toString());
            try (WsClient client = WsClient.connect(first.ws("/echo"))) {
                client.sendText("hello");
                assertEquals("hello", client.nextText());
                for (int i = 0; i < 2; i++) {
                    try (WsClient other = WsClient.connect(second.ws("/echo"))) {
                        other.sendText("x");
                        assertEquals("x", other.nextText());
                        other.close(4321, "");
                        assertEquals(4321, other.awaitClose(5).code());
                    }
                }
                String firstRoute = "wsproxy:context=/jmxfirst,name=%s,route=r,backend=" + echo;
                String secondRoute = "wsproxy:context=/jmxsecond,name=%s,route=r,backend=" + echo;
                assertEquals(1.0, awaitAttribute(1.0, firstRoute, "wsproxy.connections.open", "", "Value"));
                assertEquals(1L, awaitAttribute(1L, firstRoute, "wsproxy.handshakes", ",outcome=ok", "Count"));
                assertEquals(1L, awaitAttribute(1L, firstRoute, "wsproxy.messages", ",direction=in", "Count"));
                assertEquals(5L, awaitAttribute(5L, firstRoute, "wsproxy.bytes", ",direction=out", "Count"));
                assertEquals(1.0, awaitAttribute(1.0, firstRoute, "wsproxy.backend.up", "", "Value"));
                assertEquals(0L, awaitAttribute(0L, firstRoute, "wsproxy.backend.failures", "", "Count"));

                assertEquals(2L, awaitAttribute(2L, secondRoute, "wsproxy.closes", ",side=client,code=4xxx", "Count"));
                assertEquals(0.0, awaitAttribute(0.0, secondRoute, "wsproxy.connections.open", "", "Value"));
                assertEquals(2L, awaitAttribute(2L, secondRoute, "wsproxy.handshakes", ",outcome=ok", "Count"));
                assertEquals(2L, awaitAttribute(2L, secondRoute, "wsproxy.messages", ",direction=out", "Count"));
                assertEquals(0L, awaitAttribute(0L, "wsproxy:context=/jmxsecond,name=%s,route=r,backend=none", "wsproxy.handshakes",
                        ",outcome=4xx", "Count"));
            }
            ObjectName firstAll = new ObjectName("wsproxy:context=/jmxfirst,*");
            ObjectName secondAll = new ObjectName("wsproxy:context=/jmxsecond,*");
            int secondCount = JVM.queryNames(secondAll, null).size();
            assertTrue(secondCount > 0);

            first.stopApplication();
            Set<ObjectName> left = JVM.queryNames(firstAll, null);
            assertEquals(Set.of(), left, "MBeans of the stopped application");
            assertEquals(secondCount, JVM.queryNames(secondAll, null).size(), "the other application's MBeans");
            second.stopApplication();
            assertEquals(Set.of(), JVM.queryNames(secondAll, null));
        }
    }

    private static ProxyServer proxy(String contextPath, TestBackend backend) {
        return ProxyServer.builder().contextPath(contextPath)
                .param("wsproxy.route.r.path", "/echo").param("wsproxy.route.r.backend", backend.uri("/echo").toString())
                .start();
    }

    /**
     * The attribute of the MBean of {@code meter}, once it is {@code expected} or the wait is over:
     * a message is counted once it has been passed on, a close once both legs have closed, either of
     * which may be just after the client saw its answer; the MBean of a close code appears at the first.
     */
    private static Object awaitAttribute(Object expected, String pattern, String meter, String moreProperties,
                                         String attribute) throws Exception {
        ObjectName name = new ObjectName(String.format(pattern, meter) + moreProperties);
        long deadline = System.nanoTime() + COUNTED_WAIT.toNanos();
        while (System.nanoTime() < deadline) {
            if (JVM.isRegistered(name) && expected.equals(JVM.getAttribute(name, attribute))) {
                break;
            }
            Thread.sleep(20);
        }
        return JVM.getAttribute(name, attribute);
    }
}

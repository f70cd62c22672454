package org.wsproxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.wsproxy.support.Measurements;
import org.wsproxy.support.ProxyServer;
import org.wsproxy.support.TestBackend;
import org.wsproxy.support.WsClient;

/**
 * A client that writes as fast as it can into a backend that reads 1 MiB/s: the proxy holds the
 * client back instead of buffering, so the heap stays flat, and every byte arrives.
 * <p>
 * The heap is this whole JVM's (client, proxy and backend), an upper bound on the proxy's.
 */
class FlowControlTest {

    private static final long FLOOD_SECONDS = 30;
    private static final long MAX_HEAP_GROWTH = 16L * 1024 * 1024;
    /** Socket buffers of two loopback hops at their kernel maximum, with room to spare. */
    private static final long MAX_IN_FLIGHT = 32L * 1024 * 1024;

    @Test
    void floodIntoSlowBackendKeepsHeapFlatAndLosesNothing() throws Exception {
        try (TestBackend backend = TestBackend.start();
             ProxyServer proxy = ProxyServer.route("/slow", backend.uri("/slow"));
             WsClient client = WsClient.connect(proxy.ws("/slow"))) {
            long baseline = Measurements.heapAfterGc();
            long peak = baseline;
            byte[] chunk = new byte[64 * 1024];
            long sent = 0;
            long start = System.nanoTime();
            long nextSample = start;
            while (System.nanoTime() - start < TimeUnit.SECONDS.toNanos(FLOOD_SECONDS)) {
                client.sendBinary(chunk);
                sent += chunk.length;
                if (System.nanoTime() >= nextSample) {
                    peak = Math.max(peak, Measurements.heapAfterGc());
                    nextSample = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
                }
            }
            peak = Math.max(peak, Measurements.heapAfterGc());
            long inFlight = sent - backend.slowBytes();
            // Everything sent drains at 1 MiB/s; what is in flight is at most the socket buffers and one part.
            long drainDeadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (backend.slowBytes() < sent && System.nanoTime() < drainDeadline) {
                Thread.sleep(100);
            }
            long growth = peak - baseline;
            Measurements.record(String.format("flood into 1 MiB/s backend for %d s: sent %.1f MiB, backend received %.1f MiB, "
                    + "heap growth after GC %.2f MiB (baseline %.1f MiB, peak %.1f MiB), in flight when the flood stopped %.1f MiB",
                    FLOOD_SECONDS, sent / 1048576.0, backend.slowBytes() / 1048576.0, growth / 1048576.0, baseline / 1048576.0,
                    peak / 1048576.0, inFlight / 1048576.0));
            assertEquals(sent, backend.slowBytes(), "every byte the client sent reached the backend");
            // Held back: when the flood stopped, what the backend had not read yet was only what TCP
            // buffers on loopback (two hops, which the kernel may grow to several MiB each) and one
            // message part, however long the flood lasted.
            assertTrue(inFlight < MAX_IN_FLIGHT, "bytes in flight when the flood stopped: " + inFlight);
            assertTrue(growth < MAX_HEAP_GROWTH, "heap grew by " + growth + " bytes");
        }
    }
}

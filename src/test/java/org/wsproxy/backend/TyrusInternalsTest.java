package org.wsproxy.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;

import org.glassfish.tyrus.client.ClientManager;
import org.glassfish.tyrus.core.frame.CloseFrame;
import org.junit.jupiter.api.Test;

/**
 * Every private part of Tyrus and Grizzly that wsproxy uses is where {@link TyrusInternals} looks
 * for it. A Tyrus or Grizzly upgrade that moves one fails here, by name, rather than turning a
 * workaround off with one WARNING in production.
 */
class TyrusInternalsTest {

    @Test
    void everyHandleResolves() {
        List<Object> handles = TyrusInternals.all();
        List<String> names = TyrusInternals.names();
        assertEquals(names.size(), handles.size(), "one name per handle");
        List<String> missing = new ArrayList<>();
        for (int i = 0; i < handles.size(); i++) {
            if (handles.get(i) == null) {
                missing.add(names.get(i));
            }
        }
        assertTrue(missing.isEmpty(), "not found in this Tyrus and Grizzly (wsproxy was checked against "
                + TyrusInternals.CHECKED_AGAINST + "): " + missing);
    }

    /** The words of Tyrus's that wsproxy reads in its exceptions and close reasons are still in its classes. */
    @Test
    void theWordsWsproxyReadsAreStillTyruss() throws Exception {
        assertTrue(jarSays(ClientManager.class, TyrusInternals.HANDSHAKE_TIMEOUT_MESSAGE),
                "tyrus-client no longer says [" + TyrusInternals.HANDSHAKE_TIMEOUT_MESSAGE + "]");
        assertTrue(jarSays(CloseFrame.class, TyrusInternals.ILLEGAL_STATUS_MESSAGE),
                "tyrus-core no longer says [" + TyrusInternals.ILLEGAL_STATUS_MESSAGE + "]");
    }

    /** True if a class file of the jar that holds {@code type} has {@code text} among its constants. */
    private static boolean jarSays(Class<?> type, String text) throws IOException, java.net.URISyntaxException {
        byte[] wanted = text.getBytes(StandardCharsets.UTF_8);
        try (JarFile jar = new JarFile(new java.io.File(type.getProtectionDomain().getCodeSource().getLocation().toURI()))) {
            for (Enumeration<JarEntry> entries = jar.entries(); entries.hasMoreElements(); ) {
                JarEntry entry = entries.nextElement();
                if (!entry.getName().endsWith(".class")) {
                    continue;
                }
                try (InputStream in = jar.getInputStream(entry)) {
                    if (contains(in.readAllBytes(), wanted)) {
                        return true;
                    }
                }
            }
        }
        return false;
    }

    private static boolean contains(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }
}

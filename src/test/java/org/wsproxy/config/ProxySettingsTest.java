package org.wsproxy.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

/** The application-level settings, beside the routes in the same context-params. */
class ProxySettingsTest {

    @Test
    void defaultsLetOnlyThisMachineInAndNoRole() throws Exception {
        ProxySettings settings = ProxySettings.fromContextParams(Params.chat());
        assertEquals("127.0.0.0/8, ::1", settings.statusAllowedAddresses().toString());
        assertTrue(settings.statusAllowedAddresses().contains(InetAddress.getByName("127.0.0.1")));
        assertTrue(settings.statusAllowedAddresses().contains(InetAddress.getByName("::1")));
        assertFalse(settings.statusAllowedAddresses().contains(InetAddress.getByName("192.0.2.7")));
        assertNull(settings.statusRole());
    }

    @Test
    void settingsAreReadAndAreNotRouteOptions() throws Exception {
        Map<String, String> params = new HashMap<>(Params.chat());
        params.put("wsproxy.statusAllowedAddresses", "10.0.0.0/8, 2001:db8::/32");
        params.put("wsproxy.statusRole", " wsproxy-admin ");
        ProxySettings settings = ProxySettings.fromContextParams(params);
        assertTrue(settings.statusAllowedAddresses().contains(InetAddress.getByName("10.1.2.3")));
        assertFalse(settings.statusAllowedAddresses().contains(InetAddress.getByName("127.0.0.1")));
        assertEquals("wsproxy-admin", settings.statusRole());
        assertEquals(1, RouteConfig.fromContextParams(params).size(), "the routes are read as before");
    }

    @Test
    void anEmptyAddressListLetsNoAddressIn() throws Exception {
        ProxySettings settings = ProxySettings.fromContextParams(Map.of("wsproxy.statusAllowedAddresses", ""));
        assertTrue(settings.statusAllowedAddresses().isEmpty());
    }

    @Test
    void malformedValuesNameTheParameterAndTheValue() {
        for (List<String> bad : List.of(
                List.of("wsproxy.statusAllowedAddresses", "localhost", "host names are not allowed"),
                List.of("wsproxy.statusAllowedAddresses", "10.0.0.1/8", "address bits set beyond"),
                List.of("wsproxy.statusRole", "admin, ops", "expected one role name"))) {
            String message = assertThrows(ConfigException.class,
                    () -> ProxySettings.fromContextParams(Map.of(bad.get(0), bad.get(1)))).getMessage();
            assertTrue(message.startsWith("parameter [" + bad.get(0) + "] has value [" + bad.get(1) + "]")
                    && message.contains(bad.get(2)), message);
        }
    }

    @Test
    void aMisspeltSettingIsStillAnUnknownOption() {
        String message = assertThrows(ConfigException.class, () -> RouteConfig.fromContextParams(
                Map.of("wsproxy.statusAllowedAdresses", "10.0.0.0/8", "wsproxy.route.chat.path", "/chat",
                        "wsproxy.route.chat.backend", "ws://10.0.0.5:9000/chat"))).getMessage();
        assertTrue(message.contains("unknown option [statusAllowedAdresses]")
                && message.endsWith("application settings: wsproxy.statusAllowedAddresses, wsproxy.statusRole"), message);
    }
}

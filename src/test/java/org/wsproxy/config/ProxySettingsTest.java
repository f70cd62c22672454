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
                && message.endsWith("application settings: wsproxy.statusAllowedAddresses, wsproxy.statusRole, "
                + "wsproxy.metricsAllowedAddresses"), message);
    }

    @Test
    void metricsAreForTheMachineItselfByDefault() throws ConfigException {
        AddressBlocks allowed = ProxySettings.fromContextParams(Params.chat()).metricsAllowedAddresses();
        assertTrue(allowed.contains(AddressBlocks.literal("127.0.0.1")));
        assertTrue(allowed.contains(AddressBlocks.literal("127.10.20.30")));
        assertTrue(allowed.contains(AddressBlocks.literal("::1")));
        assertTrue(allowed.contains(AddressBlocks.literal("::ffff:127.0.0.1")), "an IPv4-mapped loopback address");
        assertFalse(allowed.contains(AddressBlocks.literal("10.0.0.1")));
        assertFalse(allowed.contains(AddressBlocks.literal("::2")));
    }

    @Test
    void metricsAllowedAddressesTakesAddressesAndBlocks() throws ConfigException {
        AddressBlocks allowed = ProxySettings.fromContextParams(
                Params.chat("wsproxy.metricsAllowedAddresses", "10.1.0.0/16, 2001:db8::7")).metricsAllowedAddresses();
        assertTrue(allowed.contains(AddressBlocks.literal("10.1.2.3")));
        assertTrue(allowed.contains(AddressBlocks.literal("2001:db8::7")));
        assertFalse(allowed.contains(AddressBlocks.literal("127.0.0.1")), "the default is replaced, not extended");
    }

    @Test
    void anEmptyListAllowsNobody() throws ConfigException {
        AddressBlocks allowed = ProxySettings.fromContextParams(Params.chat("wsproxy.metricsAllowedAddresses", ""))
                .metricsAllowedAddresses();
        assertTrue(allowed.isEmpty());
        assertFalse(allowed.contains(AddressBlocks.literal("127.0.0.1")));
    }

    @Test
    void aMalformedValueNamesTheParameterAndTheValue() {
        String message = assertThrows(ConfigException.class, () -> ProxySettings.fromContextParams(
                Params.chat("wsproxy.metricsAllowedAddresses", "127.0.0.1, monitoring.example"))).getMessage();
        assertEquals("parameter [wsproxy.metricsAllowedAddresses] has value [127.0.0.1, monitoring.example], "
                + AddressBlocks.EXPECTED + "; [monitoring.example]: host names are not allowed, since they are never"
                + " looked up; write the proxy's address", message);
    }

    /** An application setting is not a route option: the routes' reading leaves it alone, in both forms. */
    @Test
    void routesDoNotTakeItForAnUnknownOption() throws ConfigException {
        Map<String, String> params = Params.chat("wsproxy.metricsAllowedAddresses", "10.0.0.0/8");
        List<Route> routes = RouteConfig.fromContextParams(params);
        assertEquals(1, routes.size());
        Route servlet = RouteConfig.fromServlet("b", List.of("/b"), Map.of("backend", "ws://backend.example/b"), params);
        assertEquals("b", servlet.name());
    }
}

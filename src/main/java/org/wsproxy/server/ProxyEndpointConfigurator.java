package org.wsproxy.server;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import jakarta.websocket.Extension;
import jakarta.websocket.HandshakeResponse;
import jakarta.websocket.server.HandshakeRequest;
import jakarta.websocket.server.ServerEndpointConfig;

import org.wsproxy.jsr356.ClientLeg;
import org.wsproxy.jsr356.ContainerCloses;

/**
 * The container's side of the client handshake, for upgrades started by the servlet.
 * Everything here reads the {@link Handoff} of the current thread.
 * <p>
 * Every method of {@link ServerEndpointConfig.Configurator} is overridden: the inherited ones ask a
 * ServiceLoader for "the platform's" configurator, and the Tyrus jars bundled in the WAR declare
 * one too, which a child-first web application class loader (Tomcat's) may find first.
 */
final class ProxyEndpointConfigurator extends ServerEndpointConfig.Configurator {

    private final ContainerCloses closes;

    ProxyEndpointConfigurator(ContainerCloses closes) {
        this.closes = closes;
    }

    /**
     * The servlet checked the Origin already; here, refusing when there is no handoff keeps clients
     * from reaching the internal endpoint path directly (the container answers 403).
     */
    @Override
    public boolean checkOrigin(String originHeaderValue) {
        return Handoff.current() != null;
    }

    /** The client gets the subprotocol the backend chose. */
    @Override
    public String getNegotiatedSubprotocol(List<String> supported, List<String> requested) {
        Handoff handoff = Handoff.current();
        if (handoff == null || handoff.subprotocol.isEmpty() || !requested.contains(handoff.subprotocol)) {
            return "";
        }
        return handoff.subprotocol;
    }

    /**
     * The container's installed extensions that the client asked for, in the client's order, with
     * the client's parameters (what Tomcat's and Tyrus's defaults do). Each leg negotiates its own
     * extensions: permessage-deflate on the client leg is the container's business.
     */
    @Override
    public List<Extension> getNegotiatedExtensions(List<Extension> installed, List<Extension> requested) {
        Set<String> available = new HashSet<>();
        for (Extension extension : installed) {
            available.add(extension.getName());
        }
        List<Extension> negotiated = new ArrayList<>();
        for (Extension extension : requested) {
            if (available.contains(extension.getName())) {
                negotiated.add(extension);
            }
        }
        return negotiated;
    }

    @Override
    public void modifyHandshake(ServerEndpointConfig sec, HandshakeRequest request, HandshakeResponse response) {
        Handoff handoff = Handoff.current();
        if (handoff == null) {
            return;
        }
        handoff.claimed = true;
        sec.getUserProperties().put(ClientLeg.RELAY_KEY, handoff.relay);
        for (Map.Entry<String, List<String>> header : handoff.responseHeaders.entrySet()) {
            if (BackendResponses.passedBack(header.getKey())) {
                response.getHeaders().put(header.getKey(), header.getValue());
            }
        }
    }

    @Override
    public <T> T getEndpointInstance(Class<T> endpointClass) throws InstantiationException {
        return endpointClass.cast(new ClientLeg(closes));
    }
}

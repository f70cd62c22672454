package org.wsproxy.jsr356;

import java.lang.reflect.Proxy;
import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import jakarta.websocket.CloseReason;
import jakarta.websocket.MessageHandler;
import jakarta.websocket.RemoteEndpoint;
import jakarta.websocket.Session;

/** A {@link Session} that records what is sent to it and which handlers were registered. */
final class FakeSession {

    final List<String> sent = new CopyOnWriteArrayList<>();
    final List<CloseReason> closes = new CopyOnWriteArrayList<>();
    final Map<Class<?>, MessageHandler> handlers = new HashMap<>();
    volatile boolean open = true;
    /** When set, every send throws it, as a container refuses sends to a session it is closing. */
    volatile Exception refuseSends;
    final Session session;

    FakeSession() {
        RemoteEndpoint.Basic remote = (RemoteEndpoint.Basic) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {RemoteEndpoint.Basic.class}, (proxy, method, args) -> {
                    if (refuseSends != null) {
                        throw refuseSends;
                    }
                    switch (method.getName()) {
                        case "sendText" -> sent.add("text[" + args[0] + "]" + (args.length > 1 && (boolean) args[1] ? " last" : ""));
                        case "sendBinary" -> sent.add("binary[" + ((ByteBuffer) args[0]).remaining() + "]" + ((boolean) args[1] ? " last" : ""));
                        case "sendPing" -> sent.add("ping");
                        default -> throw new UnsupportedOperationException(method.getName());
                    }
                    return null;
                });
        session = (Session) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {Session.class},
                (proxy, method, args) -> switch (method.getName()) {
                    case "getBasicRemote" -> remote;
                    case "addMessageHandler" -> {
                        handlers.put((Class<?>) args[0], (MessageHandler) args[1]);
                        yield null;
                    }
                    case "isOpen" -> open;
                    case "close" -> {
                        closes.add(args == null ? null : (CloseReason) args[0]);
                        open = false;
                        yield null;
                    }
                    case "hashCode" -> System.identityHashCode(proxy);
                    case "equals" -> proxy == args[0];
                    case "toString" -> "FakeSession";
                    default -> throw new UnsupportedOperationException(method.getName());
                });
    }

    @SuppressWarnings("unchecked")
    void text(String part, boolean last) {
        ((MessageHandler.Partial<String>) handlers.get(String.class)).onMessage(part, last);
    }

    @SuppressWarnings("unchecked")
    void binary(int bytes, boolean last) {
        ((MessageHandler.Partial<ByteBuffer>) handlers.get(ByteBuffer.class)).onMessage(ByteBuffer.allocate(bytes), last);
    }
}

package org.wsproxy.jsr356;

import java.util.Locale;
import java.util.function.Function;

import jakarta.websocket.CloseReason;

import org.wsproxy.relay.Close;
import org.wsproxy.relay.CloseCodes;

/**
 * Undoes what a container reports of a client's close where it reports a dropped connection
 * (no close frame) as if the client had sent a code, so that the relay tells the backend 1001
 * (the client went away) on every container, not the container's own choice.
 * <p>
 * Containers report a dropped connection as 1006 (Tomcat, Tyrus-based ones, Jetty, Undertow), and
 * a close with no code or no reason object as such a drop too. Open Liberty reports it as 1011
 * (Unexpected Condition) with the read error as the reason ("Connection closed: Read failed.
 * Possible end of stream encountered. ..."; its {@code WsocConnLink.processReadErrorComplete},
 * checked on 26.0.0.5), and calls no {@code onError} before, so the JSR-356 API gives no other sign
 * that no close frame came. There, a client's 1011 is taken as a drop: a client that really sends
 * 1011 (a server's code in RFC 6455, which browsers cannot send) reaches its backend as 1001 on
 * Liberty. The README lists this under the known limitations.
 */
public final class ContainerCloses implements Function<CloseReason, Close> {

    /** What containers that report a drop as 1006 need: a close without a code taken as one (see CloseCodes.of). */
    public static final ContainerCloses STANDARD = new ContainerCloses(false);

    /** True where the container reports a dropped client connection as 1011. */
    private final boolean unexpectedConditionIsADrop;

    private ContainerCloses(boolean unexpectedConditionIsADrop) {
        this.unexpectedConditionIsADrop = unexpectedConditionIsADrop;
    }

    /** @param serverInfo the container's {@code ServletContext.getServerInfo()} */
    public static ContainerCloses of(String serverInfo) {
        boolean liberty = serverInfo != null && serverInfo.toLowerCase(Locale.ROOT).contains("liberty");
        return liberty ? new ContainerCloses(true) : STANDARD;
    }

    /** @return the close as the relay takes it: a drop is 1006, with the container's reason kept for the access log */
    @Override
    public Close apply(CloseReason reported) {
        Close close = CloseCodes.of(reported);
        if (unexpectedConditionIsADrop && close.code() == CloseCodes.INTERNAL_ERROR) {
            return new Close(CloseCodes.ABNORMAL, close.reason());
        }
        return close;
    }

    @Override
    public String toString() {
        return unexpectedConditionIsADrop ? "ContainerCloses[1011 from a client is a dropped connection]" : "ContainerCloses[standard]";
    }
}

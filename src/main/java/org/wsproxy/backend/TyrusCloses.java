package org.wsproxy.backend;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

import jakarta.websocket.CloseReason;

import org.wsproxy.relay.CloseCodes;

/**
 * Undoes a Tyrus client quirk in what a backend's close reports.
 * <p>
 * Tyrus 2.1's close frame parser accepts codes up to 1013 only; a backend closing with 1014 (Bad
 * Gateway, registered with IANA after Tyrus's table was written) is reported as 1002 with the reason
 * "Illegal status code: 1014", and the backend's own reason is dropped. The code is recovered from
 * that message so that the client still gets 1014; the reason cannot be.
 */
public final class TyrusCloses {

    private static final Pattern ILLEGAL_STATUS = Pattern.compile(Pattern.quote(TyrusInternals.ILLEGAL_STATUS_MESSAGE) + "(\\d{4})");

    private TyrusCloses() {
    }

    public static CloseReason normalize(CloseReason reported) {
        if (reported.getCloseCode().getCode() != CloseCodes.PROTOCOL_ERROR || reported.getReasonPhrase() == null) {
            return reported;
        }
        Matcher matcher = ILLEGAL_STATUS.matcher(reported.getReasonPhrase());
        if (matcher.matches()) {
            int code = Integer.parseInt(matcher.group(1));
            if (CloseCodes.sendable(code)) {
                return CloseCodes.reason(code, "");
            }
        }
        return reported;
    }
}

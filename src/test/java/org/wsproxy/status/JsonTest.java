package org.wsproxy.status;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import org.wsproxy.support.MiniJson;

/** Text from the network (close reasons, addresses, paths) survives the status data unchanged, and inert. */
class JsonTest {

    @Test
    void everyCharacterThatCouldEndTheStringOrStartMarkupIsEscaped() {
        String hostile = "\"}]<script>alert(1)</script>&\\\u0000\u001f\n\r\t\u2028\u2029\u00e9\ud83d\ude00";
        String written = Json.string(hostile);
        assertEquals("\"\\\"}]\\u003cscript\\u003ealert(1)\\u003c/script\\u003e\\u0026\\\\\\u0000\\u001f\\n\\r\\t\\u2028\\u2029"
                + "\u00e9\ud83d\ude00\"", written);
        assertEquals(hostile, MiniJson.parse(written));
        assertEquals("null", Json.string(null));
    }
}

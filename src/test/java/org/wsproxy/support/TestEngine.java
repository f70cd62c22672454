package org.wsproxy.support;

/**
 * The engine the wire-level suites run on in this JVM: the pom runs them once per engine, setting
 * {@link ProxyServer#ENGINE_PROPERTY}; unset is wsproxy's default on Tomcat, the frame engine.
 * Tests whose expectations differ by engine (where the frame engine answers better, as the README
 * lists) ask here.
 */
public final class TestEngine {

    private TestEngine() {
    }

    /** True when the suites run on the frame engine. */
    public static boolean frames() {
        String engine = System.getProperty(ProxyServer.ENGINE_PROPERTY, "");
        return engine.isEmpty() || engine.equals("frames");
    }
}

package org.wsproxy.it;

/**
 * The scenario on Open Liberty (openliberty-runtime, {@code matrix.liberty.version} in pom.xml;
 * {@code mvn verify -Pmatrix}) with the features and application of deploy-examples/liberty/wsproxy.xml
 * and the routes of deploy-examples/liberty/wsproxy-routes.xml.
 */
class LibertyIT extends ProxyScenario {

    @Override
    Deployment deployment() {
        return Deployment.of("Open Liberty", "liberty");
    }

    @Override
    String defaultEngine() {
        return "frames";
    }

    /**
     * Liberty's partial-message delivery decodes each text frame to a String on its own
     * ({@code com.ibm.ws.wsoc.link.LinkRead}, 26.0.0.5) and closes with 1007 "Invalid UTF-8 data
     * received." when a frame ends inside a character; only whole-message handlers, which would
     * hold every message whole, decode across frames.
     */
    @Override
    boolean refusesTextSplitInsideACharacter() {
        return true;
    }
}

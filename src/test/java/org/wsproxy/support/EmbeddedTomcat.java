package org.wsproxy.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.apache.catalina.Context;
import org.apache.catalina.LifecycleException;
import org.apache.catalina.connector.Connector;
import org.apache.catalina.startup.Tomcat;
import org.apache.tomcat.util.IntrospectionUtils;
import org.apache.tomcat.util.net.SSLHostConfig;
import org.apache.tomcat.util.net.SSLHostConfigCertificate;

/** A Tomcat on 127.0.0.1 and a free port, with one empty context. */
public final class EmbeddedTomcat implements AutoCloseable {

    final Tomcat tomcat = new Tomcat();
    /** The one context, for the test to add servlets, initializers and endpoints to before {@link #start()}. */
    public final Context context;
    private final Path baseDir;
    /** Set by {@link #tls}, before start. */
    private boolean tls;

    public EmbeddedTomcat(String contextPath, int port) {
        try {
            baseDir = Files.createTempDirectory("wsproxy-tomcat");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        tomcat.setBaseDir(baseDir.toString());
        Connector connector = new Connector("HTTP/1.1");
        connector.setPort(port);
        connector.setProperty("address", "127.0.0.1");
        tomcat.setConnector(connector);
        tomcat.getHost().setAutoDeploy(false);
        context = tomcat.addContext(contextPath, baseDir.toString());
        // The class loader that loaded the tests (not always the system one: exec:java has its own).
        context.setParentClassLoader(EmbeddedTomcat.class.getClassLoader());
        // Without a servlet for a path Tomcat answers 404 before any filter runs, and WebSocket
        // upgrades are done by a filter (Tomcat's WsFilter); a default servlet lets them through.
        Tomcat.addServlet(context, "default", new NotFoundServlet());
        context.addServletMappingDecoded("/", "default");
    }

    private static final class NotFoundServlet extends jakarta.servlet.http.HttpServlet {
        private static final long serialVersionUID = 1L;

        @Override
        protected void service(jakarta.servlet.http.HttpServletRequest request, jakarta.servlet.http.HttpServletResponse response)
                throws java.io.IOException {
            response.sendError(404);
        }
    }

    /**
     * Makes the connector a TLS one (JSSE) serving {@code certificate}, as the TLS connector of
     * Tomcat's sample server.xml does: {@code <Connector SSLEnabled="true">} with an
     * {@code <SSLHostConfig><Certificate certificateKeystoreFile=...>}, and no scheme or secure
     * attribute (Tomcat reports https and secure for requests on an SSLEnabled connector by itself).
     * Before {@link #start()}.
     */
    void tls(TestCertificates.ServerCertificate certificate) {
        Connector connector = tomcat.getConnector();
        connector.setProperty("SSLEnabled", "true");
        SSLHostConfig host = new SSLHostConfig();
        SSLHostConfigCertificate keys = new SSLHostConfigCertificate(host, SSLHostConfigCertificate.Type.UNDEFINED);
        keys.setCertificateKeystoreFile(certificate.keyStore().toString());
        keys.setCertificateKeystorePassword(TestCertificates.PASSWORD);
        keys.setCertificateKeystoreType(TestCertificates.TYPE);
        host.addCertificate(keys);
        connector.addSslHostConfig(host);
        tls = true;
    }

    /**
     * Sets an attribute of the connector as server.xml would ({@code <Connector allowBackslash="true">}):
     * the Connector's own setter, else its protocol handler's. Before {@link #start()}.
     */
    void connectorAttribute(String name, String value) {
        if (!IntrospectionUtils.setProperty(tomcat.getConnector(), name, value)) {
            throw new IllegalArgumentException("the connector has no attribute [" + name + "]");
        }
    }

    /** "https" once {@link #tls} made the connector a TLS one, else "http". */
    String scheme() {
        return tls ? "https" : "http";
    }

    public void start() {
        try {
            tomcat.start();
        } catch (LifecycleException e) {
            throw new IllegalStateException(e);
        }
        if (!context.getState().isAvailable()) {
            // A deployment refused by an initializer or listener leaves the context FAILED; Tomcat itself runs on.
            throw new IllegalStateException("the application did not start: " + context.getState());
        }
    }

    public int port() {
        return tomcat.getConnector().getLocalPort();
    }

    @Override
    public void close() {
        try {
            tomcat.stop();
            tomcat.destroy();
        } catch (LifecycleException e) {
            throw new IllegalStateException(e);
        } finally {
            deleteBaseDir();
        }
    }

    private void deleteBaseDir() {
        try (var paths = Files.walk(baseDir)) {
            paths.sorted(java.util.Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (IOException e) {
            // A leftover temp folder is not worth failing a test for.
        }
    }
}

package org.wsproxy.upstream;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.Optional;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.TrustManagerFactory;

import org.wsproxy.config.Route;

/**
 * The TLS settings of a route's wss:// backends, for both engines: whom to trust (the route's
 * trustStore, else the JVM's default trust) and whether the certificate must name the backend's
 * host (verifyHostname). Built once per route; immutable.
 *
 * @param context    the client context, trusting the route's trust store or the JVM's
 * @param verifyHost check that the certificate names the host of the backend URL
 * @param trustStore the route's trust store, named in the errors; empty for the JVM's
 */
public record BackendTls(SSLContext context, boolean verifyHost, Optional<Path> trustStore) {

    /**
     * @throws BackendFailure (502) when the trustStore cannot be loaded: deployment checked that it
     *                        loads, but the file may have changed since
     */
    public static BackendTls of(Route route) throws BackendFailure {
        try {
            SSLContext context;
            if (route.trustStore().isPresent()) {
                KeyStore trust = KeyStore.getInstance(route.trustStoreType());
                char[] password = route.trustStorePassword().map(String::toCharArray).orElse(null);
                try (InputStream in = Files.newInputStream(route.trustStore().get())) {
                    trust.load(in, password);
                }
                TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
                factory.init(trust);
                context = SSLContext.getInstance("TLS");
                context.init(null, factory.getTrustManagers(), null);
            } else {
                context = SSLContext.getDefault();
            }
            return new BackendTls(context, route.verifyHostname(), route.trustStore());
        } catch (GeneralSecurityException | IOException e) {
            // The message never shows the password; KeyStore's own ("keystore password was incorrect") does not either.
            throw new BackendFailure(BackendFailure.BAD_GATEWAY, "cannot load trustStore [" + route.trustStore().orElse(null)
                    + "] of type [" + route.trustStoreType() + "]: " + e.getMessage(), e, false);
        }
    }

    /**
     * A client engine for one connection to {@code host}: SNI names the host (unless it is an IP
     * address), and with verifyHost the certificate is checked against it as HTTPS does (RFC 2818).
     */
    public SSLEngine engine(String host, int port) {
        SSLEngine engine = context.createSSLEngine(host, port);
        engine.setUseClientMode(true);
        if (verifyHost) {
            SSLParameters parameters = engine.getSSLParameters();
            parameters.setEndpointIdentificationAlgorithm("HTTPS");
            engine.setSSLParameters(parameters);
        }
        return engine;
    }
}

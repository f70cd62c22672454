package org.wsproxy.demo;

import java.io.File;

import org.apache.catalina.Context;
import org.apache.catalina.connector.Connector;
import org.apache.catalina.startup.Constants;
import org.apache.catalina.startup.ContextConfig;
import org.apache.catalina.startup.Tomcat;
import org.apache.tomcat.util.scan.StandardJarScanner;
import org.wsproxy.support.TestBackend;

/**
 * The quick start: wsproxy in an embedded Tomcat on localhost:8080 (or -Dport=N), deployed from
 * the WAR's own web root ({@code webapp/}, so its web.xml and index page), with one route,
 * {@code /echo}, to an echo backend started in the same JVM. Run with {@code mvn -q test-compile exec:java}.
 */
public final class Demo {

    private Demo() {
    }

    public static void main(String[] args) throws Exception {
        int port = Integer.getInteger("port", 8080);
        TestBackend backend = TestBackend.start();

        Tomcat tomcat = new Tomcat();
        File base = new File("target/demo-tomcat").getAbsoluteFile();
        tomcat.setBaseDir(base.getPath());
        Connector connector = new Connector("HTTP/1.1");
        connector.setPort(port);
        connector.setProperty("address", "localhost");
        tomcat.setConnector(connector);
        tomcat.getHost().setAutoDeploy(false);

        Context context = tomcat.addContext("", new File("webapp").getAbsolutePath());
        // exec:java loads the classes in its own class loader, not the system one Tomcat defaults to.
        context.setParentClassLoader(Demo.class.getClassLoader());
        context.addParameter("wsproxy.route.echo.path", "/echo");
        context.addParameter("wsproxy.route.echo.backend", backend.uri("/echo").toString());
        // Read webapp/WEB-INF/web.xml and run the initializers found on the class path (Tomcat's
        // WebSocket support and wsproxy's), as a Tomcat installation would for the WAR.
        ContextConfig config = new ContextConfig();
        config.setDefaultWebXml(Constants.NoDefaultWebXml);
        context.addLifecycleListener(config);
        ((StandardJarScanner) context.getJarScanner()).setScanClassPath(false);

        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                tomcat.stop();
                tomcat.destroy();
            } catch (Exception e) {
                // Exiting anyway.
            }
            backend.close();
        }));
        tomcat.start();
        if (!connector.getState().isAvailable() || !context.getState().isAvailable()) {
            System.err.println("wsproxy demo: could not start (is port " + port + " in use? try -Dport=8081); see the log above");
            System.exit(1);
        }
        System.out.println();
        System.out.println("wsproxy demo is running:");
        System.out.println("  page:    http://localhost:" + port + "/   (connect, send, close)");
        System.out.println("  route:   ws://localhost:" + port + "/echo  ->  " + backend.uri("/echo") + " (an echo backend)");
        System.out.println("  Ctrl-C to stop.");
        tomcat.getServer().await();
    }
}

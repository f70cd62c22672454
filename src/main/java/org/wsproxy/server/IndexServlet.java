package org.wsproxy.server;

import java.io.IOException;
import java.io.PrintWriter;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.wsproxy.config.Route;

/**
 * The WAR's front page: the configured routes (paths only: backend addresses are internal) and a
 * small console to try one from a browser; or, with no routes, how to add one.
 */
public final class IndexServlet extends HttpServlet {

    private static final long serialVersionUID = 1L;

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        Object attribute = getServletContext().getAttribute(ProxyRuntime.ATTRIBUTE);
        response.setContentType("text/html;charset=UTF-8");
        response.setHeader("Cache-Control", "no-store");
        PrintWriter out = response.getWriter();
        out.println("<!doctype html><html><head><meta charset=\"utf-8\"><title>wsproxy</title>");
        out.println("<style>body{font:15px system-ui,sans-serif;margin:2em;max-width:50em}code,pre{background:#f3f3f3;padding:2px 4px}"
                + "#log{height:14em;overflow:auto;border:1px solid #ccc;padding:.5em;font:13px monospace}</style></head><body>");
        out.println("<h1>wsproxy</h1>");
        if (!(attribute instanceof ProxyRuntime runtime) || runtime.routes().isEmpty()) {
            out.println("<p id=\"no-routes\"><strong>No routes are configured.</strong> Add one with two context-params, "
                    + "in WEB-INF/web.xml or from outside the WAR (Tomcat: <code>&lt;Parameter&gt;</code> in the context XML; "
                    + "GlassFish: <code>asadmin set-web-context-param</code>):</p>");
            out.println("<pre>wsproxy.route.chat.path     /chat/*\nwsproxy.route.chat.backend  ws://10.0.0.5:9000/chat</pre>");
            out.println("</body></html>");
            return;
        }
        out.println("<h2>Routes</h2><ul id=\"routes\">");
        for (Route route : runtime.routes()) {
            out.println("<li><code>" + escape(route.path()) + "</code> (route <code>" + escape(route.name()) + "</code>, engine <code>"
                    + runtime.engineOf(route.name()) + "</code>)</li>");
        }
        out.println("</ul><h2>Try a route</h2>");
        String first = runtime.routes().get(0).path().replace("/*", "/");
        out.println("<p><input id=\"path\" size=\"30\" value=\"" + escape(first) + "\"> <button id=\"connect\">Connect</button> "
                + "<input id=\"msg\" size=\"30\" value=\"hello\"> <button id=\"send\">Send</button> <button id=\"close\">Close</button></p>");
        out.println("<div id=\"log\"></div>");
        out.println("<script>"
                + "const base=location.pathname.replace(/\\/$/,'');let ws;"
                + "function log(t){const d=document.getElementById('log');d.textContent+=t+'\\n';d.scrollTop=d.scrollHeight;}"
                + "document.getElementById('connect').onclick=()=>{const u=(location.protocol==='https:'?'wss://':'ws://')+location.host+base+document.getElementById('path').value;"
                + "ws=new WebSocket(u);ws.onopen=()=>log('open '+u);ws.onmessage=e=>log('< '+e.data);"
                + "ws.onclose=e=>log('close '+e.code+' '+e.reason);ws.onerror=()=>log('error');};"
                + "document.getElementById('send').onclick=()=>{const m=document.getElementById('msg').value;ws.send(m);log('> '+m);};"
                + "document.getElementById('close').onclick=()=>ws.close(1000,'bye');"
                + "</script></body></html>");
    }

    private static String escape(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}

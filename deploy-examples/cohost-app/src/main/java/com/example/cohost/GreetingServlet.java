package com.example.cohost;

import java.io.IOException;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

/**
 * The application's own servlet, standing for whatever an existing application already serves:
 * wsproxy added to the application must leave it as it was.
 */
public class GreetingServlet extends HttpServlet {

    private static final long serialVersionUID = 1L;

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        String name = request.getParameter("name");
        response.setContentType("text/plain;charset=UTF-8");
        response.getWriter().println("Hello, " + (name == null || name.isBlank() ? "stranger" : name.strip())
                + ", from " + request.getContextPath());
    }
}

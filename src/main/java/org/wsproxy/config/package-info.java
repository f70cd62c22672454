/**
 * The route model: what the user declared in {@code web.xml}, parsed and validated once at
 * deployment into immutable {@link org.wsproxy.config.Route} objects.
 *
 * <p>This package exists so that nothing else in wsproxy ever reads a raw parameter string. A
 * route can be declared in two ways, with {@code wsproxy.route.<name>.*} context-params or as a
 * servlet with init-params, and both end here, in {@link org.wsproxy.config.RouteConfig}, and
 * produce the same {@code Route}. Every value is checked before the first connection is
 * accepted: a malformed or unknown parameter fails deployment with a
 * {@link org.wsproxy.config.ConfigException} whose message names the route, the parameter as the
 * user wrote it, the value and what is allowed, because a proxy that starts with a half-understood
 * configuration fails later, under traffic, far from the typo that caused it.
 *
 * <p>The package depends on the JDK only (no servlet API), so the servlet side passes plain maps
 * and it can be tested without a container.
 */
package org.wsproxy.config;

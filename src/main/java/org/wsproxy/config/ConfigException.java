package org.wsproxy.config;

/**
 * A route declaration that cannot be used. Thrown at deployment; {@link #getMessage()} is shown
 * to the user as it is, so it is one sentence naming the route, the parameter as written in
 * {@code web.xml}, the value and what is allowed.
 *
 * <p>Checked on purpose: the code that deploys routes must decide what a bad route does to the
 * application (fail it), rather than let the exception escape by accident.
 */
public final class ConfigException extends Exception {

    private static final long serialVersionUID = 1L;

    public ConfigException(String message) {
        super(message);
    }
}

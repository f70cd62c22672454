package org.wsproxy.config;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;

/**
 * The parameters of one route as collected from {@code web.xml}, not yet checked; {@link #build()}
 * checks them all and makes the {@link Route}.
 *
 * <p>It is the one place that knows both forms only by how they name a parameter, so every
 * message is written once: "route [chat]: parameter [wsproxy.route.chat.idleTimeout] has value
 * [x], expected ...", or with "init-param [idleTimeout] of servlet [chat]" for a servlet route.
 */
final class RouteDraft {

    /** One raw value and how the user named it, e.g. "parameter [wsproxy.route.chat.backend]". */
    record Param(String label, String value) {
    }

    private final String name;
    /** Option name to the label of the parameter that would set it for this route. */
    private final Function<String, String> labels;
    /** The options a user may name here, for the "unknown option" message. */
    private final String knownOptions;
    /** Values for every route (wsproxy.<option>); the route's own values win. */
    private final Map<Option<?>, Param> defaults;
    private final Map<Option<?>, Param> own = new LinkedHashMap<>();
    /** Null until the route's path is seen. */
    private Param path;

    RouteDraft(String name, Function<String, String> labels, String knownOptions, Map<Option<?>, Param> defaults) {
        this.name = name;
        this.labels = labels;
        this.knownOptions = knownOptions;
        this.defaults = defaults;
    }

    void path(Param pathParam) {
        this.path = pathParam;
    }

    /** Records this route's own value of an option; an unknown or planned option fails now. */
    void option(String optionName, String value) throws ConfigException {
        String label = labels.apply(optionName);
        Option<?> option = Option.named(optionName);
        if (option == null) {
            throw fail(label + ": unknown option [" + optionName + "]; known options: " + knownOptions);
        }
        if (!option.supported()) {
            throw fail(label + ": option [" + optionName + "] is not supported yet by this version of wsproxy");
        }
        own.put(option, new Param(label, value));
    }

    Route build() throws ConfigException {
        if (path == null) {
            throw fail(labels.apply("path") + " is missing; " + UrlPatterns.EXPECTED);
        }
        String pattern = parse(path, UrlPatterns::check);
        Map<Option<?>, Object> values = new HashMap<>();
        List<String> nonDefaults = new ArrayList<>();
        for (Option<?> option : Option.all()) {
            if (!option.supported()) {
                continue;
            }
            Param param = own.containsKey(option) ? own.get(option) : defaults.get(option);
            Object value;
            if (param == null) {
                if (option.kind() == Option.Kind.REQUIRED) {
                    throw fail(labels.apply(option.name()) + " is missing; expected " + option.description());
                }
                value = option.defaultValue();
            } else {
                value = parse(param, option::parse);
                if (option != Option.BACKEND && !Objects.equals(value, option.defaultValue())) {
                    String shown = option.kind() == Option.Kind.SECRET ? "******" : param.value().strip();
                    nonDefaults.add(option.name() + "=" + shown);
                }
            }
            values.put(option, value);
        }
        checkPasswordHasStore(values);
        checkStickyCookieIsUsed(values);
        checkStoreOpens(values);
        return new Route(name, pattern, values, String.join(", ", nonDefaults));
    }

    /**
     * Opens the trust store with its type and password, so that a wrong password, a wrong type or
     * a corrupt file fails the deployment instead of every wss:// handshake (each answered 502).
     */
    private void checkStoreOpens(Map<Option<?>, Object> values) throws ConfigException {
        java.nio.file.Path store = (java.nio.file.Path) values.get(Option.TRUST_STORE);
        if (store == null) {
            return;
        }
        String type = (String) values.get(Option.TRUST_STORE_TYPE);
        String password = (String) values.get(Option.TRUST_STORE_PASSWORD);
        try (var in = java.nio.file.Files.newInputStream(store)) {
            java.security.KeyStore.getInstance(type).load(in, password == null ? null : password.toCharArray());
        } catch (java.io.IOException | java.security.GeneralSecurityException e) {
            Param param = own.containsKey(Option.TRUST_STORE) ? own.get(Option.TRUST_STORE) : defaults.get(Option.TRUST_STORE);
            // The exception's message never contains the password; it says what went wrong (e.g. "keystore password was incorrect").
            throw fail(param.label() + " has value [" + param.value() + "], which cannot be opened as a [" + type
                    + "] trust store with the given trustStorePassword: " + e.getMessage());
        }
    }

    /** A password without a store would be silently ignored; say so instead. */
    private void checkPasswordHasStore(Map<Option<?>, Object> values) throws ConfigException {
        if (values.get(Option.TRUST_STORE_PASSWORD) != null && values.get(Option.TRUST_STORE) == null) {
            Param password = own.containsKey(Option.TRUST_STORE_PASSWORD)
                    ? own.get(Option.TRUST_STORE_PASSWORD) : defaults.get(Option.TRUST_STORE_PASSWORD);
            throw fail(password.label() + " is set but " + labels.apply(Option.TRUST_STORE.name())
                    + " is not; the password is only used to open that trust store");
        }
    }

    /** A cookie name without sticky=cookie would be silently ignored; say so instead. */
    private void checkStickyCookieIsUsed(Map<Option<?>, Object> values) throws ConfigException {
        if (values.get(Option.STICKY_COOKIE) != null && values.get(Option.STICKY) != Sticky.COOKIE) {
            Param cookie = own.containsKey(Option.STICKY_COOKIE) ? own.get(Option.STICKY_COOKIE) : defaults.get(Option.STICKY_COOKIE);
            throw fail(cookie.label() + " is set but " + labels.apply(Option.STICKY.name())
                    + " is not cookie; the cookie name is only used by sticky=cookie");
        }
    }

    private <T> T parse(Param param, Function<String, T> parser) throws ConfigException {
        try {
            return parser.apply(param.value());
        } catch (IllegalArgumentException e) {
            throw fail(param.label() + " has value [" + param.value() + "], " + e.getMessage());
        }
    }

    private ConfigException fail(String problem) {
        return new ConfigException("route [" + name + "]: " + problem);
    }
}

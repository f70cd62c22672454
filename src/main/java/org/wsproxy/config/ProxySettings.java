package org.wsproxy.config;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * The application-level settings: context-params under {@code wsproxy.} that belong to the
 * application as a whole rather than to a route, so they are neither route options nor defaults
 * for every route ({@link RouteConfig} leaves them to this class). Parsed and checked once at
 * deployment, like the routes, with messages naming the parameter and its value.
 *
 * <p>Immutable.
 */
public final class ProxySettings {

    /** Who may see the status page by address: the TCP peer, never X-Forwarded-For. */
    public static final String STATUS_ALLOWED_ADDRESSES = RouteConfig.PARAM_PREFIX + "statusAllowedAddresses";

    /**
     * The default: the machine itself only, since the page shows backend addresses, client addresses
     * and close reasons, none of which a stranger should read. Reaching it from elsewhere is a
     * decision (an SSH tunnel, an address list, or {@link #STATUS_ROLE}).
     */
    static final String STATUS_ALLOWED_ADDRESSES_DEFAULT = "127.0.0.0/8, ::1";

    /** A container role whose users may see the status page from any address; none by default. */
    public static final String STATUS_ROLE = RouteConfig.PARAM_PREFIX + "statusRole";

    /**
     * Who may read {@code <context>/metrics}: by default the machine itself only, since the metrics
     * name every backend's address, which the pages open to anyone (index, health) never do. A
     * scraper on another host is added here. Separate from the status page's list, as a Prometheus
     * server and the people who open the page are seldom on the same hosts.
     */
    public static final String METRICS_ALLOWED_ADDRESSES = RouteConfig.PARAM_PREFIX + "metricsAllowedAddresses";
    static final String METRICS_ALLOWED_ADDRESSES_DEFAULT = "127.0.0.0/8, ::1";

    /** Every application-level parameter name, for {@link RouteConfig} to leave alone. */
    private static final List<String> NAMES = List.of(STATUS_ALLOWED_ADDRESSES, STATUS_ROLE, METRICS_ALLOWED_ADDRESSES);

    /**
     * A role name as web.xml's {@code <role-name>} would hold it; no white space or commas, which
     * would more likely be an attempt to list several roles than a role of that name.
     */
    private static final Pattern ROLE = Pattern.compile("[^\\s,]+");

    private static final AddressBlocks DEFAULT_ADDRESSES = AddressBlocks.parse(STATUS_ALLOWED_ADDRESSES_DEFAULT);

    private final AddressBlocks statusAllowedAddresses;
    /** Null when no role opens the page. */
    private final String statusRole;
    private final AddressBlocks metricsAllowedAddresses;

    private ProxySettings(AddressBlocks statusAllowedAddresses, String statusRole, AddressBlocks metricsAllowedAddresses) {
        this.statusAllowedAddresses = statusAllowedAddresses;
        this.statusRole = statusRole;
        this.metricsAllowedAddresses = metricsAllowedAddresses;
    }

    /** True if {@code paramName} is an application-level setting, not a route option. */
    static boolean isSetting(String paramName) {
        return NAMES.contains(paramName);
    }

    /** The parameter names, comma-separated, for messages that list what may be set. */
    static String names() {
        return String.join(", ", NAMES);
    }

    /**
     * @param contextParams all context-params of the application; only the names of this class are read
     * @throws ConfigException naming the parameter and its value, when a value is not allowed
     */
    public static ProxySettings fromContextParams(Map<String, String> contextParams) throws ConfigException {
        Map<String, String> params = new TreeMap<>();
        contextParams.forEach((k, v) -> {
            if (k != null && v != null && NAMES.contains(k)) {
                params.put(k, v);
            }
        });
        AddressBlocks addresses = addresses(params, STATUS_ALLOWED_ADDRESSES,
                "; an empty value lets no address in (only " + STATUS_ROLE + ")");
        String role = null;
        String roleText = params.get(STATUS_ROLE);
        if (roleText != null && !roleText.isBlank()) {
            role = roleText.strip();
            if (!ROLE.matcher(role).matches()) {
                throw new ConfigException("parameter [" + STATUS_ROLE + "] has value [" + roleText
                        + "], expected one role name such as wsproxy-admin, without spaces or commas");
            }
        }
        AddressBlocks metrics = addresses(params, METRICS_ALLOWED_ADDRESSES, "");
        return new ProxySettings(addresses, role, metrics);
    }

    /**
     * The address list of parameter {@code name}, the default (this machine) when it is not set.
     *
     * @param hint added to the message of a malformed value
     */
    private static AddressBlocks addresses(Map<String, String> params, String name, String hint) throws ConfigException {
        String text = params.get(name);
        if (text == null) {
            return DEFAULT_ADDRESSES;
        }
        try {
            return AddressBlocks.parse(text);
        } catch (IllegalArgumentException e) {
            throw new ConfigException("parameter [" + name + "] has value [" + text + "], " + e.getMessage() + hint);
        }
    }

    /** Peers that may see the status page without logging in; empty = none. */
    public AddressBlocks statusAllowedAddresses() {
        return statusAllowedAddresses;
    }

    /** The role that opens the status page from any address, or null for none. */
    public String statusRole() {
        return statusRole;
    }

    /** The addresses (TCP peers) that may read the metrics endpoint; empty: nobody may. */
    public AddressBlocks metricsAllowedAddresses() {
        return metricsAllowedAddresses;
    }
}

package org.wsproxy.metrics;

import java.util.ArrayList;
import java.util.List;

import javax.management.MalformedObjectNameException;
import javax.management.ObjectName;

import com.codahale.metrics.jmx.ObjectNameFactory;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.config.NamingConvention;
import io.micrometer.core.instrument.util.HierarchicalNameMapper;

/**
 * The ObjectNames of the MBeans, one per meter:
 * {@code wsproxy:context=/wsproxy,name=wsproxy.handshakes,route=chat,backend="ws://10.0.0.5:9000/chat",outcome=ok}.
 * <p>
 * The context path is part of every name, so two applications in one JVM (one MBeanServer) never
 * collide. Each tag is a key property of its own, in a fixed order (context, name, route, backend,
 * then the meter's own tags), which is how jconsole groups its tree. Values that ObjectName
 * cannot hold as they are (a URL's colon) are quoted.
 * <p>
 * Micrometer's JMX registry (Dropwizard's JmxReporter underneath) asks the mapper for a flat name,
 * and the factory for the ObjectName of that name; the mapper writes the key properties, the
 * factory only adds the domain. Immutable.
 */
final class JmxNames implements HierarchicalNameMapper, ObjectNameFactory {

    static final String DOMAIN = "wsproxy";

    private static final List<String> FIRST_TAGS = List.of("route", "backend");

    private final String context;

    /** @param contextPath the application's context path, empty for the root application */
    JmxNames(String contextPath) {
        this.context = contextPath.isEmpty() ? "/" : contextPath;
    }

    @Override
    public String toHierarchicalName(Meter.Id id, NamingConvention convention) {
        List<String> properties = new ArrayList<>();
        properties.add(property("context", context));
        properties.add(property("name", id.getName()));
        for (String key : FIRST_TAGS) {
            String value = id.getTag(key);
            if (value != null) {
                properties.add(property(key, value));
            }
        }
        for (Tag tag : id.getTagsAsIterable()) {
            if (!FIRST_TAGS.contains(tag.getKey())) {
                properties.add(property(tag.getKey(), tag.getValue()));
            }
        }
        return String.join(",", properties);
    }

    @Override
    public ObjectName createName(String type, String domain, String name) {
        try {
            return new ObjectName(domain + ":" + name);
        } catch (MalformedObjectNameException e) {
            // Every value was quoted when it needed it, and every key is a tag name of this package.
            throw new IllegalStateException("not an ObjectName: " + domain + ":" + name, e);
        }
    }

    private static String property(String key, String value) {
        return key + "=" + (needsQuotes(value) ? ObjectName.quote(value) : value);
    }

    /** ObjectName's unquoted values may not be empty nor contain any of these. */
    private static boolean needsQuotes(String value) {
        if (value.isEmpty()) {
            return true;
        }
        for (int i = 0; i < value.length(); i++) {
            if (",=:\"*?\n".indexOf(value.charAt(i)) >= 0) {
                return true;
            }
        }
        return false;
    }
}

package io.archway.filter;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Objects that outlive one config snapshot, such as an open access-log file: a reload asks for the
 * same key and gets the same object, so nothing is reopened or lost. Closed when the gateway stops.
 */
public final class SharedResources implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(SharedResources.class);
    private final Map<String, Object> resources = new ConcurrentHashMap<>();

    @SuppressWarnings("unchecked")
    public <T> T get(String key, Supplier<T> create) {
        return (T) resources.computeIfAbsent(key, k -> create.get());
    }

    @Override
    public void close() {
        for (Object r : resources.values()) {
            if (r instanceof AutoCloseable c) {
                try {
                    c.close();
                } catch (Exception e) {
                    log.warn("closing {} failed", r, e);
                }
            }
        }
        resources.clear();
    }
}

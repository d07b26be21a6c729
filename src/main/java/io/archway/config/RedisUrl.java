package io.archway.config;

import java.net.URI;
import java.net.URISyntaxException;

/** Checks a {@code cluster.redis} URL without connecting, and hides its password in messages. */
final class RedisUrl {
    private RedisUrl() {}

    static boolean isValid(String url) {
        try {
            URI uri = new URI(url);
            String scheme = uri.getScheme() == null ? "" : Syntax.lower(uri.getScheme());
            int port = uri.getPort();
            return (scheme.equals("redis") || scheme.equals("rediss"))
                    && uri.getHost() != null && !uri.getHost().isEmpty()
                    && (port == -1 || (port >= 1 && port <= 65535));
        } catch (URISyntaxException e) {
            return false;
        }
    }

    /** {@code redis://user:secret@host} becomes {@code redis://user:***@host}. */
    static String withoutPassword(String url) {
        return url.replaceFirst("^([A-Za-z][A-Za-z0-9+.-]*://[^/@:]*):[^/@]*@", "$1:***@");
    }
}

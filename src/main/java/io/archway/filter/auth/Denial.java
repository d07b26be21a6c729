package io.archway.filter.auth;

import io.archway.filter.FilterResult;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Why an authentication filter turned a request away, and the answer it would give. {@code auth_any}
 * compares the denials of its members by {@link Kind} to answer with the most telling one.
 */
public record Denial(Kind kind, FilterResult.Error error, @Nullable String challenge, String reason) {

    /** From least to most telling: auth_any answers with the highest kind its members gave. */
    public enum Kind {
        /** The request carried no credentials of this kind. */
        MISSING,
        /** Credentials of this kind could not be checked now (e.g. the issuer's keys cannot be fetched). */
        UNAVAILABLE,
        /** Credentials were present and wrong. */
        INVALID,
        /** The caller is known but not allowed (missing scopes or claims). */
        FORBIDDEN
    }

    /** 401 {@code unauthorized}: no credentials; the challenge tells the client what to send. */
    public static Denial missing(@Nullable String challenge, String reason) {
        return new Denial(Kind.MISSING, error(HttpResponseStatus.UNAUTHORIZED, "unauthorized", challenge),
                challenge, reason);
    }

    /** 401 with the given code: credentials present but not accepted. */
    public static Denial invalid(String code, @Nullable String challenge, String reason) {
        return new Denial(Kind.INVALID, error(HttpResponseStatus.UNAUTHORIZED, code, challenge), challenge, reason);
    }

    /** 403 with the given code: authenticated, but not allowed. */
    public static Denial forbidden(String code, @Nullable String challenge, String reason) {
        return new Denial(Kind.FORBIDDEN, error(HttpResponseStatus.FORBIDDEN, code, challenge), challenge, reason);
    }

    /** 503 with the given code: the gateway cannot check the credentials right now; retrying may help. */
    public static Denial unavailable(String code, String reason) {
        return new Denial(Kind.UNAVAILABLE, error(HttpResponseStatus.SERVICE_UNAVAILABLE, code, null), null, reason);
    }

    /** A 401 {@code unauthorized} with every challenge, for a request that sent none of the credentials asked for. */
    public static Denial missing(List<String> challenges, String reason) {
        HttpHeaders h = new DefaultHttpHeaders();
        for (String c : challenges) {
            h.add(HttpHeaderNames.WWW_AUTHENTICATE, c);
        }
        return new Denial(Kind.MISSING, new FilterResult.Error(HttpResponseStatus.UNAUTHORIZED, "unauthorized", h),
                challenges.isEmpty() ? null : challenges.get(0), reason);
    }

    private static FilterResult.Error error(HttpResponseStatus status, String code, @Nullable String challenge) {
        HttpHeaders h = new DefaultHttpHeaders();
        if (challenge != null) {
            h.set(HttpHeaderNames.WWW_AUTHENTICATE, challenge);
        }
        return new FilterResult.Error(status, code, h);
    }
}

package io.archway.filter.auth.basic;

import io.archway.config.ConfigNode;
import io.archway.config.ConsumerConfig;
import io.archway.filter.FilterEnv;
import io.archway.filter.RequestContext;
import io.archway.filter.auth.Authenticator;
import io.archway.filter.auth.Consumers;
import io.archway.filter.auth.Denial;
import io.archway.filter.auth.Identity;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * {@code basic_auth}: {@code Authorization: Basic} (RFC 7617) checked against the consumers'
 * {@code password_sha256}, compared in constant time. The user name is the consumer name.
 */
public final class BasicAuthFilter implements Authenticator {
    private static final Pattern REALM = Pattern.compile("[\\x20\\x21\\x23-\\x5B\\x5D-\\x7E]{1,128}");

    private final Consumers consumers;
    private final CompletionStage<@Nullable Denial> missing;
    private final CompletionStage<@Nullable Denial> wrong;
    private final CompletionStage<@Nullable Denial> malformed;

    /** The config: the realm named in the challenge. */
    public record BasicAuthConfig(String realm) {
        public static final String DEFAULT_REALM = "archway";

        public static BasicAuthConfig parse(ConfigNode node) {
            node.expectObject("realm");
            ConfigNode r = node.get("realm");
            String realm = r.asString(DEFAULT_REALM);
            if (!REALM.matcher(realm).matches()) {
                r.invalid("1-128 printable characters without quotes or backslashes");
                realm = DEFAULT_REALM;
            }
            return new BasicAuthConfig(realm);
        }
    }

    BasicAuthFilter(BasicAuthConfig config, Consumers consumers) {
        this.consumers = consumers;
        String challenge = "Basic realm=\"" + config.realm() + "\", charset=\"UTF-8\"";
        this.missing = CompletableFuture.completedStage(Denial.missing(challenge, "no basic credentials"));
        this.wrong = CompletableFuture.completedStage(
                Denial.invalid("unauthorized", challenge, "wrong user or password"));
        this.malformed = CompletableFuture.completedStage(
                Denial.invalid("unauthorized", challenge, "malformed basic credentials"));
    }

    public static BasicAuthFilter create(Object config, FilterEnv env) {
        return new BasicAuthFilter((BasicAuthConfig) config, Consumers.of(env));
    }

    @Override
    public CompletionStage<@Nullable Denial> authenticate(RequestContext ctx) {
        HttpHeaders h = ctx.request().headers();
        String auth = h.get(HttpHeaderNames.AUTHORIZATION);
        if (auth == null || auth.length() < 6 || !auth.regionMatches(true, 0, "Basic ", 0, 6)) {
            return missing;
        }
        if (h.getAll(HttpHeaderNames.AUTHORIZATION).size() > 1) {
            return malformed;
        }
        String decoded;
        try {
            byte[] raw = Base64.getDecoder().decode(auth.substring(6).trim());
            decoded = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(raw)).toString();
        } catch (IllegalArgumentException | CharacterCodingException e) {
            return malformed;
        }
        int colon = decoded.indexOf(':');
        if (colon <= 0) {
            return malformed;
        }
        ConsumerConfig consumer = consumers.byPassword(decoded.substring(0, colon), decoded.substring(colon + 1));
        if (consumer == null) {
            return wrong;
        }
        Identity.set(ctx, consumer.name(), consumer.groups());
        return PASSED;
    }
}

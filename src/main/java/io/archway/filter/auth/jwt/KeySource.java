package io.archway.filter.auth.jwt;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/** Where an issuer's keys come from: fixed ({@code secret}, {@code public_key}) or a {@link JwksCache}. */
interface KeySource {

    /** The keys now; never blocks. */
    KeySet current();

    /** The keys after a refresh for a kid the current ones lack, where refreshing can help; always completes normally. */
    CompletionStage<KeySet> refreshForUnknownKid();

    static KeySource fixed(KeySet keys) {
        CompletionStage<KeySet> done = CompletableFuture.completedStage(keys);
        return new KeySource() {
            @Override
            public KeySet current() {
                return keys;
            }

            @Override
            public CompletionStage<KeySet> refreshForUnknownKid() {
                return done;
            }
        };
    }
}

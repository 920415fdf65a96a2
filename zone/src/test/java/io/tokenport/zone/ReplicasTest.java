package io.tokenport.zone;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.errors.RateLimitException;
import com.openai.models.completions.CompletionCreateParams;
import io.tokenport.zone.admission.KeyLimits;
import io.tokenport.zone.auth.IssuedKey;
import io.tokenport.zone.metering.UsageRecord;
import io.tokenport.zone.storage.TestPostgres;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Two zone replicas on one real PostgreSQL database and one real Redis: a key issued through one works on the
 * other, the key's rate limit is one allowance for both, and both replicas' usage lands in the shared table.
 */
class ReplicasTest {
    private static final URI REDIS = URI.create(System.getenv().getOrDefault("TOKENPORT_TEST_REDIS", "redis://127.0.0.1:6379"));

    @org.junit.jupiter.api.io.TempDir
    java.nio.file.Path dir;

    /** A replica: shared database and Redis, its own transfer log (each replica signs its own). */
    private ZoneServer replica(TestPostgres postgres, String name) throws Exception {
        return ZoneServer.start(ZoneConfig.builder(RunningZone.STORIES, postgres.location).threads(1).redis(REDIS)
                .evidenceDir(dir.resolve(name)).build());
    }

    private static OpenAIClient client(ZoneServer zone, String key) {
        return OpenAIOkHttpClient.builder().baseUrl(zone.baseUrl().toString()).apiKey(key).maxRetries(0).build();
    }

    private static CompletionCreateParams prompt() {
        return CompletionCreateParams.builder().model("stories260K").prompt("Once upon a time").maxTokens(4)
                .temperature(0.0).build();
    }

    @Test
    void replicasShareKeysLimitsAndUsage() throws Exception {
        try (TestPostgres postgres = new TestPostgres();
             ZoneServer a = replica(postgres, "a");
             ZoneServer b = replica(postgres, "b")) {
            // A tenant name no earlier run used: the Redis counters are keyed by key id, which is fresh anyway.
            String tenant = "acme-" + UUID.randomUUID();
            a.tenants().createTenant(tenant, "SG");
            IssuedKey key = a.tenants().createKey(tenant, new KeyLimits(2, 0));

            client(a, key.secret()).completions().create(prompt());
            client(b, key.secret()).completions().create(prompt());
            assertThatThrownBy(() -> client(a, key.secret()).completions().create(prompt()))
                    .isInstanceOf(RateLimitException.class);
            assertThatThrownBy(() -> client(b, key.secret()).completions().create(prompt()))
                    .isInstanceOf(RateLimitException.class);

            List<UsageRecord> seenByA = a.usage().forTenant(key.info().tenantId());
            List<UsageRecord> seenByB = b.usage().forTenant(key.info().tenantId());
            assertThat(seenByA).hasSize(2).isEqualTo(seenByB);
            assertThat(seenByA).allSatisfy(r -> assertThat(r.completionTokens()).isEqualTo(4));
        }
    }
}

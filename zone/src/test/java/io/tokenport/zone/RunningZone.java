package io.tokenport.zone;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import io.tokenport.zone.auth.IssuedKey;
import io.tokenport.zone.auth.Tenant;
import io.tokenport.zone.batching.BatchScheduler;
import io.tokenport.zone.metering.PriceBook;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/** A real zone server on a random loopback port, its SQLite file in a fresh directory, and one tenant's key. */
public final class RunningZone implements AutoCloseable {
    public static final Path STORIES = Path.of("../shared/models/stories260K.gguf");
    public static final Path QWEN_VOCAB = Path.of("../shared/models/qwen2-vocab.gguf");

    public final Path dir;
    public final ZoneServer server;
    public final Tenant tenant;
    public final String key;
    public final String keyId;
    private final HttpClient http = HttpClient.newHttpClient();

    private RunningZone(Path dir, ZoneServer server, Tenant tenant, IssuedKey key) {
        this.dir = dir;
        this.server = server;
        this.tenant = tenant;
        this.key = key.secret();
        this.keyId = key.info().id();
    }

    public static RunningZone start(Path model, BatchScheduler.Settings scheduler, long maxBodyBytes,
                                    PriceBook prices) {
        try {
            Path dir = Files.createTempDirectory("zone-test");
            ZoneServer server = ZoneServer.start(ZoneConfig.builder(model, dir.resolve("zone.db"))
                    .threads(1)
                    .scheduler(scheduler)
                    .maxBodyBytes(maxBodyBytes)
                    .prices(prices)
                    .build());
            Tenant tenant = server.tenants().createTenant("acme", "SG");
            return new RunningZone(dir, server, tenant, server.tenants().createKey("acme"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static RunningZone start(Path model) {
        return start(model, new BatchScheduler.Settings(8, 64, 64), 1 << 20, PriceBook.FREE);
    }

    /** The official OpenAI client, pointed at this zone, without retries (tests want to see the first answer). */
    public OpenAIClient client() {
        return client(key);
    }

    public OpenAIClient client(String apiKey) {
        return OpenAIOkHttpClient.builder()
                .baseUrl(server.baseUrl().toString())
                .apiKey(apiKey)
                .maxRetries(0)
                .build();
    }

    public String modelId() {
        return server.model().id();
    }

    /** A raw POST under /v1, for bodies no SDK would send. */
    public HttpResponse<String> post(String path, String body, String apiKey) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(server.baseUrl() + path))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (apiKey != null) {
            b.header("Authorization", "Bearer " + apiKey);
        }
        return send(b.build());
    }

    public HttpResponse<String> send(HttpRequest request) {
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public HttpClient http() {
        return http;
    }

    @Override
    public void close() {
        server.close();
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

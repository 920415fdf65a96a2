package io.tokenport.edge;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import io.tokenport.link.pki.LinkPki;
import io.tokenport.zone.ZoneConfig;
import io.tokenport.zone.ZoneServer;
import io.tokenport.zone.batching.BatchScheduler;
import io.tokenport.zone.ingress.IngressRefusal;
import io.tokenport.zone.ingress.LinkListener;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.InstantSource;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;

/**
 * The closed loop on loopback: a link CA, a real zone with its link listener, and a tenant's key. Edges are
 * started by the tests, with certificates from this CA.
 */
final class LinkedZone implements AutoCloseable {
    static final Path STORIES = Path.of("../shared/models/stories260K.gguf");

    final Path dir;
    final LinkPki pki;
    final ZoneServer zone;
    final String key;
    final List<IngressRefusal> refusals = new CopyOnWriteArrayList<>();

    LinkedZone() {
        try {
            dir = Files.createTempDirectory("edge-test");
            pki = new LinkPki(dir.resolve("pki"), InstantSource.system(), new SecureRandom());
            pki.initAuthority("TokenPort link CA");
            pki.issueZone(List.of("localhost"), List.of(InetAddress.ofLiteral("127.0.0.1")));
            zone = ZoneServer.start(ZoneConfig.builder(STORIES, dir.resolve("zone.db"))
                    .threads(1)
                    .scheduler(new BatchScheduler.Settings(4, 16, 64))
                    .link(LinkListener.of("127.0.0.1", 0, pki.zoneCertificate(), pki.zoneKey(), pki.caCertificate())
                            .withRecorder(refusal -> {
                                refusals.add(refusal);
                                return null;
                            }))
                    .build());
            zone.tenants().createTenant("acme", "SG");
            key = zone.tenants().createKey("acme").secret();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    URI linkUrl() {
        return URI.create("https://localhost:" + zone.linkPort());
    }

    /** An edge config on loopback for a new edge certificate {@code edgeId}, its clients in {@code jurisdiction}. */
    EdgeConfig edgeConfig(String edgeId, String jurisdiction) {
        return edgeConfig(edgeId, jurisdiction, linkUrl());
    }

    /**
     * The same, dialling {@code link} instead of the zone's link listener itself (a forwarder in front of it, on
     * 127.0.0.1 or localhost: the zone's certificate names both).
     */
    EdgeConfig edgeConfig(String edgeId, String jurisdiction, URI link) {
        try {
            pki.issueEdge(edgeId);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return EdgeConfig.loopback(link, edgeId, jurisdiction, pki.edgeCertificate(edgeId), pki.edgeKey(edgeId),
                pki.caCertificate());
    }

    OpenAIClient client(EdgeServer edge) {
        return OpenAIOkHttpClient.builder().baseUrl(edge.baseUrl().toString()).apiKey(key).maxRetries(0).build();
    }

    String modelId() {
        return zone.model().id();
    }

    @Override
    public void close() {
        zone.close();
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

package io.tokenport.e2e;

import io.tokenport.link.attestation.AttestationSigner;
import io.tokenport.link.attestation.OriginAttestation;
import io.tokenport.link.pki.Pem;
import io.tokenport.link.tls.LinkTls;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.time.InstantSource;
import java.util.Arrays;
import java.util.Locale;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;

/**
 * Latency samples from inside a namespace, for the closed-loop bench: time to first token of streamed
 * completions, and round trips of the link's keep-warm ping. Requests go one at a time on kept-alive connections,
 * after {@code WARM_UP} requests of each kind that are not counted (enough for the JIT compilers to finish with the
 * path: a few hundred requests still run partly in the interpreter and C1, which is not what a serving edge does);
 * each kind is printed as {@code NAME_ms=v1,v2,...} in milliseconds.
 *
 * <p>Run as a main, with the API key in {@code OPENAI_API_KEY}:
 * <ul>
 *   <li>{@code LatencyProbe client BASE_URL CA_PEM MODEL N WARM_UP}: as an overseas client at the edge's HTTPS API
 *       (HTTP/1.1, as the SDKs speak); prints {@code ttft_ms};</li>
 *   <li>{@code LatencyProbe edge LINK_URL CERT KEY CA EDGE_ID MODEL N WARM_UP}: as an edge at a zone's link
 *       (mutual TLS, HTTP/2, each request with an origin attestation signed with the edge's key, as
 *       {@code tokenport edge} sends it) but without an edge process in between; prints {@code ping_ms} ({@code GET /link/ping}, answered
 *       by the zone's ingress guard without generation: the link's round trip) and {@code ttft_ms}.</li>
 * </ul>
 */
public final class LatencyProbe {
    private static final String PROMPT = "Once upon a time";

    private LatencyProbe() {
    }

    public static void main(String[] args) throws Exception {
        String key = System.getenv("OPENAI_API_KEY");
        if (key == null || args.length == 0) {
            usage();
        }
        switch (args[0]) {
            case "client" -> {
                if (args.length != 6) {
                    usage();
                }
                SSLContext tls = SSLContext.getInstance("TLS");
                tls.init(null, trusting(Path.of(args[2])).getTrustManagers(), null);
                try (HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).sslContext(tls).build()) {
                    URI completions = URI.create(args[1] + "/completions");
                    String body = body(args[3]);
                    print("ttft_ms", samples(Integer.parseInt(args[4]), Integer.parseInt(args[5]),
                            () -> ttftMillis(http, completions, key, body, UnaryOperator.identity())));
                }
            }
            case "edge" -> {
                if (args.length != 9) {
                    usage();
                }
                SSLContext tls = LinkTls.clientContext(Path.of(args[2]), Path.of(args[3]), Path.of(args[4]));
                var signer = new AttestationSigner(args[5], Pem.readPrivateKey(Path.of(args[3])), InstantSource.system(),
                        new SecureRandom());
                try (HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_2).sslContext(tls)
                        .sslParameters(LinkTls.clientParameters()).build()) {
                    int n = Integer.parseInt(args[7]);
                    int warmUp = Integer.parseInt(args[8]);
                    URI ping = URI.create(args[1] + "/link/ping");
                    print("ping_ms", samples(n, warmUp, () -> {
                        long start = System.nanoTime();
                        HttpResponse<Void> answer = http.send(HttpRequest.newBuilder(ping).build(),
                                HttpResponse.BodyHandlers.discarding());
                        if (answer.statusCode() != 204) {
                            throw new IllegalStateException(ping + " answered " + answer.statusCode());
                        }
                        return (System.nanoTime() - start) / 1e6;
                    }));
                    URI completions = URI.create(args[1] + "/v1/completions");
                    String body = body(args[6]);
                    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
                    print("ttft_ms", samples(n, warmUp, () -> ttftMillis(http, completions, key, body,
                            request -> request.header(OriginAttestation.HEADER,
                                    signer.signBody(Topology.CLIENT_ADDRESS, "SG", bytes)))));
                }
            }
            default -> usage();
        }
    }

    private static void usage() {
        System.err.println("usage: OPENAI_API_KEY=... LatencyProbe client BASE_URL CA_PEM MODEL N WARM_UP\n"
                + "       OPENAI_API_KEY=... LatencyProbe edge LINK_URL CERT KEY CA EDGE_ID MODEL N WARM_UP");
        System.exit(2);
    }

    private interface Sample {
        double millis() throws Exception;
    }

    private static double[] samples(int n, int warmUp, Sample sample) throws Exception {
        for (int i = 0; i < warmUp; i++) {
            sample.millis();
        }
        var out = new double[n];
        for (int i = 0; i < n; i++) {
            out[i] = sample.millis();
        }
        return out;
    }

    private static String body(String model) {
        return "{\"model\":\"" + model + "\",\"prompt\":\"" + PROMPT + "\",\"max_tokens\":4,\"temperature\":0,"
                + "\"stream\":true}";
    }

    /** Milliseconds from sending to reading the first event that carries generated text; the stream is read to its end. */
    private static double ttftMillis(HttpClient http, URI uri, String key, String body,
                                     UnaryOperator<HttpRequest.Builder> decorate) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).header("Authorization", "Bearer " + key)
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body));
        long start = System.nanoTime();
        HttpResponse<InputStream> response = http.send(decorate.apply(request).build(),
                HttpResponse.BodyHandlers.ofInputStream());
        double ttft = Double.NaN;
        try (var lines = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
            if (response.statusCode() != 200) {
                throw new IllegalStateException(uri + " answered " + response.statusCode() + ": "
                        + lines.lines().collect(Collectors.joining(" ")));
            }
            String line;
            while ((line = lines.readLine()) != null) {
                if (Double.isNaN(ttft) && line.startsWith("data: {") && line.contains("\"text\":\"")
                        && !line.contains("\"text\":\"\"")) {
                    ttft = (System.nanoTime() - start) / 1e6;
                }
            }
        }
        if (Double.isNaN(ttft)) {
            throw new IllegalStateException(uri + " streamed no text");
        }
        return ttft;
    }

    private static TrustManagerFactory trusting(Path caPem) throws Exception {
        var store = KeyStore.getInstance(KeyStore.getDefaultType());
        store.load(null, null);
        try (InputStream in = Files.newInputStream(caPem)) {
            int i = 0;
            for (Certificate c : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                store.setCertificateEntry("ca-" + i++, c);
            }
        }
        var factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        factory.init(store);
        return factory;
    }

    private static void print(String name, double[] samples) {
        System.out.println(name + "=" + Arrays.stream(samples).mapToObj(v -> String.format(Locale.ROOT, "%.3f", v))
                .collect(Collectors.joining(",")));
        System.out.flush();
    }
}

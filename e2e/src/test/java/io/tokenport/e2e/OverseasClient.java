package io.tokenport.e2e;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.http.HttpResponseFor;
import com.openai.core.http.StreamResponse;
import com.openai.errors.OpenAIIoException;
import com.openai.errors.OpenAIServiceException;
import com.openai.models.chat.completions.ChatCompletionStreamOptions;
import com.openai.models.completions.Completion;
import com.openai.models.completions.CompletionCreateParams;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.util.ArrayList;
import java.util.List;

/**
 * The overseas customer of the closed-loop test: the official OpenAI Java SDK, run as a main inside a namespace
 * (the client's, or the domestic host's for the attempts that must be refused). It prints {@code key=value} lines
 * with what the test checks: the status, the token count and whether a receipt came back; never the completion's
 * text, nor the key.
 *
 * <p>Run as a main, with the key in {@code OPENAI_API_KEY} (not on the command line, where process lists show it):
 * {@code OverseasClient BASE_URL MODEL [CA_CERTIFICATE_PEM] [--stream]}. The CA certificate is the one that signed
 * the edge's HTTPS certificate; without it the JDK's trust store is used. The prompt is {@code OVERSEAS_PROMPT}
 * from the environment (also kept off command lines), "Once upon a time" by default.
 *
 * <p>It prints {@code status=...} and either {@code completion_tokens}, {@code text_sha256} and {@code receipt}
 * (or, with {@code --stream}, {@code stream_text_chunks}, {@code finish_reason}, {@code completion_tokens} and
 * {@code text_sha256}) or {@code error_code}. When no HTTP answer
 * came at all (a TLS handshake refused, a connection reset), it prints {@code transport_error=} and the cause
 * chain's exception types and messages instead of a status.
 */
public final class OverseasClient {
    private static final String RECEIPT_HEADER = "TokenPort-Receipt";

    private OverseasClient() {
    }

    public static void main(String[] args) throws Exception {
        List<String> positional = new ArrayList<>(List.of(args));
        boolean stream = positional.remove("--stream");
        if (positional.size() < 2 || positional.size() > 3 || System.getenv("OPENAI_API_KEY") == null) {
            System.err.println("usage: OPENAI_API_KEY=... [OVERSEAS_PROMPT=...] OverseasClient BASE_URL MODEL"
                    + " [CA_CERTIFICATE_PEM] [--stream]");
            System.exit(2);
        }
        OpenAIOkHttpClient.Builder builder = OpenAIOkHttpClient.builder().baseUrl(positional.get(0))
                .apiKey(System.getenv("OPENAI_API_KEY")).maxRetries(0);
        if (positional.size() == 3) {
            X509TrustManager trust = trusting(Path.of(positional.get(2)));
            SSLContext tls = SSLContext.getInstance("TLS");
            tls.init(null, new javax.net.ssl.TrustManager[] {trust}, null);
            builder.sslSocketFactory(tls.getSocketFactory()).trustManager(trust);
        }
        OpenAIClient client = builder.build();
        String prompt = System.getenv().getOrDefault("OVERSEAS_PROMPT", "Once upon a time");
        var request = CompletionCreateParams.builder().model(positional.get(1)).prompt(prompt).maxTokens(4)
                .temperature(0.0);
        if (stream) {
            request.streamOptions(ChatCompletionStreamOptions.builder().includeUsage(true).build());
        }
        var params = request.build();
        try {
            if (stream) {
                streamed(client, params);
            } else {
                HttpResponseFor<Completion> response = client.completions().withRawResponse().create(params);
                Completion completion = response.parse();
                System.out.println("status=" + response.statusCode());
                System.out.println("completion_tokens=" + completion.usage().map(u -> u.completionTokens()).orElse(-1L));
                System.out.println("text_sha256=" + sha256(completion.choices().getFirst().text()));
                System.out.println("receipt=" + (response.headers().values(RECEIPT_HEADER).isEmpty() ? "absent" : "present"));
            }
        } catch (OpenAIServiceException refused) {
            System.out.println("status=" + refused.statusCode());
            System.out.println("error_code=" + refused.code().orElse(""));
        } catch (OpenAIIoException noAnswer) {
            System.out.println("transport_error=" + causes(noAnswer));
        }
    }

    /**
     * A streamed completion: counts the chunks that carry text (the zone sends what is ready in one chunk, so
     * their number varies), and prints the finish reason, the usage's token count and the hash of the text.
     */
    private static void streamed(OpenAIClient client, CompletionCreateParams params) throws Exception {
        HttpResponseFor<StreamResponse<Completion>> response = client.completions().withRawResponse().createStreaming(params);
        int textChunks = 0;
        long completionTokens = -1;
        var text = new StringBuilder();
        String finishReason = "";
        try (StreamResponse<Completion> chunks = response.parse()) {
            for (Completion chunk : (Iterable<Completion>) chunks.stream()::iterator) {
                if (chunk.usage().isPresent()) {
                    completionTokens = chunk.usage().get().completionTokens();
                }
                for (var choice : chunk.choices()) {
                    if (!choice.text().isEmpty()) {
                        textChunks++;
                        text.append(choice.text());
                    }
                    if (choice._finishReason().isMissing() || choice._finishReason().isNull()) {
                        continue;
                    }
                    finishReason = choice.finishReason().asString();
                }
            }
        }
        System.out.println("status=" + response.statusCode());
        System.out.println("stream_text_chunks=" + textChunks);
        System.out.println("finish_reason=" + finishReason);
        System.out.println("completion_tokens=" + completionTokens);
        System.out.println("text_sha256=" + sha256(text.toString()));
    }

    /** The SHA-256 of {@code text} (UTF-8) in hex: lets a test compare completions without printing them. */
    private static String sha256(String text) throws java.security.NoSuchAlgorithmException {
        return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
                .digest(text.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
    }

    /** Each exception of the cause chain as {@code Type: message}, joined by " <- ". */
    private static String causes(Throwable t) {
        var parts = new ArrayList<String>();
        for (Throwable c = t; c != null && parts.size() < 8; c = c.getCause()) {
            parts.add(c.getClass().getSimpleName() + ": " + c.getMessage());
        }
        return String.join(" <- ", parts);
    }

    private static X509TrustManager trusting(Path caPem) throws Exception {
        var store = KeyStore.getInstance(KeyStore.getDefaultType());
        store.load(null, null);
        try (InputStream in = Files.newInputStream(caPem)) {
            int i = 0;
            for (Certificate certificate : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                store.setCertificateEntry("ca-" + i++, certificate);
            }
        }
        var factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        factory.init(store);
        for (var manager : factory.getTrustManagers()) {
            if (manager instanceof X509TrustManager x509) {
                return x509;
            }
        }
        throw new IllegalStateException("no X.509 trust manager for " + caPem);
    }
}

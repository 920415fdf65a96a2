package io.tokenport.e2e;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.http.HttpResponseFor;
import com.openai.errors.OpenAIServiceException;
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

/**
 * The overseas customer of the closed-loop test: the official OpenAI Java SDK, run as a main inside a namespace
 * (the client's, or the domestic host's for the attempts that must be refused). It prints {@code key=value} lines
 * with what the test checks: the status, the token count and whether a receipt came back; never the completion's
 * text, nor the key.
 *
 * <p>Run as a main, with the key in {@code OPENAI_API_KEY} (not on the command line, where process lists show it):
 * {@code OverseasClient BASE_URL MODEL [CA_CERTIFICATE_PEM]}. The CA certificate is the one that signed the edge's
 * HTTPS certificate ({@code tokenport pki}); without it the JDK's trust store is used.
 */
public final class OverseasClient {
    private static final String RECEIPT_HEADER = "TokenPort-Receipt";

    private OverseasClient() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 2 || args.length > 3 || System.getenv("OPENAI_API_KEY") == null) {
            System.err.println("usage: OPENAI_API_KEY=... OverseasClient BASE_URL MODEL [CA_CERTIFICATE_PEM]");
            System.exit(2);
        }
        OpenAIOkHttpClient.Builder builder = OpenAIOkHttpClient.builder().baseUrl(args[0])
                .apiKey(System.getenv("OPENAI_API_KEY")).maxRetries(0);
        if (args.length == 3) {
            X509TrustManager trust = trusting(Path.of(args[2]));
            SSLContext tls = SSLContext.getInstance("TLS");
            tls.init(null, new javax.net.ssl.TrustManager[] {trust}, null);
            builder.sslSocketFactory(tls.getSocketFactory()).trustManager(trust);
        }
        OpenAIClient client = builder.build();
        var params = CompletionCreateParams.builder().model(args[1]).prompt("Once upon a time").maxTokens(4)
                .temperature(0.0).build();
        try {
            HttpResponseFor<Completion> response = client.completions().withRawResponse().create(params);
            Completion completion = response.parse();
            System.out.println("status=" + response.statusCode());
            System.out.println("completion_tokens=" + completion.usage().map(u -> u.completionTokens()).orElse(-1L));
            System.out.println("receipt=" + (response.headers().values(RECEIPT_HEADER).isEmpty() ? "absent" : "present"));
        } catch (OpenAIServiceException refused) {
            System.out.println("status=" + refused.statusCode());
            System.out.println("error_code=" + refused.code().orElse(""));
        }
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

package io.tokenport.edge;

import io.helidon.common.tls.Tls;
import io.helidon.webserver.WebServer;
import io.helidon.webserver.WebServerConfig;
import io.tokenport.http.ClientHangUp;
import io.tokenport.link.pki.Pem;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.List;

/**
 * The edge: the overseas access point clients call with any OpenAI SDK. Every {@code /v1/...} request is relayed
 * to the zone over the link with a signed origin attestation ({@link RequestRelay}, {@link ZoneLink}); anything
 * else gets a 404 in OpenAI's shape without leaving the edge.
 *
 * <p>Clients are served over HTTPS with the certificate given. Plain HTTP is allowed only on a loopback address
 * (a local test, or a TLS-terminating proxy on the same host): a client's API key must never cross a network in
 * clear.
 */
public final class EdgeServer implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(EdgeServer.class.getName());

    private final WebServer server;
    private final ZoneLink link;
    private final boolean https;
    private final String host;

    private EdgeServer(WebServer server, ZoneLink link, boolean https, String host) {
        this.server = server;
        this.link = link;
        this.https = https;
        this.host = host;
    }

    /**
     * Opens the link (every connection's handshake and first ping, so that no client request pays for a
     * handshake), then the clients' listener.
     *
     * @throws IOException              if a certificate or key cannot be read, or the zone cannot be reached
     * @throws IllegalArgumentException if plain HTTP is asked for on a non-loopback address
     */
    public static EdgeServer start(EdgeConfig config) throws IOException {
        boolean https = config.httpsCertificate() != null;
        if (!https && !isLoopback(config.host())) {
            throw new IllegalArgumentException("refusing to serve plain HTTP on " + config.host() + ": clients' API "
                    + "keys would cross the network in clear. Give an HTTPS certificate and key (--https-cert, "
                    + "--https-key), or bind to a loopback address such as 127.0.0.1");
        }
        // TCP_NODELAY: headers and each event are separate writes; Nagle's algorithm would hold an event back until
        // the client's delayed ACK (40 ms on Linux).
        WebServerConfig.Builder builder = WebServer.builder().host(config.host()).port(config.port())
                .connectionOptions(options -> options.tcpNoDelay(true));
        if (https) {
            builder.tls(Tls.builder().sslContext(publicContext(config)).build());
        }
        // A client that hangs up while the zone works on its answer is told to the zone at once (RequestRelay).
        ClientHangUp.detectOn(builder);
        ZoneLink link = new ZoneLink(config);
        try {
            link.warmUp();
            RequestRelay relay = new RequestRelay(link, config.jurisdiction(), config.maxBodyBytes());
            WebServer server = builder.routing(routing -> routing
                    .any("/v1/*", relay::handle)
                    .any("/v1", relay::handle)
                    .any((req, res) -> EdgeErrors.send(res, 404, "invalid_request_error", "unknown_url",
                            "Unknown request URL: " + req.prologue().method().text() + " " + req.path().path()
                            + ".")))
                    .build().start();
            LOG.log(System.Logger.Level.INFO, "edge " + config.edgeId() + " serving " + config.jurisdiction()
                    + " clients on port " + server.port() + ", linked to " + config.zone());
            return new EdgeServer(server, link, https, config.host());
        } catch (IOException | RuntimeException e) {
            link.close();
            throw e;
        }
    }

    private static boolean isLoopback(String host) {
        try {
            for (InetAddress address : InetAddress.getAllByName(host)) {
                if (!address.isLoopbackAddress()) {
                    return false;
                }
            }
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** The clients' TLS context: the edge's public certificate chain and key, no client certificates. */
    private static SSLContext publicContext(EdgeConfig config) throws IOException {
        List<X509Certificate> chain = Pem.readCertificates(config.httpsCertificate());
        try {
            KeyStore keys = KeyStore.getInstance("PKCS12");
            keys.load(null, null);
            keys.setKeyEntry("edge", Pem.readPrivateKey(config.httpsKey()), new char[0],
                    chain.toArray(new X509Certificate[0]));
            KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(keys, new char[0]);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(kmf.getKeyManagers(), null, null);
            return context;
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot use " + config.httpsCertificate() + " and " + config.httpsKey()
                    + " for HTTPS: " + e.getMessage(), e);
        }
    }

    /** The port clients connect to. */
    public int port() {
        return server.port();
    }

    /** The base URL an OpenAI client is given, such as {@code https://edge.example:443/v1}. */
    public URI baseUrl() {
        boolean wildcard = host.equals("0.0.0.0") || host.equals("::") || host.equals("[::]");
        String name = wildcard ? "127.0.0.1" : host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host;
        return URI.create((https ? "https://" : "http://") + name + ":" + port() + "/v1");
    }

    /** Link pings answered so far (one per link connection at start). */
    public long linkPings() {
        return link.pings();
    }

    /** Requests in flight on the link: sent to the zone, and their answers not yet relayed to the end. */
    int linkRequestsInFlight() {
        return link.requestsInFlight();
    }

    @Override
    public void close() {
        server.stop();
        link.close();
    }
}

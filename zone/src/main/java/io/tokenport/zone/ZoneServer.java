package io.tokenport.zone;

import io.helidon.webserver.WebServer;
import io.tokenport.http.ClientHangUp;
import io.tokenport.zone.admission.LocalRateLimiter;
import io.tokenport.zone.admission.RateLimiter;
import io.tokenport.zone.admission.RedisRateLimiter;
import io.tokenport.zone.api.OpenAiApi;
import io.tokenport.zone.auth.TenantDirectory;
import io.tokenport.zone.batching.BatchScheduler;
import io.tokenport.zone.egress.EgressGuard;
import io.tokenport.zone.evidence.BoundaryRefusals;
import io.tokenport.zone.evidence.TransferEvidence;
import io.tokenport.zone.screening.PersonalDataScreener;
import io.tokenport.zone.screening.ScreeningRules;
import io.tokenport.zone.ingress.LinkIngress;
import io.tokenport.zone.metering.UsageMeter;
import io.tokenport.zone.models.ModelDeployment;
import io.tokenport.zone.models.ServedModel;
import io.tokenport.zone.operations.OperationsApi;
import io.tokenport.zone.operations.ZoneMetrics;
import io.tokenport.zone.storage.ZoneDatabase;

import java.io.IOException;
import java.net.URI;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;

/**
 * The zone server: the OpenAI-compatible API on Helidon SE (one virtual thread per request), one continuous
 * batching scheduler per model, tenants and keys, and metering, all on one database.
 *
 * <p>Start order: database (migrated), model (hashed and loaded), scheduler, then the listeners (the API, and the
 * admin listener with metrics and health on its own port), so the ports only open once requests can be served.
 */
public final class ZoneServer implements AutoCloseable {
    private static final String API_SOCKET = "api";
    private static final System.Logger LOG = System.getLogger(ZoneServer.class.getName());
    private static final String LINK_SOCKET = "link";

    private final ZoneDatabase database;
    private final ServedModel model;
    private final BatchScheduler scheduler;
    private final TenantDirectory tenants;
    private final UsageMeter usage;
    private final RateLimiter limiter;
    private final TransferEvidence evidence;
    private final EgressGuard egress;
    private final WebServer server;
    private final String adminToken;
    private final String host;

    private ZoneServer(ZoneDatabase database, ServedModel model, BatchScheduler scheduler, TenantDirectory tenants,
                       UsageMeter usage, RateLimiter limiter, TransferEvidence evidence, EgressGuard egress,
                       WebServer server, String host, String adminToken) {
        this.adminToken = adminToken;
        this.egress = egress;
        this.limiter = limiter;
        this.evidence = evidence;
        this.host = host;
        this.database = database;
        this.model = model;
        this.scheduler = scheduler;
        this.tenants = tenants;
        this.usage = usage;
        this.server = server;
    }

    /**
     * Starts a zone as {@code config} says and returns once it accepts requests.
     *
     * @throws IOException if the model file cannot be read
     */
    public static ZoneServer start(ZoneConfig config) throws IOException {
        // Evidence first: it needs no network, and every later refusal (an egress attempt included) is recorded.
        TransferEvidence evidence = TransferEvidence.open(config.evidenceDir(), config.logOrigin(),
                config.checkpointInterval());
        EgressGuard egress = new EgressGuard("zone-" + Integer.toHexString(System.identityHashCode(evidence)),
                config.egressDestinations());
        ZoneMetrics metrics = new ZoneMetrics();
        egress.onRefusal(d -> {
            metrics.egressRefused();
            LOG.log(System.Logger.Level.WARNING, "outbound connection to " + d + " refused: not on the egress allow-list");
            evidence.record(BoundaryRefusals.egress(d, config.clock().millis()));
        });
        ZoneDatabase database = null;
        ServedModel model = null;
        BatchScheduler scheduler = null;
        RateLimiter limiter = null;
        try {
            // Birth dates in resident ids are checked against today in China, where they were issued.
            PersonalDataScreener screener = new PersonalDataScreener(config.screeningRules() == null
                    ? ScreeningRules.none() : ScreeningRules.load(config.screeningRules()),
                    config.clock().withZone(ZoneId.of("Asia/Shanghai")));
            database = ZoneDatabase.open(config.database(), egress);
            model = ServedModel.load(config.modelFile(), config.modelId(), config.threads(), config.clock().instant());
            scheduler = new BatchScheduler(model.model(), config.scheduler(), model.id());
            TenantDirectory tenants = new TenantDirectory(database.dataSource(), config.clock());
            limiter = config.redis() == null ? new LocalRateLimiter(config.clock())
                    : new RedisRateLimiter(config.redis(), "tokenport:rate:", config.clock(), egress);
            UsageMeter usage = new UsageMeter(database.dataSource(), config.prices(), config.clock());
            metrics.watch(model.id(), scheduler);
            OpenAiApi api = new OpenAiApi(tenants, Map.of(model.id(), new ModelDeployment(model, scheduler)), usage,
                    limiter, metrics, evidence, screener, config.maxBodyBytes(), config.clock());
            OperationsApi operations = new OperationsApi(metrics, List.of(scheduler), egress, config.adminToken());
            // The admin listener is the server's default socket; the customers' plain API is a named one that a
            // production zone ("tokenport zone") leaves closed, serving only the attested link.
            var builder = WebServer.builder()
                    .host(config.host())
                    .port(config.adminPort())
                    .routing(operations::register);
            if (config.plainApi()) {
                // Headers and each SSE chunk are separate writes: without TCP_NODELAY, Nagle's algorithm holds
                // a chunk until the client's delayed ACK (40 ms on Linux), straight into time to first token.
                builder.putSocket(API_SOCKET, socket -> {
                    socket.host(config.host()).port(config.port())
                            .connectionOptions(options -> options.tcpNoDelay(true))
                            .routing(api::register);
                    // A client that hangs up stops its generation at once, even one waiting for a whole answer.
                    ClientHangUp.detectOn(socket);
                });
            }
            if (config.link() != null) {
                // A body that is not the attested one is found by the endpoint, which records it like any refusal.
                LinkIngress.addSocket(builder, LINK_SOCKET, config.link(), api, metrics, config.clock(),
                        refusal -> refusal.reason() == io.tokenport.link.attestation.RefusalReason.BODY_MISMATCH ? null
                                : evidence.record(BoundaryRefusals.ingress(refusal)).compact());
            }
            WebServer server = builder.build().start();
            return new ZoneServer(database, model, scheduler, tenants, usage, limiter, evidence, egress, server,
                    config.host(), config.adminToken());
        } catch (IOException | RuntimeException | Error e) {
            if (scheduler != null) {
                scheduler.close();
            }
            if (model != null) {
                model.model().close();
            }
            if (limiter instanceof AutoCloseable c) {
                closeQuietly(c);
            }
            if (database != null) {
                database.close();
            }
            closeQuietly(evidence);
            egress.unregister();
            throw e;
        }
    }

    /** The port the plain API listens on, or -1 if the zone serves only its link. */
    public int port() {
        return server.port(API_SOCKET);
    }

    /** The port of the link listener (edges, mutual TLS), or -1 if the zone has none. */
    public int linkPort() {
        return server.port(LINK_SOCKET);
    }

    /** The port of the admin listener: {@code /metrics}, {@code /health}, {@code /ready}. */
    public int adminPort() {
        return server.port();
    }

    /**
     * The API's base URL, such as {@code http://127.0.0.1:8080/v1}: what an OpenAI client is given. A server
     * listening on all addresses is named by its loopback address.
     */
    public URI baseUrl() {
        if (port() < 0) {
            throw new IllegalStateException("this zone has no plain API listener: it serves only its link");
        }
        boolean wildcard = host.equals("0.0.0.0") || host.equals("::") || host.equals("[::]");
        String name = wildcard ? "127.0.0.1" : host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host;
        return URI.create("http://" + name + ":" + port() + "/v1");
    }

    /** Tenants and API keys. */
    public TenantDirectory tenants() {
        return tenants;
    }

    /** Usage records. */
    public UsageMeter usage() {
        return usage;
    }

    /** The served model. */
    public ServedModel model() {
        return model;
    }

    /** The served model's scheduler. */
    public BatchScheduler scheduler() {
        return scheduler;
    }

    /**
     * Stops the scheduler first, so running streams end at once (with an error event) and new requests get a
     * 503, then the listeners, the model and the database.
     */
    @Override
    public void close() {
        scheduler.close();
        server.stop();
        model.model().close();
        if (limiter instanceof AutoCloseable c) {
            closeQuietly(c);
        }
        database.close();
        closeQuietly(evidence);
        egress.unregister();
    }

    /** The admin listener's bearer token. */
    public String adminToken() {
        return adminToken;
    }

    /** The zone's one way out. */
    public EgressGuard egress() {
        return egress;
    }

    /** The transfer log, its checkpoints and receipts. */
    public TransferEvidence evidence() {
        return evidence;
    }

    private static void closeQuietly(AutoCloseable c) {
        try {
            c.close();
        } catch (Exception ignored) {
            // Shutting down: nothing left to do with a failure to close a client.
        }
    }
}

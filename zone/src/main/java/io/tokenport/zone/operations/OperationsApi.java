package io.tokenport.zone.operations;

import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.tokenport.zone.batching.BatchScheduler;
import io.tokenport.zone.egress.EgressGuard;

import java.nio.charset.StandardCharsets;
import java.util.Collection;

/**
 * Routes of the admin listener, on its own port so that the operator's scraper and probes never share the
 * customers' listener: {@code /metrics} (Prometheus text), {@code /health} (the process answers) and
 * {@code /ready} (every model's scheduler is running, so requests can be served), and the operator's diagnostic
 * {@code POST /egress/probe?host=HOST&port=PORT} ("can the zone reach it?", see {@link EgressProbe}), answered
 * with {@code {"destination", "allowed", "connected", "detail"}}; a refused probe is recorded like any refused
 * outbound connection.
 *
 * <p>Like every listener of the zone it is authenticated: each request must carry
 * {@code Authorization: Bearer <admin token>} (Prometheus' {@code authorization} setting and Kubernetes probes'
 * {@code httpHeaders} both send one). The token is compared in constant time and never logged.
 */
public final class OperationsApi {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final ZoneMetrics metrics;
    private final Collection<BatchScheduler> schedulers;
    private final EgressProbe egressProbe;
    private final byte[] expectedAuthorization;

    /**
     * Serves {@code metrics} to holders of {@code adminToken}; ready while every scheduler in {@code schedulers}
     * runs; probes go out through {@code egress}.
     */
    public OperationsApi(ZoneMetrics metrics, Collection<BatchScheduler> schedulers, EgressGuard egress,
                         String adminToken) {
        this.metrics = metrics;
        this.schedulers = schedulers;
        this.egressProbe = new EgressProbe(egress);
        this.expectedAuthorization = ("Bearer " + adminToken).getBytes(StandardCharsets.UTF_8);
    }

    /** Adds the routes to the admin listener's {@code routing}. */
    public void register(HttpRouting.Builder routing) {
        routing.addFilter((chain, req, res) -> {
            String presented = req.headers().first(HeaderNames.AUTHORIZATION).orElse("");
            if (java.security.MessageDigest.isEqual(presented.getBytes(StandardCharsets.UTF_8), expectedAuthorization)) {
                chain.proceed();
            } else {
                res.header(HeaderNames.WWW_AUTHENTICATE, "Bearer");
                json(res, 401, "{\"error\":{\"message\":\"The admin listener needs Authorization: Bearer <admin token>.\","
                        + "\"type\":\"invalid_request_error\",\"param\":null,\"code\":\"invalid_admin_token\"}}");
            }
        });
        routing.get("/metrics", (req, res) -> {
            res.header(HeaderNames.CONTENT_TYPE, "text/plain; version=0.0.4; charset=utf-8");
            res.send(metrics.scrape().getBytes(StandardCharsets.UTF_8));
        }).get("/health", (req, res) -> json(res, 200, "{\"status\":\"UP\"}"))
                .get("/ready", (req, res) -> {
                    boolean ready = schedulers.stream().allMatch(BatchScheduler::running);
                    json(res, ready ? 200 : 503, ready ? "{\"status\":\"READY\"}" : "{\"status\":\"NOT_READY\"}");
                })
                .post("/egress/probe", this::probeEgress);
    }

    private void probeEgress(ServerRequest req, ServerResponse res) {
        String host = req.query().first("host").asOptional().orElse("");
        String port = req.query().first("port").asOptional().orElse("");
        EgressGuard.Destination destination;
        try {
            destination = new EgressGuard.Destination(host, Integer.parseInt(port));
        } catch (IllegalArgumentException e) {
            ObjectNode error = JSON.createObjectNode();
            ObjectNode body = error.putObject("error");
            body.put("message", "POST /egress/probe?host=HOST&port=PORT takes a host name or address and a port from"
                    + " 1 to 65535, got host=\"" + host + "\" port=\"" + port + "\"");
            body.put("type", "invalid_request_error");
            body.putNull("param");
            body.put("code", "invalid_egress_destination");
            json(res, 400, error.toString());
            return;
        }
        EgressProbe.Result result = egressProbe.probe(destination);
        ObjectNode answer = JSON.createObjectNode();
        answer.put("destination", result.destination().toString());
        answer.put("allowed", result.allowed());
        answer.put("connected", result.connected());
        answer.put("detail", result.detail());
        json(res, 200, answer.toString());
    }

    private static void json(ServerResponse res, int status, String body) {
        res.status(Status.create(status));
        res.header(HeaderNames.CONTENT_TYPE, "application/json");
        res.send(body.getBytes(StandardCharsets.UTF_8));
    }
}

package io.tokenport.zone.operations;

import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRouting;
import io.tokenport.zone.batching.BatchScheduler;

import java.nio.charset.StandardCharsets;
import java.util.Collection;

/**
 * Routes of the admin listener, on its own port so that the operator's scraper and probes never share the
 * customers' listener: {@code /metrics} (Prometheus text), {@code /health} (the process answers) and
 * {@code /ready} (every model's scheduler is running, so requests can be served).
 *
 * <p>Like every listener of the zone it is authenticated: each request must carry
 * {@code Authorization: Bearer <admin token>} (Prometheus' {@code authorization} setting and Kubernetes probes'
 * {@code httpHeaders} both send one). The token is compared in constant time and never logged.
 */
public final class OperationsApi {
    private final ZoneMetrics metrics;
    private final Collection<BatchScheduler> schedulers;
    private final byte[] expectedAuthorization;

    /** Serves {@code metrics} to holders of {@code adminToken}; ready while every scheduler in {@code schedulers} runs. */
    public OperationsApi(ZoneMetrics metrics, Collection<BatchScheduler> schedulers, String adminToken) {
        this.metrics = metrics;
        this.schedulers = schedulers;
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
                });
    }

    private static void json(io.helidon.webserver.http.ServerResponse res, int status, String body) {
        res.status(Status.create(status));
        res.header(HeaderNames.CONTENT_TYPE, "application/json");
        res.send(body.getBytes(StandardCharsets.UTF_8));
    }
}

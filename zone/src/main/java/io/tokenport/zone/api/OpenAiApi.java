package io.tokenport.zone.api;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.helidon.webserver.http.HttpRouting;
import io.tokenport.zone.admission.RateLimiter;
import io.tokenport.zone.auth.TenantDirectory;
import io.tokenport.zone.evidence.TransferEvidence;
import io.tokenport.zone.screening.PersonalDataScreener;
import io.tokenport.zone.metering.UsageMeter;
import io.tokenport.zone.models.ModelDeployment;
import io.tokenport.zone.operations.ZoneMetrics;

import java.time.InstantSource;
import java.util.Map;

/**
 * The OpenAI-compatible routes under {@code /v1}, and the error handling that keeps every answer, even to a
 * request the routes do not know, in OpenAI's JSON error shape.
 */
public final class OpenAiApi {
    private static final System.Logger LOG = System.getLogger(OpenAiApi.class.getName());

    private final ModelsEndpoint models;
    private final CompletionsEndpoint completions;
    private final ObjectMapper json;
    private final Replies replies;
    private final EvidenceEndpoint evidence;
    private final ActiveStreams activeStreams = new ActiveStreams();

    /**
     * @param maxBodyBytes the largest request body accepted; larger ones get a 413
     */
    public OpenAiApi(TenantDirectory tenants, Map<String, ModelDeployment> deployments, UsageMeter meter,
                     RateLimiter limiter, ZoneMetrics metrics, TransferEvidence evidence,
                     PersonalDataScreener screener, long maxBodyBytes, InstantSource clock) {
        this.json = new ObjectMapper().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
        BearerAuth auth = new BearerAuth(tenants);
        this.replies = new Replies(evidence, clock, json.getFactory());
        this.models = new ModelsEndpoint(auth, deployments, json.getFactory(), replies);
        this.evidence = new EvidenceEndpoint(auth, evidence, json.getFactory(), replies);
        this.completions = new CompletionsEndpoint(auth, deployments, meter, limiter, metrics, replies, screener,
                activeStreams, json, maxBodyBytes, clock);
    }

    /** The generations of requests that came over the link, for cancellation by the edge that forwarded them. */
    public ActiveStreams activeStreams() {
        return activeStreams;
    }

    /** Adds the routes to {@code routing}. */
    public void register(HttpRouting.Builder routing) {
        routing.get("/v1/models", models::list)
                .get("/v1/models/{model}", models::get)
                .post("/v1/chat/completions", completions::chat)
                .post("/v1/completions", completions::completions)
                .get("/v1/evidence/checkpoint", evidence::checkpoint)
                .get("/v1/evidence/inclusion", evidence::inclusion)
                .get("/v1/evidence/consistency", evidence::consistency)
                .any((req, res) -> replies.error(res, replies.begin(req), new ApiException(404,
                        "invalid_request_error", "Unknown request URL: " + req.prologue().method().text() + " "
                        + req.path().path() + ".", null, "unknown_url")))
                .error(Throwable.class, (req, res, t) -> {
                    // A bug, not bad input: log it (no request content) and answer in the usual shape.
                    LOG.log(System.Logger.Level.ERROR, "unexpected error on " + req.path().path(), t);
                    if (!res.isSent()) {
                        ErrorResponses.send(res, json.getFactory(),
                                ApiException.internal("The server had an error while processing your request."));
                    }
                });
    }
}

package io.tokenport.zone.api;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.CloseConnectionException;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.tokenport.engine.generate.FinishReason;
import io.tokenport.engine.generate.GenerationRequest;
import io.tokenport.engine.generate.LoadedModel;
import io.tokenport.engine.sampling.SamplingParams;
import io.tokenport.http.ClientHangUp;
import io.tokenport.http.HangUpWatch;
import io.tokenport.link.attestation.OriginAttestation;
import io.tokenport.zone.admission.RateLimitExceededException;
import io.tokenport.zone.admission.RateLimiter;
import io.tokenport.zone.auth.Caller;
import io.tokenport.zone.batching.GenerationStream;
import io.tokenport.zone.batching.SchedulerFullException;
import io.tokenport.zone.evidence.Exchange;
import io.tokenport.zone.screening.PersonalDataScreener;
import io.tokenport.zone.screening.ScreeningVerdict;
import io.tokenport.engine.chat.ChatMessage;
import io.tokenport.zone.metering.UsageMeter;
import io.tokenport.zone.models.ModelDeployment;
import io.tokenport.zone.operations.ZoneMetrics;

import java.io.IOException;
import java.io.OutputStream;
import java.time.InstantSource;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/**
 * {@code POST /v1/chat/completions} and {@code POST /v1/completions}: check the request, queue it to the model's
 * scheduler, and answer with one JSON body or a stream of server-sent events.
 *
 * <p>Phases of a request: authenticate, read the body (size-limited), parse, resolve the model, tokenize and
 * check the context window, check the key's rate limits, submit, relay the output, meter. Every request that reached the scheduler gets
 * exactly one usage record, whether it finished, was cancelled by its client's disconnect, or failed.
 */
final class CompletionsEndpoint {
    private static final System.Logger LOG = System.getLogger(CompletionsEndpoint.class.getName());
    /** OpenAI's default for the legacy completions endpoint. */
    private static final int COMPLETIONS_DEFAULT_MAX_TOKENS = 16;
    /** How long a stream may be silent (queued, or tokens without text yet) before its client is probed. */
    private static final long KEEP_ALIVE_NANOS = java.util.concurrent.TimeUnit.MILLISECONDS.toNanos(500);

    private final BearerAuth auth;
    private final Map<String, ModelDeployment> models;
    private final UsageMeter meter;
    private final RateLimiter limiter;
    private final ZoneMetrics metrics;
    private final CompletionParser parser;
    private final JsonFactory factory;
    private final long maxBodyBytes;
    private final InstantSource clock;
    private final Replies replies;
    private final PersonalDataScreener screener;
    private final ActiveStreams active;

    CompletionsEndpoint(BearerAuth auth, Map<String, ModelDeployment> models, UsageMeter meter, RateLimiter limiter,
                        ZoneMetrics metrics, Replies replies, PersonalDataScreener screener, ActiveStreams active,
                        ObjectMapper json, long maxBodyBytes, InstantSource clock) {
        this.active = active;
        this.replies = replies;
        this.screener = screener;
        this.metrics = metrics;
        this.auth = auth;
        this.models = models;
        this.meter = meter;
        this.limiter = limiter;
        this.parser = new CompletionParser(json);
        this.factory = json.getFactory();
        this.maxBodyBytes = maxBodyBytes;
        this.clock = clock;
    }

    void chat(ServerRequest req, ServerResponse res) {
        handle(req, res, true);
    }

    void completions(ServerRequest req, ServerResponse res) {
        handle(req, res, false);
    }

    private void handle(ServerRequest req, ServerResponse res, boolean chat) {
        Exchange exchange = replies.begin(req);
        try {
            // The body first, so that even a refused request's record holds its hash and size.
            byte[] body = RequestBody.read(req, maxBodyBytes);
            exchange.requestBody(body);
            Caller caller = auth.authenticate(req);
            exchange.tenant(caller.tenantId());
            CompletionParams params = parser.parse(body, chat);
            screen(params, exchange);
            ModelDeployment deployment = models.get(params.model());
            if (deployment == null) {
                throw ApiException.modelNotFound(params.model());
            }
            exchange.model(deployment.model().sha256());
            GenerationRequest request = generationRequest(params, deployment);
            exchange.tokens(request.promptIds().length, 0);
            try {
                limiter.admit(caller.keyId(), caller.limits(), request.promptIds().length);
            } catch (RateLimitExceededException e) {
                throw ApiException.rateLimited(e.limit(), e.getMessage(), e.retryAfterSeconds());
            }
            GenerationStream stream;
            try {
                stream = deployment.scheduler().submit(caller.tenantId(), request);
            } catch (SchedulerFullException e) {
                limiter.refund(caller.keyId(), caller.limits(), request.promptIds().length);
                throw ApiException.overloaded(e.getMessage());
            }
            CompletionJson out = new CompletionJson(factory, chat, (chat ? "chatcmpl-" : "cmpl-") + exchange.requestId(),
                    clock.instant().getEpochSecond(), params.model(), deployment.model().systemFingerprint());
            Metering metering = new Metering(caller, params.model(), chat ? "chat.completions" : "completions");
            // From here until the answer is produced, a client that goes away cancels the generation: an HTTP/1.1
            // client by hanging up (ClientHangUp), one behind an edge by the edge's word (ActiveStreams).
            String nonce = attestedNonce(req);
            if (nonce != null) {
                active.add(nonce, exchange.edgeId(), stream);
            }
            try (HangUpWatch _ = ClientHangUp.watch(stream::cancel)) {
                if (params.stream()) {
                    relayStream(res, stream, out, params, metering, exchange);
                } else {
                    relayWhole(res, stream, out, metering, exchange);
                }
            } finally {
                if (nonce != null) {
                    active.remove(nonce);
                }
            }
        } catch (ApiException e) {
            metrics.requestRefused(e.status());
            replies.error(res, exchange, e);
        } finally {
            if (!exchange.finished()) {
                // Only an unexpected failure gets here (the error handler answers it): still one record.
                exchange.refused("internal_error");
                finishQuietly(exchange);
            }
        }
    }

    /** The nonce of the request's origin attestation (hex), or null off the link. */
    private static String attestedNonce(ServerRequest req) {
        return req.context().get(OriginAttestation.class, OriginAttestation.class)
                .map(OriginAttestation::nonceHex).orElse(null);
    }

    private static void finishQuietly(Exchange exchange) {
        try {
            exchange.finish();
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.ERROR, "transfer record of request " + exchange.requestId()
                    + " could not be written", e);
        }
    }

    /**
     * The domestic personal information gate (CAC 2024 Provisions, Art. 4): the request's text is screened before
     * any token is produced; a hit refuses it, saying what kind of data was found and never echoing it.
     */
    private void screen(CompletionParams p, Exchange exchange) {
        List<String> texts = p.chat() ? p.messages().stream().map(ChatMessage::content).toList() : List.of(p.prompt());
        ScreeningVerdict verdict = screener.screen(texts);
        exchange.screened(verdict.clean(), HexFormat.of().parseHex(verdict.rulesHash()));
        if (verdict.refused()) {
            throw new ApiException(400, "invalid_request_error", verdict.message(), p.chat() ? "messages" : "prompt",
                    ScreeningVerdict.ERROR_CODE);
        }
    }

    /** Tokenizes the prompt and checks every value that depends on the model. */
    private GenerationRequest generationRequest(CompletionParams p, ModelDeployment deployment) {
        LoadedModel model = deployment.model().model();
        String promptParam = p.chat() ? "messages" : "prompt";
        int[] prompt = p.chat()
                ? model.encodeChat(deployment.model().template(), p.messages())
                : model.encodePrompt(p.prompt());
        if (prompt.length == 0) {
            throw ApiException.invalid(promptParam, "the prompt is empty: it encodes to no tokens");
        }
        int window = model.contextLength();
        int room = window - prompt.length;
        Integer asked = p.maxTokens();
        int maxTokens = asked != null ? asked
                : p.chat() ? room : Math.min(COMPLETIONS_DEFAULT_MAX_TOKENS, room);
        if (room < 1 || maxTokens > room) {
            throw ApiException.invalid(promptParam, "context_length_exceeded", "This model's maximum context length"
                    + " is " + window + " tokens. However, you requested " + ((long) prompt.length + Math.max(1,
                    maxTokens)) + " tokens (" + prompt.length + " in the " + promptParam + ", " + Math.max(1, maxTokens)
                    + " in the completion). Please reduce the length of the " + promptParam + " or completion.");
        }
        int vocab = model.tokenizer().vocabSize();
        for (int token : p.logitBias().keySet()) {
            if (token < 0 || token >= vocab) {
                throw ApiException.invalid("logit_bias", "logit_bias names token " + token + ", outside this model's"
                        + " vocabulary of " + vocab + " tokens");
            }
        }
        SamplingParams sampling;
        try {
            SamplingParams.Builder b = SamplingParams.builder().logitBias(p.logitBias());
            if (p.temperature() != null) {
                b.temperature(p.temperature());
            }
            if (p.topP() != null) {
                b.topP(p.topP());
            }
            if (p.seed() != null) {
                b.seed(p.seed());
            }
            if (p.presencePenalty() != null) {
                b.presencePenalty(p.presencePenalty());
            }
            if (p.frequencyPenalty() != null) {
                b.frequencyPenalty(p.frequencyPenalty());
            }
            sampling = b.build();
        } catch (IllegalArgumentException e) {
            // The engine's messages start with the parameter's OpenAI name: "top_p must be ...".
            String message = e.getMessage();
            int space = message.indexOf(' ');
            throw ApiException.invalid(space > 0 ? message.substring(0, space) : null, message);
        }
        return new GenerationRequest(prompt, sampling, maxTokens, p.stop(), false);
    }

    private void relayWhole(ServerResponse res, GenerationStream stream, CompletionJson out, Metering metering,
                            Exchange exchange) {
        StringBuilder text = new StringBuilder();
        try {
            while (!stream.awaitOutput(text)) {
                // Collect until the end.
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            stream.cancel();
        }
        awaitEndQuietly(stream);
        if (stream.finishReason() == FinishReason.CANCELLED) {
            throw unanswered(stream, metering, exchange);
        }
        exchange.tokens(stream.promptTokens(), stream.completionTokens());
        String reason = metering.record(stream);
        if (stream.failure() != null) {
            throw ApiException.internal("The server could not complete the generation; the request was not"
                    + " charged for more than it produced. Retry it.");
        }
        replies.json(res, exchange, 200,
                out.response(text.toString(), reason, stream.promptTokens(), stream.completionTokens()));
    }

    private void relayStream(ServerResponse res, GenerationStream stream, CompletionJson out, CompletionParams p,
                             Metering metering, Exchange exchange) {
        res.status(Status.OK_200);
        res.header(HeaderNames.CONTENT_TYPE, "text/event-stream");
        res.header(HeaderNames.CACHE_CONTROL, "no-cache");
        boolean usageNull = p.includeUsage();
        StringBuilder text = new StringBuilder();
        try (OutputStream body = exchange.counting(res.outputStream())) {
            SseWriter sse = new SseWriter(body);
            if (p.chat()) {
                sse.event(out.chunk(true, "", null, usageNull));
            }
            boolean ended = false;
            while (!ended) {
                text.setLength(0);
                ended = stream.awaitOutput(text, KEEP_ALIVE_NANOS);
                if (!text.isEmpty()) {
                    sse.event(out.chunk(false, text.toString(), null, usageNull));
                } else if (!ended) {
                    sse.keepAlive();
                }
            }
            if (stream.finishReason() == FinishReason.CANCELLED) {
                throw unanswered(stream, metering, exchange);
            }
            // Metered before the last events, so a client that has read [DONE] finds its usage recorded.
            exchange.tokens(stream.promptTokens(), stream.completionTokens());
            String reason;
            try {
                reason = metering.record(stream);
            } catch (ApiException e) {
                sse.event(ErrorResponses.body(factory, e));
                finishStream(sse, exchange);
                return;
            }
            if (stream.failure() != null) {
                sse.event(ErrorResponses.body(factory, ApiException.internal(
                        "The server could not complete the generation. Retry the request.")));
            } else {
                sse.event(out.chunk(false, null, reason, usageNull));
                if (p.includeUsage()) {
                    sse.event(out.usageChunk(stream.promptTokens(), stream.completionTokens()));
                }
            }
            finishStream(sse, exchange);
        } catch (IOException e) {
            // A write failed: the client went away.
            throw unanswered(stream, metering, exchange);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw unanswered(stream, metering, exchange);
        }
    }

    /**
     * Ends a request whose client went away (it hung up, or its edge said so) before its answer: the generation is
     * stopped (its sequence and KV cache freed), the usage and the transfer record are written, and nothing more is
     * sent. The returned exception, thrown out of the handler, makes Helidon close the HTTP/1.1 connection or reset
     * the HTTP/2 stream without an answer. A failure to record was logged and has no one to tell.
     */
    private static CloseConnectionException unanswered(GenerationStream stream, Metering metering,
                                                       Exchange exchange) {
        stream.cancel();
        awaitEndQuietly(stream);
        try {
            metering.record(stream);
        } catch (ApiException e) {
            // Logged by Metering.record.
        }
        exchange.tokens(stream.promptTokens(), stream.completionTokens());
        finishQuietly(exchange);
        return new CloseConnectionException("the client of request " + exchange.requestId() + " went away");
    }

    /**
     * Ends a stream: its transfer record is written, and its receipt sent as an SSE comment (which OpenAI clients
     * ignore) before {@code [DONE]}. The record's response hash covers every byte before the receipt.
     */
    private void finishStream(SseWriter sse, Exchange exchange) throws IOException {
        io.tokenport.audit.Receipt receipt;
        try {
            receipt = exchange.finish();
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.ERROR, "transfer record of request " + exchange.requestId()
                    + " could not be written", e);
            sse.event(ErrorResponses.body(factory, ApiException.internal(
                    "The zone could not record this request. Do not rely on its output; retry it.")));
            sse.done();
            return;
        }
        sse.comment(receipt.sseComment());
        sse.done();
    }

    private static void awaitEndQuietly(GenerationStream stream) {
        boolean interrupted = false;
        while (true) {
            try {
                stream.awaitEnd();
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    /** Writes a request's one usage record, once. */
    private final class Metering {
        private final Caller caller;
        private final String model;
        private final String endpoint;
        private boolean recorded;

        Metering(Caller caller, String model, String endpoint) {
            this.caller = caller;
            this.model = model;
            this.endpoint = endpoint;
        }

        /** Records the ended stream's usage (once) and returns its finish reason's API name. */
        String record(GenerationStream stream) {
            String reason = stream.finishReason() == null ? "error" : stream.finishReason().apiName();
            if (!recorded) {
                recorded = true;
                limiter.charge(caller.keyId(), caller.limits(), stream.completionTokens());
                metrics.requestEnded(model, endpoint, reason, stream.promptTokens(), stream.completionTokens(),
                        stream.timeToFirstTokenMicros(), stream.timePerOutputTokenMicros());
                try {
                    meter.record(caller.tenantId(), caller.keyId(), model, endpoint, stream.promptTokens(),
                            stream.completionTokens(), stream.timeToFirstTokenMicros(),
                            stream.timePerOutputTokenMicros(), reason);
                } catch (RuntimeException e) {
                    LOG.log(System.Logger.Level.ERROR, "usage record for tenant " + caller.tenantId() + " key "
                            + caller.keyId() + " was not stored", e);
                    throw ApiException.internal("The usage of this request could not be recorded; it was not"
                            + " served. Retry it.");
                }
            }
            return reason;
        }
    }
}

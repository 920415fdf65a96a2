package io.tokenport.zone.operations;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.tokenport.zone.batching.BatchScheduler;

import java.time.Duration;

/**
 * The zone's Prometheus metrics: requests and tokens, time to first token and per output token, and the state of
 * each model's scheduler. Only counts and durations: no label ever carries request content or a key.
 *
 * <p>Names as scraped: {@code tokenport_requests_total{model,endpoint,finish_reason}},
 * {@code tokenport_request_errors_total{status}}, {@code tokenport_prompt_tokens_total{model}},
 * {@code tokenport_completion_tokens_total{model}}, {@code tokenport_time_to_first_token_seconds} and
 * {@code tokenport_time_per_output_token_seconds} (histograms), {@code tokenport_active_sequences{model}},
 * {@code tokenport_queued_requests{model}}, {@code tokenport_kv_cache_bytes{model}}.
 */
public final class ZoneMetrics {
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);

    /** Publishes gauges of {@code scheduler}'s running and waiting requests and KV cache use. */
    public void watch(String model, BatchScheduler scheduler) {
        Gauge.builder("tokenport.active.sequences", scheduler, BatchScheduler::activeSequences)
                .description("Sequences in the running batch").tag("model", model).register(registry);
        Gauge.builder("tokenport.queued.requests", scheduler, BatchScheduler::queuedRequests)
                .description("Requests waiting to join the batch").tag("model", model).register(registry);
        Gauge.builder("tokenport.kv.cache.bytes", scheduler, BatchScheduler::kvCacheBytes)
                .description("KV cache held by running sequences").tag("model", model).register(registry);
    }

    /** Counts a request that reached the scheduler, once it has ended. Durations of -1 are not recorded. */
    public void requestEnded(String model, String endpoint, String finishReason, int promptTokens,
                             int completionTokens, long timeToFirstTokenMicros, long timePerOutputTokenMicros) {
        Counter.builder("tokenport.requests").description("Requests served, by how they ended")
                .tags("model", model, "endpoint", endpoint, "finish_reason", finishReason).register(registry)
                .increment();
        Counter.builder("tokenport.prompt.tokens").description("Prompt tokens, counted by the zone's tokenizer")
                .tag("model", model).register(registry).increment(promptTokens);
        Counter.builder("tokenport.completion.tokens").description("Tokens generated")
                .tag("model", model).register(registry).increment(completionTokens);
        if (timeToFirstTokenMicros >= 0) {
            latency("tokenport.time.to.first.token", "From arrival to the first generated token")
                    .record(Duration.ofNanos(timeToFirstTokenMicros * 1000));
        }
        if (timePerOutputTokenMicros >= 0) {
            latency("tokenport.time.per.output.token", "Mean time between generated tokens of a request")
                    .record(Duration.ofNanos(timePerOutputTokenMicros * 1000));
        }
    }

    /** Counts a refused request by its HTTP status. */
    public void requestRefused(int status) {
        Counter.builder("tokenport.request.errors").description("Requests answered with an error, by status")
                .tag("status", Integer.toString(status)).register(registry).increment();
    }

    /** Counts an outbound connection the egress guard refused. */
    public void egressRefused() {
        Counter.builder("tokenport.egress.refused").description("Outbound connections refused by the egress allow-list")
                .register(registry).increment();
    }

    private Timer latency(String name, String description) {
        return Timer.builder(name).description(description).publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofMillis(1)).maximumExpectedValue(Duration.ofSeconds(60))
                .register(registry);
    }

    /** Counts a request refused at the link's ingress, by reason code ({@code stale}, {@code replayed}, ...). */
    public void ingressRefused(String reason) {
        Counter.builder("tokenport_ingress_refusals").description("Requests refused at the link ingress")
                .tag("reason", reason).register(registry).increment();
    }

    /** The Prometheus text exposition of every metric. */
    public String scrape() {
        return registry.scrape();
    }
}

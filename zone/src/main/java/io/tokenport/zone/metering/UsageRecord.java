package io.tokenport.zone.metering;

import java.time.Instant;

/**
 * One served request, finished or cancelled: what was produced, how fast, and what it costs.
 *
 * @param id                    the record's id
 * @param tenantId              who was served
 * @param keyId                 with which key
 * @param model                 the model id as requested
 * @param endpoint              {@code chat.completions} or {@code completions}
 * @param promptTokens          prompt tokens, counted by the zone's tokenizer
 * @param completionTokens      generated tokens, counted by the zone
 * @param timeToFirstTokenUs    from the request's arrival to its first token, or -1 if none was produced
 * @param timePerOutputTokenUs  mean time between generated tokens after the first, or -1 with fewer than two
 * @param finishReason          {@code stop}, {@code length}, {@code cancelled} or {@code error}
 * @param priceMicroUsd         the price, in integer micro-USD
 * @param createdAt             when the request ended
 */
public record UsageRecord(String id, String tenantId, String keyId, String model, String endpoint, int promptTokens,
                          int completionTokens, long timeToFirstTokenUs, long timePerOutputTokenUs,
                          String finishReason, long priceMicroUsd, Instant createdAt) {
}

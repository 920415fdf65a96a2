package io.tokenport.zone.metering;

import java.time.LocalDate;

/**
 * One tenant's usage of one model on one UTC day.
 *
 * @param day              the day (UTC)
 * @param model            the model id
 * @param requests         requests that ended that day, whatever their finish reason
 * @param promptTokens     prompt tokens, counted by the zone
 * @param completionTokens generated tokens, counted by the zone
 * @param cancelled        requests whose client went away before the end
 * @param priceMicroUsd    what they cost, in micro-USD
 */
public record UsageSummary(LocalDate day, String model, long requests, long promptTokens, long completionTokens,
                           long cancelled, long priceMicroUsd) {
}

package io.tokenport.zone.auth;

import java.time.Instant;

/**
 * An overseas organisation that buys tokens.
 *
 * @param id           the zone's id for it
 * @param name         its unique name
 * @param jurisdiction its country, as an ISO 3166 alpha-2 code
 * @param createdAt    when it was registered
 */
public record Tenant(String id, String name, String jurisdiction, Instant createdAt) {
}

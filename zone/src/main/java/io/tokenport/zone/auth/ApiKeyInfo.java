package io.tokenport.zone.auth;

import io.tokenport.zone.admission.KeyLimits;

import java.time.Instant;

/**
 * What the zone keeps about an API key: never the key itself.
 *
 * @param id        the key's id (shown in listings and usage records)
 * @param tenantId  the tenant it belongs to
 * @param createdAt when it was issued
 * @param revokedAt when it was revoked, or null while it is valid
 * @param limits    its rate limits
 */
public record ApiKeyInfo(String id, String tenantId, Instant createdAt, Instant revokedAt, KeyLimits limits) {

    /** Whether the key has been revoked. */
    public boolean revoked() {
        return revokedAt != null;
    }
}

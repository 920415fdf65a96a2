package io.tokenport.zone.auth;

import io.tokenport.zone.admission.KeyLimits;

/**
 * Who sent a request, once its bearer key checked out.
 *
 * @param tenantId   the tenant the key belongs to
 * @param tenantName its name
 * @param keyId      the key's id
 * @param limits     the key's rate limits
 */
public record Caller(String tenantId, String tenantName, String keyId, KeyLimits limits) {
}

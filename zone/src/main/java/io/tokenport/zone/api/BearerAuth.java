package io.tokenport.zone.api;

import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.ServerRequest;
import io.tokenport.zone.auth.Caller;
import io.tokenport.zone.auth.TenantDirectory;

/** Finds the caller of a request from its {@code Authorization: Bearer} key. Messages never repeat the key. */
final class BearerAuth {
    private static final String SCHEME = "Bearer ";

    private final TenantDirectory tenants;

    BearerAuth(TenantDirectory tenants) {
        this.tenants = tenants;
    }

    Caller authenticate(ServerRequest request) {
        String header = request.headers().first(HeaderNames.AUTHORIZATION).orElse(null);
        if (header == null || header.isBlank()) {
            throw ApiException.invalidApiKey("You didn't provide an API key. You need to provide your API key in an"
                    + " Authorization header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY).");
        }
        if (!header.regionMatches(true, 0, SCHEME, 0, SCHEME.length())) {
            throw ApiException.invalidApiKey("The Authorization header must use the Bearer scheme"
                    + " (Authorization: Bearer YOUR_KEY).");
        }
        String key = header.substring(SCHEME.length()).strip();
        return tenants.authenticate(key).orElseThrow(() -> ApiException.invalidApiKey(
                "Incorrect API key provided. Check the key, or ask the zone operator for a new one."));
    }
}

package io.tokenport.zone.api;

import io.helidon.webserver.http.ServerRequest;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/** Reads a request body, refusing one over the configured limit before reading it where the length is declared. */
final class RequestBody {
    private RequestBody() {
    }

    static byte[] read(ServerRequest request, long limit) {
        var declared = request.headers().contentLength();
        if (declared.isPresent() && declared.getAsLong() > limit) {
            throw ApiException.tooLarge(limit);
        }
        if (!request.content().hasEntity()) {
            return new byte[0];
        }
        // A chunked body declares no length: read one byte past the limit to know.
        try (InputStream in = request.content().inputStream()) {
            byte[] body = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, limit + 1));
            if (body.length > limit) {
                throw ApiException.tooLarge(limit);
            }
            return body;
        } catch (IOException | UncheckedIOException e) {
            throw ApiException.invalid(null, "the request body could not be read: " + e.getMessage());
        }
    }
}

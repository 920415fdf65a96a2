package io.tokenport.edge;

import java.util.Locale;
import java.util.Set;

/**
 * Which headers the edge does not pass on. Hop-by-hop headers (RFC 9110, 7.6.1) describe one connection, not the
 * message; the JDK client sets {@code Host}, {@code Content-Length} and {@code Expect} itself and refuses them;
 * HTTP/2 pseudo-headers are not headers; and an attestation header from a client is dropped, so only the edge's
 * own ever reaches the zone.
 */
final class HopByHop {
    private static final Set<String> DROPPED = Set.of("connection", "keep-alive", "proxy-connection",
            "proxy-authenticate", "proxy-authorization", "te", "trailer", "transfer-encoding", "upgrade", "host",
            "content-length", "expect", "http2-settings", "tokenport-attestation");

    private HopByHop() {
    }

    /** True if header {@code name} is relayed. */
    static boolean relayed(String name) {
        return !name.startsWith(":") && !DROPPED.contains(name.toLowerCase(Locale.ROOT));
    }
}

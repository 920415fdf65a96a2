package io.tokenport.edge;

import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Which headers the edge does not pass on. Hop-by-hop headers (RFC 9110, 7.6.1) describe one connection, not the
 * message; the JDK client sets {@code Host}, {@code Content-Length} and {@code Expect} itself and refuses them;
 * HTTP/2 pseudo-headers are not headers; and an attestation header from a client is dropped, so only the edge's
 * own ever reaches the zone. Headers a Connection header names are hop-by-hop as well.
 */
final class HopByHop {
    private static final Set<String> DROPPED = Set.of("connection", "keep-alive", "proxy-connection",
            "proxy-authenticate", "proxy-authorization", "te", "trailer", "transfer-encoding", "upgrade", "host",
            "content-length", "expect", "http2-settings", "tokenport-attestation");

    private HopByHop() {
    }

    /** True if header {@code name} is relayed, given the header names the message's Connection header lists. */
    static boolean relayed(String name, Set<String> connectionOptions) {
        String lower = name.toLowerCase(Locale.ROOT);
        return !name.startsWith(":") && !DROPPED.contains(lower) && !connectionOptions.contains(lower);
    }

    /** The header names listed in Connection header values (RFC 9110, 7.6.1: hop-by-hop too), in lower case. */
    static Set<String> connectionOptions(List<String> connectionValues) {
        if (connectionValues.isEmpty()) {
            return Set.of();
        }
        Set<String> names = new HashSet<>();
        for (String value : connectionValues) {
            for (String token : value.split(",")) {
                String name = token.strip().toLowerCase(Locale.ROOT);
                if (!name.isEmpty()) {
                    names.add(name);
                }
            }
        }
        return names;
    }
}

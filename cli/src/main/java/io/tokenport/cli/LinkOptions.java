package io.tokenport.cli;

import io.tokenport.zone.ingress.LinkListener;
import picocli.CommandLine.Option;

import java.nio.file.Path;

/**
 * The zone's link listener options ({@code --link-port} and the files from {@code tokenport pki}): where edges
 * connect. Without {@code --link-port} the zone has no link listener.
 */
final class LinkOptions {
    @Option(names = "--link-port", paramLabel = "PORT",
            description = "Open the link listener for edges on this port (mutual TLS; 0 picks a free one).")
    Integer port;

    @Option(names = "--link-host", defaultValue = "0.0.0.0", paramLabel = "ADDR",
            description = "Address of the link listener (default: ${DEFAULT-VALUE}).")
    String host;

    @Option(names = "--link-cert", paramLabel = "FILE", description = "The zone's link certificate (zone.crt).")
    Path certificate;

    @Option(names = "--link-key", paramLabel = "FILE", description = "Its private key (zone.key).")
    Path key;

    @Option(names = "--link-ca", paramLabel = "FILE", description = "The link CA certificate (link-ca.crt).")
    Path authority;

    /** The listener asked for, or null if none. */
    LinkListener listener() {
        if (port == null) {
            if (certificate != null || key != null || authority != null) {
                throw new IllegalArgumentException("--link-cert, --link-key and --link-ca need --link-port");
            }
            return null;
        }
        if (certificate == null || key == null || authority == null) {
            throw new IllegalArgumentException("--link-port needs --link-cert, --link-key and --link-ca (files from "
                    + "'tokenport pki init-ca' and 'tokenport pki zone-cert')");
        }
        return LinkListener.of(host, port, certificate, key, authority);
    }
}

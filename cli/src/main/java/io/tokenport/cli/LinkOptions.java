package io.tokenport.cli;

import io.tokenport.link.attestation.AttestationVerifier;
import io.tokenport.link.attestation.JurisdictionPolicy;
import io.tokenport.zone.ingress.IngressRecorder;
import io.tokenport.zone.ingress.LinkListener;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

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

    @Option(names = "--link-allow", split = ",", paramLabel = "CC",
            description = "Serve only clients in these jurisdictions (ISO 3166 codes, comma-separated; default: any "
                    + "overseas one). CN (domestic) is never served.")
    List<String> allow = new ArrayList<>();

    @Option(names = "--link-deny", split = ",", paramLabel = "CC",
            description = "Never serve clients in these jurisdictions (besides CN, always refused).")
    List<String> deny = new ArrayList<>();

    @Option(names = "--link-edges", split = ",", paramLabel = "ID",
            description = "Accept only these edges (ids, comma-separated; default: every edge the link CA certified).")
    List<String> edges = new ArrayList<>();

    /** The URL edges give as --zone for a listener on {@code port} (a wildcard host named by loopback). */
    String url(int port) {
        String name = host.equals("0.0.0.0") || host.equals("::") ? "127.0.0.1" : host;
        return "https://" + name + ":" + port;
    }

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
        return new LinkListener(host, port, certificate, key, authority, AttestationVerifier.DEFAULT_SKEW,
                new JurisdictionPolicy(upper(allow), upper(deny)), Set.copyOf(edges), IngressRecorder.NONE);
    }

    private static Set<String> upper(List<String> codes) {
        Set<String> out = new HashSet<>();
        for (String code : codes) {
            out.add(code.strip().toUpperCase(Locale.ROOT));
        }
        return out;
    }
}

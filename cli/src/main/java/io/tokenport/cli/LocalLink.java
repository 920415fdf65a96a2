package io.tokenport.cli;

import io.tokenport.link.pki.LinkPki;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.InstantSource;
import java.util.List;

/**
 * The link of {@code tokenport up}'s local edge: a link CA, a zone certificate for 127.0.0.1 and the edge's
 * certificate, made once under the data directory and reused on later starts.
 */
final class LocalLink {
    private LocalLink() {
    }

    static LinkPki pki(Path dir, PrintWriter err) throws IOException {
        LinkPki pki = new LinkPki(dir, InstantSource.system(), new SecureRandom());
        if (!Files.exists(pki.caCertificate())) {
            pki.initAuthority("TokenPort local link CA");
            err.println("created the local link CA in " + dir);
        }
        if (!Files.exists(pki.zoneCertificate())) {
            pki.issueZone(List.of("localhost"), List.of(InetAddress.getLoopbackAddress()));
        }
        if (!Files.exists(pki.edgeCertificate(UpCommand.LOCAL_EDGE))) {
            pki.issueEdge(UpCommand.LOCAL_EDGE);
        }
        return pki;
    }
}

package io.tokenport.cli;

import io.tokenport.link.pki.LinkPki;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.net.InetAddress;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code tokenport pki init-ca|zone-cert|edge-cert}: the link's certificate authority, kept as PEM files in one
 * directory ({@link LinkPki}). Run it on the zone's side; copy {@code link-ca.crt} and an edge's two files to that
 * edge.
 */
@Command(name = "pki",
        mixinStandardHelpOptions = true,
        description = {"Manage the link's certificates: the link CA, the zone's certificate and",
                "one certificate per edge (Ed25519, PEM). Keys are written owner-only (0600);",
                "no file is ever overwritten."},
        subcommands = {PkiCommand.InitCa.class, PkiCommand.ZoneCert.class, PkiCommand.EdgeCert.class})
final class PkiCommand {

    static LinkPki pki(Path dir) {
        return new LinkPki(dir, InstantSource.system(), new SecureRandom());
    }

    static void report(picocli.CommandLine.Model.CommandSpec spec, X509Certificate cert, Path... files) {
        for (Path f : files) {
            spec.commandLine().getOut().println(f);
        }
        spec.commandLine().getOut().flush();
        spec.commandLine().getErr().printf("issued %s, valid until %s%n", cert.getSubjectX500Principal().getName(),
                cert.getNotAfter().toInstant());
        spec.commandLine().getErr().flush();
    }

    @Command(name = "init-ca", mixinStandardHelpOptions = true,
            description = "Create the link CA (link-ca.crt, link-ca.key) in DIR. Prints the files' paths.")
    static final class InitCa implements Callable<Integer> {
        @Spec
        picocli.CommandLine.Model.CommandSpec spec;

        @Option(names = "--dir", required = true, paramLabel = "DIR", description = "Directory of the CA's files.")
        Path dir;

        @Option(names = "--name", defaultValue = "TokenPort link CA", paramLabel = "NAME",
                description = "The CA's common name (default: ${DEFAULT-VALUE}).")
        String name;

        @Override
        public Integer call() throws Exception {
            LinkPki pki = pki(dir);
            X509Certificate ca = pki.initAuthority(name);
            report(spec, ca, pki.caCertificate(), pki.caKey());
            return 0;
        }
    }

    @Command(name = "zone-cert", mixinStandardHelpOptions = true,
            description = {"Issue the zone's link certificate (zone.crt, zone.key) for the names edges",
                    "dial: give each DNS name with --dns and each IP address with --ip."})
    static final class ZoneCert implements Callable<Integer> {
        @Spec
        picocli.CommandLine.Model.CommandSpec spec;

        @Option(names = "--dir", required = true, paramLabel = "DIR", description = "Directory of the CA's files.")
        Path dir;

        @Option(names = "--dns", paramLabel = "NAME", description = "A DNS name of the zone's link listener.")
        List<String> dns = new ArrayList<>();

        @Option(names = "--ip", paramLabel = "ADDR", description = "An IP address of the zone's link listener.")
        List<String> ips = new ArrayList<>();

        @Override
        public Integer call() throws Exception {
            List<InetAddress> addresses = new ArrayList<>();
            for (String ip : ips) {
                try {
                    addresses.add(InetAddress.ofLiteral(ip));
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException("--ip " + ip + " is not an IPv4 or IPv6 address");
                }
            }
            LinkPki pki = pki(dir);
            X509Certificate cert = pki.issueZone(dns, addresses);
            report(spec, cert, pki.zoneCertificate(), pki.zoneKey());
            return 0;
        }
    }

    @Command(name = "edge-cert", mixinStandardHelpOptions = true,
            description = {"Issue an edge's link certificate (edge-ID.crt, edge-ID.key); its CN is the",
                    "edge id, which its origin attestations name."})
    static final class EdgeCert implements Callable<Integer> {
        @Spec
        picocli.CommandLine.Model.CommandSpec spec;

        @Option(names = "--dir", required = true, paramLabel = "DIR", description = "Directory of the CA's files.")
        Path dir;

        @Option(names = "--edge-id", required = true, paramLabel = "ID",
                description = "The edge's id: lower-case letters, digits and hyphens, such as sg-1.")
        String edgeId;

        @Override
        public Integer call() throws Exception {
            LinkPki pki = pki(dir);
            X509Certificate cert = pki.issueEdge(edgeId);
            report(spec, cert, pki.edgeCertificate(edgeId), pki.edgeKey(edgeId));
            return 0;
        }
    }
}

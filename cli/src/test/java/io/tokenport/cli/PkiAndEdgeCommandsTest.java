package io.tokenport.cli;

import io.tokenport.link.pki.Pem;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.tokenport.zone.ingress.LinkListener;
import picocli.CommandLine;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@code tokenport pki ...} writing real files, and {@code tokenport edge} refusing what it must. */
class PkiAndEdgeCommandsTest {
    @TempDir
    Path dir;

    private AdminCommandsTest.Run run(String... args) {
        return AdminCommandsTest.run(Settings.none(), args);
    }

    @Test
    void pkiCreatesTheCaTheZoneAndAnEdgeCertificate() throws Exception {
        String pki = dir.resolve("pki").toString();
        AdminCommandsTest.Run ca = run("pki", "init-ca", "--dir", pki, "--name", "Test link CA");
        assertThat(ca.exit()).as(ca.err()).isZero();
        assertThat(ca.out()).contains("link-ca.crt", "link-ca.key");

        AdminCommandsTest.Run zone = run("pki", "zone-cert", "--dir", pki, "--dns", "zone.example", "--ip", "10.0.0.7");
        assertThat(zone.exit()).as(zone.err()).isZero();
        X509Certificate zoneCert = Pem.readCertificate(Path.of(pki, "zone.crt"));
        assertThat(zoneCert.getSubjectAlternativeNames()).hasSize(2);
        assertThat(zoneCert.getIssuerX500Principal().getName()).isEqualTo("CN=Test link CA");

        AdminCommandsTest.Run edge = run("pki", "edge-cert", "--dir", pki, "--edge-id", "sg-1");
        assertThat(edge.exit()).as(edge.err()).isZero();
        assertThat(edge.err()).contains("issued CN=sg-1");
        assertThat(Files.exists(Path.of(pki, "edge-sg-1.key"))).isTrue();
    }

    @Test
    void pkiMistakesGetOneLineErrors() {
        String pki = dir.resolve("pki").toString();
        AdminCommandsTest.Run noCa = run("pki", "edge-cert", "--dir", pki, "--edge-id", "sg-1");
        assertThat(noCa.exit()).isEqualTo(2);
        assertThat(noCa.err()).contains("no link CA in", "tokenport pki init-ca --dir");

        assertThat(run("pki", "init-ca", "--dir", pki).exit()).isZero();
        AdminCommandsTest.Run again = run("pki", "init-ca", "--dir", pki);
        assertThat(again.exit()).isEqualTo(2);
        assertThat(again.err()).contains("refusing to overwrite");

        AdminCommandsTest.Run badIp = run("pki", "zone-cert", "--dir", pki, "--ip", "zone.example");
        assertThat(badIp.exit()).isEqualTo(2);
        assertThat(badIp.err()).contains("--ip zone.example is not an IPv4 or IPv6 address");

        AdminCommandsTest.Run noNames = run("pki", "zone-cert", "--dir", pki);
        assertThat(noNames.exit()).isEqualTo(2);
        assertThat(noNames.err()).contains("at least one DNS name or IP address");

        AdminCommandsTest.Run badId = run("pki", "edge-cert", "--dir", pki, "--edge-id", "Singapore 1");
        assertThat(badId.exit()).isEqualTo(2);
        assertThat(badId.err()).contains("not an edge id");
        assertThat(badId.err()).doesNotContain("\tat ");
    }

    @Test
    void edgeRefusesPlainHttpOffLoopbackAndAnUnreachableZoneWithAReason() {
        String pki = dir.resolve("pki").toString();
        run("pki", "init-ca", "--dir", pki);
        run("pki", "edge-cert", "--dir", pki, "--edge-id", "sg-1");
        String[] link = {"--edge-id", "sg-1", "--jurisdiction", "sg", "--cert", pki + "/edge-sg-1.crt",
                "--key", pki + "/edge-sg-1.key", "--ca", pki + "/link-ca.crt", "--port", "0"};

        AdminCommandsTest.Run open = run(concat(new String[] {"edge", "--zone", "https://127.0.0.1:9",
                "--host", "0.0.0.0"}, link));
        assertThat(open.exit()).isEqualTo(2);
        assertThat(open.err()).contains("refusing to serve plain HTTP on 0.0.0.0");

        AdminCommandsTest.Run unreachable = run(concat(new String[] {"edge", "--zone", "https://127.0.0.1:9"}, link));
        assertThat(unreachable.exit()).isEqualTo(2);
        assertThat(unreachable.err()).contains("cannot open the link to the zone at https://127.0.0.1:9");

        AdminCommandsTest.Run plainZone = run(concat(new String[] {"edge", "--zone", "http://127.0.0.1:9"}, link));
        assertThat(plainZone.exit()).isEqualTo(2);
        assertThat(plainZone.err()).contains("must be https://HOST:PORT");
    }

    @Test
    void edgeRefusesALinkOfNoConnectionOrMoreThan64FromTheCommandLineOrTheEnvironment() {
        String pki = dir.resolve("pki").toString();
        run("pki", "init-ca", "--dir", pki);
        run("pki", "edge-cert", "--dir", pki, "--edge-id", "sg-1");
        // The zone is never dialled: the count is refused first.
        String[] edge = {"edge", "--zone", "https://127.0.0.1:9", "--edge-id", "sg-1", "--jurisdiction", "SG",
                "--cert", pki + "/edge-sg-1.crt", "--key", pki + "/edge-sg-1.key", "--ca", pki + "/link-ca.crt",
                "--port", "0"};

        for (String count : new String[] {"0", "65"}) {
            AdminCommandsTest.Run refused = run(concat(edge, new String[] {"--link-connections", count}));
            assertThat(refused.exit()).as(refused.err()).isEqualTo(2);
            assertThat(refused.err()).contains("the link to the zone needs 1 to 64 connections (--link-connections), "
                    + "got " + count).doesNotContain("\tat ");
        }

        AdminCommandsTest.Run fromEnvironment = AdminCommandsTest.run(Settings.load(edge,
                Map.of("TOKENPORT_LINK_CONNECTIONS", "65")), edge);
        assertThat(fromEnvironment.exit()).isEqualTo(2);
        assertThat(fromEnvironment.err()).contains("needs 1 to 64 connections (--link-connections), got 65");

        AdminCommandsTest.Run notANumber = run(concat(edge, new String[] {"--link-connections", "two"}));
        assertThat(notANumber.exit()).isEqualTo(2);
        assertThat(notANumber.err()).contains("--link-connections", "two");
    }

    @Test
    void edgeHelpDocumentsTheLinkConnections() {
        AdminCommandsTest.Run help = run("edge", "--help");
        assertThat(help.exit()).isZero();
        assertThat(help.out()).contains("--link-connections=N", "Connections to the zone, 1 to 64 (default: 2)",
                "TOKENPORT_LINK_CONNECTIONS");
    }

    private static String[] concat(String[] a, String[] b) {
        String[] all = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }

    @Test
    void upsLinkOptionsBecomeTheListenersPolicy() {
        UpCommand up = new UpCommand();
        new CommandLine(up).parseArgs("--link-port", "8443", "--link-cert", "z.crt", "--link-key", "z.key",
                "--link-ca", "ca.crt", "--link-allow", "sg,de", "--link-deny", "US", "--link-edges", "sg-1,fra-1");
        LinkListener listener = up.link.listener();
        assertThat(listener.port()).isEqualTo(8443);
        assertThat(listener.jurisdictions().permits("SG")).isTrue();
        assertThat(listener.jurisdictions().permits("DE")).isTrue();
        assertThat(listener.jurisdictions().permits("US")).isFalse();
        assertThat(listener.jurisdictions().permits("JP")).isFalse();
        assertThat(listener.registeredEdges()).containsExactlyInAnyOrder("sg-1", "fra-1");

        UpCommand missing = new UpCommand();
        new CommandLine(missing).parseArgs("--link-port", "8443");
        assertThatThrownBy(() -> missing.link.listener()).hasMessageContaining("--link-port needs --link-cert");
        UpCommand domestic = new UpCommand();
        new CommandLine(domestic).parseArgs("--link-port", "8443", "--link-cert", "z.crt", "--link-key", "z.key",
                "--link-ca", "ca.crt", "--link-allow", "cn");
        assertThatThrownBy(() -> domestic.link.listener()).hasMessageContaining("CN (domestic) cannot be allowed");
        UpCommand none = new UpCommand();
        new CommandLine(none).parseArgs();
        assertThat(none.link.listener()).isNull();
    }
}

package io.tokenport.e2e;

import io.tokenport.cli.TokenPort;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Disabled;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The closed loop, end to end, as issue 4 says it must show: an overseas client on the OpenAI Java SDK calls the
 * edge over HTTPS, the edge forwards over the mutual-TLS HTTP/2 link through the delaying cable to the zone, the
 * zone produces the tokens and answers with a receipt; the domestic host is refused by the zone, and the zone
 * cannot reach the domestic host. Every process is the real {@code tokenport} command, each in its own namespace.
 *
 * <p>The topology and the cable are set up for real; the steps marked TODO wait for {@code tokenport pki},
 * {@code tokenport edge} (with the zone's link listener) and {@code tokenport zone}. Their flags below are the ones
 * proposed in issue 4; adjust them to the commands as merged, then remove {@link Disabled}.
 */
@Disabled("waits for tokenport zone/edge")
class ClosedLoopTest {
    private static final Path LOGS = Path.of("e2e/target/e2e-logs/ClosedLoopTest");
    private static final Path MODEL = Path.of("../shared/models/stories260K.gguf");
    /** The zone's link listener, on the zone's cable address; the edge dials the same port at the cable's end. */
    private static final int LINK_PORT = 9443;
    /** The edge's HTTPS API for overseas clients. */
    private static final int EDGE_PORT = 8443;
    private static final Duration START = Duration.ofSeconds(120);

    private static Namespaces namespaces;
    private static Path work;
    private static String apiKey;

    @BeforeAll
    static void startTheLoop() throws Exception {
        namespaces = Namespaces.create();
        work = Files.createDirectories(LOGS.resolve("run-" + ProcessHandle.current().pid()));
        Path pki = work.resolve("pki");

        // TODO(pki): certificates for the link and the edge's HTTPS, offline, before anything listens:
        //   tokenport pki init  --out PKI                                        -> PKI/ca.pem, PKI/ca.key
        //   tokenport pki issue --ca PKI --role zone --ip 10.77.2.2 --out PKI/zone   (the address the edge dials:
        //                                                                            the cable's end, Topology.CABLE_EDGE_END)
        //   tokenport pki issue --ca PKI --role edge --name edge-sg --out PKI/edge   (the edge's link client certificate)
        //   tokenport pki issue --ca PKI --role https --ip 10.77.1.1 --out PKI/https (the edge's HTTPS, Topology.EDGE_ADDRESS)
        run(Host.ZONE, List.of("pki", "init", "--out", pki.toString()));

        // TODO(zone): the zone in its namespace, link listener on its cable address, the edge's certificate registered:
        //   tokenport zone --model ../shared/models/stories260K.gguf --data-dir WORK/zone
        //                  --link-port 9443 --link-address 10.77.3.2 --cert PKI/zone.pem --key PKI/zone.key --ca PKI/ca.pem
        //                  --egress-allow 10.77.3.1:9443
        Process zone = namespaces.startJava(Host.ZONE, TokenPort.class, List.of("zone",
                "--model", MODEL.toString(), "--data-dir", work.resolve("zone").toString(),
                "--link-port", String.valueOf(LINK_PORT), "--link-address", Topology.ZONE_ADDRESS,
                "--cert", pki.resolve("zone.pem").toString(), "--key", pki.resolve("zone.key").toString(),
                "--ca", pki.resolve("ca.pem").toString()), Map.of(), LOGS.resolve("zone.log"));
        namespaces.awaitPort(Host.ZONE, Topology.ZONE_ADDRESS, LINK_PORT, START, zone);

        // The cable: edge -> 10.77.2.2:9443 -> (16 ms each way) -> 10.77.3.2:9443. The link's TLS passes through.
        namespaces.startCable(LINK_PORT, DelayRelay.DEFAULT_DELAY, LOGS.resolve("cable.log"));

        // TODO(edge): the edge in its namespace, HTTPS for clients, the link through the cable:
        //   tokenport edge --listen 10.77.1.1:8443 --https-cert PKI/https.pem --https-key PKI/https.key
        //                  --zone https://10.77.2.2:9443 --cert PKI/edge.pem --key PKI/edge.key --ca PKI/ca.pem
        Process edge = namespaces.startJava(Host.EDGE, TokenPort.class, List.of("edge",
                "--listen", Topology.EDGE_ADDRESS + ":" + EDGE_PORT,
                "--https-cert", pki.resolve("https.pem").toString(), "--https-key", pki.resolve("https.key").toString(),
                "--zone", "https://" + Topology.CABLE_EDGE_END + ":" + LINK_PORT,
                "--cert", pki.resolve("edge.pem").toString(), "--key", pki.resolve("edge.key").toString(),
                "--ca", pki.resolve("ca.pem").toString()), Map.of(), LOGS.resolve("edge.log"));
        namespaces.awaitPort(Host.CLIENT, Topology.EDGE_ADDRESS, EDGE_PORT, START, edge);

        // TODO(keys): a tenant and a key, made inside the zone (the key never crosses the link in clear):
        //   tokenport tenants create acme --jurisdiction SG --data-dir WORK/zone
        //   tokenport keys create acme --data-dir WORK/zone      -> prints the key
        apiKey = lastWord(run(Host.ZONE, List.of("keys", "create", "acme", "--data-dir", work.resolve("zone").toString())));
    }

    @AfterAll
    static void stopTheLoop() {
        if (namespaces != null) {
            namespaces.close();
        }
    }

    @Test
    void anOverseasClientGetsTokensAndAReceiptThroughEdgeAndLink() {
        CommandResult client = namespaces.runJava(Host.CLIENT, OverseasClient.class,
                List.of("https://" + Topology.EDGE_ADDRESS + ":" + EDGE_PORT + "/v1", "stories260K", work.resolve("pki/ca.pem").toString()),
                Map.of("OPENAI_API_KEY", apiKey), START);
        assertThat(client.output()).contains("status=200", "completion_tokens=4", "receipt=present");
        // TODO(audit): `tokenport audit verify WORK/zone/evidence` passes and shows one served record whose origin
        //   is edge-sg / SG.
    }

    @Test
    void theDomesticHostIsRefusedByTheZonesIngressGuard() {
        // The network lets it through (TopologyTest pins that); only the zone may say no.
        assertThat(namespaces.connect(Host.DOMESTIC, Topology.ZONE_ADDRESS, LINK_PORT).connected()).isTrue();
        CommandResult attempt = namespaces.runJava(Host.DOMESTIC, OverseasClient.class,
                List.of("https://" + Topology.ZONE_ADDRESS + ":" + LINK_PORT + "/v1", "stories260K", work.resolve("pki/ca.pem").toString()),
                Map.of("OPENAI_API_KEY", apiKey), START);
        // TODO(ingress): pin the exact refusal once the link listener exists: without an edge's client certificate
        //   the TLS handshake fails (no status line), and the refusal is recorded in the transfer log as a domestic
        //   origin (`tokenport audit verify` shows it).
        assertThat(attempt.output()).doesNotContain("status=200");
    }

    @Test
    void theZoneCannotReachTheDomesticHost() {
        // TODO(egress): start a StandInServer on Topology.DOMESTIC_ADDRESS, point a zone upstream pool at it
        //   (`--upstream http://10.77.4.2:8080`, not on --egress-allow), send a request for that model through the
        //   edge, and assert the zone's egress guard refused the connection and recorded it, and the stand-in saw
        //   no connection.
    }

    private static String run(Host host, List<String> tokenportArgs) {
        CommandResult result = namespaces.runJava(host, TokenPort.class, tokenportArgs, Map.of(), START);
        assertThat(result.exitCode()).as(result.output()).isZero();
        return result.output();
    }

    private static String lastWord(String output) {
        String[] words = output.strip().split("\\s+");
        return words[words.length - 1];
    }
}

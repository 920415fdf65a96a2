package io.tokenport.e2e;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Who can reach whom, with a real HTTP server standing in for each role: the overseas client reaches the edge only,
 * the edge reaches the zone only through the cable, and the domestic host and the zone can reach each other, so
 * that it is the zone's own guards, not the test network, that keep the loop closed.
 */
class TopologyTest {
    private static final Path LOGS = Path.of("e2e/target/e2e-logs/TopologyTest");
    private static final int PORT = 8080;
    private static final Duration JAVA_TIMEOUT = Duration.ofSeconds(60);

    private static Namespaces namespaces;

    @BeforeAll
    static void startStandInsOnEveryHost() {
        namespaces = Namespaces.create();
        startStandIn(Host.EDGE, Topology.EDGE_ADDRESS);
        startStandIn(Host.ZONE, "0.0.0.0");
        startStandIn(Host.DOMESTIC, Topology.DOMESTIC_ADDRESS);
    }

    @AfterAll
    static void removeNamespaces() {
        if (namespaces != null) {
            namespaces.close();
        }
    }

    @Test
    void theOverseasClientReachesTheEdge() {
        CommandResult answer = namespaces.runJava(Host.CLIENT, HttpGet.class,
                List.of("http://" + Topology.EDGE_ADDRESS + ":" + PORT + "/hello"), Map.of(), JAVA_TIMEOUT);
        assertThat(answer.output()).contains("200\nhello from edge");
    }

    @Test
    void theOverseasClientCannotReachTheZoneOrTheCableDirectly() {
        for (String zoneSide : List.of(Topology.ZONE_ADDRESS, Topology.ZONE_DOMESTIC_ADDRESS, Topology.CABLE_EDGE_END)) {
            ConnectAttempt attempt = namespaces.connect(Host.CLIENT, zoneSide, PORT);
            assertThat(attempt.connected()).as(zoneSide).isFalse();
            assertThat(attempt.detail()).as(zoneSide).isEqualTo("Network is unreachable");
        }
    }

    @Test
    void theEdgeReachesTheCableButNotTheZoneDirectly() {
        assertThat(namespaces.connect(Host.EDGE, Topology.ZONE_ADDRESS, PORT).detail()).isEqualTo("Network is unreachable");
        // The cable's end is there (nothing listens on it in this test): the refusal comes from the link host.
        assertThat(namespaces.connect(Host.EDGE, Topology.CABLE_EDGE_END, PORT).detail()).isEqualTo("Connection refused");
    }

    @Test
    void theDomesticHostCanOpenTcpToTheZoneSoTheZonesIngressGuardMustRefuseIt() {
        assertThat(namespaces.connect(Host.DOMESTIC, Topology.ZONE_ADDRESS, PORT)).isEqualTo(new ConnectAttempt(true, ""));
        CommandResult answer = namespaces.runJava(Host.DOMESTIC, HttpGet.class,
                List.of("http://" + Topology.ZONE_ADDRESS + ":" + PORT + "/hello"), Map.of(), JAVA_TIMEOUT);
        assertThat(answer.output()).contains("200\nhello from zone");
    }

    @Test
    void theZoneCanOpenTcpToTheDomesticHostSoTheZonesEgressGuardMustStopIt() {
        assertThat(namespaces.connect(Host.ZONE, Topology.DOMESTIC_ADDRESS, PORT)).isEqualTo(new ConnectAttempt(true, ""));
    }

    @Test
    void theDomesticHostCannotReachTheEdgeOrTheClient() {
        for (String overseas : List.of(Topology.EDGE_ADDRESS, Topology.EDGE_CABLE_ADDRESS, Topology.CLIENT_ADDRESS)) {
            assertThat(namespaces.connect(Host.DOMESTIC, overseas, PORT).detail()).as(overseas).isEqualTo("Network is unreachable");
        }
    }

    private static void startStandIn(Host host, String bind) {
        Process server = namespaces.startJava(host, StandInServer.class,
                List.of("--bind", bind + ":" + PORT, "--name", host.label()), Map.of(), LOGS.resolve(host.label() + ".log"));
        String probe = bind.equals("0.0.0.0") ? "127.0.0.1" : bind;
        namespaces.awaitPort(host, probe, PORT, Duration.ofSeconds(30), server);
    }
}

package io.tokenport.e2e;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The cross-border cable between the edge and the zone namespaces: every round trip costs at least twice the
 * one-way delay, and a bulk transfer arrives whole. The measured numbers are printed, next to those of the same
 * relay without delay (no speed is asserted: the comparison is for the reader).
 */
class LinkPathTest {
    private static final Path LOGS = Path.of("e2e/target/e2e-logs/LinkPathTest");
    private static final int PORT = 9443;
    private static final int REFERENCE_PORT = 9444;
    private static final Duration ONE_WAY = DelayRelay.DEFAULT_DELAY;
    private static final long BULK_BYTES = 32L << 20;

    private static Namespaces namespaces;

    @BeforeAll
    static void startZoneStandInBehindTheCable() {
        namespaces = Namespaces.create();
        Process zone = namespaces.startJava(Host.ZONE, StandInServer.class,
                List.of("--bind", Topology.ZONE_ADDRESS + ":" + PORT, "--name", "zone"), Map.of(), LOGS.resolve("zone.log"));
        namespaces.awaitPort(Host.ZONE, Topology.ZONE_ADDRESS, PORT, Duration.ofSeconds(30), zone);
        namespaces.startCable(PORT, ONE_WAY, LOGS.resolve("cable.log"));

        // The same relay with no delay, on another port of the cable, as the reference for the printed numbers.
        Process zoneForReference = namespaces.startJava(Host.ZONE, StandInServer.class,
                List.of("--bind", Topology.ZONE_ADDRESS + ":" + REFERENCE_PORT, "--name", "zone"), Map.of(), LOGS.resolve("zone-reference.log"));
        namespaces.awaitPort(Host.ZONE, Topology.ZONE_ADDRESS, REFERENCE_PORT, Duration.ofSeconds(30), zoneForReference);
        Process undelayed = namespaces.startJava(Host.LINK, DelayRelay.class, List.of(
                "--listen", Topology.CABLE_EDGE_END + ":" + REFERENCE_PORT, "--target", Topology.ZONE_ADDRESS + ":" + REFERENCE_PORT,
                "--delay-ms", "0"), Map.of(), LOGS.resolve("cable-undelayed.log"));
        namespaces.awaitPort(Host.EDGE, Topology.CABLE_EDGE_END, REFERENCE_PORT, Duration.ofSeconds(30), undelayed);
    }

    @AfterAll
    static void removeNamespaces() {
        if (namespaces != null) {
            namespaces.close();
        }
    }

    @Test
    void fromTheEdgeEveryRoundTripToTheZoneTakesAtLeastTwiceTheOneWayDelayAndBulkBytesArriveWhole() {
        Map<String, String> reference = probe(REFERENCE_PORT);
        Map<String, String> delayed = probe(PORT);
        System.out.println("LinkPathTest, edge -> cable -> zone, netem: " + namespaces.kernelHasNetem()
                + "\n  relay without delay: " + reference + "\n  relay with " + ONE_WAY.toMillis() + " ms each way: " + delayed);

        assertThat(Double.parseDouble(delayed.get("rtt_min_ms"))).isGreaterThanOrEqualTo(2.0 * ONE_WAY.toMillis());
        for (Map<String, String> measured : List.of(reference, delayed)) {
            assertThat(Long.parseLong(measured.get("bulk_bytes"))).isEqualTo(BULK_BYTES);
            assertThat(measured.get("bulk_first_wrong_byte")).isEqualTo("-1");
        }
    }

    private static Map<String, String> probe(int port) {
        CommandResult probe = namespaces.runJava(Host.EDGE, LinkProbe.class,
                List.of("http://" + Topology.CABLE_EDGE_END + ":" + port, "50", String.valueOf(BULK_BYTES)), Map.of(), Duration.ofSeconds(120));
        assertThat(probe.exitCode()).as(probe.output()).isZero();
        return probe.output().lines().filter(line -> line.matches("[a-z_]+=.*"))
                .collect(Collectors.toMap(line -> line.substring(0, line.indexOf('=')), line -> line.substring(line.indexOf('=') + 1),
                        (a, b) -> b, TreeMap::new));
    }
}

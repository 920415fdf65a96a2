package io.tokenport.zone.operations;

import io.tokenport.audit.Outcome;
import io.tokenport.audit.TransferRecord;
import io.tokenport.zone.RunningZone;
import io.tokenport.zone.egress.EgressGuard;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The admin listener's egress probe: the operator asks whether the zone can reach a destination; the zone tries. */
class EgressProbeTest {
    private static RunningZone zone;

    @BeforeAll
    static void start() {
        zone = RunningZone.start(RunningZone.STORIES);
    }

    @AfterAll
    static void stop() {
        zone.close();
    }

    private static HttpResponse<String> probe(String query, String token) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + zone.server.adminPort()
                + "/egress/probe" + query)).POST(HttpRequest.BodyPublishers.noBody());
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return zone.send(request.build());
    }

    @Test
    void aDestinationOffTheAllowListIsRefusedRecordedAndNeverConnected() throws Exception {
        try (ServerSocket domestic = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            domestic.setSoTimeout(300);
            long before = zone.server.evidence().log().size();

            HttpResponse<String> answer = probe("?host=127.0.0.1&port=" + domestic.getLocalPort(), zone.server.adminToken());

            assertThat(answer.statusCode()).isEqualTo(200);
            assertThat(answer.headers().firstValue("Content-Type")).contains("application/json");
            assertThat(answer.body()).contains("\"destination\":\"127.0.0.1:" + domestic.getLocalPort() + "\"",
                    "\"allowed\":false", "\"connected\":false", "not on the zone's egress allow-list");
            TransferRecord record = zone.server.evidence().log().read(before);
            assertThat(record.outcome()).isEqualTo(Outcome.refused("egress_refused 127.0.0.1:" + domestic.getLocalPort()));
            // The refusal came before a SYN: nothing is waiting to be accepted.
            assertThatThrownBy(domestic::accept).isInstanceOf(SocketTimeoutException.class);
        }
    }

    @Test
    void anAllowedDestinationIsReallyConnectedTo() throws Exception {
        try (ServerSocket upstream = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            var allowed = new EgressGuard.Destination("127.0.0.1", upstream.getLocalPort());
            EgressGuard guard = new EgressGuard("probe-test-" + UUID.randomUUID(), List.of(allowed));
            try {
                EgressProbe.Result result = new EgressProbe(guard).probe(allowed);
                assertThat(result).isEqualTo(new EgressProbe.Result(allowed, true, true, ""));
                try (Socket accepted = upstream.accept()) {
                    assertThat(accepted.getInetAddress().isLoopbackAddress()).isTrue();
                }
            } finally {
                guard.unregister();
            }
        }
    }

    @Test
    void anAllowedDestinationThatDoesNotAnswerIsToldApartFromARefusal() throws Exception {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            closedPort = s.getLocalPort();
        }
        var allowed = new EgressGuard.Destination("127.0.0.1", closedPort);
        EgressGuard guard = new EgressGuard("probe-test-" + UUID.randomUUID(), List.of(allowed));
        try {
            EgressProbe.Result result = new EgressProbe(guard).probe(allowed);
            assertThat(result.allowed()).isTrue();
            assertThat(result.connected()).isFalse();
            assertThat(result.detail()).startsWith("allowed, but the connection failed: ");
        } finally {
            guard.unregister();
        }
    }

    @Test
    void theProbeNeedsTheAdminToken() {
        assertThat(probe("?host=127.0.0.1&port=9", null).statusCode()).isEqualTo(401);
        assertThat(probe("?host=127.0.0.1&port=9", zone.key).statusCode()).isEqualTo(401);
    }

    @Test
    void aBadDestinationGetsAClearError() {
        for (String query : List.of("", "?host=127.0.0.1", "?host=127.0.0.1&port=http", "?host=127.0.0.1&port=0",
                "?host=127.0.0.1&port=70000", "?host=&port=5432")) {
            HttpResponse<String> answer = probe(query, zone.server.adminToken());
            assertThat(answer.statusCode()).as(query).isEqualTo(400);
            assertThat(answer.body()).as(query).contains("invalid_egress_destination", "host=HOST&port=PORT");
        }
    }
}

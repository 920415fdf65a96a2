package io.tokenport.zone.egress;

import io.tokenport.audit.Outcome;
import io.tokenport.audit.TransferRecord;
import io.tokenport.zone.RunningZone;
import io.tokenport.zone.admission.KeyLimits;
import io.tokenport.zone.admission.RedisRateLimiter;
import io.tokenport.zone.storage.DatabaseException;
import io.tokenport.zone.storage.TestPostgres;
import io.tokenport.zone.storage.ZoneDatabase;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The zone's outbound connections: allowed ones connect, others never leave and are recorded. */
class EgressGuardTest {

    private static EgressGuard guard(List<EgressGuard.Destination> allowed, List<EgressGuard.Destination> refused) {
        EgressGuard g = new EgressGuard("test-" + UUID.randomUUID(), allowed);
        g.onRefusal(refused::add);
        return g;
    }

    @Test
    void allowedDestinationConnectsAndAnyOtherNeverReachesTheWire() throws Exception {
        try (ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            server.setSoTimeout(300);
            List<EgressGuard.Destination> refused = new ArrayList<>();
            EgressGuard open = guard(List.of(new EgressGuard.Destination("127.0.0.1", server.getLocalPort())), refused);
            try (Socket s = open.connect("127.0.0.1", server.getLocalPort(), 1000); Socket accepted = server.accept()) {
                assertThat(accepted.isConnected()).isTrue();
            }

            EgressGuard closed = guard(List.of(new EgressGuard.Destination("127.0.0.1", 1)), refused);
            assertThatThrownBy(() -> closed.connect("127.0.0.1", server.getLocalPort(), 1000))
                    .isInstanceOf(EgressGuard.EgressRefusedException.class)
                    .hasMessageContaining("egress to 127.0.0.1:" + server.getLocalPort() + " refused")
                    .hasMessageContaining("127.0.0.1:1");
            assertThat(refused).containsExactly(new EgressGuard.Destination("127.0.0.1", server.getLocalPort()));
            // Nothing arrived: the refusal happened before a SYN was sent.
            assertThatThrownBy(server::accept).isInstanceOf(SocketTimeoutException.class);
        }
    }

    @Test
    void destinationsAreReadAsHostAndPort() {
        assertThat(EgressGuard.Destination.parse("vllm-0.zone.internal:8000"))
                .isEqualTo(new EgressGuard.Destination("VLLM-0.zone.internal", 8000));
        assertThat(EgressGuard.Destination.parse("[::1]:6379")).isEqualTo(new EgressGuard.Destination("::1", 6379));
        assertThatThrownBy(() -> EgressGuard.Destination.parse("db.internal")).hasMessageContaining("HOST:PORT");
        assertThatThrownBy(() -> EgressGuard.Destination.parse("db:http")).hasMessageContaining("not a number");
        assertThatThrownBy(() -> EgressGuard.Destination.parse("db:0")).hasMessageContaining("between 1 and 65535");
        assertThatThrownBy(() -> EgressGuard.Destination.parse("::1:5432")).hasMessageContaining("[ADDRESS]:PORT");
    }

    @Test
    void postgresAndRedisConnectOnlyThroughTheGuard() throws Exception {
        List<EgressGuard.Destination> refused = new ArrayList<>();
        try (TestPostgres postgres = new TestPostgres()) {
            EgressGuard allowsPostgres = guard(List.of(new EgressGuard.Destination(postgres.location.host(),
                    postgres.location.port())), refused);
            try (ZoneDatabase db = ZoneDatabase.open(postgres.location, allowsPostgres)) {
                assertThat(db.dataSource().getConnection().isValid(1)).isTrue();
            }
            EgressGuard allowsNothing = guard(List.of(), refused);
            assertThatThrownBy(() -> ZoneDatabase.open(postgres.location, allowsNothing))
                    .isInstanceOf(DatabaseException.class).hasMessageContaining("egress to");
            assertThat(refused).contains(new EgressGuard.Destination(postgres.location.host(), postgres.location.port()));
        }

        refused.clear();
        URI redis = URI.create(System.getenv().getOrDefault("TOKENPORT_TEST_REDIS", "redis://127.0.0.1:6379"));
        try (RedisRateLimiter limiter = new RedisRateLimiter(redis, "tokenport-test:" + UUID.randomUUID() + ":",
                InstantSource.system(), guard(List.of(), refused))) {
            // Refused: the limiter lets the request through (a limiter outage is not a service outage), and says so.
            assertThatCode(() -> limiter.admit("k", new KeyLimits(1, 0), 1)).doesNotThrowAnyException();
            assertThat(refused).contains(new EgressGuard.Destination(redis.getHost(), redis.getPort()));
        }
    }

    @Test
    void aZoneRecordsAnOutboundAttemptItRefusedInItsTransferLogAndMetrics() throws Exception {
        try (RunningZone zone = RunningZone.start(RunningZone.STORIES);
             ServerSocket domestic = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            long before = zone.server.evidence().log().size();
            assertThatThrownBy(() -> zone.server.egress().connect("127.0.0.1", domestic.getLocalPort(), 1000))
                    .isInstanceOf(EgressGuard.EgressRefusedException.class);

            TransferRecord record = zone.server.evidence().log().read(before);
            assertThat(record.outcome()).isEqualTo(Outcome.refused("egress_refused 127.0.0.1:" + domestic.getLocalPort()));
            assertThat(record.tenant()).isEqualTo("zone");
            HttpResponse<String> metrics = zone.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                    + zone.server.adminPort() + "/metrics")).header("Authorization", "Bearer " + zone.server.adminToken())
                    .build());
            assertThat(metrics.body()).containsPattern("tokenport_egress_refused_total\\S* 1\\.0");
        }
    }
}

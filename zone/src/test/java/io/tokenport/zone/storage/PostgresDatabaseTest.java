package io.tokenport.zone.storage;

import io.tokenport.zone.admission.KeyLimits;
import io.tokenport.zone.auth.Caller;
import io.tokenport.zone.auth.IssuedKey;
import io.tokenport.zone.auth.TenantDirectory;
import io.tokenport.zone.metering.Price;
import io.tokenport.zone.metering.PriceBook;
import io.tokenport.zone.metering.UsageMeter;
import io.tokenport.zone.metering.UsageRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.InstantSource;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The same migrations and queries as on SQLite, on the machine's real PostgreSQL server. */
class PostgresDatabaseTest {
    private TestPostgres postgres;

    @BeforeEach
    void createDatabase() {
        postgres = new TestPostgres();
    }

    @AfterEach
    void dropDatabase() {
        postgres.close();
    }

    @Test
    void migrationsCreateTheSameTablesAsOnSqlite() throws SQLException {
        try (ZoneDatabase db = ZoneDatabase.open(DatabaseLocation.parse(postgres.url));
             Connection c = db.dataSource().getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT table_name FROM information_schema.tables"
                     + " WHERE table_schema = 'public' ORDER BY table_name")) {
            List<String> tables = new java.util.ArrayList<>();
            while (rs.next()) {
                tables.add(rs.getString(1));
            }
            assertThat(tables).contains("tenants", "api_keys", "usage_records", "flyway_schema_history");
        }
    }

    @Test
    void tenantsKeysAndUsageRoundTrip() {
        try (ZoneDatabase db = ZoneDatabase.open(postgres.location)) {
            TenantDirectory tenants = new TenantDirectory(db.dataSource(), InstantSource.system());
            tenants.createTenant("acme", "sg");
            IssuedKey key = tenants.createKey("acme", new KeyLimits(60, 0));
            Caller caller = tenants.authenticate(key.secret()).orElseThrow();
            assertThat(caller.tenantName()).isEqualTo("acme");
            assertThat(caller.limits()).isEqualTo(new KeyLimits(60, 0));

            UsageMeter meter = new UsageMeter(db.dataSource(),
                    new PriceBook(Map.of("m", new Price(1_000_000, 2_000_000)), new Price(0, 0)), InstantSource.system());
            meter.record(caller.tenantId(), caller.keyId(), "m", "chat.completions", 10, 5, 1200, -1, "stop");
            List<UsageRecord> records = meter.forTenant(caller.tenantId());
            assertThat(records).singleElement().satisfies(r -> {
                assertThat(r.priceMicroUsd()).isEqualTo(20);
                assertThat(r.timeToFirstTokenUs()).isEqualTo(1200);
                assertThat(r.timePerOutputTokenUs()).isEqualTo(-1);
            });

            assertThat(tenants.revokeKey(key.info().id())).isTrue();
            assertThat(tenants.authenticate(key.secret())).isEmpty();
        }
    }

    @Test
    void reopeningAMigratedDatabaseKeepsItsData() {
        try (ZoneDatabase db = ZoneDatabase.open(postgres.location)) {
            new TenantDirectory(db.dataSource(), InstantSource.system()).createTenant("acme", "DE");
        }
        try (ZoneDatabase db = ZoneDatabase.open(postgres.location)) {
            assertThat(new TenantDirectory(db.dataSource(), InstantSource.system()).findTenant("acme")).isPresent();
        }
    }

    @Test
    void unreachableServerFailsFastWithoutShowingThePassword() {
        // Port 1 on loopback: nothing listens there, so the connection is refused at once.
        var location = DatabaseLocation.parse("postgresql://zone:hunter2@127.0.0.1:1/ledger");
        assertThatThrownBy(() -> ZoneDatabase.open(location))
                .isInstanceOf(DatabaseException.class)
                .hasMessageContaining("127.0.0.1:1/ledger")
                .hasMessageNotContaining("hunter2");
    }
}

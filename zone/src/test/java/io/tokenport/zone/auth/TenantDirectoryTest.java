package io.tokenport.zone.auth;

import io.tokenport.zone.admission.KeyLimits;
import io.tokenport.zone.storage.ZoneDatabase;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.time.InstantSource;
import java.util.HexFormat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Tenants and keys in a real SQLite file. */
class TenantDirectoryTest {
    @TempDir
    Path dir;
    private ZoneDatabase db;
    private TenantDirectory tenants;
    private final InstantSource clock = InstantSource.fixed(Instant.parse("2026-11-28T01:00:00Z"));

    @BeforeEach
    void open() {
        db = ZoneDatabase.openSqlite(dir.resolve("zone.db"));
        tenants = new TenantDirectory(db.dataSource(), clock);
    }

    @AfterEach
    void close() {
        db.close();
    }

    @Test
    void tenantIsCreatedWithItsJurisdictionInUpperCase() {
        Tenant t = tenants.createTenant("acme", "sg");
        assertThat(t.jurisdiction()).isEqualTo("SG");
        assertThat(t.createdAt()).isEqualTo(clock.instant());
        assertThat(tenants.findTenant("acme")).contains(t);
        assertThat(tenants.listTenants()).containsExactly(t);
    }

    @Test
    void badTenantsAreRefusedWithAReason() {
        tenants.createTenant("acme", "SG");
        assertThatThrownBy(() -> tenants.createTenant("acme", "DE")).hasMessageContaining("already exists");
        assertThatThrownBy(() -> tenants.createTenant("other", "Singapore")).hasMessageContaining("two-letter");
        assertThatThrownBy(() -> tenants.createTenant(" ", "SG")).hasMessageContaining("tenant name");
        assertThatThrownBy(() -> tenants.createKey("nobody")).hasMessageContaining("no tenant named");
    }

    @Test
    void keyIsShownOnceAndStoredOnlyAsItsSha256() throws Exception {
        tenants.createTenant("acme", "SG");
        IssuedKey key = tenants.createKey("acme");
        assertThat(key.secret()).startsWith("tp-").hasSizeGreaterThan(40);
        assertThat(key.toString()).doesNotContain(key.secret());

        String expectedHash = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                .digest(key.secret().getBytes(StandardCharsets.UTF_8)));
        try (Connection c = db.dataSource().getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT * FROM api_keys")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getString("key_hash")).isEqualTo(expectedHash);
            int columns = rs.getMetaData().getColumnCount();
            for (int i = 1; i <= columns; i++) {
                assertThat(String.valueOf(rs.getObject(i))).doesNotContain(key.secret().substring(3));
            }
        }
    }

    @Test
    void keyAuthenticatesItsTenantUntilRevoked() {
        Tenant acme = tenants.createTenant("acme", "SG");
        IssuedKey key = tenants.createKey("acme");
        assertThat(tenants.authenticate(key.secret()))
                .contains(new Caller(acme.id(), "acme", key.info().id(), KeyLimits.UNLIMITED));
        assertThat(tenants.authenticate(key.secret() + "x")).isEmpty();
        assertThat(tenants.authenticate("sk-something")).isEmpty();
        assertThat(tenants.authenticate(null)).isEmpty();

        assertThat(tenants.revokeKey(key.info().id())).isTrue();
        assertThat(tenants.revokeKey(key.info().id())).isFalse();
        assertThat(tenants.authenticate(key.secret())).isEmpty();
    }

    @Test
    void listShowsEveryKeyWithItsState() {
        tenants.createTenant("acme", "SG");
        tenants.createTenant("globex", "DE");
        IssuedKey first = tenants.createKey("acme");
        IssuedKey second = tenants.createKey("acme");
        tenants.createKey("globex");
        tenants.revokeKey(first.info().id());
        assertThat(tenants.listKeys("acme")).extracting(ApiKeyInfo::id)
                .containsExactlyInAnyOrder(first.info().id(), second.info().id());
        assertThat(tenants.listKeys("acme")).filteredOn(ApiKeyInfo::revoked).extracting(ApiKeyInfo::id)
                .containsExactly(first.info().id());
        assertThat(first.secret()).isNotEqualTo(second.secret());
    }

    @Test
    void keyCarriesItsRateLimitsToTheCaller() {
        tenants.createTenant("acme", "SG");
        IssuedKey key = tenants.createKey("acme", new KeyLimits(60, 10_000));
        assertThat(tenants.authenticate(key.secret()).orElseThrow().limits()).isEqualTo(new KeyLimits(60, 10_000));
        assertThat(tenants.setKeyLimits(key.info().id(), new KeyLimits(0, 500))).isTrue();
        assertThat(tenants.authenticate(key.secret()).orElseThrow().limits()).isEqualTo(new KeyLimits(0, 500));
        assertThat(tenants.listKeys("acme").getFirst().limits()).isEqualTo(new KeyLimits(0, 500));
    }

    @Test
    void migrationsRunOnceAcrossRestarts() {
        tenants.createTenant("acme", "SG");
        db.close();
        db = ZoneDatabase.openSqlite(dir.resolve("zone.db"));
        tenants = new TenantDirectory(db.dataSource(), clock);
        assertThat(tenants.findTenant("acme")).isPresent();
    }
}

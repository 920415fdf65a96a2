package io.tokenport.zone.storage;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ZoneDatabaseTest {
    @TempDir
    Path dir;

    private static String pragma(Connection c, String name) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("PRAGMA " + name)) {
            rs.next();
            return rs.getString(1);
        }
    }

    @Test
    void sqliteIsOpenedForConcurrentWritersWithForeignKeysEnforced() throws Exception {
        try (ZoneDatabase db = ZoneDatabase.openSqlite(dir.resolve("data/zone.db"));
             Connection c = db.dataSource().getConnection()) {
            assertThat(Files.exists(dir.resolve("data/zone.db"))).isTrue();
            assertThat(pragma(c, "journal_mode")).isEqualToIgnoringCase("wal");
            assertThat(Integer.parseInt(pragma(c, "busy_timeout"))).isEqualTo(10_000);
            assertThat(pragma(c, "foreign_keys")).isEqualTo("1");
            try (Statement s = c.createStatement()) {
                assertThatThrownBy(() -> s.executeUpdate("INSERT INTO api_keys (id, tenant_id, key_hash, created_at)"
                        + " VALUES ('key_1', 'no-such-tenant', 'h', 0)")).isInstanceOf(SQLException.class);
            }
        }
    }

    @Test
    void unusableFileGivesAClearError() throws Exception {
        Path notADatabase = dir.resolve("zone.db");
        Files.writeString(notADatabase, "this is not a database file, just text that is long enough ".repeat(20));
        assertThatThrownBy(() -> ZoneDatabase.openSqlite(notADatabase))
                .isInstanceOf(DatabaseException.class)
                .hasMessageContaining(notADatabase.toString());
    }
}

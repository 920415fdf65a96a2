package io.tokenport.zone.storage;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DatabaseLocationTest {

    @Test
    void postgresUrlBecomesAJdbcUrlWithSeparateCredentials() {
        var pg = (DatabaseLocation.Postgres) DatabaseLocation.parse("postgresql://zone:s%40cret@db.internal:6432/ledger?sslmode=require");
        assertThat(pg.jdbcUrl()).isEqualTo("jdbc:postgresql://db.internal:6432/ledger?sslmode=require");
        assertThat(pg.user()).isEqualTo("zone");
        assertThat(pg.password()).isEqualTo("s@cret");
    }

    @Test
    void postgresDefaultsThePortAndAcceptsTheShortSchemeAndJdbcForm() {
        assertThat(((DatabaseLocation.Postgres) DatabaseLocation.parse("postgres://127.0.0.1/test")).jdbcUrl())
                .isEqualTo("jdbc:postgresql://127.0.0.1:5432/test");
        var jdbc = (DatabaseLocation.Postgres) DatabaseLocation.parse("jdbc:postgresql://u@[::1]:5433/z");
        assertThat(jdbc.jdbcUrl()).isEqualTo("jdbc:postgresql://[::1]:5433/z");
        assertThat(jdbc.user()).isEqualTo("u");
        assertThat(jdbc.password()).isNull();
    }

    @Test
    void thePasswordIsNeverShown() {
        DatabaseLocation pg = DatabaseLocation.parse("postgresql://zone:hunter2@db:5432/ledger");
        assertThat(pg.toString()).doesNotContain("hunter2").contains("db:5432/ledger").contains("zone");
    }

    @Test
    void sqliteIsTheSchemeOrAPlainPath() {
        assertThat(DatabaseLocation.parse("sqlite:data/zone.db")).isEqualTo(new DatabaseLocation.Sqlite(Path.of("data/zone.db")));
        assertThat(DatabaseLocation.parse("/var/lib/tokenport/zone.db"))
                .isEqualTo(new DatabaseLocation.Sqlite(Path.of("/var/lib/tokenport/zone.db")));
    }

    @Test
    void badLocationsSayWhatIsExpected() {
        assertThatThrownBy(() -> DatabaseLocation.parse("mysql://h/db")).hasMessageContaining("unsupported database \"mysql\"")
                .hasMessageContaining("postgresql://");
        assertThatThrownBy(() -> DatabaseLocation.parse("postgresql:///db")).hasMessageContaining("no host");
        assertThatThrownBy(() -> DatabaseLocation.parse("postgresql://h")).hasMessageContaining("one database");
        assertThatThrownBy(() -> DatabaseLocation.parse("postgresql://h/a/b")).hasMessageContaining("one database");
        assertThatThrownBy(() -> DatabaseLocation.parse("postgresql://h:port/db")).hasMessageContaining("PostgreSQL");
        assertThatThrownBy(() -> DatabaseLocation.parse("sqlite:")).hasMessageContaining("file name");
        assertThatThrownBy(() -> DatabaseLocation.parse("  ")).hasMessageContaining("empty");
    }
}

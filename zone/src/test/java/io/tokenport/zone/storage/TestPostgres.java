package io.tokenport.zone.storage;

import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HexFormat;

/**
 * A fresh, empty database on the machine's real PostgreSQL server, dropped again on {@link #close()}.
 *
 * <p>The server is the one at {@code TOKENPORT_TEST_POSTGRES} (a {@code postgresql://} URL naming an existing
 * database to connect to for CREATE DATABASE), by default {@code postgresql://postgres@127.0.0.1:5432/postgres}.
 * No server is not a reason to skip: the tests fail and say how to start one.
 */
public final class TestPostgres implements AutoCloseable {
    private static final String ADMIN_URL = System.getenv().getOrDefault("TOKENPORT_TEST_POSTGRES",
            "postgresql://postgres@127.0.0.1:5432/postgres");

    private final DatabaseLocation.Postgres admin;
    private final String name;
    /** The fresh database, as {@code postgresql://...}. */
    public final String url;
    /** The fresh database, parsed. */
    public final DatabaseLocation.Postgres location;

    public TestPostgres() {
        admin = (DatabaseLocation.Postgres) DatabaseLocation.parse(ADMIN_URL);
        byte[] suffix = new byte[6];
        new SecureRandom().nextBytes(suffix);
        name = "tokenport_test_" + HexFormat.of().formatHex(suffix);
        execute("CREATE DATABASE " + name);
        url = ADMIN_URL.replaceFirst("/[^/?]+(\\?|$)", "/" + name + "$1");
        location = (DatabaseLocation.Postgres) DatabaseLocation.parse(url);
    }

    private void execute(String sql) {
        try (Connection c = DriverManager.getConnection(admin.jdbcUrl(), admin.user(), admin.password());
             Statement s = c.createStatement()) {
            s.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException("the PostgreSQL tests need a server at " + admin + " (set"
                    + " TOKENPORT_TEST_POSTGRES to another; on these machines start it with `pg_ctlcluster"
                    + " --skip-systemctl-redirect $(ls /etc/postgresql) main start`): " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        execute("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
    }
}

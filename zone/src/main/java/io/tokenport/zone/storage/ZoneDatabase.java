package io.tokenport.zone.storage;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.tokenport.zone.egress.EgressGuard;
import io.tokenport.zone.egress.GuardedSocketFactory;
import org.flywaydb.core.Flyway;

import javax.sql.DataSource;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The zone's database: a connection pool, migrated to the latest schema when opened.
 *
 * <p>SQLite (a file under the data directory) is the embedded default; PostgreSQL is what several zone replicas
 * share. The migrations in {@code db/migration} use only SQL that both understand, so one set of files serves both.
 */
public final class ZoneDatabase implements AutoCloseable {
    private final HikariDataSource dataSource;

    private ZoneDatabase(HikariDataSource dataSource) {
        this.dataSource = dataSource;
    }

    /**
     * Opens the database at {@code location} and migrates it.
     *
     * @throws DatabaseException if it cannot be reached, opened or migrated
     */
    public static ZoneDatabase open(DatabaseLocation location) {
        return open(location, null);
    }

    /**
     * Opens the database at {@code location}, connecting through {@code egress} (null: directly), and migrates it.
     *
     * @throws DatabaseException if it cannot be reached, opened or migrated
     */
    public static ZoneDatabase open(DatabaseLocation location, EgressGuard egress) {
        return switch (location) {
            case DatabaseLocation.Sqlite sqlite -> openSqlite(sqlite.file());
            case DatabaseLocation.Postgres pg -> openPostgres(pg, egress);
        };
    }

    /**
     * Opens the PostgreSQL database {@code pg} and migrates it. The database must exist; its tables are created.
     *
     * @throws DatabaseException if the server cannot be reached or the database not migrated
     */
    public static ZoneDatabase openPostgres(DatabaseLocation.Postgres pg, EgressGuard egress) {
        HikariConfig config = new HikariConfig();
        if (egress != null) {
            // The driver makes its sockets with this factory, found by class name; the argument names the guard.
            config.addDataSourceProperty("socketFactory", GuardedSocketFactory.class.getName());
            config.addDataSourceProperty("socketFactoryArg", egress.name());
        }
        config.setJdbcUrl(pg.jdbcUrl());
        if (pg.user() != null) {
            config.setUsername(pg.user());
        }
        if (pg.password() != null) {
            config.setPassword(pg.password());
        }
        config.setPoolName("zone-postgresql");
        config.setMaximumPoolSize(8);
        // An unreachable server should stop the start within seconds, with its reason, not after half a minute.
        config.setConnectionTimeout(5_000);
        config.addDataSourceProperty("connectTimeout", "5");
        config.addDataSourceProperty("ApplicationName", "tokenport-zone");
        return open(config, pg.toString());
    }

    /**
     * Opens (creating if needed) the SQLite database in {@code file} and migrates it.
     *
     * @throws DatabaseException if the file cannot be opened or migrated
     */
    public static ZoneDatabase openSqlite(Path file) {
        try {
            Path parent = file.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
        } catch (java.io.IOException e) {
            throw new DatabaseException("cannot create the directory for database " + file + ": " + e.getMessage(), e);
        }
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl("jdbc:sqlite:" + file.toAbsolutePath());
        config.setPoolName("zone-sqlite");
        // SQLite has one writer at a time: a few connections, WAL so readers never wait for it, and a busy
        // timeout so a writer waits for another instead of failing.
        config.setMaximumPoolSize(4);
        config.addDataSourceProperty("journal_mode", "WAL");
        config.addDataSourceProperty("busy_timeout", "10000");
        config.addDataSourceProperty("foreign_keys", "true");
        return open(config, "sqlite:" + file);
    }

    /** Opens the pool and migrates; {@code name} is how errors name the database (never with a password). */
    private static ZoneDatabase open(HikariConfig config, String name) {
        HikariDataSource ds;
        try {
            ds = new HikariDataSource(config);
        } catch (RuntimeException e) {
            throw new DatabaseException("cannot open database " + name + ": " + rootMessage(e), e);
        }
        try {
            Flyway.configure()
                    .dataSource(ds)
                    .locations("classpath:db/migration")
                    .load()
                    .migrate();
        } catch (RuntimeException e) {
            ds.close();
            throw new DatabaseException("cannot migrate database " + name + ": " + rootMessage(e), e);
        }
        return new ZoneDatabase(ds);
    }

    /** The innermost cause's message: the pool's own wrapping says little ("Failed to initialize pool"). */
    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t.getMessage() == null ? t.toString() : t.getMessage();
    }

    /** The pooled connections. */
    public DataSource dataSource() {
        return dataSource;
    }

    @Override
    public void close() {
        dataSource.close();
    }
}

package io.tokenport.zone.storage;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import org.flywaydb.core.Flyway;

import javax.sql.DataSource;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The zone's database: a connection pool, migrated to the latest schema when opened.
 *
 * <p>SQLite (a file under the data directory) is the embedded default. The migrations in
 * {@code db/migration} use only SQL that SQLite and PostgreSQL share, so the same files will serve a PostgreSQL
 * database when several zone replicas need one.
 */
public final class ZoneDatabase implements AutoCloseable {
    private final HikariDataSource dataSource;

    private ZoneDatabase(HikariDataSource dataSource) {
        this.dataSource = dataSource;
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
        return open(config);
    }

    private static ZoneDatabase open(HikariConfig config) {
        HikariDataSource ds;
        try {
            ds = new HikariDataSource(config);
        } catch (RuntimeException e) {
            throw new DatabaseException("cannot open database " + config.getJdbcUrl() + ": " + e.getMessage(), e);
        }
        try {
            Flyway.configure()
                    .dataSource(ds)
                    .locations("classpath:db/migration")
                    .load()
                    .migrate();
        } catch (RuntimeException e) {
            ds.close();
            throw new DatabaseException("cannot migrate database " + config.getJdbcUrl() + ": " + e.getMessage(), e);
        }
        return new ZoneDatabase(ds);
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

package io.tokenport.zone.storage;

import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Objects;

/**
 * Where the zone keeps tenants, keys and usage: an SQLite file (the embedded default) or a PostgreSQL server
 * (what several zone replicas share).
 *
 * <p>Written by users as {@code sqlite:PATH} (or a plain path) and as
 * {@code postgresql://[USER[:PASSWORD]@]HOST[:PORT]/DATABASE[?PARAMS]} (also {@code postgres://}); the parameters
 * are passed on to the JDBC driver, e.g. {@code ?sslmode=require}. {@link #toString()} never shows the password.
 */
public sealed interface DatabaseLocation {

    /** An SQLite database in {@code file}. */
    record Sqlite(Path file) implements DatabaseLocation {
        public Sqlite {
            Objects.requireNonNull(file, "file");
        }

        @Override
        public String toString() {
            return "sqlite:" + file;
        }
    }

    /**
     * A PostgreSQL database.
     *
     * @param jdbcUrl  {@code jdbc:postgresql://host:port/database?params}, without credentials
     * @param host     the server's host name or address (what the egress allow-list holds)
     * @param port     the server's port
     * @param user     the user, or null for the driver's default
     * @param password the password, or null
     */
    record Postgres(String jdbcUrl, String host, int port, String user, String password) implements DatabaseLocation {
        public Postgres {
            Objects.requireNonNull(jdbcUrl, "jdbcUrl");
        }

        @Override
        public String toString() {
            return jdbcUrl.replaceFirst("^jdbc:", "") + (user == null ? "" : " as " + user);
        }
    }

    /**
     * Reads a location as a user writes it.
     *
     * @throws IllegalArgumentException saying what is wrong and what is expected
     */
    static DatabaseLocation parse(String spec) {
        if (spec == null || spec.isBlank()) {
            throw new IllegalArgumentException("the database location is empty; " + EXPECTED);
        }
        String s = spec.strip();
        if (s.startsWith("postgresql://") || s.startsWith("postgres://")) {
            return postgres(s);
        }
        if (s.startsWith("jdbc:postgresql:")) {
            return postgres(s.substring("jdbc:".length()));
        }
        if (s.startsWith("sqlite:")) {
            String file = s.substring("sqlite:".length());
            if (file.isEmpty()) {
                throw new IllegalArgumentException("sqlite: needs a file name, such as sqlite:.tokenport/zone.db");
            }
            return new Sqlite(Path.of(file));
        }
        if (s.matches("^[a-zA-Z][a-zA-Z0-9+.-]*://.*")) {
            throw new IllegalArgumentException("unsupported database \"" + s.substring(0, s.indexOf(':'))
                    + "\"; " + EXPECTED);
        }
        return new Sqlite(Path.of(s));
    }

    /** What {@link #parse} accepts, for error messages. */
    String EXPECTED = "expected postgresql://USER:PASSWORD@HOST:5432/DATABASE or sqlite:FILE";

    private static Postgres postgres(String s) {
        URI uri;
        try {
            uri = new URI(s);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("malformed PostgreSQL URL (" + e.getReason() + "); " + EXPECTED);
        }
        String host = uri.getHost();
        if (host == null || host.isEmpty()) {
            throw new IllegalArgumentException("the PostgreSQL URL names no host; " + EXPECTED);
        }
        String path = uri.getRawPath();
        if (path == null || path.length() < 2 || path.indexOf('/', 1) >= 0) {
            throw new IllegalArgumentException("the PostgreSQL URL must name one database, as in .../DATABASE; "
                    + EXPECTED);
        }
        String user = null;
        String password = null;
        String userInfo = uri.getRawUserInfo();
        if (userInfo != null) {
            int colon = userInfo.indexOf(':');
            user = decode(colon < 0 ? userInfo : userInfo.substring(0, colon));
            password = colon < 0 ? null : decode(userInfo.substring(colon + 1));
        }
        String hostPart = host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host;
        int port = uri.getPort() < 0 ? 5432 : uri.getPort();
        String query = uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery();
        return new Postgres("jdbc:postgresql://" + hostPart + ":" + port + path + query, host.replaceAll("^\\[|]$", ""),
                port, user, password);
    }

    private static String decode(String s) {
        return URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
    }
}

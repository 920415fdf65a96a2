package io.tokenport.zone.auth;

import io.tokenport.zone.admission.KeyLimits;
import io.tokenport.zone.storage.DatabaseException;

import javax.sql.DataSource;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Tenants and their API keys, in the zone's database.
 *
 * <p>A key is generated from {@link SecureRandom}, returned once by {@link #createKey}, and stored only as its
 * SHA-256: the database alone cannot be used to call the API. {@link #authenticate} hashes the presented key and
 * looks the hash up; the hash is a unique column, so the lookup is one index probe. This is the Java API behind
 * the {@code tokenport tenants} and {@code tokenport keys} commands.
 */
public final class TenantDirectory {
    private static final Pattern JURISDICTION = Pattern.compile("[A-Z]{2}");

    private final DataSource db;
    private final InstantSource clock;
    private final KeyMaterial keys;

    /** A directory on {@code db}, migrated by {@link io.tokenport.zone.storage.ZoneDatabase}. */
    public TenantDirectory(DataSource db, InstantSource clock) {
        this(db, clock, new SecureRandom());
    }

    TenantDirectory(DataSource db, InstantSource clock, SecureRandom random) {
        this.db = db;
        this.clock = clock;
        this.keys = new KeyMaterial(random);
    }

    /**
     * Registers a tenant.
     *
     * @param name         a unique name, 1 to 200 characters
     * @param jurisdiction its country as an ISO 3166 alpha-2 code ({@code SG}, {@code DE}, ...), any case
     * @throws IllegalArgumentException for a bad name or code, or a name already taken
     */
    public Tenant createTenant(String name, String jurisdiction) {
        if (name == null || name.isBlank() || name.length() > 200) {
            throw new IllegalArgumentException("tenant name must be 1 to 200 characters, got "
                    + (name == null ? "null" : name.length() + " characters"));
        }
        String country = jurisdiction == null ? "" : jurisdiction.strip().toUpperCase(Locale.ROOT);
        if (!JURISDICTION.matcher(country).matches()) {
            throw new IllegalArgumentException("jurisdiction must be an ISO 3166 two-letter country code such as SG,"
                    + " got \"" + jurisdiction + "\"");
        }
        if (findTenant(name).isPresent()) {
            throw new IllegalArgumentException("a tenant named \"" + name + "\" already exists");
        }
        Tenant tenant = new Tenant(keys.newId("ten"), name, country, now());
        update("INSERT INTO tenants (id, name, jurisdiction, created_at) VALUES (?, ?, ?, ?)",
                tenant.id(), tenant.name(), tenant.jurisdiction(), tenant.createdAt().toEpochMilli());
        return tenant;
    }

    /** The tenant named {@code name}, if any. */
    public Optional<Tenant> findTenant(String name) {
        return queryOne("SELECT id, name, jurisdiction, created_at FROM tenants WHERE name = ?",
                TenantDirectory::tenant, name);
    }

    /** All tenants, by name. */
    public List<Tenant> listTenants() {
        return query("SELECT id, name, jurisdiction, created_at FROM tenants ORDER BY name", TenantDirectory::tenant);
    }

    /**
     * Issues a new key without rate limits for the tenant named {@code tenantName}.
     *
     * @return the key; its secret is not stored and cannot be shown again
     * @throws IllegalArgumentException if there is no such tenant
     */
    public IssuedKey createKey(String tenantName) {
        return createKey(tenantName, KeyLimits.UNLIMITED);
    }

    /**
     * Issues a new key with rate limits for the tenant named {@code tenantName}.
     *
     * @return the key; its secret is not stored and cannot be shown again
     * @throws IllegalArgumentException if there is no such tenant
     */
    public IssuedKey createKey(String tenantName, KeyLimits limits) {
        Tenant tenant = findTenant(tenantName).orElseThrow(
                () -> new IllegalArgumentException("no tenant named \"" + tenantName + "\""));
        String secret = keys.newKey();
        ApiKeyInfo info = new ApiKeyInfo(keys.newId("key"), tenant.id(), now(), null, limits);
        update("INSERT INTO api_keys (id, tenant_id, key_hash, created_at, requests_per_minute, tokens_per_minute)"
                        + " VALUES (?, ?, ?, ?, ?, ?)", info.id(), info.tenantId(), KeyMaterial.hash(secret),
                info.createdAt().toEpochMilli(), limitColumn(limits.requestsPerMinute()),
                limitColumn(limits.tokensPerMinute()));
        return new IssuedKey(info, secret);
    }

    /**
     * Changes a key's rate limits; they apply from its next request.
     *
     * @return true if the key exists
     */
    public boolean setKeyLimits(String keyId, KeyLimits limits) {
        return update("UPDATE api_keys SET requests_per_minute = ?, tokens_per_minute = ? WHERE id = ?",
                limitColumn(limits.requestsPerMinute()), limitColumn(limits.tokensPerMinute()), keyId) == 1;
    }

    /**
     * Revokes a key at once: the next request that presents it gets a 401.
     *
     * @return true if the key existed and was valid until now
     */
    public boolean revokeKey(String keyId) {
        return update("UPDATE api_keys SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL",
                now().toEpochMilli(), keyId) == 1;
    }

    /** The keys of the tenant named {@code tenantName}, revoked ones included, oldest first. */
    public List<ApiKeyInfo> listKeys(String tenantName) {
        return query("SELECT k.id, k.tenant_id, k.created_at, k.revoked_at, k.requests_per_minute,"
                + " k.tokens_per_minute FROM api_keys k"
                + " JOIN tenants t ON t.id = k.tenant_id WHERE t.name = ? ORDER BY k.created_at, k.id",
                TenantDirectory::keyInfo, tenantName);
    }

    /**
     * Finds who holds {@code presentedKey}.
     *
     * @return the caller, or empty for an unknown or revoked key
     */
    public Optional<Caller> authenticate(String presentedKey) {
        if (presentedKey == null || !presentedKey.startsWith(KeyMaterial.KEY_PREFIX)) {
            return Optional.empty();
        }
        return queryOne("SELECT t.id, t.name, k.id, k.requests_per_minute, k.tokens_per_minute FROM api_keys k"
                        + " JOIN tenants t ON t.id = k.tenant_id WHERE k.key_hash = ? AND k.revoked_at IS NULL",
                rs -> new Caller(rs.getString(1), rs.getString(2), rs.getString(3), limits(rs, 4)),
                KeyMaterial.hash(presentedKey));
    }

    private Instant now() {
        // Milliseconds: what the database keeps, so a value read back equals the one returned.
        return Instant.ofEpochMilli(clock.millis());
    }

    private static Tenant tenant(ResultSet rs) throws SQLException {
        return new Tenant(rs.getString(1), rs.getString(2), rs.getString(3), Instant.ofEpochMilli(rs.getLong(4)));
    }

    private static ApiKeyInfo keyInfo(ResultSet rs) throws SQLException {
        long revoked = rs.getLong(4);
        Instant revokedAt = rs.wasNull() ? null : Instant.ofEpochMilli(revoked);
        return new ApiKeyInfo(rs.getString(1), rs.getString(2), Instant.ofEpochMilli(rs.getLong(3)), revokedAt,
                limits(rs, 5));
    }

    /** Limits from two nullable columns starting at {@code column}; NULL is no limit. */
    private static KeyLimits limits(ResultSet rs, int column) throws SQLException {
        return new KeyLimits(rs.getInt(column), rs.getInt(column + 1));
    }

    private static Integer limitColumn(int perMinute) {
        return perMinute == 0 ? null : perMinute;
    }

    @FunctionalInterface
    private interface RowReader<T> {
        T read(ResultSet rs) throws SQLException;
    }

    private int update(String sql, Object... args) {
        try (Connection c = db.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            bind(ps, args);
            return ps.executeUpdate();
        } catch (SQLException e) {
            throw new DatabaseException("tenant directory update failed: " + e.getMessage(), e);
        }
    }

    private <T> List<T> query(String sql, RowReader<T> reader, Object... args) {
        try (Connection c = db.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            bind(ps, args);
            try (ResultSet rs = ps.executeQuery()) {
                List<T> rows = new ArrayList<>();
                while (rs.next()) {
                    rows.add(reader.read(rs));
                }
                return rows;
            }
        } catch (SQLException e) {
            throw new DatabaseException("tenant directory query failed: " + e.getMessage(), e);
        }
    }

    private <T> Optional<T> queryOne(String sql, RowReader<T> reader, Object... args) {
        List<T> rows = query(sql, reader, args);
        return rows.isEmpty() ? Optional.empty() : Optional.of(rows.getFirst());
    }

    private static void bind(PreparedStatement ps, Object... args) throws SQLException {
        for (int i = 0; i < args.length; i++) {
            ps.setObject(i + 1, args[i]);
        }
    }
}

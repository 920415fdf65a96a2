package io.tokenport.zone.metering;

import io.tokenport.zone.storage.DatabaseException;

import javax.sql.DataSource;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * Writes one {@link UsageRecord} per request to the database, priced from the {@link PriceBook}.
 *
 * <p>Records carry counts and timings only, never prompt or completion text.
 */
public final class UsageMeter {
    private final DataSource db;
    private final PriceBook prices;
    private final InstantSource clock;
    private final SecureRandom random = new SecureRandom();

    /** A meter writing to {@code db}, pricing with {@code prices}, timestamping with {@code clock}. */
    public UsageMeter(DataSource db, PriceBook prices, InstantSource clock) {
        this.db = db;
        this.prices = prices;
        this.clock = clock;
    }

    /**
     * Prices and stores the usage of one request.
     *
     * @return the stored record
     */
    public UsageRecord record(String tenantId, String keyId, String model, String endpoint, int promptTokens,
                              int completionTokens, long timeToFirstTokenUs, long timePerOutputTokenUs,
                              String finishReason) {
        byte[] idBytes = new byte[12];
        random.nextBytes(idBytes);
        UsageRecord r = new UsageRecord("use_" + HexFormat.of().formatHex(idBytes), tenantId, keyId, model, endpoint,
                promptTokens, completionTokens, timeToFirstTokenUs, timePerOutputTokenUs, finishReason,
                prices.priceOf(model).microUsd(promptTokens, completionTokens),
                Instant.ofEpochMilli(clock.millis()));
        String sql = "INSERT INTO usage_records (id, tenant_id, key_id, model, endpoint, prompt_tokens,"
                + " completion_tokens, time_to_first_token_us, time_per_output_token_us, finish_reason,"
                + " price_micro_usd, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
        try (Connection c = db.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, r.id());
            ps.setString(2, r.tenantId());
            ps.setString(3, r.keyId());
            ps.setString(4, r.model());
            ps.setString(5, r.endpoint());
            ps.setInt(6, r.promptTokens());
            ps.setInt(7, r.completionTokens());
            setMicros(ps, 8, r.timeToFirstTokenUs());
            setMicros(ps, 9, r.timePerOutputTokenUs());
            ps.setString(10, r.finishReason());
            ps.setLong(11, r.priceMicroUsd());
            ps.setLong(12, r.createdAt().toEpochMilli());
            ps.executeUpdate();
        } catch (SQLException e) {
            throw new DatabaseException("cannot store usage record " + r.id() + ": " + e.getMessage(), e);
        }
        return r;
    }

    /** The records of one tenant, oldest first. */
    public List<UsageRecord> forTenant(String tenantId) {
        String sql = "SELECT id, tenant_id, key_id, model, endpoint, prompt_tokens, completion_tokens,"
                + " time_to_first_token_us, time_per_output_token_us, finish_reason, price_micro_usd, created_at"
                + " FROM usage_records WHERE tenant_id = ? ORDER BY created_at, id";
        try (Connection c = db.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, tenantId);
            try (ResultSet rs = ps.executeQuery()) {
                List<UsageRecord> rows = new ArrayList<>();
                while (rs.next()) {
                    rows.add(new UsageRecord(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4),
                            rs.getString(5), rs.getInt(6), rs.getInt(7), micros(rs, 8), micros(rs, 9),
                            rs.getString(10), rs.getLong(11), Instant.ofEpochMilli(rs.getLong(12))));
                }
                return rows;
            }
        } catch (SQLException e) {
            throw new DatabaseException("cannot read usage records: " + e.getMessage(), e);
        }
    }

    /**
     * One tenant's usage per UTC day and model, in {@code [from, to)}, oldest day first: what a usage report
     * and a monthly statement are made of.
     */
    public List<UsageSummary> summary(String tenantId, Instant from, Instant to) {
        String sql = "SELECT created_at / 86400000, model, COUNT(*), SUM(prompt_tokens), SUM(completion_tokens),"
                + " SUM(CASE WHEN finish_reason = 'cancelled' THEN 1 ELSE 0 END), SUM(price_micro_usd)"
                + " FROM usage_records WHERE tenant_id = ? AND created_at >= ? AND created_at < ?"
                + " GROUP BY created_at / 86400000, model ORDER BY 1, 2";
        try (Connection c = db.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, tenantId);
            ps.setLong(2, from.toEpochMilli());
            ps.setLong(3, to.toEpochMilli());
            try (ResultSet rs = ps.executeQuery()) {
                List<UsageSummary> rows = new ArrayList<>();
                while (rs.next()) {
                    rows.add(new UsageSummary(java.time.LocalDate.ofEpochDay(rs.getLong(1)), rs.getString(2),
                            rs.getLong(3), rs.getLong(4), rs.getLong(5), rs.getLong(6), rs.getLong(7)));
                }
                return rows;
            }
        } catch (SQLException e) {
            throw new DatabaseException("cannot read usage records: " + e.getMessage(), e);
        }
    }

    private static void setMicros(PreparedStatement ps, int index, long micros) throws SQLException {
        if (micros < 0) {
            ps.setNull(index, Types.BIGINT);
        } else {
            ps.setLong(index, micros);
        }
    }

    private static long micros(ResultSet rs, int index) throws SQLException {
        long v = rs.getLong(index);
        return rs.wasNull() ? -1 : v;
    }
}

package io.tokenport.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tokenport.zone.auth.TenantDirectory;
import io.tokenport.zone.metering.Price;
import io.tokenport.zone.metering.PriceBook;
import io.tokenport.zone.metering.UsageMeter;
import io.tokenport.zone.storage.ZoneDatabase;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code tokenport tenants|keys|report} on a real SQLite file (and once on the machine's PostgreSQL). */
class AdminCommandsTest {
    @TempDir
    Path dir;

    record Run(int exit, String out, String err) {
    }

    static Run run(Settings settings, String... args) {
        CommandLine cl = TokenPort.commandLine(settings);
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        int exit = cl.execute(args);
        return new Run(exit, out.toString(), err.toString());
    }

    private Run run(String... args) {
        return run(Settings.none(), args);
    }

    private String dataDir() {
        return dir.resolve("data").toString();
    }

    @Test
    void tenantsAreCreatedOnceAndListed() {
        Run created = run("tenants", "create", "acme", "--jurisdiction", "sg", "--data-dir", dataDir());
        assertThat(created.exit()).as(created.err()).isZero();
        assertThat(created.out().strip()).startsWith("ten_");

        Run again = run("tenants", "create", "acme", "--jurisdiction", "DE", "--data-dir", dataDir());
        assertThat(again.exit()).isEqualTo(2);
        assertThat(again.err()).contains("already exists");

        Run badCountry = run("tenants", "create", "beta", "--jurisdiction", "Singapore", "--data-dir", dataDir());
        assertThat(badCountry.exit()).isEqualTo(2);
        assertThat(badCountry.err()).contains("two-letter");

        Run list = run("tenants", "list", "--data-dir", dataDir());
        assertThat(list.out()).contains("acme").contains("SG").doesNotContain("beta");
    }

    @Test
    void keysAreShownOnceListedWithoutSecretsAndRevoked() throws Exception {
        run("tenants", "create", "acme", "--jurisdiction", "SG", "--data-dir", dataDir());
        Run created = run("keys", "create", "--tenant", "acme", "--requests-per-minute", "5", "--data-dir", dataDir());
        assertThat(created.exit()).as(created.err()).isZero();
        String[] lines = created.out().strip().split("\n");
        assertThat(lines).hasSize(2);
        String secret = lines[0].substring("api_key: ".length());
        String keyId = lines[1].substring("key_id: ".length());

        try (ZoneDatabase db = ZoneDatabase.openSqlite(dir.resolve("data/zone.db"))) {
            var caller = new TenantDirectory(db.dataSource(), InstantSource.system()).authenticate(secret);
            assertThat(caller).get().satisfies(c -> assertThat(c.limits().requestsPerMinute()).isEqualTo(5));
        }

        Run list = run("keys", "list", "--tenant", "acme", "--data-dir", dataDir());
        assertThat(list.out()).contains(keyId).contains("5").doesNotContain(secret);

        assertThat(run("keys", "revoke", keyId, "--data-dir", dataDir()).exit()).isZero();
        Run twice = run("keys", "revoke", keyId, "--data-dir", dataDir());
        assertThat(twice.exit()).isEqualTo(2);
        assertThat(twice.err()).contains("already revoked");
        try (ZoneDatabase db = ZoneDatabase.openSqlite(dir.resolve("data/zone.db"))) {
            assertThat(new TenantDirectory(db.dataSource(), InstantSource.system()).authenticate(secret)).isEmpty();
        }

        Run noTenant = run("keys", "create", "--tenant", "nobody", "--data-dir", dataDir());
        assertThat(noTenant.exit()).isEqualTo(2);
        assertThat(noTenant.err()).contains("no tenant named \"nobody\"");
    }

    @Test
    void usageReportSumsPerDayAndModelWithTotals() throws Exception {
        run("tenants", "create", "acme", "--jurisdiction", "SG", "--data-dir", dataDir());
        run("keys", "create", "--tenant", "acme", "--data-dir", dataDir());
        try (ZoneDatabase db = ZoneDatabase.openSqlite(dir.resolve("data/zone.db"))) {
            var tenants = new TenantDirectory(db.dataSource(), InstantSource.system());
            String tenantId = tenants.findTenant("acme").orElseThrow().id();
            String keyId = tenants.listKeys("acme").getFirst().id();
            PriceBook prices = new PriceBook(Map.of("m", new Price(1_000_000, 2_000_000)), new Price(0, 0));
            record(db, prices, "2026-11-01T10:00:00Z", tenantId, keyId, 100, 50, "stop");
            record(db, prices, "2026-11-01T23:59:59Z", tenantId, keyId, 10, 5, "cancelled");
            record(db, prices, "2026-11-02T00:00:00Z", tenantId, keyId, 1, 1, "length");
            record(db, prices, "2026-11-05T00:00:00Z", tenantId, keyId, 7, 7, "stop");
        }
        Run table = run("report", "usage", "--tenant", "acme", "--from", "2026-11-01", "--to", "2026-11-02",
                "--data-dir", dataDir());
        assertThat(table.exit()).as(table.err()).isZero();
        // 2026-11-01: 2 requests, 110 prompt, 55 completion, 1 cancelled, $0.000220; 2026-11-02: $0.000003.
        assertThat(table.out()).containsPattern("2026-11-01\\s+m\\s+2\\s+110\\s+55\\s+1\\s+0\\.000220")
                .containsPattern("2026-11-02\\s+m\\s+1\\s+1\\s+1\\s+0\\s+0\\.000003")
                .containsPattern("total\\s+3\\s+111\\s+56\\s+1\\s+0\\.000223")
                .doesNotContain("2026-11-05");

        Run csv = run("report", "usage", "--tenant", "acme", "--format", "csv", "--data-dir", dataDir());
        assertThat(csv.out().lines()).containsExactly("day,model,requests,prompt_tokens,completion_tokens,cancelled,usd",
                "2026-11-01,m,2,110,55,1,0.000220", "2026-11-02,m,1,1,1,0,0.000003", "2026-11-05,m,1,7,7,0,0.000021");

        Run json = run("report", "usage", "--tenant", "acme", "--format", "json", "--to", "2026-11-03T00:00:00Z",
                "--data-dir", dataDir());
        JsonNode rows = new ObjectMapper().readTree(json.out()).path("rows");
        assertThat(rows).hasSize(2);
        assertThat(rows.path(0).path("price_micro_usd").asLong()).isEqualTo(220);

        Run badDate = run("report", "usage", "--tenant", "acme", "--from", "November", "--data-dir", dataDir());
        assertThat(badDate.exit()).isEqualTo(2);
        assertThat(badDate.err()).contains("--from must be a day such as 2026-11-01");
    }

    private static void record(ZoneDatabase db, PriceBook prices, String at, String tenantId, String keyId, int prompt,
                               int completion, String reason) {
        InstantSource clock = InstantSource.fixed(Instant.parse(at));
        new UsageMeter(db.dataSource(), prices, clock).record(tenantId, keyId, "m", "completions", prompt, completion,
                1000, 100, reason);
    }

    @Test
    void settingsComeFromFlagsThenEnvironmentThenTheConfigurationFile() throws Exception {
        Path config = dir.resolve("tokenport.properties");
        Files.writeString(config, "data-dir = " + dir.resolve("from-file") + "\n");
        Settings fileOnly = Settings.load(new String[] {"--config", config.toString()}, Map.of());
        assertThat(run(fileOnly, "tenants", "create", "a", "--jurisdiction", "SG", "--config", config.toString()).exit())
                .isZero();
        assertThat(dir.resolve("from-file/zone.db")).exists();

        Settings envToo = Settings.load(new String[0], Map.of("TOKENPORT_CONFIG", config.toString(),
                "TOKENPORT_DATA_DIR", dir.resolve("from-env").toString()));
        assertThat(run(envToo, "tenants", "create", "b", "--jurisdiction", "SG").exit()).isZero();
        assertThat(dir.resolve("from-env/zone.db")).exists();

        assertThat(run(envToo, "tenants", "create", "c", "--jurisdiction", "SG", "--data-dir",
                dir.resolve("from-flag").toString()).exit()).isZero();
        assertThat(dir.resolve("from-flag/zone.db")).exists();
    }

    @Test
    void configurationFileMistakesAreNamed() throws Exception {
        Path config = dir.resolve("tokenport.properties");
        Files.writeString(config, "data_dir = /tmp/x\n");
        assertThat(org.assertj.core.api.Assertions.catchThrowable(() ->
                TokenPort.commandLine(Settings.load(new String[] {"--config=" + config}, Map.of()))))
                .hasMessageContaining("unknown key \"data_dir\"").hasMessageContaining("data-dir");

        Files.writeString(config, "prices.qwen.prompt = 0.0000001\n");
        assertThat(org.assertj.core.api.Assertions.catchThrowable(() ->
                TokenPort.commandLine(Settings.load(new String[] {"--config=" + config}, Map.of()))))
                .hasMessageContaining("more than 6 decimal places");

        Files.writeString(config, "prices.qwen.output = 1\n");
        assertThat(org.assertj.core.api.Assertions.catchThrowable(() ->
                TokenPort.commandLine(Settings.load(new String[] {"--config=" + config}, Map.of()))))
                .hasMessageContaining("prices.MODEL.prompt or prices.MODEL.completion");

        assertThat(org.assertj.core.api.Assertions.catchThrowable(() ->
                Settings.load(new String[] {"--config", dir.resolve("missing.properties").toString()}, Map.of())))
                .hasMessageContaining("configuration file not found");
    }

    @Test
    void pricesAreReadExactlyInMicroDollars() throws Exception {
        Path config = dir.resolve("tokenport.properties");
        Files.writeString(config, """
                prices.qwen2.5-0.5b-instruct.prompt = 0.15
                prices.qwen2.5-0.5b-instruct.completion = 0.6
                prices.default.prompt = 1
                prices.default.completion = 2.000001
                """);
        PriceBook book = Settings.load(new String[] {"--config", config.toString()}, Map.of()).prices();
        assertThat(book.priceOf("qwen2.5-0.5b-instruct")).isEqualTo(new Price(150_000, 600_000));
        assertThat(book.priceOf("anything-else")).isEqualTo(new Price(1_000_000, 2_000_001));
    }

    @Test
    void keysCanBeIssuedOnASharedPostgresDatabase() throws Exception {
        String name = "tokenport_cli_test_" + UUID.randomUUID().toString().replace("-", "");
        String admin = "jdbc:postgresql://127.0.0.1:5432/postgres";
        try (Connection c = DriverManager.getConnection(admin, "postgres", null); Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE " + name);
        }
        try {
            String url = "postgresql://postgres@127.0.0.1:5432/" + name;
            assertThat(run("tenants", "create", "acme", "--jurisdiction", "SG", "--database", url).exit()).isZero();
            Run key = run("keys", "create", "--tenant", "acme", "--database", url);
            assertThat(key.exit()).as(key.err()).isZero();
            assertThat(key.out()).startsWith("api_key: tp-");
        } finally {
            try (Connection c = DriverManager.getConnection(admin, "postgres", null); Statement s = c.createStatement()) {
                s.execute("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
            }
        }
    }
}

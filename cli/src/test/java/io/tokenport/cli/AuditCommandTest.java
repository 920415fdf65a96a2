package io.tokenport.cli;

import io.tokenport.zone.ZoneConfig;
import io.tokenport.zone.ZoneServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code tokenport audit key|export|verify} on the transfer log of a zone that served real requests. */
class AuditCommandTest {
    @TempDir
    Path dir;

    @Test
    void exportIsDeterministicAndVerifiesAndATamperedCopyFails() throws Exception {
        Path data = dir.resolve("data");
        try (ZoneServer zone = ZoneServer.start(ZoneConfig.builder(Path.of("../shared/models/stories260K.gguf"),
                data.resolve("zone.db")).threads(1).build())) {
            zone.tenants().createTenant("acme", "SG");
            String key = zone.tenants().createKey("acme").secret();
            HttpClient http = HttpClient.newHttpClient();
            for (String prompt : List.of("Once upon a time", "The cat", "A dog")) {
                HttpResponse<String> res = http.send(HttpRequest.newBuilder(URI.create(zone.baseUrl() + "/completions"))
                        .header("Authorization", "Bearer " + key).header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"stories260K\",\"prompt\":\"" + prompt
                                + "\",\"max_tokens\":3}")).build(), HttpResponse.BodyHandlers.ofString());
                assertThat(res.statusCode()).isEqualTo(200);
            }
        }
        // The zone publishes a last checkpoint when it stops: everything is covered.
        AdminCommandsTest.Run key = AdminCommandsTest.run(Settings.none(), "audit", "key", "--data-dir", data.toString());
        assertThat(key.exit()).as(key.err()).isZero();
        Path keyFile = dir.resolve("zone.vkey");
        Files.writeString(keyFile, key.out());

        String[] range = {"--from", "2000-01-01", "--to", "2100-01-01", "--data-dir", data.toString()};
        AdminCommandsTest.Run first = AdminCommandsTest.run(Settings.none(), concat(new String[] {"audit", "export",
                "--out", dir.resolve("b1").toString()}, range));
        assertThat(first.exit()).as(first.err()).isZero();
        assertThat(first.err()).contains("exported 3 records");
        assertThat(AdminCommandsTest.run(Settings.none(), concat(new String[] {"audit", "export", "--out",
                dir.resolve("b2").toString()}, range)).exit()).isZero();
        assertThat(tree(dir.resolve("b1"))).isEqualTo(tree(dir.resolve("b2")));
        for (Path f : tree(dir.resolve("b1"))) {
            assertThat(Files.readAllBytes(dir.resolve("b1").resolve(f))).as(f.toString())
                    .isEqualTo(Files.readAllBytes(dir.resolve("b2").resolve(f)));
        }

        AdminCommandsTest.Run ok = AdminCommandsTest.run(Settings.none(), "audit", "verify", dir.resolve("b1").toString(),
                "--key", keyFile.toString());
        assertThat(ok.exit()).as(ok.out() + ok.err()).isZero();
        assertThat(ok.out()).contains("VERIFIED").contains("manifest signed by the zone");
        assertThat(dir.resolve("b1/manifest.sig")).exists();

        Path records = dir.resolve("b2/records.jsonl");
        Files.writeString(records, Files.readString(records).replaceFirst("\"completionTokens\":3", "\"completionTokens\":2"));
        AdminCommandsTest.Run bad = AdminCommandsTest.run(Settings.none(), "audit", "verify", dir.resolve("b2").toString(),
                "--key", keyFile.toString());
        assertThat(bad.exit()).isEqualTo(1);
        assertThat(bad.out()).contains("FAILED").contains("records.jsonl");

        AdminCommandsTest.Run noLog = AdminCommandsTest.run(Settings.none(), "audit", "export", "--from", "2026-01-01",
                "--to", "2026-02-01", "--out", dir.resolve("b3").toString(), "--data-dir", dir.resolve("nothing").toString());
        assertThat(noLog.exit()).isEqualTo(2);
        assertThat(noLog.err()).contains("no transfer log here yet");
    }

    private static String[] concat(String[] a, String[] b) {
        return Stream.concat(Stream.of(a), Stream.of(b)).toArray(String[]::new);
    }

    private static List<Path> tree(Path root) throws Exception {
        try (Stream<Path> files = Files.walk(root)) {
            return files.filter(Files::isRegularFile).map(root::relativize).sorted().toList();
        }
    }
}

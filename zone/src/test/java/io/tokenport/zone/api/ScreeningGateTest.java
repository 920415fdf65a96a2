package io.tokenport.zone.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tokenport.audit.Outcome;
import io.tokenport.audit.Receipt;
import io.tokenport.audit.ScreeningVerdict;
import io.tokenport.audit.TransferRecord;
import io.tokenport.zone.RunningZone;
import io.tokenport.zone.ZoneConfig;
import io.tokenport.zone.ZoneServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The domestic personal information gate on a running zone: a request carrying a PRC resident identity number is
 * refused before any token is produced, with an error that names the kind of data and never repeats it, and its
 * transfer record says screening blocked it.
 */
class ScreeningGateTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static RunningZone zone;

    @BeforeAll
    static void start() {
        zone = RunningZone.start(RunningZone.STORIES);
    }

    @AfterAll
    static void stop() {
        zone.close();
    }

    /** A resident id with a correct GB 11643 check character, computed here independently of the zone's code. */
    static String residentId(String first17) {
        int[] weights = {7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2};
        int sum = 0;
        for (int i = 0; i < 17; i++) {
            sum += (first17.charAt(i) - '0') * weights[i];
        }
        int check = (12 - sum % 11) % 11;
        return first17 + (check == 10 ? "X" : Integer.toString(check));
    }

    private static TransferRecord record(HttpResponse<String> res) {
        Receipt receipt = Receipt.parse(res.headers().firstValue(Receipt.HEADER).orElseThrow());
        return zone.server.evidence().log().read(receipt.index());
    }

    @Test
    void aResidentIdInAChatMessageIsRefusedWithoutBeingRepeated() throws Exception {
        String id = residentId("11010519491231002");
        int usageBefore = zone.server.usage().forTenant(zone.tenant.id()).size();
        HttpResponse<String> res = zone.post("/chat/completions", "{\"model\":\"stories260K\",\"messages\":["
                + "{\"role\":\"user\",\"content\":\"请帮我核对身份证号" + id + "是否有效\"}]}", zone.key);

        assertThat(res.statusCode()).isEqualTo(400);
        JsonNode error = JSON.readTree(res.body()).path("error");
        assertThat(error.path("code").asText()).isEqualTo("domestic_personal_information");
        assertThat(error.path("type").asText()).isEqualTo("invalid_request_error");
        assertThat(error.path("param").asText()).isEqualTo("messages");
        assertThat(error.path("message").asText()).contains("resident identity number");
        assertThat(res.body()).doesNotContain(id).doesNotContain(id.substring(6, 14));

        TransferRecord r = record(res);
        assertThat(r.screeningVerdict()).isEqualTo(ScreeningVerdict.BLOCKED);
        assertThat(r.screeningRulesSha256()).isNotNull();
        assertThat(r.outcome()).isEqualTo(Outcome.refused("domestic_personal_information"));
        assertThat(r.completionTokens()).isZero();
        // Refused before the model: nothing produced, nothing metered.
        assertThat(zone.server.usage().forTenant(zone.tenant.id())).hasSize(usageBefore);
    }

    @Test
    void aNumberWithAWrongCheckCharacterAndCleanTextPass() {
        String id = residentId("11010519491231002");
        String wrong = id.substring(0, 17) + (id.endsWith("0") ? "1" : "0");
        HttpResponse<String> res = zone.post("/completions", "{\"model\":\"stories260K\",\"prompt\":\"Order "
                + wrong + " shipped\",\"max_tokens\":2}", zone.key);
        assertThat(res.statusCode()).as(res.body()).isEqualTo(200);
        TransferRecord r = record(res);
        assertThat(r.screeningVerdict()).isEqualTo(ScreeningVerdict.PASSED);
        assertThat(r.outcome()).isEqualTo(Outcome.served());
    }

    @Test
    void operatorTermsFromTheRulesFileAreRefusedAndTheirHashRecorded(@TempDir Path dir) throws Exception {
        Path rules = dir.resolve("rules.json");
        Files.writeString(rules, "{\"version\":\"2026-11\",\"patterns\":[],\"terms\":[\"Project Lotus\"]}");
        try (ZoneServer z = ZoneServer.start(ZoneConfig.builder(RunningZone.STORIES, dir.resolve("zone.db")).threads(1)
                .screeningRules(rules).build())) {
            z.tenants().createTenant("acme", "SG");
            String key = z.tenants().createKey("acme").secret();
            var http = java.net.http.HttpClient.newHttpClient();
            HttpResponse<String> res = http.send(java.net.http.HttpRequest.newBuilder(
                            java.net.URI.create(z.baseUrl() + "/completions"))
                    .header("Authorization", "Bearer " + key).header("Content-Type", "application/json")
                    .POST(java.net.http.HttpRequest.BodyPublishers.ofString(
                            "{\"model\":\"stories260K\",\"prompt\":\"the plans of project lotus\"}")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(res.statusCode()).isEqualTo(400);
            assertThat(res.body()).contains("domestic_personal_information").doesNotContain("otus");
            Receipt receipt = Receipt.parse(res.headers().firstValue(Receipt.HEADER).orElseThrow());
            TransferRecord r = z.evidence().log().read(receipt.index());
            assertThat(r.screeningRulesSha256().hex())
                    .isEqualTo(io.tokenport.zone.screening.ScreeningRules.load(rules).hash());
        }
    }
}

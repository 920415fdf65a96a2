package io.tokenport.zone.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tokenport.audit.Checkpoint;
import io.tokenport.audit.Digest;
import io.tokenport.audit.MerkleProofs;
import io.tokenport.audit.Outcome;
import io.tokenport.audit.Receipt;
import io.tokenport.audit.ScreeningVerdict;
import io.tokenport.audit.SignedCheckpoint;
import io.tokenport.audit.TransferRecord;
import io.tokenport.audit.VerifierKey;
import io.tokenport.zone.RunningZone;
import io.tokenport.zone.evidence.TransferEvidence;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every answer of a running zone carries a signed receipt of its transfer record, and the record holds exactly
 * the hashes and counts of what crossed the boundary.
 */
class TransferEvidenceTest {
    private static RunningZone zone;
    private static VerifierKey key;
    private static final ObjectMapper JSON = new ObjectMapper();

    @BeforeAll
    static void start() throws Exception {
        zone = RunningZone.start(RunningZone.STORIES);
        key = VerifierKey.parse(Files.readString(zone.dir.resolve("evidence").resolve(TransferEvidence.VERIFIER_KEY_FILE)).strip());
    }

    @AfterAll
    static void stop() {
        zone.close();
    }

    private static TransferRecord recordOf(Receipt receipt) {
        receipt.verify(key);
        TransferRecord record = zone.server.evidence().log().read(receipt.index());
        receipt.verify(key, record);
        return record;
    }

    @Test
    void servedCompletionIsRecordedWithTheHashesOfBothBodies() {
        String body = "{\"model\":\"stories260K\",\"prompt\":\"Once upon a time\",\"max_tokens\":5,\"temperature\":0}";
        HttpResponse<String> res = zone.post("/completions", body, zone.key);
        assertThat(res.statusCode()).isEqualTo(200);

        TransferRecord record = recordOf(Receipt.parse(res.headers().firstValue(Receipt.HEADER).orElseThrow()));
        assertThat(record.outcome()).isEqualTo(Outcome.served());
        assertThat(record.tenant()).isEqualTo(zone.tenant.id());
        assertThat(record.requestSha256()).isEqualTo(Digest.sha256(body.getBytes(StandardCharsets.UTF_8)));
        assertThat(record.responseSha256()).isEqualTo(Digest.sha256(res.body().getBytes(StandardCharsets.UTF_8)));
        assertThat(record.bytesIn()).isEqualTo(body.length());
        assertThat(record.bytesOut()).isEqualTo(res.body().getBytes(StandardCharsets.UTF_8).length);
        assertThat(record.completionTokens()).isEqualTo(5);
        assertThat(record.promptTokens()).isPositive();
        assertThat(record.modelSha256().hex()).isEqualTo(zone.server.model().sha256());
        assertThat(record.edgeId()).isEqualTo("loopback");
        assertThat(record.departedAtMillis()).isGreaterThanOrEqualTo(record.arrivedAtMillis());
    }

    @Test
    void refusedRequestIsRecordedAsARefusalWithItsReason() {
        String body = "{\"model\":\"stories260K\",\"prompt\":\"x\"}";
        HttpResponse<String> res = zone.post("/completions", body, "tp-not-a-key");
        assertThat(res.statusCode()).isEqualTo(401);
        TransferRecord record = recordOf(Receipt.parse(res.headers().firstValue(Receipt.HEADER).orElseThrow()));
        assertThat(record.outcome()).isEqualTo(Outcome.refused("invalid_api_key"));
        assertThat(record.tenant()).isEqualTo("unauthenticated");
        assertThat(record.requestSha256()).isEqualTo(Digest.sha256(body.getBytes(StandardCharsets.UTF_8)));
        assertThat(record.screeningVerdict()).isEqualTo(ScreeningVerdict.NOT_SCREENED);
        assertThat(record.completionTokens()).isZero();

        HttpResponse<String> unknown = zone.post("/nothing-here", "{}", zone.key);
        assertThat(recordOf(Receipt.parse(unknown.headers().firstValue(Receipt.HEADER).orElseThrow())).outcome())
                .isEqualTo(Outcome.refused("unknown_url"));
    }

    @Test
    void streamEndsWithItsReceiptBeforeDoneAndTheHashCoversEverythingBeforeIt() {
        String body = "{\"model\":\"stories260K\",\"prompt\":\"Once upon a time\",\"max_tokens\":6,\"temperature\":0,"
                + "\"stream\":true}";
        HttpResponse<String> res = zone.post("/completions", body, zone.key);
        assertThat(res.statusCode()).isEqualTo(200);
        String text = res.body();
        int receiptAt = text.indexOf(": tokenport-receipt ");
        assertThat(receiptAt).as(text).isPositive();
        String receiptLine = text.substring(receiptAt, text.indexOf('\n', receiptAt));
        assertThat(text.substring(text.indexOf('\n', receiptAt))).isEqualTo("\n\ndata: [DONE]\n\n");

        TransferRecord record = recordOf(Receipt.parse(receiptLine));
        byte[] before = text.substring(0, receiptAt).getBytes(StandardCharsets.UTF_8);
        assertThat(record.responseSha256()).isEqualTo(Digest.sha256(before));
        assertThat(record.bytesOut()).isEqualTo(before.length);
        assertThat(record.completionTokens()).isEqualTo(6);
    }

    @Test
    void inclusionAndConsistencyProofsFromTheApiVerifyAgainstSignedCheckpoints() throws Exception {
        List<Receipt> receipts = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            HttpResponse<String> res = zone.post("/completions",
                    "{\"model\":\"stories260K\",\"prompt\":\"Hello\",\"max_tokens\":1}", zone.key);
            receipts.add(Receipt.parse(res.headers().firstValue(Receipt.HEADER).orElseThrow()));
        }
        JsonNode first = get("/evidence/checkpoint");
        Checkpoint older = SignedCheckpoint.open(first.path("checkpoint").asText().getBytes(StandardCharsets.UTF_8), key)
                .checkpoint();

        for (Receipt r : receipts) {
            JsonNode proof = get("/evidence/inclusion?index=" + r.index());
            Checkpoint c = SignedCheckpoint.open(proof.path("checkpoint").asText().getBytes(StandardCharsets.UTF_8), key)
                    .checkpoint();
            assertThat(proof.path("leaf_hash").asText()).isEqualTo(r.leafHash().base64());
            MerkleProofs.verifyInclusion(r.index(), c.size(), r.leafHash(), hashes(proof.path("proof")), c.root());
        }

        zone.post("/completions", "{\"model\":\"stories260K\",\"prompt\":\"More\",\"max_tokens\":1}", zone.key);
        Checkpoint newer = SignedCheckpoint.open(get("/evidence/checkpoint").path("checkpoint").asText()
                .getBytes(StandardCharsets.UTF_8), key).checkpoint();
        assertThat(newer.size()).isGreaterThan(older.size());
        JsonNode consistency = get("/evidence/consistency?first=" + older.size() + "&second=" + newer.size());
        MerkleProofs.verifyConsistency(older.size(), newer.size(), older.root(), newer.root(),
                hashes(consistency.path("proof")));

        HttpResponse<String> bad = zone.send(HttpRequest.newBuilder(URI.create(zone.server.baseUrl()
                + "/evidence/inclusion?index=999999")).header("Authorization", "Bearer " + zone.key).build());
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(bad.body()).path("error").path("param").asText()).isEqualTo("index");
    }

    private static JsonNode get(String path) throws Exception {
        HttpResponse<String> res = zone.send(HttpRequest.newBuilder(URI.create(zone.server.baseUrl() + path))
                .header("Authorization", "Bearer " + zone.key).build());
        assertThat(res.statusCode()).as(res.body()).isEqualTo(200);
        assertThat(res.headers().firstValue(Receipt.HEADER)).isPresent();
        return JSON.readTree(res.body());
    }

    private static List<Digest> hashes(JsonNode array) {
        List<Digest> out = new ArrayList<>();
        array.forEach(n -> out.add(Digest.fromBase64(n.asText(), "proof hash")));
        return out;
    }
}

package io.tokenport.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class TransferRecordTest {

    @Test
    void canonicalBytesFollowTheDocumentedLayout() {
        Digest a = Digest.sha256(new byte[] {1});
        Digest b = Digest.sha256(new byte[] {2});
        Digest c = Digest.sha256(new byte[] {3});
        TransferRecord r = new TransferRecord("r1", "t", "e", "SG", 1000, 1500, 10, 20, a, b, null, 3, 4,
                ScreeningVerdict.PASSED, c, Outcome.refused("x"));
        ByteArrayOutputStream expected = new ByteArrayOutputStream();
        expected.write(1);
        for (String s : new String[] {"r1", "t", "e", "SG"}) {
            expected.write(0);
            expected.write(s.length());
            expected.writeBytes(s.getBytes(StandardCharsets.UTF_8));
        }
        ByteBuffer longs = ByteBuffer.allocate(32).putLong(1000).putLong(1500).putLong(10).putLong(20);
        expected.writeBytes(longs.array());
        expected.writeBytes(a.bytes());
        expected.writeBytes(b.bytes());
        expected.write(0);
        expected.writeBytes(ByteBuffer.allocate(16).putLong(3).putLong(4).array());
        expected.write(1);
        expected.write(1);
        expected.writeBytes(c.bytes());
        expected.write(2);
        expected.writeBytes(new byte[] {0, 1, 'x'});
        assertThat(r.canonicalBytes()).isEqualTo(expected.toByteArray());
        assertThat(r.leafHash()).isEqualTo(MerkleHashes.leafHash(expected.toByteArray()));
    }

    @Test
    void decodingIsTheInverseOfEncoding() {
        for (int i = 0; i < 50; i++) {
            TransferRecord r = Records.sample(i);
            byte[] bytes = r.canonicalBytes();
            assertThat(TransferRecord.fromCanonicalBytes(bytes)).isEqualTo(r);
            assertThat(RecordJson.fromJson(RecordJson.toJson(r))).isEqualTo(r);
        }
    }

    @Test
    void everyTruncationIsReportedWithFieldAndOffset() {
        byte[] bytes = Records.sample(3).canonicalBytes();
        for (int length = 0; length < bytes.length; length++) {
            byte[] cut = Arrays.copyOf(bytes, length);
            assertThatThrownBy(() -> TransferRecord.fromCanonicalBytes(cut))
                    .as("truncated to %d bytes", length)
                    .isInstanceOf(AuditException.class)
                    .hasMessageMatching("transfer record( truncated)?: .*(field|version).*");
        }
    }

    @Test
    void trailingBytesBadFlagsAndUnknownVersionAreRejected() {
        byte[] bytes = Records.sample(1).canonicalBytes();
        byte[] longer = Arrays.copyOf(bytes, bytes.length + 1);
        assertThatThrownBy(() -> TransferRecord.fromCanonicalBytes(longer))
                .hasMessageContaining("1 unexpected bytes after the last field");
        byte[] version = bytes.clone();
        version[0] = 9;
        assertThatThrownBy(() -> TransferRecord.fromCanonicalBytes(version))
                .hasMessageContaining("unknown encoding version 9");
        // The model hash presence flag sits after 1 + four strings + 4 longs + 2 hashes.
        int flagAt = 1 + (2 + "req-1".length()) + (2 + "tenant-1".length()) + (2 + "edge-sg-1".length())
                + (2 + 2) + 32 + 64;
        byte[] flag = bytes.clone();
        assertThat(flag[flagAt]).isEqualTo((byte) 1);
        flag[flagAt] = 7;
        assertThatThrownBy(() -> TransferRecord.fromCanonicalBytes(flag))
                .hasMessageContaining("modelSha256 has presence flag 7 at byte " + flagAt);
    }

    @Test
    void invalidRecordsAreRefusedWithTheFieldName() {
        Digest h = Digest.sha256(new byte[0]);
        assertThatThrownBy(() -> new TransferRecord("", "t", "e", "SG", 1, 2, 0, 0, h, h, null, 0, 0,
                ScreeningVerdict.PASSED, null, Outcome.served())).hasMessageContaining("requestId is empty");
        assertThatThrownBy(() -> new TransferRecord("r", "t", "e", "SG", 5, 2, 0, 0, h, h, null, 0, 0,
                ScreeningVerdict.PASSED, null, Outcome.served())).hasMessageContaining("before arrivedAtMillis");
        assertThatThrownBy(() -> new TransferRecord("r", "t", "e", "SG", 1, 2, 0, -1, h, h, null, 0, 0,
                ScreeningVerdict.PASSED, null, Outcome.served())).hasMessageContaining("bytesOut is negative");
        assertThatThrownBy(() -> new TransferRecord("r", "t\uD800", "e", "SG", 1, 2, 0, 0, h, h, null, 0, 0,
                ScreeningVerdict.PASSED, null, Outcome.served())).hasMessageContaining("unpaired surrogate");
        assertThatThrownBy(() -> new TransferRecord("r".repeat(1025), "t", "e", "SG", 1, 2, 0, 0, h, h, null,
                0, 0, ScreeningVerdict.PASSED, null, Outcome.served())).hasMessageContaining("at most 1024");
    }

    @Test
    void jsonWithUnknownOrMalformedFieldsIsRejected() throws Exception {
        var json = RecordJson.toJson(Records.sample(2));
        var extra = json.deepCopy().put("prompt", "secret");
        assertThatThrownBy(() -> RecordJson.fromJson(extra)).hasMessageContaining("unknown field \"prompt\"");
        var badTime = json.deepCopy().put("arrivedAt", "yesterday");
        assertThatThrownBy(() -> RecordJson.fromJson(badTime)).hasMessageContaining("not an ISO-8601 instant");
        var badHash = json.deepCopy().put("requestSha256", "abc");
        assertThatThrownBy(() -> RecordJson.fromJson(badHash)).hasMessageContaining("64 hex digits");
        var missing = json.deepCopy();
        missing.remove("tenant");
        assertThatThrownBy(() -> RecordJson.fromJson(missing)).hasMessageContaining("missing field \"tenant\"");
    }
}

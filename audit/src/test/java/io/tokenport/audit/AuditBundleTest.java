package io.tokenport.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Export a real log, verify the bundle, then tamper with each kind of evidence and see it caught. */
class AuditBundleTest {

    private static final long T0 = 1_764_300_000_000L;

    @TempDir
    Path tmp;

    private final SigningKey key = SigningKey.generate("zone.example/audit");
    private Path logDir;
    private Path bundle;
    private AuditExporter.Summary summary;

    @BeforeEach
    void exportABundle() {
        logDir = tmp.resolve("log");
        bundle = tmp.resolve("bundle");
        try (TransferLog log = TransferLog.open(logDir)) {
            Checkpointer checkpointer = new Checkpointer(log, key);
            for (int i = 0; i < 60; i++) {
                log.append(Records.sample(i, T0 + i * 1000L));
                if (i == 9 || i == 24 || i == 39 || i == 54) {
                    checkpointer.publish();
                }
            }
            // Records 55..59 are after the latest checkpoint.
            summary = new AuditExporter(log, key.verifierKey()).export(Instant.ofEpochMilli(T0 + 5_000),
                    Instant.ofEpochMilli(T0 + 58_000), bundle);
        }
    }

    @Test
    void anExportedBundleVerifies() {
        assertThat(summary).isEqualTo(new AuditExporter.Summary(50, 55, 4, 3));
        VerificationReport report = AuditVerifier.verify(bundle, key.verifierKey());
        assertThat(report.failures()).isEmpty();
        assertThat(report.ok()).isTrue();
        assertThat(report.checkpoints()).isEqualTo(4);
        assertThat(report.consistencyProofs()).isEqualTo(3);
        assertThat(report.records()).isEqualTo(50);
        assertThat(AuditVerifier.verify(bundle).keyFromBundle()).isTrue();
    }

    @Test
    void aSignedManifestIsTheZonesStatementThatNothingIsMissingAndAnyChangeToItIsCaught() throws IOException {
        assertThat(AuditVerifier.verify(bundle, key.verifierKey()).manifestSigned()).isFalse();
        Path signed = tmp.resolve("signed");
        Path again = tmp.resolve("signed-again");
        try (TransferLog log = TransferLog.open(logDir)) {
            new AuditExporter(log, key).export(Instant.ofEpochMilli(T0 + 5_000), Instant.ofEpochMilli(T0 + 58_000),
                    signed);
            new AuditExporter(log, key).export(Instant.ofEpochMilli(T0 + 5_000), Instant.ofEpochMilli(T0 + 58_000),
                    again);
        }
        VerificationReport report = AuditVerifier.verify(signed, key.verifierKey());
        assertThat(report.failures()).isEmpty();
        assertThat(report.manifestSigned()).isTrue();
        assertThat(report.toString()).contains("manifest signed by the zone");
        // Deterministic signatures: a regenerated signed bundle is byte-identical too.
        assertThat(Files.readAllBytes(again.resolve(Bundle.MANIFEST_SIGNATURE)))
                .isEqualTo(Files.readAllBytes(signed.resolve(Bundle.MANIFEST_SIGNATURE)));

        // Someone drops a record and rewrites the manifest to match: the zone's signature no longer covers it.
        Path records = signed.resolve(Bundle.RECORDS);
        List<String> lines = Files.readAllLines(records);
        Files.write(records, lines.subList(1, lines.size()));
        Files.writeString(signed.resolve(Bundle.MANIFEST), Bundle.manifest(signed));
        VerificationReport dropped = AuditVerifier.verify(signed, key.verifierKey());
        assertThat(dropped.manifestSigned()).isFalse();
        assertThat(dropped.failures()).anySatisfy(f -> {
            assertThat(f.subject()).isEqualTo(Bundle.MANIFEST_SIGNATURE);
            assertThat(f.detail()).contains("signs another manifest");
        });

        // A signature by another key is refused too.
        SigningKey other = SigningKey.generate(key.name());
        Files.writeString(signed.resolve(Bundle.MANIFEST_SIGNATURE), SignedNote.sign(Bundle.MANIFEST_NOTE_HEADER
                + Files.readString(signed.resolve(Bundle.MANIFEST)), other));
        assertThat(AuditVerifier.verify(signed, key.verifierKey()).failures())
                .anySatisfy(f -> assertThat(f.check()).isEqualTo("manifest signature"));
    }

    @Test
    void regeneratingTheBundleGivesIdenticalBytes() throws IOException {
        Path again = tmp.resolve("again");
        try (TransferLog log = TransferLog.open(logDir)) {
            new AuditExporter(log, key.verifierKey()).export(Instant.ofEpochMilli(T0 + 5_000),
                    Instant.ofEpochMilli(T0 + 58_000), again);
        }
        List<String> files = Bundle.files(bundle);
        assertThat(Bundle.files(again)).isEqualTo(files);
        assertThat(files).contains("manifest.sha256", "verifier.key", "records.jsonl", "export.txt",
                "checkpoints/00000000000000000055.note", "consistency/00000000000000000040-00000000000000000055.txt");
        for (String f : files) {
            assertThat(Files.readAllBytes(again.resolve(f))).as(f).isEqualTo(Files.readAllBytes(bundle.resolve(f)));
        }
    }

    @Test
    void exportingIntoANonEmptyDirectoryOrWithoutCheckpointsIsRefused() throws IOException {
        try (TransferLog log = TransferLog.open(logDir)) {
            assertThatThrownBy(() -> new AuditExporter(log, key.verifierKey()).export(Instant.EPOCH, Instant.now(),
                    bundle)).hasMessageContaining("is not empty");
        }
        try (TransferLog empty = TransferLog.open(tmp.resolve("empty"))) {
            assertThatThrownBy(() -> new AuditExporter(empty, key.verifierKey()).export(Instant.EPOCH,
                    Instant.now(), tmp.resolve("b2"))).hasMessageContaining("no published checkpoint");
        }
    }

    @Test
    void aChangedRecordFailsItsInclusionProof() throws IOException {
        replaceInLine(Bundle.RECORDS, 3, "\"tenant\":\"tenant-2\"", "\"tenant\":\"tenant-4\"");
        assertOnlyFailure(true, "records.jsonl line 3 (record 7, request req-7)", "inclusion");
    }

    @Test
    void aChangedInclusionProofFails() throws IOException {
        String records = read(Bundle.RECORDS);
        String line = records.split("\n")[9];
        String firstHash = line.substring(line.indexOf("\"inclusionProof\":[\"") + 19).substring(0, 44);
        String changed = (firstHash.charAt(0) == 'A' ? "B" : "A") + firstHash.substring(1);
        replaceInLine(Bundle.RECORDS, 10, firstHash, changed);
        assertOnlyFailure(true, "records.jsonl line 10 (record 14, request req-14)", "inclusion");
    }

    @Test
    void aMalformedInclusionProofIsReportedAsSuch() throws IOException {
        String line = read(Bundle.RECORDS).split("\n")[0];
        String firstHash = line.substring(line.indexOf("\"inclusionProof\":[\"") + 19).substring(0, 44);
        replaceInLine(Bundle.RECORDS, 1, "\"" + firstHash + "\"", "42");
        assertOnlyFailure(true, "records.jsonl line 1 (record 5, request req-5)", "inclusion");
    }

    @Test
    void aChangedCheckpointFailsItsSignature() throws IOException {
        String f = "checkpoints/00000000000000000025.note";
        String note = read(f);
        write(f, note.replaceFirst("\n25\n", "\n26\n"));
        VerificationReport report = AuditVerifier.verify(bundle, key.verifierKey());
        assertThat(report.failures()).anySatisfy(x -> {
            assertThat(x.subject()).isEqualTo(f);
            assertThat(x.check()).isEqualTo("checkpoint signature");
            assertThat(x.detail()).contains("does not verify");
        });
        assertThat(report.failures()).anySatisfy(x -> assertThat(x.check()).isEqualTo("manifest"));
    }

    @Test
    void aValidlySignedCheckpointOfAnotherHistoryFailsConsistency() throws IOException {
        // The zone's own key signing a forked tree: only the consistency check can catch it.
        String f = "checkpoints/00000000000000000025.note";
        SignedCheckpoint forged = new Checkpoint(key.name(), 25, Digest.sha256(new byte[] {9})).sign(key);
        Files.write(bundle.resolve(f), forged.bytes());
        rewriteManifest();
        VerificationReport report = AuditVerifier.verify(bundle, key.verifierKey());
        assertThat(report.failures()).extracting(VerificationReport.Failure::check).containsOnly("consistency");
        assertThat(report.failures()).extracting(VerificationReport.Failure::subject).containsExactly(
                "consistency/00000000000000000010-00000000000000000025.txt",
                "consistency/00000000000000000025-00000000000000000040.txt");
    }

    @Test
    void aChangedConsistencyProofFails() throws IOException {
        String f = "consistency/00000000000000000040-00000000000000000055.txt";
        String proof = read(f);
        write(f, (proof.charAt(0) == 'A' ? "B" : "A") + proof.substring(1));
        assertOnlyFailure(true, f, "consistency");
    }

    @Test
    void aMissingConsistencyProofIsReported() throws IOException {
        String f = "consistency/00000000000000000010-00000000000000000025.txt";
        Files.delete(bundle.resolve(f));
        assertOnlyFailure(true, f, "consistency");
    }

    @Test
    void aDroppedRecordIsReportedByTheCount() throws IOException {
        String records = read(Bundle.RECORDS);
        write(Bundle.RECORDS, records.substring(records.indexOf('\n') + 1));
        assertOnlyFailure(true, Bundle.RECORDS, "export range");
    }

    @Test
    void anUnlistedOrChangedFileIsReportedByTheManifest() throws IOException {
        write("extra.txt", "hello\n");
        VerificationReport report = AuditVerifier.verify(bundle, key.verifierKey());
        assertThat(report.failures()).containsExactly(
                new VerificationReport.Failure("extra.txt", "manifest", "file not listed in the manifest"));
    }

    @Test
    void theWrongTrustedKeyFailsTheKeyAndEverySignature() {
        VerifierKey other = SigningKey.generate("zone.example/audit").verifierKey();
        VerificationReport report = AuditVerifier.verify(bundle, other);
        assertThat(report.failures()).extracting(VerificationReport.Failure::check)
                .contains("verifier key", "checkpoint signature");
        assertThat(report.ok()).isFalse();
        assertThat(report.toString()).startsWith("FAILED");
    }

    /** Asserts the one semantic failure, with and without a consistent manifest. */
    private void assertOnlyFailure(boolean alsoManifest, String subject, String check) throws IOException {
        VerificationReport report = AuditVerifier.verify(bundle, key.verifierKey());
        assertThat(report.failures()).filteredOn(f -> !f.check().equals("manifest"))
                .extracting(VerificationReport.Failure::subject, VerificationReport.Failure::check)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(subject, check));
        if (alsoManifest) {
            assertThat(report.failures()).anySatisfy(f -> assertThat(f.check()).isEqualTo("manifest"));
        }
        rewriteManifest();
        VerificationReport withManifest = AuditVerifier.verify(bundle, key.verifierKey());
        assertThat(withManifest.failures())
                .extracting(VerificationReport.Failure::subject, VerificationReport.Failure::check)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(subject, check));
    }

    private void replaceInLine(String file, int lineNo, String from, String to) throws IOException {
        String[] lines = read(file).split("\n", -1);
        assertThat(lines[lineNo - 1]).contains(from);
        lines[lineNo - 1] = lines[lineNo - 1].replace(from, to);
        write(file, String.join("\n", lines));
    }

    private void rewriteManifest() throws IOException {
        write(Bundle.MANIFEST, Bundle.manifest(bundle));
    }

    private String read(String f) throws IOException {
        return Files.readString(bundle.resolve(f), StandardCharsets.UTF_8);
    }

    private void write(String f, String text) throws IOException {
        Files.writeString(bundle.resolve(f), text, StandardCharsets.UTF_8);
    }
}

package io.tokenport.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CheckpointAndReceiptTest {

    @TempDir
    Path tmp;

    private final SigningKey key = SigningKey.generate("zone.example/audit");

    @Test
    void checkpointTextFollowsTheTlogCheckpointFormat() {
        Digest root = MerkleHashes.emptyRoot();
        Checkpoint c = new Checkpoint("zone.example/audit", 0, root);
        assertThat(c.text()).isEqualTo("zone.example/audit\n0\n47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=\n");
        SignedCheckpoint signed = c.sign(key);
        assertThat(signed.note()).startsWith(c.text() + "\n\u2014 zone.example/audit ");
        assertThat(SignedCheckpoint.open(signed.bytes(), key.verifierKey()).checkpoint()).isEqualTo(c);
    }

    @Test
    void malformedCheckpointsAreRejectedWithTheLine() {
        assertThatThrownBy(() -> Checkpoint.parse("o\n007\nAA==\n")).hasMessageContaining("leading zeros");
        assertThatThrownBy(() -> Checkpoint.parse("o\n7\n")).hasMessageContaining("expected 3 lines");
        assertThatThrownBy(() -> Checkpoint.parse("o\n7\nAA==\n")).hasMessageContaining("expected 32 bytes");
        assertThatThrownBy(() -> Checkpoint.parse("o\n7\nAA==")).hasMessageContaining("newline");
    }

    @Test
    void publishingStoresEveryCheckpointAndSkipsUnchangedSizes() {
        Path dir = tmp.resolve("log");
        try (TransferLog log = TransferLog.open(dir)) {
            Checkpointer checkpointer = new Checkpointer(log, key);
            SignedCheckpoint empty = checkpointer.publish();
            assertThat(empty.checkpoint().size()).isZero();
            log.append(Records.sample(0));
            log.append(Records.sample(1));
            SignedCheckpoint two = checkpointer.publish();
            assertThat(checkpointer.publish()).isSameAs(two);
            assertThat(two.checkpoint().root()).isEqualTo(log.rootHash(2));
            assertThat(Checkpointer.published(dir, key.verifierKey())).containsExactly(empty, two);
        }
    }

    @Test
    void checkpointsPublishedDuringConcurrentAppendsAreAllConsistent() throws Exception {
        Path dir = tmp.resolve("log");
        try (TransferLog log = TransferLog.open(dir);
                var executor = java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor()) {
            Checkpointer checkpointer = new Checkpointer(log, key);
            List<java.util.concurrent.Future<?>> appenders = new java.util.ArrayList<>();
            for (int t = 0; t < 16; t++) {
                int first = t * 50;
                appenders.add(executor.submit(() -> {
                    for (int i = 0; i < 50; i++) {
                        log.append(Records.sample(first + i));
                    }
                }));
            }
            var publisher = executor.submit(() -> {
                while (!appenders.stream().allMatch(java.util.concurrent.Future::isDone)) {
                    checkpointer.publish();
                }
            });
            for (var f : appenders) {
                f.get();
            }
            publisher.get();
            checkpointer.publish();
            List<SignedCheckpoint> all = Checkpointer.published(dir, key.verifierKey());
            long size = log.size();
            assertThat(size).isEqualTo(800);
            assertThat(all.get(all.size() - 1).checkpoint().size()).isEqualTo(800);
            long previous = -1;
            for (SignedCheckpoint signed : all) {
                Checkpoint c = signed.checkpoint();
                assertThat(c.size()).isGreaterThan(previous);
                previous = c.size();
                assertThat(c.root()).isEqualTo(log.rootHash(c.size()));
                MerkleProofs.verifyConsistency(c.size(), size, c.root(), log.rootHash(size),
                        log.consistencyProof(c.size(), size));
            }
        }
    }

    @Test
    void scheduledPublishingPublishesNewSizes() throws Exception {
        try (TransferLog log = TransferLog.open(tmp.resolve("log"));
                Checkpointer checkpointer = new Checkpointer(log, key)) {
            log.append(Records.sample(0));
            checkpointer.start(java.time.Duration.ofMillis(10));
            // Waits for the event, with no time limit of its own: the build's timeout is the backstop.
            while (checkpointer.latest() == null || checkpointer.latest().checkpoint().size() != 1) {
                Thread.sleep(5);
            }
            assertThat(checkpointer.latest().checkpoint().root()).isEqualTo(log.rootHash(1));
        }
    }

    @Test
    void aLogThatDoesNotExtendItsPublishedCheckpointIsRefused() throws Exception {
        Path dir = tmp.resolve("log");
        try (TransferLog log = TransferLog.open(dir)) {
            log.append(Records.sample(0));
            new Checkpointer(log, key).publish();
        }
        // Replace the log with a different history, keeping the published checkpoint.
        Path other = tmp.resolve("other");
        try (TransferLog log = TransferLog.open(other)) {
            log.append(Records.sample(1));
        }
        Files.copy(other.resolve(TransferLog.RECORDS), dir.resolve(TransferLog.RECORDS),
                java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        Files.copy(other.resolve(TransferLog.LEAVES), dir.resolve(TransferLog.LEAVES),
                java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        Files.copy(other.resolve(TreeState.FILE), dir.resolve(TreeState.FILE),
                java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        try (TransferLog log = TransferLog.open(dir)) {
            assertThatThrownBy(() -> new Checkpointer(log, key)).hasMessageContaining("does not extend checkpoint 1");
        }
    }

    @Test
    void receiptsRoundTripThroughHeaderAndSseFormsAndVerify() {
        ReceiptSigner signer = new ReceiptSigner(key);
        TransferRecord record = Records.sample(4);
        Receipt receipt = signer.sign(new Appended(41, record.leafHash()));
        assertThat(receipt.compact()).startsWith("v1 zone.example/audit 41 " + record.leafHash().base64() + " ");
        assertThat(receipt.sseComment()).startsWith(": tokenport-receipt v1 ");
        assertThat(Receipt.parse(receipt.compact())).isEqualTo(receipt);
        assertThat(Receipt.parse(receipt.sseComment())).isEqualTo(receipt);
        receipt.verify(key.verifierKey(), record);
        assertThatThrownBy(() -> receipt.verify(key.verifierKey(), Records.sample(5)))
                .hasMessageContaining("different record");
        assertThatThrownBy(() -> receipt.verify(SigningKey.generate("zone.example/audit").verifierKey()))
                .hasMessageContaining("not by the trusted key");
    }

    @Test
    void changingAnyCharacterOfAReceiptIsDetected() {
        Receipt receipt = new ReceiptSigner(key).sign(new Appended(7, Records.sample(7).leafHash()));
        String text = receipt.compact();
        for (int i = 0; i < text.length(); i++) {
            char replacement = text.charAt(i) == 'A' ? 'B' : 'A';
            String altered = text.substring(0, i) + replacement + text.substring(i + 1);
            assertThatThrownBy(() -> Receipt.parse(altered).verify(key.verifierKey()))
                    .as("changed character %d", i)
                    .isInstanceOf(AuditException.class);
        }
    }

    /**
     * Base64 leaves some bits of a last character unused; the JDK's decoder ignores them, so without a check
     * {@code ...A=} and {@code ...B=} would be one receipt spelled two ways (and the test above would pass or fail
     * with the random key, whenever a signature ended in A).
     */
    @Test
    void aReceiptWhoseBase64HasUnusedBitsSetIsRefused() {
        Receipt receipt = new ReceiptSigner(key).sign(new Appended(7, Records.sample(7).leafHash()));
        String text = receipt.compact();
        String[] parts = text.split(" ");
        for (int part : new int[] {3, 4}) { // the leaf hash (one '=' of padding) and the signature (two)
            String b64 = parts[part];
            int last = b64.indexOf('=') - 1;
            String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
            int value = alphabet.indexOf(b64.charAt(last));
            String spare = b64.substring(0, last) + alphabet.charAt(value ^ 1) + b64.substring(last + 1);
            assertThat(java.util.Base64.getDecoder().decode(spare)).as("the JDK decodes both spellings alike")
                    .isEqualTo(java.util.Base64.getDecoder().decode(b64));
            String[] altered = parts.clone();
            altered[part] = spare;
            assertThatThrownBy(() -> Receipt.parse(String.join(" ", altered)))
                    .isInstanceOf(AuditException.class).hasMessageContaining("canonical");
        }
    }

    @Test
    void aReceiptSignatureCannotPassForACheckpointSignature() {
        Receipt receipt = new ReceiptSigner(key).sign(new Appended(0, Records.sample(0).leafHash()));
        String message = new String(receipt.message(), StandardCharsets.UTF_8);
        assertThat(message.lines().findFirst().orElseThrow()).contains(" ");
        assertThatThrownBy(() -> Checkpoint.parse(message)).isInstanceOf(AuditException.class);
        assertThat(List.of(message.split("\n"))).hasSize(4);
    }
}

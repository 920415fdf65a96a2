package io.tokenport.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TransferLogTest {

    @TempDir
    Path tmp;

    @Test
    void appendedRecordsGetConsecutiveIndicesAndReadBackIdentically() {
        try (TransferLog log = TransferLog.open(tmp.resolve("log"))) {
            MerkleTree expected = new MerkleTree();
            for (int i = 0; i < 20; i++) {
                TransferRecord r = Records.sample(i);
                Appended a = log.append(r);
                assertThat(a.index()).isEqualTo(i);
                assertThat(a.leafHash()).isEqualTo(r.leafHash());
                expected.append(r.leafHash());
            }
            assertThat(log.size()).isEqualTo(20);
            for (int i = 0; i < 20; i++) {
                assertThat(log.read(i)).isEqualTo(Records.sample(i));
            }
            assertThat(log.rootHash(20)).isEqualTo(expected.rootHash(20));
            assertThat(log.rootHash(13)).isEqualTo(expected.rootHash(13));
            MerkleProofs.verifyInclusion(5, 20, Records.sample(5).leafHash(), log.inclusionProof(5, 20),
                    log.rootHash(20));
            MerkleProofs.verifyConsistency(7, 20, log.rootHash(7), log.rootHash(20), log.consistencyProof(7, 20));
        }
    }

    @Test
    void reopeningRestoresTheSameTreeFromStoredStateWithoutRehashing() {
        Path dir = tmp.resolve("log");
        Digest root;
        try (TransferLog log = TransferLog.open(dir)) {
            for (int i = 0; i < 100; i++) {
                log.append(Records.sample(i));
            }
            root = log.rootHash(100);
        }
        try (TransferLog log = TransferLog.open(dir)) {
            assertThat(log.recovery()).isEqualTo(new Recovery(100, 0, 0));
            assertThat(log.rootHash(100)).isEqualTo(root);
            assertThat(log.append(Records.sample(100)).index()).isEqualTo(100);
        }
    }

    @Test
    void aDamagedLeavesFileIsNoticedAndRebuiltFromTheRecords() throws IOException {
        Path dir = tmp.resolve("log");
        Digest root;
        try (TransferLog log = TransferLog.open(dir)) {
            for (int i = 0; i < 30; i++) {
                log.append(Records.sample(i));
            }
            root = log.rootHash(30);
        }
        byte[] leaves = Files.readAllBytes(dir.resolve(TransferLog.LEAVES));
        leaves[100] ^= 1;
        Files.write(dir.resolve(TransferLog.LEAVES), leaves);
        try (TransferLog log = TransferLog.open(dir)) {
            assertThat(log.recovery().hashedRecords()).isEqualTo(30);
            assertThat(log.rootHash(30)).isEqualTo(root);
        }
    }

    @Test
    void concurrentAppendsFromManyVirtualThreadsAllLandExactlyOnce() throws Exception {
        Path dir = tmp.resolve("log");
        int threads = 64;
        int perThread = 40;
        List<Appended> results = Collections.synchronizedList(new ArrayList<>());
        try (TransferLog log = TransferLog.open(dir);
                var executor = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<?>> futures = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int base = t * perThread;
                futures.add(executor.submit(() -> {
                    for (int i = 0; i < perThread; i++) {
                        results.add(log.append(Records.sample(base + i)));
                    }
                }));
            }
            for (Future<?> f : futures) {
                f.get();
            }
            int n = threads * perThread;
            assertThat(log.size()).isEqualTo(n);
            assertThat(results.stream().mapToLong(Appended::index).sorted().toArray())
                    .isEqualTo(java.util.stream.LongStream.range(0, n).toArray());
            for (Appended a : results) {
                assertThat(log.leafHash(a.index())).isEqualTo(a.leafHash());
            }
            List<String> ids = new ArrayList<>();
            log.forEach(0, n, (i, r) -> ids.add(r.requestId()));
            assertThat(ids).doesNotHaveDuplicates().hasSize(n);
        }
    }

    @Test
    void aTornLastFrameIsCutOffAtEveryByteOffset() throws IOException {
        Path dir = tmp.resolve("log");
        Path snapshot = tmp.resolve("snapshot");
        long lastFrameStart;
        long fileEnd;
        Digest rootBefore;
        try (TransferLog log = TransferLog.open(dir)) {
            for (int i = 0; i < 9; i++) {
                log.append(Records.sample(i));
            }
            lastFrameStart = Files.size(dir.resolve(TransferLog.RECORDS));
            rootBefore = log.rootHash(9);
            log.append(Records.sample(9));
            fileEnd = Files.size(dir.resolve(TransferLog.RECORDS));
            // Copy while open: what a kill -9 right now would leave behind.
            copy(dir, snapshot);
        }
        for (long cut = lastFrameStart; cut < fileEnd; cut++) {
            Path crashed = tmp.resolve("cut-" + cut);
            copy(snapshot, crashed);
            try (FileChannel ch = FileChannel.open(crashed.resolve(TransferLog.RECORDS), StandardOpenOption.WRITE)) {
                ch.truncate(cut);
            }
            try (TransferLog log = TransferLog.open(crashed)) {
                assertThat(log.size()).as("cut at %d", cut).isEqualTo(9);
                assertThat(log.recovery().truncatedBytes()).isEqualTo(cut - lastFrameStart);
                assertThat(log.rootHash(9)).isEqualTo(rootBefore);
                assertThat(Files.size(crashed.resolve(TransferLog.RECORDS))).isEqualTo(lastFrameStart);
                assertThat(log.append(Records.sample(9)).index()).isEqualTo(9);
            }
            deleteTree(crashed);
        }
    }

    @Test
    void aCorruptedByteAnywhereInTheLastUnsyncedFrameLosesOnlyThatFrame() throws IOException {
        Path dir = tmp.resolve("log");
        Path snapshot = tmp.resolve("snapshot");
        long lastFrameStart;
        long fileEnd;
        Digest rootBefore;
        try (TransferLog log = TransferLog.open(dir)) {
            for (int i = 0; i < 5; i++) {
                log.append(Records.sample(i));
            }
            lastFrameStart = Files.size(dir.resolve(TransferLog.RECORDS));
            rootBefore = log.rootHash(5);
            log.append(Records.sample(5));
            fileEnd = Files.size(dir.resolve(TransferLog.RECORDS));
            copy(dir, snapshot);
        }
        byte[] original = Files.readAllBytes(snapshot.resolve(TransferLog.RECORDS));
        for (long at = lastFrameStart; at < fileEnd; at++) {
            Path crashed = tmp.resolve("flip-" + at);
            copy(snapshot, crashed);
            byte[] bytes = original.clone();
            bytes[(int) at] ^= 0x40;
            Files.write(crashed.resolve(TransferLog.RECORDS), bytes);
            try (TransferLog log = TransferLog.open(crashed)) {
                assertThat(log.size()).as("flipped byte %d", at).isEqualTo(5);
                assertThat(log.rootHash(5)).isEqualTo(rootBefore);
                assertThat(Files.size(crashed.resolve(TransferLog.RECORDS))).isEqualTo(lastFrameStart);
            }
            deleteTree(crashed);
        }
    }

    @Test
    void damageToADurableRecordRefusesToOpenInsteadOfDroppingEvidence() throws IOException {
        Path dir = tmp.resolve("log");
        try (TransferLog log = TransferLog.open(dir)) {
            for (int i = 0; i < 5; i++) {
                log.append(Records.sample(i));
            }
        }
        byte[] bytes = Files.readAllBytes(dir.resolve(TransferLog.RECORDS));
        bytes[RecordFile.HEADER + 20] ^= 1;
        Files.write(dir.resolve(TransferLog.RECORDS), bytes);
        assertThatThrownBy(() -> TransferLog.open(dir))
                .isInstanceOf(AuditException.class)
                .hasMessageContaining("is damaged at byte " + RecordFile.HEADER + " (record 0): checksum mismatch")
                .hasMessageContaining("5 records were durable");
        // Refusing changed nothing.
        assertThat(Files.readAllBytes(dir.resolve(TransferLog.RECORDS))).isEqualTo(bytes);
    }

    @Test
    void aReadOnlySnapshotCanBeOpenedWhileTheWriterKeepsAppending() throws IOException {
        Path dir = tmp.resolve("log");
        try (TransferLog writer = TransferLog.open(dir)) {
            for (int i = 0; i < 5; i++) {
                writer.append(Records.sample(i));
            }
            // A half-written next frame, as the writer might have on disk at this instant.
            byte[] partial = new byte[] {0, 0, 1, 0, 42};
            Files.write(dir.resolve(TransferLog.RECORDS), partial, StandardOpenOption.APPEND);
            long sizeOnDisk = Files.size(dir.resolve(TransferLog.RECORDS));
            try (TransferLog snapshot = TransferLog.openReadOnly(dir)) {
                assertThat(snapshot.size()).isEqualTo(5);
                assertThat(snapshot.rootHash(5)).isEqualTo(writer.rootHash(5));
                assertThat(snapshot.read(4)).isEqualTo(Records.sample(4));
                assertThatThrownBy(() -> snapshot.append(Records.sample(5))).hasMessageContaining("read-only");
            }
            assertThat(Files.size(dir.resolve(TransferLog.RECORDS))).isEqualTo(sizeOnDisk);
        }
        assertThatThrownBy(() -> TransferLog.openReadOnly(tmp.resolve("nothing"))).hasMessageContaining("no audit log");
    }

    @Test
    void aLogCanHaveOnlyOneWriter() {
        Path dir = tmp.resolve("log");
        try (TransferLog log = TransferLog.open(dir)) {
            assertThatThrownBy(() -> TransferLog.open(dir)).hasMessageContaining("already open");
        }
        TransferLog.open(dir).close();
    }

    @Test
    void appendingToAClosedLogIsRefused() {
        TransferLog log = TransferLog.open(tmp.resolve("log"));
        log.close();
        assertThatThrownBy(() -> log.append(Records.sample(1))).hasMessageContaining("is closed");
    }

    @Test
    void aFileThatIsNotATransferLogIsRefused() throws IOException {
        Path dir = tmp.resolve("log");
        Files.createDirectories(dir);
        Files.writeString(dir.resolve(TransferLog.RECORDS), "hello, world");
        assertThatThrownBy(() -> TransferLog.open(dir)).hasMessageContaining("not a TokenPort transfer log");
    }

    static void copy(Path from, Path to) throws IOException {
        Files.createDirectories(to);
        try (Stream<Path> files = Files.walk(from)) {
            for (Path p : files.toList()) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target);
                }
            }
        }
    }

    static void deleteTree(Path dir) throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
